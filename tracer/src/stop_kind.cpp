#include "stop_kind.hpp"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

namespace syspect::detail {

Stop classify(int status) {
  Stop s;
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    s.kind = Stop::Kind::Exited;
    return s;
  }
  if (!WIFSTOPPED(status)) return s;
  int sig = WSTOPSIG(status);
  s.event = status >> 16;
  if (sig == (SIGTRAP | 0x80)) {
    s.kind = Stop::Kind::SyscallStop;
    return s;
  }
  switch (s.event) {
    case 0:
      s.kind = Stop::Kind::Signal;
      s.signal = sig;
      break;
    case PTRACE_EVENT_SECCOMP:
      s.kind = Stop::Kind::Seccomp;
      break;
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE:
      s.kind = Stop::Kind::NewChild;
      break;
    case PTRACE_EVENT_EXEC:
      s.kind = Stop::Kind::Exec;
      break;
    case PTRACE_EVENT_EXIT:
      s.kind = Stop::Kind::ExitEvent;
      break;
    case PTRACE_EVENT_STOP:
      if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
        s.kind = Stop::Kind::GroupStop;
        s.signal = sig;
      } else {
        s.kind = Stop::Kind::Interrupt;
      }
      break;
    default:
      s.kind = Stop::Kind::OtherEvent;
      break;
  }
  return s;
}

}  // namespace syspect::detail
