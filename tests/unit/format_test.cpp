// The strace notation, on events built by hand: every expected string here
// is what strace 6.1 prints for the same call.

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sched.h>
#include <sys/mman.h>
#include <signal.h>

#include <gtest/gtest.h>

#include "hand_made.hpp"
#include "syspect/format.hpp"
#include "syspect/syscall_table.hpp"

namespace syspect {
namespace {

using testing_events::call;
using testing_events::set_string;

std::string text(const SyscallEvent& e) {
  FormatOptions o;
  o.align = false;
  return format_syscall(e, o);
}

TEST(QuoteString, EscapesAsStrace) {
  EXPECT_EQ(quote_string("hi\n", 32), R"("hi\n")");
  EXPECT_EQ(quote_string("a\"b\\c", 32), R"("a\"b\\c")");
  EXPECT_EQ(quote_string("\t\r\v\f", 32), R"("\t\r\v\f")");
  // Octal as short as it stays unambiguous: three digits before an octal digit.
  EXPECT_EQ(quote_string(std::string("\0\0", 2), 32), R"("\0\0")");
  EXPECT_EQ(quote_string(std::string("\0" "1", 2), 32), R"("\0001")");
  EXPECT_EQ(quote_string(std::string("\4" "9", 2), 32), R"("\49")");
  EXPECT_EQ(quote_string("\177ELF\2\1", 32), R"("\177ELF\2\1")");
  EXPECT_EQ(quote_string("\xff", 32), R"("\377")");
}

// strace -x, -xx, --strings-in-hex=non-ascii-chars (outputs checked with strace 6.1).
TEST(QuoteString, InHexAsStraceX) {
  const std::string bytes("abc\t\n\001\3777\303\251\"\\", 12);
  EXPECT_EQ(quote_string(bytes, 32, false, HexStrings::NonAscii),
            R"("\x61\x62\x63\x09\x0a\x01\xff\x37\xc3\xa9\x22\x5c")");
  EXPECT_EQ(quote_string(bytes, 32, false, HexStrings::All),
            R"("\x61\x62\x63\x09\x0a\x01\xff\x37\xc3\xa9\x22\x5c")");
  EXPECT_EQ(quote_string(bytes, 32, false, HexStrings::NonAsciiChars), R"("abc\t\n\x01\xff7\xc3\xa9\"\\")");
  // -x: printable ASCII and whitespace only, so as usual; -xx: in hex anyway.
  EXPECT_EQ(quote_string("a b\n", 32, false, HexStrings::NonAscii), R"("a b\n")");
  EXPECT_EQ(quote_string("ab", 32, false, HexStrings::All), R"("\x61\x62")");
  // Only the bytes shown decide, and the cut keeps its dots.
  EXPECT_EQ(quote_string("ab\001", 2, false, HexStrings::NonAscii), R"("ab"...)");
}

TEST(QuoteString, CutsAtTheLimitWithDots) {
  EXPECT_EQ(quote_string("abcdef", 3), R"("abc"...)");
  EXPECT_EQ(quote_string("abc", 3), R"("abc")");
  EXPECT_EQ(quote_string("abc", 3, true), R"("abc"...)");
  EXPECT_EQ(quote_string("", 32), R"("")");
}

TEST(FormatSyscall, OpenatShowsModeOnlyWhenCreating) {
  auto e = call("openat", {static_cast<std::uint64_t>(-100), 1, O_RDONLY | O_CLOEXEC, 0}, 3);
  set_string(e, 1, "/etc/hostname");
  EXPECT_EQ(text(e), R"(openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3)");

  auto c = call("openat", {static_cast<std::uint64_t>(-100), 1, O_WRONLY | O_CREAT | O_TRUNC, 0644}, 4);
  set_string(c, 1, "out");
  EXPECT_EQ(text(c), R"(openat(AT_FDCWD, "out", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4)");

  // O_DIRECTORY shares a bit with O_TMPFILE, but is no reason for a mode.
  auto d = call("openat", {static_cast<std::uint64_t>(-100), 1,
                           O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_DIRECTORY, 0}, 3);
  set_string(d, 1, "/usr/bin");
  EXPECT_EQ(text(d), R"(openat(AT_FDCWD, "/usr/bin", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 3)");

  // The kernel's __O_TMPFILE bit without O_DIRECTORY's is one, as strace.
  auto t = call("openat", {static_cast<std::uint64_t>(-1), 1, 020000000, 0}, 0, EINVAL);
  set_string(t, 1, "x");
  EXPECT_EQ(text(t), R"(openat(-1, "x", O_RDONLY|__O_TMPFILE, 000) = -1 EINVAL (Invalid argument))");
}

TEST(FormatSyscall, ErrorsAndRestarts) {
  auto e = call("openat", {static_cast<std::uint64_t>(-100), 1, O_RDONLY, 0}, 0, ENOENT);
  set_string(e, 1, "/nonexistent");
  EXPECT_EQ(text(e), R"(openat(AT_FDCWD, "/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory))");

  auto r = call("read", {0, 0x7ffc0000, 10}, 0, 512);
  r.args[1].form = ArgValue::Form::Pointer;
  EXPECT_EQ(text(r), "read(0, 0x7ffc0000, 10) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)");
}

TEST(FormatSyscall, UnfinishedShowsTheInputsSoFar) {
  auto r = call("read", {3, 0x7ffc0000, 10});
  r.args[1].form = ArgValue::Form::Pointer;
  r.finished = false;
  EXPECT_EQ(text(r), "read(3,  <unfinished ...>) = ?");
  auto p = call("pause", {});
  p.finished = false;
  EXPECT_EQ(text(p), "pause( <unfinished ...>) = ?");
  auto x = call("exit_group", {0});
  x.no_return = true;
  EXPECT_EQ(text(x), "exit_group(0) = ?");
}

TEST(FormatSyscall, AlignsTheResultAtColumn40) {
  auto e = call("getppid", {}, 1234);
  FormatOptions o;
  EXPECT_EQ(format_syscall(e, o), "getppid()                               = 1234");
  // The prefix counts: "12345 " takes six columns.
  EXPECT_EQ(format_syscall(e, o, 6), "getppid()                         = 1234");
}

TEST(FormatSyscall, UnknownNumberLikeStrace) {
  SyscallEvent e;
  e.nr = 1000;
  e.nargs = 6;
  for (int i = 0; i < 6; ++i) e.args[i].raw = static_cast<std::uint64_t>(i + 1);
  e.result = -ENOSYS;
  e.err = ENOSYS;
  EXPECT_EQ(text(e), "syscall_0x3e8(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)");
}

TEST(FormatSyscall, FcntlArgumentsDependOnTheCommand) {
  EXPECT_EQ(text(call("fcntl", {0, F_GETFD, 0x7ffc}, 0)), "fcntl(0, F_GETFD) = 0");
  EXPECT_EQ(text(call("fcntl", {5, F_SETFD, FD_CLOEXEC}, 0)), "fcntl(5, F_SETFD, FD_CLOEXEC) = 0");
  EXPECT_EQ(text(call("fcntl", {5, F_GETFL, 0}, 0x28800)),
            "fcntl(5, F_GETFL) = 0x28800 (flags O_RDONLY|O_NONBLOCK|O_LARGEFILE|O_NOFOLLOW)");
  EXPECT_EQ(text(call("fcntl", {4, F_DUPFD_CLOEXEC, 3}, 5)), "fcntl(4, F_DUPFD_CLOEXEC, 3) = 5");
}

TEST(FormatSyscall, SocketOptionsAreNamedByTheirLevel) {
  EXPECT_EQ(text(call("setsockopt", {3, SOL_IP, IP_RECVERR, 0, 4}, 0)),
            "setsockopt(3, SOL_IP, IP_RECVERR, NULL, 4) = 0");
  EXPECT_EQ(text(call("setsockopt", {3, SOL_IPV6, IPV6_V6ONLY, 0, 4}, 0)),
            "setsockopt(3, SOL_IPV6, IPV6_V6ONLY, NULL, 4) = 0");
  EXPECT_EQ(text(call("setsockopt", {3, SOL_NETLINK, 11, 0, 4}, 0)),
            "setsockopt(3, SOL_NETLINK, NETLINK_EXT_ACK, NULL, 4) = 0");
}

TEST(FormatSyscall, CloneNamesItsArguments) {
  auto e = call("clone", {CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD, 0, 0, 0x7f0000000a10, 0},
                2001);
  EXPECT_EQ(text(e),
            "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
            "child_tidptr=0x7f0000000a10) = 2001");
}

TEST(FormatSyscall, MmapFlagsAndHexResult) {
  auto e = call("mmap", {0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                         static_cast<std::uint64_t>(-1), 0},
                0x7fe004405000);
  e.args[0].form = ArgValue::Form::Null;
  EXPECT_EQ(text(e),
            "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fe004405000");
}

TEST(FormatSyscall, StructsAsDecoded) {
  auto e = call("rt_sigaction", {SIGINT, 0x1000, 0x2000, 8});
  e.args[1].form = ArgValue::Form::Null;
  e.args[2].form = ArgValue::Form::Struct;
  e.args[2].text = "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}";
  e.args[1].raw = 0;
  EXPECT_EQ(text(e), "rt_sigaction(SIGINT, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0");
}

TEST(FormatEvents, SignalsAndExits) {
  SignalEvent s;
  s.signo = SIGCHLD;
  s.code = CLD_EXITED;
  s.sender_pid = 2001;
  EXPECT_EQ(format_signal(s),
            "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2001, si_uid=0, si_status=0, "
            "si_utime=0, si_stime=0} ---");
  // CPU times in clock ticks, with the seconds strace adds (100 ticks a second).
  s.utime = 150;
  s.stime = 1;
  EXPECT_EQ(format_signal(s),
            "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2001, si_uid=0, si_status=0, "
            "si_utime=150 /* 1.50 s */, si_stime=1 /* 0.01 s */} ---");
  EXPECT_EQ(format_signal(s, XlatStyle::Raw),
            "--- SIGCHLD {si_signo=17, si_code=0x1, si_pid=2001, si_uid=0, si_status=0, si_utime=150, si_stime=1} ---");
  SignalEvent k;
  k.signo = SIGALRM;
  k.code = SI_KERNEL;
  EXPECT_EQ(format_signal(k), "--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---");
  SignalEvent stop;
  stop.signo = SIGSTOP;
  stop.stopped = true;
  EXPECT_EQ(format_signal(stop), "--- stopped by SIGSTOP ---");

  ExitEvent x;
  x.code = 3;
  EXPECT_EQ(format_exit(x), "+++ exited with 3 +++");
  ExitEvent killed;
  killed.signaled = true;
  killed.signal = SIGSEGV;
  killed.core_dumped = true;
  EXPECT_EQ(format_exit(killed), "+++ killed by SIGSEGV (core dumped) +++");
  ExitEvent gone;
  gone.superseded_by = 2956;
  EXPECT_EQ(format_exit(gone), "+++ superseded by execve in pid 2956 +++");
}

}  // namespace
}  // namespace syspect
