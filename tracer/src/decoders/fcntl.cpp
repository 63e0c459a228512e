// The fcntl family: the commands that take an int, those that take no
// argument at all, the flags F_SETFD/F_SETFL take and F_GETFD/F_GETFL
// return, and F_DUPFD's new fd.

#include <fcntl.h>

#include <fmt/format.h>

#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

int cmd_of(const SyscallEvent& e) { return static_cast<int>(e.args[1].raw); }

// fcntl's arg is an unsigned long, but the commands that take a number
// read it as an int (the kernel's argi): only its low 32 bits count.
void fcntl_after_entry(pid_t, SyscallEvent& e, const DecodeLimits&) {
  if (e.nargs < 3) return;
  switch (e.args[1].raw) {
    case F_DUPFD: case F_SETFD: case F_SETFL: case F_SETOWN: case F_SETSIG: case F_SETLEASE:
    case F_NOTIFY: case F_DUPFD_CLOEXEC: case F_SETPIPE_SZ: case F_ADD_SEALS:
      e.args[2].raw &= 0xffffffffu;
      e.args[2].num = static_cast<std::int32_t>(e.args[2].raw);
      break;
    default:
      break;
  }
}

// F_DUPFD and F_DUPFD_CLOEXEC return an fd too (-y shows its path).
void fcntl_after_exit(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (!limits.fd_paths || e.nargs < 2 || e.result < 0) return;
  if (e.args[1].raw == F_DUPFD || e.args[1].raw == F_DUPFD_CLOEXEC)
    e.fd_path = fd_path(tid, e.result, &e.fd_deleted);
}

// The third argument exists only for the commands that take one.
int fcntl_shown_args(const SyscallEvent& e) {
  if (e.nargs != 3) return -1;
  switch (cmd_of(e)) {
    case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG: case F_GETLEASE:
    case F_GETPIPE_SZ: case F_GET_SEALS:
      return 2;
    default:
      return -1;
  }
}

bool fcntl_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  if (i != 2) return false;
  const ArgValue& v = e.args[i];
  switch (cmd_of(e)) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: case F_SETOWN: case F_SETSIG: case F_SETPIPE_SZ:
      fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int32_t>(v.raw));
      return true;
    default: break;
  }
  // F_SETFD's and F_SETFL's flags.
  const Xlat* family = dependent_family(*e.desc, i, e.args[1].raw);
  if (family == nullptr) return false;
  out += xlat_format(*family, v.raw, options.xlat_style);
  return true;
}

// F_GETFL's and F_GETFD's flags: "0x8002 (flags O_RDWR|O_LARGEFILE)".
bool fcntl_result(std::string& out, const SyscallEvent& e, XlatStyle style) {
  if (e.nargs < 2) return false;
  const int cmd = cmd_of(e);
  const Xlat* family = cmd == F_GETFL ? find_xlat("open_flags") : cmd == F_GETFD ? find_xlat("fd_flags") : nullptr;
  // strace names F_GETFL's flags in every -X style, F_GETFD's in its own.
  if (family == nullptr || (e.result == 0 && cmd != F_GETFL)) return false;
  out += fmt::format("{} (flags {})", e.result == 0 ? std::string("0") : fmt::format("{:#x}", e.result),
                     xlat_format(*family, static_cast<std::uint64_t>(e.result),
                                 cmd == F_GETFL ? XlatStyle::Abbrev : style));
  return true;
}

constexpr DependentRule kDependent[] = {
    {SysId::fcntl, 2, 1, F_SETFD, "fd_flags"},
    {SysId::fcntl, 2, 1, F_SETFL, "open_flags"},
};

constexpr SysId kCalls[] = {SysId::fcntl};

}  // namespace

const SyscallFamily& fcntl_family() {
  static const SyscallFamily family{.name = "fcntl",
                                    .calls = kCalls,
                                    .dependent = kDependent,
                                    .after_entry = fcntl_after_entry,
                                    .after_exit = fcntl_after_exit,
                                    .shown_args = fcntl_shown_args,
                                    .format_arg = fcntl_arg,
                                    .format_result = fcntl_result};
  return family;
}

}  // namespace syspect::detail
