// The fcntl family: the commands that take an int, those that take no
// argument at all, the flags F_SETFD/F_SETFL take and F_GETFD/F_GETFL
// return, F_DUPFD's new fd, and the structs of the lock commands (struct
// flock) and of F_SETOWN_EX/F_GETOWN_EX (struct f_owner_ex).

#include <fcntl.h>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

int cmd_of(const SyscallEvent& e) { return static_cast<int>(e.args[1].raw); }

// The commands whose argument points to a struct, and when strace reads it:
// the set commands at entry, the get commands at exit of a call that
// succeeded (a failed one shows the address).
enum class StructArg { None, SetLock, GetLock, SetOwner, GetOwner };
StructArg struct_arg(int cmd) {
  switch (cmd) {
    case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW: return StructArg::SetLock;
    case F_GETLK: case F_OFD_GETLK: return StructArg::GetLock;
    case F_SETOWN_EX: return StructArg::SetOwner;
    case F_GETOWN_EX: return StructArg::GetOwner;
    default: return StructArg::None;
  }
}

// "{l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=0}", with l_pid
// for what F_GETLK reports.
bool decode_flock(pid_t tid, ArgValue& v, bool with_pid, XlatStyle style) {
  struct {
    std::int16_t l_type, l_whence;
    std::int64_t l_start, l_len;
    std::int32_t l_pid;
  } fl{};
  static_assert(sizeof fl == 32);
  if (v.raw == 0 || !read_exact(tid, RemotePtr{v.raw}, &fl, sizeof fl)) return false;
  v.text = fmt::format("{{l_type={}, l_whence={}, l_start={}, l_len={}",
                       enum_text("lock_types", static_cast<std::uint16_t>(fl.l_type), "F_???", style),
                       enum_text("lseek_whence", static_cast<std::uint16_t>(fl.l_whence), "SEEK_???", style),
                       fl.l_start, fl.l_len);
  if (with_pid) v.text += fmt::format(", l_pid={}", fl.l_pid);
  v.text += '}';
  v.form = ArgValue::Form::Struct;
  v.fields.clear();
  Out o{v};
  o.field("l_type", fl.l_type);
  o.field("l_whence", fl.l_whence);
  o.field("l_start", fl.l_start);
  o.field("l_len", fl.l_len);
  if (with_pid) o.field("l_pid", fl.l_pid);
  return true;
}

// "{type=F_OWNER_PID, pid=1234}".
bool decode_f_owner_ex(pid_t tid, ArgValue& v, XlatStyle style) {
  struct {
    std::int32_t type, pid;
  } owner{};
  if (v.raw == 0 || !read_exact(tid, RemotePtr{v.raw}, &owner, sizeof owner)) return false;
  v.text = fmt::format("{{type={}, pid={}}}",
                       enum_text("f_owner_types", static_cast<std::uint32_t>(owner.type), "F_OWNER_???", style),
                       owner.pid);
  v.form = ArgValue::Form::Struct;
  v.fields.clear();
  Out o{v};
  o.field("type", owner.type);
  o.field("pid", owner.pid);
  return true;
}

// fcntl's arg is an unsigned long, but the commands that take a number
// read it as an int (the kernel's argi): only its low 32 bits count.
void fcntl_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
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
  if (!limits.dereference || e.abi != Abi::x86_64) return;
  switch (struct_arg(cmd_of(e))) {
    case StructArg::SetLock: decode_flock(tid, e.args[2], false, limits.xlat_style); break;
    case StructArg::SetOwner: decode_f_owner_ex(tid, e.args[2], limits.xlat_style); break;
    default: break;
  }
}

// F_DUPFD and F_DUPFD_CLOEXEC return an fd too (-y shows its path).
void fcntl_after_exit(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (e.nargs < 3 || e.result < 0) return;
  if (limits.dereference && e.abi == Abi::x86_64) {
    switch (struct_arg(cmd_of(e))) {
      case StructArg::GetLock: decode_flock(tid, e.args[2], true, limits.xlat_style); break;
      case StructArg::GetOwner: decode_f_owner_ex(tid, e.args[2], limits.xlat_style); break;
      default: break;
    }
  }
  if (!limits.fd_paths) return;
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
  // A struct not read (or not yet: F_GETLK at entry): its address.
  if (struct_arg(cmd_of(e)) != StructArg::None) {
    if (v.form == ArgValue::Form::Struct) return false;
    append_pointer(out, v.raw);
    return true;
  }
  switch (cmd_of(e)) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: case F_SETOWN: case F_SETPIPE_SZ:
      fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int32_t>(v.raw));
      return true;
    case F_SETSIG:
      out += v.raw == 0 ? std::string("0") : signal_format(static_cast<std::int32_t>(v.raw), options.xlat_style);
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
  // F_GETLEASE's lock type, F_GETSIG's signal: "0x1 (F_WRLCK)", "1 (SIGHUP)".
  if (cmd == F_GETLEASE) {
    const char* name = xlat_name(xlat_family("lock_types"), static_cast<std::uint64_t>(e.result));
    out += c_hex(static_cast<std::uint64_t>(e.result));
    if (name != nullptr) out += fmt::format(" ({})", name);
    return true;
  }
  if (cmd == F_GETSIG) {
    if (e.result == 0) return false;
    out += fmt::format("{} ({})", e.result, signal_name(static_cast<int>(e.result)));
    return true;
  }
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
    {SysId::fcntl, 2, 1, F_NOTIFY, "dn_flags"},
    {SysId::fcntl, 2, 1, F_SETLEASE, "lock_types"},
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
