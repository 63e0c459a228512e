// The struct decoders on this process's own memory: the tracer reads a
// tracee with process_vm_readv, which reads the caller's memory as well.
// Every expected string is what strace 6.1 prints for the same call.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "decode.hpp"
#include "hand_made.hpp"
#include "decoders/family.hpp"
#include "syspect/format.hpp"

namespace syspect {
namespace {

using testing_events::call;

std::uint64_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

// The iovec argument of `name` over `buffers`, decoded with -s `limit`.
std::string iovecs(const char* name, std::vector<std::string>& buffers, std::int64_t result,
                   std::size_t limit) {
  std::vector<iovec> iov;
  for (std::string& b : buffers) iov.push_back({b.data(), b.size()});
  SyscallEvent e = call(name, {1, address(iov.data()), iov.size()}, result);
  detail::DecodeLimits limits;
  limits.struct_string = limit;
  ArgValue& v = e.args[1];
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[1], v, false, limits));
  return v.text;
}

// A string that runs into unmapped memory after -s + 1 bytes: strace shows
// it cut, "0123..."..., not its address (delete_module, memfd_create).
TEST(DecodeString, UnterminatedUpToAFaultIsShownCut) {
  const long page = sysconf(_SC_PAGESIZE);
  void* map = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  ASSERT_EQ(munmap(static_cast<char*>(map) + page, page), 0);
  char* name = static_cast<char*>(map) + page - 33;
  std::memcpy(name, "0123456789:;<=>?@ABCDEFGHIJKLMNOP", 33);
  SyscallEvent e = call("delete_module", {address(name), 0}, -1);
  detail::DecodeLimits limits;
  std::uint64_t raw[6] = {address(name), 0};
  detail::decode_entry(getpid(), e, raw, 0, limits);
  FormatOptions o;
  o.align = false;
  const std::string want = "delete_module(\"0123456789:;<=>?@ABCDEFGHIJKLMNO\"..., 0)";
  EXPECT_EQ(format_syscall(e, o).substr(0, want.size()), want);
  // Fewer bytes than that before the fault: the address, as strace shows it.
  SyscallEvent short_one = call("delete_module", {address(name + 2), 0}, -1);
  raw[0] = address(name + 2);
  detail::decode_entry(getpid(), short_one, raw, 0, limits);
  EXPECT_EQ(short_one.args[0].form, ArgValue::Form::Pointer);
  munmap(map, page);
}

// Where strace shows an address: a signal mask of another size than the
// kernel's (rt_sigprocmask, rt_sigtimedwait), epoll_ctl's event with
// EPOLL_CTL_DEL (the kernel reads none).
TEST(DecodeAddresses, WhereTheKernelReadsNothing) {
  const std::uint64_t mask = ~0ull;
  std::uint64_t raw[6] = {SIG_UNBLOCK, address(&mask), 0, 4};
  SyscallEvent e = call("rt_sigprocmask", {SIG_UNBLOCK, address(&mask), 0, 4}, -1);
  detail::decode_entry(getpid(), e, raw, 0, detail::DecodeLimits{});
  EXPECT_EQ(e.args[1].form, ArgValue::Form::Pointer);
  raw[3] = 8;
  SyscallEvent whole = call("rt_sigprocmask", {SIG_UNBLOCK, address(&mask), 0, 8}, -1);
  detail::decode_entry(getpid(), whole, raw, 0, detail::DecodeLimits{});
  EXPECT_EQ(whole.args[1].form, ArgValue::Form::Struct);
  const unsigned char event[12] = {1};
  std::uint64_t ctl[6] = {3, 2 /* EPOLL_CTL_DEL */, 4, address(event)};
  SyscallEvent del = call("epoll_ctl", {3, 2, 4, address(event)}, -1);
  detail::decode_entry(getpid(), del, ctl, 0, detail::DecodeLimits{});
  EXPECT_EQ(del.args[3].form, ArgValue::Form::Pointer);
  ctl[1] = 1;  // EPOLL_CTL_ADD
  SyscallEvent add = call("epoll_ctl", {3, 1, 4, address(event)}, -1);
  detail::decode_entry(getpid(), add, ctl, 0, detail::DecodeLimits{});
  EXPECT_EQ(add.args[3].form, ArgValue::Form::Struct);
}

// A size beyond the struct strace knows, running into unmapped memory:
// ", ???" (openat2, clone3).
TEST(DecodeStructTail, UnreadableTailIsShownAsUnknown) {
  const long page = sysconf(_SC_PAGESIZE);
  void* map = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  ASSERT_EQ(munmap(static_cast<char*>(map) + page, page), 0);
  char* how = static_cast<char*>(map) + page - 24;
  std::memset(how, 0, 24);
  how[0] = static_cast<char>(O_EXCL & 0xff);
  std::uint64_t raw[6] = {static_cast<std::uint64_t>(-1), 0, address(how), 32};
  SyscallEvent e = call("openat2", {static_cast<std::uint64_t>(-1), 0, address(how), 32}, -1);
  detail::decode_entry(getpid(), e, raw, 0, detail::DecodeLimits{});
  EXPECT_EQ(e.args[2].text, "{flags=O_RDONLY|O_EXCL, resolve=0, ???}");
  raw[3] = 24;
  SyscallEvent exact = call("openat2", {static_cast<std::uint64_t>(-1), 0, address(how), 24}, -1);
  detail::decode_entry(getpid(), exact, raw, 0, detail::DecodeLimits{});
  EXPECT_EQ(exact.args[2].text, "{flags=O_RDONLY|O_EXCL, resolve=0}");
  munmap(map, page);
}

// A buffer that ends in unmapped memory before the bytes strace shows:
// its address (add_key's payload), as strace shows it.
TEST(DecodeBuffer, CutByUnmappedMemoryIsAnAddress) {
  const long page = sysconf(_SC_PAGESIZE);
  void* map = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  ASSERT_EQ(munmap(static_cast<char*>(map) + page, page), 0);
  char* payload = static_cast<char*>(map) + page - 5;
  std::memcpy(payload, "abcde", 5);
  std::uint64_t raw[6] = {0, 0, address(payload), 10, 0};
  SyscallEvent cut = call("add_key", {0, 0, address(payload), 10, 0}, -1);
  detail::decode_entry(getpid(), cut, raw, 0, detail::DecodeLimits{});
  EXPECT_EQ(cut.args[2].form, ArgValue::Form::Pointer);
  raw[3] = 5;
  SyscallEvent whole = call("add_key", {0, 0, address(payload), 5, 0}, -1);
  detail::decode_entry(getpid(), whole, raw, 0, detail::DecodeLimits{});
  EXPECT_EQ(whole.args[2].form, ArgValue::Form::Bytes);
  EXPECT_EQ(whole.args[2].bytes, "abcde");
  munmap(map, page);
}

// setgroups' list running into unmapped memory: "[-1, ... /* address */]".
TEST(DecodeGidArray, CutWhereMemoryEnds) {
  const long page = sysconf(_SC_PAGESIZE);
  void* map = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  ASSERT_EQ(munmap(static_cast<char*>(map) + page, page), 0);
  auto* gid = reinterpret_cast<std::uint32_t*>(static_cast<char*>(map) + page - 4);
  *gid = 0xffffffff;
  SyscallEvent e = call("setgroups", {2, address(gid)}, -1);
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[1], e.args[1], false, detail::DecodeLimits{}));
  EXPECT_EQ(e.args[1].text, fmt::format("[-1, ... /* {:#x} */]", address(gid) + 4));
  // Cut at -s 1 where the next element cannot be read: its address too.
  detail::DecodeLimits one;
  one.struct_string = 1;
  SyscallEvent cut = call("setgroups", {2, address(gid)}, -1);
  EXPECT_TRUE(detail::decode_struct(getpid(), cut, cut.desc->args[1], cut.args[1], false, one));
  EXPECT_EQ(cut.args[1].text, fmt::format("[-1, ... /* {:#x} */]", address(gid) + 4));
  // More groups than the kernel takes (NGROUPS_MAX): the address.
  SyscallEvent many = call("setgroups", {65537, address(gid)}, -1);
  EXPECT_FALSE(detail::decode_struct(getpid(), many, many.desc->args[1], many.args[1], false, one));
  munmap(map, page);
}

// -y: AT_FDCWD names the cwd only for a directory fd argument; fsmount's
// fd of -100 is a number, as strace shows it.
TEST(DecodeFdPaths, AtFdcwdOnlyForADirectoryFd) {
  detail::DecodeLimits limits;
  limits.fd_paths = true;
  std::uint64_t raw[6] = {static_cast<std::uint32_t>(-100), 0, 0};
  SyscallEvent e = call("fsmount", {raw[0], 0, 0}, -1);
  detail::decode_entry(getpid(), e, raw, 0, limits);
  EXPECT_EQ(e.args[0].num, -100);
  EXPECT_TRUE(e.args[0].fd_path.empty());
  std::uint64_t at[6] = {static_cast<std::uint32_t>(-100), 0, 0, 0};
  SyscallEvent pick = call("fspick", {at[0], 0, 0}, -1);
  detail::decode_entry(getpid(), pick, at, 0, limits);
  EXPECT_FALSE(pick.args[0].fd_path.empty());
}

// A node mask that runs into unmapped memory: "[0000000000000000, ... /* address */]".
TEST(DecodeNodemask, CutWhereMemoryEnds) {
  const long page = sysconf(_SC_PAGESIZE);
  void* map = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  ASSERT_EQ(munmap(static_cast<char*>(map) + page, page), 0);
  auto* mask = reinterpret_cast<std::uint64_t*>(static_cast<char*>(map) + page - 8);
  *mask = 0;
  SyscallEvent e = call("set_mempolicy", {0, address(mask), 66});
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[1], e.args[1], true, detail::DecodeLimits{}));
  EXPECT_EQ(e.args[1].text, fmt::format("[0000000000000000, ... /* {:#x} */]", address(mask) + 8));
  munmap(map, page);
}

// A read that failed read nothing: strace shows the iovecs' addresses.
TEST(DecodeIovec, FailedReadShowsAddresses) {
  char buf[8] = {'a'};
  iovec iov{buf, sizeof buf};
  std::uint64_t raw[6] = {0, address(&iov), 1, static_cast<std::uint64_t>(-1)};
  SyscallEvent e = call("preadv", {0, address(&iov), 1, raw[3]});
  detail::decode_entry(getpid(), e, raw, 0, detail::DecodeLimits{});
  detail::decode_exit(getpid(), e, -EINVAL, true, detail::DecodeLimits{});
  EXPECT_EQ(e.args[1].text, fmt::format("[{{iov_base={:#x}, iov_len=8}}]", address(buf)));
  // process_vm_writev's remote iovecs are the other process's: addresses.
  SyscallEvent w = call("process_vm_writev", {1, address(&iov), 1, address(&iov), 1, 0});
  std::uint64_t wraw[6] = {1, address(&iov), 1, address(&iov), 1, 0};
  detail::decode_entry(getpid(), w, wraw, 0, detail::DecodeLimits{});
  EXPECT_EQ(w.args[1].text, "[{iov_base=\"a\\0\\0\\0\\0\\0\\0\\0\", iov_len=8}]");
  EXPECT_EQ(w.args[3].text, fmt::format("[{{iov_base={:#x}, iov_len=8}}]", address(buf)));
}

TEST(DecodeIovec, DataStopsAtTheStringLimit) {
  std::vector<std::string> out = {std::string(50, 'a'), std::string(10, 'b'), "c", "d"};
  // python3 -c "import os; os.writev(1,[b'a'*50, b'b'*10, b'c', b'd'])"
  EXPECT_EQ(iovecs("writev", out, 62, 32),
            "[{iov_base=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"..., iov_len=50}, {iov_base=\"bbbbbbbbbb\", "
            "iov_len=10}, {iov_base=\"c\", iov_len=1}, {iov_base=\"d\", iov_len=1}]");
  EXPECT_EQ(iovecs("writev", out, 62, 100),
            fmt::format("[{{iov_base=\"{}\", iov_len=50}}, {{iov_base=\"bbbbbbbbbb\", iov_len=10}}, "
                        "{{iov_base=\"c\", iov_len=1}}, {{iov_base=\"d\", iov_len=1}}]",
                        std::string(50, 'a')));
  EXPECT_EQ(iovecs("writev", out, 62, 5),
            "[{iov_base=\"aaaaa\"..., iov_len=50}, {iov_base=\"bbbbb\"..., iov_len=10}, "
            "{iov_base=\"c\", iov_len=1}, {iov_base=\"d\", iov_len=1}]");
  // -s also bounds how many elements are shown.
  EXPECT_EQ(iovecs("writev", out, 62, 2),
            "[{iov_base=\"aa\"..., iov_len=50}, {iov_base=\"bb\"..., iov_len=10}, ...]");
}

// An iovec array that runs into unmapped memory: the elements read, then
// "... /* the first unreadable one's address */", as strace's pwritev.c
// and process_madvise.c expect.
TEST(DecodeIovec, ArrayCutWhereMemoryEnds) {
  const long page = sysconf(_SC_PAGESIZE);
  void* map = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  ASSERT_EQ(munmap(static_cast<char*>(map) + page, page), 0);
  auto* iov = reinterpret_cast<iovec*>(static_cast<char*>(map) + page - sizeof(iovec));
  static char data[] = "\7";
  iov->iov_base = data;
  iov->iov_len = 1;
  SyscallEvent e = call("writev", {1, address(iov), 2}, -1);
  detail::DecodeLimits limits;
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[1], e.args[1], false, limits));
  EXPECT_EQ(e.args[1].text, fmt::format("[{{iov_base=\"\\7\", iov_len=1}}, ... /* {:#x} */]",
                                        address(iov) + sizeof(iovec)));
  munmap(map, page);
}

TEST(DecodeIovec, ReadDataStopsAtTheResult) {
  std::vector<std::string> in = {std::string(40, 'x'), std::string(40, 'x')};
  EXPECT_EQ(iovecs("readv", in, 45, 32),
            "[{iov_base=\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"..., iov_len=40}, {iov_base=\"xxxxx\", "
            "iov_len=40}]");
  EXPECT_EQ(iovecs("readv", in, 3, 32), "[{iov_base=\"xxx\", iov_len=40}, {iov_base=\"\", iov_len=40}]");
  EXPECT_EQ(iovecs("readv", in, 45, 50),
            fmt::format("[{{iov_base=\"{}\", iov_len=40}}, {{iov_base=\"xxxxx\", iov_len=40}}]",
                        std::string(40, 'x')));
}

// pselect6's sixth argument.
std::string pselect_sigmask(const void* pack) {
  SyscallEvent e = call("pselect6", {1, 0, 0, 0, 0, address(pack)});
  detail::DecodeLimits limits;
  ArgValue& v = e.args[5];
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[5], v, true, limits));
  return v.text;
}

TEST(DecodePselect6, PackedSigmask) {
  std::uint64_t mask = (1u << (SIGINT - 1)) | (1u << (SIGTERM - 1));
  struct {
    std::uint64_t ss, ss_len;
  } pack{address(&mask), 8};
  EXPECT_EQ(pselect_sigmask(&pack), "{sigmask=[INT TERM], sigsetsize=8}");
  pack.ss_len = 3;  // not the kernel's size: the address
  EXPECT_EQ(pselect_sigmask(&pack), fmt::format("{{sigmask={:#x}, sigsetsize=3}}", address(&mask)));
  pack = {0, 8};
  EXPECT_EQ(pselect_sigmask(&pack), "{sigmask=NULL, sigsetsize=8}");
}

// poll's pollfd array at entry (text) and at exit (text_out), with -s
// `limit`; `revents` is what the kernel would have written back.
struct PollText {
  std::string entry, exit;
};
PollText pollfds(std::vector<pollfd> fds, std::int64_t result, std::size_t limit) {
  SyscallEvent e = call("poll", {address(fds.data()), fds.size(), 0}, result);
  detail::DecodeLimits limits;
  limits.struct_string = limit;
  ArgValue& v = e.args[0];
  std::vector<short> revents;
  for (pollfd& p : fds) revents.push_back(std::exchange(p.revents, 0));
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[0], v, true, limits));
  for (std::size_t i = 0; i < fds.size(); ++i) fds[i].revents = revents[i];
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[0], v, false, limits));
  return {v.text, v.text_out};
}

TEST(DecodePollfds, NegativeFdsAndTheStringLimit) {
  // Six entries, the first three with fd -1 (poll skips them), the last three
  // ready: what strace 6.1 -s 2, -s 3 and -s 32 print for a real poll.
  std::vector<pollfd> fds;
  for (int i = 0; i < 6; ++i)
    fds.push_back({i < 3 ? -1 : 1, POLLOUT, static_cast<short>(i < 3 ? 0 : POLLOUT)});
  const std::string ready = "{fd=1, revents=POLLOUT}";
  PollText s2 = pollfds(fds, 3, 2);
  EXPECT_EQ(s2.entry, "[{fd=-1}, {fd=-1}, ...]");
  // Every entry is looked at on return; -s of the ready ones are shown.
  EXPECT_EQ(s2.exit, "[" + ready + ", " + ready + ", ...]");
  PollText s3 = pollfds(fds, 3, 3);
  EXPECT_EQ(s3.entry, "[{fd=-1}, {fd=-1}, {fd=-1}, ...]");
  EXPECT_EQ(s3.exit, "[" + ready + ", " + ready + ", " + ready + "]");
  PollText s32 = pollfds(fds, 3, 32);
  EXPECT_EQ(s32.entry,
            "[{fd=-1}, {fd=-1}, {fd=-1}, {fd=1, events=POLLOUT}, {fd=1, events=POLLOUT}, "
            "{fd=1, events=POLLOUT}]");
  EXPECT_EQ(s32.exit, s3.exit);
  PollText s0 = pollfds(fds, 3, 0);
  EXPECT_EQ(s0.entry, "[...]");
  EXPECT_EQ(s0.exit, "[...]");
}

TEST(DecodePollfds, ReadyEntriesBeyondTheFirst32AreSeen) {
  std::vector<pollfd> fds(40, pollfd{0, POLLIN, 0});
  fds[35].revents = POLLIN;
  EXPECT_EQ(pollfds(fds, 1, 32).exit, "[{fd=0, revents=POLLIN}]");
}

// getgroups/setgroups lists, cut at -s entries.
TEST(DecodeGidArray, CutAtTheStringLimit) {
  std::vector<std::uint32_t> gids = {1, 2, 3, 4, 5, 6};
  auto text = [&](std::size_t limit) {
    SyscallEvent e = call("setgroups", {gids.size(), address(gids.data())}, 0);
    detail::DecodeLimits limits;
    limits.struct_string = limit;
    ArgValue& v = e.args[1];
    EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[1], v, true, limits));
    return v.text;
  };
  EXPECT_EQ(text(32), "[1, 2, 3, 4, 5, 6]");
  EXPECT_EQ(text(3), "[1, 2, 3, ...]");
  EXPECT_EQ(text(0), "[...]");
}

// getgroups shows as many groups as it returned, whatever its size
// argument: getgroups(0, []) = 0, getgroups(0, [0, 0, 0]) = 3 (strace 6.1).
TEST(DecodeGidArray, GetgroupsShowsWhatItReturned) {
  std::vector<std::uint32_t> gids = {0, 0, 0};
  for (std::int64_t returned : {0, 3}) {
    SyscallEvent e = call("getgroups", {0, address(gids.data())}, returned);
    detail::DecodeLimits limits;
    ArgValue& v = e.args[1];
    EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[1], v, false, limits));
    EXPECT_EQ(v.text, returned ? "[0, 0, 0]" : "[]");
  }
}

// The remaining time of nanosleep and clock_nanosleep: shown when a signal
// interrupted the call, the address otherwise (strace 6.1).
TEST(DecodeSleep, RemainingTimeOnlyWhenInterrupted) {
  struct timespec remain = {3, 250};
  const std::uint64_t rem = address(&remain);
  auto exit_text = [&](std::uint64_t flags, std::int64_t rval) {
    SyscallEvent e = call("clock_nanosleep", {CLOCK_REALTIME, flags, 0, rem});
    detail::DecodeLimits limits;
    detail::decode_exit(getpid(), e, rval, rval < 0, limits);
    return e.args[3].form == ArgValue::Form::Struct ? e.args[3].text : "pointer";
  };
  constexpr std::int64_t kRestartBlock = -516;  // ERESTART_RESTARTBLOCK
  EXPECT_EQ(exit_text(0, kRestartBlock), "{tv_sec=3, tv_nsec=250}");
  EXPECT_EQ(exit_text(0, 0), "pointer");
  EXPECT_EQ(exit_text(0, -EINVAL), "pointer");
  EXPECT_EQ(exit_text(TIMER_ABSTIME, kRestartBlock), "pointer");
  SyscallEvent e = call("nanosleep", {0, rem});
  detail::decode_exit(getpid(), e, kRestartBlock, true, detail::DecodeLimits{});
  EXPECT_EQ(e.args[1].text, "{tv_sec=3, tv_nsec=250}");
}

// statx, abbreviated as strace 6.1 does: stx_size whatever the file type
// (statx(AT_FDCWD, "/dev/null", ...) under `ls -la /dev/null`).
TEST(DecodeStatx, SizeEvenForADevice) {
  struct statx st {};
  ASSERT_EQ(::statx(AT_FDCWD, "/dev/null", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &st), 0);
  st.stx_mask = STATX_BASIC_STATS;  // the kernel may add bits of its own (STATX_MNT_ID)
  st.stx_attributes = 0;            // the family table test covers the names
  SyscallEvent e = call("statx", {static_cast<std::uint64_t>(AT_FDCWD), 0, 0, 0, address(&st)});
  ArgValue& v = e.args[4];
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[4], v, false, detail::DecodeLimits{}));
  EXPECT_EQ(v.text,
            "{stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=S_IFCHR|0666, stx_size=0, ...}");
}

// timer_create's struct sigevent and timer id, as strace 6.1 shows them.
TEST(DecodeSigevent, EachNotification) {
  auto text = [](const sigevent& sev) {
    SyscallEvent e = call("timer_create", {CLOCK_MONOTONIC, address(&sev), 0});
    ArgValue& v = e.args[1];
    EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[1], v, true, detail::DecodeLimits{}));
    return v.text;
  };
  sigevent sev{};
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = SIGALRM;
  EXPECT_EQ(text(sev), "{sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}");
  sev.sigev_value.sival_int = 42;
  EXPECT_EQ(text(sev), "{sigev_value={sival_int=42, sival_ptr=0x2a}, sigev_signo=SIGALRM, "
                       "sigev_notify=SIGEV_SIGNAL}");
  sev = sigevent{};
  sev.sigev_notify = SIGEV_NONE;
  EXPECT_EQ(text(sev), "{sigev_signo=0, sigev_notify=SIGEV_NONE}");
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SIGUSR1;
  sev._sigev_un._tid = 1234;
  EXPECT_EQ(text(sev), "{sigev_signo=SIGUSR1, sigev_notify=SIGEV_THREAD_ID, sigev_notify_thread_id=1234}");
  sev = sigevent{};
  sev.sigev_notify = SIGEV_THREAD;
  EXPECT_EQ(text(sev), "{sigev_signo=0, sigev_notify=SIGEV_THREAD, sigev_notify_function=NULL, "
                       "sigev_notify_attributes=NULL}");
  sev.sigev_notify = 77;
  sev.sigev_signo = 12;
  EXPECT_EQ(text(sev), "{sigev_signo=12, sigev_notify=0x4d /* SIGEV_??? */}");
  sev.sigev_signo = -87097619;  // not a signal: unsigned, as strace's %u
  EXPECT_EQ(text(sev), "{sigev_signo=4207869677, sigev_notify=0x4d /* SIGEV_??? */}");

  int id = 6;
  SyscallEvent e = call("timer_create", {CLOCK_MONOTONIC, 0, address(&id)});
  ArgValue& v = e.args[2];
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[2], v, false, detail::DecodeLimits{}));
  EXPECT_EQ(v.text, "[6]");
}

}  // namespace
}  // namespace syspect
