#include "memory.hpp"

#include <sys/ptrace.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ptrace.hpp"

namespace syspect::detail {
namespace {

constexpr std::uint64_t kPage = 4096;

long peek_memory(pid_t tid, RemotePtr from, void* to, std::size_t len) {
  auto* out = static_cast<unsigned char*>(to);
  std::size_t done = 0;
  while (done < len) {
    std::uint64_t addr = from.addr + done;
    std::uint64_t aligned = addr & ~std::uint64_t{7};
    errno = 0;
    long word = ptrace_raw(PTRACE_PEEKDATA, tid, aligned, 0);
    if (word == -1 && errno != 0) break;
    unsigned char bytes[8];
    std::memcpy(bytes, &word, 8);
    std::size_t skip = addr - aligned;
    std::size_t n = std::min<std::size_t>(8 - skip, len - done);
    std::memcpy(out + done, bytes + skip, n);
    done += n;
  }
  return done == 0 ? -1 : static_cast<long>(done);
}

// Read-modify-write of the words that cover the range.
bool poke_memory(pid_t tid, RemotePtr to, const void* from, std::size_t len) {
  const auto* in = static_cast<const unsigned char*>(from);
  std::size_t done = 0;
  while (done < len) {
    std::uint64_t addr = to.addr + done;
    std::uint64_t aligned = addr & ~std::uint64_t{7};
    std::size_t skip = addr - aligned;
    std::size_t n = std::min<std::size_t>(8 - skip, len - done);
    unsigned char bytes[8];
    if (skip != 0 || n != 8) {
      errno = 0;
      long word = ptrace_raw(PTRACE_PEEKDATA, tid, aligned, 0);
      if (word == -1 && errno != 0) return false;
      std::memcpy(bytes, &word, 8);
    }
    std::memcpy(bytes + skip, in + done, n);
    long word = 0;
    std::memcpy(&word, bytes, 8);
    if (ptrace_raw(PTRACE_POKEDATA, tid, aligned, static_cast<std::uintptr_t>(word)) != 0) return false;
    done += n;
  }
  return true;
}

}  // namespace

bool write_memory(pid_t tid, RemotePtr to, const void* from, std::size_t len) {
  if (len == 0) return true;
  iovec local{const_cast<void*>(from), len};
  iovec remote{reinterpret_cast<void*>(to.addr), len};
  ssize_t n = process_vm_writev(tid, &local, 1, &remote, 1, 0);
  if (n == static_cast<ssize_t>(len)) return true;
  if (n >= 0 || errno == EFAULT || errno == ESRCH) return false;
  return poke_memory(tid, to, from, len);
}

long read_memory(pid_t tid, RemotePtr from, void* to, std::size_t len) {
  if (len == 0) return 0;
  iovec local{to, len};
  iovec remote{reinterpret_cast<void*>(from.addr), len};
  // A range that runs into an unmapped page reads short, up to the fault.
  ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
  if (n > 0) return n;
  if (n == 0 || errno == EFAULT || errno == ESRCH) return -1;
  // Not permitted (a non-dumpable tracee) or not supported: PEEKDATA.
  return peek_memory(tid, from, to, len);
}

bool read_exact(pid_t tid, RemotePtr from, void* to, std::size_t len) {
  return read_memory(tid, from, to, len) == static_cast<long>(len);
}

std::optional<RemoteString> read_string(pid_t tid, RemotePtr from, std::size_t limit) {
  RemoteString s;
  char buf[kPage];
  std::uint64_t addr = from.addr;
  while (s.bytes.size() < limit) {
    // Never cross a page boundary in one read: the next page may be unmapped
    // although the string ends before it.
    std::size_t chunk = kPage - (addr % kPage);
    chunk = std::min(chunk, limit - s.bytes.size());
    long n = read_memory(tid, RemotePtr{addr}, buf, chunk);
    // A fault before the NUL makes the whole string unreadable, as in
    // strace (and as for the kernel, which fails the call with EFAULT).
    if (n <= 0) return std::nullopt;
    const void* nul = std::memchr(buf, '\0', static_cast<std::size_t>(n));
    if (nul != nullptr) {
      s.bytes.append(buf, static_cast<const char*>(nul) - buf);
      return s;
    }
    s.bytes.append(buf, static_cast<std::size_t>(n));
    addr += static_cast<std::uint64_t>(n);
    if (static_cast<std::size_t>(n) < chunk) return std::nullopt;
  }
  s.truncated = true;
  return s;
}

}  // namespace syspect::detail
