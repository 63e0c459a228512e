#pragma once
// What a wait status reports about a tracee, as one kind of stop: the
// tracer's loop classifies each status here and then acts on the kind
// (Tracer::Impl::handle). Pure: unit tests drive it with made-up statuses.

namespace syspect::detail {

struct Stop {
  enum class Kind {
    Exited,       // the thread is gone (exited or killed): `status` says how
    SyscallStop,  // a syscall-entry or -exit stop (PTRACE_O_TRACESYSGOOD)
    Seccomp,      // PTRACE_EVENT_SECCOMP: the tracer's filter trapped a call
    NewChild,     // PTRACE_EVENT_FORK, _VFORK or _CLONE: `event` says which
    Exec,         // PTRACE_EVENT_EXEC
    ExitEvent,    // PTRACE_EVENT_EXIT: the thread is about to exit
    GroupStop,    // PTRACE_EVENT_STOP for SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU
    Interrupt,    // PTRACE_EVENT_STOP otherwise: a new tracee's first stop,
                  // or PTRACE_INTERRUPT
    Signal,       // a signal about to be delivered: `signal`
    OtherEvent,   // another ptrace event (resumed as it is)
    NotAStop,     // a status that is none of these (continued)
  };
  Kind kind = Kind::NotAStop;
  int signal = 0;  // the stop signal (Signal, GroupStop); 0 otherwise
  int event = 0;   // the PTRACE_EVENT_* number of an event stop
};

Stop classify(int status);

}  // namespace syspect::detail
