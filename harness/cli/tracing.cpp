#include "tracing.hpp"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <string_view>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

std::atomic<Tracer*> g_tracer{nullptr};

void on_stop_signal(int sig) {
  // The tracer wakes its own loop; nothing else here is interrupted.
  if (Tracer* t = g_tracer.load()) t->request_stop(sig);
}

}  // namespace

StopOnSignals::StopOnSignals(Tracer& tracer) {
  g_tracer.store(&tracer);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  // SA_RESTART: a write that the signal lands in (the trace, a report)
  // carries on rather than failing with EINTR.
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGHUP, &sa, nullptr);
}

// The handlers stay (a late signal then does nothing rather than kill the
// process mid-report); only the tracer they would stop is gone.
StopOnSignals::~StopOnSignals() { g_tracer.store(nullptr); }

void AttachNotices::on_attached(pid_t pid, const std::vector<pid_t>& tids) {
  if (tids.size() > 1)
    std::fprintf(stderr, "syspect: Process %d attached with %zu threads\n", static_cast<int>(pid), tids.size());
  else
    std::fprintf(stderr, "syspect: Process %d attached\n", static_cast<int>(pid));
}

void AttachNotices::on_detached(pid_t tid) {
  std::fprintf(stderr, "syspect: Process %d detached\n", static_cast<int>(tid));
}

int exit_code_for_interrupt(const TraceResult& r) {
  return 128 + (r.interrupt_signal != 0 ? r.interrupt_signal : SIGINT);
}

std::string describe_interrupt(const TraceResult& r) {
  return r.interrupt_signal != 0 ? fmt::format("interrupted by {}", signal_name(r.interrupt_signal))
                                 : std::string("interrupted");
}

Result<SyscallFilter, std::string> parse_trace_expr(const std::string& e) {
  std::string_view expr = e;
  std::string_view set = expr;
  if (auto eq = expr.find('='); eq != std::string_view::npos) {
    std::string_view key = expr.substr(0, eq);
    if (key != "trace" && key != "t") return unexpected(fmt::format("-e {}: only 'trace=SET' and 'inject=SET:ACTION' are supported", e));
    set = expr.substr(eq + 1);
  }
  auto parsed = SyscallFilter::parse(set);
  if (!parsed) return unexpected(fmt::format("-e {}: {}", e, parsed.error()));
  return std::move(*parsed);
}

int exit_code_for(StartError e) {
  switch (e) {
    case StartError::NotFound: return kExitNotFound;
    case StartError::NotExecutable: return kExitNotExecutable;
    case StartError::NotPermitted:
    case StartError::Other: break;
  }
  return kExitCannotTrace;
}

}  // namespace syspect
