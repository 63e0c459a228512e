#pragma once
// Rendering events as strace prints them.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "syspect/event.hpp"
#include "syspect/xlat.hpp"

namespace syspect {

// strace -x, -xx, --strings-in-hex=non-ascii-chars: how string bytes are
// escaped. None: C escapes and octal; NonAsciiChars: \xNN instead of octal;
// NonAscii (-x): a string with any byte that is not printable ASCII or
// whitespace wholly in \xNN; All (-xx): every string wholly in \xNN.
enum class HexStrings : std::uint8_t { None, NonAsciiChars, NonAscii, All };

struct FormatOptions {
  std::size_t string_limit = 32;  // -s: strings and buffers shown up to this
  bool align = true;              // pad " = " to align_column as strace does
  std::size_t align_column = 40;  // -a
  // -X: constants by name (abbrev), as numbers (raw), or both (verbose).
  // Struct contents are rendered when decoded, with the tracer's own style
  // (TraceOptions::xlat_style).
  XlatStyle xlat_style = XlatStyle::Abbrev;
  // -k: under each call with a stack (SyscallEvent::stack), its frames as
  // strace -k prints them (1); with their source files and lines (2, -kk).
  int stacks = 0;
  HexStrings hex_strings = HexStrings::None;  // -x, -xx
  // Line prefixes after the pid's: -n "[ 257] ", the syscall's number (a
  // signal's and an exit's line show the thread's last call's); -i
  // "[00007f0e1c2a3b4d] ", the instruction pointer.
  bool syscall_numbers = false;
  bool instruction_pointer = false;
  // -v, -e abbrev=SET: the calls whose arguments are shown abbreviated
  // (execve's envp as "0x... /* N vars */"); null: all of them. Structs are
  // rendered when decoded, by TraceOptions::abbreviate.
  std::function<bool(const SyscallEvent&)> abbreviate;
  // -e read=SET, -e write=SET: the fds whose data read and written are
  // dumped in hex and ASCII under the call (TextSink); null: none.
  std::function<bool(std::int64_t fd)> dump_read, dump_write;
};

// The call as strace prints it, without a pid prefix: `openat(AT_FDCWD,
// "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3`. `column` is where the line
// starts (the width of any prefix), for strace's alignment of " = ".
std::string format_syscall(const SyscallEvent& e, const FormatOptions& options,
                           std::size_t column = 0);

// Just the arguments and result parts.
std::string format_args(const SyscallEvent& e, const FormatOptions& options);
// One argument as format_args() shows it, from the event's decoded value
// (never by splitting the line: strace orders some calls' arguments its
// own way). clone's flags come with the exit signal
// ("CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"). Empty for an index
// the call does not have.
std::string format_arg(const SyscallEvent& e, int index, const FormatOptions& options);
std::string format_result(const SyscallEvent& e);

// A command as a shell would read it back: each word as is when it is made
// of plain characters, else in single quotes (`python3 -c 'import json'`).
std::string shell_quote(const std::vector<std::string>& argv);

// An fd as strace -y prints it: "3</etc/hostname>", or "3" without a path,
// and "3</tmp/x>(deleted)" for a file that was deleted. The path is escaped
// as a string is, with '<' and '>' in octal.
std::string format_fd(std::int64_t fd, std::string_view path, bool deleted = false);

// `--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, ...} ---`
// -X raw|verbose style the members as they do arguments.
std::string format_signal(const SignalEvent& e, XlatStyle style = XlatStyle::Abbrev);

// `+++ exited with 0 +++`, `+++ killed by SIGKILL +++`
std::string format_exit(const ExitEvent& e);

// A byte string quoted and escaped as strace does, cut at `limit` bytes with
// "..." after the closing quote when `truncated` or longer than `limit`.
std::string quote_string(std::string_view bytes, std::size_t limit,
                         bool truncated = false, HexStrings hex = HexStrings::None);

}  // namespace syspect
