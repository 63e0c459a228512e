#pragma once
// What every subcommand that runs a program under the tracer shares.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "syspect/filter.hpp"
#include "syspect/result.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

// SIGINT, SIGTERM and SIGHUP ask `tracer` to stop (attached processes are
// detached, spawned ones killed), so that a report or trace file still ends
// properly. For as long as this object lives; `tracer` must outlive it.
class StopOnSignals {
 public:
  explicit StopOnSignals(Tracer& tracer);
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;
};

// `-p PID`: strace's notices on stderr, "syspect: Process 42 attached
// [with 3 threads]" once all its threads are seized and "syspect: Process
// 43 detached" as each thread is let go.
class AttachNotices : public Sink {
 public:
  Interest interest() const override { return Interest::none(); }
  void on_attached(pid_t pid, const std::vector<pid_t>& tids) override;
  void on_detached(pid_t tid) override;
};

// `-e trace=SET` (or `-e SET`): the calls to keep. The error names the
// expression: "-e trace=opnat: unknown syscall 'opnat'...".
Result<SyscallFilter, std::string> parse_trace_expr(const std::string& expr);

// strace's display options, beside -e: --signal=SET, --status=SET, -z,
// -Z, -P PATH, -q/-qq/-qqq, --quiet=SET; and what they and -e signal=,
// -e status=, -e quiet=, -e trace= make together.
struct FilterArgs {
  std::vector<std::string> signals, statuses, quiets, paths;
  int successful_only = 0, failed_only = 0;  // -z, -Z: how many times given
  int q = 0;  // -q (1), -qq (2), -qqq (3)
};
void add_filter_options(CLI::App* verb, FilterArgs& args);
struct ShownFilter {
  DisplayFilter filter;
  unsigned quiet = 0;  // QuietMessage bits
};
// strace's qualifiers as -e expressions, in the order the command line gave
// them: -e, -z (status=successful), -Z (status=failed), --status, --signal,
// --quiet (attach,personality without a value) and -v (abbrev=none). A
// later one replaces an earlier one of its key, as in strace.
std::vector<std::string> qualifiers_in_order(const CLI::App& verb);

// `exprs` are -e's expressions in order, as qualifiers_in_order() gives them
// (inject= ones are left to the injections). Says strace's notices ("Requested path ... resolved into ...") on stderr.
Result<ShownFilter, std::string> make_filters(const FilterArgs& args, const std::vector<std::string>& exprs);

// The exit status for a program that could not be traced at all.
int exit_code_for(StartError e);

// A run that one of those signals stopped before the traced tree ended
// (TraceResult::interrupted, spawned processes killed) did not finish: its
// trace or report holds only part of it. Such a run exits 128 + the signal,
// as a shell reports a command that signal ended: 130 for SIGINT, 143 for
// SIGTERM, 129 for SIGHUP.
int exit_code_for_interrupt(const TraceResult& r);
// "interrupted by SIGTERM".
std::string describe_interrupt(const TraceResult& r);

}  // namespace syspect
