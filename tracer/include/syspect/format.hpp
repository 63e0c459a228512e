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
  // strace's timing options. -t/-tt/-ttt (--absolute-timestamps): when
  // each line's event happened (a call: its entry), as the local time of
  // day (Time: 07:37:16.093068) or seconds since the epoch (Unix:
  // 1796283436.243337), with `absolute_digits` digits after the point
  // (0, 3, 6 or 9: -t is 0, -tt and -ttt 6).
  enum class Timestamps : std::uint8_t { None, Time, Unix };
  Timestamps absolute = Timestamps::None;
  int absolute_digits = 0;
  // -r (--relative-timestamps): the time since the previous line's event,
  // `     0.000123 ` (`(+     0.000123) ` after an absolute timestamp).
  bool relative = false;
  int relative_digits = 6;
  // -T (--syscall-times): how long each call took, ` <0.000123>` after its
  // result.
  bool syscall_times = false;
  int syscall_times_digits = 6;
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

// A time in seconds with `digits` digits after the point, cut (not rounded)
// as strace does: format_seconds(123456789, 6) is "0.123456".
std::string format_seconds(std::int64_t ns, int digits, int width = 0);

// What -t/-tt/-ttt and -r put before a line whose event happened at
// `time_ns` (CLOCK_REALTIME, ns) when the previous line's happened at
// `previous_ns` (0: this is the first): "07:37:16.093068 ", "     0.000065 ",
// "07:37:46 (+     0.000514) ". Empty without those options.
std::string format_timestamp(std::int64_t time_ns, std::int64_t previous_ns,
                             const FormatOptions& options);

// "s", "ms", "us" or "ns" (strace's PRECISION) as digits after the point:
// 0, 3, 6, 9; -1 for anything else.
int precision_digits(std::string_view precision);

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
// as a string is, with '<' and '>' in octal, and in hex as -x/-xx say.
std::string format_fd(std::int64_t fd, std::string_view path, bool deleted = false,
                      HexStrings hex = HexStrings::None);

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
