#pragma once
// What a check found, rule by rule, and its renderings: text for people,
// JSON for programs, JUnit XML for CI servers.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "syspect/event.hpp"

namespace syspect {

// One observed call (or a group of identical offenders) shown in a report.
struct ObservedCall {
  std::string text;  // strace-formatted
  pid_t pid = 0;
  std::string exe;
  std::uint64_t count = 1;       // offenders: how many calls this stands for
  std::vector<std::string> notes;  // "flags was O_RDONLY; wanted: has O_CLOEXEC"
  // With stacks on: who made the call, `read_config (config.c:9) ← init ←
  // main` (stack_summary()), and its frames, innermost first.
  std::string stack;
  std::vector<StackFrame> frames;
};

struct ObservedGroup {
  std::string heading;  // "nearest calls", "offending calls", "matched so far"
  std::vector<ObservedCall> calls;
};

struct RuleOutcome {
  std::string kind;  // "expect", "forbid", "sequence", "policy", "exit", "timeout"
  std::string name;
  std::uint32_t line = 0;
  bool passed = true;
  std::string required;  // in plain words; may span lines
  std::string observed;  // one line: "seen 0 times", "violated 3 times in 2 processes"
  // What would make it pass, when the report can say: `add "unlink" to
  // [policy] allow (spec.toml:3), if the program may make it`.
  std::vector<std::string> hints;
  std::vector<ObservedGroup> groups;
  // The groups (the offending calls) read before what was required: a
  // policy's allowlist is long, its violations what a reader looks for.
  bool groups_first = false;
};

struct CheckReport {
  std::string spec;  // file name as given
  std::vector<std::string> command;
  TraceResult result;
  // When the checked run started, as UTC "YYYY-MM-DDTHH:MM:SS" (empty when
  // unknown), and how long it took in seconds (0 for a recorded trace).
  std::string started;
  double seconds = 0;
  std::vector<RuleOutcome> rules;  // in file order
  std::size_t failed() const;
  // The run ended on its own: no timeout, stop (syspect interrupted) or
  // detach cut it short. A check of a run that did not never passes: its
  // rules saw only part of what the program would have done.
  bool complete() const { return !result.timed_out && !result.interrupted && !result.detached; }
  bool passed() const { return failed() == 0 && complete(); }
};

struct TextReportOptions {
  bool colour = false;
};

std::string render_text(const CheckReport& r, const TextReportOptions& options = {});
// One failed rule as the text report shows it (used in JUnit failures too).
std::string render_text_block(const CheckReport& r, const RuleOutcome& rule,
                              const TextReportOptions& options = {});
std::string render_json(const CheckReport& r);
std::string render_junit(const CheckReport& r);

// How the target ended, in words: "exited with 0", "was killed by SIGKILL",
// "was killed when syspect was interrupted by SIGTERM".
std::string describe_status(const TraceResult& r);
// Why a run did not end on its own, in words ("syspect was interrupted by
// SIGTERM", "the timeout fired"); empty when it did.
std::string describe_cut_short(const TraceResult& r);

}  // namespace syspect
