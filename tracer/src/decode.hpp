#pragma once
// Turning a syscall's registers into decoded arguments: inputs at entry,
// outputs at exit, as the syscall table says.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "syspect/event.hpp"
#include "syspect/format.hpp"
#include "syspect/xlat.hpp"

namespace syspect::detail {

struct DecodeLimits {
  std::size_t max_string = 4096;
  std::size_t max_buffer = 4096;
  std::size_t max_argv = 4096;
  // -s: strings inside structs (iov_base) are cut here, and arrays of
  // iovecs show at most this many elements, as strace does.
  std::size_t struct_string = 32;
  // -y: read what each fd argument and fd result refers to.
  bool fd_paths = false;
  // -X: how constants inside structs are rendered.
  XlatStyle xlat_style = XlatStyle::Abbrev;
  // -x, -xx: how strings inside structs are escaped.
  HexStrings hex_strings = HexStrings::None;
  // -v: structs shown whole (false) or abbreviated as strace does.
  bool abbrev = true;
  // -e verbose=SET: false for a call outside SET, whose structs are shown
  // as their addresses.
  bool dereference = true;
};

// What `fd` of thread `tid` refers to now ("/etc/hostname", "pipe:[123]"),
// the cwd for AT_FDCWD; empty when it is not open.
// What an fd refers to, as readlink(/proc/TID/fd/FD) says; a " (deleted)"
// the kernel added is taken off and reported in `deleted` (a live file
// whose own name ends so keeps it), as strace decides it.
std::string fd_path(pid_t tid, std::int64_t fd, bool* deleted = nullptr);

// A numeric argument's value from its raw register, as wide and as signed
// as its kind says.
void decode_number(const ArgDesc& d, ArgValue& v);

// A NUL-terminated string at `v.raw`, at most `limit` bytes.
void decode_string(pid_t tid, ArgValue& v, std::size_t limit);

// One argument by its kind in the syscall table (read now, at entry or at
// exit).
void decode_one(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v,
                const DecodeLimits& limits);

// Fill `e.args` from the raw registers; read what the call takes as input.
// `e.abi`, `e.nr` and `e.desc` are set by the caller. `sp` is the stack
// pointer at entry (rt_sigreturn reads its signal frame there).
void decode_entry(pid_t tid, SyscallEvent& e, const std::uint64_t raw[6], std::uint64_t sp,
                  const DecodeLimits& limits);

// Set the result and read what the call wrote. `rval` is the kernel's
// return value, `is_error` whether it is a -errno.
void decode_exit(pid_t tid, SyscallEvent& e, std::int64_t rval, bool is_error,
                 const DecodeLimits& limits);

}  // namespace syspect::detail
