// The syslog family: syslog's action with its number (strace shows both,
// "9 /* SYSLOG_ACTION_SIZE_UNREAD */"), and the arguments each action
// reads: none for most, the buffer for the reads, the level for
// SYSLOG_ACTION_CONSOLE_LEVEL.

#include <fmt/format.h>

#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

enum : int { kRead = 2, kReadAll = 3, kReadClear = 4, kConsoleLevel = 8 };

int action(const SyscallEvent& e) { return static_cast<int>(e.args[0].raw); }

bool reads_buffer(int a) { return a == kRead || a == kReadAll || a == kReadClear; }

// The actions that take neither the buffer nor the length.
bool takes_nothing(int a) { return a == 0 || a == 1 || (a >= 5 && a <= 7) || a == 9 || a == 10; }

int syslog_shown_args(const SyscallEvent& e) { return takes_nothing(action(e)) ? 1 : -1; }

// "N /* NAME */", as strace's XLAT_STYLE_VERBOSE | XLAT_STYLE_FMT_D.
std::string number_and_name(int value, const std::string& name, XlatStyle style) {
  if (style == XlatStyle::Raw) return std::to_string(value);
  return fmt::format("{} /* {} */", value, name);
}

bool syslog_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  const int a = action(e);
  if (i == 0) {
    const char* name = xlat_name(xlat_family("syslog_actions"), static_cast<std::uint32_t>(a));
    out += number_and_name(a, name ? name : "SYSLOG_ACTION_???", options.xlat_style);
    return true;
  }
  if (reads_buffer(a)) return false;
  if (i == 1) {
    append_pointer(out, e.args[1].raw);
    return true;
  }
  if (i == 2 && a == kConsoleLevel) {
    static constexpr const char* kLevels[] = {"LOGLEVEL_EMERG", "LOGLEVEL_ALERT", "LOGLEVEL_CRIT",
                                              "LOGLEVEL_ERR",   "LOGLEVEL_WARNING", "LOGLEVEL_NOTICE",
                                              "LOGLEVEL_INFO",  "LOGLEVEL_DEBUG", "LOGLEVEL_DEBUG+1"};
    const int len = static_cast<int>(e.args[2].raw);
    out += number_and_name(len, len >= 0 && len < 9 ? kLevels[len] : "LOGLEVEL_???", options.xlat_style);
    return true;
  }
  return false;
}

constexpr SysId kCalls[] = {SysId::syslog};

}  // namespace

const SyscallFamily& syslog_family() {
  static const SyscallFamily family{
      .name = "syslog", .calls = kCalls, .shown_args = syslog_shown_args, .format_arg = syslog_arg};
  return family;
}

}  // namespace syspect::detail
