#pragma once
// A call's user-space stack (SyscallEvent::stack) as text: strace -k's
// lines, and the one-line summary reports and test failures show.

#include <string>
#include <vector>

#include "syspect/event.hpp"

namespace syspect {

// One frame as strace -k prints it, without the newline:
// ` > /usr/lib/x86_64-linux-gnu/libc.so.6(__open64+0x51) [0xf8011]`,
// ` > /usr/bin/cat() [0x2752]` without a symbol. With `source` (-kk) and
// debug info, the file and line follow: ` > /tmp/a(init+0x9) [0x1161] a.c:4`.
std::string format_stack_frame(const StackFrame& f, bool source);

// Every frame, one line each, innermost first, each ending with '\n'.
std::string format_stack(const std::vector<StackFrame>& frames, bool source);

// The functions that made the call, innermost first, joined by " ← ":
// `read_config (config.c:9) ← init ← main`. The C library's frames below
// the program's own (the syscall wrapper) and those above `main` (the
// start-up code) are left out; a frame without a symbol shows its module
// and offset (`app+0x1187`). At most `max_frames` are shown, then "← ...".
std::string stack_summary(const std::vector<StackFrame>& frames, std::size_t max_frames = 8);

}  // namespace syspect
