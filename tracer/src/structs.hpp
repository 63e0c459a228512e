#pragma once
// Decoders for struct arguments, by the struct's name in the syscall table.

#include <sys/types.h>

#include "syspect/event.hpp"

namespace syspect::detail {

// Read and decode the struct `v` points to. False when the struct is not
// known, the pointer is NULL, or the memory cannot be read: the argument
// then stays a pointer. `at_entry` is true for the read at syscall entry of
// an in/out argument (whose text is made at exit).
bool decode_struct(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v, bool at_entry);

}  // namespace syspect::detail
