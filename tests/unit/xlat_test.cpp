// Constant families: rendering as strace prints them, and name lookups.

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

#include "syspect/xlat.hpp"

namespace {

using syspect::find_xlat;
using syspect::xlat_format;

const syspect::Xlat& family(const char* name) {
  const syspect::Xlat* x = find_xlat(name);
  if (x == nullptr) throw std::runtime_error(std::string("no family ") + name);
  return *x;
}

TEST(XlatFormat, OpenFlags) {
  const auto& f = family("open_flags");
  EXPECT_EQ(f.kind, syspect::XlatKind::Flags);
  EXPECT_EQ(f.enum_mask, 3u);
  EXPECT_EQ(xlat_format(f, 0), "O_RDONLY");
  EXPECT_EQ(xlat_format(f, 02000000), "O_RDONLY|O_CLOEXEC");
  EXPECT_EQ(xlat_format(f, 01 | 0100 | 01000), "O_WRONLY|O_CREAT|O_TRUNC");
  EXPECT_EQ(xlat_format(f, 0x40000000), "O_RDONLY|0x40000000");
  EXPECT_EQ(xlat_format(f, 02 | 02000), "O_RDWR|O_APPEND");
  EXPECT_EQ(xlat_format(f, 04000 | 02000000 | 0200000), "O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY");
  EXPECT_EQ(xlat_format(f, 01 | 02000000 | 020200000), "O_WRONLY|O_CLOEXEC|O_TMPFILE");
  EXPECT_EQ(xlat_format(f, 0100000), "O_RDONLY|O_LARGEFILE");
  EXPECT_EQ(xlat_format(f, 04010000), "O_RDONLY|O_SYNC");
  EXPECT_EQ(xlat_format(f, 010000), "O_RDONLY|O_DSYNC");
  EXPECT_EQ(xlat_format(f, 03), "O_ACCMODE");
  EXPECT_EQ(xlat_format(f, 01 | 0100 | 01000 | 02000000 | 0x40000000),
            "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC|0x40000000");
}

TEST(XlatFormat, ZeroValues) {
  EXPECT_EQ(xlat_format(family("mmap_prot"), 0), "PROT_NONE");
  EXPECT_EQ(xlat_format(family("access_modes"), 0), "F_OK");
  EXPECT_EQ(xlat_format(family("at_flags"), 0), "0");
  EXPECT_EQ(xlat_format(family("pipe_flags"), 0), "0");
  EXPECT_EQ(xlat_format(family("dup3_flags"), 0), "0");
  EXPECT_EQ(xlat_format(family("wait_options"), 0), "0");
  EXPECT_EQ(xlat_format(family("getrandom_flags"), 0), "0");
}

TEST(XlatFormat, NoKnownBits) {
  EXPECT_EQ(xlat_format(family("at_flags"), 0x10000000), "0x10000000");
  // A family strace prints with a default text (printflags's "PROT_???").
  EXPECT_EQ(xlat_format(family("mmap_prot"), 0x80), "0x80 /* PROT_??? */");
  EXPECT_EQ(xlat_format(family("mmap_prot"), 0x81), "PROT_READ|0x80");
}

TEST(XlatFormat, CommonFlags) {
  EXPECT_EQ(xlat_format(family("mmap_prot"), 3), "PROT_READ|PROT_WRITE");
  EXPECT_EQ(xlat_format(family("mmap_prot"), 5), "PROT_READ|PROT_EXEC");
  const auto& mf = family("mmap_flags");
  EXPECT_EQ(xlat_format(mf, 0x02 | 0x10 | 0x20), "MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS");
  EXPECT_EQ(xlat_format(mf, 0x02 | 0x10 | 0x800), "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE");
  EXPECT_EQ(xlat_format(mf, 0x01 | 0x20 | 0x8000), "MAP_SHARED|MAP_ANONYMOUS|MAP_POPULATE");
  EXPECT_EQ(xlat_format(mf, 0x02), "MAP_PRIVATE");
  EXPECT_EQ(xlat_format(family("clone_flags"), 0x01200000), "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID");
  EXPECT_EQ(xlat_format(family("clone_flags"), 0x003d0f00),
            "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|"
            "CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID");
  EXPECT_EQ(xlat_format(family("access_modes"), 4), "R_OK");
  EXPECT_EQ(xlat_format(family("access_modes"), 7), "R_OK|W_OK|X_OK");
  EXPECT_EQ(xlat_format(family("socket_types"), 1 | 02000000 | 04000), "SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK");
  EXPECT_EQ(xlat_format(family("socket_types"), 2), "SOCK_DGRAM");
  EXPECT_EQ(xlat_format(family("at_flags"), 0x1000), "AT_EMPTY_PATH");
  EXPECT_EQ(xlat_format(family("statx_flags"), 0x100 | 0x800),
            "AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT");
  EXPECT_EQ(xlat_format(family("statx_mask"), 0x2 | 0x4 | 0x8 | 0x10 | 0x40 | 0x200),
            "STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_MTIME|STATX_SIZE");
  EXPECT_EQ(xlat_format(family("statx_mask"), 0x17ff), "STATX_BASIC_STATS|STATX_MNT_ID");
  EXPECT_EQ(xlat_format(family("wait_options"), 1 | 2 | 8), "WNOHANG|WSTOPPED|WCONTINUED");
  EXPECT_EQ(xlat_format(family("wait_options"), 1 | 2 | 4), "WNOHANG|WEXITED|WSTOPPED");  // strace's order
  EXPECT_EQ(xlat_format(family("wait_options"), 0xe0000000), "__WCLONE|__WALL|__WNOTHREAD");
  EXPECT_EQ(xlat_format(family("getrandom_flags"), 3), "GRND_NONBLOCK|GRND_RANDOM");
  EXPECT_EQ(xlat_format(family("eventfd_flags"), 1 | 02000000 | 04000), "EFD_SEMAPHORE|EFD_CLOEXEC|EFD_NONBLOCK");
  EXPECT_EQ(xlat_format(family("pipe_flags"), 04000 | 02000000), "O_NONBLOCK|O_CLOEXEC");
  EXPECT_EQ(xlat_format(family("fd_flags"), 1), "FD_CLOEXEC");
}

TEST(XlatFormat, Enums) {
  const auto& r = family("rlimit_resources");
  EXPECT_EQ(r.kind, syspect::XlatKind::Enum);
  EXPECT_EQ(xlat_format(r, 3), "RLIMIT_STACK");
  EXPECT_EQ(xlat_format(r, 7), "RLIMIT_NOFILE");
  EXPECT_EQ(xlat_format(r, 0x123), "0x123 /* RLIMIT_??? */");  // as strace: hex, the prefix
  const auto& w = family("lseek_whence");
  EXPECT_EQ(xlat_format(w, 0), "SEEK_SET");
  EXPECT_EQ(xlat_format(w, 4), "SEEK_HOLE");
  EXPECT_EQ(xlat_format(w, 42), "0x2a /* SEEK_??? */");
  EXPECT_EQ(xlat_format(family("arch_prctl_codes"), 0x1002), "ARCH_SET_FS");
  EXPECT_EQ(xlat_format(family("futex_ops"), 129), "FUTEX_WAKE_PRIVATE");
  EXPECT_EQ(xlat_format(family("fcntl_cmds"), 1030), "F_DUPFD_CLOEXEC");
  EXPECT_EQ(xlat_format(family("address_families"), 1), "AF_UNIX");
  EXPECT_EQ(xlat_format(family("address_families"), 10), "AF_INET6");
  EXPECT_EQ(xlat_format(family("ioctl_cmds"), 0x5401), "TCGETS");
  EXPECT_EQ(xlat_format(family("ioctl_cmds"), 0x1234), "0x1234");
  EXPECT_EQ(xlat_format(family("fadvise_advice"), 2), "POSIX_FADV_SEQUENTIAL");
  EXPECT_EQ(xlat_format(family("sigprocmask_how"), 2), "SIG_SETMASK");
  // Negative values are kept as 64-bit two's complement.
  EXPECT_EQ(xlat_format(family("rusage_who"), static_cast<std::uint64_t>(-1)), "RUSAGE_CHILDREN");
}

TEST(XlatLookup, NamesAndAliases) {
  const auto& e = syspect::errno_names();
  EXPECT_EQ(syspect::xlat_value(e, "EAGAIN"), 11u);
  EXPECT_EQ(syspect::xlat_value(e, "EWOULDBLOCK"), 11u);
  EXPECT_EQ(syspect::xlat_value(e, "EDEADLOCK"), syspect::xlat_value(e, "EDEADLK"));
  EXPECT_EQ(syspect::xlat_value(e, "ENOTSUP"), 95u);
  EXPECT_STREQ(syspect::xlat_name(e, 11), "EAGAIN");
  EXPECT_STREQ(syspect::xlat_name(e, 35), "EDEADLK");
  EXPECT_STREQ(syspect::xlat_name(e, 95), "EOPNOTSUPP");
  EXPECT_EQ(syspect::xlat_name(e, 100000), nullptr);
  EXPECT_FALSE(syspect::xlat_value(e, "ENOTANERROR").has_value());
  const auto& s = syspect::signal_names();
  EXPECT_EQ(syspect::xlat_value(s, "SIGIOT"), 6u);
  EXPECT_STREQ(syspect::xlat_name(s, 6), "SIGABRT");
  EXPECT_EQ(syspect::xlat_value(family("open_flags"), "O_NDELAY"), 04000u);
  EXPECT_EQ(xlat_format(family("open_flags"), 04000), "O_RDONLY|O_NONBLOCK");
  EXPECT_EQ(syspect::xlat_value(family("wait_options"), "WUNTRACED"), 2u);
}

TEST(XlatLookup, FindFamily) {
  EXPECT_EQ(find_xlat("no_such_family"), nullptr);
  EXPECT_EQ(find_xlat(""), nullptr);
  EXPECT_EQ(&syspect::errno_names(), find_xlat("errnos"));
  EXPECT_EQ(&syspect::signal_names(), find_xlat("signals"));
  for (const char* name : {"open_flags", "at_flags", "mmap_prot", "mmap_flags", "madvise_advice", "clone_flags",
                           "access_modes", "fcntl_cmds", "fd_flags", "lseek_whence", "rlimit_resources",
                           "arch_prctl_codes", "address_families", "socket_types", "sigprocmask_how",
                           "wait_options", "getrandom_flags", "prctl_options", "futex_ops", "epoll_ctl_ops",
                           "poll_events", "mremap_flags", "msync_flags", "eventfd_flags", "timerfd_create_flags",
                           "inotify_init_flags", "memfd_flags", "shutdown_how", "priority_which", "itimer_which",
                           "clockids", "pipe_flags"}) {
    const auto* x = find_xlat(name);
    ASSERT_NE(x, nullptr) << name;
    EXPECT_STREQ(x->family, name);
    EXPECT_FALSE(x->entries.empty()) << name;
  }
}

TEST(Errno, NamesAndMessages) {
  EXPECT_STREQ(syspect::errno_name(ENOENT), "ENOENT");
  EXPECT_STREQ(syspect::errno_name(EPERM), "EPERM");
  EXPECT_STREQ(syspect::errno_name(EAGAIN), "EAGAIN");
  EXPECT_STREQ(syspect::errno_name(EHWPOISON), "EHWPOISON");
  EXPECT_STREQ(syspect::errno_name(512), "ERESTARTSYS");
  EXPECT_STREQ(syspect::errno_name(513), "ERESTARTNOINTR");
  EXPECT_STREQ(syspect::errno_name(514), "ERESTARTNOHAND");
  EXPECT_STREQ(syspect::errno_name(515), "ENOIOCTLCMD");
  EXPECT_STREQ(syspect::errno_name(516), "ERESTART_RESTARTBLOCK");
  EXPECT_STREQ(syspect::errno_name(524), "ENOTSUPP");
  EXPECT_EQ(syspect::errno_name(0), nullptr);
  EXPECT_EQ(syspect::errno_name(-1), nullptr);
  EXPECT_EQ(syspect::errno_name(4000), nullptr);

  EXPECT_EQ(syspect::errno_message(ENOENT), "No such file or directory");
  EXPECT_EQ(syspect::errno_message(ENOTTY), "Inappropriate ioctl for device");
  EXPECT_EQ(syspect::errno_message(EAGAIN), "Resource temporarily unavailable");
  EXPECT_EQ(syspect::errno_message(ECHILD), "No child processes");
  EXPECT_EQ(syspect::errno_message(EOPNOTSUPP), "Operation not supported");
  EXPECT_EQ(syspect::errno_message(512), "To be restarted if SA_RESTART is set");
  EXPECT_EQ(syspect::errno_message(513), "To be restarted");
  EXPECT_EQ(syspect::errno_message(514), "To be restarted if no handler");
  EXPECT_EQ(syspect::errno_message(515), "Inappropriate ioctl for device");
  EXPECT_EQ(syspect::errno_message(516), "Interrupted by signal");
  EXPECT_EQ(syspect::errno_message(4000), "Unknown error 4000");
  // Every errno below 512 has the libc's text.
  for (const auto& e : syspect::errno_names().entries) {
    if (e.value < 512) {
      EXPECT_EQ(syspect::errno_message(static_cast<int>(e.value)), std::strerror(static_cast<int>(e.value)))
          << e.name;
    }
  }
}

TEST(Signals, Names) {
  EXPECT_EQ(syspect::signal_name(SIGHUP), "SIGHUP");
  EXPECT_EQ(syspect::signal_name(SIGCHLD), "SIGCHLD");
  EXPECT_EQ(syspect::signal_name(SIGABRT), "SIGABRT");
  EXPECT_EQ(syspect::signal_name(SIGIO), "SIGIO");
  EXPECT_EQ(syspect::signal_name(SIGKILL), "SIGKILL");
  EXPECT_EQ(syspect::signal_name(SIGSYS), "SIGSYS");
  EXPECT_EQ(syspect::signal_name(31), "SIGSYS");
  // Real-time signals as strace 6.1 prints them.
  EXPECT_EQ(syspect::signal_name(32), "SIGRTMIN");
  EXPECT_EQ(syspect::signal_name(33), "SIGRT_1");
  EXPECT_EQ(syspect::signal_name(34), "SIGRT_2");
  EXPECT_EQ(syspect::signal_name(40), "SIGRT_8");
  EXPECT_EQ(syspect::signal_name(64), "SIGRT_32");
  // Out of range: the number.
  EXPECT_EQ(syspect::signal_name(0), "0");
  EXPECT_EQ(syspect::signal_name(65), "65");
  EXPECT_EQ(syspect::signal_name(-3), "-3");
}

}  // namespace
