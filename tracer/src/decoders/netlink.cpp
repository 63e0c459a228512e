// The netlink family: the messages a program sends to and receives from an
// AF_NETLINK socket (sendto, recvfrom, and the iovecs of sendmsg/recvmsg),
// decoded member by member as strace 6.1's decode_netlink() shows them:
// each struct nlmsghdr, NLMSG_ERROR and NLMSG_DONE, NETLINK_ROUTE's
// ifinfomsg, ifaddrmsg and rtmsg with their attributes, NETLINK_SOCK_DIAG's
// inet_diag_req_v2 and inet_diag_msg with theirs. What syspect does not
// know is shown as strace shows an unknown payload: its bytes in hex.
//
// The socket's protocol comes from the kernel's list of the tracee's
// netlink sockets (/proc/TID/net/netlink), found by the fd's inode.

#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <span>
#include <sstream>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

struct Name {
  std::uint64_t value;
  const char* name;
};

#include "netlink_names.inc"

constexpr int kNetlinkRoute = 0, kNetlinkSockDiag = 4;
constexpr std::uint16_t kNlmsgError = 2, kNlmsgDone = 3, kNlmsgMinType = 16;
constexpr std::uint16_t kNlmFRequest = 1, kNlmFCapped = 0x100;
constexpr std::size_t kNlmsgHdrLen = 16, kNlaHdrLen = 4;
constexpr std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

const char* find_name(std::span<const Name> names, std::uint64_t value) {
  for (const Name& n : names)
    if (n.value == value) return n.name;
  return nullptr;
}

// strace's printxval: the name, or the number in hex with `dflt` in a
// comment (no comment when `dflt` is null).
std::string xval(std::span<const Name> names, std::uint64_t value, const char* dflt, XlatStyle style) {
  const std::string number = c_hex(value);
  const char* name = find_name(names, value);
  if (style == XlatStyle::Raw) return number;
  if (name != nullptr) return xlat_styled(number, name, style);
  return dflt ? number + " /* " + dflt + " */" : number;
}

// strace's printflags_ex over one or two tables, in their order.
std::string flags(std::span<const Name> first, std::span<const Name> second, std::uint64_t value,
                  const char* dflt, XlatStyle style) {
  if (style == XlatStyle::Raw || value == 0) return c_hex(value);
  std::string names;
  std::uint64_t rest = value;
  for (std::span<const Name> table : {first, second}) {
    for (const Name& n : table) {
      if (n.value != 0 && (rest & n.value) == n.value) {
        if (!names.empty()) names += '|';
        names += n.name;
        rest &= ~n.value;
      }
    }
  }
  if (names.empty()) return c_hex(value) + " /* " + dflt + " */";
  if (rest != 0) names += "|" + c_hex(rest);
  return xlat_styled(c_hex(value), names, style);
}

std::string flags(std::span<const Name> table, std::uint64_t value, const char* dflt, XlatStyle style) {
  return flags(table, {}, value, dflt, style);
}

// One decoding: the bytes read, the socket's protocol, the limits.
struct Ctx {
  std::string_view buf;
  int protocol;
  const DecodeLimits& limits;
  XlatStyle style() const { return limits.xlat_style; }
  std::size_t max() const { return limits.struct_string; }

  template <class T>
  T get(std::size_t off) const {
    T v{};
    std::memcpy(&v, buf.data() + off, sizeof v);
    return v;
  }
  // printstr_ex(..., QUOTE_FORCE_HEX): the bytes in hex, cut at -s.
  std::string hex(std::size_t off, std::size_t len) const {
    return quote_string(buf.substr(off, len), max(), false, HexStrings::All);
  }
};

std::string family_text(std::uint8_t family, XlatStyle style) {
  return xlat_format(xlat_family("address_families"), family, style);
}

// print_ifindex: if_nametoindex("eth0") for an interface the tracer's
// network namespace knows, else the number.
std::string ifindex_text(std::uint32_t index, XlatStyle style, HexStrings hex) {
  char name[IF_NAMESIZE + 1] = {};
  if (index == 0 || if_indextoname(index, name) == nullptr) return std::to_string(index);
  return xlat_styled(std::to_string(index), fmt::format("if_nametoindex({})", quote_string(name, IF_NAMESIZE, false, hex)),
                     style);
}

// print_inet_addr: inet_addr("127.0.0.1") or inet_pton(AF_INET6, "::1"),
// after the bytes in hex with -X raw|verbose. `var` names the member
// (strace writes "&idiag_src" inside inet_pton); empty for an attribute.
std::string inet_addr_text(int family, std::string_view bytes, XlatStyle style, HexStrings hex,
                           std::string_view var = {}) {
  char text[INET6_ADDRSTRLEN] = {};
  const std::size_t need = family == AF_INET ? 4 : 16;
  if ((family != AF_INET && family != AF_INET6) || bytes.size() < need ||
      inet_ntop(family, bytes.data(), text, sizeof text) == nullptr)
    return {};
  const std::string raw = quote_string(bytes, bytes.size(), false, HexStrings::All);
  const std::string quoted = quote_string(text, sizeof text, false, hex);  // -x, -xx apply
  const std::string prefix = var.empty() ? std::string() : fmt::format("{}=", var);
  std::string name = family == AF_INET
                         ? fmt::format("inet_addr({})", quoted)
                         : fmt::format("inet_pton(AF_INET6, {}{})", quoted,
                                       !var.empty() && style == XlatStyle::Abbrev ? fmt::format(", &{}", var) : "");
  if (style == XlatStyle::Abbrev) return family == AF_INET6 && !var.empty() ? name : prefix + name;
  return prefix + xlat_styled(raw, name, style);
}

// What an attribute's payload is, as strace's decoder tables say.
enum class Nla : std::uint8_t {
  Hex,  // unknown: the bytes in hex
  Str,
  U8,
  U16,
  U32,
  U64,
  S32,
  Ifindex,
  Hwaddr,
  LinkStats,
  LinkStats64,
  ExtMask,
  RtClass,
  Addr,  // an address of the message's family
  IfaCacheinfo,
  IfaFlags,
  Shutdown,
  Sockopt,
  IpProto,
};

struct NlaTable {
  std::span<const Name> names;
  const char* dflt;
  std::span<const Nla> decoders;
};

// What strace's decoder tables do with each attribute type (ifinfomsg's
// IFLA_*, ifaddrmsg's IFA_*, rtmsg's RTA_*, inet_diag_msg's INET_DIAG_*),
// ten to a row; Hex where strace prints the bytes, or decodes a nested or
// rarer payload that syspect does not.
using enum Nla;
constexpr Nla kIflaDecoders[] = {
    Hex, Hwaddr, Hwaddr, Str, U32, U32, Str, LinkStats, Hex, Hex,         // 0: UNSPEC..PRIORITY
    U32, Hex, Hex, U32, Hex, U32, U8, U8, Hex, U32,                      // 10: MASTER..NET_NS_PID
    Str, U32, Hex, LinkStats64, Hex, Hex, Hex, U32, S32, ExtMask,        // 20: IFALIAS..EXT_MASK
    U32, U32, U32, U8, Hex, U32, Hex, S32, Str, U8,                      // 30: PROMISCUITY..PROTO_DOWN
    U32, U32, Hex, Hex, Hex, S32, S32, U32, U32, Ifindex,                // 40: GSO_MAX_SEGS..NEW_IFINDEX
    U32, U32, Hex, Str, Hwaddr, Hex, Str, Str, U32, U32,                 // 50: MIN_MTU..TSO_MAX_SIZE
    U32, U32,                                                            // 60: TSO_MAX_SEGS, ALLMULTI
};
constexpr Nla kIfaDecoders[] = {Hex, Addr, Addr, Str, Addr, Addr, IfaCacheinfo, Addr, IfaFlags, U32, S32};
constexpr Nla kRtaDecoders[] = {
    Hex, Addr, Addr, Ifindex, Ifindex, Addr, U32, Addr, Hex, Hex,        // 0: UNSPEC..MULTIPATH
    U32, U32, Hex, Hex, U32, RtClass, U32, Hex, Hex, Addr,               // 10: PROTOINFO..NEWDST
    U8, Hex, Hex, U64, Hex, U32, U8, U8, U16, U16,                       // 20: PREF..DPORT
};
constexpr Nla kInetDiagDecoders[] = {
    Hex, Hex, Hex, Hex, Str, U8, U8, Hex, Shutdown, Hex,                 // 0: NONE..DCTCPINFO
    IpProto, U8, Hex, Hex, Hex, U32, Hex, U32, Hex, Hex,                 // 10: PROTOCOL..ULP_INFO
    Hex, U64, Sockopt,                                                   // 20: SK_BPF_STORAGES..SOCKOPT
};

std::string attributes(const Ctx& c, std::size_t off, std::size_t len, const NlaTable& t, int family);

std::string nla_payload(const Ctx& c, std::size_t off, std::size_t len, Nla kind, int family) {
  const XlatStyle style = c.style();
  // decode_nla_str: printstr_ex with QUOTE_OMIT_TRAILING_0 and
  // QUOTE_EXPECT_TRAILING_0. Of the first -s bytes, a last one that is NUL
  // is left out; otherwise, or when the string is printed in hex (-x sees
  // the NUL as a byte to escape), "..." follows.
  auto str = [&] {
    std::string_view s = c.buf.substr(off, std::min(len, c.max()));
    const HexStrings hex = c.limits.hex_strings;
    bool all_hex = hex == HexStrings::All;
    if (hex == HexStrings::NonAscii)
      all_hex = std::any_of(s.begin(), s.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return u > 0x7e || (u < ' ' && (u < 9 || u > 13));
      });
    if (all_hex) return quote_string(s, s.size(), true, HexStrings::All);
    if (!s.empty() && s.back() == '\0') return quote_string(s.substr(0, s.size() - 1), s.size(), false, hex);
    return quote_string(s, s.size(), true, hex);
  };
  switch (kind) {
    case Hex:
      return {};
    case Str:
      return str();
    case U8:
      return len < 1 ? std::string() : std::to_string(c.get<std::uint8_t>(off));
    case U16:
      return len < 2 ? std::string() : std::to_string(c.get<std::uint16_t>(off));
    case U32:
      return len < 4 ? std::string() : std::to_string(c.get<std::uint32_t>(off));
    case U64:
      return len < 8 ? std::string() : std::to_string(c.get<std::uint64_t>(off));
    case S32:
      return len < 4 ? std::string() : std::to_string(c.get<std::int32_t>(off));
    case Ifindex:
      return len < 4 ? std::string() : ifindex_text(c.get<std::uint32_t>(off), style, c.limits.hex_strings);
    case Hwaddr: {
      if (len > 32) return {};
      std::string mac;
      for (std::size_t i = 0; i < len; ++i)
        mac += fmt::format("{}{:02x}", i ? ":" : "", static_cast<unsigned char>(c.buf[off + i]));
      return xlat_styled(quote_string(c.buf.substr(off, len), len, false, HexStrings::All), mac, style);
    }
    case LinkStats:
    case LinkStats64: {
      static constexpr const char* kNames[] = {
          "rx_packets",        "tx_packets",          "rx_bytes",          "tx_bytes",
          "rx_errors",         "tx_errors",           "rx_dropped",        "tx_dropped",
          "multicast",         "collisions",          "rx_length_errors",  "rx_over_errors",
          "rx_crc_errors",     "rx_frame_errors",     "rx_fifo_errors",    "rx_missed_errors",
          "tx_aborted_errors", "tx_carrier_errors",   "tx_fifo_errors",    "tx_heartbeat_errors",
          "tx_window_errors",  "rx_compressed",       "tx_compressed",     "rx_nohandler",
          "rx_otherhost_dropped"};
      const bool wide = kind == LinkStats64;
      const std::size_t size = wide ? 8 : 4, all = wide ? 25 : 24;
      std::size_t n = 0;
      if (len >= all * size) n = all;
      else if (wide && len == 24 * size) n = 24;
      else if (len == 23 * size) n = 23;
      if (n == 0) return {};
      std::string out = "{";
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t v = wide ? c.get<std::uint64_t>(off + i * 8) : c.get<std::uint32_t>(off + i * 4);
        out += fmt::format("{}{}={}", i ? ", " : "", kNames[i], v);
      }
      return out + "}";
    }
    case ExtMask:
      if (len < 4 || len > 8) return {};
      return flags(kRtnlIflaExtFilterFlags, c.get<std::uint32_t>(off), "RTEXT_FILTER_???", style);
    case RtClass:
      return len < 4 ? std::string() : xval(kRoutingTableIds, c.get<std::uint32_t>(off), nullptr, style);
    case Addr: {
      const std::size_t size = family == AF_INET ? 4 : 16;
      std::string out =
          len < size ? std::string() : inet_addr_text(family, c.buf.substr(off, size), style, c.limits.hex_strings);
      // strace's decode_inet_addr: another family's address is its bytes.
      return out.empty() ? c.hex(off, len) : out;
    }
    case IfaCacheinfo:
      if (len < 16) return {};
      return fmt::format("{{ifa_prefered={}, ifa_valid={}, cstamp={}, tstamp={}}}", c.get<std::uint32_t>(off),
                         c.get<std::uint32_t>(off + 4), c.get<std::uint32_t>(off + 8),
                         c.get<std::uint32_t>(off + 12));
    case IfaFlags:
      return len < 4 ? std::string() : flags(kIfaddrflags, c.get<std::uint32_t>(off), "IFA_F_???", style);
    case Shutdown: {
      // Always number and name: the names are not part of the UAPI.
      if (len < 1) return {};
      return flags(kSockShutdownFlags, c.get<std::uint8_t>(off), "???_SHUTDOWN",
                   style == XlatStyle::Raw ? style : XlatStyle::Verbose);
    }
    case Sockopt: {
      if (len < 2) return {};
      static constexpr const char* kBits[] = {"recverr", "is_icsk",     "freebind",  "hdrincl",
                                              "mc_loop", "transparent", "mc_all",    "nodefrag",
                                              "bind_address_no_port", "recverr_rfc4884", "defer_connect"};
      const unsigned bits = c.get<std::uint16_t>(off);
      std::string out;
      for (unsigned i = 0; i < 11; ++i) {
        const unsigned bit = (bits >> i) & 1;
        if (c.limits.abbrev && !bit) continue;
        out += fmt::format("{}{}={}", out.empty() ? "" : ", ", kBits[i], bit);
      }
      const unsigned unused = bits >> 11;
      if (!c.limits.abbrev || unused)
        out += fmt::format("{}unused={} /* bits 3..8 */", out.empty() ? "" : ", ", c_hex(unused));
      out = "{" + out + "}";
      // print_nonzero_bytes: what follows the two bytes, when not zero.
      std::string_view tail = c.buf.substr(off + 2, len - 2);
      if (std::any_of(tail.begin(), tail.end(), [](char ch) { return ch != 0; }))
        out += fmt::format(", /* bytes 2..{} */ {}", len - 1, c.hex(off + 2, len - 2));
      return out;
    }
    case IpProto:
      if (len < 1 || len > 8) return {};
      return xlat_format(xlat_family("ip_protocols"), c.get<std::uint8_t>(off), style);
  }
  return {};
}

// strace's walk of netlink items (messages, attributes): each starts with
// its length (`item_len` reads it), the next one at that length rounded up
// to 4; several make an array, cut by -s with "..."; bytes too few for a
// `header` are shown in hex. `item(off, len)` shows the one at `off` with
// `len` bytes left.
template <typename Length, typename Item>
std::string walk(const Ctx& c, std::size_t off, std::size_t len, std::size_t header, Length item_len,
                 Item item) {
  std::string out;
  bool is_array = false;
  for (std::size_t elt = 0;; ++elt) {
    if (len < header) {
      out += c.hex(off, len);
      break;
    }
    if (c.limits.abbrev && elt == c.max()) {
      out += "...";
      break;
    }
    const std::size_t this_len = item_len(off);
    const std::size_t aligned = align4(this_len);
    std::size_t next_len = 0;
    if (this_len >= header) next_len = len >= aligned ? len - aligned : 0;
    if (!is_array && next_len) {
      out += '[';
      is_array = true;
    }
    out += item(off, len);
    if (!next_len) break;
    out += ", ";
    off += aligned;
    len = next_len;
  }
  if (is_array) out += ']';
  return out;
}

// decode_nlattr: one attribute, or an array of them.
std::string attributes(const Ctx& c, std::size_t off, std::size_t len, const NlaTable& t, int family) {
  auto nla_length = [&](std::size_t at) -> std::size_t { return c.get<std::uint16_t>(at); };
  return walk(c, off, len, kNlaHdrLen, nla_length, [&](std::size_t at, std::size_t left) {
    std::string out;
    const auto nla_len = c.get<std::uint16_t>(at);
    const auto nla_type = c.get<std::uint16_t>(at + 2);
    const std::size_t shown = std::min<std::size_t>(nla_len, left);
    if (shown > kNlaHdrLen) out += '[';
    std::string type;
    if (nla_type & 0x8000) type += xlat_styled("0x8000", "NLA_F_NESTED", c.style()) + "|";
    if (nla_type & 0x4000) type += xlat_styled("0x4000", "NLA_F_NET_BYTEORDER", c.style()) + "|";
    type += xval(t.names, nla_type & 0x3fff, t.dflt, c.style());
    out += fmt::format("{{nla_len={}, nla_type={}}}", nla_len, type);
    if (shown > kNlaHdrLen) {
      const std::size_t idx = nla_type & 0x3fff;
      const Nla kind = idx < t.decoders.size() ? t.decoders[idx] : Hex;
      std::string payload = nla_payload(c, at + kNlaHdrLen, shown - kNlaHdrLen, kind, family);
      if (payload.empty()) payload = c.hex(at + kNlaHdrLen, shown - kNlaHdrLen);
      out += ", " + payload + "]";
    }
    return out;
  });
}

// A fixed header with attributes after it: "{...}" and, when there is
// more, ", " and the attributes. `members` prints the header from its
// bytes; a payload shorter than the header shows "{family=..., ...}".
template <class Members>
std::string header_and_attrs(const Ctx& c, std::size_t off, std::size_t len, std::size_t size,
                             const char* family_member, Members members, const NlaTable* attrs) {
  const std::uint8_t family = c.get<std::uint8_t>(off);
  std::string out = fmt::format("{{{}={}, ", family_member, family_text(family, c.style()));
  if (len < size) return out + "...}";
  out += members(off) + "}";
  if (attrs != nullptr && len > align4(size))
    out += ", " + attributes(c, off + align4(size), len - align4(size), *attrs, family);
  return out;
}

std::string ifinfomsg(const Ctx& c, std::size_t off, std::size_t len) {
  static constexpr NlaTable attrs{kRtnlLinkAttrs, "IFLA_???", kIflaDecoders};
  return header_and_attrs(c, off, len, 16, "ifi_family", [&](std::size_t o) {
    return fmt::format("ifi_type={}, ifi_index={}, ifi_flags={}, ifi_change={}",
                       xval(kArpHardwareTypes, c.get<std::uint16_t>(o + 2), "ARPHRD_???", c.style()),
                       ifindex_text(c.get<std::uint32_t>(o + 4), c.style(), c.limits.hex_strings),
                       flags(kIffflags, c.get<std::uint32_t>(o + 8), "IFF_???", c.style()),
                       c_hex(c.get<std::uint32_t>(o + 12)));
  }, &attrs);
}

std::string ifaddrmsg(const Ctx& c, std::size_t off, std::size_t len) {
  static constexpr NlaTable attrs{kRtnlAddrAttrs, "IFA_???", kIfaDecoders};
  return header_and_attrs(c, off, len, 8, "ifa_family", [&](std::size_t o) {
    return fmt::format("ifa_prefixlen={}, ifa_flags={}, ifa_scope={}, ifa_index={}", c.get<std::uint8_t>(o + 1),
                       flags(kIfaddrflags, c.get<std::uint8_t>(o + 2), "IFA_F_???", c.style()),
                       xval(kRoutingScopes, c.get<std::uint8_t>(o + 3), nullptr, c.style()),
                       ifindex_text(c.get<std::uint32_t>(o + 4), c.style(), c.limits.hex_strings));
  }, &attrs);
}

std::string rtmsg(const Ctx& c, std::size_t off, std::size_t len) {
  static constexpr NlaTable attrs{kRtnlRouteAttrs, "RTA_???", kRtaDecoders};
  return header_and_attrs(c, off, len, 12, "rtm_family", [&](std::size_t o) {
    const XlatStyle s = c.style();
    return fmt::format(
        "rtm_dst_len={}, rtm_src_len={}, rtm_tos={}, rtm_table={}, rtm_protocol={}, rtm_scope={}, "
        "rtm_type={}, rtm_flags={}",
        c.get<std::uint8_t>(o + 1), c.get<std::uint8_t>(o + 2),
        flags(kIpTypeOfServices, c.get<std::uint8_t>(o + 3), "IPTOS_TOS_???", s),
        xval(kRoutingTableIds, c.get<std::uint8_t>(o + 4), nullptr, s),
        xval(kRoutingProtocols, c.get<std::uint8_t>(o + 5), "RTPROT_???", s),
        xval(kRoutingScopes, c.get<std::uint8_t>(o + 6), nullptr, s),
        xval(kRoutingTypes, c.get<std::uint8_t>(o + 7), "RTN_???", s),
        flags(kRoutingFlags, c.get<std::uint32_t>(o + 8), "RTM_F_???", s));
  }, &attrs);
}

// struct inet_diag_sockid at `o` (48 bytes).
std::string sockid(const Ctx& c, std::size_t o, int family) {
  const XlatStyle s = c.style();
  auto port = [&](std::size_t at) {
    const std::uint16_t p = ntohs(c.get<std::uint16_t>(at));
    return xlat_styled(c.hex(at, 2), fmt::format("htons({})", p), s);
  };
  // PRINT_FIELD_INET_ADDR: the member's 16 bytes, whatever the family.
  auto addr = [&](std::size_t at, std::string_view var) {
    std::string text = inet_addr_text(family, c.buf.substr(at, 16), s, c.limits.hex_strings, var);
    return text.empty() ? fmt::format("{}={}", var, c.hex(at, 16)) : text;
  };
  return fmt::format("{{idiag_sport={}, idiag_dport={}, {}, {}, idiag_if={}, idiag_cookie=[{}, {}]}}", port(o),
                     port(o + 2), addr(o + 4, "idiag_src"), addr(o + 20, "idiag_dst"),
                     ifindex_text(c.get<std::uint32_t>(o + 36), s, c.limits.hex_strings), c.get<std::uint32_t>(o + 40),
                     c.get<std::uint32_t>(o + 44));
}

std::string inet_diag_req_v2(const Ctx& c, std::size_t off, std::size_t len) {
  static constexpr NlaTable attrs{kInetDiagReqAttrs, "INET_DIAG_REQ_???", {}};
  const int family = c.get<std::uint8_t>(off);
  return header_and_attrs(c, off, len, 56, "sdiag_family", [&](std::size_t o) {
    const XlatStyle s = c.style();
    return fmt::format("sdiag_protocol={}, idiag_ext={}, idiag_states={}, id={}",
                       xlat_format(xlat_family("ip_protocols"), c.get<std::uint8_t>(o + 1), s),
                       flags(kInetDiagExtendedFlags, c.get<std::uint8_t>(o + 2), "1<<INET_DIAG_\?\?\?-1", s),
                       flags(kTcpStateFlags, c.get<std::uint32_t>(o + 4), "1<<TCP_???", s),
                       sockid(c, o + 8, family));
  }, &attrs);
}

std::string inet_diag_msg(const Ctx& c, std::size_t off, std::size_t len) {
  static constexpr NlaTable attrs{kInetDiagAttrs, "INET_DIAG_???", kInetDiagDecoders};
  const int family = c.get<std::uint8_t>(off);
  return header_and_attrs(c, off, len, 72, "idiag_family", [&](std::size_t o) {
    return fmt::format(
        "idiag_state={}, idiag_timer={}, idiag_retrans={}, id={}, idiag_expires={}, idiag_rqueue={}, "
        "idiag_wqueue={}, idiag_uid={}, idiag_inode={}",
        xval(kTcpStates, c.get<std::uint8_t>(o + 1), "TCP_???", c.style()), c.get<std::uint8_t>(o + 2),
        c.get<std::uint8_t>(o + 3), sockid(c, o + 4, family), c.get<std::uint32_t>(o + 52),
        c.get<std::uint32_t>(o + 56), c.get<std::uint32_t>(o + 60), c.get<std::uint32_t>(o + 64),
        c.get<std::uint32_t>(o + 68));
  }, &attrs);
}

// decode_family: a payload syspect does not know, after its family byte.
std::string family_and_data(const Ctx& c, std::size_t off, std::size_t len) {
  std::string out = fmt::format("{{family={}", family_text(c.get<std::uint8_t>(off), c.style()));
  if (len > 1) out += ", data=" + c.hex(off + 1, len - 1);
  return out + "}";
}

// The protocol's payload decoder (decode_netlink_route, ..._sock_diag):
// nothing when the protocol has none for this message.
std::optional<std::string> protocol_payload(const Ctx& c, std::uint16_t type, std::uint16_t nl_flags,
                                            std::size_t off, std::size_t len) {
  if (type == kNlmsgDone) return std::nullopt;
  if (c.protocol == kNetlinkRoute) {
    if (type >= 16 && type <= 19) return ifinfomsg(c, off, len);
    if ((type >= 20 && type <= 22) || type == 0x3a || type == 0x3e) return ifaddrmsg(c, off, len);
    if (type >= 24 && type <= 26) return rtmsg(c, off, len);
    return family_and_data(c, off, len);
  }
  if (c.protocol == kNetlinkSockDiag) {
    const std::uint8_t family = c.get<std::uint8_t>(off);
    const bool request = nl_flags & kNlmFRequest;
    // TCPDIAG_GETSOCK and DCCPDIAG_GETSOCK use the older request.
    if ((family == AF_INET || family == AF_INET6) && len > 1) {
      if (!request) return inet_diag_msg(c, off, len);
      if (type != 18 && type != 19) return inet_diag_req_v2(c, off, len);
    }
    return family_and_data(c, off, len);
  }
  return std::nullopt;
}

std::string message(const Ctx& c, std::size_t off, std::size_t len);

std::string nlmsghdr_text(const Ctx& c, std::size_t off) {
  const XlatStyle s = c.style();
  const auto len = c.get<std::uint32_t>(off);
  const auto type = c.get<std::uint16_t>(off + 4);
  const auto nl_flags = c.get<std::uint16_t>(off + 6);
  std::string type_text;
  std::span<const Name> extra;
  if (type >= kNlmsgMinType && c.protocol == kNetlinkRoute) {
    type_text = xval(kNlRouteTypes, type, "RTM_???", s);
    // decode_nlmsg_flags_route: new, delete, get by the type's low bits.
    if (type == 0x31) extra = kNetlinkGetFlags;  // RTM_DELACTION
    else if ((type & 3) == 0) extra = kNetlinkNewFlags;
    else if ((type & 3) == 1) extra = kNetlinkDeleteFlags;
    else if ((type & 3) == 2) extra = kNetlinkGetFlags;
  } else if (type >= kNlmsgMinType && c.protocol == kNetlinkSockDiag) {
    type_text = xval(kNlSockDiagTypes, type, "SOCK_DIAG_???", s);
    extra = kNetlinkGetFlags;
  } else {
    type_text = xval(kNetlinkTypes, type, "NLMSG_???", s);
    if (type == kNlmsgError) extra = kNetlinkAckFlags;
  }
  return fmt::format("{{nlmsg_len={}, nlmsg_type={}, nlmsg_flags={}, nlmsg_seq={}, nlmsg_pid={}}}", len, type_text,
                     flags(kNetlinkFlags, extra, nl_flags, "NLM_F_???", s), c.get<std::uint32_t>(off + 8),
                     c.get<std::int32_t>(off + 12));
}

// decode_nlmsgerr: {error=-EINVAL, msg=the request}, and its attributes.
std::string nlmsgerr(const Ctx& c, std::size_t off, std::size_t len, bool capped) {
  if (len < 20) return c.hex(off, len);
  const auto err = c.get<std::int32_t>(off);
  std::string error = std::to_string(err);
  if (err < 0 && errno_name(-err) != nullptr)
    error = xlat_styled(error, fmt::format("-{}", errno_name(-err)), c.style());
  off += 4;
  len -= 4;
  const std::size_t msg_len = std::max<std::size_t>(kNlmsgHdrLen, c.get<std::uint32_t>(off));
  const std::size_t payload = std::min(len, capped ? kNlmsgHdrLen : msg_len);
  std::string out = fmt::format("{{error={}, msg={}}}", error, message(c, off, payload));
  if (len > payload) {
    static constexpr NlaTable attrs{kNlmsgerrAttrs, "NLMSGERR_ATTR_???", {}};
    out = "[" + out + ", " + attributes(c, off + payload, len - payload, attrs, -1) + "]";
  }
  return out;
}

// decode_nlmsghdr_with_payload: the header, and "[header, payload]" when
// the message is longer than its header.
std::string message(const Ctx& c, std::size_t off, std::size_t len) {
  const std::string hdr = nlmsghdr_text(c, off);
  const std::size_t shown = std::min<std::size_t>(c.get<std::uint32_t>(off), len);
  if (shown <= kNlmsgHdrLen) return hdr;
  const auto type = c.get<std::uint16_t>(off + 4);
  const auto nl_flags = c.get<std::uint16_t>(off + 6);
  const std::size_t p = off + kNlmsgHdrLen, plen = shown - kNlmsgHdrLen;
  std::string payload;
  if (type == kNlmsgError) {
    payload = nlmsgerr(c, p, plen, nl_flags & kNlmFCapped);
  } else if (auto text = (type >= kNlmsgMinType || type == kNlmsgDone) ? protocol_payload(c, type, nl_flags, p, plen)
                                                                       : std::nullopt) {
    payload = *text;
  } else if (type == kNlmsgDone && plen == 4) {
    payload = std::to_string(c.get<std::int32_t>(p));
  } else {
    payload = c.hex(p, plen);
  }
  return "[" + hdr + ", " + payload + "]";
}

}  // namespace

std::string netlink_text(std::string_view bytes, int protocol, const DecodeLimits& limits) {
  const Ctx c{bytes, protocol, limits};
  auto nlmsg_length = [&](std::size_t at) -> std::size_t { return c.get<std::uint32_t>(at); };
  return walk(c, 0, bytes.size(), kNlmsgHdrLen, nlmsg_length,
              [&](std::size_t off, std::size_t len) { return message(c, off, len); });
}

std::optional<std::string> netlink_text(pid_t tid, std::uint64_t addr, std::uint64_t len, int protocol,
                                        const DecodeLimits& limits) {
  if (addr == 0) return std::string("NULL");
  // A receive buffer can be large; what a message can fill is bounded.
  std::string bytes(static_cast<std::size_t>(std::min<std::uint64_t>(len, 1 << 20)), '\0');
  if (!bytes.empty() && !read_exact(tid, RemotePtr{addr}, bytes.data(), bytes.size())) return std::nullopt;
  return netlink_text(bytes, protocol, limits);
}

int netlink_protocol(pid_t tid, int fd) {
  // "socket:[12345]": the inode, looked up in the tracee's namespace's
  // list of netlink sockets (columns: sk Eth Pid Groups ... Inode).
  const std::string link = fd_path(tid, fd);
  unsigned long inode = 0;
  if (std::sscanf(link.c_str(), "socket:[%lu]", &inode) != 1) return -1;
  std::ifstream list(fmt::format("/proc/{}/net/netlink", tid));
  std::string line;
  std::getline(list, line);  // the column names
  while (std::getline(list, line)) {
    std::istringstream in(line);
    std::string sk, skip;
    int protocol = -1;
    unsigned long ino = 0;
    in >> sk >> protocol;
    for (int i = 0; i < 7; ++i) in >> skip;
    if (in >> ino && ino == inode) return protocol;
  }
  return -1;
}

namespace {

// sendto's data is known at entry, recvfrom's at exit: shown as netlink
// messages when the socket is a netlink socket (strace's decode_sockbuf).
void decode_sockbuf(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (!limits.dereference || e.nargs < 3) return;
  ArgValue& v = e.args[1];
  const int protocol = netlink_protocol(tid, static_cast<int>(e.args[0].raw));
  if (protocol < 0) return;
  std::uint64_t len = e.args[2].raw;
  if (is(e.desc, SysId::recvfrom)) len = std::min<std::uint64_t>(len, static_cast<std::uint64_t>(e.result));
  if (auto text = netlink_text(tid, v.raw, len, protocol, limits)) v.text = *text;
}

void netlink_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (is(e.desc, SysId::sendto)) decode_sockbuf(tid, e, limits);
}

void netlink_after_exit(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (is(e.desc, SysId::recvfrom) && e.err == 0 && e.result >= 0) decode_sockbuf(tid, e, limits);
}

bool format_netlink_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions&) {
  if (i != 1 || e.args[1].text.empty() || e.args[1].form != ArgValue::Form::Bytes) return false;
  out += e.args[1].text;
  return true;
}

constexpr SysId kCalls[] = {SysId::sendto, SysId::recvfrom};

}  // namespace

const SyscallFamily& netlink_family() {
  static const SyscallFamily family{.name = "netlink",
                                    .calls = kCalls,
                                    .after_entry = netlink_after_entry,
                                    .after_exit = netlink_after_exit,
                                    .format_arg = format_netlink_arg};
  return family;
}

}  // namespace syspect::detail
