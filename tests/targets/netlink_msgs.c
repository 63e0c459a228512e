/* netlink_msgs: netlink messages sent and received the ways `ip` and `ss`
 * do, for the comparison with strace, which decodes each message member
 * by member:
 *
 *   - NETLINK_ROUTE: an RTM_GETADDR dump request with sendto (its buffer
 *     longer than the message, as `ip` sends it), a peek at the reply's
 *     size with a NULL iov_base, the replies with recvmsg (ifaddrmsg and
 *     their attributes) until NLMSG_DONE; an RTM_GETROUTE dump read with
 *     recvfrom; an RTM_GETLINK for an interface that does not exist,
 *     answered with an NLMSG_ERROR that quotes the request; with the
 *     argument "link", an RTM_GETLINK for lo (ifinfomsg and the
 *     interface's attributes, more than strace shows by default, its
 *     traffic counters among them) with an acknowledgement (a capped
 *     NLMSG_ERROR of 0);
 *   - NETLINK_SOCK_DIAG: an inet_diag_req_v2 for TCP sockets over IPv4
 *     and IPv6 with sendmsg, the answers with recvmsg. In no state
 *     (idiag_states 0), so that the answer is NLMSG_DONE in every run:
 *     the machine's listeners come and go (tests running beside this one
 *     open them), and a run that saw one the others did not would differ
 *     from them. `ss -tln` in the everyday corpus dumps real listeners.
 *
 * Sequence numbers are fixed, so two runs send the same bytes. Exits 0.
 */
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "common.h"

static char reply[32768] __attribute__((aligned(4)));

static int open_netlink(int protocol) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (fd < 0) die("socket");
  struct sockaddr_nl local = {.nl_family = AF_NETLINK};
  if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) die("bind");
  return fd;
}

/* Replies with recvmsg until NLMSG_DONE or NLMSG_ERROR; each after a peek
 * at its size with a NULL buffer, as iproute2 reads them. */
static void read_replies(int fd) {
  for (;;) {
    struct sockaddr_nl peer;
    struct iovec iov = {.iov_base = NULL, .iov_len = 0};
    struct msghdr msg = {.msg_name = &peer, .msg_namelen = sizeof peer, .msg_iov = &iov, .msg_iovlen = 1};
    if (recvmsg(fd, &msg, MSG_PEEK | MSG_TRUNC) < 0) die("recvmsg peek");
    iov.iov_base = reply;
    iov.iov_len = sizeof reply;
    msg.msg_namelen = sizeof peer;
    ssize_t n = recvmsg(fd, &msg, 0);
    if (n < 0) die("recvmsg");
    for (struct nlmsghdr *h = (struct nlmsghdr *)reply; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) return;
    }
  }
}

static void route(int link) {
  int fd = open_netlink(NETLINK_ROUTE);
  /* RTM_GETADDR dump: the message, and zeros after it in the buffer. */
  struct {
    struct nlmsghdr h;
    struct ifaddrmsg ifa;
    char spare[128];
  } addr_req = {
      .h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)), .nlmsg_type = RTM_GETADDR,
            .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1000},
  };
  if (sendto(fd, &addr_req, sizeof addr_req, 0, NULL, 0) < 0) die("sendto");
  read_replies(fd);

  /* RTM_GETROUTE dump for the main table, its replies with recvfrom. */
  struct {
    struct nlmsghdr h;
    struct rtmsg rt;
    struct rtattr table;
    unsigned int id;
  } route_req = {
      .h = {.nlmsg_len = sizeof route_req, .nlmsg_type = RTM_GETROUTE, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
            .nlmsg_seq = 1001},
      .rt = {.rtm_family = AF_INET},
      .table = {.rta_len = RTA_LENGTH(sizeof(unsigned int)), .rta_type = RTA_TABLE},
      .id = RT_TABLE_MAIN,
  };
  if (sendto(fd, &route_req, sizeof route_req, 0, NULL, 0) < 0) die("sendto");
  for (int done = 0; !done;) {
    ssize_t n = recvfrom(fd, reply, sizeof reply, 0, NULL, NULL);
    if (n < 0) die("recvfrom");
    for (struct nlmsghdr *h = (struct nlmsghdr *)reply; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n))
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) done = 1;
  }

  /* RTM_GETLINK for an interface that does not exist: NLMSG_ERROR. */
  struct {
    struct nlmsghdr h;
    struct ifinfomsg ifi;
  } link_req = {
      .h = {.nlmsg_len = sizeof link_req, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
            .nlmsg_seq = 1002},
      .ifi = {.ifi_family = AF_UNSPEC, .ifi_index = 0x7ffffff0},
  };
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  struct iovec iov = {.iov_base = &link_req, .iov_len = sizeof link_req};
  struct msghdr msg = {.msg_name = &kernel, .msg_namelen = sizeof kernel, .msg_iov = &iov, .msg_iovlen = 1};
  if (sendmsg(fd, &msg, 0) < 0) die("sendmsg");
  read_replies(fd);
  if (!link) {
    close(fd);
    return;
  }

  /* RTM_GETLINK for lo (index 1), with IFLA_EXT_MASK, and an ACK. */
  struct {
    struct nlmsghdr h;
    struct ifinfomsg ifi;
    struct rtattr mask;
    unsigned int filter;
  } lo_req = {
      .h = {.nlmsg_len = sizeof lo_req, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
            .nlmsg_seq = 1003},
      .ifi = {.ifi_family = AF_UNSPEC, .ifi_index = 1},
      .mask = {.rta_len = RTA_LENGTH(sizeof(unsigned int)), .rta_type = IFLA_EXT_MASK},
      .filter = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS,
  };
  iov.iov_base = &lo_req;
  iov.iov_len = sizeof lo_req;
  if (sendmsg(fd, &msg, 0) < 0) die("sendmsg");
  read_replies(fd);
  close(fd);
}

static void sock_diag(void) {
  int fd = open_netlink(NETLINK_SOCK_DIAG);
  const int families[] = {AF_INET, AF_INET6};
  for (int i = 0; i < 2; ++i) {
    struct {
      struct nlmsghdr h;
      struct inet_diag_req_v2 req;
    } diag_req = {
        .h = {.nlmsg_len = sizeof diag_req, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
              .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 2000 + i},
        .req = {.sdiag_family = families[i], .sdiag_protocol = IPPROTO_TCP, .idiag_states = 0},
    };
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    struct iovec iov = {.iov_base = &diag_req, .iov_len = sizeof diag_req};
    struct msghdr msg = {.msg_name = &kernel, .msg_namelen = sizeof kernel, .msg_iov = &iov, .msg_iovlen = 1};
    if (sendmsg(fd, &msg, 0) < 0) die("sendmsg");
    read_replies(fd);
  }
  close(fd);
}

int main(int argc, char **argv) {
  route(argc > 1 && strcmp(argv[1], "link") == 0);
  sock_diag();
  say("done\n");
  return 0;
}
