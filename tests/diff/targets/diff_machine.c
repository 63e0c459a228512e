/* Values the kernel or the state of the machine give, different every run:
 * sysinfo's clock, load and free memory; statfs's free blocks; /proc/PID
 * and /proc/PID/task/TID with the program's own pid and tid; a TCP port bound to 0 and the port of the
 * connection to it; a netlink socket's port id (the pid), a second one's
 * (drawn at random), in addresses and in the headers of the kernel's
 * answers, and sequence numbers that start at the time of day (as
 * iproute2's do); the process group in kill(-PGID, 0). The trace after
 * normalisation must not vary. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  struct sysinfo si;
  if (sysinfo(&si) != 0) return 99;
  struct statfs fs;
  if (statfs("/", &fs) != 0) return 99;

  char proc[64];
  snprintf(proc, sizeof proc, "/proc/%d", (int)getpid());
  struct stat st;
  if (stat(proc, &st) != 0) return 99;
  snprintf(proc, sizeof proc, "/proc/%d/task/%d/stat", (int)getpid(), (int)gettid());
  if (stat(proc, &st) != 0) return 99;
  if (kill(-getpgrp(), 0) != 0) return 99;

  int server = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(server, (struct sockaddr*)&a, sizeof a) != 0 || listen(server, 1) != 0) return 99;
  socklen_t len = sizeof a;
  if (getsockname(server, (struct sockaddr*)&a, &len) != 0) return 99;
  int client = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(client, (struct sockaddr*)&a, sizeof a) != 0) return 99;
  struct sockaddr_in peer;
  len = sizeof peer;
  int conn = accept(server, (struct sockaddr*)&peer, &len);
  if (conn < 0) return 99;
  if (write(client, "x", 1) != 1) return 99;
  char c;
  if (read(conn, &c, 1) != 1) return 99;
  close(conn);
  close(client);
  close(server);

  int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  struct sockaddr_nl n;
  memset(&n, 0, sizeof n);
  n.nl_family = AF_NETLINK;
  if (nl < 0 || bind(nl, (struct sockaddr*)&n, sizeof n) != 0) return 99;
  len = sizeof n;
  if (getsockname(nl, (struct sockaddr*)&n, &len) != 0) return 99;
  int nl2 = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  memset(&n, 0, sizeof n);
  n.nl_family = AF_NETLINK;
  if (nl2 < 0 || bind(nl2, (struct sockaddr*)&n, sizeof n) != 0) return 99;
  len = sizeof n;
  if (getsockname(nl2, (struct sockaddr*)&n, &len) != 0) return 99;
  /* A no-op each socket asks the kernel to acknowledge: the answer's
   * header carries the socket's port id and the request's number. */
  unsigned seq = (unsigned)time(NULL);
  int socks[2] = {nl2, nl};
  for (int i = 0; i < 2; ++i) {
    struct nlmsghdr req = {.nlmsg_len = sizeof req, .nlmsg_type = NLMSG_NOOP,
                           .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = seq + i};
    char answer[256] __attribute__((aligned(4)));
    if (send(socks[i], &req, sizeof req, 0) != sizeof req) return 99;
    if (recv(socks[i], answer, sizeof answer, 0) <= 0) return 99;
  }
  close(nl2);
  close(nl);
  return write(1, "ok\n", 3) == 3 ? 0 : 99;
}
