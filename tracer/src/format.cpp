#include "syspect/format.hpp"

#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <optional>

#include <fmt/format.h>

#include "decoders/common.hpp"
#include "decoders/family.hpp"
#include "syspect/struct_schema.hpp"
#include "syspect/xlat.hpp"
#include "restart_errno.hpp"
#include "syscall_ids.hpp"

namespace syspect {
namespace {

// The longest path strace shows: what fits its PATH_MAX buffer with a NUL.
constexpr std::size_t kPathShown = PATH_MAX - 1;

using detail::append_pointer;
using detail::is_restart_errno;

void append_hex(std::string& out, std::uint64_t v) {
  if (v == 0) {
    out += '0';
  } else {
    fmt::format_to(std::back_inserter(out), "{:#x}", v);
  }
}

void append_quoted(std::string& out, std::string_view bytes, std::size_t limit,
                   bool truncated, HexStrings hex) {
  out += quote_string(bytes, limit, truncated, hex);
}

// argv, envp: each item quoted, or its address when it could not be read
// (member "[i]"); up to `limit` items, then "..."; an array with no NULL
// before unreadable memory ends "... /* the address */".
void append_string_array(std::string& out, const ArgValue& v, std::size_t limit, HexStrings hex,
                         std::size_t width) {
  out += '[';
  std::size_t shown = std::min(v.items.size(), limit);
  std::size_t field = 0;
  for (std::size_t i = 0; i < shown; ++i) {
    if (i) out += ", ";
    // The unreadable items, in order of their index.
    if (field < v.fields.size() && v.fields[field].name == fmt::format("[{}]", i)) {
      append_hex(out, static_cast<std::uint64_t>(v.fields[field++].value));
      continue;
    }
    append_quoted(out, v.items[i], limit, false, hex);
  }
  if (shown < v.total_items) {
    out += shown ? ", ..." : "...";
  } else if (v.unreadable) {
    fmt::format_to(std::back_inserter(out), "{}... /* {:#x} */", shown ? ", " : "",
                   v.raw + v.total_items * width);
  } else if (v.truncated && v.total_len == 0) {
    // (An array whose items were only cut has total_len set: no "...".)
    out += shown ? ", ..." : "...";
  }
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
                    v.truncated, options.hex_strings);
      return;
    case ArgValue::Form::Bytes:
      append_quoted(out, v.bytes, options.string_limit, v.truncated, options.hex_strings);
      return;
    case ArgValue::Form::StringArray:
      if (d->kind == ArgKind::Envp && (!options.abbreviate || options.abbreviate(e))) {
        append_pointer(out, v.raw);
        fmt::format_to(std::back_inserter(out), " /* {} var{}{} */", v.total_items,
                       v.total_items == 1 ? "" : "s", v.unreadable ? ", unterminated" : "");
      } else {
        append_string_array(out, v, options.string_limit, options.hex_strings,
                            e.abi == Abi::x86_64 ? 8 : 4);
      }
      return;
    case ArgValue::Form::Pair:
      fmt::format_to(std::back_inserter(out), "[{}, {}]", format_fd(v.num, v.fd_path, v.fd_deleted, options.hex_strings),
                     format_fd(v.num2, v.fd_path2, v.fd_deleted2, options.hex_strings));
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
        if (!v.fd_path.empty()) out += format_fd(v.num, v.fd_path, v.fd_deleted, options.hex_strings).substr(4);
      } else {
        out += format_fd(v.num, v.fd_path, v.fd_deleted, options.hex_strings);
      }
      break;
    case ArgKind::Fd:
      out += format_fd(v.num, v.fd_path, v.fd_deleted, options.hex_strings);
      break;
    case ArgKind::Flags:
    case ArgKind::Enum:
      if (d->xlat && d->xlat->kind == XlatKind::Enum && !d->xlat->unknown_hex && d->bits <= 32 &&
          arg_value(*d, v.raw) < 0 && xlat_name(*d->xlat, v.raw) == nullptr) {
        // A negative int the family does not name: strace's "%d".
        out += std::to_string(arg_value(*d, v.raw));
      } else if (d->xlat) {
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
                    std::string_view octal, HexStrings hex = HexStrings::None) {
  // -x: one byte that is neither printable ASCII nor whitespace puts the
  // whole string in hex, as strace's string_quote() decides.
  if (hex == HexStrings::NonAscii)
    hex = std::any_of(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n), [](char ch) {
            unsigned char c = static_cast<unsigned char>(ch);
            return c > 0x7e || (c < 0x20 && (c < '\t' || c > '\r'));
          })
              ? HexStrings::All
              : HexStrings::None;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (hex == HexStrings::All) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
      continue;
    }
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
    if (hex == HexStrings::NonAsciiChars) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
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

std::string quote_string(std::string_view bytes, std::size_t limit, bool truncated,
                         HexStrings hex) {
  std::string out;
  std::size_t n = std::min(bytes.size(), limit);
  out.reserve(n + 8);
  out += '"';
  append_escaped(out, bytes, n, {}, hex);
  out += '"';
  if (truncated || bytes.size() > limit) out += "...";
  return out;
}

std::string format_fd(std::int64_t fd, std::string_view path, bool deleted, HexStrings hex) {
  std::string out = fmt::format("{}", fd);
  if (path.empty()) return out;
  out += '<';
  append_escaped(out, path, path.size(), "<>", hex);
  out += '>';
  if (deleted) out += "(deleted)";
  return out;
}

namespace {

// How many arguments strace shows: the family decides for the calls whose
// count depends on their arguments.
int shown_args(const SyscallEvent& e) {
  if (e.desc == nullptr) return e.nargs;
  const detail::SyscallFamily* family = detail::family_of(e.desc);
  if (family != nullptr && family->shown_args != nullptr) {
    const int n = family->shown_args(e);
    if (n >= 0) return n;
  }
  return e.nargs;
}

// An argument whose family shows it its own way (futex, fcntl, prctl,
// socket options, ioctl requests...).
bool append_dependent_arg(std::string& out, const SyscallEvent& e, int i,
                          const FormatOptions& options) {
  const detail::SyscallFamily* family = detail::family_of(e.desc);
  return family != nullptr && family->format_arg != nullptr && family->format_arg(out, e, i, options);
}

}  // namespace

std::string format_arg(const SyscallEvent& e, int index, const FormatOptions& options) {
  std::string out;
  if (index < 0 || index >= e.nargs) return out;
  append_arg(out, e, index, options);
  return out;
}

std::string format_args(const SyscallEvent& e, const FormatOptions& options) {
  std::string out;
  if (e.resumed != nullptr) {
    fmt::format_to(std::back_inserter(out), "<... resuming interrupted {} ...>",
                   e.resumed->name);
    return out;
  }
  // A call interrupted before the tracer saw it begin (-p): strace's words.
  if (e.desc != nullptr && is(e.desc, SysId::restart_syscall))
    return "<... resuming interrupted system call ...>";
  // The calls whose family shows all their arguments together (clone,
  // rt_sigreturn's mask).
  if (const detail::SyscallFamily* family = detail::family_of(e.desc);
      family != nullptr && family->format_args != nullptr && family->format_args(out, e, options))
    return out;
  const int n = shown_args(e);
  for (int i = 0; i < n; ++i) {
    if (i) out += ", ";
    append_arg(out, e, i, options);
  }
  return out;
}

namespace {

std::string result_text(const SyscallEvent& e, XlatStyle style, HexStrings hex = HexStrings::None) {
  if (!e.finished || e.no_return) return "?";
  if (e.err != 0) {
    const char* name = errno_name(e.err);
    std::string n = name ? name : fmt::format("E??? ({})", e.err);
    if (is_restart_errno(e.err)) return fmt::format("? {} ({})", n, errno_message(e.err));
    // A failure that is not a negative result (modify_ldt's int cut to 32
    // bits, "4294967258 ENOSYS") shows the value, as strace does.
    return fmt::format("{} {} ({})", e.result < 0 ? std::string("-1") : std::to_string(e.result), n,
                       errno_message(e.err));
  }
  if (const detail::SyscallFamily* family = detail::family_of(e.desc);
      family != nullptr && family->format_result != nullptr) {
    std::string out;
    if (family->format_result(out, e, style)) return out;
  }
  if (!e.fd_path.empty()) return format_fd(e.result, e.fd_path, e.fd_deleted, hex);
  RetKind kind = e.desc ? e.desc->ret : RetKind::Int;
  switch (kind) {
    case RetKind::Hex:
      return e.result == 0 ? std::string("0") : fmt::format("{:#x}", static_cast<std::uint64_t>(e.result));
    case RetKind::None:
      return "?";
    case RetKind::Octal:
      return fmt::format("0{:02o}", e.result);
    case RetKind::Fd:
      return format_fd(e.result, e.fd_path, e.fd_deleted, hex);
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
  // A family that shows the arguments together shows them so at entry too
  // (clone's "child_stack=NULL, flags=CLONE_VM|CLONE_VFORK|SIGCHLD").
  if (const detail::SyscallFamily* family = detail::family_of(e.desc);
      family != nullptr && family->format_args != nullptr && family->format_args(out, e, options))
    return out + mark;
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
  if (options.align && column + out.size() < options.align_column) {
    out.append(options.align_column - column - out.size(), ' ');
    out += "= ";
  } else {
    out += " = ";
  }
  out += result_text(e, options.xlat_style, options.hex_strings);
  // strace's marks: a result (or a signal after the call) syspect injected,
  // a call it held back.
  if (e.injected.skipped || e.injected.signal != 0) out += " (INJECTED)";
  if (e.injected.delay_enter_us != 0 || e.injected.delay_exit_us != 0) out += " (DELAYED)";
  if (options.syscall_times && e.finished && !e.no_return && e.duration_ns >= 0)
    out += fmt::format(" <{}>", format_seconds(e.duration_ns, options.syscall_times_digits));
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

// A clock_t in ticks, with the seconds in a comment as strace adds them:
// "1 /* 0.01 s */" at 100 ticks per second.
std::string clock_ticks(long ticks, XlatStyle style) {
  static const long per_second = ::sysconf(_SC_CLK_TCK);
  std::string out = std::to_string(ticks);
  if (style == XlatStyle::Raw || per_second <= 0 || ticks <= 0) return out;
  int digits = 0;
  for (long v = per_second; v > 1; v /= 10) ++digits;
  fmt::format_to(std::back_inserter(out), " /* {}.{:0{}} s */", ticks / per_second, ticks % per_second, digits);
  return out;
}

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
    fmt::format_to(std::back_inserter(out), ", si_pid={}, si_uid={}, si_status={}, si_utime={}, si_stime={}",
                   e.sender_pid, e.sender_uid, status, clock_ticks(e.utime, style),
                   clock_ticks(e.stime, style));
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

std::string format_seconds(std::int64_t ns, int digits, int width) {
  if (ns < 0) ns = 0;
  std::int64_t sec = ns / 1'000'000'000;
  std::int64_t frac = ns % 1'000'000'000;
  if (digits <= 0) return fmt::format("{:>{}}", sec, width);
  for (int d = 9; d > digits; --d) frac /= 10;
  return fmt::format("{:>{}}.{:0{}}", sec, width, frac, digits);
}

std::string format_timestamp(std::int64_t time_ns, std::int64_t previous_ns,
                             const FormatOptions& options) {
  std::string out;
  using Timestamps = FormatOptions::Timestamps;
  if (options.absolute == Timestamps::Unix) {
    out = format_seconds(time_ns, options.absolute_digits) + ' ';
  } else if (options.absolute == Timestamps::Time) {
    std::time_t sec = static_cast<std::time_t>(time_ns / 1'000'000'000);
    std::tm tm{};
    ::localtime_r(&sec, &tm);
    char clock[16];
    std::strftime(clock, sizeof clock, "%H:%M:%S", &tm);
    out = clock;
    if (options.absolute_digits > 0)
      out += format_seconds(time_ns % 1'000'000'000, options.absolute_digits).substr(1);
    out += ' ';
  }
  if (options.relative) {
    // Lines come in the order the events were reported; a call's time is its
    // entry, which may precede the line before it (another thread's): 0.
    std::int64_t since = previous_ns == 0 ? 0 : std::max<std::int64_t>(time_ns - previous_ns, 0);
    std::string rel = format_seconds(since, options.relative_digits, 6);
    out += options.absolute == Timestamps::None ? rel + ' ' : "(+" + rel + ") ";
  }
  return out;
}

int precision_digits(std::string_view precision) {
  if (precision == "s") return 0;
  if (precision == "ms") return 3;
  if (precision == "us") return 6;
  if (precision == "ns") return 9;
  return -1;
}

}  // namespace syspect
