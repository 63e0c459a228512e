// The fs family: fsconfig, whose key, value and aux take their type from
// its command; fanotify_mark's FAN_NOFD; pidfd_getfd's target fd, a
// number in the process the pidfd refers to (its path there under -y).

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/fanotify.h>

#include <fstream>
#include <string>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

// fsconfig ----------------------------------------------------------------

std::uint32_t fsconfig_cmd(const SyscallEvent& e) { return static_cast<std::uint32_t>(e.args[1].raw); }

void fsconfig_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (e.nargs != 5) return;
  const std::uint32_t cmd = fsconfig_cmd(e);
  const int aux = static_cast<int>(e.args[4].raw);
  switch (cmd) {
    case FSCONFIG_SET_FLAG: case FSCONFIG_SET_STRING: case FSCONFIG_SET_BINARY:
    case FSCONFIG_SET_PATH: case FSCONFIG_SET_PATH_EMPTY: case FSCONFIG_SET_FD:
      decode_bounded_string(tid, e.args[2], 256, true, limits);
      break;
    default:  // the commands take no key: its address
    {
      ArgValue key;
      key.raw = e.args[2].raw;
      key.form = key.raw ? ArgValue::Form::Pointer : ArgValue::Form::Null;
      e.args[2] = std::move(key);
    }
      break;
  }
  switch (cmd) {
    case FSCONFIG_SET_STRING:
      decode_bounded_string(tid, e.args[3], 256, true, limits);
      break;
    case FSCONFIG_SET_PATH: case FSCONFIG_SET_PATH_EMPTY:
      decode_path_text(tid, e.args[3], limits);
      break;
    case FSCONFIG_SET_BINARY:
      if (aux >= 0 && aux <= 1024 * 1024)
        decode_bounded_string(tid, e.args[3], static_cast<std::uint64_t>(aux), false, limits, true);
      break;
    default:
      break;
  }
  // aux: a dirfd or an fd, with its path under -y.
  if (limits.fd_paths &&
      (cmd == FSCONFIG_SET_PATH || cmd == FSCONFIG_SET_PATH_EMPTY || cmd == FSCONFIG_SET_FD) &&
      (aux >= 0 || (aux == AT_FDCWD && cmd != FSCONFIG_SET_FD)))
    e.args[4].fd_path = fd_path(tid, aux, &e.args[4].fd_deleted);
}

bool fsconfig_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  if (i != 4) return false;
  const std::uint32_t cmd = fsconfig_cmd(e);
  const ArgValue& v = e.args[4];
  const int aux = static_cast<int>(v.raw);
  if ((cmd == FSCONFIG_SET_PATH || cmd == FSCONFIG_SET_PATH_EMPTY) && aux == AT_FDCWD) {
    out += xlat_styled("-100", "AT_FDCWD", options.xlat_style);
    if (!v.fd_path.empty()) out += format_fd(aux, v.fd_path, v.fd_deleted).substr(4);
    return true;
  }
  if (cmd == FSCONFIG_SET_PATH || cmd == FSCONFIG_SET_PATH_EMPTY || cmd == FSCONFIG_SET_FD) {
    out += format_fd(aux, v.fd_path, v.fd_deleted);
    return true;
  }
  out += std::to_string(aux);
  return true;
}

// fanotify_mark -----------------------------------------------------------

bool fanotify_mark_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  if (i != 3 || static_cast<int>(e.args[3].raw) != FAN_NOFD) return false;
  out += xlat_styled("-1", "FAN_NOFD", options.xlat_style);
  return true;
}

// pidfd_getfd -------------------------------------------------------------

// The process a pidfd refers to ("Pid:" in its fdinfo), or 0.
pid_t pidfd_pid(pid_t tid, int pidfd) {
  if (pidfd < 0) return 0;
  std::ifstream in(fmt::format("/proc/{}/fdinfo/{}", tid, pidfd));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Pid:", 0) == 0) {
      try {
        return static_cast<pid_t>(std::stol(line.substr(4)));
      } catch (...) {
        return 0;
      }
    }
  }
  return 0;
}

// The target fd is the target process's: its path there, or none.
void pidfd_getfd_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (e.nargs != 3) return;
  ArgValue& target = e.args[1];
  target.fd_path.clear();
  target.fd_deleted = false;
  if (!limits.fd_paths) return;
  const pid_t pid = pidfd_pid(tid, static_cast<int>(e.args[0].raw));
  if (pid > 0 && target.num >= 0) target.fd_path = fd_path(pid, target.num, &target.fd_deleted);
}

void fs_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  switch (e.desc->id) {
    case SysId::fsconfig: fsconfig_after_entry(tid, e, limits); return;
    case SysId::pidfd_getfd: pidfd_getfd_after_entry(tid, e, limits); return;
    default: return;
  }
}

bool fs_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  switch (e.desc->id) {
    case SysId::fsconfig: return fsconfig_arg(out, e, i, options);
    case SysId::fanotify_mark: return fanotify_mark_arg(out, e, i, options);
    default: return false;
  }
}

constexpr SysId kCalls[] = {SysId::fsconfig, SysId::fanotify_mark, SysId::pidfd_getfd};

}  // namespace

const SyscallFamily& fs_family() {
  static const SyscallFamily family{
      .name = "fs", .calls = kCalls, .after_entry = fs_after_entry, .format_arg = fs_arg};
  return family;
}

}  // namespace syspect::detail
