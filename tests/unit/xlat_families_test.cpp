// Every constant family against strace-style expected strings: names, zero
// values, unknown bits and values, and the three -X styles.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "syspect/xlat.hpp"

namespace {

using syspect::find_xlat;
using syspect::xlat_format;
using syspect::XlatKind;
using syspect::XlatStyle;

const syspect::Xlat& family(const char* name) {
  const syspect::Xlat* x = find_xlat(name);
  if (x == nullptr) throw std::runtime_error(std::string("no family ") + name);
  return *x;
}

struct Case {
  const char* family;
  std::uint64_t value;
  const char* abbrev;   // strace's default
  const char* raw;      // strace -X raw
  const char* verbose;  // strace -X verbose
};

// What strace 6.1 prints for these values (from its output for the same
// calls), one or more per family.
const Case kCases[] = {
    {"open_flags", 0, "O_RDONLY", "0", "0 /* O_RDONLY */"},
    // A flags family strace prints with a default text: no named bit.
    {"fsopen_flags", 0x2, "0x2 /* FSOPEN_??? */", "0x2", "0x2 /* FSOPEN_??? */"},
    {"fsopen_flags", 0xffffffff, "FSOPEN_CLOEXEC|0xfffffffe", "0xffffffff",
     "0xffffffff /* FSOPEN_CLOEXEC|0xfffffffe */"},
    {"fsopen_flags", 0, "0", "0", "0"},
    {"pidfd_open_flags", 0x800, "PIDFD_NONBLOCK", "0x800", "0x800 /* PIDFD_NONBLOCK */"},
    {"semop_flags", 0xbeef, "SEM_UNDO|IPC_NOWAIT|0xa6ef", "0xbeef", "0xbeef /* SEM_UNDO|IPC_NOWAIT|0xa6ef */"},
    {"fsmount_attr_flags", 0x40, "0x40 /* MOUNT_ATTR_??? */", "0x40", "0x40 /* MOUNT_ATTR_??? */"},
    {"fsmount_attr_flags", 0x11, "MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOATIME", "0x11",
     "0x11 /* MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOATIME */"},
    {"io_uring_enter_flags", 0xffffffff,
     "IORING_ENTER_GETEVENTS|IORING_ENTER_SQ_WAKEUP|IORING_ENTER_SQ_WAIT|IORING_ENTER_EXT_ARG|"
     "IORING_ENTER_REGISTERED_RING|0xffffffe0",
     "0xffffffff",
     "0xffffffff /* IORING_ENTER_GETEVENTS|IORING_ENTER_SQ_WAKEUP|IORING_ENTER_SQ_WAIT|IORING_ENTER_EXT_ARG|"
     "IORING_ENTER_REGISTERED_RING|0xffffffe0 */"},
    {"landlock_create_ruleset_flags", 0xbadcaffe, "0xbadcaffe /* LANDLOCK_CREATE_RULESET_??? */", "0xbadcaffe",
     "0xbadcaffe /* LANDLOCK_CREATE_RULESET_??? */"},
    {"setns_types", 0x80, "CLONE_NEWTIME", "0x80", "0x80 /* CLONE_NEWTIME */"},
    {"reboot_magic1", 0, "0 /* LINUX_REBOOT_MAGIC_??? */", "0", "0 /* LINUX_REBOOT_MAGIC_??? */"},
    {"reboot_cmds", 0xa1b2c3d4, "LINUX_REBOOT_CMD_RESTART2", "0xa1b2c3d4", "0xa1b2c3d4 /* LINUX_REBOOT_CMD_RESTART2 */"},
    {"kexec_arch", 0xda7a0000, "0xda7a0000 /* KEXEC_ARCH_??? */", "0xda7a0000", "0xda7a0000 /* KEXEC_ARCH_??? */"},
    {"kexec_load_flags", 0x1054, "0x1054 /* KEXEC_??? */", "0x1054", "0x1054 /* KEXEC_??? */"},
    {"fan_mark_flags", 0xeface800, "0xeface800 /* FAN_MARK_??? */", "0xeface800", "0xeface800 /* FAN_MARK_??? */"},
    {"fan_event_flags", 0x40000002, "FAN_MODIFY|FAN_ONDIR", "0x40000002", "0x40000002 /* FAN_MODIFY|FAN_ONDIR */"},
    {"fsconfig_cmds", 8, "0x8 /* FSCONFIG_??? */", "0x8", "0x8 /* FSCONFIG_??? */"},
    {"quota_formats", 2, "QFMT_VFS_V0", "0x2", "0x2 /* QFMT_VFS_V0 */"},
    {"open_tree_flags", 0x1001, "OPEN_TREE_CLONE|AT_EMPTY_PATH", "0x1001", "0x1001 /* OPEN_TREE_CLONE|AT_EMPTY_PATH */"},
    // An enum's unknown value with the text strace gives it.
    {"kcmp_types", 0xda7adead, "0xda7adead /* KCMP_??? */", "0xda7adead", "0xda7adead /* KCMP_??? */"},
    {"landlock_rule_types", 0, "0 /* LANDLOCK_RULE_??? */", "0", "0 /* LANDLOCK_RULE_??? */"},
    {"io_uring_register_opcodes", 0x18, "0x18 /* IORING_REGISTER_??? */", "0x18", "0x18 /* IORING_REGISTER_??? */"},
    {"io_uring_register_opcodes", 9, "IORING_REGISTER_PERSONALITY", "0x9", "0x9 /* IORING_REGISTER_PERSONALITY */"},
    {"open_flags", 0x80000, "O_RDONLY|O_CLOEXEC", "0x80000", "0x80000 /* O_RDONLY|O_CLOEXEC */"},
    {"open_flags", 0x40000000, "O_RDONLY|0x40000000", "0x40000000", "0x40000000 /* O_RDONLY|0x40000000 */"},
    {"open_flags", 0x41, "O_WRONLY|O_CREAT", "0x41", "0x41 /* O_WRONLY|O_CREAT */"},
    {"access_modes", 0, "F_OK", "0", "0 /* F_OK */"},
    {"access_modes", 4, "R_OK", "0x4", "0x4 /* R_OK */"},
    {"at_flags", 0x1000, "AT_EMPTY_PATH", "0x1000", "0x1000 /* AT_EMPTY_PATH */"},
    {"at_flags", 0, "0", "0", "0"},
    {"statx_flags", 0, "AT_STATX_SYNC_AS_STAT", "0", "0 /* AT_STATX_SYNC_AS_STAT */"},
    {"statx_mask", 0x7ff, "STATX_BASIC_STATS", "0x7ff", "0x7ff /* STATX_BASIC_STATS */"},
    {"statx_mask", 0x17ff, "STATX_BASIC_STATS|STATX_MNT_ID", "0x17ff", "0x17ff /* STATX_BASIC_STATS|STATX_MNT_ID */"},
    {"mmap_prot", 0, "PROT_NONE", "0", "0 /* PROT_NONE */"},
    {"mmap_prot", 1, "PROT_READ", "0x1", "0x1 /* PROT_READ */"},
    {"mmap_flags", 0x22, "MAP_PRIVATE|MAP_ANONYMOUS", "0x22", "0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */"},
    {"epoll_flags", 0x80000, "EPOLL_CLOEXEC", "0x80000", "0x80000 /* EPOLL_CLOEXEC */"},
    {"epoll_ctl_ops", 1, "EPOLL_CTL_ADD", "0x1", "0x1 /* EPOLL_CTL_ADD */"},
    {"epoll_events", 0x80000001, "EPOLLIN|EPOLLET", "0x80000001", "0x80000001 /* EPOLLIN|EPOLLET */"},
    {"poll_events", 0x6, "POLLPRI|POLLOUT", "0x6", "0x6 /* POLLPRI|POLLOUT */"},
    {"poll_events", 0x1, "POLLIN", "0x1", "0x1 /* POLLIN */"},
    {"address_families", 2, "AF_INET", "0x2", "0x2 /* AF_INET */"},
    {"address_families", 16, "AF_NETLINK", "0x10", "0x10 /* AF_NETLINK */"},
    {"address_families", 99, "0x63 /* AF_??? */", "0x63", "0x63 /* AF_??? */"},
    {"socket_levels", 1, "SOL_SOCKET", "0x1", "0x1 /* SOL_SOCKET */"},
    {"socket_levels", 6, "SOL_TCP", "0x6", "0x6 /* SOL_TCP */"},
    {"socket_options", 2, "SO_REUSEADDR", "0x2", "0x2 /* SO_REUSEADDR */"},
    {"socket_options", 13, "SO_LINGER", "0xd", "0xd /* SO_LINGER */"},
    {"tcp_options", 1, "TCP_NODELAY", "0x1", "0x1 /* TCP_NODELAY */"},
    {"netlink_protocols", 0, "NETLINK_ROUTE", "0", "0 /* NETLINK_ROUTE */"},
    {"ioctl_cmds", 0x5401, "TCGETS", "0x5401", "0x5401 /* TCGETS */"},
    {"ioctl_cmds", 0x5413, "TIOCGWINSZ", "0x5413", "0x5413 /* TIOCGWINSZ */"},
    {"ioctl_cmds", 0x541b, "FIONREAD", "0x541b", "0x541b /* FIONREAD */"},
    {"ioctl_cmds", 0x5421, "FIONBIO", "0x5421", "0x5421 /* FIONBIO */"},
    {"futex_ops", 0x81, "FUTEX_WAKE_PRIVATE", "0x81", "0x81 /* FUTEX_WAKE_PRIVATE */"},
    {"futex_ops", 0x80, "FUTEX_WAIT_PRIVATE", "0x80", "0x80 /* FUTEX_WAIT_PRIVATE */"},
    {"clockids", 1, "CLOCK_MONOTONIC", "0x1", "0x1 /* CLOCK_MONOTONIC */"},
    {"timerfd_create_flags", 0x80800, "TFD_CLOEXEC|TFD_NONBLOCK", "0x80800", "0x80800 /* TFD_CLOEXEC|TFD_NONBLOCK */"},
    {"inotify_init_flags", 0x80000, "IN_CLOEXEC", "0x80000", "0x80000 /* IN_CLOEXEC */"},
    {"inotify_init_flags", 0x80800, "IN_NONBLOCK|IN_CLOEXEC", "0x80800", "0x80800 /* IN_NONBLOCK|IN_CLOEXEC */"},
    {"inotify_mask", 0x300, "IN_CREATE|IN_DELETE", "0x300", "0x300 /* IN_CREATE|IN_DELETE */"},
    {"eventfd_flags", 0x80800, "EFD_CLOEXEC|EFD_NONBLOCK", "0x80800", "0x80800 /* EFD_CLOEXEC|EFD_NONBLOCK */"},
    {"getrandom_flags", 1, "GRND_NONBLOCK", "0x1", "0x1 /* GRND_NONBLOCK */"},
    {"getrandom_flags", 0, "0", "0", "0"},
    {"rlimit_resources", 7, "RLIMIT_NOFILE", "0x7", "0x7 /* RLIMIT_NOFILE */"},
    {"rlimit_resources", 0x123, "0x123 /* RLIMIT_??? */", "0x123", "0x123 /* RLIMIT_??? */"},
    {"lseek_whence", 0, "SEEK_SET", "0", "0 /* SEEK_SET */"},
    {"lseek_whence", 10, "0xa /* SEEK_??? */", "0xa", "0xa /* SEEK_??? */"},
    {"sigprocmask_how", 0, "SIG_BLOCK", "0", "0 /* SIG_BLOCK */"},
    {"sa_flags", 0x14000000, "SA_RESTORER|SA_RESTART", "0x14000000", "0x14000000 /* SA_RESTORER|SA_RESTART */"},
    // glibc's SIGSEGV handler as `grep` installs it, in strace 6.1's order;
    // 0x400 and 0x800 have no names in strace 6.1.
    {"sa_flags", 0x0c000004, "SA_RESTORER|SA_ONSTACK|SA_SIGINFO", "0xc000004",
     "0xc000004 /* SA_RESTORER|SA_ONSTACK|SA_SIGINFO */"},
    {"sa_flags", 0xdc000c07, "SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0xc00",
     "0xdc000c07", "0xdc000c07 /* SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0xc00 */"},
    {"statx_attrs", 0x2000, "STATX_ATTR_MOUNT_ROOT", "0x2000", "0x2000 /* STATX_ATTR_MOUNT_ROOT */"},
    {"statx_attrs", 0, "0", "0", "0"},
    {"sigev_notify", 0, "SIGEV_SIGNAL", "0", "0 /* SIGEV_SIGNAL */"},
    {"sigev_notify", 77, "0x4d /* SIGEV_??? */", "0x4d", "0x4d /* SIGEV_??? */"},
    {"fs_magics", 0xef53, "EXT2_SUPER_MAGIC", "0xef53", "0xef53 /* EXT2_SUPER_MAGIC */"},
    {"fs_magics", 0x01021994, "TMPFS_MAGIC", "0x1021994", "0x1021994 /* TMPFS_MAGIC */"},
    {"statfs_flags", 0x1020, "ST_VALID|ST_RELATIME", "0x1020", "0x1020 /* ST_VALID|ST_RELATIME */"},
    {"resolve_flags", 0x8, "RESOLVE_BENEATH", "0x8", "0x8 /* RESOLVE_BENEATH */"},
    {"resolve_flags", 0, "0", "0", "0"},
    {"termios_iflags", 02400, "ICRNL|IXON", "0x500", "0x500 /* ICRNL|IXON */"},
    {"termios_lflags", 0105073, "ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE",
     "0x8a3b", "0x8a3b /* ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE */"},
    {"termios_bauds", 017, "B38400", "0xf", "0xf /* B38400 */"},
    {"wait_options", 0, "0", "0", "0"},
    {"pipe_flags", 0x80000, "O_CLOEXEC", "0x80000", "0x80000 /* O_CLOEXEC */"},
    {"dup3_flags", 0x80000, "O_CLOEXEC", "0x80000", "0x80000 /* O_CLOEXEC */"},
    {"dup3_flags", 0x80200, "O_TRUNC|O_CLOEXEC", "0x80200", "0x80200 /* O_TRUNC|O_CLOEXEC */"},
    {"clone_flags", 0x1200000, "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID", "0x1200000",
     "0x1200000 /* CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID */"},
    {"rseq_flags", 0, "0", "0", "0"},
    {"arch_prctl_codes", 0x1002, "ARCH_SET_FS", "0x1002", "0x1002 /* ARCH_SET_FS */"},
    {"landlock_access_fs", 0xdebeefeddecac000, "0xdebeefeddecac000 /* LANDLOCK_ACCESS_FS_??? */",
     "0xdebeefeddecac000", "0xdebeefeddecac000 /* LANDLOCK_ACCESS_FS_??? */"},
    {"landlock_access_fs", 0x2001, "LANDLOCK_ACCESS_FS_EXECUTE|LANDLOCK_ACCESS_FS_REFER", "0x2001",
     "0x2001 /* LANDLOCK_ACCESS_FS_EXECUTE|LANDLOCK_ACCESS_FS_REFER */"},
    {"mount_attr_flags", 0xffffffff00000000, "0xffffffff00000000 /* MOUNT_ATTR_??? */", "0xffffffff00000000",
     "0xffffffff00000000 /* MOUNT_ATTR_??? */"},
    {"mount_attr_flags", 0x100002, "MOUNT_ATTR_NOSUID|MOUNT_ATTR_IDMAP", "0x100002",
     "0x100002 /* MOUNT_ATTR_NOSUID|MOUNT_ATTR_IDMAP */"},
    {"mount_attr_propagation", 0x80000, "MS_SLAVE", "0x80000", "0x80000 /* MS_SLAVE */"},
    {"mount_attr_propagation", 0x140000, "0x140000 /* MS_??? */", "0x140000", "0x140000 /* MS_??? */"},
    {"io_uring_setup_flags", 0x20, "IORING_SETUP_ATTACH_WQ", "0x20", "0x20 /* IORING_SETUP_ATTACH_WQ */"},
    {"io_uring_setup_features", 0x3, "IORING_FEAT_SINGLE_MMAP|IORING_FEAT_NODROP", "0x3",
     "0x3 /* IORING_FEAT_SINGLE_MMAP|IORING_FEAT_NODROP */"},
    {"lock_types", 2, "F_UNLCK", "0x2", "0x2 /* F_UNLCK */"},
    {"f_owner_types", 1, "F_OWNER_PID", "0x1", "0x1 /* F_OWNER_PID */"},
    {"dn_flags", 0x1, "DN_ACCESS", "0x1", "0x1 /* DN_ACCESS */"},
    {"futex_waiter_flags", 0x82, "FUTEX_32|FUTEX_PRIVATE_FLAG", "0x82", "0x82 /* FUTEX_32|FUTEX_PRIVATE_FLAG */"},
    {"move_pages_flags", 0x2, "MPOL_MF_MOVE", "0x2", "0x2 /* MPOL_MF_MOVE */"},
    {"memfd_create_flags", 0x7, "MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_HUGETLB", "0x7",
     "0x7 /* MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_HUGETLB */"},
    {"clone3_flags", 0x200000000, "CLONE_INTO_CGROUP", "0x200000000", "0x200000000 /* CLONE_INTO_CGROUP */"},
    {"statx_mask", 0xffffc000, "0xffffc000 /* STATX_??? */", "0xffffc000", "0xffffc000 /* STATX_??? */"},
};

TEST(XlatFamilies, AsStracePrintsThemInEveryStyle) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.family) + " " + std::to_string(c.value));
    const auto& f = family(c.family);
    EXPECT_EQ(xlat_format(f, c.value), c.abbrev);
    EXPECT_EQ(xlat_format(f, c.value, XlatStyle::Abbrev), c.abbrev);
    EXPECT_EQ(xlat_format(f, c.value, XlatStyle::Raw), c.raw);
    EXPECT_EQ(xlat_format(f, c.value, XlatStyle::Verbose), c.verbose);
  }
}

// The families, by their files in tracer/xlat.
std::vector<std::string> all_families() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(SYSPECT_XLAT_DIR)) {
    if (entry.path().extension() == ".in") out.push_back(entry.path().stem().string());
  }
  return out;
}

TEST(XlatFamilies, EveryFamilyIsGenerated) {
  auto names = all_families();
  EXPECT_GT(names.size(), 80u);
  for (const auto& name : names) EXPECT_NE(find_xlat(name), nullptr) << name;
}

// Each family's every name prints as itself, a zero prints as the family's
// name for zero or "0", and bits a flags family does not know print in hex
// after the names.
TEST(XlatFamilies, NamesZeroAndUnknownBits) {
  for (const auto& name : all_families()) {
    SCOPED_TRACE(name);
    const auto& f = family(name.c_str());
    const char* zero_name = nullptr;
    std::uint64_t known = 0;
    for (const auto& e : f.entries) {
      if (e.value == 0 && zero_name == nullptr) zero_name = e.name;
      known |= e.value;
      if (f.kind == XlatKind::Enum) {
        EXPECT_EQ(xlat_format(f, e.value), syspect::xlat_name(f, e.value));
        EXPECT_EQ(xlat_format(f, e.value, XlatStyle::Raw).find_first_not_of("0123456789abcdefx-"),
                  std::string::npos);
      }
    }
    if (f.kind != XlatKind::Flags) continue;
    EXPECT_EQ(xlat_format(f, 0), zero_name ? zero_name : "0");
    EXPECT_EQ(xlat_format(f, 0, XlatStyle::Raw), "0");
    // The highest bit no entry uses.
    std::uint64_t unknown = 0;
    for (int bit = 63; bit >= 0 && unknown == 0; --bit) {
      if (!(known & (std::uint64_t{1} << bit))) unknown = std::uint64_t{1} << bit;
    }
    if (unknown == 0) continue;
    char hex[24];
    std::snprintf(hex, sizeof hex, "%#llx", static_cast<unsigned long long>(unknown));
    std::string text = xlat_format(f, unknown);
    if (f.unknown != nullptr && text.ends_with(" */")) {
      // strace's default text for a value with no named bit.
      EXPECT_EQ(text, std::string(hex) + " /* " + f.unknown + " */");
      continue;
    }
    EXPECT_EQ(text.substr(text.size() - std::strlen(hex)), hex);
    if (zero_name != nullptr && f.enum_mask != 0) {
      EXPECT_EQ(text, std::string(zero_name) + "|" + hex);
    }
    EXPECT_EQ(xlat_format(f, unknown, XlatStyle::Raw), hex);
  }
}

TEST(XlatStyles, ParseAndStyledPairs) {
  EXPECT_EQ(syspect::parse_xlat_style("raw"), XlatStyle::Raw);
  EXPECT_EQ(syspect::parse_xlat_style("abbrev"), XlatStyle::Abbrev);
  EXPECT_EQ(syspect::parse_xlat_style("verbose"), XlatStyle::Verbose);
  EXPECT_FALSE(syspect::parse_xlat_style("all").has_value());
  EXPECT_EQ(syspect::xlat_styled("-100", "AT_FDCWD", XlatStyle::Verbose), "-100 /* AT_FDCWD */");
  EXPECT_EQ(syspect::xlat_styled("-100", "AT_FDCWD", XlatStyle::Raw), "-100");
  EXPECT_EQ(syspect::signal_format(10, XlatStyle::Abbrev), "SIGUSR1");
  EXPECT_EQ(syspect::signal_format(10, XlatStyle::Raw), "10");
  EXPECT_EQ(syspect::signal_format(17, XlatStyle::Verbose), "17 /* SIGCHLD */");
}

}  // namespace
