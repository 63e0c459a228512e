#include "tracing.hpp"

#include <signal.h>
#include <sys/time.h>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

void on_stop_signal(int sig) {
  Tracer::request_stop(sig);
  // Keep interrupting the tracer's wait until it has noticed: a signal that
  // lands just before it blocks would otherwise go unseen.
  itimerval again{};
  again.it_value.tv_usec = 50'000;
  again.it_interval.tv_usec = 50'000;
  ::setitimer(ITIMER_REAL, &again, nullptr);
}

void on_alarm(int) {}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: interrupt waitpid
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGHUP, &sa, nullptr);
  sa.sa_handler = on_alarm;
  ::sigaction(SIGALRM, &sa, nullptr);
}

int exit_code_for_interrupt(const TraceResult& r) {
  return 128 + (r.interrupt_signal != 0 ? r.interrupt_signal : SIGINT);
}

std::string describe_interrupt(const TraceResult& r) {
  return r.interrupt_signal != 0 ? fmt::format("interrupted by {}", signal_name(r.interrupt_signal))
                                 : std::string("interrupted");
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
