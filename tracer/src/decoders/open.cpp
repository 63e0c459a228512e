// The open family: openat2's open_how, and the mode open and openat take
// only when they create a file.

#include <fcntl.h>
#include <linux/openat2.h>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

// openat2: mode only when the flags create a file, as strace shows it.
bool decode_open_how(pid_t tid, const SyscallEvent& e, ArgValue& v, const DecodeLimits& limits) {
  const XlatStyle style = limits.xlat_style;
  open_how how{};
  std::uint64_t size = e.args[3].raw;
  if (size < sizeof how) return false;
  if (!read_exact(tid, RemotePtr{v.raw}, &how, sizeof how)) return false;
  v.text = fmt::format("{{flags={}", xlat_format(xlat_family("open_flags"), how.flags, style));
  if ((how.flags & O_CREAT) || (how.flags & O_TMPFILE) == O_TMPFILE || how.mode != 0)
    v.text += fmt::format(", mode={:#03o}", how.mode);
  v.text += fmt::format(", resolve={}", xlat_format(xlat_family("resolve_flags"), how.resolve, style));
  v.text += struct_tail(tid, v.raw, sizeof how, size, limits.struct_string) + "}";
  Out o{v};
  o.field("flags", static_cast<std::int64_t>(how.flags));
  o.field("mode", static_cast<std::int64_t>(how.mode));
  o.field("resolve", static_cast<std::int64_t>(how.resolve));
  return true;
}

// open and openat take a mode only with O_CREAT or O_TMPFILE, and strace
// leaves it out otherwise.
int open_shown_args(const SyscallEvent& e) {
  const int flags_at = is(e.desc, SysId::open) ? 1 : 2;
  if (flags_at + 1 >= e.nargs) return -1;
  const std::uint64_t flags = e.args[flags_at].raw;
  // As strace: O_CREAT or the kernel's __O_TMPFILE bit (O_TMPFILE without
  // O_DIRECTORY's; glibc's __O_TMPFILE has both).
  constexpr std::uint64_t kTmpfileBit = 020000000;
  if ((flags & (O_CREAT | kTmpfileBit)) == 0) return flags_at + 1;
  return -1;
}

// fanotify_init's flags: the class, then the other flags, each with
// strace's default text ("FAN_CLASS_CONTENT|0xeface000 /* FAN_??? */").
bool fanotify_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  if (!is(e.desc, SysId::fanotify_init) || i != 0 || options.xlat_style != XlatStyle::Abbrev) return false;
  constexpr std::uint32_t kClassBits = 0xc;
  const auto flags = static_cast<std::uint32_t>(e.args[0].raw);
  out += xlat_format(xlat_family("fan_classes"), flags & kClassBits);
  if (flags & ~kClassBits) out += "|" + xlat_format(xlat_family("fan_init_flags"), flags & ~kClassBits);
  return true;
}

const StructDecoder kStructs[] = {
    {"open_how", [](const StructRead& r) { return decode_open_how(r.tid, r.e, r.v, r.limits); },
     [] { return std::vector<MemberDesc>{num("flags", "open_flags"), num("mode"), num("resolve", "resolve_flags")}; }},
};

constexpr SysId kCalls[] = {SysId::open, SysId::openat, SysId::fanotify_init};

}  // namespace

const SyscallFamily& open_family() {
  static const SyscallFamily family{
      .name = "open",
      .calls = kCalls,
      .structs = kStructs,
      .shown_args = open_shown_args,
      .format_arg = fanotify_arg};
  return family;
}

}  // namespace syspect::detail
