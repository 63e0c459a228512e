// The clone family: clone3's struct clone_args, and clone's arguments,
// which strace names and orders its own way (child_stack, flags with the
// exit signal in the low byte, then the pointers its flags make
// meaningful).

#include <sched.h>

#include <climits>
#include <cstddef>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "../memory.hpp"
#include "array.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

constexpr std::uint64_t kCloneIntoCgroup = 0x200000000;  // CLONE_INTO_CGROUP (clone3 only)

// clone3's struct clone_args, the members strace shows.
bool decode_clone_args(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry, const DecodeLimits& limits) {
  const XlatStyle style = limits.xlat_style;
  struct {
    std::uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    std::uint64_t set_tid, set_tid_size, cgroup;
  } ca{};
  static_assert(sizeof ca == 88);  // struct clone_args as strace 6.1 knows it
  if (!at_entry) {
    // What the call wrote where the struct said: " => {pidfd=[3], parent_tid=[1234]}".
    if (v.text.empty()) return false;
    std::uint64_t size = std::min<std::uint64_t>(e.args[1].raw, sizeof ca);
    if (e.err != 0 || e.result < 0 || size < 64 ||
        !read_exact(tid, RemotePtr{v.raw}, &ca, static_cast<std::size_t>(size)))
      return true;
    // Each int as strace's printnum_int: "[1234]", NULL, or the address
    // it could not read.
    auto written_int = [tid](std::uint64_t at) {
      std::int32_t value = 0;
      if (at == 0) return std::string("NULL");
      if (!read_exact(tid, RemotePtr{at}, &value, sizeof value)) return fmt::format("{:#x}", at);
      return fmt::format("[{}]", value);
    };
    std::string written;
    if (ca.flags & CLONE_PIDFD) written += "pidfd=" + written_int(ca.pidfd);
    if (ca.flags & CLONE_PARENT_SETTID)
      written += fmt::format("{}parent_tid={}", written.empty() ? "" : ", ", written_int(ca.parent_tid));
    // The bytes past what strace knows, read again.
    if (const std::string tail = struct_tail(tid, v.raw, size, e.args[1].raw, limits.struct_string); !tail.empty())
      written += written.empty() ? tail.substr(2) : tail;
    if (!written.empty()) v.text += " => {" + written + "}";
    return true;
  }
  std::uint64_t size = std::min<std::uint64_t>(e.args[1].raw, sizeof ca);
  if (size < 64 || !read_exact(tid, RemotePtr{v.raw}, &ca, static_cast<std::size_t>(size))) return false;
  std::string out = fmt::format("{{flags={}", xlat_format(xlat_family("clone3_flags"), ca.flags, style));
  auto pointer = [&out](const char* name, std::uint64_t value) {
    out += fmt::format(", {}=", name);
    append_pointer(out, value);
  };
  if (ca.flags & CLONE_PIDFD) pointer("pidfd", ca.pidfd);
  if (ca.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) pointer("child_tid", ca.child_tid);
  if (ca.flags & CLONE_PARENT_SETTID) pointer("parent_tid", ca.parent_tid);
  out += fmt::format(", exit_signal={}",
                     ca.exit_signal == 0         ? std::string("0")
                     : ca.exit_signal >= INT_MAX ? std::to_string(ca.exit_signal)
                                                 : signal_format(static_cast<int>(ca.exit_signal), style));
  out += fmt::format(", stack={}, stack_size={}",
                     ca.stack == 0 ? std::string("NULL") : fmt::format("{:#x}", ca.stack),
                     ca.stack_size == 0 ? std::string("0") : fmt::format("{:#x}", ca.stack_size));
  if (ca.flags & CLONE_SETTLS) pointer("tls", ca.tls);
  if (ca.set_tid != 0 || ca.set_tid_size != 0) {
    // The tids the child takes in each pid namespace: an array of ints
    // (at most 32), else its address.
    constexpr std::uint64_t kMaxSetTid = 32;
    std::optional<std::string> tids;
    if (ca.set_tid != 0 && ca.set_tid_size != 0 && ca.set_tid_size <= kMaxSetTid)
      tids = array_text(tid, ca.set_tid, ca.set_tid_size, sizeof(std::int32_t), max_elements(limits),
                        [](const void* elem, std::string& text) {
                          std::int32_t t = 0;
                          std::memcpy(&t, elem, sizeof t);
                          text += std::to_string(t);
                          return true;
                        });
    out += ", set_tid=";
    if (tids) {
      out += *tids;
    } else {
      append_pointer(out, ca.set_tid);
    }
    out += fmt::format(", set_tid_size={}", ca.set_tid_size);
  }
  if (size > offsetof(decltype(ca), cgroup) && (ca.cgroup != 0 || (ca.flags & kCloneIntoCgroup)))
    out += fmt::format(", cgroup={}", ca.cgroup);
  // Beyond struct clone_args as strace knows it (88 bytes, with set_tid
  // and cgroup): what the size says follows.
  v.text = out + struct_tail(tid, v.raw, size, e.args[1].raw, limits.struct_string) + "}";
  Out o{v};
  o.field("flags", static_cast<std::int64_t>(ca.flags));
  o.field("exit_signal", static_cast<std::int64_t>(ca.exit_signal));
  o.field("stack", static_cast<std::int64_t>(ca.stack));
  o.field("stack_size", static_cast<std::int64_t>(ca.stack_size));
  o.field("tls", static_cast<std::int64_t>(ca.tls));
  return true;
}

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

// Where tls and child_tid are: their order differs between the ABIs.
struct CloneArgs {
  int tls, child_tid;
};
std::optional<CloneArgs> clone_layout(const SyscallEvent& e) {
  if (e.nargs != 5) return std::nullopt;
  if (e.abi == Abi::x86_64) return CloneArgs{4, 3};
  return CloneArgs{3, 4};
}

bool format_clone_args(std::string& out, const SyscallEvent& e, const FormatOptions& options) {
  const std::optional<CloneArgs> at = clone_layout(e);
  if (!at) return false;
  const std::uint64_t flags = e.args[0].raw;
  out += "child_stack=";
  append_pointer(out, e.args[1].raw);
  out += ", flags=";
  out += clone_flags_text(flags, options.xlat_style);
  if (flags & CLONE_PARENT_SETTID) {
    out += ", parent_tid=";
    append_pointer(out, e.args[2].raw);
  }
  if (flags & CLONE_SETTLS) {
    out += ", tls=";
    append_pointer(out, e.args[at->tls].raw);
  }
  if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) {
    out += ", child_tidptr=";
    append_pointer(out, e.args[at->child_tid].raw);
  }
  return true;
}

// One argument alone, each as format_clone_args() shows it: flags with the
// exit signal, the others as pointers.
bool format_clone_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  if (!clone_layout(e)) return false;
  if (i == 0) {
    out += clone_flags_text(e.args[0].raw, options.xlat_style);
  } else {
    append_pointer(out, e.args[i].raw);
  }
  return true;
}

const StructDecoder kStructs[] = {
    {"clone_args", [](const StructRead& r) { return decode_clone_args(r.tid, r.e, r.v, r.at_entry, r.limits); },
     [] {
       return std::vector<MemberDesc>{num("flags", "clone3_flags"), sig("exit_signal"), num("stack"),
                                      num("stack_size"), num("tls")};
     }},
};

constexpr SysId kCalls[] = {SysId::clone};

}  // namespace

const SyscallFamily& clone_family() {
  static const SyscallFamily family{.name = "clone",
                                    .calls = kCalls,
                                    .structs = kStructs,
                                    .format_args = format_clone_args,
                                    .format_arg = format_clone_arg};
  return family;
}

}  // namespace syspect::detail
