#pragma once
// The model of an expectation file (TOML, version 1). See docs/expectations.md.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "syspect/diagnostic.hpp"
#include "syspect/event.hpp"
#include "syspect/inject.hpp"
#include "syspect/syscall_table.hpp"
#include "syspect/value_matcher.hpp"

namespace syspect {

// One entry of a selector: a syscall by name or a trace class, for one ABI.
struct SelectorItem {
  Abi abi = Abi::x86_64;
  int nr = -1;               // a syscall (its number in abi's table)...
  std::uint32_t classes = 0; // ...or a class (TraceClass bits) when nr < 0
  std::string text;          // as written: "openat", "@file", "i386:getpid"
  SourcePos pos;             // where it is written
};

// Which syscalls a rule is about: x86_64 names and classes match x86_64
// calls only; a call through another ABI matches only items that name it.
struct Selector {
  std::vector<SelectorItem> items;
  bool matches(const SyscallEvent& e) const;
  // "openat", "openat or open", "a @file call"
  std::string describe() const;
};

struct ArgCheck {
  int index = 0;
  std::string name;  // as written: "pathname" or "1"
  ValueMatcherPtr matcher;
  bool output = false;  // the argument is read when the call returns
};

// A call the rule looks for: which syscall, with which arguments, and what
// it returned.
struct CallPattern {
  Selector selector;
  // Argument checks per syscall (abi, nr), when `args` was given: a syscall
  // for which the arguments did not resolve is absent and never matches.
  bool has_args = false;
  std::map<std::pair<Abi, int>, std::vector<ArgCheck>> args;
  std::string args_text;  // "pathname matches glob \"/etc/*\" and flags has O_CLOEXEC"
  ValueMatcherPtr result;        // on the raw return value
  std::vector<int> errnos;       // any of these; empty: not checked
  // On how long the call took (SyscallEvent::duration_ns, strace's -T), in
  // ns: `duration = "< 10ms"`. A call whose exit was not seen never matches.
  ValueMatcherPtr duration;
  std::string duration_text;  // as written: "< 10ms"
  SourcePos pos;

  // Decided from the call's entry alone (no result, errno or output args).
  bool decidable_at_entry() const;
  bool uses_fd_path() const;
  // Whether it checks a path argument of `e`'s syscall.
  bool checks_path_of(const SyscallEvent& e) const;
  // Bit i set: a condition on argument i of `e`'s syscall.
  std::uint8_t checked_args(const SyscallEvent& e) const;
  std::string describe() const;  // "openat with pathname ..., returning >= 0"
};

// How one call compares with a pattern.
struct PatternMatch {
  bool selected = false;  // the syscall is one the pattern is about
  bool matched = false;   // ...and everything else holds
  // Nothing failed, but an argument was cut when read and the part read
  // cannot settle its check: the call may or may not match. A [[forbid]]
  // counts it as a violation, an [[expect]] does not count it.
  bool undecided = false;
  std::vector<std::string> undecided_notes;  // "buf is a buffer of ... cannot be judged"
  // How close the call comes, to rank near misses: each check that held
  // counts 1000 × near_miss_weight() of its argument (1000 for the result
  // and the errno), each that did not its matcher's likeness().
  unsigned score = 0;
  std::vector<std::string> mismatches;  // "flags was O_RDONLY; wanted: has O_CLOEXEC"
};

PatternMatch match_pattern(const CallPattern& p, const SyscallEvent& e, const MatchContext& ctx,
                           bool explain);

// count = "1..2" / ">= 1" / 3
struct CountRange {
  std::uint64_t min = 1;
  std::optional<std::uint64_t> max;
  bool contains(std::uint64_t n) const { return n >= min && (!max || n <= *max); }
  std::string describe() const;  // "at least once", "exactly 2 times", "between 1 and 3 times"
};

struct ProcessScope {
  std::optional<std::string> exe_glob;
  bool matches(const std::string* exe) const;
  std::string describe() const;  // "in processes whose executable matches \"*/server\""
};

enum class RuleKind : std::uint8_t { Expect, Forbid, Sequence, Policy, Exit, Timeout };
std::string_view rule_kind_name(RuleKind k);  // "expect", "forbid", ...

enum class SequenceMode : std::uint8_t { Subsequence, Contiguous, Exact };

struct Rule {
  RuleKind kind = RuleKind::Expect;
  std::string name;  // the `name`, or "expect at line 12"
  SourcePos pos;
  CallPattern pattern;  // expect / forbid
  CountRange count;     // expect
  ProcessScope process; // expect / forbid / sequence
  SequenceMode mode = SequenceMode::Subsequence;
  std::vector<CallPattern> steps;  // sequence
};

enum class OnViolation : std::uint8_t { Report, Kill, Errno };

struct PolicySpec {
  std::vector<SelectorItem> allow;
  std::vector<SelectorItem> deny;
  bool has_allow = false;
  OnViolation on_violation = OnViolation::Report;
  int err = 0;  // Errno
  std::string on_violation_text;
  SourcePos pos;
  SourcePos allow_pos;  // of the allow list, when there is one
  // Whether a call breaks the policy.
  bool violates(const SyscallEvent& e) const;
  // Whether `deny` names it.
  bool denies(const SyscallEvent& e) const;
};

struct RunSpec {
  std::vector<std::string> command;
  std::optional<std::chrono::milliseconds> timeout;
  std::string timeout_text;
  SourcePos timeout_pos;
  std::vector<std::pair<std::string, std::string>> env;
  std::optional<std::string> cwd;
  std::optional<int> exit;
  SourcePos exit_pos;
  // The report shows the stack of each offending call (check -k).
  bool stacks = false;
};

// An [[inject]] table: a fault injected into the calls `pattern` selects
// (syscall and args; never result or errno, which the call has not made
// yet). `injection` holds the action and `when`; its set and condition are
// filled from the pattern by spec_injections().
struct InjectRule {
  std::string name;  // the `name`, or "inject at line 12"
  SourcePos pos;
  CallPattern pattern;
  Injection injection;
  bool has_when = false;  // `when` was written
};

struct Spec {
  std::string path;  // as given
  std::string dir;   // the directory it is in (for relative paths in [run])
  int version = 1;
  RunSpec run;
  std::optional<PolicySpec> policy;
  std::vector<Rule> rules;  // expect / forbid / sequence, in file order

  bool uses_fd_path() const;
  // [[inject]] tables, in file order.
  std::vector<InjectRule> injects;
  bool enforces() const {
    return policy && policy->on_violation != OnViolation::Report;
  }
};

// The spec's [[inject]] rules as the tracer takes them
// (TraceOptions::injections): each selects the calls its syscall and args
// match, reading what an fd refers to from /proc when an args matcher asks.
std::vector<Injection> spec_injections(const Spec& spec);

}  // namespace syspect
