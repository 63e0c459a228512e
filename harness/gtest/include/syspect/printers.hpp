#pragma once
// Events and traces printed the way people know them: a call as strace
// prints it, a trace as a one-line summary. gtest finds PrintTo by ADL; fmt
// uses the formatters.

#include <iosfwd>

#include <fmt/format.h>

#include "syspect/event.hpp"
#include "syspect/format.hpp"
#include "syspect/trace.hpp"
#include "syspect/tracing.hpp"

namespace syspect {

// `openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3`
void PrintTo(const SyscallEvent& e, std::ostream* os);
// `--- SIGSEGV {si_signo=SIGSEGV, ...} ---`
void PrintTo(const SignalEvent& e, std::ostream* os);
// `+++ exited with 0 +++`
void PrintTo(const ExitEvent& e, std::ostream* os);
// `+++ exec "/usr/bin/cat" +++` (strace shows an exec only as its execve)
void PrintTo(const ExecEvent& e, std::ostream* os);
// `trace of "cat /etc/hostname": 41 syscalls in 1 process, exited with 0`
void PrintTo(const Trace& t, std::ostream* os);
// `trace of a function that returned: 2 syscalls in 1 process`
void PrintTo(const FunctionTrace& t, std::ostream* os);

// The text PrintTo writes.
std::string describe_trace(const Trace& t);
std::string describe_trace(const FunctionTrace& t);

}  // namespace syspect

template <>
struct fmt::formatter<syspect::SyscallEvent> : fmt::formatter<fmt::string_view> {
  template <typename Context>
  auto format(const syspect::SyscallEvent& e, Context& ctx) const {
    syspect::FormatOptions options;
    options.align = false;
    std::string s = syspect::format_syscall(e, options);
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s), ctx);
  }
};

template <>
struct fmt::formatter<syspect::SignalEvent> : fmt::formatter<fmt::string_view> {
  template <typename Context>
  auto format(const syspect::SignalEvent& e, Context& ctx) const {
    std::string s = syspect::format_signal(e);
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s), ctx);
  }
};

template <>
struct fmt::formatter<syspect::ExitEvent> : fmt::formatter<fmt::string_view> {
  template <typename Context>
  auto format(const syspect::ExitEvent& e, Context& ctx) const {
    std::string s = syspect::format_exit(e);
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s), ctx);
  }
};
