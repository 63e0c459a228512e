#pragma once
// User-space stacks of stopped tracees (TraceOptions::stacks, strace -k),
// with elfutils libdw's unwinder. Each traced process has its own Dwfl: its
// modules (from /proc/PID/maps), their symbol tables and line tables are
// loaded once and kept until the process's executable mappings change (an
// mmap or mprotect with PROT_EXEC, an munmap) or its image does (exec, exit).
// The frames of a call site are symbolized once per process: a stack seen
// again (the same return addresses) is the same shared Stack. Symbols and
// source lines come from one index per ELF file (by build ID), shared by
// every process that maps it.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "syspect/event.hpp"

struct Dwfl;
struct Dwfl_Module;

namespace syspect::detail {

class Unwinder {
 public:
  // `lines`: find each frame's source file and line too (debug info).
  explicit Unwinder(bool lines = true);
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
  struct Symbols;
  Symbols* symbols_for(Dwfl_Module* mod);
  StackFrame symbolize(Dwfl* dwfl, std::uint64_t key);

  bool lines_;
  std::unordered_map<pid_t, std::unique_ptr<Process>> procs_;
  // Each ELF file's symbols, by build ID, shared by the processes (null:
  // the file could not be opened as the one mapped).
  std::unordered_map<std::string, std::unique_ptr<Symbols>> files_;
};

}  // namespace syspect::detail
