#pragma once
// Turning a syscall's registers into decoded arguments: inputs at entry,
// outputs at exit, as the syscall table says.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "syspect/event.hpp"

namespace syspect::detail {

struct DecodeLimits {
  std::size_t max_string = 4096;
  std::size_t max_buffer = 4096;
  std::size_t max_argv = 4096;
};

// A numeric argument's value from its raw register, as wide and as signed
// as its kind says.
void decode_number(const ArgDesc& d, ArgValue& v);

// Fill `e.args` from the raw registers; read what the call takes as input.
// `e.abi`, `e.nr` and `e.desc` are set by the caller.
void decode_entry(pid_t tid, SyscallEvent& e, const std::uint64_t raw[6],
                  const DecodeLimits& limits);

// Set the result and read what the call wrote. `rval` is the kernel's
// return value, `is_error` whether it is a -errno.
void decode_exit(pid_t tid, SyscallEvent& e, std::int64_t rval, bool is_error,
                 const DecodeLimits& limits);

}  // namespace syspect::detail
