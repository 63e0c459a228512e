#pragma once
// What keeps a traced process from leaving the trace or hiding what it did,
// as hooks at a call's entry and exit: CLONE_UNTRACED cleared before the
// call runs, a child the kernel did not announce killed, a seccomp filter
// of the tracee's own answered by stopping at every call, an opened file
// compared with the path decoded (SECURITY.md).

#include "memory.hpp"
#include "ptrace.hpp"
#include "session.hpp"
#include "syscall_ids.hpp"

namespace syspect::detail {

inline bool is_open_call(const SyscallDesc* desc) {
  return is(desc, SysId::openat) || is(desc, SysId::open) || is(desc, SysId::openat2) ||
         is(desc, SysId::creat);
}

class Guards {
 public:
  explicit Guards(Session& s) : s_(s) {}

  // clone(CLONE_UNTRACED) would start a child the kernel does not attach:
  // the flag is cleared before the call runs (the event still shows what
  // the program asked for).
  void keep_children_traced(ThreadState& t);

  // At the exit of a call that created a process or thread: the kernel
  // announced the child with a ptrace event before this stop. A child it
  // did not announce escaped tracing (clone3's flags changed by another
  // thread after the entry check): it is killed, never left running unseen.
  void check_child_announced(ThreadState& t);

  // A seccomp filter installed by the tracee itself: see ProcessState.
  void note_tracee_filter(const ThreadState& t);

  // The descriptor an open returned against the path decoded at its entry:
  // the same file (device and inode), or SyscallEvent::opened_path is set.
  void check_opened_path(ThreadState& t);

 private:
  Session& s_;
};

}  // namespace syspect::detail
