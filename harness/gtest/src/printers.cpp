#include "syspect/printers.hpp"

#include <ostream>
#include <set>

#include "syspect/format.hpp"
#include "syspect/report.hpp"
#include "syspect/syscall_arg.hpp"

namespace syspect {
namespace {

std::string counts(const Trace& t) {
  std::size_t calls = 0;
  std::set<pid_t> pids;
  for (const Event& e : t.events()) {
    if (const auto* s = std::get_if<SyscallEvent>(&e)) {
      ++calls;
      pids.insert(s->pid);
    }
  }
  return fmt::format("{} syscall{} in {} process{}", calls, calls == 1 ? "" : "s", pids.size(),
                     pids.size() == 1 ? "" : "es");
}

}  // namespace

void PrintTo(const SyscallEvent& e, std::ostream* os) { *os << strace_text(e); }
void PrintTo(const SignalEvent& e, std::ostream* os) { *os << format_signal(e); }
void PrintTo(const ExitEvent& e, std::ostream* os) { *os << format_exit(e); }
void PrintTo(const ExecEvent& e, std::ostream* os) {
  *os << fmt::format("+++ [pid {}] exec \"{}\" +++", e.pid, e.filename);
}

std::string describe_trace(const Trace& t) {
  return fmt::format("trace of \"{}\": {}, {}", shell_quote(t.command()), counts(t), describe_status(t.result()));
}

std::string describe_trace(const FunctionTrace& t) {
  std::string how;
  switch (t.outcome()) {
    case FunctionOutcome::Returned: how = "returned"; break;
    case FunctionOutcome::Threw: how = fmt::format("threw \"{}\"", t.exception()); break;
    case FunctionOutcome::Exited:
    case FunctionOutcome::Killed:
    case FunctionOutcome::Unfinished:
      how = describe_status(t.result());
      break;
  }
  return fmt::format("trace of a function that {}: {}", how, counts(t));
}

void PrintTo(const Trace& t, std::ostream* os) { *os << describe_trace(t); }
void PrintTo(const FunctionTrace& t, std::ostream* os) { *os << describe_trace(t); }

}  // namespace syspect
