// The strace notation for what depends on more than one argument or on an
// option: futex by operation, poll/select results, -y fd paths, -X styles,
// rt_sigreturn's mask. Every expected string is what strace 6.1 prints.

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>
#include <linux/futex.h>

#include <gtest/gtest.h>

#include "decode.hpp"
#include "hand_made.hpp"
#include "syspect/format.hpp"
#include "syspect/syscall_table.hpp"

namespace syspect {
namespace {

using testing_events::call;
using testing_events::set_string;
using testing_events::set_struct;

std::string text(const SyscallEvent& e, XlatStyle style = XlatStyle::Abbrev) {
  FormatOptions o;
  o.align = false;
  o.xlat_style = style;
  return format_syscall(e, o);
}

constexpr std::uint64_t kAddr = 0x7ffcfc450c7c;

TEST(Futex, ArgumentsDependOnTheOperation) {
  EXPECT_EQ(text(call("futex", {kAddr, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0})),
            "futex(0x7ffcfc450c7c, FUTEX_WAKE_PRIVATE, 1) = 0");
  auto wait = call("futex", {kAddr, FUTEX_WAIT_PRIVATE, 1, 0x1000, 0, 0}, 0, 11);
  set_struct(wait, 3, "{tv_sec=0, tv_nsec=999999024}");
  EXPECT_EQ(text(wait), "futex(0x7ffcfc450c7c, FUTEX_WAIT_PRIVATE, 1, {tv_sec=0, tv_nsec=999999024}) = "
                        "-1 EAGAIN (Resource temporarily unavailable)");
  auto wait_forever = call("futex", {kAddr, FUTEX_WAIT_PRIVATE, 2, 0, 0, 0});
  EXPECT_EQ(text(wait_forever), "futex(0x7ffcfc450c7c, FUTEX_WAIT_PRIVATE, 2, NULL) = 0");
  auto bitset = call("futex", {kAddr, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, 0x1000, 0,
                               FUTEX_BITSET_MATCH_ANY}, 0, 11);
  set_struct(bitset, 3, "{tv_sec=0, tv_nsec=5}");
  EXPECT_EQ(text(bitset),
            "futex(0x7ffcfc450c7c, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 1, {tv_sec=0, tv_nsec=5}, "
            "FUTEX_BITSET_MATCH_ANY) = -1 EAGAIN (Resource temporarily unavailable)");
  EXPECT_EQ(text(bitset, XlatStyle::Raw),
            "futex(0x7ffcfc450c7c, 0x109, 1, {tv_sec=0, tv_nsec=5}, 0xffffffff) = -1 EAGAIN "
            "(Resource temporarily unavailable)");
  EXPECT_EQ(text(call("futex", {kAddr, FUTEX_WAKE_OP, 1, 0, kAddr, 0})),
            "futex(0x7ffcfc450c7c, FUTEX_WAKE_OP, 1, 0, 0x7ffcfc450c7c, "
            "FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_EQ<<24|0) = 0");
  EXPECT_EQ(text(call("futex", {kAddr, FUTEX_CMP_REQUEUE, 1, 2, kAddr, 0})),
            "futex(0x7ffcfc450c7c, FUTEX_CMP_REQUEUE, 1, 2, 0x7ffcfc450c7c, 0) = 0");
  EXPECT_EQ(text(call("futex", {kAddr, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0})),
            "futex(0x7ffcfc450c7c, FUTEX_UNLOCK_PI_PRIVATE) = 0");
}

TEST(PollAndSelect, WhatWasFoundFollowsTheResult) {
  auto p = call("poll", {0x1000, 2, 0}, 2);
  set_struct(p, 0, "[{fd=3, events=POLLIN}, {fd=4, events=POLLPRI|POLLOUT}]",
             "[{fd=3, revents=POLLIN}, {fd=4, revents=POLLOUT}]");
  EXPECT_EQ(text(p), "poll([{fd=3, events=POLLIN}, {fd=4, events=POLLPRI|POLLOUT}], 2, 0) = 2 "
                     "([{fd=3, revents=POLLIN}, {fd=4, revents=POLLOUT}])");
  auto timeout = call("poll", {0x1000, 1, 0}, 0);
  set_struct(timeout, 0, "[{fd=0, events=POLLIN}]", "[]");
  EXPECT_EQ(text(timeout), "poll([{fd=0, events=POLLIN}], 1, 0) = 0 (Timeout)");
  auto s = call("pselect6", {5, 0x1000, 0x2000, 0, 0x3000, 0}, 3);
  set_struct(s, 1, "[0 3]", "in [0 3]");
  set_struct(s, 2, "[4]", "out [4]");
  set_struct(s, 4, "{tv_sec=0, tv_nsec=100000}", "left {tv_sec=0, tv_nsec=97917}");
  EXPECT_EQ(text(s), "pselect6(5, [0 3], [4], NULL, {tv_sec=0, tv_nsec=100000}, NULL) = 3 "
                     "(in [0 3], out [4], left {tv_sec=0, tv_nsec=97917})");
}

TEST(FdPaths, ArgumentsAndResultsAsStraceY) {
  EXPECT_EQ(format_fd(3, "/etc/hostname"), "3</etc/hostname>");
  EXPECT_EQ(format_fd(3, ""), "3");
  EXPECT_EQ(format_fd(7, "socket:[561734]"), "7<socket:[561734]>");
  // '<' and '>' and bytes outside ASCII in octal, quotes and backslashes escaped.
  EXPECT_EQ(format_fd(3, "/tmp/a>b\nc\"d\\e \xc3\xa9"), R"(3</tmp/a\76b\nc\"d\\e \303\251>)");

  auto open = call("openat", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_RDONLY}, 3);
  open.args[1].form = ArgValue::Form::String;
  open.args[1].bytes = "/etc/hostname";
  open.args[0].fd_path = "/tmp/dp";
  open.fd_path = "/etc/hostname";
  EXPECT_EQ(text(open), R"(openat(AT_FDCWD</tmp/dp>, "/etc/hostname", O_RDONLY) = 3</etc/hostname>)");
  EXPECT_EQ(text(open, XlatStyle::Raw), R"(openat(-100</tmp/dp>, "/etc/hostname", 0) = 3</etc/hostname>)");
  EXPECT_EQ(text(open, XlatStyle::Verbose),
            R"(openat(-100 /* AT_FDCWD */</tmp/dp>, "/etc/hostname", 0 /* O_RDONLY */) = 3</etc/hostname>)");

  // A deleted file's "(deleted)" goes after the brackets, as strace -y
  // prints it; a live file whose name ends in " (deleted)" keeps its name.
  EXPECT_EQ(format_fd(5, "/memfd:mf", true), "5</memfd:mf>(deleted)");
  EXPECT_EQ(format_fd(5, "/tmp/x (deleted)"), "5</tmp/x (deleted)>");
  EXPECT_EQ(format_fd(5, "/tmp/x (deleted)", true), "5</tmp/x (deleted)>(deleted)");

  auto close = call("close", {3});
  close.args[0].fd_path = "/etc/hostname";
  EXPECT_EQ(text(close), "close(3</etc/hostname>) = 0");

  auto pipe = call("pipe2", {0x1000, 0});
  pipe.args[0].form = ArgValue::Form::Pair;
  pipe.args[0].num = 3;
  pipe.args[0].num2 = 4;
  pipe.args[0].fd_path = "pipe:[561728]";
  pipe.args[0].fd_path2 = "pipe:[561728]";
  EXPECT_EQ(text(pipe), "pipe2([3<pipe:[561728]>, 4<pipe:[561728]>], 0) = 0");
}

TEST(XStyles, ArgumentsAsStraceX) {
  auto mmap = call("mmap", {0, 4096, 1, 0x22, static_cast<std::uint64_t>(-1), 0}, 0x7f16c2f2a000);
  EXPECT_EQ(text(mmap, XlatStyle::Raw), "mmap(NULL, 4096, 0x1, 0x22, -1, 0) = 0x7f16c2f2a000");
  EXPECT_EQ(text(mmap, XlatStyle::Verbose),
            "mmap(NULL, 4096, 0x1 /* PROT_READ */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0) = "
            "0x7f16c2f2a000");
  auto kill = call("tgkill", {5, 5, 10});
  EXPECT_EQ(text(kill), "tgkill(5, 5, SIGUSR1) = 0");
  EXPECT_EQ(text(kill, XlatStyle::Raw), "tgkill(5, 5, 10) = 0");
  EXPECT_EQ(text(kill, XlatStyle::Verbose), "tgkill(5, 5, 10 /* SIGUSR1 */) = 0");
  auto sock = call("socket", {2, 0x80001, 6}, 4);
  EXPECT_EQ(text(sock), "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 4");
  EXPECT_EQ(text(sock, XlatStyle::Raw), "socket(0x2, 0x1|0x80000, 0x6) = 4");
  EXPECT_EQ(text(sock, XlatStyle::Verbose),
            "socket(0x2 /* AF_INET */, 0x1 /* SOCK_STREAM */|0x80000 /* SOCK_CLOEXEC */, "
            "0x6 /* IPPROTO_TCP */) = 4");
  auto clone = call("clone", {0x1200011, 0, 0, 0x7ffff7dd0a10, 0}, 42);
  EXPECT_EQ(text(clone, XlatStyle::Raw),
            "clone(child_stack=NULL, flags=0x1200000|17, child_tidptr=0x7ffff7dd0a10) = 42");
  EXPECT_EQ(text(clone, XlatStyle::Verbose),
            "clone(child_stack=NULL, flags=0x1200000 /* CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID */|"
            "17 /* SIGCHLD */, child_tidptr=0x7ffff7dd0a10) = 42");
}

TEST(XStyles, StraceOwnForms) {
  // statx: the sync type apart; raw leaves a zero one out.
  auto sx = call("statx", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, 0x900, 0x25e, 0});
  sx.args[1].form = ArgValue::Form::String;
  sx.args[1].bytes = "/usr/bin";
  sx.args[4].form = ArgValue::Form::Pointer;
  sx.args[4].raw = 0x7ffc0000;
  EXPECT_EQ(text(sx), R"(statx(AT_FDCWD, "/usr/bin", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT, )"
                      R"(STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_MTIME|STATX_SIZE, 0x7ffc0000) = 0)");
  EXPECT_EQ(text(sx, XlatStyle::Raw), R"(statx(-100, "/usr/bin", |0x900, 0x25e, 0x7ffc0000) = 0)");
  EXPECT_EQ(text(sx, XlatStyle::Verbose),
            R"(statx(-100 /* AT_FDCWD */, "/usr/bin", 0 /* AT_STATX_SYNC_AS_STAT */|0x900 /* )"
            R"(AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT */, 0x25e /* STATX_MODE|STATX_NLINK|STATX_UID|)"
            R"(STATX_GID|STATX_MTIME|STATX_SIZE */, 0x7ffc0000) = 0)");
  // fcntl: F_GETFL's flags are named in every style, F_GETFD's follow it.
  EXPECT_EQ(text(call("fcntl", {5, F_GETFL, 0}, 0x28800), XlatStyle::Raw),
            "fcntl(5, 0x3) = 0x28800 (flags O_RDONLY|O_NONBLOCK|O_LARGEFILE|O_NOFOLLOW)");
  EXPECT_EQ(text(call("fcntl", {3, F_GETFD, 0}, 1), XlatStyle::Raw), "fcntl(3, 0x1) = 0x1 (flags 0x1)");
  EXPECT_EQ(text(call("fcntl", {3, F_GETFD, 0}, 1), XlatStyle::Verbose),
            "fcntl(3, 0x1 /* F_GETFD */) = 0x1 (flags 0x1 /* FD_CLOEXEC */)");
  EXPECT_EQ(text(call("fcntl", {3, F_GETFL, 0}, 0)), "fcntl(3, F_GETFL) = 0 (flags O_RDONLY)");
}

TEST(XStyles, SignalsAsStraceX) {
  SignalEvent e;
  e.signo = 10;
  e.code = -6;  // SI_TKILL
  e.sender_pid = 42;
  EXPECT_EQ(format_signal(e), "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=42, si_uid=0} ---");
  EXPECT_EQ(format_signal(e, XlatStyle::Raw),
            "--- SIGUSR1 {si_signo=10, si_code=0xfffffffa, si_pid=42, si_uid=0} ---");
  EXPECT_EQ(format_signal(e, XlatStyle::Verbose),
            "--- SIGUSR1 {si_signo=10 /* SIGUSR1 */, si_code=0xfffffffa /* SI_TKILL */, si_pid=42, si_uid=0} ---");
}

TEST(RtSigreturn, ShowsTheMaskItsFrameRestores) {
  auto e = call("rt_sigreturn", {});
  EXPECT_EQ(text(e), "rt_sigreturn() = 0");  // the frame could not be read
  set_struct(e, 0, "{mask=[USR2]}");
  EXPECT_EQ(e.nargs, 0);
  EXPECT_EQ(text(e), "rt_sigreturn({mask=[USR2]}) = 0");
}

TEST(Sockopt, NamesByLevel) {
  auto so = call("setsockopt", {7, 1, 2, 0x1000, 4});
  set_struct(so, 3, "[1]");
  EXPECT_EQ(text(so), "setsockopt(7, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
  auto tcp = call("setsockopt", {7, 6, 1, 0x1000, 4});
  set_struct(tcp, 3, "[1]");
  EXPECT_EQ(text(tcp), "setsockopt(7, SOL_TCP, TCP_NODELAY, [1], 4) = 0");
  EXPECT_EQ(text(tcp, XlatStyle::Raw), "setsockopt(7, 0x6, 0x1, [1], 4) = 0");
}

TEST(Ioctl, TerminalRequestsByStraceName) {
  auto set = call("ioctl", {0, 0x5402, 0x1000});
  set_struct(set, 2, "{c_iflag=ICRNL|IXON, ...}");
  EXPECT_EQ(text(set), "ioctl(0, SNDCTL_TMR_START or TCSETS, {c_iflag=ICRNL|IXON, ...}) = 0");
  auto get = call("ioctl", {0, 0x5401, 0x7ffcfc450c90}, 0, 25);
  EXPECT_EQ(text(get), "ioctl(0, TCGETS, 0x7ffcfc450c90) = -1 ENOTTY (Inappropriate ioctl for device)");
}

TEST(Prctl, OptionsStraceDecodes) {
  // PR_SET_DUMPABLE's argument and PR_GET_DUMPABLE's result by name.
  EXPECT_EQ(text(call("prctl", {4, 0, 0, 0, 0})), "prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE) = 0");
  EXPECT_EQ(text(call("prctl", {4, 1, 0, 0, 0})), "prctl(PR_SET_DUMPABLE, SUID_DUMP_USER) = 0");
  EXPECT_EQ(text(call("prctl", {4, 2, 0, 0, 0}, 0, 22)),
            "prctl(PR_SET_DUMPABLE, SUID_DUMP_ROOT) = -1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("prctl", {4, 7, 0, 0, 0}, 0, 22)),
            "prctl(PR_SET_DUMPABLE, 0x7 /* SUID_DUMP_??? */) = -1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("prctl", {3, 0, 0, 0, 0}, 0)), "prctl(PR_GET_DUMPABLE) = 0 (SUID_DUMP_DISABLE)");
  EXPECT_EQ(text(call("prctl", {3, 0, 0, 0, 0}, 1)), "prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)");
  // The parent-death signal, capabilities, plain numbers.
  EXPECT_EQ(text(call("prctl", {1, 15, 0, 0, 0})), "prctl(PR_SET_PDEATHSIG, SIGTERM) = 0");
  EXPECT_EQ(text(call("prctl", {1, 0, 0, 0, 0})), "prctl(PR_SET_PDEATHSIG, 0) = 0");
  EXPECT_EQ(text(call("prctl", {1, 40, 0, 0, 0})), "prctl(PR_SET_PDEATHSIG, SIGRT_8) = 0");
  auto deathsig = call("prctl", {2, 0x7ffcfc450c7c, 0, 0, 0});
  set_struct(deathsig, 1, "[0]");
  EXPECT_EQ(text(deathsig), "prctl(PR_GET_PDEATHSIG, [0]) = 0");
  EXPECT_EQ(text(call("prctl", {23, 21, 0, 0, 0}, 1)), "prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN) = 1");
  EXPECT_EQ(text(call("prctl", {23, 99, 0, 0, 0}, 0, 22)),
            "prctl(PR_CAPBSET_READ, 0x63 /* CAP_??? */) = -1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("prctl", {24, 99, 0, 0, 0}, 0, 22)),
            "prctl(PR_CAPBSET_DROP, 0x63 /* CAP_??? */) = -1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("prctl", {39, 0, 0, 0, 0})), "prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) = 0");
  EXPECT_EQ(text(call("prctl", {38, 1, 0, 0, 0})), "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0");
  EXPECT_EQ(text(call("prctl", {7, 0, 0, 0, 0})), "prctl(PR_GET_KEEPCAPS) = 0");
  EXPECT_EQ(text(call("prctl", {8, 1, 0, 0, 0})), "prctl(PR_SET_KEEPCAPS, 1) = 0");
  EXPECT_EQ(text(call("prctl", {29, 50000, 0, 0, 0})), "prctl(PR_SET_TIMERSLACK, 50000) = 0");
  EXPECT_EQ(text(call("prctl", {30, 0, 0, 0, 0}, 50000)), "prctl(PR_GET_TIMERSLACK) = 50000");
  EXPECT_EQ(text(call("prctl", {36, 1, 0, 0, 0})), "prctl(PR_SET_CHILD_SUBREAPER, 1) = 0");
  EXPECT_EQ(text(call("prctl", {0x59616d61, 0xffffffffffffffff, 0, 0, 0}, 0, 22)),
            "prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY) = -1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("prctl", {0x59616d61, 0, 0, 0, 0}, 0, 22)),
            "prctl(PR_SET_PTRACER, 0) = -1 EINVAL (Invalid argument)");
  // Ambient capabilities: the operation, and the capability it is about.
  EXPECT_EQ(text(call("prctl", {47, 4, 0, 0, 0})), "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) = 0");
  EXPECT_EQ(text(call("prctl", {47, 3, 21, 0, 0})),
            "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, CAP_SYS_ADMIN, 0, 0) = 0");
  EXPECT_EQ(text(call("prctl", {47, 2, 99, 0, 0}, 0, 22)),
            "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 0x63 /* CAP_??? */, 0, 0) = -1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("prctl", {47, 99, 0, 0, 0}, 0, 22)),
            "prctl(PR_CAP_AMBIENT, 0x63 /* PR_CAP_AMBIENT_??? */, 0, 0, 0) = -1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("prctl", {47, 4, 5, 0, 0}, 0, 22)),
            "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0x5, 0, 0) = -1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("prctl", {47, 3, 21, 0, 0}), XlatStyle::Verbose),
            "prctl(0x2f /* PR_CAP_AMBIENT */, 0x3 /* PR_CAP_AMBIENT_LOWER */, 0x15 /* CAP_SYS_ADMIN */, 0, 0) = 0");
  // Seccomp: the mode, and the filter program for SECCOMP_MODE_FILTER.
  EXPECT_EQ(text(call("prctl", {21, 0, 0, 0, 0})), "prctl(PR_GET_SECCOMP) = 0");
  EXPECT_EQ(text(call("prctl", {22, 1, 0, 0, 0})), "prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) = 0");
  auto filter = call("prctl", {22, 2, 0x7ffc539a3278, 0, 0});
  set_struct(filter, 2, "{len=1, filter=0x7ffc539a3288}");
  EXPECT_EQ(text(filter), "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=1, filter=0x7ffc539a3288}) = 0");
  EXPECT_EQ(text(call("prctl", {22, 2, 0, 0, 0}, 0, 14)),
            "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL) = -1 EFAULT (Bad address)");
  EXPECT_EQ(text(call("prctl", {22, 99, 0, 0x7fdacbfbc45d, 0}, 0, 22)),
            "prctl(PR_SET_SECCOMP, 0x63 /* SECCOMP_MODE_??? */, 0, 0x7fdacbfbc45d, 0) = -1 EINVAL "
            "(Invalid argument)");
  // The thread's name: strace shows at most 15 bytes of it.
  auto name = call("prctl", {15, 0x1000, 0, 0, 0});
  testing_events::set_string(name, 1, "worker-thread-l");
  name.args[1].truncated = true;
  EXPECT_EQ(text(name), "prctl(PR_SET_NAME, \"worker-thread-l\"...) = 0");
}

TEST(PollAndSelect, PselectSigmask) {
  auto s = call("pselect6", {1, 0x1000, 0, 0, 0x3000, 0x4000}, 1);
  set_struct(s, 1, "[0]", "in [0]");
  set_struct(s, 4, "{tv_sec=1, tv_nsec=0}", "left {tv_sec=0, tv_nsec=999998878}");
  set_struct(s, 5, "{sigmask=NULL, sigsetsize=8}");
  EXPECT_EQ(text(s), "pselect6(1, [0], NULL, NULL, {tv_sec=1, tv_nsec=0}, {sigmask=NULL, sigsetsize=8}) = 1 "
                     "(in [0], left {tv_sec=0, tv_nsec=999998878})");
  auto p = call("ppoll", {0x1000, 1, 0x2000, 0, 8}, 1);
  set_struct(p, 0, "[{fd=0, events=POLLIN}]", "[{fd=0, revents=POLLIN}]");
  set_struct(p, 2, "{tv_sec=1, tv_nsec=0}", "left {tv_sec=0, tv_nsec=999170000}");
  EXPECT_EQ(text(p), "ppoll([{fd=0, events=POLLIN}], 1, {tv_sec=1, tv_nsec=0}, NULL, 8) = 1 "
                     "([{fd=0, revents=POLLIN}], left {tv_sec=0, tv_nsec=999170000})");
}

// mknod's device only for a character or block device, its mode with the
// file type when it names one (strace's mknod.c and mknodat.c).
TEST(Mknod, DeviceOnlyForADevice) {
  auto plain = call("mknod", {0x1000, 0, 0xbadc0ded}, 0, EEXIST);
  set_string(plain, 0, "../mknod");
  EXPECT_EQ(text(plain), "mknod(\"../mknod\", 000) = -1 EEXIST (File exists)");
  auto odd = call("mknod", {0x1000, 0177777, 0}, 0, EINVAL);
  set_string(odd, 0, "../mknod");
  EXPECT_EQ(text(odd), "mknod(\"../mknod\", 0177777) = -1 EINVAL (Invalid argument)");
  auto fifo = call("mknodat", {static_cast<std::uint64_t>(-1), 0x1000, 010600, 0}, 0, EBADF);
  set_string(fifo, 1, "mknodat_sample");
  EXPECT_EQ(text(fifo), "mknodat(-1, \"mknodat_sample\", S_IFIFO|0600) = -1 EBADF (Bad file descriptor)");
  auto chr = call("mknod", {0x1000, 020024, 0x107}, 0, EEXIST);
  set_string(chr, 0, "../mknod");
  EXPECT_EQ(text(chr), "mknod(\"../mknod\", S_IFCHR|024, makedev(0x1, 0x7)) = -1 EEXIST (File exists)");
}

// time()'s result with its date, as strace's time.c prints it.
TEST(Time, ResultWithItsDate) {
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(text(call("time", {0}, 1492350678)), "time(NULL) = 1492350678 (2017-04-16T13:51:18+0000)");
}

// add_key's keyring: a KEY_SPEC_* name, else the int as strace's "%d" prints it.
TEST(Keys, KeyringByNameOrSigned) {
  auto thread = call("add_key", {0, 0, 0, 0, 0xffffffff}, 0, EFAULT);
  auto other = call("request_key", {0, 0, 0, static_cast<std::uint32_t>(-1234567890)}, 0, EFAULT);
  for (int i = 0; i < 3; ++i) thread.args[i].form = other.args[i].form = ArgValue::Form::Null;
  EXPECT_EQ(text(thread), "add_key(NULL, NULL, NULL, 0, KEY_SPEC_THREAD_KEYRING) = -1 EFAULT (Bad address)");
  EXPECT_EQ(text(other), "request_key(NULL, NULL, NULL, -1234567890) = -1 EFAULT (Bad address)");
}

// syslog's action with its number, and only the arguments it reads
// (strace's syslog.c).
TEST(Syslog, ArgumentsByAction) {
  EXPECT_EQ(text(call("syslog", {0, 0, static_cast<std::uint32_t>(-1)})), "syslog(0 /* SYSLOG_ACTION_CLOSE */) = 0");
  EXPECT_EQ(text(call("syslog", {10, 0, 0}, 131072)), "syslog(10 /* SYSLOG_ACTION_SIZE_BUFFER */) = 131072");
  EXPECT_EQ(text(call("syslog", {static_cast<std::uint32_t>(-1), 0xfacefeeddeadbeef, static_cast<std::uint32_t>(-1)},
                      0, EINVAL)),
            "syslog(-1 /* SYSLOG_ACTION_??? */, 0xfacefeeddeadbeef, -1) = -1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("syslog", {8, 0, 3})), "syslog(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 3 /* LOGLEVEL_ERR */) = 0");
  EXPECT_EQ(text(call("syslog", {8, 0, 8})),
            "syslog(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 8 /* LOGLEVEL_DEBUG+1 */) = 0");
}

// A mode whose policy has no name: strace shows the whole value as flags.
TEST(Mempolicy, UnknownPolicyAsFlags) {
  EXPECT_EQ(text(call("set_mempolicy", {0xffffffff, 0, 0}, 0, EINVAL)),
            "set_mempolicy(MPOL_F_STATIC_NODES|MPOL_F_RELATIVE_NODES|MPOL_F_NUMA_BALANCING|0xffff1fff, NULL, 0) = "
            "-1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("set_mempolicy", {6, 0, 0}, 0, EINVAL)),
            "set_mempolicy(0x6 /* MPOL_??? */, NULL, 0) = -1 EINVAL (Invalid argument)");
  // A node mask of no node: "[]".
  std::uint64_t raw[6] = {0, 0x1000, 0};
  SyscallEvent none = call("set_mempolicy", {0, 0x1000, 0});
  detail::decode_entry(getpid(), none, raw, 0, detail::DecodeLimits{});
  none.err = EINVAL;
  none.result = -EINVAL;
  EXPECT_EQ(text(none), "set_mempolicy(MPOL_DEFAULT, [], 0) = -1 EINVAL (Invalid argument)");
  raw[2] = 1;  // maxnode 1 reads no node either, and strace shows the address
  SyscallEvent one = call("set_mempolicy", {0, 0x1000, 1});
  detail::decode_entry(getpid(), one, raw, 0, detail::DecodeLimits{});
  EXPECT_EQ(text(one), "set_mempolicy(MPOL_DEFAULT, 0x1000, 1) = 0");
}

// kcmp's indexes as its type says (strace's kcmp.c), sethostname's name
// as an address beyond the kernel's 64 bytes.
TEST(Kcmp, IndexesByType) {
  std::uint64_t raw[6] = {static_cast<std::uint32_t>(-1), static_cast<std::uint32_t>(-1), 1, 5, 6};
  SyscallEvent vm = call("kcmp", {raw[0], raw[1], 1, 5, 6}, 0, ESRCH);
  detail::decode_entry(getpid(), vm, raw, 0, detail::DecodeLimits{});
  EXPECT_EQ(text(vm), "kcmp(-1, -1, KCMP_VM) = -1 ESRCH (No such process)");
  raw[2] = 0;
  raw[3] = 0xdec0ded3dec0ded4;
  raw[4] = 0xba5e1e55deadc0de;
  SyscallEvent file = call("kcmp", {raw[0], raw[1], 0, raw[3], raw[4]}, 0, ESRCH);
  detail::decode_entry(getpid(), file, raw, 0, detail::DecodeLimits{});
  EXPECT_EQ(text(file), "kcmp(-1, -1, KCMP_FILE, -557785388, -559038242) = -1 ESRCH (No such process)");
  raw[0] = raw[1] = 27575;
  raw[3] = 23;
  raw[4] = 42;
  SyscallEvent same = call("kcmp", {raw[0], raw[1], 0, 23, 42}, 1);
  detail::decode_entry(getpid(), same, raw, 0, detail::DecodeLimits{});
  EXPECT_EQ(text(same), "kcmp(27575, 27575, KCMP_FILE, 23, 42) = 1");  // no scheduling policy
  auto host = call("sethostname", {0x7efcfb4aefbf, 65}, 0, EINVAL);
  EXPECT_EQ(text(host), "sethostname(0x7efcfb4aefbf, 65) = -1 EINVAL (Invalid argument)");
}

// fanotify_init's class, then its flags (strace's fanotify.c).
TEST(Fanotify, ClassThenFlags) {
  EXPECT_EQ(text(call("fanotify_init", {0, 0}, 3)), "fanotify_init(FAN_CLASS_NOTIF, O_RDONLY) = 3");
  EXPECT_EQ(text(call("fanotify_init", {0xeface004, 0}, 0, EINVAL)),
            "fanotify_init(FAN_CLASS_CONTENT|0xeface000 /* FAN_??? */, O_RDONLY) = -1 EINVAL (Invalid argument)");
  EXPECT_EQ(text(call("fanotify_init", {0xd, 0}, 0, EINVAL)),
            "fanotify_init(0xc /* FAN_CLASS_??? */|FAN_CLOEXEC, O_RDONLY) = -1 EINVAL (Invalid argument)");
}

// getrandom's bytes in hex, even when all of them are printable (strace's
// QUOTE_FORCE_HEX): getrandom("\x3b\x45\x2f", 3, 0).
TEST(Getrandom, BytesAlwaysInHex) {
  auto e = call("getrandom", {0x1000, 3, 0}, 3);
  e.args[0].form = ArgValue::Form::Bytes;
  e.args[0].bytes = ";E/";
  EXPECT_EQ(text(e), "getrandom(\"\\x3b\\x45\\x2f\", 3, 0) = 3");
}

}  // namespace
}  // namespace syspect
