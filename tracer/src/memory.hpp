#pragma once
// Reading a tracee's memory: process_vm_readv, with PTRACE_PEEKDATA for
// tracees that process_vm_readv may not read.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace syspect::detail {

// A tracee address: never to be dereferenced here.
struct RemotePtr {
  std::uint64_t addr = 0;
  bool null() const { return addr == 0; }
  RemotePtr operator+(std::uint64_t n) const { return RemotePtr{addr + n}; }
};

// Read up to `len` bytes; returns how many were read (a short count when
// the range runs into an unmapped page), or -1 when nothing could be read.
long read_memory(pid_t tid, RemotePtr from, void* to, std::size_t len);

// Read exactly `len` bytes or fail.
bool read_exact(pid_t tid, RemotePtr from, void* to, std::size_t len);

// Write exactly `len` bytes into the tracee (process_vm_writev, or
// PTRACE_POKEDATA word by word where that is not permitted).
bool write_memory(pid_t tid, RemotePtr to, const void* from, std::size_t len);

struct RemoteString {
  std::string bytes;
  bool truncated = false;  // no NUL within `limit` bytes
};

// A NUL-terminated string of at most `limit` bytes, marked truncated when it
// has no NUL within them; nothing when a byte before its NUL (or before
// `limit`) cannot be read, e.g. it runs into an unmapped page.
std::optional<RemoteString> read_string(pid_t tid, RemotePtr from, std::size_t limit);

}  // namespace syspect::detail
