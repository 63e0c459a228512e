// The system family: calls whose arguments depend on a command or on a
// field of another argument. reboot shows its string argument only for
// LINUX_REBOOT_CMD_RESTART2; kexec_load's flags are an architecture and
// KEXEC_ flags, and its segments an array; quotactl's and quotactl_fd's
// command is QCMD(command, type), and the command says which of id and
// addr are shown and what addr holds.

#include <linux/kexec.h>
#include <linux/quota.h>
#include <linux/reboot.h>

#include <cstring>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

// reboot ------------------------------------------------------------------

std::uint32_t reboot_cmd(const SyscallEvent& e) { return static_cast<std::uint32_t>(e.args[2].raw); }

int reboot_shown_args(const SyscallEvent& e) {
  if (e.nargs != 4) return -1;
  return reboot_cmd(e) == LINUX_REBOOT_CMD_RESTART2 ? 4 : 3;
}

// RESTART2's command line: the kernel copies at most 255 bytes of it.
void reboot_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (e.nargs != 4 || reboot_cmd(e) != LINUX_REBOOT_CMD_RESTART2) return;
  decode_bounded_string(tid, e.args[3], 255, true, limits);
}

// kexec_load --------------------------------------------------------------

constexpr std::uint64_t kKexecSegmentMax = 16;

// The segments, "[{buf=NULL, bufsz=0, mem=NULL, memsz=0}, ...]": up to -s
// of them (unless -v), "... /* address */" at the first that cannot be
// read, even the one after the last shown (none read: the address); more
// than KEXEC_SEGMENT_MAX: the address. As strace's print_array().
void kexec_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (e.nargs != 4 || e.abi != Abi::x86_64) return;
  ArgValue& v = e.args[2];
  const std::uint64_t count = e.args[1].raw;
  if (v.raw == 0 || count > kKexecSegmentMax) return;
  std::string out;
  const std::uint64_t limit = limits.abbrev ? max_elements(limits) : count;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t at = v.raw + i * 32;
    if (i) out += ", ";
    std::uint64_t seg[4];
    if (!read_exact(tid, RemotePtr{at}, seg, sizeof seg)) {
      if (i == 0) return;  // the address
      out += fmt::format("... /* {:#x} */", at);
      v.truncated = true;
      break;
    }
    if (i >= limit) {
      out += "...";
      v.truncated = true;
      break;
    }
    auto addr = [](std::uint64_t p) { return p == 0 ? std::string("NULL") : fmt::format("{:#x}", p); };
    out += fmt::format("{{buf={}, bufsz={}, mem={}, memsz={}}}", addr(seg[0]), seg[1], addr(seg[2]), seg[3]);
    Out o{v};
    const std::string at_i = fmt::format("[{}].", i);
    o.field(member_name(at_i + "buf"), static_cast<std::int64_t>(seg[0]));
    o.field(member_name(at_i + "bufsz"), static_cast<std::int64_t>(seg[1]));
    o.field(member_name(at_i + "mem"), static_cast<std::int64_t>(seg[2]));
    o.field(member_name(at_i + "memsz"), static_cast<std::int64_t>(seg[3]));
  }
  v.form = ArgValue::Form::Struct;
  v.text = "[" + out + "]";
}

// The flags: the architecture (the KEXEC_ARCH_MASK field), then the rest.
bool kexec_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  if (i != 3) return false;
  const std::uint64_t flags = e.args[3].raw;
  const std::uint64_t arch = flags & KEXEC_ARCH_MASK;
  out += xlat_format(xlat_family("kexec_arch"), arch, options.xlat_style);
  if (const std::uint64_t rest = flags & ~static_cast<std::uint64_t>(KEXEC_ARCH_MASK); rest != 0) {
    out += '|';
    out += xlat_format(xlat_family("kexec_load_flags"), rest, options.xlat_style);
  }
  return true;
}

// quotactl, quotactl_fd -----------------------------------------------------

// The XFS commands (<linux/dqblk_xfs.h>, XQM_CMD(n)).
enum : std::uint32_t {
  kXQuotaOn = 0x5801, kXQuotaOff = 0x5802, kXGetQuota = 0x5803, kXSetQLim = 0x5804,
  kXGetQStat = 0x5805, kXQuotaRm = 0x5806, kXQuotaSync = 0x5807, kXGetQStatV = 0x5808,
  kXGetNextQuota = 0x5809,
};

// Where quotactl_fd's and quotactl's arguments are: cmd, id, addr.
struct QuotaArgs {
  int cmd, id, addr;
};

QuotaArgs quota_args(const SyscallEvent& e) {
  return e.desc->id == SysId::quotactl ? QuotaArgs{0, 2, 3} : QuotaArgs{1, 2, 3};
}

std::uint32_t quota_cmd(const SyscallEvent& e) {
  return static_cast<std::uint32_t>(e.args[quota_args(e).cmd].raw) >> 8;
}

// What the command shows of id and addr.
enum class QuotaLayout { None, FormatPath, IdAddr, Addr };

QuotaLayout quota_layout(std::uint32_t cmd) {
  switch (cmd) {
    case Q_QUOTAOFF: case Q_SYNC: case kXQuotaSync:
      return QuotaLayout::None;
    case Q_QUOTAON:
      return QuotaLayout::FormatPath;
    case Q_GETFMT: case Q_GETINFO: case Q_SETINFO: case kXGetQStat: case kXGetQStatV:
    case kXQuotaOn: case kXQuotaOff: case kXQuotaRm:
      return QuotaLayout::Addr;
    default:
      return QuotaLayout::IdAddr;
  }
}

// "QCMD(Q_GETFMT, GRPQUOTA)"; raw, the number; verbose, both.
std::string qcmd_text(std::uint32_t qcmd, XlatStyle style) {
  if (style == XlatStyle::Raw) return std::to_string(qcmd);
  const std::uint32_t cmd = qcmd >> 8, type = qcmd & 0xff;
  const char* cmd_name = xlat_name(xlat_family("quota_cmds"), cmd);
  const char* type_name = xlat_name(xlat_family("quota_types"), type);
  const std::string text =
      fmt::format("QCMD({}, {})", cmd_name ? cmd_name : c_hex(cmd) + " /* Q_??? */",
                  type_name ? type_name : c_hex(type) + " /* ???QUOTA */");
  if (style == XlatStyle::Verbose) return fmt::format("{} /* {} */", qcmd, text);
  return text;
}

// struct if_dqblk (Q_GETQUOTA, Q_SETQUOTA; with dqb_id, struct
// if_nextdqblk for Q_GETNEXTQUOTA): six members and "..." unless -v.
bool decode_dqblk(pid_t tid, ArgValue& v, bool next, const DecodeLimits& limits) {
  std::uint64_t q[8];
  std::uint32_t tail[2];
  unsigned char buf[72];
  const std::size_t size = next ? 72 : 68;  // strace reads if_dqblk packed
  if (!read_exact(tid, RemotePtr{v.raw}, buf, size)) return false;
  std::memcpy(q, buf, sizeof q);
  std::memcpy(tail, buf + 64, next ? 8 : 4);
  static constexpr FieldName kNames[] = {"dqb_bhardlimit", "dqb_bsoftlimit", "dqb_curspace",
                                           "dqb_ihardlimit", "dqb_isoftlimit", "dqb_curinodes",
                                           "dqb_btime",      "dqb_itime"};
  std::string out = "{";
  Out o{v};
  for (int i = 0; i < 8; ++i) {
    o.field(kNames[i], static_cast<std::int64_t>(q[i]));
    if (i < 6 || !limits.abbrev) out += fmt::format("{}{}={}", i ? ", " : "", kNames[i].view(), q[i]);
  }
  o.field("dqb_valid", tail[0]);
  if (!limits.abbrev)
    out += ", dqb_valid=" + xlat_format(xlat_family("if_dqblk_valid"), tail[0], limits.xlat_style);
  if (next) {
    o.field("dqb_id", tail[1]);
    out += fmt::format(", dqb_id={}", tail[1]);
  }
  if (limits.abbrev) out += ", ...";
  v.text = out + "}";
  return true;
}

// struct if_dqinfo (Q_GETINFO, Q_SETINFO).
bool decode_dqinfo(pid_t tid, ArgValue& v, const DecodeLimits& limits) {
  struct {
    std::uint64_t bgrace, igrace;
    std::uint32_t flags, valid;
  } q{};
  if (!read_exact(tid, RemotePtr{v.raw}, &q, sizeof q)) return false;
  v.text = fmt::format("{{dqi_bgrace={}, dqi_igrace={}, dqi_flags={}, dqi_valid={}}}", q.bgrace, q.igrace,
                       xlat_format(xlat_family("if_dqinfo_flags"), q.flags, limits.xlat_style),
                       xlat_format(xlat_family("if_dqinfo_valid"), q.valid, limits.xlat_style));
  Out o{v};
  o.field("dqi_bgrace", static_cast<std::int64_t>(q.bgrace));
  o.field("dqi_igrace", static_cast<std::int64_t>(q.igrace));
  o.field("dqi_flags", q.flags);
  o.field("dqi_valid", q.valid);
  return true;
}

// Q_GETFMT's format: "[QFMT_VFS_V1]".
bool decode_quota_format(pid_t tid, ArgValue& v, const DecodeLimits& limits) {
  std::uint32_t format = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &format, sizeof format)) return false;
  v.text = "[" + xlat_format(xlat_family("quota_formats"), format, limits.xlat_style) + "]";
  v.fields.push_back({"value", format});
  return true;
}

// What addr points to, read at entry (`at_entry`) or at the exit of a call
// that succeeded.
void quota_decode_addr(pid_t tid, SyscallEvent& e, bool at_entry, const DecodeLimits& limits) {
  const QuotaArgs a = quota_args(e);
  if (e.nargs <= a.addr) return;
  ArgValue& v = e.args[a.addr];
  const std::uint32_t cmd = quota_cmd(e);
  if (cmd == Q_QUOTAON) {
    if (at_entry) decode_path_text(tid, v, limits);
    return;
  }
  if (v.raw == 0 || !limits.dereference) return;
  bool done = false;
  switch (cmd) {
    case Q_SETQUOTA: if (at_entry) done = decode_dqblk(tid, v, false, limits); break;
    case Q_GETQUOTA: if (!at_entry) done = decode_dqblk(tid, v, false, limits); break;
    case Q_GETNEXTQUOTA: if (!at_entry) done = decode_dqblk(tid, v, true, limits); break;
    case Q_SETINFO: if (at_entry) done = decode_dqinfo(tid, v, limits); break;
    case Q_GETINFO: if (!at_entry) done = decode_dqinfo(tid, v, limits); break;
    case Q_GETFMT: if (!at_entry) done = decode_quota_format(tid, v, limits); break;
    default: break;
  }
  if (done) v.form = ArgValue::Form::Struct;
}

bool quota_args_text(std::string& out, const SyscallEvent& e, const FormatOptions& options) {
  const QuotaArgs a = quota_args(e);
  if (e.nargs != 4) return false;
  const std::uint32_t cmd = quota_cmd(e);
  std::vector<int> shown = {0, 1};  // quotactl's cmd and special, quotactl_fd's fd and cmd
  switch (quota_layout(cmd)) {
    case QuotaLayout::None: break;
    case QuotaLayout::Addr: shown.push_back(a.addr); break;
    default: shown.push_back(a.id); shown.push_back(a.addr); break;
  }
  for (std::size_t k = 0; k < shown.size(); ++k) {
    if (k) out += ", ";
    out += syspect::format_arg(e, shown[k], options);
  }
  return true;
}

bool quota_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  const QuotaArgs a = quota_args(e);
  if (i == a.cmd) {
    out += qcmd_text(static_cast<std::uint32_t>(e.args[i].raw), options.xlat_style);
    return true;
  }
  // Q_QUOTAON's id is the quota format; the others' a uid, gid or project
  // id, as the table says.
  if (i == a.id && quota_cmd(e) == Q_QUOTAON) {
    out += xlat_format(xlat_family("quota_formats"), static_cast<std::uint32_t>(e.args[i].raw),
                       options.xlat_style);
    return true;
  }
  return false;
}

// One family, the hooks by call.
void system_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  switch (e.desc->id) {
    case SysId::reboot: reboot_after_entry(tid, e, limits); return;
    case SysId::kexec_load: kexec_after_entry(tid, e, limits); return;
    case SysId::quotactl: case SysId::quotactl_fd: quota_decode_addr(tid, e, true, limits); return;
    default: return;
  }
}

void system_after_exit(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  switch (e.desc->id) {
    case SysId::quotactl: case SysId::quotactl_fd: quota_decode_addr(tid, e, false, limits); return;
    default: return;
  }
}

int system_shown_args(const SyscallEvent& e) {
  switch (e.desc->id) {
    case SysId::reboot: return reboot_shown_args(e);
    default: return -1;
  }
}

bool system_args(std::string& out, const SyscallEvent& e, const FormatOptions& options) {
  switch (e.desc->id) {
    case SysId::quotactl: case SysId::quotactl_fd: return quota_args_text(out, e, options);
    default: return false;
  }
}

bool system_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  switch (e.desc->id) {
    case SysId::kexec_load: return kexec_arg(out, e, i, options);
    case SysId::quotactl: case SysId::quotactl_fd: return quota_arg(out, e, i, options);
    default: return false;
  }
}

constexpr SysId kCalls[] = {SysId::reboot, SysId::kexec_load, SysId::quotactl, SysId::quotactl_fd};

}  // namespace

const SyscallFamily& system_family() {
  static const SyscallFamily family{.name = "system",
                                    .calls = kCalls,
                                    .after_entry = system_after_entry,
                                    .after_exit = system_after_exit,
                                    .shown_args = system_shown_args,
                                    .format_args = system_args,
                                    .format_arg = system_arg};
  return family;
}

}  // namespace syspect::detail
