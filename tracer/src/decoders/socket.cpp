// The socket family: addresses, their in/out lengths, socket options,
// sendmsg/recvmsg headers and their mmsg arrays; socket's type and
// protocol, and the option names that depend on the level.

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

// setsockopt/getsockopt values: an int as "[1]", struct linger, else the
// address (strace shows unknown ones as bytes; syspect leaves them as is).
bool decode_sockopt(pid_t tid, const SyscallEvent& e, ArgValue& v) {
  std::uint64_t len = 0;
  if (is(e.desc, SysId::getsockopt)) {
    if (e.err) return false;
    std::uint32_t l = 0;
    if (!read_exact(tid, RemotePtr{e.args[4].raw}, &l, sizeof l)) return false;
    len = l;
  } else {
    len = e.args[4].raw & 0xffffffffu;
  }
  const int level = static_cast<int>(e.args[1].raw);
  const int name = static_cast<int>(e.args[2].raw);
  if (level == SOL_SOCKET && name == SO_LINGER && len >= sizeof(linger)) {
    linger l;
    if (!read_exact(tid, RemotePtr{v.raw}, &l, sizeof l)) return false;
    v.text = fmt::format("{{l_onoff={}, l_linger={}}}", l.l_onoff, l.l_linger);
    v.fields.push_back({"l_onoff", l.l_onoff});
    v.fields.push_back({"l_linger", l.l_linger});
    return true;
  }
  if (len == sizeof(int)) return decode_int_in_brackets(tid, v, "value");
  return false;
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
  // The call wrote at most the buffer's size, the length read at entry
  // (accept's [2 => 24] filled 2 bytes): strace decodes the smaller.
  if (!e.args[at].fields.empty()) len = std::min(len, static_cast<std::uint32_t>(e.args[at].num));
  return len;
}

bool decode_sockaddr_at(pid_t tid, ArgValue& v, std::uint64_t len, XlatStyle style) {
  if (len < 2) return false;
  sockaddr_storage ss{};
  std::size_t n = std::min<std::size_t>(len, sizeof ss);
  if (!read_exact(tid, RemotePtr{v.raw}, &ss, n)) return false;
  const Xlat& families = xlat_family("address_families");
  std::string fam = xlat_format(families, ss.ss_family, style);
  v.fields.push_back({"sa_family", ss.ss_family});
  if (ss.ss_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&ss);
    std::size_t path_len = n > offsetof(sockaddr_un, sun_path) ? n - offsetof(sockaddr_un, sun_path) : 0;
    std::string_view path(un->sun_path, strnlen(un->sun_path, path_len));
    if (path_len == 0) {
      v.text = fmt::format("{{sa_family={}}}", fam);  // the length covers only the family
    } else if (un->sun_path[0] == '\0') {
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
    if (style == XlatStyle::Abbrev) {
      v.text = fmt::format("{{sa_family={}, sin_port=htons({}), sin_addr=inet_addr(\"{}\")}}", fam,
                           ntohs(in->sin_port), addr);
    } else {
      // -X raw|verbose: strace shows the bytes as they are in memory.
      const auto* port = reinterpret_cast<const unsigned char*>(&in->sin_port);
      const auto* ip = reinterpret_cast<const unsigned char*>(&in->sin_addr);
      v.text = fmt::format("{{sa_family={}, sin_port={}, sin_addr={}}}", fam,
                           xlat_styled(fmt::format("\"\\x{:02x}\\x{:02x}\"", port[0], port[1]),
                                       fmt::format("htons({})", ntohs(in->sin_port)), style),
                           xlat_styled(fmt::format("\"\\x{:02x}\\x{:02x}\\x{:02x}\\x{:02x}\"", ip[0],
                                                   ip[1], ip[2], ip[3]),
                                       fmt::format("inet_addr(\"{}\")", addr), style));
    }
    v.fields.push_back({"sin_port", ntohs(in->sin_port)});
    v.fields.push_back({"sin_addr", addr});
  } else if (ss.ss_family == AF_INET6 && n >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    char addr[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof addr);
    if (style == XlatStyle::Abbrev) {
      v.text = fmt::format(
          "{{sa_family={}, sin6_port=htons({}), sin6_flowinfo=htonl({}), inet_pton({}, \"{}\", "
          "&sin6_addr), sin6_scope_id={}}}",
          fam, ntohs(in6->sin6_port), ntohl(in6->sin6_flowinfo), fam, addr, in6->sin6_scope_id);
    } else {
      // -X raw|verbose: strace shows the bytes as they are in memory.
      auto bytes = [](const void* p, std::size_t n) {
        std::string out = "\"";
        for (std::size_t i = 0; i < n; ++i)
          out += fmt::format("\\x{:02x}", static_cast<const unsigned char*>(p)[i]);
        return out + "\"";
      };
      v.text = fmt::format(
          "{{sa_family={}, sin6_port={}, sin6_flowinfo={}, sin6_addr={}, sin6_scope_id={}}}", fam,
          xlat_styled(bytes(&in6->sin6_port, 2), fmt::format("htons({})", ntohs(in6->sin6_port)), style),
          xlat_styled(bytes(&in6->sin6_flowinfo, 4), fmt::format("htonl({})", ntohl(in6->sin6_flowinfo)), style),
          xlat_styled(bytes(&in6->sin6_addr, 16), fmt::format("inet_pton(AF_INET6, \"{}\")", addr), style),
          in6->sin6_scope_id);
    }
    v.fields.push_back({"sin6_port", ntohs(in6->sin6_port)});
    v.fields.push_back({"sin6_flowinfo", ntohl(in6->sin6_flowinfo)});
    v.fields.push_back({"sin6_addr", addr});
    v.fields.push_back({"sin6_scope_id", in6->sin6_scope_id});
  } else if (ss.ss_family == AF_NETLINK && n >= sizeof(sockaddr_nl)) {
    const auto* nl = reinterpret_cast<const sockaddr_nl*>(&ss);
    // Signed, as strace prints it: the port id the kernel picks for all
    // but a process's first netlink socket is negative.
    auto port = static_cast<std::int32_t>(nl->nl_pid);
    v.text = fmt::format("{{sa_family={}, nl_pid={}, nl_groups={:08x}}}", fam, port, nl->nl_groups);
    v.fields.push_back({"nl_pid", port});
    v.fields.push_back({"nl_groups", nl->nl_groups});
  } else {
    v.text = fmt::format("{{sa_family={}, sa_data=...}}", fam);
  }
  return true;
}

bool decode_sockaddr(pid_t tid, const SyscallEvent& e, ArgValue& v, XlatStyle style) {
  auto len = sockaddr_len(tid, e);
  return len && decode_sockaddr_at(tid, v, *len, style);
}

struct KernelMsghdr {
  std::uint64_t name;
  std::uint32_t namelen, pad;
  std::uint64_t iov, iovlen, control, controllen;
  std::int32_t flags, pad2;
};

// A struct msghdr as strace shows it, its data as iovecs up to `budget`
// bytes; its members go to `v.fields` under `prefix`, its iovecs' data to
// `data` (for -e read= and -e write=).
// An AF_NETLINK msg_name: the data are netlink messages of `fd`'s protocol.
std::string msghdr_text(pid_t tid, int fd, const KernelMsghdr& m, std::optional<std::uint64_t> budget,
                        ArgValue& v, const std::string& prefix, const DecodeLimits& limits,
                        std::string* data) {
  const XlatStyle style = limits.xlat_style;
  std::string name = "NULL";
  bool netlink = false;
  if (m.name != 0) {
    ArgValue sa;
    sa.raw = m.name;
    name = decode_sockaddr_at(tid, sa, m.namelen, style) ? sa.text : fmt::format("{:#x}", m.name);
    for (StructField& f : sa.fields) {
      if (std::string_view(f.name) == "sa_family" && f.value == AF_NETLINK) netlink = true;
      f.name = member_name(prefix + "msg_name." + std::string(f.name.view()));
      v.fields.push_back(std::move(f));
    }
  }
  const NetlinkIov messages{netlink ? netlink_protocol(tid, fd) : -1, limits};
  std::string iov = iovec_text(tid, m.iov, m.iovlen, budget, v, prefix + "msg_iov", limits.struct_string,
                               false, limits.hex_strings, netlink ? &messages : nullptr, data,
                               limits.max_buffer);
  if (iov.empty()) iov = fmt::format("{:#x}", m.iov);
  std::string out = fmt::format("{{msg_name={}, msg_namelen={}, msg_iov={}, msg_iovlen={}, ", name,
                                m.namelen, iov, m.iovlen);
  if (m.controllen != 0) out += fmt::format("msg_control={:#x}, ", m.control);
  out += fmt::format("msg_controllen={}, msg_flags={}}}", m.controllen,
                     xlat_format(xlat_family("msg_flags"), static_cast<std::uint32_t>(m.flags), style));
  v.fields.push_back({member_name(prefix + "msg_namelen"), m.namelen});
  v.fields.push_back({member_name(prefix + "msg_iovlen"), static_cast<std::int64_t>(m.iovlen)});
  v.fields.push_back({member_name(prefix + "msg_controllen"), static_cast<std::int64_t>(m.controllen)});
  v.fields.push_back({member_name(prefix + "msg_flags"), m.flags});
  return out;
}

// sendmsg/recvmsg: struct msghdr, its data as iovecs.
bool decode_msghdr(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry, const DecodeLimits& limits) {
  KernelMsghdr m{};
  const bool input = is(e.desc, SysId::sendmsg);
  if (at_entry && !input) return false;  // recvmsg: shown when it returns
  if (!input && (e.err || e.result < 0)) return false;
  if (!read_exact(tid, RemotePtr{v.raw}, &m, sizeof m)) return false;
  v.fields.clear();
  std::optional<std::uint64_t> budget;
  if (!input) budget = static_cast<std::uint64_t>(e.result);
  v.bytes.clear();
  v.text = msghdr_text(tid, static_cast<int>(e.args[0].raw), m, budget, v, "", limits, &v.bytes);
  return true;
}

// sendmmsg/recvmmsg: the messages the call handled, each with its msg_len,
// shown when it returns.
bool decode_mmsghdr(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry,
                    const DecodeLimits& limits) {
  struct Mmsghdr {
    KernelMsghdr hdr;
    std::uint32_t len, pad;
  };
  if (at_entry || e.err || e.result < 0) return false;
  const bool input = is(e.desc, SysId::sendmmsg);
  std::size_t n = std::min(static_cast<std::size_t>(e.result), max_elements(limits));
  std::vector<Mmsghdr> msgs(n);
  if (n > 0 && !read_exact(tid, RemotePtr{v.raw}, msgs.data(), n * sizeof(Mmsghdr))) return false;
  v.fields.clear();
  v.bytes.clear();
  std::string out = "[";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    std::string prefix = fmt::format("[{}].msg_hdr.", i);
    std::optional<std::uint64_t> budget;
    if (!input) budget = msgs[i].len;
    const std::string hdr =
        msghdr_text(tid, static_cast<int>(e.args[0].raw), msgs[i].hdr, budget, v, prefix, limits, &v.bytes);
    out += fmt::format("{{msg_hdr={}, msg_len={}}}", hdr, msgs[i].len);
    v.fields.push_back({member_name(fmt::format("[{}].msg_len", i)), msgs[i].len});
  }
  if (static_cast<std::size_t>(e.result) > n) out += n ? ", ..." : "...";
  if (static_cast<std::size_t>(e.result) > n) v.truncated = true;
  v.text = out + "]";
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

// A failed call wrote nothing, but the length read at entry is still
// shown, as strace does: getpeername(3, 0x7ffc..., [16]).
bool socklen_on_failure(ArgValue& v) {
  if (v.fields.empty()) return false;
  v.text = fmt::format("[{}]", v.num);
  return true;
}

bool format_socket_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  const ArgValue& v = e.args[i];
  const SysId id = e.desc->id;
  if ((id == SysId::setsockopt || id == SysId::getsockopt) && i == 2) {
    // The option's name: its family depends on the level.
    const Xlat* names = dependent_family(*e.desc, i, static_cast<std::uint32_t>(e.args[1].raw));
    if (names == nullptr) return false;
    out += xlat_format(*names, static_cast<std::uint32_t>(v.raw), options.xlat_style);
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
  if (id == SysId::socket && i == 2) {
    // The protocol's names depend on the domain (netlink's, IP's).
    if (const Xlat* x = dependent_family(*e.desc, i, static_cast<std::uint32_t>(e.args[0].raw))) {
      out += xlat_format(*x, v.raw, options.xlat_style);
      return true;
    }
  }
  return false;
}

std::vector<MemberDesc> sockaddr_members() {
  return {num("sa_family", "address_families"),
          num("sin_port"),
          text("sin_addr"),
          num("sin6_port"),
          num("sin6_flowinfo"),
          text("sin6_addr"),
          num("sin6_scope_id"),
          text("sun_path"),
          num("nl_pid"),
          num("nl_groups")};
}

std::vector<MemberDesc> msghdr_members() {
  std::vector<MemberDesc> out = prefixed("msg_name.", sockaddr_members());
  for (MemberDesc m : {num("msg_iov[].iov_len"), num("msg_namelen"), num("msg_iovlen"),
                       num("msg_controllen"), num("msg_flags", "msg_flags")})
    out.push_back(m);
  return out;
}

const StructDecoder kStructs[] = {
    {"sockaddr", [](const StructRead& r) { return decode_sockaddr(r.tid, r.e, r.v, r.style()); },
     sockaddr_members},
    {"socklen_t", [](const StructRead& r) { return decode_socklen(r.tid, r.v, r.at_entry); },
     [] { return std::vector<MemberDesc>{num("value")}; }, socklen_on_failure},
    {"sockopt", [](const StructRead& r) { return decode_sockopt(r.tid, r.e, r.v); },
     [] { return std::vector<MemberDesc>{num("value"), num("l_onoff"), num("l_linger")}; }},
    {"msghdr", [](const StructRead& r) { return decode_msghdr(r.tid, r.e, r.v, r.at_entry, r.limits); },
     msghdr_members},
    {"mmsghdr", [](const StructRead& r) { return decode_mmsghdr(r.tid, r.e, r.v, r.at_entry, r.limits); },
     [] {
       std::vector<MemberDesc> out = prefixed("[].msg_hdr.", msghdr_members());
       out.push_back(num("[].msg_len"));
       return out;
     }},
};

constexpr DependentRule kDependent[] = {
    {SysId::setsockopt, 2, 1, SOL_SOCKET, "socket_options"},
    {SysId::setsockopt, 2, 1, IPPROTO_TCP, "tcp_options"},
    {SysId::getsockopt, 2, 1, SOL_SOCKET, "socket_options"},
    {SysId::getsockopt, 2, 1, IPPROTO_TCP, "tcp_options"},
    {SysId::setsockopt, 2, 1, SOL_IP, "ip_options"},
    {SysId::getsockopt, 2, 1, SOL_IP, "ip_options"},
    {SysId::setsockopt, 2, 1, SOL_IPV6, "ipv6_options"},
    {SysId::getsockopt, 2, 1, SOL_IPV6, "ipv6_options"},
    {SysId::setsockopt, 2, 1, SOL_NETLINK, "netlink_options"},
    {SysId::getsockopt, 2, 1, SOL_NETLINK, "netlink_options"},
    {SysId::socket, 2, 0, AF_NETLINK, "netlink_protocols"},
    {SysId::socket, 2, 0, AF_INET, "ip_protocols"},
    {SysId::socket, 2, 0, AF_INET6, "ip_protocols"},
};

constexpr SysId kCalls[] = {SysId::setsockopt, SysId::getsockopt, SysId::socket, SysId::socketpair};

}  // namespace

const SyscallFamily& socket_family() {
  static const SyscallFamily family{.name = "socket",
                                    .calls = kCalls,
                                    .structs = kStructs,
                                    .dependent = kDependent,
                                    .format_arg = format_socket_arg};
  return family;
}

}  // namespace syspect::detail
