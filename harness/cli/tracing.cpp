#include "tracing.hpp"

#include <signal.h>

#include <atomic>

#include "exit_codes.hpp"

namespace syspect {
namespace {

std::atomic<Tracer*> g_tracer{nullptr};

void on_stop_signal(int) {
  // The tracer wakes its own loop; nothing else here is interrupted.
  if (Tracer* t = g_tracer.load()) t->request_stop();
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
