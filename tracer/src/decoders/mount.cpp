// The mount family: mount's arguments, shown as strace shows them (the
// file system type and the data as strings unless the flags make them
// meaningless, the old MS_MGC_VAL magic), and mount_setattr's struct
// mount_attr.

#include <sys/mount.h>

#include <climits>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

constexpr std::uint64_t kMgcVal = 0xc0ed0000;  // MS_MGC_VAL, the old magic in the high half
constexpr std::uint64_t kMgcMask = 0xffff0000;
constexpr std::uint64_t kMountAttrIdmap = 0x100000;  // MOUNT_ATTR_IDMAP
constexpr std::uint64_t kMountAttrSizeVer0 = 32;     // MOUNT_ATTR_SIZE_VER0

// mount: which of the type and the data the kernel ignores for these flags
// (strace shows those as addresses).
struct Ignored {
  bool type = false, data = false;
};
Ignored ignored(std::uint64_t flags) {
  if ((flags & kMgcMask) == kMgcVal) flags &= ~kMgcMask;
  if (flags & MS_REMOUNT) return {true, false};
  if (flags & (MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)) return {true, true};
  return {};
}

bool mount_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  if (!is(e.desc, SysId::mount) || e.nargs != 5) return false;
  const std::uint64_t flags = e.args[3].raw;
  const Ignored ign = ignored(flags);
  if ((i == 2 && ign.type) || (i == 4 && ign.data)) {
    append_pointer(out, e.args[i].raw);
    return true;
  }
  if (i != 3 || (flags & kMgcMask) != kMgcVal) return false;
  // "MS_MGC_VAL|MS_RDONLY": the magic, then what is left of the flags.
  out += xlat_styled(fmt::format("{:#x}", kMgcVal), "MS_MGC_VAL", options.xlat_style);
  if (const std::uint64_t rest = flags & ~kMgcMask; rest != 0) {
    out += '|';
    out += xlat_format(xlat_family("mount_flags"), rest, options.xlat_style);
  }
  return true;
}

// "{attr_set=MOUNT_ATTR_NOSUID, attr_clr=0, propagation=MS_SLAVE,
// userns_fd=3}": shown when the size covers the first version; the fd
// is one (with -y, its path) only when the flags speak of an id map.
bool decode_mount_attr(const StructRead& r) {
  const std::uint64_t size = r.e.args[4].raw;
  if (size < kMountAttrSizeVer0) return false;
  struct {
    std::uint64_t attr_set, attr_clr, propagation, userns_fd;
  } attr{};
  static_assert(sizeof attr == kMountAttrSizeVer0);
  if (!read_exact(r.tid, RemotePtr{r.v.raw}, &attr, sizeof attr)) return false;
  const Xlat& flags = xlat_family("mount_attr_flags");
  std::string out = fmt::format("{{attr_set={}, attr_clr={}, propagation={}, userns_fd=",
                                xlat_format(flags, attr.attr_set, r.style()),
                                xlat_format(flags, attr.attr_clr, r.style()),
                                enum_text("mount_attr_propagation", attr.propagation, "MS_???", r.style()));
  if (attr.userns_fd > INT_MAX || ((attr.attr_set | attr.attr_clr) & kMountAttrIdmap) == 0) {
    out += std::to_string(attr.userns_fd);
  } else {
    out += fd_text(r.tid, static_cast<int>(attr.userns_fd), r.limits);
  }
  r.v.text = out + struct_tail(r.tid, r.v.raw, sizeof attr, size, r.limits.struct_string) + "}";
  Out o{r.v};
  o.field("attr_set", static_cast<std::int64_t>(attr.attr_set));
  o.field("attr_clr", static_cast<std::int64_t>(attr.attr_clr));
  o.field("propagation", static_cast<std::int64_t>(attr.propagation));
  o.field("userns_fd", static_cast<std::int64_t>(attr.userns_fd));
  return true;
}

const StructDecoder kStructs[] = {
    {"mount_attr", decode_mount_attr,
     [] {
       return std::vector<MemberDesc>{num("attr_set", "mount_attr_flags"), num("attr_clr", "mount_attr_flags"),
                                      num("propagation", "mount_attr_propagation"), num("userns_fd")};
     }},
};

constexpr SysId kCalls[] = {SysId::mount, SysId::mount_setattr};

}  // namespace

const SyscallFamily& mount_family() {
  static const SyscallFamily family{
      .name = "mount", .calls = kCalls, .structs = kStructs, .format_arg = mount_arg};
  return family;
}

}  // namespace syspect::detail
