// The prctl family: what each option reads and writes, how many arguments
// strace shows for it, and the constant family each argument takes from
// the option.

#include <linux/prctl.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

std::uint32_t option_of(const SyscallEvent& e) { return static_cast<std::uint32_t>(e.args[0].raw); }

// PR_SET_NAME: the name (16 bytes at most), shown as a string.
bool prctl_entry(pid_t tid, SyscallEvent& e, std::uint64_t, const DecodeLimits&) {
  if (e.nargs < 2 || option_of(e) != PR_SET_NAME) return false;
  decode_number(e.desc->args[0], e.args[0]);
  decode_string(tid, e.args[1], 16);
  // strace reads TASK_COMM_LEN bytes and shows at most 15 of them: a name
  // with no NUL among them is cut there.
  if (e.args[1].form == ArgValue::Form::String && e.args[1].bytes.size() >= 16) {
    e.args[1].bytes.resize(15);
    e.args[1].truncated = true;
  }
  for (int i = 2; i < e.nargs; ++i) decode_number(e.desc->args[i], e.args[i]);
  return true;
}

// PR_SET_SECCOMP's filter program (struct sock_fprog): its length and
// where its instructions are, "{len=1, filter=0x7ffc539a3288}".
void prctl_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits&) {
  if (e.nargs < 3 || e.abi != Abi::x86_64 || option_of(e) != PR_SET_SECCOMP ||
      e.args[1].raw != SECCOMP_MODE_FILTER || e.args[2].raw == 0)
    return;
  struct {
    std::uint16_t len;
    std::uint64_t filter;
  } prog{};
  if (!read_exact(tid, RemotePtr{e.args[2].raw}, &prog, sizeof prog)) return;
  ArgValue& v = e.args[2];
  v.form = ArgValue::Form::Struct;
  v.text = prog.filter == 0 ? fmt::format("{{len={}, filter=NULL}}", prog.len)
                            : fmt::format("{{len={}, filter={:#x}}}", prog.len, prog.filter);
  v.fields.push_back({"len", prog.len});
}

void prctl_after_exit(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (e.nargs < 2) return;
  const std::uint32_t option = option_of(e);
  // PR_GET_NAME writes the thread's name.
  if (option == PR_GET_NAME) {
    decode_string(tid, e.args[1], 16);
    return;
  }
  // PR_GET_PDEATHSIG and PR_GET_CHILD_SUBREAPER write an int: "[SIGTERM]", "[1]".
  if (e.args[1].raw == 0 || (option != PR_GET_PDEATHSIG && option != PR_GET_CHILD_SUBREAPER)) return;
  std::int32_t value = 0;
  if (!read_exact(tid, RemotePtr{e.args[1].raw}, &value, sizeof value)) return;
  ArgValue& v = e.args[1];
  v.form = ArgValue::Form::Struct;
  v.text = fmt::format("[{}]", option == PR_GET_PDEATHSIG && value > 0 && value <= 64
                                   ? signal_format(value, limits.xlat_style)
                                   : std::to_string(value));
  v.fields.push_back({"value", value});
}

// The options whose arguments strace knows.
int prctl_shown_args(const SyscallEvent& e) {
  if (e.nargs != 5) return -1;
  switch (option_of(e)) {
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
      return -1;
    default:
      return -1;
  }
}

// prctl's second and third arguments for the options strace decodes.
bool prctl_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  const XlatStyle style = options.xlat_style;
  const ArgValue& v = e.args[i];
  if (i < 1 || v.form == ArgValue::Form::Struct || v.form == ArgValue::Form::String) return false;
  const std::uint64_t arg = v.raw;
  switch (option_of(e)) {
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

// PR_GET_DUMPABLE's result by name: "1 (SUID_DUMP_USER)".
bool prctl_result(std::string& out, const SyscallEvent& e, XlatStyle) {
  if (e.nargs < 1 || option_of(e) != PR_GET_DUMPABLE || e.result < 0) return false;
  const Xlat* modes = find_xlat("suid_dump_modes");
  const char* mode = modes ? xlat_name(*modes, static_cast<std::uint64_t>(e.result)) : nullptr;
  if (mode == nullptr) return false;
  out += fmt::format("{} ({})", e.result, mode);
  return true;
}

constexpr DependentRule kDependent[] = {
    {SysId::prctl, 1, 0, PR_SET_PDEATHSIG, "signals"},
    {SysId::prctl, 1, 0, PR_SET_DUMPABLE, "suid_dump_modes"},
    {SysId::prctl, 1, 0, PR_CAPBSET_READ, "capabilities"},
    {SysId::prctl, 1, 0, PR_CAPBSET_DROP, "capabilities"},
    {SysId::prctl, 1, 0, PR_SET_SECCOMP, "seccomp_modes"},
    {SysId::prctl, 1, 0, PR_CAP_AMBIENT, "cap_ambient_ops"},
    {SysId::prctl, 2, 1, PR_CAP_AMBIENT_IS_SET, "capabilities"},
    {SysId::prctl, 2, 1, PR_CAP_AMBIENT_RAISE, "capabilities"},
    {SysId::prctl, 2, 1, PR_CAP_AMBIENT_LOWER, "capabilities"},
};

constexpr SysId kCalls[] = {SysId::prctl};

}  // namespace

const SyscallFamily& prctl_family() {
  static const SyscallFamily family{.name = "prctl",
                                    .calls = kCalls,
                                    .dependent = kDependent,
                                    .decode_entry = prctl_entry,
                                    .after_entry = prctl_after_entry,
                                    .after_exit = prctl_after_exit,
                                    .shown_args = prctl_shown_args,
                                    .format_arg = prctl_arg,
                                    .format_result = prctl_result};
  return family;
}

}  // namespace syspect::detail
