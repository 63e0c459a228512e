#pragma once
// What happens to processes and threads: a child or thread created, an
// exec (the new program against what was judged at the execve's entry), a
// signal delivered, a group stop, a thread that exited or was killed.

#include "session.hpp"

namespace syspect::detail {

class ProcessEvents {
 public:
  explicit ProcessEvents(Session& s) : s_(s) {}

  // PTRACE_EVENT_FORK, _VFORK or _CLONE: the child is added to the task
  // table (unless its own first stop came first) with its creator's CPU mask.
  void on_new_child(ThreadState& parent, int event);

  // PTRACE_EVENT_EXEC: a non-leader's exec takes over the leader's tid; the
  // new program is compared with what the execve's entry judged; an exec
  // event is emitted (not for the target's own first execve).
  void on_exec(ThreadState& t);

  // A signal about to be delivered: reported, then delivered.
  void on_signal_stop(ThreadState& t, int sig);

  // A group stop: reported, and the thread stays stopped until SIGCONT.
  void on_group_stop(ThreadState& t, int sig);

  // The thread exited or was killed: its call in progress, its exit, and
  // the run's result when it is the target.
  void on_thread_gone(pid_t tid, int status);

 private:
  Session& s_;
};

}  // namespace syspect::detail
