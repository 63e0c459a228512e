// The signal family: signal sets, sigaction, sigaltstack's stack_t,
// siginfo_t (rt_sigqueueinfo, rt_sigtimedwait, waitid, ...), and
// rt_sigreturn, which strace shows with the mask its signal frame restores.

#include <signal.h>

#include <bit>
#include <cstring>

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

// siginfo_t as the kernel lays it out on x86_64: three ints, then a union
// at offset 16 whose members depend on si_code and si_signo.
struct KernelSiginfo {
  std::int32_t signo, errno_, code, pad;
  unsigned char u[112];
  template <class T>
  T at(std::size_t offset) const {
    T value;
    std::memcpy(&value, u + offset, sizeof value);
    return value;
  }
};
static_assert(sizeof(KernelSiginfo) == 128);

// si_code by name: the codes of any signal first, then the signal's own
// (print_si_code in strace); a number with no name in hex, as an unsigned
// int ("0xfffffff0").
std::string si_code_text(int signo, int code, XlatStyle style) {
  const auto value = static_cast<std::uint64_t>(static_cast<std::int64_t>(code));  // as the .in files hold it
  const char* name = xlat_name(xlat_family("siginfo_codes"), value);
  const char* own = nullptr;
  switch (signo) {
    case SIGTRAP: own = "sigtrap_codes"; break;
    case SIGCHLD: own = "sigchld_codes"; break;
    case SIGIO: own = "sigpoll_codes"; break;
    case SIGILL: own = "sigill_codes"; break;
    case SIGFPE: own = "sigfpe_codes"; break;
    case SIGSEGV: own = "sigsegv_codes"; break;
    case SIGBUS: own = "sigbus_codes"; break;
    case SIGSYS: own = "sigsys_codes"; break;
    default: break;
  }
  if (name == nullptr && own != nullptr)
    name = xlat_name(xlat_family(own), value);
  std::string number = c_hex(static_cast<std::uint32_t>(code));
  return name == nullptr ? number : xlat_styled(number, name, style);
}

// The siginfo_t the call reads or writes, as strace's printsiginfo shows
// it: "{si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=7, si_uid=0, si_int=1,
// si_ptr=0x1}", the members that follow si_code chosen by where the
// signal came from; "{}" when si_signo is 0 (waitid with no child ready).
std::string siginfo_text(const KernelSiginfo& si, ArgValue& v, const DecodeLimits& limits) {
  const XlatStyle style = limits.xlat_style;
  Out o{v};
  if (si.signo == 0) return "{}";
  std::string out = fmt::format("{{si_signo={}, si_code={}", signal_format(si.signo, style),
                                si_code_text(si.signo, si.code, style));
  o.field("si_signo", si.signo);
  o.field("si_code", si.code);
  o.field("si_errno", si.errno_);
  if (si.errno_ != 0) {
    const auto err = static_cast<std::uint32_t>(si.errno_);
    const char* name = errno_name(si.errno_);
    out += ", si_errno=" + (name == nullptr ? std::to_string(err) : xlat_styled(std::to_string(err), name, style));
  }
  auto pointer = [](std::uint64_t p) { return p == 0 ? std::string("NULL") : fmt::format("{:#x}", p); };
  auto source = [&] {
    const auto pid = si.at<std::int32_t>(0);
    const auto uid = si.at<std::uint32_t>(4);
    out += fmt::format(", si_pid={}, si_uid={}", pid, uid == 0xffffffffu ? std::string("-1") : std::to_string(uid));
    o.field("si_pid", pid);
    o.field("si_uid", uid);
  };
  auto value = [&] {
    const auto sival_int = si.at<std::int32_t>(8);
    const auto sival_ptr = si.at<std::uint64_t>(8);
    out += fmt::format(", si_int={}, si_ptr={}", sival_int, pointer(sival_ptr));
    o.field("si_int", sival_int);
    o.field("si_ptr", static_cast<std::int64_t>(sival_ptr));
  };
  auto address = [&](FieldName name, std::size_t offset) {
    const auto addr = si.at<std::uint64_t>(offset);
    out += fmt::format(", {}={}", name.view(), pointer(addr));
    o.field(name, static_cast<std::int64_t>(addr));
  };
  auto band_fd = [&] {
    const auto band = si.at<std::int64_t>(0);
    const auto fd = si.at<std::int32_t>(8);
    out += fmt::format(", si_band={}, si_fd={}", band, fd);
    o.field("si_band", band);
    o.field("si_fd", fd);
  };
  if (si.code <= 0) {  // sent from user space
    switch (si.code) {
      case SI_USER:
      case SI_TKILL: source(); break;
      case SI_TIMER: {
        const auto timerid = si.at<std::int32_t>(0);
        const auto overrun = si.at<std::int32_t>(4);
        out += fmt::format(", si_timerid={}, si_overrun={}", c_hex(static_cast<std::uint32_t>(timerid)), overrun);
        o.field("si_timerid", timerid);
        o.field("si_overrun", overrun);
        value();
        break;
      }
      case SI_SIGIO: band_fd(); break;
      default:
        source();
        if (si.at<std::uint64_t>(8) != 0) value();
        break;
    }
  } else {
    switch (si.signo) {
      case SIGCHLD: {
        source();
        const auto status = si.at<std::int32_t>(8);
        out += ", si_status=" + (si.code == CLD_EXITED ? std::to_string(status) : signal_format(status, style));
        const auto utime = si.at<std::int64_t>(16), stime = si.at<std::int64_t>(24);
        out += ", si_utime=" + clock_t_text(static_cast<std::uint64_t>(utime), style) +
               ", si_stime=" + clock_t_text(static_cast<std::uint64_t>(stime), style);
        o.field("si_status", status);
        o.field("si_utime", utime);
        o.field("si_stime", stime);
        break;
      }
      case SIGILL:
      case SIGFPE:
      case SIGTRAP: address("si_addr", 0); break;
      case SIGBUS:
        address("si_addr", 0);
        if (si.code == BUS_MCEERR_AR || si.code == BUS_MCEERR_AO) {
          const auto lsb = si.at<std::int16_t>(8);
          out += ", si_addr_lsb=" + c_hex(static_cast<std::uint16_t>(lsb));
          o.field("si_addr_lsb", lsb);
        }
        break;
      case SIGSEGV:
        address("si_addr", 0);
        if (si.code == SEGV_BNDERR) {
          address("si_lower", 16);
          address("si_upper", 24);
        } else if (si.code == SEGV_PKUERR) {
          const auto pkey = si.at<std::uint32_t>(16);
          out += fmt::format(", si_pkey={}", pkey);
          o.field("si_pkey", pkey);
        }
        break;
      case SIGIO:
        if (si.code >= POLL_IN && si.code <= POLL_HUP) band_fd();
        break;
      case SIGSYS: {
        address("si_call_addr", 0);
        const auto nr = si.at<std::int32_t>(8);
        const auto arch = si.at<std::uint32_t>(12);
        const Abi abi = arch == 0xc000003eu ? Abi::x86_64 : Abi::i386;
        const SyscallDesc* call = arch == 0xc000003eu || arch == 0x40000003u
                                      ? lookup_syscall(abi, nr & ~0x40000000)
                                      : nullptr;
        out += ", si_syscall=" + (call != nullptr ? fmt::format("__NR_{}", call->name)
                                                  : std::to_string(static_cast<std::uint32_t>(nr)));
        out += ", si_arch=" + xlat_format(xlat_family("audit_arch"), arch, style);
        o.field("si_syscall", nr);
        o.field("si_arch", arch);
        break;
      }
      default:
        if (si.at<std::int32_t>(0) != 0 || si.at<std::uint32_t>(4) != 0) source();
        if (si.at<std::uint64_t>(8) != 0) value();
        break;
    }
  }
  return out + '}';
}

// Read at entry for the calls that send it, at exit for those that fill it
// in (a call that failed wrote nothing and shows the address).
bool decode_siginfo(const StructRead& r) {
  KernelSiginfo si;
  if (!read_exact(r.tid, RemotePtr{r.v.raw}, &si, sizeof si)) return false;
  r.v.text = siginfo_text(si, r.v, r.limits);
  return true;
}

// rt_sigtimedwait's result, the signal it took: "14 (SIGALRM)".
bool signal_result(std::string& out, const SyscallEvent& e, XlatStyle) {
  if (!is(e.desc, SysId::rt_sigtimedwait) || e.result <= 0) return false;
  out += fmt::format("{} ({})", e.result, signal_name(static_cast<int>(e.result)));
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
    {"siginfo", decode_siginfo,
     [] {
       return std::vector<MemberDesc>{
           sig("si_signo"), num("si_code", "siginfo_codes"), num("si_errno"), num("si_pid"), num("si_uid"),
           num("si_int"), num("si_ptr"), num("si_status"), num("si_utime"), num("si_stime"), num("si_addr"),
           num("si_addr_lsb"), num("si_lower"), num("si_upper"), num("si_pkey"), num("si_band"), num("si_fd"),
           num("si_timerid"), num("si_overrun"), num("si_call_addr"), num("si_syscall"),
           num("si_arch", "audit_arch")};
     }},
};

constexpr SysId kCalls[] = {SysId::rt_sigreturn, SysId::rt_sigtimedwait};

}  // namespace

const SyscallFamily& signal_family() {
  static const SyscallFamily family{.name = "signal",
                                    .calls = kCalls,
                                    .structs = kStructs,
                                    .decode_entry = sigreturn_entry,
                                    .format_args = sigreturn_args,
                                    .format_result = signal_result};
  return family;
}

}  // namespace syspect::detail
