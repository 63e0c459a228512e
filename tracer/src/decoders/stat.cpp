// The stat family: stat, statx, statfs and getdents64's entries; statx's
// flags under -X raw|verbose.

#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>
#include <ctime>
#include <iterator>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

// The kernel's struct stat on x86_64 (asm/stat.h), which glibc's differs from.
struct KernelStat {
  std::uint64_t st_dev, st_ino, st_nlink;
  std::uint32_t st_mode, st_uid, st_gid, pad0;
  std::uint64_t st_rdev;
  std::int64_t st_size, st_blksize, st_blocks;
  std::uint64_t times[6];
  std::int64_t unused[3];
};

std::string file_mode(std::uint32_t mode, XlatStyle style) {
  std::string out = xlat_format(xlat_family("file_modes"), mode & ~0777u);
  if (out == "0") out.clear();
  if (!out.empty()) out += '|';
  out += fmt::format("{:#03o}", mode & 0777u);
  return xlat_styled(fmt::format("{:#o}", mode), out, style);
}

std::string makedev(std::uint64_t dev) {
  std::uint64_t major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~std::uint64_t{0xfff});
  std::uint64_t minor = (dev & 0xff) | ((dev >> 12) & ~std::uint64_t{0xff});
  return fmt::format("makedev({}, {})", c_hex(major), c_hex(minor));
}

bool is_device(std::uint32_t mode) { return S_ISCHR(mode) || S_ISBLK(mode); }

// A time as strace -v prints it: "1796281008 /* 2026-12-03T06:56:48.282906040+0000 */".
std::string stat_time(std::int64_t sec, std::uint64_t nsec) {
  std::string out = fmt::format("{}", sec);
  if (sec == 0 && nsec == 0) return out;
  const time_t t = static_cast<time_t>(sec);
  struct tm tm {};
  char date[64], zone[16];
  if (localtime_r(&t, &tm) == nullptr || std::strftime(date, sizeof date, "%FT%T", &tm) == 0 ||
      std::strftime(zone, sizeof zone, "%z", &tm) == 0)
    return out;
  if (nsec != 0) return out + fmt::format(" /* {}.{:09}{} */", date, nsec, zone);
  return out + fmt::format(" /* {}{} */", date, zone);
}

bool decode_stat(pid_t tid, ArgValue& v, XlatStyle style, bool abbrev) {
  KernelStat st;
  if (!read_exact(tid, RemotePtr{v.raw}, &st, sizeof st)) return false;
  Out o{v};
  o.field("st_mode", st.st_mode);
  o.field("st_size", st.st_size);
  o.field("st_uid", st.st_uid);
  o.field("st_gid", st.st_gid);
  o.field("st_ino", static_cast<std::int64_t>(st.st_ino));
  o.field("st_nlink", static_cast<std::int64_t>(st.st_nlink));
  o.field("st_dev", static_cast<std::int64_t>(st.st_dev));
  o.field("st_rdev", static_cast<std::int64_t>(st.st_rdev));
  o.field("st_blksize", st.st_blksize);
  o.field("st_blocks", st.st_blocks);
  auto dev = [style](std::uint64_t d) { return xlat_styled(fmt::format("{:#x}", d), makedev(d), style); };
  if (!abbrev) {  // -v: every member, in strace's order
    v.text = fmt::format("{{st_dev={}, st_ino={}, st_mode={}, st_nlink={}, st_uid={}, st_gid={}, "
                         "st_blksize={}, st_blocks={}, ",
                         dev(st.st_dev), st.st_ino, file_mode(st.st_mode, style), st.st_nlink, st.st_uid,
                         st.st_gid, st.st_blksize, st.st_blocks);
    v.text += is_device(st.st_mode) ? fmt::format("st_rdev={}", dev(st.st_rdev))
                                    : fmt::format("st_size={}", st.st_size);
    static constexpr const char* kTimes[] = {"atime", "mtime", "ctime"};
    for (int i = 0; i < 3; ++i)
      v.text += fmt::format(", st_{}={}, st_{}_nsec={}", kTimes[i],
                            stat_time(static_cast<std::int64_t>(st.times[2 * i]), st.times[2 * i + 1]),
                            kTimes[i], st.times[2 * i + 1]);
    v.text += '}';
    return true;
  }
  v.text = fmt::format("{{st_mode={}, ", file_mode(st.st_mode, style));
  if (is_device(st.st_mode)) {
    v.text += fmt::format("st_rdev={}, ...}}",
                          xlat_styled(fmt::format("{:#x}", st.st_rdev), makedev(st.st_rdev), style));
  } else {
    v.text += fmt::format("st_size={}, ...}}", st.st_size);
  }
  return true;
}

bool decode_statx(pid_t tid, ArgValue& v, XlatStyle style, bool abbrev) {
  struct statx st;
  if (!read_exact(tid, RemotePtr{v.raw}, &st, sizeof st)) return false;
  Out o{v};
  o.field("stx_mask", st.stx_mask);
  o.field("stx_mode", st.stx_mode);
  o.field("stx_size", static_cast<std::int64_t>(st.stx_size));
  o.field("stx_uid", st.stx_uid);
  o.field("stx_gid", st.stx_gid);
  o.field("stx_attributes", static_cast<std::int64_t>(st.stx_attributes));
  o.field("stx_ino", static_cast<std::int64_t>(st.stx_ino));
  o.field("stx_nlink", st.stx_nlink);
  o.field("stx_blocks", static_cast<std::int64_t>(st.stx_blocks));
  o.field("stx_rdev_major", st.stx_rdev_major);
  o.field("stx_rdev_minor", st.stx_rdev_minor);
  // strace shows a member the mask says the kernel filled; -v adds the
  // others, in its order.
  const auto& attrs = xlat_family("statx_attrs");
  auto ts = [](const statx_timestamp& t) {
    std::string out = fmt::format("{{tv_sec={}, tv_nsec={}}}", t.tv_sec, t.tv_nsec);
    std::string when = stat_time(t.tv_sec, t.tv_nsec);
    return out + when.substr(when.find(' ') == std::string::npos ? when.size() : when.find(' '));
  };
  const std::uint32_t mask = st.stx_mask;
  std::string out = "{stx_mask=" + xlat_format(xlat_family("statx_mask"), mask, style);
  if (!abbrev) out += fmt::format(", stx_blksize={}", st.stx_blksize);
  out += ", stx_attributes=" + xlat_format(attrs, st.stx_attributes, style);
  if (!abbrev) {
    if (mask & STATX_NLINK) out += fmt::format(", stx_nlink={}", st.stx_nlink);
    if (mask & STATX_UID) out += fmt::format(", stx_uid={}", st.stx_uid);
    if (mask & STATX_GID) out += fmt::format(", stx_gid={}", st.stx_gid);
  }
  if (mask & (STATX_TYPE | STATX_MODE)) out += ", stx_mode=" + file_mode(st.stx_mode, style);
  if (!abbrev && (mask & STATX_INO)) out += fmt::format(", stx_ino={}", st.stx_ino);
  if (mask & STATX_SIZE) out += fmt::format(", stx_size={}", st.stx_size);
  if (abbrev) {
    v.text = out + ", ...}";
    return true;
  }
  if (mask & STATX_BLOCKS) out += fmt::format(", stx_blocks={}", st.stx_blocks);
  out += ", stx_attributes_mask=" + xlat_format(attrs, st.stx_attributes_mask, style);
  if (mask & STATX_ATIME) out += ", stx_atime=" + ts(st.stx_atime);
  if (mask & STATX_BTIME) out += ", stx_btime=" + ts(st.stx_btime);
  if (mask & STATX_CTIME) out += ", stx_ctime=" + ts(st.stx_ctime);
  if (mask & STATX_MTIME) out += ", stx_mtime=" + ts(st.stx_mtime);
  out += fmt::format(", stx_rdev_major={}, stx_rdev_minor={}, stx_dev_major={}, stx_dev_minor={}",
                     st.stx_rdev_major, st.stx_rdev_minor, st.stx_dev_major, st.stx_dev_minor);
  if (mask & STATX_MNT_ID) out += ", stx_mnt_id=" + c_hex(st.stx_mnt_id);
  v.text = out + "}";
  return true;
}

bool decode_statfs(pid_t tid, ArgValue& v, XlatStyle style) {
  struct KernelStatfs {
    std::int64_t f_type, f_bsize;
    std::uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    std::int32_t f_fsid[2];
    std::int64_t f_namelen, f_frsize, f_flags, f_spare[4];
  } st;
  if (!read_exact(tid, RemotePtr{v.raw}, &st, sizeof st)) return false;
  v.text = fmt::format(
      "{{f_type={}, f_bsize={}, f_blocks={}, f_bfree={}, f_bavail={}, f_files={}, f_ffree={}, "
      "f_fsid={{val=[{}, {}]}}, f_namelen={}, f_frsize={}, f_flags={}}}",
      xlat_format(xlat_family("fs_magics"), static_cast<std::uint64_t>(st.f_type), style), st.f_bsize,
      st.f_blocks, st.f_bfree, st.f_bavail, st.f_files, st.f_ffree,
      c_hex(static_cast<std::uint32_t>(st.f_fsid[0])), c_hex(static_cast<std::uint32_t>(st.f_fsid[1])), st.f_namelen,
      st.f_frsize, xlat_format(xlat_family("statfs_flags"), static_cast<std::uint64_t>(st.f_flags), style));
  Out o{v};
  o.field("f_type", st.f_type);
  o.field("f_bsize", st.f_bsize);
  o.field("f_blocks", static_cast<std::int64_t>(st.f_blocks));
  o.field("f_bfree", static_cast<std::int64_t>(st.f_bfree));
  o.field("f_bavail", static_cast<std::int64_t>(st.f_bavail));
  o.field("f_files", static_cast<std::int64_t>(st.f_files));
  o.field("f_ffree", static_cast<std::int64_t>(st.f_ffree));
  o.field("f_fsid.val[0]", static_cast<std::uint32_t>(st.f_fsid[0]));
  o.field("f_fsid.val[1]", static_cast<std::uint32_t>(st.f_fsid[1]));
  o.field("f_namelen", st.f_namelen);
  o.field("f_frsize", st.f_frsize);
  o.field("f_flags", st.f_flags);
  return true;
}

// A directory entry's type as strace names it.
std::string dirent_type(unsigned type) {
  static constexpr const char* kNames[] = {"DT_UNKNOWN", "DT_FIFO", "DT_CHR", nullptr, "DT_DIR", nullptr,
                                           "DT_BLK", nullptr, "DT_REG", nullptr, "DT_LNK", nullptr,
                                           "DT_SOCK", nullptr, "DT_WHT"};
  if (type < std::size(kNames) && kNames[type] != nullptr) return kNames[type];
  return fmt::format("{:#x} /* DT_??? */", type);
}

// getdents and getdents64: the address and how many entries the call
// returned; with -v the entries, as strace prints them.
bool decode_dirents(pid_t tid, const SyscallEvent& e, ArgValue& v, const DecodeLimits& limits) {
  if (e.err || e.result < 0) return false;
  std::string buf(static_cast<std::size_t>(e.result), '\0');
  if (!buf.empty() && !read_exact(tid, RemotePtr{v.raw}, buf.data(), buf.size())) return false;
  const bool is64 = is(e.desc, SysId::getdents64);
  std::size_t count = 0;
  std::string entries;
  for (std::size_t off = 0; off + 19 <= buf.size();) {
    std::uint16_t reclen;
    std::memcpy(&reclen, buf.data() + off + 16, sizeof reclen);
    if (reclen == 0) break;
    if (!limits.abbrev && off + reclen <= buf.size()) {
      std::uint64_t ino, doff;
      std::memcpy(&ino, buf.data() + off, 8);
      std::memcpy(&doff, buf.data() + off + 8, 8);
      const std::size_t name_at = off + (is64 ? 19 : 18);
      const std::size_t name_end = off + reclen - (is64 ? 0 : 1);
      std::string_view name(buf.data() + name_at, name_end > name_at ? name_end - name_at : 0);
      name = name.substr(0, name.find('\0'));
      const auto type = static_cast<unsigned char>(is64 ? buf[off + 18] : buf[off + reclen - 1]);
      const std::string quoted = quote_string(name, name.size() + 1, false, limits.hex_strings);
      entries += fmt::format("{}{{d_ino={}, d_off={}, d_reclen={}, ", count ? ", " : "", ino,
                             is64 ? fmt::format("{}", static_cast<std::int64_t>(doff)) : fmt::format("{}", doff),
                             reclen);
      entries += is64 ? fmt::format("d_type={}, d_name={}}}", dirent_type(type), quoted)
                      : fmt::format("d_name={}, d_type={}}}", quoted, dirent_type(type));
    }
    ++count;
    off += reclen;
  }
  v.text = limits.abbrev ? fmt::format("{:#x} /* {} entries */", v.raw, count) : "[" + entries + "]";
  v.fields.push_back({"entries", static_cast<std::int64_t>(count)});
  return true;
}

// mknod's and mknodat's mode: "S_IFCHR|024", or in octal ("000",
// "0177777") when it names no file type, as strace prints it.
std::string mknod_mode(std::uint32_t mode, XlatStyle style) {
  if (xlat_name(xlat_family("file_modes"), mode & S_IFMT) == nullptr || (mode & S_IFMT) == 0)
    return fmt::format("{:#03o}", mode);
  return file_mode(mode, style);
}

// Where mknod's arguments start (mknodat has a dirfd first), or -1.
int mknod_base(const SyscallEvent& e) {
  if (e.desc->id == SysId::mknod) return 0;
  if (e.desc->id == SysId::mknodat) return 1;
  return -1;
}

// The device of mknod is shown only for a character or block device.
int mknod_shown_args(const SyscallEvent& e) {
  const int base = mknod_base(e);
  if (base < 0) return -1;
  return is_device(static_cast<std::uint32_t>(e.args[base + 1].raw)) ? base + 3 : base + 2;
}

bool format_stat_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  const ArgValue& v = e.args[i];
  if (e.desc->id == SysId::ustat) {
    if (i != 0) return false;
    out += xlat_styled(fmt::format("{:#x}", v.raw), makedev(v.raw), options.xlat_style);
    return true;
  }
  if (const int base = mknod_base(e); base >= 0) {
    if (i == base + 1) {
      out += mknod_mode(static_cast<std::uint32_t>(v.raw), options.xlat_style);
      return true;
    }
    if (i == base + 2) {
      out += xlat_styled(fmt::format("{:#x}", v.raw), makedev(v.raw), options.xlat_style);
      return true;
    }
    return false;
  }
  // statx's sync type apart from the other flags, as strace prints them:
  // the sync type as flags ("AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC", and
  // "0 /* AT_STATX_SYNC_AS_STAT */" in -X verbose, nothing in -X raw when
  // zero), then the other bits as the *at() flags ("|0x900 /* ... */").
  if (i != 2) return false;
  const Xlat* at_flags = find_xlat("at_flags");
  if (at_flags == nullptr) return false;
  constexpr std::uint64_t kForceSync = 0x2000, kDontSync = 0x4000;
  const std::uint64_t sync = v.raw & (kForceSync | kDontSync), rest = v.raw & ~(kForceSync | kDontSync);
  std::string sync_names;
  if (sync == 0) sync_names = "AT_STATX_SYNC_AS_STAT";
  if (sync & kForceSync) sync_names = "AT_STATX_FORCE_SYNC";
  if (sync & kDontSync) sync_names += sync_names.empty() ? "AT_STATX_DONT_SYNC" : "|AT_STATX_DONT_SYNC";
  if (options.xlat_style != XlatStyle::Raw || sync != 0)
    out += xlat_styled(c_hex(sync), sync_names, options.xlat_style);
  if (rest != 0)
    out += "|" + xlat_styled(fmt::format("{:#x}", rest), xlat_format(*at_flags, rest), options.xlat_style);
  return true;
}

const StructDecoder kStructs[] = {
    {"stat", [](const StructRead& r) { return decode_stat(r.tid, r.v, r.style(), r.limits.abbrev); },
     [] {
       return std::vector<MemberDesc>{num("st_mode", "file_modes"), num("st_size"), num("st_uid"),
                                      num("st_gid"), num("st_ino"), num("st_nlink"), num("st_dev"),
                                      num("st_rdev"), num("st_blksize"), num("st_blocks")};
     }},
    {"statx", [](const StructRead& r) { return decode_statx(r.tid, r.v, r.style(), r.limits.abbrev); },
     [] {
       return std::vector<MemberDesc>{
           num("stx_mask", "statx_mask"), num("stx_mode", "file_modes"), num("stx_size"), num("stx_uid"),
           num("stx_gid"), num("stx_attributes", "statx_attrs"), num("stx_ino"), num("stx_nlink"),
           num("stx_blocks"), num("stx_rdev_major"), num("stx_rdev_minor")};
     }},
    {"statfs", [](const StructRead& r) { return decode_statfs(r.tid, r.v, r.style()); },
     [] {
       return std::vector<MemberDesc>{
           num("f_type", "fs_magics"), num("f_bsize"), num("f_blocks"), num("f_bfree"), num("f_bavail"),
           num("f_files"), num("f_ffree"), num("f_fsid.val[]"), num("f_namelen"), num("f_frsize"),
           num("f_flags", "statfs_flags")};
     }},
    {"linux_dirent64", [](const StructRead& r) { return decode_dirents(r.tid, r.e, r.v, r.limits); },
     [] { return std::vector<MemberDesc>{num("entries")}; }},
    // getdents's entries: d_reclen at the same offset as in linux_dirent64.
    {"linux_dirent", [](const StructRead& r) { return decode_dirents(r.tid, r.e, r.v, r.limits); },
     [] { return std::vector<MemberDesc>{num("entries")}; }},
};

constexpr SysId kCalls[] = {SysId::statx, SysId::mknod, SysId::mknodat, SysId::ustat};

}  // namespace

const SyscallFamily& stat_family() {
  static const SyscallFamily family{
      .name = "stat",
      .calls = kCalls,
      .structs = kStructs,
      .shown_args = mknod_shown_args,
      .format_arg = format_stat_arg};
  return family;
}

}  // namespace syspect::detail
