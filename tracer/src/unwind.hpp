#pragma once
// User-space stacks of stopped tracees (TraceOptions::stacks, strace -k),
// with elfutils libdw's unwinder. Each traced process has its own Dwfl: its
// modules (from /proc/PID/maps), their symbol tables and line tables are
// loaded once and kept until the process's executable mappings change (an
// mmap or mprotect with PROT_EXEC, an munmap) or its image does (exec, exit).
// The frames of a call site are symbolized once per process: a stack seen
// again (the same return addresses) is the same shared Stack.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "syspect/event.hpp"

namespace syspect::detail {

class Unwinder {
 public:
  Unwinder();
  ~Unwinder();
  Unwinder(const Unwinder&) = delete;
  Unwinder& operator=(const Unwinder&) = delete;

  // The stack of thread `tid` of process `tgid`, stopped under ptrace (at
  // a syscall or seccomp stop). Null when nothing could be unwound.
  Stack unwind(pid_t tgid, pid_t tid);

  // After a call's exit: an mmap or mprotect that made memory executable,
  // or an munmap, changes the modules of the process: they are read again
  // before its next stack.
  void after_call(const SyscallEvent& e);

  // The process exec'd a new program or is gone: its modules and caches go.
  void forget(pid_t tgid);

  // How many processes have state (for tests of the cache's bounds).
  std::size_t processes() const { return procs_.size(); }

 private:
  struct Process;
  std::unordered_map<pid_t, std::unique_ptr<Process>> procs_;
};

}  // namespace syspect::detail
