// Struct arguments: read from the tracee while it is stopped, kept as the
// text strace shows (abbreviated, as strace does by default) and as numeric
// fields by name for matchers.

#include "structs.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <bit>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "memory.hpp"
#include "syspect/format.hpp"
#include "syspect/xlat.hpp"

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

// The kernel's struct sigaction on x86_64.
struct KernelSigaction {
  std::uint64_t handler, flags, restorer, mask;
};

struct Out {
  ArgValue& v;
  void field(const char* name, std::int64_t value) { v.fields.push_back({name, value}); }
};

const Xlat& family(const char* name) {
  static const Xlat empty{"", XlatKind::Flags, 0, false, {}};
  const Xlat* x = find_xlat(name);
  return x ? *x : empty;
}

std::string file_mode(std::uint32_t mode, XlatStyle style) {
  std::string out = xlat_format(family("file_modes"), mode & ~0777u);
  if (out == "0") out.clear();
  if (!out.empty()) out += '|';
  out += fmt::format("{:#03o}", mode & 0777u);
  return xlat_styled(fmt::format("{:#o}", mode), out, style);
}

std::string makedev(std::uint64_t dev) {
  std::uint64_t major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~std::uint64_t{0xfff});
  std::uint64_t minor = (dev & 0xff) | ((dev >> 12) & ~std::uint64_t{0xff});
  return fmt::format("makedev({:#x}, {:#x})", major, minor);
}

bool is_device(std::uint32_t mode) { return S_ISCHR(mode) || S_ISBLK(mode); }

bool decode_stat(pid_t tid, ArgValue& v, XlatStyle style) {
  KernelStat st;
  if (!read_exact(tid, RemotePtr{v.raw}, &st, sizeof st)) return false;
  Out o{v};
  o.field("st_mode", st.st_mode);
  o.field("st_size", st.st_size);
  o.field("st_uid", st.st_uid);
  o.field("st_gid", st.st_gid);
  o.field("st_ino", static_cast<std::int64_t>(st.st_ino));
  o.field("st_nlink", static_cast<std::int64_t>(st.st_nlink));
  v.text = fmt::format("{{st_mode={}, ", file_mode(st.st_mode, style));
  if (is_device(st.st_mode)) {
    v.text += fmt::format("st_rdev={}, ...}}", makedev(st.st_rdev));
  } else {
    v.text += fmt::format("st_size={}, ...}}", st.st_size);
  }
  return true;
}

bool decode_statx(pid_t tid, ArgValue& v, XlatStyle style) {
  struct statx st;
  if (!read_exact(tid, RemotePtr{v.raw}, &st, sizeof st)) return false;
  Out o{v};
  o.field("stx_mask", st.stx_mask);
  o.field("stx_mode", st.stx_mode);
  o.field("stx_size", static_cast<std::int64_t>(st.stx_size));
  o.field("stx_uid", st.stx_uid);
  o.field("stx_gid", st.stx_gid);
  v.text = fmt::format("{{stx_mask={}, stx_attributes={}, stx_mode={}, ",
                       xlat_format(family("statx_mask"), st.stx_mask, style),
                       st.stx_attributes == 0 ? std::string("0")
                                              : fmt::format("{:#x}", st.stx_attributes),
                       file_mode(st.stx_mode, style));
  if (is_device(st.stx_mode)) {
    v.text += fmt::format("stx_rdev_major={}, stx_rdev_minor={}, ...}}", st.stx_rdev_major,
                          st.stx_rdev_minor);
  } else {
    v.text += fmt::format("stx_size={}, ...}}", st.stx_size);
  }
  return true;
}

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

bool decode_sigset(pid_t tid, const SyscallEvent& e, ArgValue& v, XlatStyle style) {
  std::uint64_t size = 8;
  if (e.desc) {
    int at = find_arg(*e.desc, "sigsetsize");
    if (at >= 0) size = e.args[at].raw;
  }
  if (size == 0 || size > 8) return false;
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
                       xlat_format(family("sa_flags"), sa.flags, style));
  constexpr std::uint64_t kSaRestorer = 0x04000000;
  if (sa.flags & kSaRestorer) v.text += fmt::format(", sa_restorer={:#x}", sa.restorer);
  v.text += '}';
  v.fields.push_back({"sa_handler", static_cast<std::int64_t>(sa.handler)});
  v.fields.push_back({"sa_flags", static_cast<std::int64_t>(sa.flags)});
  return true;
}

std::string rlim_text(std::uint64_t value, XlatStyle style) {
  std::string number = fmt::format("{}", value);
  if (value == ~std::uint64_t{0}) return xlat_styled(number, "RLIM64_INFINITY", style);
  if (value > 0 && value % 1024 == 0)
    return xlat_styled(number, fmt::format("{}*1024", value / 1024), style);
  return number;
}

bool decode_rlimit(pid_t tid, ArgValue& v, XlatStyle style) {
  std::uint64_t lim[2];
  if (!read_exact(tid, RemotePtr{v.raw}, lim, sizeof lim)) return false;
  v.text = fmt::format("{{rlim_cur={}, rlim_max={}}}", rlim_text(lim[0], style),
                       rlim_text(lim[1], style));
  v.fields.push_back({"rlim_cur", static_cast<std::int64_t>(lim[0])});
  v.fields.push_back({"rlim_max", static_cast<std::int64_t>(lim[1])});
  return true;
}

bool decode_timespec(pid_t tid, ArgValue& v) {
  std::int64_t ts[2];
  if (!read_exact(tid, RemotePtr{v.raw}, ts, sizeof ts)) return false;
  v.text = fmt::format("{{tv_sec={}, tv_nsec={}}}", ts[0], ts[1]);
  v.fields.push_back({"tv_sec", ts[0]});
  v.fields.push_back({"tv_nsec", ts[1]});
  return true;
}

bool decode_utsname(pid_t tid, ArgValue& v) {
  struct utsname u;
  if (!read_exact(tid, RemotePtr{v.raw}, &u, sizeof u)) return false;
  auto field = [](const char* f) { return std::string_view(f, strnlen(f, sizeof u.sysname)); };
  v.text = fmt::format("{{sysname={}, nodename={}, ...}}",
                       quote_string(field(u.sysname), 65), quote_string(field(u.nodename), 65));
  return true;
}

// The length of a sockaddr: a plain argument (connect, bind, sendto), or an
// in/out socklen_t read at exit (accept, getsockname, recvfrom).
std::optional<std::uint64_t> sockaddr_len(pid_t tid, const SyscallEvent& e) {
  if (e.desc == nullptr) return std::nullopt;
  int at = find_arg(*e.desc, "addrlen");
  if (at < 0) return std::nullopt;
  if (e.desc->args[at].kind != ArgKind::Struct) return e.args[at].raw & 0xffffffffu;
  std::uint32_t len = 0;
  if (!read_exact(tid, RemotePtr{e.args[at].raw}, &len, sizeof len)) return std::nullopt;
  return len;
}

bool decode_sockaddr(pid_t tid, const SyscallEvent& e, ArgValue& v, XlatStyle style) {
  auto len = sockaddr_len(tid, e);
  if (!len || *len < 2) return false;
  sockaddr_storage ss{};
  std::size_t n = std::min<std::size_t>(*len, sizeof ss);
  if (!read_exact(tid, RemotePtr{v.raw}, &ss, n)) return false;
  const Xlat& families = family("address_families");
  std::string fam = xlat_format(families, ss.ss_family, style);
  v.fields.push_back({"sa_family", ss.ss_family});
  if (ss.ss_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&ss);
    std::size_t path_len = n > offsetof(sockaddr_un, sun_path) ? n - offsetof(sockaddr_un, sun_path) : 0;
    std::string_view path(un->sun_path, strnlen(un->sun_path, path_len));
    if (path_len > 0 && un->sun_path[0] == '\0') {
      // An abstract name: strace shows it with a leading '@'.
      std::string_view abstract(un->sun_path + 1, path_len - 1);
      v.text = fmt::format("{{sa_family={}, sun_path=@{}}}", fam,
                           quote_string(abstract, abstract.size() + 1));
      v.fields.push_back({"sun_path", "@" + std::string(abstract)});
    } else {
      v.text = fmt::format("{{sa_family={}, sun_path={}}}", fam, quote_string(path, path.size() + 1));
      v.fields.push_back({"sun_path", std::string(path)});
    }
  } else if (ss.ss_family == AF_INET && n >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &in->sin_addr, addr, sizeof addr);
    v.text = fmt::format("{{sa_family={}, sin_port=htons({}), sin_addr=inet_addr(\"{}\")}}", fam,
                         ntohs(in->sin_port), addr);
    v.fields.push_back({"sin_port", ntohs(in->sin_port)});
    v.fields.push_back({"sin_addr", addr});
  } else if (ss.ss_family == AF_INET6 && n >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    char addr[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof addr);
    v.text = fmt::format(
        "{{sa_family={}, sin6_port=htons({}), sin6_flowinfo=htonl({}), inet_pton({}, \"{}\", "
        "&sin6_addr), sin6_scope_id={}}}",
        fam, ntohs(in6->sin6_port), ntohl(in6->sin6_flowinfo), fam, addr, in6->sin6_scope_id);
    v.fields.push_back({"sin6_port", ntohs(in6->sin6_port)});
    v.fields.push_back({"sin6_addr", addr});
  } else {
    v.text = fmt::format("{{sa_family={}, sa_data=...}}", fam);
  }
  return true;
}

// socklen_t in/out: "[110]", or "[128 => 16]" when the call changed it.
bool decode_socklen(pid_t tid, ArgValue& v, bool at_entry) {
  std::uint32_t len = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &len, sizeof len)) return false;
  if (at_entry) {
    v.num = len;
    v.fields.push_back({"value", len});
    return false;  // shown at exit, once both values are known
  }
  v.fields.clear();
  v.num2 = len;
  v.text = v.num == v.num2 ? fmt::format("[{}]", len) : fmt::format("[{} => {}]", v.num, len);
  v.fields.push_back({"value", len});
  return true;
}

// getdents64: the address and how many entries the call returned.
bool decode_dirents(pid_t tid, const SyscallEvent& e, ArgValue& v) {
  if (e.err || e.result < 0) return false;
  std::string buf(static_cast<std::size_t>(e.result), '\0');
  if (!buf.empty() && !read_exact(tid, RemotePtr{v.raw}, buf.data(), buf.size())) return false;
  std::size_t count = 0;
  for (std::size_t off = 0; off + 19 <= buf.size();) {
    std::uint16_t reclen;
    std::memcpy(&reclen, buf.data() + off + 16, sizeof reclen);
    if (reclen == 0) break;
    ++count;
    off += reclen;
  }
  v.text = fmt::format("{:#x} /* {} entries */", v.raw, count);
  v.fields.push_back({"entries", static_cast<std::int64_t>(count)});
  return true;
}

bool decode_wait_status(pid_t tid, ArgValue& v) {
  int status = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &status, sizeof status)) return false;
  if (WIFEXITED(status)) {
    v.text = fmt::format("[{{WIFEXITED(s) && WEXITSTATUS(s) == {}}}]", WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    v.text = fmt::format("[{{WIFSIGNALED(s) && WTERMSIG(s) == {}{}}}]", signal_name(WTERMSIG(status)),
                         WCOREDUMP(status) ? " && WCOREDUMP(s)" : "");
  } else if (WIFSTOPPED(status)) {
    v.text = fmt::format("[{{WIFSTOPPED(s) && WSTOPSIG(s) == {}}}]", signal_name(WSTOPSIG(status)));
  } else if (WIFCONTINUED(status)) {
    v.text = "[{WIFCONTINUED(s)}]";
  } else {
    v.text = fmt::format("[{:#x}]", status);
  }
  v.fields.push_back({"status", status});
  return true;
}

}  // namespace

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

bool decode_struct(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v, bool at_entry,
                   const DecodeLimits& limits) {
  const XlatStyle style = limits.xlat_style;
  if (v.raw == 0 || d.struct_name == nullptr || e.abi != Abi::x86_64) return false;
  std::string_view name = d.struct_name;
  bool ok = false;
  if (name == "socklen_t") {
    ok = decode_socklen(tid, v, at_entry);
  } else if (name == "stat") {
    ok = decode_stat(tid, v, style);
  } else if (name == "statx") {
    ok = decode_statx(tid, v, style);
  } else if (name == "sigset") {
    ok = decode_sigset(tid, e, v, style);
  } else if (name == "sigaction") {
    ok = decode_sigaction(tid, v, style);
  } else if (name == "rlimit64" || name == "rlimit") {
    ok = decode_rlimit(tid, v, style);
  } else if (name == "timespec") {
    ok = decode_timespec(tid, v);
  } else if (name == "utsname") {
    ok = decode_utsname(tid, v);
  } else if (name == "sockaddr") {
    ok = decode_sockaddr(tid, e, v, style);
  } else if (name == "linux_dirent64") {
    ok = decode_dirents(tid, e, v);
  } else if (name == "wait_status") {
    ok = decode_wait_status(tid, v);
  }
  if (ok) v.form = ArgValue::Form::Struct;
  return ok;
}

}  // namespace syspect::detail
