#pragma once
// Decoders for struct arguments, by the struct's name in the syscall table.

#include <sys/types.h>

#include "decode.hpp"
#include "syspect/event.hpp"

namespace syspect::detail {

// Read and decode the struct `v` points to. False when the struct is not
// known, the pointer is NULL, or the memory cannot be read: the argument
// then stays a pointer. `at_entry` is true for the read at syscall entry of
// an in/out argument (whose text is made at exit).
bool decode_struct(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v, bool at_entry,
                   const DecodeLimits& limits);

// rt_sigreturn's argument, as strace shows it: the signal mask that the
// signal frame at `sp` restores, "{mask=[USR2]}". False when unreadable.
bool decode_sigreturn(pid_t tid, std::uint64_t sp, ArgValue& v, const DecodeLimits& limits);

// "{tv_sec=1, tv_nsec=500}", as strace shows a struct timespec.
std::string timespec_text(const std::int64_t ts[2]);

}  // namespace syspect::detail
