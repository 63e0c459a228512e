// Calls whose arguments depend on a command or on a special value
// (reboot, kexec_load, quotactl, fsconfig, fanotify_mark, the mmap flags,
// execve's argv), decoded on this process's own memory and shown as strace
// 6.1 shows them; and -e read=/-e write='s dumps of vector I/O.

#include <fcntl.h>
#include <signal.h>
#include <linux/reboot.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "decode.hpp"
#include "hand_made.hpp"
#include "syspect/format.hpp"
#include "syspect/sinks.hpp"

namespace syspect {
namespace {

using testing_events::call;

std::uint64_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

// `name` with `raw` decoded at entry (and, for `result`, at exit), then
// formatted without the result.
std::string shown(const char* name, std::vector<std::uint64_t> raw, std::int64_t result = -1,
                  detail::DecodeLimits limits = {}, FormatOptions o = {}) {
  SyscallEvent e = call(name, {});
  std::uint64_t regs[6] = {};
  for (std::size_t i = 0; i < raw.size(); ++i) regs[i] = raw[i];
  detail::decode_entry(getpid(), e, regs, 0, limits);
  if (result < 0)
    detail::decode_exit(getpid(), e, -22, true, limits);
  else
    detail::decode_exit(getpid(), e, result, false, limits);
  o.align = false;
  const std::string line = format_syscall(e, o);
  return line.substr(0, line.rfind(" = "));
}

// What a TextSink with `o` prints for what `feed` gives it.
template <typename Feed>
std::string printed(const FormatOptions& o, Feed feed) {
  std::FILE* f = std::tmpfile();
  {
    TextSink sink(f, o, PidPrefix::None);
    feed(sink);
  }
  std::string out(4096, '\0');
  std::rewind(f);
  out.resize(std::fread(out.data(), 1, out.size(), f));
  std::fclose(f);
  return out;
}

// What TextSink prints under `e`'s line (the dumps of -e read=/write=).
std::string printed_under(const SyscallEvent& e, const FormatOptions& o) {
  const std::string out = printed(o, [&](TextSink& sink) { sink.on_syscall(e); });
  return out.substr(out.find('\n') + 1);
}

// A page with the one after it unmapped: what ends at `end` runs into it.
struct EdgePage {
  EdgePage() {
    page = sysconf(_SC_PAGESIZE);
    map = static_cast<char*>(mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    munmap(map + page, page);
  }
  ~EdgePage() { munmap(map, page); }
  char* end() const { return map + page; }
  long page;
  char* map;
};

TEST(CommandArgs, RebootMagicNumbersAndCommand) {
  EXPECT_EQ(shown("reboot", {0, 0, 0, 0}),
            "reboot(0 /* LINUX_REBOOT_MAGIC_??? */, 0 /* LINUX_REBOOT_MAGIC_??? */, LINUX_REBOOT_CMD_CAD_OFF)");
  EXPECT_EQ(shown("reboot", {~0ull, 0xdeadfacefa57beefull, 0xbadda7a09caffee1ull, ~0ull}),
            "reboot(0xffffffff /* LINUX_REBOOT_MAGIC_??? */, 0xfa57beef /* LINUX_REBOOT_MAGIC_??? */, "
            "0x9caffee1 /* LINUX_REBOOT_CMD_??? */)");
  // RESTART2's command line: at most 255 bytes, "..." when no NUL among them.
  static const char arg[] = "reboot";
  EXPECT_EQ(shown("reboot", {LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART2, address(arg)}),
            "reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART2, \"reboot\")");
  EdgePage edge;
  char* s = edge.end() - 255;
  std::memset(s, 'a', 255);
  detail::DecodeLimits limits;
  limits.struct_string = 256;
  FormatOptions o;
  o.string_limit = 256;
  EXPECT_EQ(shown("reboot", {LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2C, LINUX_REBOOT_CMD_RESTART2, address(s)}, -1,
                  limits, o),
            "reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2C, LINUX_REBOOT_CMD_RESTART2, \"" + std::string(255, 'a') +
                "\"...)");
  EXPECT_EQ(shown("reboot", {LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2C, LINUX_REBOOT_CMD_RESTART2, address(s + 1)},
                  -1, limits, o),
            fmt::format("reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2C, LINUX_REBOOT_CMD_RESTART2, {:#x})",
                        address(s + 1)));
}

TEST(CommandArgs, KexecLoadArchitectureFlagsAndSegments) {
  EXPECT_EQ(shown("kexec_load", {0, 0, 0, 0xbadc0dedda7a1054ull}),
            "kexec_load(NULL, 0, NULL, 0xda7a0000 /* KEXEC_ARCH_??? */|0xbadc0ded00001054 /* KEXEC_??? */)");
  EXPECT_EQ(shown("kexec_load", {0, 0, 0, 0x2a0003}),
            "kexec_load(NULL, 0, NULL, KEXEC_ARCH_SH|KEXEC_ON_CRASH|KEXEC_PRESERVE_CONTEXT)");
  FormatOptions raw;
  raw.xlat_style = XlatStyle::Raw;
  EXPECT_EQ(shown("kexec_load", {0, 0, 0, 0x2a0003}, -1, {}, raw), "kexec_load(NULL, 0, NULL, 0x2a0000|0x3)");
  // The segments: up to -s of them; more than KEXEC_SEGMENT_MAX, the address.
  std::uint64_t segs[2][4] = {{0, 1, 0, 2}, {0x1000, 3, 0x2000, 4}};
  EXPECT_EQ(shown("kexec_load", {0x10, 2, address(segs), 0}),
            "kexec_load(0x10, 2, [{buf=NULL, bufsz=1, mem=NULL, memsz=2}, "
            "{buf=0x1000, bufsz=3, mem=0x2000, memsz=4}], KEXEC_ARCH_DEFAULT)");
  detail::DecodeLimits one;
  one.struct_string = 1;
  EXPECT_EQ(shown("kexec_load", {0x10, 2, address(segs), 0}, -1, one),
            "kexec_load(0x10, 2, [{buf=NULL, bufsz=1, mem=NULL, memsz=2}, ...], KEXEC_ARCH_DEFAULT)");
  EXPECT_EQ(shown("kexec_load", {0x10, 17, address(segs), 0}),
            fmt::format("kexec_load(0x10, 17, {:#x}, KEXEC_ARCH_DEFAULT)", address(segs)));
  EdgePage edge;
  char* at = edge.end() - sizeof segs[0];
  std::memcpy(at, segs[0], sizeof segs[0]);
  EXPECT_EQ(shown("kexec_load", {0x10, 2, address(at), 0}),
            fmt::format("kexec_load(0x10, 2, [{{buf=NULL, bufsz=1, mem=NULL, memsz=2}}, ... /* {:#x} */], "
                        "KEXEC_ARCH_DEFAULT)",
                        address(edge.end())));
}

TEST(CommandArgs, QuotactlCommandSaysWhichArgumentsShow) {
  const std::uint64_t fmt_at = 0x1000;
  EXPECT_EQ(shown("quotactl", {0xbadc0ded, 0, 0xca7faced, fmt_at}),
            "quotactl(QCMD(0xbadc0d /* Q_??? */, 0xed /* ???QUOTA */), NULL, 3397364973, 0x1000)");
  // Q_GETFMT: no id; what it wrote, when it succeeded.
  std::uint32_t format = 2;
  EXPECT_EQ(shown("quotactl_fd", {0xffffffffull, 0x80000401, 0xfffffffe, address(&format)}),
            fmt::format("quotactl_fd(-1, QCMD(Q_GETFMT, GRPQUOTA), {:#x})", address(&format)));
  EXPECT_EQ(shown("quotactl_fd", {0xffffffffull, 0x80000401, 0xfffffffe, address(&format)}, 0),
            "quotactl_fd(-1, QCMD(Q_GETFMT, GRPQUOTA), [QFMT_VFS_V0])");
  // Q_QUOTAOFF, Q_SYNC: neither; Q_QUOTAON: the format and the quota file.
  EXPECT_EQ(shown("quotactl", {0x80000300, 0, ~0ull, 0}), "quotactl(QCMD(Q_QUOTAOFF, USRQUOTA), NULL)");
  static const char file[] = "/q";
  EXPECT_EQ(shown("quotactl", {0x80000202, 0, 4, address(file)}),
            "quotactl(QCMD(Q_QUOTAON, PRJQUOTA), NULL, QFMT_VFS_V1, \"/q\")");
  // Q_SETQUOTA: the struct read at entry, abbreviated; -1 as the id.
  std::uint64_t dq[9] = {1, 2, 3, 4, 5, 6, 7, 8, 0x3f};
  EXPECT_EQ(shown("quotactl", {0x80000800, 0, ~0ull, address(dq)}),
            "quotactl(QCMD(Q_SETQUOTA, USRQUOTA), NULL, -1, {dqb_bhardlimit=1, dqb_bsoftlimit=2, "
            "dqb_curspace=3, dqb_ihardlimit=4, dqb_isoftlimit=5, dqb_curinodes=6, ...})");
  FormatOptions raw;
  raw.xlat_style = XlatStyle::Raw;
  EXPECT_EQ(shown("quotactl", {0x80000300, 0, ~0ull, 0}, -1, {}, raw), "quotactl(2147484416, NULL)");
}

TEST(CommandArgs, FsconfigKeyValueAndAuxByCommand) {
  static const char key[] = "source";
  static const char value[] = "/dev/x";
  EXPECT_EQ(shown("fsconfig", {3, 8, address(key), address(value), static_cast<std::uint64_t>(-100)}),
            fmt::format("fsconfig(3, 0x8 /* FSCONFIG_??? */, {:#x}, {:#x}, -100)", address(key), address(value)));
  EXPECT_EQ(shown("fsconfig", {3, 1, address(key), address(value), 0}),
            "fsconfig(3, FSCONFIG_SET_STRING, \"source\", \"/dev/x\", 0)");
  EXPECT_EQ(shown("fsconfig", {3, 3, address(key), address(value), static_cast<std::uint64_t>(-100)}),
            "fsconfig(3, FSCONFIG_SET_PATH, \"source\", \"/dev/x\", AT_FDCWD)");
  EXPECT_EQ(shown("fsconfig", {3, 2, address(key), address(value), 3}),
            "fsconfig(3, FSCONFIG_SET_BINARY, \"source\", \"\\x2f\\x64\\x65\", 3)");
  EXPECT_EQ(shown("fsconfig", {3, 6, 0, 0, 0}), "fsconfig(3, FSCONFIG_CMD_CREATE, NULL, NULL, 0)");
}

TEST(CommandArgs, FanotifyMarkNoFd) {
  EXPECT_EQ(shown("fanotify_mark", {3, 0x41, 0x40000002, 0xdec0ded0ffffffffull, 0}),
            "fanotify_mark(3, FAN_MARK_ADD|FAN_MARK_IGNORED_SURV_MODIFY, FAN_MODIFY|FAN_ONDIR, FAN_NOFD, NULL)");
  EXPECT_EQ(shown("fanotify_mark", {3, 0xeface800, 0xffffffffa7f02000ull, 1, 0}),
            "fanotify_mark(3, 0xeface800 /* FAN_MARK_??? */, 0xffffffffa7f02000 /* FAN_??? */, 1, NULL)");
}

TEST(CommandArgs, MmapFlagsTypeAndHugePageSize) {
  EXPECT_EQ(shown("remap_file_pages", {0, 0, 0, 0, 0xf | 0x10 | 0x4000 | 0x40000 | (21u << 26)}),
            "remap_file_pages(NULL, 0, PROT_NONE, 0, 0xf /* MAP_??? */|MAP_FIXED|MAP_NORESERVE|MAP_HUGETLB|"
            "21<<MAP_HUGE_SHIFT)");
  EXPECT_EQ(shown("mmap", {0, 0, 0, 0x22, ~0ull, 0}),
            "mmap(NULL, 0, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
  EXPECT_EQ(shown("mmap", {0, 0, 0, 0, ~0ull, 0}), "mmap(NULL, 0, PROT_NONE, MAP_FILE, -1, 0)");
  FormatOptions verbose;
  verbose.xlat_style = XlatStyle::Verbose;
  EXPECT_EQ(shown("mmap", {0, 0, 0, 0x22, ~0ull, 0}, -1, {}, verbose),
            "mmap(NULL, 0, 0 /* PROT_NONE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0)");
}

// argv with items that cannot be read and no NULL before unmapped memory.
TEST(CommandArgs, ArgvUnreadableItemsAndUnterminated) {
  EdgePage edge;
  auto** argv = reinterpret_cast<const char**>(edge.end() - 3 * sizeof(char*));
  argv[0] = "first";
  argv[1] = reinterpret_cast<const char*>(-1L);
  argv[2] = "second";
  static const char name[] = "x";
  EXPECT_EQ(shown("execveat", {static_cast<std::uint64_t>(-100), address(name), address(argv), address(argv), 0}),
            fmt::format("execveat(AT_FDCWD, \"x\", [\"first\", 0xffffffffffffffff, \"second\", ... /* {:#x} */], "
                        "{:#x} /* 3 vars, unterminated */, 0)",
                        address(edge.end()), address(argv)));
}

// -e write=: each iovec's data, " * N bytes in buffer K", as strace's
// dumpiov_upto(); -e read=: up to what the call returned.
TEST(CommandArgs, VectorDataDumpedBufferByBuffer) {
  static char a[] = "012", b[] = "34567";
  iovec iov[2] = {{a, 3}, {b, 5}};
  detail::DecodeLimits limits;
  FormatOptions o;
  o.align = false;
  o.dump_write = [](std::int64_t fd) { return fd == 1; };
  o.dump_read = [](std::int64_t fd) { return fd == 0; };
  auto printed = [&](const char* name, int fd, std::int64_t result) {
    SyscallEvent e = call(name, {});
    std::uint64_t regs[6] = {static_cast<std::uint64_t>(fd), address(iov), 2};
    detail::decode_entry(getpid(), e, regs, 0, limits);
    detail::decode_exit(getpid(), e, result, false, limits);
    return printed_under(e, o);
  };
  EXPECT_EQ(printed("writev", 1, 8),
            " * 3 bytes in buffer 0\n"
            " | 00000  30 31 32                                          012              |\n"
            " * 5 bytes in buffer 1\n"
            " | 00000  33 34 35 36 37                                    34567            |\n");
  EXPECT_EQ(printed("readv", 0, 4),
            " * 3 bytes in buffer 0\n"
            " | 00000  30 31 32                                          012              |\n"
            " * 1 bytes in buffer 1\n"
            " | 00000  33                                                3                |\n");
  EXPECT_EQ(printed("writev", 2, 8), "");
}

// sendmmsg: each message's iovecs up to its msg_len, after " = N buffers
// in vector K", as strace's dumpiov_in_mmsghdr().
TEST(CommandArgs, MessagesDumpedVectorByVector) {
  static char a[] = "012", b[] = "34567", c[] = "89";
  iovec first[2] = {{a, 3}, {b, 5}};
  iovec second[1] = {{c, 2}};
  mmsghdr msgs[2] = {};
  msgs[0].msg_hdr.msg_iov = first;
  msgs[0].msg_hdr.msg_iovlen = 2;
  msgs[0].msg_len = 4;
  msgs[1].msg_hdr.msg_iov = second;
  msgs[1].msg_hdr.msg_iovlen = 1;
  msgs[1].msg_len = 2;
  detail::DecodeLimits limits;
  SyscallEvent e = call("sendmmsg", {});
  std::uint64_t regs[6] = {1, address(msgs), 2, 0};
  detail::decode_entry(getpid(), e, regs, 0, limits);
  detail::decode_exit(getpid(), e, 2, false, limits);
  FormatOptions o;
  o.dump_write = [](std::int64_t fd) { return fd == 1; };
  EXPECT_EQ(printed_under(e, o),
            " = 2 buffers in vector 0\n"
            " * 3 bytes in buffer 0\n"
            " | 00000  30 31 32                                          012              |\n"
            " * 1 bytes in buffer 1\n"
            " | 00000  33                                                3                |\n"
            " = 1 buffers in vector 1\n"
            " * 2 bytes in buffer 0\n"
            " | 00000  38 39                                             89               |\n");
}

// -i: the instruction pointer as wide as the tracee's word, as strace
// prints it: 16 digits in 64-bit mode, 8 in i386 mode (the mode line too).
TEST(CommandArgs, InstructionPointerAsWideAsTheWord) {
  FormatOptions o;
  o.align = false;
  o.instruction_pointer = true;
  SyscallEvent wide = call("getpid", {}, 42);
  wide.tid = wide.pid = 42;
  wide.ip = 0x7f0012345678;
  SyscallEvent narrow = wide;
  narrow.abi = Abi::i386;
  narrow.desc = find_syscall(Abi::i386, "getpid");
  narrow.nr = narrow.desc->nr;
  narrow.ip = 0xf7f01549;
  SignalEvent sig;
  sig.pid = sig.tid = 42;
  sig.signo = SIGCHLD;
  sig.ip = 0xf7f0154b;
  EXPECT_EQ(printed(o,
                    [&](TextSink& sink) {
                      sink.on_syscall(wide);
                      sink.on_syscall(narrow);
                      sink.on_signal(sig);
                    }),
            "[00007f0012345678] getpid() = 42\n"
            "[f7f01549] [ Process PID=42 runs in 32 bit mode. ]\n"
            "[f7f01549] getpid() = 42\n"
            "[f7f0154b] --- SIGCHLD {si_signo=SIGCHLD, si_code=SI_USER, si_pid=0, si_uid=0} ---\n");
}

}  // namespace
}  // namespace syspect
