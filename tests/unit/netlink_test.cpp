// Netlink messages, bytes to text: each row is a message as `ip`, `ss` or
// the kernel lays it out, and the text strace 6.1 prints for it (taken
// from strace's own output on the same bytes).

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "decoders/common.hpp"

namespace syspect::detail {
namespace {

// A buffer built member by member, as the program would fill it.
struct Buf {
  std::string b;
  template <class T>
  Buf& put(const T& v) {
    b.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
  }
  Buf& zeros(std::size_t n) {
    b.append(n, '\0');
    return *this;
  }
  // An attribute: its header, payload and padding to 4 bytes.
  Buf& attr(std::uint16_t type, std::string_view payload) {
    const auto len = static_cast<std::uint16_t>(4 + payload.size());
    put(len).put(type);
    b += payload;
    return zeros((4 - payload.size() % 4) % 4);
  }
  template <class T>
  Buf& attr(std::uint16_t type, const T& v) {
    return attr(type, std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
  }
  // The header of a message whose payload is `payload` bytes.
  Buf& header(std::size_t payload, std::uint16_t type, std::uint16_t flags, std::uint32_t seq, std::uint32_t pid = 0) {
    return put(nlmsghdr{static_cast<std::uint32_t>(16 + payload), type, flags, seq, pid});
  }
};

std::string text(const Buf& buf, int protocol, XlatStyle style = XlatStyle::Abbrev, bool abbrev = true,
                 HexStrings hex = HexStrings::None) {
  DecodeLimits limits;
  limits.xlat_style = style;
  limits.abbrev = abbrev;
  limits.hex_strings = hex;
  return netlink_text(buf.b, protocol, limits);
}

Buf getroute_request() {
  Buf b;
  rtmsg rt{};
  rt.rtm_family = AF_INET;
  b.header(sizeof rt + 8, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 1796293025).put(rt);
  b.attr(RTA_TABLE, std::uint32_t{RT_TABLE_MAIN});
  return b;
}

TEST(Netlink, LinkDumpRequest) {
  Buf b;
  b.header(sizeof(ifinfomsg) + 8, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1796292686).put(ifinfomsg{});
  b.attr(IFLA_EXT_MASK, std::uint32_t{RTEXT_FILTER_VF});
  EXPECT_EQ(text(b, NETLINK_ROUTE),
            "[{nlmsg_len=40, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=1796292686, "
            "nlmsg_pid=0}, {ifi_family=AF_UNSPEC, ifi_type=ARPHRD_NETROM, ifi_index=0, ifi_flags=0, ifi_change=0}, "
            "[{nla_len=8, nla_type=IFLA_EXT_MASK}, RTEXT_FILTER_VF]]");
}

TEST(Netlink, ZerosAfterTheMessageAreAnEmptyHeader) {
  Buf b;
  b.header(sizeof(ifaddrmsg), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1000).put(ifaddrmsg{}).zeros(128);
  EXPECT_EQ(text(b, NETLINK_ROUTE),
            "[[{nlmsg_len=24, nlmsg_type=RTM_GETADDR, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=1000, "
            "nlmsg_pid=0}, {ifa_family=AF_UNSPEC, ifa_prefixlen=0, ifa_flags=0, ifa_scope=RT_SCOPE_UNIVERSE, "
            "ifa_index=0}], {nlmsg_len=0, nlmsg_type=0 /* NLMSG_??? */, nlmsg_flags=0, nlmsg_seq=0, nlmsg_pid=0}]");
}

TEST(Netlink, Done) {
  Buf b;
  b.header(4, NLMSG_DONE, NLM_F_MULTI, 1000, 29180).put(std::int32_t{0});
  EXPECT_EQ(text(b, NETLINK_ROUTE),
            "[{nlmsg_len=20, nlmsg_type=NLMSG_DONE, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=1000, nlmsg_pid=29180}, 0]");
  EXPECT_EQ(text(b, NETLINK_SOCK_DIAG),
            "[{nlmsg_len=20, nlmsg_type=NLMSG_DONE, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=1000, nlmsg_pid=29180}, 0]");
}

TEST(Netlink, RoutesWithTheirAttributes) {
  Buf b;
  rtmsg rt{};
  rt.rtm_family = AF_INET;
  rt.rtm_table = RT_TABLE_MAIN;
  rt.rtm_protocol = RTPROT_BOOT;
  rt.rtm_type = RTN_UNICAST;
  b.header(sizeof rt + 24, RTM_NEWROUTE, NLM_F_MULTI | NLM_F_DUMP_FILTERED, 7, 29180).put(rt);
  b.attr(RTA_TABLE, std::uint32_t{RT_TABLE_MAIN});
  b.attr(RTA_GATEWAY, inet_addr("192.0.2.1"));
  b.attr(RTA_OIF, std::uint32_t{999999});  // no such interface: the number
  EXPECT_EQ(text(b, NETLINK_ROUTE),
            "[{nlmsg_len=52, nlmsg_type=RTM_NEWROUTE, nlmsg_flags=NLM_F_MULTI|NLM_F_DUMP_FILTERED, nlmsg_seq=7, "
            "nlmsg_pid=29180}, {rtm_family=AF_INET, rtm_dst_len=0, rtm_src_len=0, rtm_tos=0, rtm_table=RT_TABLE_MAIN, "
            "rtm_protocol=RTPROT_BOOT, rtm_scope=RT_SCOPE_UNIVERSE, rtm_type=RTN_UNICAST, rtm_flags=0}, "
            "[[{nla_len=8, nla_type=RTA_TABLE}, RT_TABLE_MAIN], [{nla_len=8, nla_type=RTA_GATEWAY}, "
            "inet_addr(\"192.0.2.1\")], [{nla_len=8, nla_type=RTA_OIF}, 999999]]]");
}

TEST(Netlink, AddressesWithTheirAttributes) {
  Buf b;
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_INET6;
  ifa.ifa_prefixlen = 64;
  ifa.ifa_flags = IFA_F_NODAD | IFA_F_PERMANENT;
  ifa.ifa_index = 999999;
  in6_addr addr{};
  inet_pton(AF_INET6, "fd00::2", &addr);
  ifa_cacheinfo ci{0xffffffff, 0xffffffff, 18, 18};
  b.header(sizeof ifa + 20 + 20 + 8 + 8, RTM_NEWADDR, NLM_F_MULTI, 1000, 29180).put(ifa);
  b.attr(IFA_ADDRESS, addr).attr(IFA_CACHEINFO, ci).attr(IFA_FLAGS, std::uint32_t{IFA_F_NODAD | IFA_F_PERMANENT});
  b.attr(11 /* IFA_PROTO: newer than strace 6.1's decoders */, std::uint8_t{3});
  EXPECT_EQ(text(b, NETLINK_ROUTE),
            "[{nlmsg_len=80, nlmsg_type=RTM_NEWADDR, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=1000, nlmsg_pid=29180}, "
            "{ifa_family=AF_INET6, ifa_prefixlen=64, ifa_flags=IFA_F_NODAD|IFA_F_PERMANENT, "
            "ifa_scope=RT_SCOPE_UNIVERSE, ifa_index=999999}, [[{nla_len=20, nla_type=IFA_ADDRESS}, "
            "inet_pton(AF_INET6, \"fd00::2\")], [{nla_len=20, nla_type=IFA_CACHEINFO}, {ifa_prefered=4294967295, "
            "ifa_valid=4294967295, cstamp=18, tstamp=18}], [{nla_len=8, nla_type=IFA_FLAGS}, "
            "IFA_F_NODAD|IFA_F_PERMANENT], [{nla_len=5, nla_type=IFA_PROTO}, \"\\x03\"]]]");
}

TEST(Netlink, LinksWithTheirAttributes) {
  Buf b;
  ifinfomsg ifi{};
  ifi.ifi_type = 772;  // ARPHRD_LOOPBACK
  ifi.ifi_index = 999999;
  ifi.ifi_flags = 0x10049;  // IFF_UP|IFF_LOOPBACK|IFF_RUNNING|IFF_LOWER_UP
  Buf attrs;
  attrs.attr(IFLA_IFNAME, std::string_view("lo\0", 3)).attr(IFLA_TXQLEN, std::uint32_t{1000});
  attrs.attr(IFLA_OPERSTATE, std::uint8_t{0}).attr(0x43, std::uint8_t{1});
  attrs.attr(IFLA_ADDRESS, std::string_view("\0\0\0\0\0\0", 6));
  b.header(sizeof ifi + attrs.b.size(), RTM_NEWLINK, NLM_F_MULTI, 5, 29180).put(ifi);
  b.b += attrs.b;
  EXPECT_EQ(text(b, NETLINK_ROUTE),
            "[{nlmsg_len=76, nlmsg_type=RTM_NEWLINK, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=5, nlmsg_pid=29180}, "
            "{ifi_family=AF_UNSPEC, ifi_type=ARPHRD_LOOPBACK, ifi_index=999999, "
            "ifi_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING|IFF_LOWER_UP, ifi_change=0}, [[{nla_len=7, "
            "nla_type=IFLA_IFNAME}, \"lo\"], [{nla_len=8, nla_type=IFLA_TXQLEN}, 1000], [{nla_len=5, "
            "nla_type=IFLA_OPERSTATE}, 0], [{nla_len=5, nla_type=0x43 /* IFLA_??? */}, \"\\x01\"], [{nla_len=10, "
            "nla_type=IFLA_ADDRESS}, 00:00:00:00:00:00]]]");
}

TEST(Netlink, StringAttributes) {
  auto label = [](std::string_view payload, HexStrings hex = HexStrings::None) {
    Buf attrs;
    attrs.attr(IFA_LABEL, payload);
    Buf b;
    b.header(sizeof(ifaddrmsg) + attrs.b.size(), RTM_NEWADDR, 0, 1).put(ifaddrmsg{});
    b.b += attrs.b;
    std::string shown = text(b, NETLINK_ROUTE, XlatStyle::Abbrev, true, hex);
    return shown.substr(shown.find("nla_type=IFA_LABEL}, ") + 21);
  };
  EXPECT_EQ(label(std::string_view("eth0\0", 5)), "\"eth0\"]]");
  // No NUL at the end, or not within -s bytes: "..." after it.
  EXPECT_EQ(label("eth0"), "\"eth0\"...]]");
  EXPECT_EQ(label(std::string(32, 'a') + '\0'), "\"" + std::string(32, 'a') + "\"...]]");
  // -x: the NUL is a byte like another, and the string is in hex.
  EXPECT_EQ(label(std::string_view("lo\0", 3), HexStrings::NonAscii), "\"\\x6c\\x6f\\x00\"...]]");
}

TEST(Netlink, AttributesPastTheLimitAreElided) {
  Buf attrs;
  for (int i = 0; i < 33; ++i) attrs.attr(IFLA_MTU, std::uint32_t{1500});
  Buf b;
  b.header(sizeof(ifinfomsg) + attrs.b.size(), RTM_NEWLINK, 0, 1).put(ifinfomsg{});
  b.b += attrs.b;
  std::string shown = text(b, NETLINK_ROUTE);
  EXPECT_TRUE(shown.ends_with("[{nla_len=8, nla_type=IFLA_MTU}, 1500], ...]]")) << shown;
  // -v: all of them.
  shown = text(b, NETLINK_ROUTE, XlatStyle::Abbrev, false);
  EXPECT_TRUE(shown.ends_with("[{nla_len=8, nla_type=IFLA_MTU}, 1500]]]")) << shown;
}

TEST(Netlink, ErrorQuotesTheRequest) {
  Buf b;
  ifinfomsg ifi{};
  ifi.ifi_index = 2147483632;
  b.header(4 + 32, NLMSG_ERROR, 0, 1002, 29180).put(std::int32_t{-ENODEV});
  b.header(sizeof ifi, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1002).put(ifi);
  EXPECT_EQ(text(b, NETLINK_ROUTE),
            "[{nlmsg_len=52, nlmsg_type=NLMSG_ERROR, nlmsg_flags=0, nlmsg_seq=1002, nlmsg_pid=29180}, "
            "{error=-ENODEV, msg=[{nlmsg_len=32, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK, "
            "nlmsg_seq=1002, nlmsg_pid=0}, {ifi_family=AF_UNSPEC, ifi_type=ARPHRD_NETROM, ifi_index=2147483632, "
            "ifi_flags=0, ifi_change=0}]}]");
}

TEST(Netlink, CappedAcknowledgement) {
  Buf b;
  b.header(4 + 16, NLMSG_ERROR, NLM_F_CAPPED, 1003, 29180).put(std::int32_t{0});
  b.header(24, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1003);
  EXPECT_EQ(text(b, NETLINK_ROUTE),
            "[{nlmsg_len=36, nlmsg_type=NLMSG_ERROR, nlmsg_flags=NLM_F_CAPPED, nlmsg_seq=1003, nlmsg_pid=29180}, "
            "{error=0, msg={nlmsg_len=40, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK, "
            "nlmsg_seq=1003, nlmsg_pid=0}}]");
}

TEST(Netlink, SockDiagRequests) {
  Buf b;
  inet_diag_req_v2 req{};
  req.sdiag_family = AF_INET6;
  req.sdiag_protocol = IPPROTO_TCP;
  req.idiag_states = (1 << 7) | (1 << 10);
  b.header(sizeof req, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 123456).put(req);
  EXPECT_EQ(text(b, NETLINK_SOCK_DIAG),
            "[{nlmsg_len=72, nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, "
            "nlmsg_seq=123456, nlmsg_pid=0}, {sdiag_family=AF_INET6, sdiag_protocol=IPPROTO_TCP, idiag_ext=0, "
            "idiag_states=1<<TCP_CLOSE|1<<TCP_LISTEN, id={idiag_sport=htons(0), idiag_dport=htons(0), "
            "inet_pton(AF_INET6, \"::\", &idiag_src), inet_pton(AF_INET6, \"::\", &idiag_dst), idiag_if=0, "
            "idiag_cookie=[0, 0]}}]");
  EXPECT_EQ(text(b, NETLINK_SOCK_DIAG, XlatStyle::Verbose),
            "[{nlmsg_len=72, nlmsg_type=0x14 /* SOCK_DIAG_BY_FAMILY */, nlmsg_flags=0x301 /* "
            "NLM_F_REQUEST|NLM_F_DUMP */, nlmsg_seq=123456, nlmsg_pid=0}, {sdiag_family=0xa /* AF_INET6 */, "
            "sdiag_protocol=0x6 /* IPPROTO_TCP */, idiag_ext=0, idiag_states=0x480 /* 1<<TCP_CLOSE|1<<TCP_LISTEN */, "
            "id={idiag_sport=\"\\x00\\x00\" /* htons(0) */, idiag_dport=\"\\x00\\x00\" /* htons(0) */, "
            "idiag_src=\"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\" /* "
            "inet_pton(AF_INET6, \"::\") */, "
            "idiag_dst=\"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\" /* "
            "inet_pton(AF_INET6, \"::\") */, idiag_if=0, idiag_cookie=[0, 0]}}]");
}

TEST(Netlink, SockDiagAnswers) {
  Buf b;
  inet_diag_msg msg{};
  msg.idiag_family = AF_INET;
  msg.idiag_state = 10;  // TCP_LISTEN
  msg.id.idiag_sport = htons(2024);
  msg.id.idiag_cookie[0] = 21;
  msg.idiag_wqueue = 128;
  msg.idiag_inode = 1453;
  b.header(sizeof msg + 8 + 8 + 12 + 8, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 123456, 29180).put(msg);
  b.attr(INET_DIAG_SHUTDOWN, std::uint8_t{0}).attr(INET_DIAG_MARK, std::uint32_t{0});
  b.attr(INET_DIAG_CGROUP_ID, std::uint64_t{1}).attr(22 /* INET_DIAG_SOCKOPT */, std::uint16_t{0x52});
  EXPECT_EQ(text(b, NETLINK_SOCK_DIAG),
            "[{nlmsg_len=124, nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=123456, "
            "nlmsg_pid=29180}, {idiag_family=AF_INET, idiag_state=TCP_LISTEN, idiag_timer=0, idiag_retrans=0, "
            "id={idiag_sport=htons(2024), idiag_dport=htons(0), idiag_src=inet_addr(\"0.0.0.0\"), "
            "idiag_dst=inet_addr(\"0.0.0.0\"), idiag_if=0, idiag_cookie=[21, 0]}, idiag_expires=0, "
            "idiag_rqueue=0, idiag_wqueue=128, idiag_uid=0, idiag_inode=1453}, [[{nla_len=5, "
            "nla_type=INET_DIAG_SHUTDOWN}, 0], [{nla_len=8, nla_type=INET_DIAG_MARK}, 0], [{nla_len=12, "
            "nla_type=INET_DIAG_CGROUP_ID}, 1], [{nla_len=6, nla_type=INET_DIAG_SOCKOPT}, {is_icsk=1, mc_loop=1, "
            "mc_all=1}]]]");
}

TEST(Netlink, ConstantsAsNumbers) {
  EXPECT_EQ(text(getroute_request(), NETLINK_ROUTE, XlatStyle::Verbose),
            "[{nlmsg_len=36, nlmsg_type=0x1a /* RTM_GETROUTE */, nlmsg_flags=0x301 /* NLM_F_REQUEST|NLM_F_DUMP */, "
            "nlmsg_seq=1796293025, nlmsg_pid=0}, {rtm_family=0x2 /* AF_INET */, rtm_dst_len=0, rtm_src_len=0, "
            "rtm_tos=0, rtm_table=0 /* RT_TABLE_UNSPEC */, rtm_protocol=0 /* RTPROT_UNSPEC */, rtm_scope=0 /* "
            "RT_SCOPE_UNIVERSE */, rtm_type=0 /* RTN_UNSPEC */, rtm_flags=0}, [{nla_len=8, nla_type=0xf /* "
            "RTA_TABLE */}, 0xfe /* RT_TABLE_MAIN */]]");
  EXPECT_EQ(text(getroute_request(), NETLINK_ROUTE, XlatStyle::Raw),
            "[{nlmsg_len=36, nlmsg_type=0x1a, nlmsg_flags=0x301, nlmsg_seq=1796293025, nlmsg_pid=0}, "
            "{rtm_family=0x2, rtm_dst_len=0, rtm_src_len=0, rtm_tos=0, rtm_table=0, rtm_protocol=0, rtm_scope=0, "
            "rtm_type=0, rtm_flags=0}, [{nla_len=8, nla_type=0xf}, 0xfe]]");
}

TEST(Netlink, UnknownProtocolAndShortBuffers) {
  // A protocol syspect does not know: the types of the generic netlink
  // messages only, the payload in hex.
  EXPECT_EQ(text(getroute_request(), -1),
            "[{nlmsg_len=36, nlmsg_type=0x1a /* NLMSG_??? */, nlmsg_flags=NLM_F_REQUEST|0x300, "
            "nlmsg_seq=1796293025, nlmsg_pid=0}, \"\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
            "\\x08\\x00\\x0f\\x00\\xfe\\x00\\x00\\x00\"]");
  Buf b;
  b.put(std::uint32_t{1}).put(std::uint16_t{2});
  EXPECT_EQ(text(b, NETLINK_ROUTE), "\"\\x01\\x00\\x00\\x00\\x02\\x00\"");
  EXPECT_EQ(text(Buf{}, NETLINK_ROUTE), "\"\"");
}

}  // namespace
}  // namespace syspect::detail
