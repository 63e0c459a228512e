#include "syspect/format.hpp"

#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <signal.h>

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "syspect/struct_schema.hpp"
#include "syspect/xlat.hpp"
#include "restart_errno.hpp"
#include "syscall_ids.hpp"

namespace syspect {
namespace {

constexpr std::size_t kAlignColumn = 40;
// The longest path strace shows: what fits its PATH_MAX buffer with a NUL.
constexpr std::size_t kPathShown = PATH_MAX - 1;

using detail::is_restart_errno;

void append_hex(std::string& out, std::uint64_t v) {
  if (v == 0) {
    out += '0';
  } else {
    fmt::format_to(std::back_inserter(out), "{:#x}", v);
  }
}

void append_pointer(std::string& out, std::uint64_t v) {
  if (v == 0) {
    out += "NULL";
  } else {
    fmt::format_to(std::back_inserter(out), "{:#x}", v);
  }
}

void append_quoted(std::string& out, std::string_view bytes, std::size_t limit,
                   bool truncated) {
  out += quote_string(bytes, limit, truncated);
}

void append_string_array(std::string& out, const ArgValue& v, std::size_t limit) {
  out += '[';
  std::size_t shown = std::min(v.items.size(), limit);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i) out += ", ";
    append_quoted(out, v.items[i], limit, false);
  }
  // (An array whose items were only cut has total_len set: no "...".)
  if (shown < v.total_items || (v.truncated && v.total_len == 0)) out += shown ? ", ..." : "...";
  out += ']';
}

bool append_dependent_arg(std::string& out, const SyscallEvent& e, int i,
                          const FormatOptions& options);

void append_arg(std::string& out, const SyscallEvent& e, int i,
                const FormatOptions& options) {
  const ArgValue& v = e.args[i];
  const ArgDesc* d = e.desc ? &e.desc->args[i] : nullptr;
  if (append_dependent_arg(out, e, i, options)) return;
  if (d == nullptr) {  // unknown syscall: every argument in hex
    append_hex(out, v.raw);
    return;
  }
  switch (v.form) {
    case ArgValue::Form::Null:
      out += "NULL";
      return;
    case ArgValue::Form::Pointer:
    case ArgValue::Form::Unavailable:
      append_pointer(out, v.raw);
      return;
    case ArgValue::Form::String:
      // Paths are shown whole up to PATH_MAX - 1 bytes, as strace reads
      // them (longer ones are cut there, with "..."); other strings stop at -s.
      append_quoted(out, v.bytes,
                    d->kind == ArgKind::Path ? std::min<std::size_t>(v.bytes.size() + 1, kPathShown)
                                             : options.string_limit,
                    v.truncated);
      return;
    case ArgValue::Form::Bytes:
      append_quoted(out, v.bytes, options.string_limit, v.truncated);
      return;
    case ArgValue::Form::StringArray:
      if (d->kind == ArgKind::Envp) {
        append_pointer(out, v.raw);
        fmt::format_to(std::back_inserter(out), " /* {} var{}{} */", v.total_items,
                       v.total_items == 1 ? "" : "s", v.truncated ? "..." : "");
      } else {
        append_string_array(out, v, options.string_limit);
      }
      return;
    case ArgValue::Form::Pair:
      fmt::format_to(std::back_inserter(out), "[{}, {}]", format_fd(v.num, v.fd_path, v.fd_deleted),
                     format_fd(v.num2, v.fd_path2, v.fd_deleted2));
      return;
    case ArgValue::Form::Struct:
      out += v.text;
      return;
    case ArgValue::Form::Number:
      break;
  }
  switch (d->kind) {
    case ArgKind::Hex:
      append_hex(out, v.raw);
      break;
    case ArgKind::Octal:
      fmt::format_to(std::back_inserter(out), "0{:02o}", v.raw);
      break;
    case ArgKind::DirFd:
      if (v.num == AT_FDCWD) {
        out += xlat_styled("-100", "AT_FDCWD", options.xlat_style);
        if (!v.fd_path.empty()) out += format_fd(v.num, v.fd_path, v.fd_deleted).substr(4);
      } else {
        out += format_fd(v.num, v.fd_path, v.fd_deleted);
      }
      break;
    case ArgKind::Fd:
      out += format_fd(v.num, v.fd_path, v.fd_deleted);
      break;
    case ArgKind::Flags:
    case ArgKind::Enum:
      if (d->xlat) {
        out += xlat_format(*d->xlat, v.raw, options.xlat_style);
      } else {
        append_hex(out, v.raw);
      }
      break;
    case ArgKind::Signal: {
      out += signal_format(static_cast<int>(v.num), options.xlat_style);
      break;
    }
    case ArgKind::Ptr:
    case ArgKind::Struct:
      append_pointer(out, v.raw);
      break;
    case ArgKind::Ulong:
      fmt::format_to(std::back_inserter(out), "{}", v.raw);
      break;
    case ArgKind::Uid:
      // strace's printuid(): unsigned, but (uid_t)-1 ("no change") as -1.
      if (v.raw == 0xffffffffu) {
        out += "-1";
      } else {
        fmt::format_to(std::back_inserter(out), "{}", v.raw);
      }
      break;
    default:
      fmt::format_to(std::back_inserter(out), "{}", v.num);
      break;
  }
}

}  // namespace

namespace {

// The body of a quoted string; `octal` are printable bytes that are escaped
// in octal all the same.
void append_escaped(std::string& out, std::string_view bytes, std::size_t n,
                    std::string_view octal) {
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    bool force_octal = octal.find(static_cast<char>(c)) != std::string_view::npos;
    if (!force_octal) switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\t': out += "\\t"; continue;
      case '\n': out += "\\n"; continue;
      case '\v': out += "\\v"; continue;
      case '\f': out += "\\f"; continue;
      case '\r': out += "\\r"; continue;
      default: break;
    }
    if (c >= 0x20 && c < 0x7f && !force_octal) {
      out += static_cast<char>(c);
      continue;
    }
    // Octal, in as few digits as stay unambiguous before the next byte.
    unsigned char next = i + 1 < n ? static_cast<unsigned char>(bytes[i + 1]) : 0;
    bool digit_follows = i + 1 < n && next >= '0' && next <= '7';
    if (digit_follows) {
      fmt::format_to(std::back_inserter(out), "\\{:03o}", c);
    } else {
      fmt::format_to(std::back_inserter(out), "\\{:o}", c);
    }
  }
}

}  // namespace

std::string quote_string(std::string_view bytes, std::size_t limit, bool truncated) {
  std::string out;
  std::size_t n = std::min(bytes.size(), limit);
  out.reserve(n + 8);
  out += '"';
  append_escaped(out, bytes, n, {});
  out += '"';
  if (truncated || bytes.size() > limit) out += "...";
  return out;
}

std::string format_fd(std::int64_t fd, std::string_view path, bool deleted) {
  std::string out = fmt::format("{}", fd);
  if (path.empty()) return out;
  out += '<';
  append_escaped(out, path, path.size(), "<>");
  out += '>';
  if (deleted) out += "(deleted)";
  return out;
}

namespace {

constexpr std::uint32_t kFutexPrivate = 128;
constexpr std::uint32_t kFutexClockRealtime = 256;

// How many of futex's arguments strace shows for an operation.
int futex_shown_args(std::uint32_t op) {
  switch (op & ~(kFutexPrivate | kFutexClockRealtime)) {
    case 0:  // FUTEX_WAIT
      return 4;
    case 1: case 2:  // FUTEX_WAKE, FUTEX_FD
      return 3;
    case 3:  // FUTEX_REQUEUE
      return 5;
    case 4: case 5: case 12:  // FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP, FUTEX_CMP_REQUEUE_PI
      return 6;
    case 6: case 13:  // FUTEX_LOCK_PI, FUTEX_LOCK_PI2
      return 3;
    case 7: case 8:  // FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI
      return 2;
    case 9:  // FUTEX_WAIT_BITSET: uaddr2 is not used
      return 5;
    case 10:  // FUTEX_WAKE_BITSET
      return 4;
    case 11:  // FUTEX_WAIT_REQUEUE_PI
      return 5;
    default:
      return 6;
  }
}

std::string futex_bitset(std::uint32_t bits, XlatStyle style) {
  std::string number = fmt::format("{:#x}", bits);
  return bits == 0xffffffffu ? xlat_styled(number, "FUTEX_BITSET_MATCH_ANY", style) : number;
}

// FUTEX_WAKE_OP's val3: FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_EQ<<24|0.
std::string futex_wake_op(std::uint32_t v, XlatStyle style) {
  static constexpr const char* kOps[] = {"FUTEX_OP_SET", "FUTEX_OP_ADD", "FUTEX_OP_OR",
                                         "FUTEX_OP_ANDN", "FUTEX_OP_XOR"};
  static constexpr const char* kCmps[] = {"FUTEX_OP_CMP_EQ", "FUTEX_OP_CMP_NE", "FUTEX_OP_CMP_LT",
                                          "FUTEX_OP_CMP_LE", "FUTEX_OP_CMP_GT", "FUTEX_OP_CMP_GE"};
  const unsigned op = (v >> 28) & 7, cmp = (v >> 24) & 15;
  std::string out;
  if (v >> 28 & 8) out += xlat_styled("8", "FUTEX_OP_OPARG_SHIFT", style) + "<<28|";
  std::string n = std::to_string(op);
  out += (op < 5 ? xlat_styled(n, kOps[op], style) : n + " /* FUTEX_OP_??? */") + "<<28|";
  out += fmt::format("{}<<12|", (v >> 12) & 0xfff);
  n = std::to_string(cmp);
  out += (cmp < 6 ? xlat_styled(n, kCmps[cmp], style) : n + " /* FUTEX_OP_CMP_??? */") + "<<24|";
  out += fmt::format("{}", v & 0xfff);
  return out;
}

// futex's arguments after uaddr: the operation (FUTEX_CLOCK_REALTIME apart),
// then what that operation makes of the rest.
void append_futex_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  const ArgValue& v = e.args[i];
  const auto op = static_cast<std::uint32_t>(e.args[1].raw);
  const std::uint32_t cmd = op & ~(kFutexPrivate | kFutexClockRealtime);
  const XlatStyle style = options.xlat_style;
  switch (i) {
    case 1: {
      const Xlat* ops = find_xlat("futex_ops");
      std::string names = ops ? xlat_format(*ops, op & ~kFutexClockRealtime) : std::to_string(op);
      if (op & kFutexClockRealtime) names += "|FUTEX_CLOCK_REALTIME";
      out += xlat_styled(fmt::format("{:#x}", op), names, style);
      return;
    }
    case 2:
      fmt::format_to(std::back_inserter(out), "{}", static_cast<std::uint32_t>(v.raw));
      return;
    case 3:
      if (cmd == 0 || cmd == 6 || cmd == 9 || cmd == 11 || cmd == 13) {
        out += v.form == ArgValue::Form::Struct ? v.text : v.raw == 0 ? "NULL" : fmt::format("{:#x}", v.raw);
      } else if (cmd == 10) {
        out += futex_bitset(static_cast<std::uint32_t>(e.args[5].raw), style);
      } else {
        fmt::format_to(std::back_inserter(out), "{}", static_cast<std::uint32_t>(v.raw));
      }
      return;
    case 4:
      if (cmd == 9) {
        out += futex_bitset(static_cast<std::uint32_t>(e.args[5].raw), style);
      } else {
        out += v.raw == 0 ? "NULL" : fmt::format("{:#x}", v.raw);
      }
      return;
    default:
      if (cmd == 5) {
        out += futex_wake_op(static_cast<std::uint32_t>(v.raw), style);
      } else {
        fmt::format_to(std::back_inserter(out), "{}", static_cast<std::uint32_t>(v.raw));
      }
      return;
  }
}

// How many arguments strace shows: open and openat take a mode only with
// O_CREAT or O_TMPFILE, and strace leaves it out otherwise.
int shown_args(const SyscallEvent& e) {
  if (e.desc == nullptr) return e.nargs;
  const SysId id = e.desc->id;
  if (id == SysId::futex && e.nargs == 6) return futex_shown_args(static_cast<std::uint32_t>(e.args[1].raw));
  int flags_at = id == SysId::open ? 1 : id == SysId::openat ? 2 : -1;
  if (flags_at >= 0 && flags_at + 1 < e.nargs) {
    std::uint64_t flags = e.args[flags_at].raw;
    // O_TMPFILE includes O_DIRECTORY's bit: it counts only whole.
    if ((flags & O_CREAT) == 0 && (flags & O_TMPFILE) != O_TMPFILE) return flags_at + 1;
  }
  // mremap's new_address only with MREMAP_FIXED.
  if (id == SysId::mremap && e.nargs == 5 && (e.args[3].raw & 2) == 0) return 4;
  // prctl: the options whose arguments strace knows.
  if (id == SysId::prctl && e.nargs == 5) {
    switch (static_cast<std::uint32_t>(e.args[0].raw)) {
      case PR_SET_PDEATHSIG: case PR_GET_PDEATHSIG: case PR_SET_DUMPABLE: case PR_SET_KEEPCAPS:
      case PR_SET_NAME: case PR_GET_NAME: case PR_CAPBSET_READ: case PR_CAPBSET_DROP:
      case PR_SET_TIMERSLACK: case PR_SET_CHILD_SUBREAPER: case PR_GET_CHILD_SUBREAPER:
      case PR_SET_PTRACER:
        return 2;
      case PR_GET_DUMPABLE: case PR_GET_KEEPCAPS: case PR_GET_SECCOMP: case PR_GET_TIMERSLACK:
        return 1;
      case PR_SET_SECCOMP:
        // The strict mode takes nothing more, the filter mode its program.
        if (e.args[1].raw == SECCOMP_MODE_STRICT) return 2;
        if (e.args[1].raw == SECCOMP_MODE_FILTER) return 3;
        break;
      default:
        break;
    }
  }
  // fcntl's third argument exists only for the commands that take one.
  if (id == SysId::fcntl && e.nargs == 3) {
    switch (static_cast<int>(e.args[1].raw)) {
      case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG: case F_GETLEASE:
      case F_GETPIPE_SZ: case F_GET_SEALS:
        return 2;
      default:
        break;
    }
  }
  return e.nargs;
}

// A value of an enum family, or for a value it does not name the number in
// hex and `unknown` ("SUID_DUMP_???") in a comment, as strace does.
std::string enum_text(const char* family, std::uint64_t value, const char* unknown, XlatStyle style) {
  const Xlat* x = find_xlat(family);
  if (x != nullptr && xlat_name(*x, value) != nullptr) return xlat_format(*x, value, style);
  if (style == XlatStyle::Raw) return fmt::format("{:#x}", value);
  return fmt::format("{:#x} /* {} */", value, unknown);
}

// prctl's second and third arguments for the options strace decodes.
bool append_prctl_arg(std::string& out, const SyscallEvent& e, int i, XlatStyle style) {
  const ArgValue& v = e.args[i];
  if (v.form == ArgValue::Form::Struct || v.form == ArgValue::Form::String) return false;
  const std::uint64_t arg = v.raw;
  switch (static_cast<std::uint32_t>(e.args[0].raw)) {
    case PR_SET_DUMPABLE:
      if (i != 1) return false;
      out += enum_text("suid_dump_modes", arg, "SUID_DUMP_???", style);
      return true;
    case PR_SET_PDEATHSIG:
      if (i != 1) return false;
      out += arg == 0 || arg > 64 ? std::to_string(arg) : signal_format(static_cast<int>(arg), style);
      return true;
    case PR_CAPBSET_READ: case PR_CAPBSET_DROP:
      if (i != 1) return false;
      out += enum_text("capabilities", arg, "CAP_???", style);
      return true;
    case PR_SET_KEEPCAPS: case PR_SET_TIMERSLACK: case PR_SET_CHILD_SUBREAPER:
    case PR_SET_NO_NEW_PRIVS: case PR_SET_THP_DISABLE:
      if (i != 1) return false;
      out += std::to_string(arg);
      return true;
    case PR_SET_PTRACER:
      if (i != 1) return false;
      out += static_cast<std::int32_t>(arg) == -1 ? std::string("PR_SET_PTRACER_ANY") : std::to_string(arg);
      return true;
    case PR_GET_PDEATHSIG: case PR_GET_CHILD_SUBREAPER:
      // Where the value goes; "[SIGTERM]" when the call wrote it.
      if (i != 1) return false;
      append_pointer(out, arg);
      return true;
    case PR_CAP_AMBIENT:
      if (i == 1) {
        out += enum_text("cap_ambient_ops", arg, "PR_CAP_AMBIENT_???", style);
        return true;
      }
      if (i == 2 && e.args[1].raw >= PR_CAP_AMBIENT_IS_SET && e.args[1].raw <= PR_CAP_AMBIENT_LOWER) {
        out += enum_text("capabilities", arg, "CAP_???", style);
        return true;
      }
      return false;
    case PR_SET_SECCOMP:
      if (i == 1) {
        out += enum_text("seccomp_modes", arg, "SECCOMP_MODE_???", style);
        return true;
      }
      if (i == 2 && e.args[1].raw == SECCOMP_MODE_FILTER) {
        append_pointer(out, arg);  // the program, "{len=1, filter=0x...}" when read
        return true;
      }
      return false;
    default:
      return false;
  }
}

// Arguments whose meaning depends on another one, shown as strace does.
bool append_dependent_arg(std::string& out, const SyscallEvent& e, int i,
                          const FormatOptions& options) {
  if (e.desc == nullptr) return false;
  const SysId id = e.desc->id;
  const ArgValue& v = e.args[i];
  if (id == SysId::prctl && i >= 1 && append_prctl_arg(out, e, i, options.xlat_style)) return true;
  if (id == SysId::fcntl && i == 2) {
    switch (static_cast<int>(e.args[1].raw)) {
      case F_DUPFD: case F_DUPFD_CLOEXEC: case F_SETOWN: case F_SETSIG: case F_SETPIPE_SZ:
        fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int32_t>(v.raw));
        return true;
      default: break;
    }
    // F_SETFD's and F_SETFL's flags: the family struct_schema declares.
    const Xlat* family = dependent_family(*e.desc, i, e.args[1].raw);
    if (family == nullptr) return false;
    out += xlat_format(*family, v.raw, options.xlat_style);
    return true;
  }
  if ((id == SysId::setsockopt || id == SysId::getsockopt) && i == 2) {
    const Xlat* names = dependent_family(*e.desc, i, static_cast<std::uint32_t>(e.args[1].raw));
    if (names == nullptr) return false;
    out += xlat_format(*names, static_cast<std::uint32_t>(v.raw), options.xlat_style);
    return true;
  }
  if (id == SysId::ioctl && i == 1 && options.xlat_style == XlatStyle::Abbrev) {
    // strace names these by both of the requests that share the number.
    switch (static_cast<std::uint32_t>(v.raw)) {
      case 0x5402: out += "SNDCTL_TMR_START or TCSETS"; return true;
      case 0x5403: out += "SNDCTL_TMR_STOP or TCSETSW"; return true;
      case 0x5404: out += "SNDCTL_TMR_CONTINUE or TCSETSF"; return true;
      case 0x40049409: out += "BTRFS_IOC_CLONE or FICLONE"; return true;
      default: return false;
    }
  }
  if (id == SysId::ioctl && i == 2 && static_cast<std::uint32_t>(e.args[1].raw) == 0x40049409) {
    out += format_fd(static_cast<std::int32_t>(v.raw), v.fd_path, v.fd_deleted);  // FICLONE: the source fd
    return true;
  }
  if (id == SysId::getrandom && i == 0 && v.form == ArgValue::Form::Bytes &&
      std::any_of(v.bytes.begin(), v.bytes.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f; })) {
    // Random bytes: strace shows every byte in hex.
    out += '"';
    std::size_t n = std::min(v.bytes.size(), options.string_limit);
    for (std::size_t k = 0; k < n; ++k)
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned char>(v.bytes[k]));
    out += '"';
    if (v.truncated || v.bytes.size() > n) out += "...";
    return true;
  }
  if ((id == SysId::socket || id == SysId::socketpair) && i == 1 &&
      options.xlat_style != XlatStyle::Abbrev) {
    // strace -X raw|verbose: the type and its flags apart, "0x1|0x80000".
    const Xlat* types = find_xlat("socket_types");
    const std::uint64_t type = v.raw & 0xf, flags = v.raw & ~0xfull;
    if (types == nullptr) return false;
    out += xlat_styled(type == 0 ? "0" : fmt::format("{:#x}", type), xlat_format(*types, type),
                       options.xlat_style);
    if (flags != 0) {
      out += '|';
      out += xlat_styled(fmt::format("{:#x}", flags), xlat_format(*types, flags), options.xlat_style);
    }
    return true;
  }
  if (id == SysId::statx && i == 2 && options.xlat_style != XlatStyle::Abbrev) {
    // strace -X raw|verbose: the sync type (an enum field) apart from the
    // other flags: "0 /* AT_STATX_SYNC_AS_STAT */|0x900 /* ... */", and
    // raw leaves a zero sync type empty: "|0x900".
    const Xlat* flags = find_xlat("statx_flags");
    const Xlat* at_flags = find_xlat("at_flags");
    if (flags == nullptr || at_flags == nullptr) return false;
    constexpr std::uint64_t kSyncType = 0x6000;
    const std::uint64_t sync = v.raw & kSyncType, rest = v.raw & ~kSyncType;
    if (options.xlat_style == XlatStyle::Verbose || sync != 0)
      out += xlat_styled(sync == 0 ? "0" : fmt::format("{:#x}", sync), xlat_format(*flags, sync),
                         options.xlat_style);
    if (rest != 0)
      out += "|" + xlat_styled(fmt::format("{:#x}", rest), xlat_format(*at_flags, rest), options.xlat_style);
    return true;
  }
  if (id == SysId::futex && i >= 1) {
    append_futex_arg(out, e, i, options);
    return true;
  }
  if (id == SysId::socket && i == 2) {
    // The protocol's names depend on the domain (netlink's, IP's).
    if (const Xlat* x = dependent_family(*e.desc, i, static_cast<std::uint32_t>(e.args[0].raw))) {
      out += xlat_format(*x, v.raw, options.xlat_style);
      return true;
    }
  }
  return false;
}

}  // namespace

namespace {

// clone's flags as strace prints them: the flags, then the exit signal of
// the low byte ("CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"), each in
// the -X style ("0x1200000|17" raw).
std::string clone_flags_text(std::uint64_t flags, XlatStyle style) {
  std::string names;
  if (const Xlat* x = find_xlat("clone_flags"); x != nullptr && (flags & ~0xffull) != 0)
    names = xlat_styled(fmt::format("{:#x}", flags & ~0xffull), xlat_format(*x, flags & ~0xffull), style);
  if (flags & 0xff) {
    if (!names.empty()) names += '|';
    names += signal_format(static_cast<int>(flags & 0xff), style);
  }
  return names.empty() ? "0" : names;
}

// A clone whose arguments strace names and orders its own way; the index
// of tls and of child_tid differ between the ABIs.
struct CloneArgs {
  int tls, child_tid;
};
std::optional<CloneArgs> clone_layout(const SyscallEvent& e) {
  if (e.desc == nullptr || e.nargs != 5 || !is(e.desc, SysId::clone)) return std::nullopt;
  if (e.abi == Abi::x86_64) return CloneArgs{4, 3};
  return CloneArgs{3, 4};
}

}  // namespace

// clone's arguments as strace names them: child_stack, flags (with the exit
// signal in the low byte), and the pointers its flags make meaningful.
std::string format_clone_args(const SyscallEvent& e, XlatStyle style) {
  const CloneArgs at = clone_layout(e).value_or(CloneArgs{4, 3});
  std::uint64_t flags = e.args[0].raw;
  std::string out = "child_stack=";
  append_pointer(out, e.args[1].raw);
  out += ", flags=";
  out += clone_flags_text(flags, style);
  if (flags & CLONE_PARENT_SETTID) {
    out += ", parent_tid=";
    append_pointer(out, e.args[2].raw);
  }
  if (flags & CLONE_SETTLS) {
    out += ", tls=";
    append_pointer(out, e.args[at.tls].raw);
  }
  if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) {
    out += ", child_tidptr=";
    append_pointer(out, e.args[at.child_tid].raw);
  }
  return out;
}

std::string format_arg(const SyscallEvent& e, int index, const FormatOptions& options) {
  std::string out;
  if (index < 0 || index >= e.nargs) return out;
  if (clone_layout(e)) {
    // Each as format_clone_args() shows it: flags with the exit signal,
    // the others as pointers.
    if (index == 0) return clone_flags_text(e.args[0].raw, options.xlat_style);
    append_pointer(out, e.args[index].raw);
    return out;
  }
  append_arg(out, e, index, options);
  return out;
}

std::string format_args(const SyscallEvent& e, const FormatOptions& options) {
  std::string out;
  if (clone_layout(e)) return format_clone_args(e, options.xlat_style);
  if (e.resumed != nullptr) {
    fmt::format_to(std::back_inserter(out), "<... resuming interrupted {} ...>",
                   e.resumed->name);
    return out;
  }
  // A call interrupted before the tracer saw it begin (-p): strace's words.
  if (e.desc != nullptr && is(e.desc, SysId::restart_syscall))
    return "<... resuming interrupted system call ...>";
  if (e.nargs == 0 && e.desc != nullptr && e.args[0].form == ArgValue::Form::Struct &&
      is(e.desc, SysId::rt_sigreturn))
    return e.args[0].text;  // the mask its signal frame restores
  const int n = shown_args(e);
  for (int i = 0; i < n; ++i) {
    if (i) out += ", ";
    append_arg(out, e, i, options);
  }
  return out;
}

namespace {

// What strace adds after a successful result: what poll and select found,
// the time they had left, or "Timeout".
std::string result_note(const SyscallEvent& e) {
  if (e.desc == nullptr) return {};
  const SysId id = e.desc->id;
  const bool is_poll = id == SysId::poll || id == SysId::ppoll;
  if (!is_poll && id != SysId::select && id != SysId::pselect6) return {};
  if (e.result == 0) return "Timeout";
  std::string out;
  for (int i = 0; i < e.nargs; ++i) {
    if (e.args[i].text_out.empty()) continue;
    if (!out.empty()) out += ", ";
    out += e.args[i].text_out;
  }
  return out;
}

}  // namespace

namespace {

std::string result_text(const SyscallEvent& e, XlatStyle style) {
  if (!e.finished || e.no_return) return "?";
  if (e.err != 0) {
    const char* name = errno_name(e.err);
    std::string n = name ? name : fmt::format("E??? ({})", e.err);
    if (is_restart_errno(e.err)) return fmt::format("? {} ({})", n, errno_message(e.err));
    return fmt::format("-1 {} ({})", n, errno_message(e.err));
  }
  if (e.desc != nullptr && is(e.desc, SysId::prctl) && e.nargs >= 1 &&
      static_cast<std::uint32_t>(e.args[0].raw) == PR_GET_DUMPABLE && e.result >= 0) {
    const Xlat* modes = find_xlat("suid_dump_modes");
    if (const char* mode = modes ? xlat_name(*modes, static_cast<std::uint64_t>(e.result)) : nullptr)
      return fmt::format("{} ({})", e.result, mode);
  }
  if (e.desc != nullptr && is(e.desc, SysId::fcntl) && e.nargs >= 2) {
    int cmd = static_cast<int>(e.args[1].raw);
    const Xlat* family = cmd == F_GETFL ? find_xlat("open_flags")
                         : cmd == F_GETFD ? find_xlat("fd_flags")
                                          : nullptr;
    // strace names F_GETFL's flags in every -X style, F_GETFD's in its own.
    if (family != nullptr && (e.result != 0 || cmd == F_GETFL))
      return fmt::format("{} (flags {})", e.result == 0 ? std::string("0") : fmt::format("{:#x}", e.result),
                         xlat_format(*family, static_cast<std::uint64_t>(e.result),
                                     cmd == F_GETFL ? XlatStyle::Abbrev : style));
  }
  if (!e.fd_path.empty()) return format_fd(e.result, e.fd_path, e.fd_deleted);
  if (e.desc != nullptr && is(e.desc, SysId::sched_getscheduler) && e.result >= 0) {
    if (const Xlat* policies = find_xlat("sched_policies"))
      return fmt::format("{} ({})", e.result, xlat_format(*policies, static_cast<std::uint64_t>(e.result)));
  }
  if (std::string note = result_note(e); !note.empty())
    return fmt::format("{} ({})", e.result, note);
  RetKind kind = e.desc ? e.desc->ret : RetKind::Int;
  switch (kind) {
    case RetKind::Hex:
      return e.result == 0 ? std::string("0") : fmt::format("{:#x}", static_cast<std::uint64_t>(e.result));
    case RetKind::None:
      return "?";
    case RetKind::Octal:
      return fmt::format("0{:02o}", e.result);
    case RetKind::Fd:
      return format_fd(e.result, e.fd_path, e.fd_deleted);
    default:
      return fmt::format("{}", e.result);
  }
}

}  // namespace

std::string format_result(const SyscallEvent& e) { return result_text(e, XlatStyle::Abbrev); }

std::string shell_quote(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& word : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
    });
    if (plain) {
      out += word;
      continue;
    }
    out += '\'';
    for (char c : word) {
      if (c == '\'') out += "'\\''";
      else out += c;
    }
    out += '\'';
  }
  return out;
}

namespace {

// What strace had printed at entry when a call never returned: the inputs up
// to the first output argument, then " <unfinished ...>" (" <detached ...>"
// when the tracer detached while it ran).
std::string format_unfinished_args(const SyscallEvent& e, const FormatOptions& options) {
  std::string out;
  const char* mark = e.detached ? " <detached ...>" : " <unfinished ...>";
  if (e.resumed != nullptr || (e.desc != nullptr && is(e.desc, SysId::restart_syscall)))
    return format_args(e, options) + mark;
  for (int i = 0, n = shown_args(e); i < n; ++i) {
    if (e.desc != nullptr && e.desc->args[i].dir != ArgDir::In &&
        !(e.desc->args[i].dir == ArgDir::InOut && e.args[i].form == ArgValue::Form::Struct)) {
      if (i) out += ", ";
      break;
    }
    if (i) out += ", ";
    append_arg(out, e, i, options);
  }
  out += mark;
  return out;
}

}  // namespace

std::string format_syscall(const SyscallEvent& e, const FormatOptions& options,
                           std::size_t column) {
  std::string out = e.name();
  out += '(';
  // A vsyscall's inputs are all it has: its outputs are never read.
  out += e.finished || e.vsyscall ? format_args(e, options) : format_unfinished_args(e, options);
  // Detached inside the call: it goes on, and has no result to show.
  if (!e.finished && e.detached) return out;
  out += ')';
  if (options.align && column + out.size() < kAlignColumn) {
    out.append(kAlignColumn - column - out.size(), ' ');
    out += "= ";
  } else {
    out += " = ";
  }
  out += result_text(e, options.xlat_style);
  // What strace has no notation for: marks that only an attack produces.
  if (!e.opened_path.empty())
    out += fmt::format(" /* the path changed during the call: opened {} */",
                       quote_string(e.opened_path, e.opened_path.size() + 1));
  if (e.untraced_child_killed) out += " /* the child escaped tracing and was killed */";
  if (e.vsyscall) out += e.finished ? " /* vsyscall page */" : " /* vsyscall page: its result is not seen */";
  if (e.changed_args != 0) {
    std::string names;
    for (int i = 0; i < 6; ++i) {
      if (!(e.changed_args & (1u << i))) continue;
      if (!names.empty()) names += ", ";
      names += e.desc != nullptr && i < e.desc->nargs ? e.desc->args[i].name : fmt::format("arg{}", i);
    }
    out += fmt::format(" /* changed while the call ran: {} */", names);
  }
  return out;
}

namespace {

const char* si_code_name(int signo, int code) {
  switch (code) {
    case SI_USER: return "SI_USER";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TIMER: return "SI_TIMER";
    case SI_MESGQ: return "SI_MESGQ";
    case SI_ASYNCIO: return "SI_ASYNCIO";
    case SI_SIGIO: return "SI_SIGIO";
    case SI_TKILL: return "SI_TKILL";
    default: break;
  }
  if (signo == SIGCHLD) {
    switch (code) {
      case CLD_EXITED: return "CLD_EXITED";
      case CLD_KILLED: return "CLD_KILLED";
      case CLD_DUMPED: return "CLD_DUMPED";
      case CLD_TRAPPED: return "CLD_TRAPPED";
      case CLD_STOPPED: return "CLD_STOPPED";
      case CLD_CONTINUED: return "CLD_CONTINUED";
    }
  } else if (signo == SIGSEGV) {
    switch (code) {
      case SEGV_MAPERR: return "SEGV_MAPERR";
      case SEGV_ACCERR: return "SEGV_ACCERR";
    }
  } else if (signo == SIGBUS) {
    switch (code) {
      case BUS_ADRALN: return "BUS_ADRALN";
      case BUS_ADRERR: return "BUS_ADRERR";
      case BUS_OBJERR: return "BUS_OBJERR";
    }
  } else if (signo == SIGSYS && code == 1) {
    return "SYS_SECCOMP";
  } else if (signo == SIGFPE) {
    switch (code) {
      case FPE_INTDIV: return "FPE_INTDIV";
      case FPE_INTOVF: return "FPE_INTOVF";
      case FPE_FLTDIV: return "FPE_FLTDIV";
    }
  } else if (signo == SIGILL) {
    switch (code) {
      case ILL_ILLOPC: return "ILL_ILLOPC";
      case ILL_ILLOPN: return "ILL_ILLOPN";
    }
  } else if (signo == SIGTRAP) {
    switch (code) {
      case TRAP_BRKPT: return "TRAP_BRKPT";
      case TRAP_TRACE: return "TRAP_TRACE";
    }
  }
  return nullptr;
}

}  // namespace

std::string format_signal(const SignalEvent& e, XlatStyle style) {
  std::string sig = signal_name(e.signo);
  if (e.stopped) return fmt::format("--- stopped by {} ---", sig);
  std::string out = fmt::format("--- {} {{si_signo={}, si_code=", sig, signal_format(e.signo, style));
  if (const char* code = si_code_name(e.signo, e.code)) {
    out += xlat_styled(e.code == 0 ? std::string("0") : fmt::format("{:#x}", static_cast<std::uint32_t>(e.code)),
                       code, style);
  } else {
    fmt::format_to(std::back_inserter(out), "{}", e.code);
  }
  if (e.code == SI_USER || e.code == SI_TKILL || e.code == SI_QUEUE) {
    fmt::format_to(std::back_inserter(out), ", si_pid={}, si_uid={}", e.sender_pid, e.sender_uid);
  } else if (e.signo == SIGCHLD && e.code > 0) {
    std::string status = fmt::format("{}", e.status);
    if (e.code == CLD_KILLED || e.code == CLD_DUMPED || e.code == CLD_STOPPED ||
        e.code == CLD_TRAPPED || e.code == CLD_CONTINUED)
      status = signal_format(e.status, style);
    fmt::format_to(std::back_inserter(out),
                   ", si_pid={}, si_uid={}, si_status={}, si_utime={}, si_stime={}",
                   e.sender_pid, e.sender_uid, status, e.utime, e.stime);
  } else if ((e.signo == SIGSEGV || e.signo == SIGBUS || e.signo == SIGILL ||
              e.signo == SIGFPE) && e.code > 0) {
    fmt::format_to(std::back_inserter(out), ", si_addr=");
    append_pointer(out, e.addr);
  }
  out += "} ---";
  return out;
}

std::string format_exit(const ExitEvent& e) {
  if (e.superseded_by != 0)
    return fmt::format("+++ superseded by execve in pid {} +++", e.superseded_by);
  if (e.signaled) {
    return fmt::format("+++ killed by {}{} +++", signal_name(e.signal),
                       e.core_dumped ? " (core dumped)" : "");
  }
  return fmt::format("+++ exited with {} +++", e.code);
}

}  // namespace syspect
