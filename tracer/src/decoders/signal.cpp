// The signal family: signal sets, sigaction, sigaltstack's stack_t, and
// rt_sigreturn, which strace shows with the mask its signal frame restores.

#include <signal.h>

#include <bit>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {

// "[CHLD]", "~[RTMIN RT_1]": strace lists the members, or the complement
// when more than half of the signals are in the set.
std::string sigset_text(std::uint64_t set, unsigned nsig, XlatStyle style) {
  std::string out;
  bool invert = static_cast<unsigned>(std::popcount(set)) * 2 > nsig;
  if (invert) {
    out += '~';
    set = ~set;
    if (nsig < 64) set &= (std::uint64_t{1} << nsig) - 1;
  }
  out += '[';
  bool first = true;
  for (unsigned sig = 1; sig <= nsig; ++sig) {
    if (!(set & (std::uint64_t{1} << (sig - 1)))) continue;
    if (!first) out += ' ';
    first = false;
    std::string name = signal_name(static_cast<int>(sig));
    if (name.rfind("SIG", 0) == 0) name = name.substr(3);
    out += xlat_styled(std::to_string(sig), name, style);
  }
  out += ']';
  return out;
}

namespace {

// The kernel's struct sigaction on x86_64.
struct KernelSigaction {
  std::uint64_t handler, flags, restorer, mask;
};

// pselect6's last argument: the mask and its size, packed together,
// "{sigmask=[INT TERM], sigsetsize=8}"; a mask of another size than the
// kernel's is shown as its address, as strace does.
bool decode_sigset_pack(pid_t tid, ArgValue& v, XlatStyle style) {
  struct {
    std::uint64_t ss, ss_len;
  } pack{};
  if (!read_exact(tid, RemotePtr{v.raw}, &pack, sizeof pack)) return false;
  std::string mask = "NULL";
  std::uint64_t set = 0;
  if (pack.ss != 0) {
    mask = fmt::format("{:#x}", pack.ss);
    if (pack.ss_len == 8 && read_exact(tid, RemotePtr{pack.ss}, &set, 8))
      mask = sigset_text(set, 64, style);
  }
  v.text = fmt::format("{{sigmask={}, sigsetsize={}}}", mask, pack.ss_len);
  v.fields.push_back({"sigmask", static_cast<std::int64_t>(set)});
  v.fields.push_back({"sigsetsize", static_cast<std::int64_t>(pack.ss_len)});
  return true;
}

bool decode_sigset(pid_t tid, const SyscallEvent& e, ArgValue& v, XlatStyle style) {
  std::uint64_t size = 8;
  if (e.desc) {
    int at = find_arg(*e.desc, "sigsetsize");
    if (at >= 0) size = e.args[at].raw;
  }
  // strace reads a mask of the kernel's size (8 bytes) and shows the
  // address for any other size, as the kernel refuses it; rt_sigpending
  // takes any size up to that.
  if (size != 8 && !(is(e.desc, SysId::rt_sigpending) && size >= 1 && size <= 8)) return false;
  std::uint64_t set = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &set, size)) return false;
  v.text = sigset_text(set, static_cast<unsigned>(size * 8), style);
  v.fields.push_back({"mask", static_cast<std::int64_t>(set)});
  return true;
}

bool decode_sigaction(pid_t tid, ArgValue& v, XlatStyle style) {
  KernelSigaction sa;
  if (!read_exact(tid, RemotePtr{v.raw}, &sa, sizeof sa)) return false;
  std::string handler = sa.handler == 0   ? xlat_styled("0", "SIG_DFL", style)
                        : sa.handler == 1 ? xlat_styled("0x1", "SIG_IGN", style)
                                          : fmt::format("{:#x}", sa.handler);
  v.text = fmt::format("{{sa_handler={}, sa_mask={}, sa_flags={}", handler,
                       sigset_text(sa.mask, 64, style),
                       xlat_format(xlat_family("sa_flags"), sa.flags, style));
  constexpr std::uint64_t kSaRestorer = 0x04000000;
  if (sa.flags & kSaRestorer) v.text += fmt::format(", sa_restorer={:#x}", sa.restorer);
  v.text += '}';
  v.fields.push_back({"sa_handler", static_cast<std::int64_t>(sa.handler)});
  v.fields.push_back({"sa_mask", static_cast<std::int64_t>(sa.mask)});
  v.fields.push_back({"sa_flags", static_cast<std::int64_t>(sa.flags)});
  if (sa.flags & kSaRestorer) v.fields.push_back({"sa_restorer", static_cast<std::int64_t>(sa.restorer)});
  return true;
}

bool decode_stack_t(pid_t tid, ArgValue& v, XlatStyle style) {
  struct {
    std::uint64_t sp;
    std::int32_t flags, pad;
    std::uint64_t size;
  } ss;
  if (!read_exact(tid, RemotePtr{v.raw}, &ss, sizeof ss)) return false;
  v.text = fmt::format("{{ss_sp={}, ss_flags={}, ss_size={}}}",
                       ss.sp == 0 ? std::string("NULL") : fmt::format("{:#x}", ss.sp),
                       xlat_format(xlat_family("sigaltstack_flags"), static_cast<std::uint32_t>(ss.flags), style),
                       ss.size);
  Out o{v};
  o.field("ss_sp", static_cast<std::int64_t>(ss.sp));
  o.field("ss_flags", ss.flags);
  o.field("ss_size", static_cast<std::int64_t>(ss.size));
  return true;
}

bool decode_sigreturn(pid_t tid, std::uint64_t sp, ArgValue& v, const DecodeLimits& limits) {
  // At rt_sigreturn's entry the handler's `ret` has popped the frame's
  // return address: the rt_sigframe starts at sp - 8, and its ucontext's
  // uc_sigmask lies after uc_flags, uc_link, uc_stack (24 bytes) and the
  // 256-byte sigcontext.
  constexpr std::uint64_t kMaskOffset = 8 + 8 + 8 + 24 + 256;
  std::uint64_t mask = 0;
  if (sp < 8 || !read_exact(tid, RemotePtr{sp - 8 + kMaskOffset}, &mask, sizeof mask)) return false;
  v.raw = sp;
  v.form = ArgValue::Form::Struct;
  v.text = "{mask=" + sigset_text(mask, 64, limits.xlat_style) + "}";
  v.fields.push_back({"mask", static_cast<std::int64_t>(mask)});
  return true;
}

bool sigreturn_entry(pid_t tid, SyscallEvent& e, std::uint64_t sp, const DecodeLimits& limits) {
  // strace shows the mask the signal frame restores as if it were an
  // argument; it is kept in args[0] with nargs still 0.
  if (e.nargs != 0 || e.abi != Abi::x86_64) return false;
  decode_sigreturn(tid, sp, e.args[0], limits);
  return true;
}

bool sigreturn_args(std::string& out, const SyscallEvent& e, const FormatOptions&) {
  if (e.nargs != 0 || e.args[0].form != ArgValue::Form::Struct) return false;
  out += e.args[0].text;
  return true;
}

const StructDecoder kStructs[] = {
    {"sigset", [](const StructRead& r) { return decode_sigset(r.tid, r.e, r.v, r.style()); },
     [] { return std::vector<MemberDesc>{num("mask")}; }},
    {"sigset_pack", [](const StructRead& r) { return decode_sigset_pack(r.tid, r.v, r.style()); },
     [] { return std::vector<MemberDesc>{num("sigmask"), num("sigsetsize")}; }},
    {"sigaction", [](const StructRead& r) { return decode_sigaction(r.tid, r.v, r.style()); },
     [] {
       return std::vector<MemberDesc>{num("sa_handler"), num("sa_mask"), num("sa_flags", "sa_flags"),
                                      num("sa_restorer")};
     }},
    {"stack_t", [](const StructRead& r) { return decode_stack_t(r.tid, r.v, r.style()); },
     [] {
       return std::vector<MemberDesc>{num("ss_sp"), num("ss_flags", "sigaltstack_flags"), num("ss_size")};
     }},
};

constexpr SysId kCalls[] = {SysId::rt_sigreturn};

}  // namespace

const SyscallFamily& signal_family() {
  static const SyscallFamily family{.name = "signal",
                                    .calls = kCalls,
                                    .structs = kStructs,
                                    .decode_entry = sigreturn_entry,
                                    .format_args = sigreturn_args};
  return family;
}

}  // namespace syspect::detail
