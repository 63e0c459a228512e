// Every struct decoder, one row each: the bytes a call reads or writes,
// laid out in this process's own memory (the tracer reads a tracee with
// process_vm_readv, which reads the caller's memory as well), decoded
// through decode_entry() and decode_exit() as the tracer does, and
// compared with the text strace 6.1 prints and with the members the
// decoder keeps. A struct named in a syscall table must have a decoder
// (or be listed below as one syspect shows as an address), and every
// decoder must have a row here.

#include <arpa/inet.h>
#include <asm/ldt.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "decode.hpp"
#include "decoders/family.hpp"
#include "syspect/format.hpp"
#include "syspect/struct_schema.hpp"
#include "syspect/syscall_table.hpp"

namespace syspect {
namespace {

// Buffers that live as long as the row's test.
class Memory {
 public:
  template <class T>
  std::uint64_t put(const T& value) {
    return put_bytes(&value, sizeof value);
  }
  std::uint64_t put_bytes(const void* p, std::size_t n) {
    auto& b = buffers_.emplace_back(static_cast<const char*>(p), static_cast<const char*>(p) + n);
    return reinterpret_cast<std::uintptr_t>(b.data());
  }

 private:
  std::deque<std::vector<char>> buffers_;
};

struct Row {
  const char* struct_name;
  const char* syscall;
  int arg;  // the struct's argument
  // The six registers, with the struct (and what it points to) put in `m`.
  std::function<std::vector<std::uint64_t>(Memory& m)> registers;
  std::int64_t result;
  std::string text;  // as strace shows it; "{addr}" is the struct's address
  std::vector<std::pair<std::string, std::int64_t>> fields;  // some members and their values
  // What the call changes in memory before it returns (an in/out struct).
  std::function<void(std::uint64_t addr)> during = nullptr;
};

struct KernelStat {
  std::uint64_t st_dev, st_ino, st_nlink;
  std::uint32_t st_mode, st_uid, st_gid, pad0;
  std::uint64_t st_rdev;
  std::int64_t st_size, st_blksize, st_blocks;
  std::uint64_t times[6];
  std::int64_t unused[3];
};

struct KernelMsghdr {
  std::uint64_t name;
  std::uint32_t namelen, pad;
  std::uint64_t iov, iovlen, control, controllen;
  std::int32_t flags, pad2;
};

// Clock ticks per second (times(), SIGCHLD's si_utime): 100 on Linux.
const std::int64_t kTicks = ::sysconf(_SC_CLK_TCK);

constexpr std::uint64_t sigbit(int sig) { return std::uint64_t{1} << (sig - 1); }

KernelMsghdr one_iovec_message(Memory& m) {
  static const char hi[] = "hi";
  const iovec iov{const_cast<char*>(hi), 2};
  KernelMsghdr msg{};
  msg.iov = m.put(iov);
  msg.iovlen = 1;
  return msg;
}

constexpr const char* kOneIovecMessage =
    "{msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"hi\", iov_len=2}], msg_iovlen=1, "
    "msg_controllen=0, msg_flags=0}";

std::vector<Row> rows() {
  return {
      {"stat", "newfstatat", 2,
       [](Memory& m) {
         KernelStat st{};
         st.st_mode = S_IFREG | 0644;
         st.st_size = 1234;
         st.st_nlink = 1;
         return std::vector<std::uint64_t>{static_cast<std::uint64_t>(AT_FDCWD), m.put("f"), m.put(st), 0};
       },
       0, "{st_mode=S_IFREG|0644, st_size=1234, ...}", {{"st_mode", S_IFREG | 0644}, {"st_size", 1234}}},
      {"statx", "statx", 4,
       [](Memory& m) {
         struct statx st{};
         st.stx_mask = 0x7ff;
         st.stx_mode = S_IFDIR | 0755;
         st.stx_size = 4096;
         return std::vector<std::uint64_t>{static_cast<std::uint64_t>(AT_FDCWD), m.put("d"), 0, 0x7ff, m.put(st)};
       },
       0, "{stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=S_IFDIR|0755, stx_size=4096, ...}",
       {{"stx_size", 4096}, {"stx_mode", S_IFDIR | 0755}}},
      {"statfs", "statfs", 1,
       [](Memory& m) {
         struct {
           std::int64_t f_type, f_bsize;
           std::uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
           std::int32_t f_fsid[2];
           std::int64_t f_namelen, f_frsize, f_flags, f_spare[4];
         } st{0xef53, 4096, 100, 50, 40, 1000, 900, {1, 2}, 255, 4096, 0x1000, {}};
         return std::vector<std::uint64_t>{m.put("/"), m.put(st)};
       },
       0,
       "{f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=100, f_bfree=50, f_bavail=40, f_files=1000, "
       "f_ffree=900, f_fsid={val=[0x1, 0x2]}, f_namelen=255, f_frsize=4096, f_flags=ST_RELATIME}",
       {{"f_type", 0xef53}, {"f_fsid.val[1]", 2}}},
      {"linux_dirent64", "getdents64", 1,
       [](Memory& m) {
         unsigned char buf[48] = {};
         buf[16] = 24;  // d_reclen of the first entry
         buf[24 + 16] = 24;
         return std::vector<std::uint64_t>{3, m.put(buf), 48};
       },
       48, "{addr} /* 2 entries */", {{"entries", 2}}},
      {"linux_dirent", "getdents", 1,
       [](Memory& m) {
         unsigned char buf[72] = {};
         buf[16] = 24;  // d_reclen of each of the three entries
         buf[24 + 16] = 24;
         buf[48 + 16] = 24;
         return std::vector<std::uint64_t>{3, m.put(buf), 72};
       },
       72, "{addr} /* 3 entries */", {{"entries", 3}}},
      {"sigset", "rt_sigprocmask", 1,
       [](Memory& m) {
         return std::vector<std::uint64_t>{SIG_BLOCK, m.put(sigbit(SIGINT) | sigbit(SIGTERM)), 0, 8};
       },
       0, "[INT TERM]", {{"mask", static_cast<std::int64_t>(sigbit(SIGINT) | sigbit(SIGTERM))}}},
      {"sigset_pack", "pselect6", 5,
       [](Memory& m) {
         struct {
           std::uint64_t ss, len;
         } pack{m.put(sigbit(SIGINT) | sigbit(SIGTERM)), 8};
         return std::vector<std::uint64_t>{0, 0, 0, 0, 0, m.put(pack)};
       },
       0, "{sigmask=[INT TERM], sigsetsize=8}", {{"sigsetsize", 8}}},
      {"sigaction", "rt_sigaction", 1,
       [](Memory& m) {
         struct {
           std::uint64_t handler, flags, restorer, mask;
         } sa{1, 0x04000000 | 0x10000000, 0x401000, sigbit(SIGCHLD)};
         return std::vector<std::uint64_t>{SIGINT, m.put(sa), 0, 8};
       },
       0, "{sa_handler=SIG_IGN, sa_mask=[CHLD], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x401000}",
       {{"sa_handler", 1}, {"sa_restorer", 0x401000}}},
      {"stack_t", "sigaltstack", 0,
       [](Memory& m) {
         struct {
           std::uint64_t sp;
           std::int32_t flags, pad;
           std::uint64_t size;
         } ss{0x1000, 0, 0, 8192};
         return std::vector<std::uint64_t>{m.put(ss), 0};
       },
       0, "{ss_sp=0x1000, ss_flags=0, ss_size=8192}", {{"ss_size", 8192}}},
      {"timespec", "nanosleep", 0,
       [](Memory& m) {
         const std::int64_t ts[2] = {1, 500};
         return std::vector<std::uint64_t>{m.put(ts), 0};
       },
       0, "{tv_sec=1, tv_nsec=500}", {{"tv_sec", 1}, {"tv_nsec", 500}}},
      {"timeval", "gettimeofday", 0,
       [](Memory& m) {
         const std::int64_t tv[2] = {5, 7};
         return std::vector<std::uint64_t>{m.put(tv), 0};
       },
       0, "{tv_sec=5, tv_usec=7}", {{"tv_usec", 7}}},
      {"itimerspec", "timer_settime", 2,
       [](Memory& m) {
         const std::int64_t its[4] = {0, 0, 1, 0};
         return std::vector<std::uint64_t>{0, 0, m.put(its), 0};
       },
       0, "{it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=1, tv_nsec=0}}", {{"it_value.tv_sec", 1}}},
      {"itimerval", "setitimer", 1,
       [](Memory& m) {
         const std::int64_t it[4] = {0, 0, 2, 5};
         return std::vector<std::uint64_t>{0, m.put(it), 0};
       },
       0, "{it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=2, tv_usec=5}}", {{"it_value.tv_usec", 5}}},
      {"timespec_pair", "utimensat", 2,
       [](Memory& m) {
         // strace comments a time in the tracer's local time: UTC here.
         ::setenv("TZ", "UTC0", 1);
         ::tzset();
         const std::int64_t ts[4] = {0, UTIME_NOW, 1796270482, 5};
         return std::vector<std::uint64_t>{static_cast<std::uint64_t>(AT_FDCWD), m.put("f"), m.put(ts), 0};
       },
       0, "[UTIME_NOW, {tv_sec=1796270482, tv_nsec=5} /* 2026-12-03T04:01:22.000000005+0000 */]",
       {{"[0].tv_nsec", UTIME_NOW}, {"[1].tv_sec", 1796270482}}},
      {"sigevent", "timer_create", 1,
       [](Memory& m) {
         struct {
           std::uint64_t value;
           std::int32_t signo, notify;
           std::uint64_t un[2];
         } sev{0, SIGALRM, SIGEV_SIGNAL, {}};
         return std::vector<std::uint64_t>{CLOCK_MONOTONIC, m.put(sev), 0};
       },
       0, "{sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}", {{"sigev_signo", SIGALRM}}},
      {"timer_t", "timer_create", 2,
       [](Memory& m) { return std::vector<std::uint64_t>{CLOCK_MONOTONIC, 0, m.put(std::int32_t{3})}; },
       0, "[3]", {{"value", 3}}},
      {"pollfd", "poll", 0,
       [](Memory& m) {
         const pollfd fds[2] = {{0, POLLIN, 0}, {-1, 0, 0}};
         return std::vector<std::uint64_t>{m.put(fds), 2, 0};
       },
       0, "[{fd=0, events=POLLIN}, {fd=-1}]", {{"[0].events", POLLIN}, {"[1].fd", -1}}},
      {"fd_set", "select", 1,
       [](Memory& m) {
         const std::uint64_t bits = 0x9;  // 0 and 3
         return std::vector<std::uint64_t>{4, m.put(bits), 0, 0, 0};
       },
       0, "[0 3]", {{"[1]", 3}}},
      {"epoll_event", "epoll_ctl", 3,
       [](Memory& m) {
         struct [[gnu::packed]] {
           std::uint32_t events;
           std::uint64_t data;
         } ev{EPOLLIN, 5};
         return std::vector<std::uint64_t>{4, EPOLL_CTL_ADD, 0, m.put(ev)};
       },
       0, "{events=EPOLLIN, data={u32=5, u64=5}}", {{"data.u64", 5}}},
      {"sockaddr", "connect", 1,
       [](Memory& m) {
         sockaddr_in in{};
         in.sin_family = AF_INET;
         in.sin_port = htons(80);
         in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
         return std::vector<std::uint64_t>{3, m.put(in), sizeof in};
       },
       0, "{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}",
       {{"sa_family", AF_INET}, {"sin_port", 80}}},
      {"loff_t", "sendfile", 2, [](Memory& m) { return std::vector<std::uint64_t>{4, 5, m.put(std::int64_t{0}), 35499}; },
       35499, "[0] => [35499]", {{"value", 35499}},
       [](std::uint64_t addr) { *reinterpret_cast<std::int64_t*>(addr) = 35499; }},
      {"uid", "getresuid", 0,
       [](Memory& m) { return std::vector<std::uint64_t>{m.put(std::uint32_t{1000}), 0, 0}; }, 0, "[1000]",
       {{"value", 1000}}},
      {"gid", "getresgid", 1,
       [](Memory& m) { return std::vector<std::uint64_t>{0, m.put(std::uint32_t{0xffffffff}), 0}; }, 0, "[-1]",
       {{"value", 0xffffffff}}},
      {"uint", "getcpu", 0, [](Memory& m) { return std::vector<std::uint64_t>{m.put(std::uint32_t{1}), 0, 0}; },
       0, "[1]", {{"value", 1}}},
      {"timeval_pair", "utimes", 1,
       [](Memory& m) {
         ::setenv("TZ", "UTC0", 1);
         ::tzset();
         const std::int64_t tv[4] = {1492358607, 345678, static_cast<std::int64_t>(0xcafef00ddeadbeefULL),
                                     static_cast<std::int64_t>(0xbadc0dedfacefeedULL)};
         return std::vector<std::uint64_t>{m.put("f"), m.put(tv)};
       },
       -1,
       "[{tv_sec=1492358607, tv_usec=345678} /* 2017-04-16T16:03:27.345678+0000 */, "
       "{tv_sec=-3819351491602432273, tv_usec=13464652301697220333}]",
       {{"[0].tv_usec", 345678}}},
      {"utimbuf", "utime", 1,
       [](Memory& m) {
         ::setenv("TZ", "UTC0", 1);
         ::tzset();
         const std::int64_t t[2] = {1492350678, 0};
         return std::vector<std::uint64_t>{m.put("f"), m.put(t)};
       },
       -1, "{actime=1492350678 /* 2017-04-16T13:51:18+0000 */, modtime=0}", {{"actime", 1492350678}}},
      {"mincore_vec", "mincore", 2,
       [](Memory& m) {
         const unsigned char vec[2] = {1, 0};
         return std::vector<std::uint64_t>{0x10000, 8192, m.put(vec)};
       },
       0, "[1, 0]", {{"[0]", 1}, {"[1]", 0}}},
      {"time_t", "time", 0,
       [](Memory& m) {
         ::setenv("TZ", "UTC0", 1);
         ::tzset();
         return std::vector<std::uint64_t>{m.put(std::int64_t{1492350678})};
       },
       1492350678, "[1492350678 /* 2017-04-16T13:51:18+0000 */]", {{"value", 1492350678}}},
      {"sembuf", "semop", 1,
       [](Memory& m) {
         const std::int16_t ops[6] = {0, 1, 0x1000, static_cast<std::int16_t>(0xface),
                                      static_cast<std::int16_t>(0xf00d), static_cast<std::int16_t>(0xbeef)};
         return std::vector<std::uint64_t>{65546, m.put(ops), 2};
       },
       0, "[{sem_num=0, sem_op=1, sem_flg=SEM_UNDO}, {sem_num=64206, sem_op=-4083, sem_flg=SEM_UNDO|IPC_NOWAIT|0xa6ef}]",
       {{"[0].sem_op", 1}, {"[1].sem_num", 64206}}},
      {"socklen_t", "getsockname", 2,
       [](Memory& m) { return std::vector<std::uint64_t>{3, 0, m.put(std::uint32_t{128})}; }, 0,
       "[128 => 16]", {{"value", 16}},
       [](std::uint64_t addr) { *reinterpret_cast<std::uint32_t*>(addr) = 16; }},
      {"sockopt", "setsockopt", 3,
       [](Memory& m) {
         return std::vector<std::uint64_t>{3, SOL_SOCKET, SO_REUSEADDR, m.put(std::int32_t{1}), 4};
       },
       0, "[1]", {{"value", 1}}},
      {"msghdr", "sendmsg", 1,
       [](Memory& m) { return std::vector<std::uint64_t>{3, m.put(one_iovec_message(m)), 0}; }, 2,
       kOneIovecMessage, {{"msg_iovlen", 1}, {"msg_iov[0].iov_len", 2}}},
      {"mmsghdr", "sendmmsg", 1,
       [](Memory& m) {
         struct {
           KernelMsghdr hdr;
           std::uint32_t len, pad;
         } msg{one_iovec_message(m), 2, 0};
         return std::vector<std::uint64_t>{3, m.put(msg), 1, 0};
       },
       1, fmt::format("[{{msg_hdr={}, msg_len=2}}]", kOneIovecMessage), {{"[0].msg_len", 2}}},
      {"iovec", "writev", 1,
       [](Memory& m) {
         static const char hi[] = "hi";
         const iovec iov{const_cast<char*>(hi), 2};
         return std::vector<std::uint64_t>{1, m.put(iov), 1};
       },
       2, "[{iov_base=\"hi\", iov_len=2}]", {{"[0].iov_len", 2}}},
      {"ioctl_arg", "ioctl", 2,
       [](Memory& m) {
         const winsize ws{24, 80, 0, 0};
         return std::vector<std::uint64_t>{1, TIOCGWINSZ, m.put(ws)};
       },
       0, "{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}", {{"ws_col", 80}}},
      {"open_how", "openat2", 2,
       [](Memory& m) {
         // A size beyond struct open_how: strace shows the bytes that follow.
         struct {
           open_how how;
           std::uint64_t more;
         } longer{};
         longer.how.flags = O_RDONLY | O_CLOEXEC;
         longer.how.resolve = RESOLVE_NO_SYMLINKS;
         longer.more = 1;
         return std::vector<std::uint64_t>{static_cast<std::uint64_t>(AT_FDCWD), m.put("f"), m.put(longer),
                                           sizeof longer};
       },
       3,
       "{flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS, /* bytes 24..31 */ "
       "\"\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\"}",
       {{"resolve", RESOLVE_NO_SYMLINKS}}},
      {"clone_args", "clone3", 0,
       [](Memory& m) {
         std::uint64_t ca[11] = {};
         ca[0] = CLONE_VM | CLONE_VFORK;  // flags
         ca[4] = SIGCHLD;                 // exit_signal
         return std::vector<std::uint64_t>{m.put(ca), 88};
       },
       1234, "{flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=NULL, stack_size=0}",
       {{"flags", CLONE_VM | CLONE_VFORK}, {"exit_signal", SIGCHLD}}},
      {"rlimit", "getrlimit", 1,
       [](Memory& m) {
         const std::uint64_t lim[2] = {~std::uint64_t{0}, 4096};
         return std::vector<std::uint64_t>{RLIMIT_NOFILE, m.put(lim)};
       },
       0, "{rlim_cur=RLIM64_INFINITY, rlim_max=4*1024}", {{"rlim_max", 4096}}},
      {"rlimit64", "prlimit64", 2,
       [](Memory& m) {
         const std::uint64_t lim[2] = {1024, 2048};
         return std::vector<std::uint64_t>{0, RLIMIT_NOFILE, m.put(lim), 0};
       },
       0, "{rlim_cur=1024, rlim_max=2*1024}", {{"rlim_cur", 1024}}},
      {"utsname", "uname", 0,
       [](Memory& m) {
         utsname u{};
         std::strcpy(u.sysname, "Linux");
         std::strcpy(u.nodename, "box");
         return std::vector<std::uint64_t>{m.put(u)};
       },
       0, "{sysname=\"Linux\", nodename=\"box\", ...}", {}},
      {"cpu_set", "sched_getaffinity", 2,
       [](Memory& m) { return std::vector<std::uint64_t>{0, 8, m.put(std::uint64_t{0x3})}; }, 8, "[0 1]",
       {{"[1]", 1}}},
      {"rusage", "getrusage", 1,
       [](Memory& m) {
         std::int64_t ru[18] = {1, 2, 3, 4};
         ru[4] = 999;
         return std::vector<std::uint64_t>{RUSAGE_SELF, m.put(ru)};
       },
       0, "{ru_utime={tv_sec=1, tv_usec=2}, ru_stime={tv_sec=3, tv_usec=4}, ...}", {{"ru_maxrss", 999}}},
      {"sysinfo", "sysinfo", 0,
       [](Memory& m) {
         struct {
           std::int64_t uptime;
           std::uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
           std::uint16_t procs, pad;
           std::uint32_t pad2;
           std::uint64_t totalhigh, freehigh;
           std::uint32_t mem_unit;
         } si{10, {1, 2, 3}, 100, 50, 0, 0, 0, 0, 7, 0, 0, 0, 0, 1};
         return std::vector<std::uint64_t>{m.put(si)};
       },
       0,
       "{uptime=10, loads=[1, 2, 3], totalram=100, freeram=50, sharedram=0, bufferram=0, totalswap=0, "
       "freeswap=0, procs=7, totalhigh=0, freehigh=0, mem_unit=1}",
       {{"procs", 7}}},
      {"gid_array", "setgroups", 1,
       [](Memory& m) {
         const std::uint32_t gids[2] = {0, 27};
         return std::vector<std::uint64_t>{2, m.put(gids)};
       },
       0, "[0, 27]", {{"[1]", 27}}},
      {"sched_param", "sched_setparam", 1,
       [](Memory& m) { return std::vector<std::uint64_t>{0, m.put(std::int32_t{5})}; }, 0, "[5]",
       {{"sched_priority", 5}}},
      {"nodemask", "set_mempolicy", 1,
       [](Memory& m) {
         const std::uint64_t mask[2] = {0x1, 0};
         return std::vector<std::uint64_t>{5, m.put(mask), 128};
       },
       0, "[0x00000000000001, 0000000000000000]", {{"[0]", 1}}},
      {"mempolicy_mode", "get_mempolicy", 0,
       [](Memory& m) { return std::vector<std::uint64_t>{m.put(std::int32_t{2 | 0x8000}), 0, 0, 0, 0}; }, 0,
       "[MPOL_BIND|MPOL_F_STATIC_NODES]", {{"value", 2 | 0x8000}}},
      {"landlock_ruleset_attr", "landlock_create_ruleset", 0,
       [](Memory& m) {
         // A size past the member strace knows: ", ..." (not read).
         const std::uint64_t attr[2] = {0x1 | 0x4, 0};
         return std::vector<std::uint64_t>{m.put(attr), 16, 0};
       },
       3, "{handled_access_fs=LANDLOCK_ACCESS_FS_EXECUTE|LANDLOCK_ACCESS_FS_READ_FILE, ...}",
       {{"handled_access_fs", 0x5}}},
      {"landlock_path_beneath_attr", "landlock_add_rule", 2,
       [](Memory& m) {
         struct __attribute__((packed)) {
           std::uint64_t allowed_access;
           std::int32_t parent_fd;
         } attr{0x2000 | (std::uint64_t{1} << 40), -1};
         return std::vector<std::uint64_t>{3, 1, m.put(attr), 0};
       },
       0, "{allowed_access=LANDLOCK_ACCESS_FS_REFER|0x10000000000, parent_fd=-1}",
       {{"allowed_access", 0x2000 | (std::int64_t{1} << 40)}, {"parent_fd", -1}}},
      {"mount_attr", "mount_setattr", 3,
       [](Memory& m) {
         // Eight bytes past struct mount_attr: strace shows those not zero.
         const std::uint64_t attr[5] = {0x1 | 0x100000, 0x2, 0x40000 /* MS_PRIVATE */, 0, 0x7f};
         return std::vector<std::uint64_t>{static_cast<std::uint64_t>(-1), m.put("/"), 0, m.put(attr), 40};
       },
       0,
       "{attr_set=MOUNT_ATTR_RDONLY|MOUNT_ATTR_IDMAP, attr_clr=MOUNT_ATTR_NOSUID, propagation=MS_PRIVATE, "
       "userns_fd=0, /* bytes 32..39 */ \"\\x7f\\x00\\x00\\x00\\x00\\x00\\x00\\x00\"}",
       {{"attr_set", 0x100001}, {"propagation", 0x40000}, {"userns_fd", 0}}},
      {"io_uring_params", "io_uring_setup", 1,
       [](Memory& m) {
         std::uint32_t params[30] = {};
         params[2] = 0x2;  // flags: IORING_SETUP_SQPOLL
         params[4] = 1000;  // sq_thread_idle
         return std::vector<std::uint64_t>{4, m.put(params)};
       },
       3,
       "{flags=IORING_SETUP_SQPOLL, sq_thread_cpu=0, sq_thread_idle=1000, sq_entries=4, cq_entries=8, "
       "features=IORING_FEAT_SINGLE_MMAP|IORING_FEAT_NODROP, sq_off={head=0, tail=64, ring_mask=256, "
       "ring_entries=264, flags=276, dropped=272, array=384}, cq_off={head=128, tail=192, ring_mask=260, "
       "ring_entries=268, overflow=284, cqes=320, flags=280}}",
       {{"flags", 0x2}, {"sq_thread_idle", 1000}, {"sq_entries", 4}, {"features", 0x3}},
       [](std::uint64_t addr) {
         // What the kernel writes back.
         auto* p = reinterpret_cast<std::uint32_t*>(addr);
         p[0] = 4, p[1] = 8, p[5] = 0x3;
         const std::uint32_t sq[7] = {0, 64, 256, 264, 276, 272, 384};
         const std::uint32_t cq[7] = {128, 192, 260, 268, 284, 320, 280};
         std::memcpy(p + 10, sq, sizeof sq);
         std::memcpy(p + 20, cq, sizeof cq);
       }},
      {"futex_waitv", "futex_waitv", 0,
       [](Memory& m) {
         const std::uint64_t waiters[6] = {0x2a, 0x1000, 0x2 | 128, 0, 0, 0x2 | 0x100};
         return std::vector<std::uint64_t>{m.put(waiters), 2, 0, 0, CLOCK_MONOTONIC};
       },
       0, "[{val=0x2a, uaddr=0x1000, flags=FUTEX_32|FUTEX_PRIVATE_FLAG}, {val=0, uaddr=NULL, flags=FUTEX_32|0x100}]",
       {{"[0].val", 0x2a}, {"[0].uaddr", 0x1000}, {"[1].flags", 0x102}}},
      {"move_pages_pages", "move_pages", 2,
       [](Memory& m) {
         const std::uint64_t pages[2] = {0x1000, 0};
         return std::vector<std::uint64_t>{0, 2, m.put(pages), 0, m.put(std::int64_t{0}), 2};
       },
       0, "[0x1000, NULL]", {{"[0]", 0x1000}, {"[1]", 0}}},
      {"move_pages_nodes", "move_pages", 3,
       [](Memory& m) {
         const std::int32_t nodes[2] = {0, 1};
         return std::vector<std::uint64_t>{0, 2, m.put(std::int64_t{0}), m.put(nodes), m.put(std::int64_t{0}), 4};
       },
       0, "[0, 1]", {{"[1]", 1}}},
      {"move_pages_status", "move_pages", 4,
       [](Memory& m) {
         const std::int32_t status[2] = {0, -EFAULT};
         return std::vector<std::uint64_t>{0, 2, m.put(std::int64_t{0}), 0, m.put(status), 2};
       },
       0, "[0, -EFAULT]", {{"[1]", -EFAULT}}},
      {"siginfo", "rt_sigqueueinfo", 2,
       [](Memory& m) {
         siginfo_t si{};
         si.si_signo = SIGUSR1;
         si.si_errno = ENOENT;
         si.si_code = SI_QUEUE;
         si.si_pid = 42;
         si.si_uid = 0;
         si.si_value.sival_ptr = reinterpret_cast<void*>(0xdeadbeefbadc0dedULL);
         return std::vector<std::uint64_t>{42, SIGUSR1, m.put(si)};
       },
       0,
       "{si_signo=SIGUSR1, si_code=SI_QUEUE, si_errno=ENOENT, si_pid=42, si_uid=0, si_int=-1159983635, "
       "si_ptr=0xdeadbeefbadc0ded}",
       {{"si_signo", SIGUSR1}, {"si_code", SI_QUEUE}, {"si_pid", 42}, {"si_int", -1159983635}}},
      {"tms", "times", 0,
       [](Memory& m) {
         const std::int64_t t[4] = {41 * kTicks / 100, 0, 69 * kTicks / 100, 2 * kTicks};
         return std::vector<std::uint64_t>{m.put(t)};
       },
       1723083604,
       fmt::format("{{tms_utime={} /* 0.41 s */, tms_stime=0, tms_cutime={} /* 0.69 s */, "
                   "tms_cstime={} /* 2.00 s */}}",
                   41 * kTicks / 100, 69 * kTicks / 100, 2 * kTicks),
       {{"tms_utime", 41 * kTicks / 100}, {"tms_cstime", 2 * kTicks}}},
      {"timex", "adjtimex", 0,
       [](Memory& m) {
         timex tx{};
         tx.maxerror = 16000000;
         tx.esterror = 16000000;
         tx.status = STA_UNSYNC | STA_NANO;
         tx.constant = 2;
         tx.precision = 1;
         tx.tolerance = 32768000;
         tx.time.tv_sec = 1796287448;
         tx.time.tv_usec = 923507872;
         tx.tick = 10000;
         return std::vector<std::uint64_t>{m.put(tx)};
       },
       5,
       "{modes=0, offset=0, freq=0, maxerror=16000000, esterror=16000000, status=STA_UNSYNC|STA_NANO, "
       "constant=2, precision=1, tolerance=32768000, time={tv_sec=1796287448, tv_usec=923507872}, tick=10000, "
       "ppsfreq=0, jitter=0, shift=0, stabil=0, jitcnt=0, calcnt=0, errcnt=0, stbcnt=0, tai=0}",
       {{"status", STA_UNSYNC | STA_NANO}, {"tick", 10000}}},
      {"user_desc", "modify_ldt", 1,
       [](Memory& m) {
         user_desc u{};
         u.entry_number = 0xffffffffu;
         u.base_addr = 0x87868584;
         u.limit = 0x1234;
         u.contents = 2;
         u.read_exec_only = 1;
         u.lm = 1;
         return std::vector<std::uint64_t>{1, m.put(u), sizeof u};
       },
       0,
       "{entry_number=-1, base_addr=0x87868584, limit=0x001234, seg_32bit=0, contents=2, read_exec_only=1, "
       "limit_in_pages=0, seg_not_present=0, useable=0, lm=1}",
       {{"entry_number", 0xffffffffu}, {"contents", 2}}},
      {"wait_status", "wait4", 1,
       [](Memory& m) { return std::vector<std::uint64_t>{static_cast<std::uint64_t>(-1), m.put(3 << 8), 0, 0}; },
       42, "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]", {{"status", 3 << 8}}},
  };
}

// Structs the tables name that syspect shows as their address for now
// (as strace does for some of them); every other name must have a decoder.
const std::set<std::string, std::less<>> kShownAsAddress = {
    "__old_kernel_stat", "__sysctl_args", "aio_context", "aio_sigset", "bpf_attr", "cap_user_data",
    "cap_user_header", "file_handle", "io_event", "iocb",
    "iocb_array", "itimerspec64", "mmap_arg_struct", "mq_attr", "msgbuf", "msqid_ds", "off_t", "old_linux_dirent", "old_sigaction",
    "old_sigset", "old_utsname", "oldold_utsname", "perf_event_attr", "sched_attr", "sel_arg_struct",
    "shmid_ds", "stat64", "statfs64", "timespec64", "timespec64_pair",
    "timex64", "timezone", "ustat",
    "vm86_struct", "vm86plus_struct"};

class StructDecoder : public ::testing::TestWithParam<Row> {};

TEST_P(StructDecoder, ShowsWhatStraceShowsAndKeepsTheMembers) {
  const Row& row = GetParam();
  Memory m;
  const std::vector<std::uint64_t> regs = row.registers(m);
  std::uint64_t raw[6] = {};
  for (std::size_t i = 0; i < regs.size() && i < 6; ++i) raw[i] = regs[i];
  SyscallEvent e;
  e.abi = Abi::x86_64;
  e.desc = find_syscall(Abi::x86_64, row.syscall);
  ASSERT_NE(e.desc, nullptr) << row.syscall;
  e.nr = e.desc->nr;
  ASSERT_NE(e.desc->args[row.arg].struct_name, nullptr);
  EXPECT_STREQ(e.desc->args[row.arg].struct_name, row.struct_name)
      << row.syscall << "'s argument " << row.arg << " is not this struct";
  const detail::DecodeLimits limits;
  detail::decode_entry(getpid(), e, raw, 0, limits);
  if (row.during) row.during(raw[row.arg]);
  detail::decode_exit(getpid(), e, row.result, false, limits);
  const ArgValue& v = e.args[row.arg];
  std::string text = row.text;
  if (auto at = text.find("{addr}"); at != std::string::npos)
    text.replace(at, 6, fmt::format("{:#x}", raw[row.arg]));
  EXPECT_EQ(v.form, ArgValue::Form::Struct);
  EXPECT_EQ(v.text, text);
  for (const auto& [name, value] : row.fields) {
    const auto& wanted = name;  // clang 14 cannot capture a structured binding
    auto f = std::find_if(v.fields.begin(), v.fields.end(),
                          [&wanted](const StructField& x) { return wanted == x.name; });
    ASSERT_NE(f, v.fields.end()) << "no member " << name;
    EXPECT_EQ(f->value, value) << name;
  }
  // The members kept are those the schema declares.
  const StructSchema* schema = struct_schema(row.struct_name);
  ASSERT_NE(schema, nullptr);
  for (const StructField& f : v.fields)
    EXPECT_NE(find_member(*schema, f.name), nullptr) << f.name << " is not in the schema";
}

INSTANTIATE_TEST_SUITE_P(Rows, StructDecoder, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& info) {
                           std::string name = info.param.struct_name;
                           for (char& c : name)
                             if (c == '_') c = 'X';
                           return name;
                         });

// A wait that found no child (WNOHANG) writes no status: strace shows the
// address, and so does syspect.
TEST(StructDecoders, NoStatusWhenNoChildWasWaitedFor) {
  const int status = 3 << 8;
  std::uint64_t raw[6] = {static_cast<std::uint64_t>(-1), reinterpret_cast<std::uintptr_t>(&status), 1, 0};
  SyscallEvent e;
  e.desc = find_syscall(Abi::x86_64, "wait4");
  ASSERT_NE(e.desc, nullptr);
  e.nr = e.desc->nr;
  detail::decode_entry(getpid(), e, raw, 0, detail::DecodeLimits{});
  detail::decode_exit(getpid(), e, 0, false, detail::DecodeLimits{});
  EXPECT_EQ(e.args[1].form, ArgValue::Form::Pointer);
  EXPECT_EQ(format_syscall(e, FormatOptions{}),
            fmt::format("wait4(-1, {:#x}, WNOHANG, NULL) = 0", raw[1]));
}

// One x86_64 call decoded at entry from the registers `raw` (no
// descriptor when the table has no such call).
SyscallEvent entered(const char* call, std::uint64_t (&raw)[6]) {
  SyscallEvent e;
  e.abi = Abi::x86_64;
  e.desc = find_syscall(Abi::x86_64, call);
  if (e.desc == nullptr) return e;
  e.nr = e.desc->nr;
  detail::decode_entry(getpid(), e, raw, 0, detail::DecodeLimits{});
  return e;
}

std::string unaligned(const SyscallEvent& e) {
  FormatOptions o;
  o.align = false;
  return format_syscall(e, o);
}

// One call decoded from the registers `raw` (entry, then exit with
// `result`) and shown as strace shows it, unaligned.
std::string shown(const char* call, std::uint64_t (&raw)[6], std::int64_t result, bool failed = false) {
  SyscallEvent e = entered(call, raw);
  if (e.desc == nullptr) return "no such call";
  detail::decode_exit(getpid(), e, result, failed, detail::DecodeLimits{});
  return unaligned(e);
}

// The port id the kernel chose for a process's second netlink socket is
// negative, and strace prints it signed.
TEST(StructDecoders, NetlinkPortIdIsSigned) {
  sockaddr_nl nl{};
  nl.nl_family = AF_NETLINK;
  nl.nl_pid = static_cast<std::uint32_t>(-10828192);
  std::uint64_t raw[6] = {3, reinterpret_cast<std::uintptr_t>(&nl), sizeof nl};
  EXPECT_EQ(shown("connect", raw, 0), "connect(3, {sa_family=AF_NETLINK, nl_pid=-10828192, nl_groups=00000000}, 12) = 0");
  const ArgValue v = entered("connect", raw).args[1];
  auto f = std::find_if(v.fields.begin(), v.fields.end(), [](const StructField& x) { return x.name.view() == "nl_pid"; });
  ASSERT_NE(f, v.fields.end());
  EXPECT_EQ(f->value, -10828192);
}

// accept's address in a buffer of 2 bytes ([2 => 24]): the call filled
// only the family, and strace shows only that.
TEST(StructDecoders, SockaddrCutAtTheBufferGiven) {
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::memset(un.sun_path, 'A', 22);
  std::uint32_t len = 2;
  std::uint64_t raw[6] = {3, reinterpret_cast<std::uintptr_t>(&un), reinterpret_cast<std::uintptr_t>(&len)};
  SyscallEvent e = entered("accept", raw);
  ASSERT_NE(e.desc, nullptr);
  len = 24;
  detail::decode_exit(getpid(), e, 13, false, detail::DecodeLimits{});
  EXPECT_EQ(unaligned(e), "accept(3, {sa_family=AF_UNIX}, [2 => 24]) = 13");
}

// siginfo_t, member by member as strace's printsiginfo chooses them: by
// where the signal came from (si_code <= 0: user space) and which signal.
TEST(StructDecoders, SiginfoMembersFollowTheCodeAndTheSignal) {
  siginfo_t si{};
  std::uint64_t raw[6] = {static_cast<std::uint64_t>(P_PID), 7, reinterpret_cast<std::uintptr_t>(&si),
                          WNOHANG | WEXITED | WSTOPPED, 0};
  // waitid with no child ready leaves it zeroed: "{}".
  EXPECT_EQ(shown("waitid", raw, 0), fmt::format("waitid(P_PID, 7, {{}}, WNOHANG|WEXITED|WSTOPPED, NULL) = 0"));
  si.si_signo = SIGCHLD;
  si.si_code = CLD_EXITED;
  si.si_pid = 7;
  si.si_uid = 1000;
  si.si_status = 3;
  si.si_utime = kTicks;
  EXPECT_EQ(shown("waitid", raw, 0),
            fmt::format("waitid(P_PID, 7, {{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=7, si_uid=1000, "
                        "si_status=3, si_utime={} /* 1.00 s */, si_stime=0}}, WNOHANG|WEXITED|WSTOPPED, NULL) = 0",
                        kTicks));
  si.si_code = CLD_KILLED;
  si.si_status = SIGKILL;
  si.si_utime = 0;
  EXPECT_EQ(shown("waitid", raw, 0),
            "waitid(P_PID, 7, {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=7, si_uid=1000, si_status=SIGKILL, "
            "si_utime=0, si_stime=0}, WNOHANG|WEXITED|WSTOPPED, NULL) = 0");
  // A failed call wrote nothing: the address.
  EXPECT_EQ(shown("waitid", raw, -ECHILD, true),
            fmt::format("waitid(P_PID, 7, {:#x}, WNOHANG|WEXITED|WSTOPPED, NULL) = -1 ECHILD (No child processes)",
                        raw[2]));

  // A fault: its address; an unknown si_code in hex.
  si = siginfo_t{};
  si.si_signo = SIGSEGV;
  si.si_code = SEGV_MAPERR;
  si.si_addr = reinterpret_cast<void*>(0x1000);
  std::uint64_t queue[6] = {42, SIGSEGV, reinterpret_cast<std::uintptr_t>(&si)};
  EXPECT_EQ(shown("rt_sigqueueinfo", queue, 0),
            "rt_sigqueueinfo(42, SIGSEGV, {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x1000}) = 0");
  si.si_code = -20;
  si.si_pid = 5;
  si.si_uid = static_cast<uid_t>(-1);
  si.si_errno = 1000;
  EXPECT_EQ(shown("rt_sigqueueinfo", queue, 0),
            "rt_sigqueueinfo(42, SIGSEGV, {si_signo=SIGSEGV, si_code=0xffffffec, si_errno=1000, si_pid=5, "
            "si_uid=-1}) = 0");
}

// rt_sigtimedwait shows what it wrote and the signal it took only when it
// took one.
TEST(StructDecoders, SigtimedwaitShowsTheSignalItTook) {
  siginfo_t si{};
  si.si_signo = SIGALRM;
  si.si_code = SI_TKILL;
  si.si_pid = 9;
  const std::uint64_t set = sigbit(SIGALRM);
  std::uint64_t raw[6] = {reinterpret_cast<std::uintptr_t>(&set), reinterpret_cast<std::uintptr_t>(&si), 0, 8};
  EXPECT_EQ(shown("rt_sigtimedwait", raw, SIGALRM),
            "rt_sigtimedwait([ALRM], {si_signo=SIGALRM, si_code=SI_TKILL, si_pid=9, si_uid=0}, NULL, 8) = 14 "
            "(SIGALRM)");
  EXPECT_EQ(shown("rt_sigtimedwait", raw, -EAGAIN, true),
            fmt::format("rt_sigtimedwait([ALRM], {:#x}, NULL, 8) = -1 EAGAIN (Resource temporarily unavailable)",
                        raw[1]));
}

// wait4 writes the rusage only for a child it waited for.
TEST(StructDecoders, Wait4ShowsTheUsageOnlyOfAChild) {
  std::int64_t ru[18] = {1, 2, 3, 4};
  int status = 0;
  std::uint64_t raw[6] = {7, reinterpret_cast<std::uintptr_t>(&status), WNOHANG,
                          reinterpret_cast<std::uintptr_t>(ru)};
  EXPECT_EQ(shown("wait4", raw, 0), fmt::format("wait4(7, {:#x}, WNOHANG, {:#x}) = 0", raw[1], raw[3]));
  EXPECT_EQ(shown("wait4", raw, 7),
            "wait4(7, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], WNOHANG, {ru_utime={tv_sec=1, tv_usec=2}, "
            "ru_stime={tv_sec=3, tv_usec=4}, ...}) = 7");
}

// select's note after a positive result, empty when the sets read back
// hold no fd; epoll_pwait2's timeout, shown at exit, is an address when
// the call failed.
TEST(StructDecoders, SelectNoteAndEpollPwait2Timeout) {
  std::uint64_t none = 0;
  std::uint64_t raw[6] = {5, reinterpret_cast<std::uintptr_t>(&none), 0, 0, 0};
  EXPECT_EQ(shown("select", raw, 1), "select(5, [], NULL, NULL, NULL) = 1 ()");
  const std::int64_t ts[2] = {1, 2};
  std::uint64_t sigmask = 0;
  std::uint64_t ep[6] = {static_cast<std::uint64_t>(-1), 0x1000, 3, reinterpret_cast<std::uintptr_t>(ts),
                         reinterpret_cast<std::uintptr_t>(&sigmask), 8};
  EXPECT_EQ(shown("epoll_pwait2", ep, -EBADF, true),
            fmt::format("epoll_pwait2(-1, 0x1000, 3, {:#x}, {:#x}, 8) = -1 EBADF (Bad file descriptor)", ep[3],
                        ep[4]));
  EXPECT_EQ(shown("epoll_pwait2", ep, 0), "epoll_pwait2(-1, [], 3, {tv_sec=1, tv_nsec=2}, [], 8) = 0");
}

// modify_ldt's int result, cut to 32 bits: an errno all the same.
TEST(StructDecoders, ModifyLdtErrorInThirtyTwoBits) {
  std::uint64_t raw[6] = {static_cast<std::uint64_t>(-1), ~std::uint64_t{0}, 16};
  EXPECT_EQ(shown("modify_ldt", raw, 0xffffffda),
            "modify_ldt(-1, 0xffffffffffffffff, 16) = 4294967258 ENOSYS (Function not implemented)");
  EXPECT_EQ(shown("modify_ldt", raw, 0), "modify_ldt(-1, 0xffffffffffffffff, 16) = 0");
}

// set_thread_area: the entry as given, and the one the kernel chose after
// the result.
TEST(StructDecoders, SetThreadAreaShowsTheEntryItGot) {
  user_desc u{};
  u.entry_number = 0xffffffffu;
  u.seg_32bit = 1;
  std::uint64_t raw[6] = {reinterpret_cast<std::uintptr_t>(&u)};
  SyscallEvent e = entered("set_thread_area", raw);
  ASSERT_NE(e.desc, nullptr);
  u.entry_number = 12;
  detail::decode_exit(getpid(), e, 0, false, detail::DecodeLimits{});
  EXPECT_EQ(unaligned(e),
            "set_thread_area({entry_number=-1, base_addr=00000000, limit=00000000, seg_32bit=1, contents=0, "
            "read_exec_only=0, limit_in_pages=0, seg_not_present=0, useable=0, lm=0}) = 0 (entry_number=12)");
}

TEST(StructDecoders, EveryDecoderHasARow) {
  std::set<std::string, std::less<>> covered;
  for (const Row& r : rows()) covered.insert(r.struct_name);
  for (const detail::SyscallFamily* family : detail::syscall_families())
    for (const detail::StructDecoder& d : family->structs)
      EXPECT_TRUE(covered.contains(d.name)) << d.name << " (family " << family->name << ") has no row";
}

TEST(StructDecoders, EveryStructTheTablesNameIsDecodedOrListedAsAnAddress) {
  for (Abi abi : {Abi::x86_64, Abi::i386, Abi::x32}) {
    for (const SyscallDesc& desc : syscall_table(abi)) {
      for (int i = 0; i < desc.nargs; ++i) {
        const char* name = desc.args[i].struct_name;
        if (name == nullptr) continue;
        const bool decoded = detail::struct_decoder(name) != nullptr;
        EXPECT_TRUE(decoded || kShownAsAddress.contains(name))
            << desc.name << "'s " << desc.args[i].name << " names struct(" << name
            << "), which has no decoder: a decoder in tracer/src/decoders/, or a name here";
        EXPECT_FALSE(decoded && kShownAsAddress.contains(name)) << name << " is decoded now";
      }
    }
  }
}

TEST(StructDecoders, EachCallHasOneFamily) {
  std::set<int> seen;
  for (const detail::SyscallFamily* family : detail::syscall_families())
    for (SysId id : family->calls)
      EXPECT_TRUE(seen.insert(static_cast<int>(id)).second) << family->name;
}

}  // namespace
}  // namespace syspect
