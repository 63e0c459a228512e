// Struct arguments: read from the tracee while it is stopped, kept as the
// text strace shows (abbreviated, as strace does by default) and as numeric
// fields by name for matchers.

#include "structs.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/netlink.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>

#include <bit>
#include <span>
#include <cstring>
#include <mutex>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "memory.hpp"
#include "syspect/format.hpp"
#include "syspect/xlat.hpp"
#include "syscall_ids.hpp"

namespace syspect::detail {

// tv_nsec (and tv_usec below) print unsigned, as strace prints them: an
// invalid -1 shows as 18446744073709551615.
std::string timespec_text(const std::int64_t ts[2]) {
  return fmt::format("{{tv_sec={}, tv_nsec={}}}", ts[0], static_cast<std::uint64_t>(ts[1]));
}

namespace {

// The kernel's struct stat on x86_64 (asm/stat.h), which glibc's differs from.
struct KernelStat {
  std::uint64_t st_dev, st_ino, st_nlink;
  std::uint32_t st_mode, st_uid, st_gid, pad0;
  std::uint64_t st_rdev;
  std::int64_t st_size, st_blksize, st_blocks;
  std::uint64_t times[6];
  std::int64_t unused[3];
};

// The kernel's struct sigaction on x86_64.
struct KernelSigaction {
  std::uint64_t handler, flags, restorer, mask;
};

struct Out {
  ArgValue& v;
  void field(const char* name, std::int64_t value) { v.fields.push_back({name, value}); }
};

const Xlat& family(const char* name) {
  static const Xlat empty{"", XlatKind::Flags, 0, false, {}};
  const Xlat* x = find_xlat(name);
  return x ? *x : empty;
}

std::string file_mode(std::uint32_t mode, XlatStyle style) {
  std::string out = xlat_format(family("file_modes"), mode & ~0777u);
  if (out == "0") out.clear();
  if (!out.empty()) out += '|';
  out += fmt::format("{:#03o}", mode & 0777u);
  return xlat_styled(fmt::format("{:#o}", mode), out, style);
}

std::string makedev(std::uint64_t dev) {
  std::uint64_t major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~std::uint64_t{0xfff});
  std::uint64_t minor = (dev & 0xff) | ((dev >> 12) & ~std::uint64_t{0xff});
  return fmt::format("makedev({:#x}, {:#x})", major, minor);
}

bool is_device(std::uint32_t mode) { return S_ISCHR(mode) || S_ISBLK(mode); }

bool decode_stat(pid_t tid, ArgValue& v, XlatStyle style) {
  KernelStat st;
  if (!read_exact(tid, RemotePtr{v.raw}, &st, sizeof st)) return false;
  Out o{v};
  o.field("st_mode", st.st_mode);
  o.field("st_size", st.st_size);
  o.field("st_uid", st.st_uid);
  o.field("st_gid", st.st_gid);
  o.field("st_ino", static_cast<std::int64_t>(st.st_ino));
  o.field("st_nlink", static_cast<std::int64_t>(st.st_nlink));
  o.field("st_dev", static_cast<std::int64_t>(st.st_dev));
  o.field("st_rdev", static_cast<std::int64_t>(st.st_rdev));
  o.field("st_blksize", st.st_blksize);
  o.field("st_blocks", st.st_blocks);
  v.text = fmt::format("{{st_mode={}, ", file_mode(st.st_mode, style));
  if (is_device(st.st_mode)) {
    v.text += fmt::format("st_rdev={}, ...}}",
                          xlat_styled(fmt::format("{:#x}", st.st_rdev), makedev(st.st_rdev), style));
  } else {
    v.text += fmt::format("st_size={}, ...}}", st.st_size);
  }
  return true;
}

bool decode_statx(pid_t tid, ArgValue& v, XlatStyle style) {
  struct statx st;
  if (!read_exact(tid, RemotePtr{v.raw}, &st, sizeof st)) return false;
  Out o{v};
  o.field("stx_mask", st.stx_mask);
  o.field("stx_mode", st.stx_mode);
  o.field("stx_size", static_cast<std::int64_t>(st.stx_size));
  o.field("stx_uid", st.stx_uid);
  o.field("stx_gid", st.stx_gid);
  o.field("stx_attributes", static_cast<std::int64_t>(st.stx_attributes));
  o.field("stx_ino", static_cast<std::int64_t>(st.stx_ino));
  o.field("stx_nlink", st.stx_nlink);
  o.field("stx_blocks", static_cast<std::int64_t>(st.stx_blocks));
  o.field("stx_rdev_major", st.stx_rdev_major);
  o.field("stx_rdev_minor", st.stx_rdev_minor);
  // Abbreviated as strace does: stx_size whatever the file type (a device
  // too, unlike stat's st_rdev).
  v.text = fmt::format("{{stx_mask={}, stx_attributes={}, stx_mode={}, stx_size={}, ...}}",
                       xlat_format(family("statx_mask"), st.stx_mask, style),
                       xlat_format(family("statx_attrs"), st.stx_attributes, style),
                       file_mode(st.stx_mode, style), st.stx_size);
  return true;
}

std::string sigset_text(std::uint64_t set, unsigned nsig, XlatStyle style);

// pselect6's last argument: the mask and its size, packed together,
// "{sigmask=[INT TERM], sigsetsize=8}"; a mask of another size than the
// kernel's is shown as its address, as strace does.
bool decode_sigset_pack(pid_t tid, ArgValue& v, XlatStyle style) {
  struct {
    std::uint64_t ss, ss_len;
  } pack{};
  if (!read_exact(tid, RemotePtr{v.raw}, &pack, sizeof pack)) return false;
  std::string mask = "NULL";
  std::uint64_t set = 0;
  if (pack.ss != 0) {
    mask = fmt::format("{:#x}", pack.ss);
    if (pack.ss_len == 8 && read_exact(tid, RemotePtr{pack.ss}, &set, 8))
      mask = sigset_text(set, 64, style);
  }
  v.text = fmt::format("{{sigmask={}, sigsetsize={}}}", mask, pack.ss_len);
  v.fields.push_back({"sigmask", static_cast<std::int64_t>(set)});
  v.fields.push_back({"sigsetsize", static_cast<std::int64_t>(pack.ss_len)});
  return true;
}

// "[CHLD]", "~[RTMIN RT_1]": strace lists the members, or the complement
// when more than half of the signals are in the set.
std::string sigset_text(std::uint64_t set, unsigned nsig, XlatStyle style) {
  std::string out;
  bool invert = static_cast<unsigned>(std::popcount(set)) * 2 > nsig;
  if (invert) {
    out += '~';
    set = ~set;
    if (nsig < 64) set &= (std::uint64_t{1} << nsig) - 1;
  }
  out += '[';
  bool first = true;
  for (unsigned sig = 1; sig <= nsig; ++sig) {
    if (!(set & (std::uint64_t{1} << (sig - 1)))) continue;
    if (!first) out += ' ';
    first = false;
    std::string name = signal_name(static_cast<int>(sig));
    if (name.rfind("SIG", 0) == 0) name = name.substr(3);
    out += xlat_styled(std::to_string(sig), name, style);
  }
  out += ']';
  return out;
}

bool decode_sigset(pid_t tid, const SyscallEvent& e, ArgValue& v, XlatStyle style) {
  std::uint64_t size = 8;
  if (e.desc) {
    int at = find_arg(*e.desc, "sigsetsize");
    if (at >= 0) size = e.args[at].raw;
  }
  if (size == 0 || size > 8) return false;
  std::uint64_t set = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &set, size)) return false;
  v.text = sigset_text(set, static_cast<unsigned>(size * 8), style);
  v.fields.push_back({"mask", static_cast<std::int64_t>(set)});
  return true;
}

bool decode_sigaction(pid_t tid, ArgValue& v, XlatStyle style) {
  KernelSigaction sa;
  if (!read_exact(tid, RemotePtr{v.raw}, &sa, sizeof sa)) return false;
  std::string handler = sa.handler == 0   ? xlat_styled("0", "SIG_DFL", style)
                        : sa.handler == 1 ? xlat_styled("0x1", "SIG_IGN", style)
                                          : fmt::format("{:#x}", sa.handler);
  v.text = fmt::format("{{sa_handler={}, sa_mask={}, sa_flags={}", handler,
                       sigset_text(sa.mask, 64, style),
                       xlat_format(family("sa_flags"), sa.flags, style));
  constexpr std::uint64_t kSaRestorer = 0x04000000;
  if (sa.flags & kSaRestorer) v.text += fmt::format(", sa_restorer={:#x}", sa.restorer);
  v.text += '}';
  v.fields.push_back({"sa_handler", static_cast<std::int64_t>(sa.handler)});
  v.fields.push_back({"sa_mask", static_cast<std::int64_t>(sa.mask)});
  v.fields.push_back({"sa_flags", static_cast<std::int64_t>(sa.flags)});
  if (sa.flags & kSaRestorer) v.fields.push_back({"sa_restorer", static_cast<std::int64_t>(sa.restorer)});
  return true;
}

std::string rlim_text(std::uint64_t value, XlatStyle style) {
  std::string number = fmt::format("{}", value);
  if (value == ~std::uint64_t{0}) return xlat_styled(number, "RLIM64_INFINITY", style);
  if (value > 0 && value % 1024 == 0)
    return xlat_styled(number, fmt::format("{}*1024", value / 1024), style);
  return number;
}

bool decode_rlimit(pid_t tid, ArgValue& v, XlatStyle style) {
  std::uint64_t lim[2];
  if (!read_exact(tid, RemotePtr{v.raw}, lim, sizeof lim)) return false;
  v.text = fmt::format("{{rlim_cur={}, rlim_max={}}}", rlim_text(lim[0], style),
                       rlim_text(lim[1], style));
  v.fields.push_back({"rlim_cur", static_cast<std::int64_t>(lim[0])});
  v.fields.push_back({"rlim_max", static_cast<std::int64_t>(lim[1])});
  return true;
}

bool decode_timespec(pid_t tid, ArgValue& v) {
  std::int64_t ts[2];
  if (!read_exact(tid, RemotePtr{v.raw}, ts, sizeof ts)) return false;
  v.text = timespec_text(ts);
  v.fields.push_back({"tv_sec", ts[0]});
  v.fields.push_back({"tv_nsec", ts[1]});
  return true;
}

// timer_create/mq_notify: struct sigevent, as strace shows it. The value
// only when it is set; the signal by name when the notification is one.
bool decode_sigevent(pid_t tid, ArgValue& v, XlatStyle style) {
  struct {
    std::uint64_t value;  // union sigval
    std::int32_t signo;
    std::int32_t notify;
    std::uint64_t un[2];  // sigev_notify_thread_id, or function and attributes
  } sev;
  if (!read_exact(tid, RemotePtr{v.raw}, &sev, sizeof sev)) return false;
  std::string out = "{";
  if (sev.value != 0) {
    out += fmt::format("sigev_value={{sival_int={}, sival_ptr={:#x}}}, ",
                       static_cast<std::int32_t>(sev.value), sev.value);
    v.fields.push_back({"sigev_value.sival_int", static_cast<std::int32_t>(sev.value)});
  }
  const bool signals = sev.notify == SIGEV_SIGNAL || sev.notify == SIGEV_THREAD ||
                       sev.notify == SIGEV_THREAD_ID;
  out += fmt::format("sigev_signo={}, sigev_notify={}",
                     signals ? signal_format(sev.signo, style) : std::to_string(sev.signo),
                     xlat_format(family("sigev_notify"), static_cast<std::uint32_t>(sev.notify), style));
  v.fields.push_back({"sigev_signo", sev.signo});
  v.fields.push_back({"sigev_notify", sev.notify});
  if (sev.notify == SIGEV_THREAD_ID) {
    const auto thread = static_cast<std::int32_t>(sev.un[0]);
    out += fmt::format(", sigev_notify_thread_id={}", thread);
    v.fields.push_back({"sigev_notify_thread_id", thread});
  } else if (sev.notify == SIGEV_THREAD) {
    out += fmt::format(", sigev_notify_function={}, sigev_notify_attributes={}",
                       sev.un[0] ? fmt::format("{:#x}", sev.un[0]) : std::string("NULL"),
                       sev.un[1] ? fmt::format("{:#x}", sev.un[1]) : std::string("NULL"));
  }
  v.text = out + "}";
  return true;
}

// timer_create's result: the new timer's id, "[0]".
bool decode_timer_id(pid_t tid, ArgValue& v) {
  std::int32_t id = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &id, sizeof id)) return false;
  v.text = fmt::format("[{}]", id);
  v.fields.push_back({"value", id});
  return true;
}

bool decode_utsname(pid_t tid, ArgValue& v) {
  struct utsname u;
  if (!read_exact(tid, RemotePtr{v.raw}, &u, sizeof u)) return false;
  auto field = [](const char* f) { return std::string_view(f, strnlen(f, sizeof u.sysname)); };
  v.text = fmt::format("{{sysname={}, nodename={}, ...}}",
                       quote_string(field(u.sysname), 65), quote_string(field(u.nodename), 65));
  v.fields.push_back({"sysname", std::string(field(u.sysname))});
  v.fields.push_back({"nodename", std::string(field(u.nodename))});
  v.fields.push_back({"release", std::string(field(u.release))});
  v.fields.push_back({"version", std::string(field(u.version))});
  v.fields.push_back({"machine", std::string(field(u.machine))});
  return true;
}

// A member name made at run time ("[2].fd"), kept for the life of the
// program: StructField names are not owned.
const char* member_name(const std::string& name) {
  static std::mutex lock;
  static std::set<std::string, std::less<>> names;
  std::lock_guard<std::mutex> guard(lock);
  return names.insert(name).first->c_str();
}

// Arrays are shown and kept up to -s elements, as strace does (then "...").
std::size_t max_elements(const DecodeLimits& limits) { return limits.struct_string; }

std::string fd_text(pid_t tid, int fd, const DecodeLimits& limits) {
  bool deleted = false;
  std::string path = limits.fd_paths ? fd_path(tid, fd, &deleted) : std::string();
  return format_fd(fd, path, deleted);
}

// poll/ppoll: "[{fd=3, events=POLLIN}]" at entry, cut at -s entries (a
// negative fd, which poll skips, is "{fd=-1}"); at exit the entries with
// revents, "[{fd=3, revents=POLLIN}]", shown after the result: every entry
// is looked at, and -s of those with revents are shown.
constexpr std::size_t kMaxPollFds = 4096;  // looked at, at exit

bool decode_pollfds(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry,
                    const DecodeLimits& limits) {
  std::uint64_t nfds = e.args[1].raw & 0xffffffffu;
  std::size_t shown = static_cast<std::size_t>(std::min<std::uint64_t>(nfds, max_elements(limits)));
  std::size_t n = at_entry ? shown : static_cast<std::size_t>(std::min<std::uint64_t>(nfds, kMaxPollFds));
  std::vector<pollfd> fds(n);
  if (n > 0 && !read_exact(tid, RemotePtr{v.raw}, fds.data(), n * sizeof(pollfd))) return false;
  const Xlat& events = family("poll_events");
  std::string out = "[";
  if (at_entry) {
    v.fields.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (i) out += ", ";
      v.fields.push_back({member_name(fmt::format("[{}].fd", i)), fds[i].fd});
      v.fields.push_back({member_name(fmt::format("[{}].events", i)), fds[i].events});
      if (fds[i].fd < 0) {
        out += fmt::format("{{fd={}}}", fds[i].fd);
        continue;
      }
      out += fmt::format("{{fd={}, events={}}}", fd_text(tid, fds[i].fd, limits),
                         xlat_format(events, static_cast<std::uint16_t>(fds[i].events), limits.xlat_style));
    }
    if (n < nfds) out += n ? ", ..." : "...";
    if (n < nfds) v.truncated = true;  // members of the rest are not kept
    v.text = out + "]";
    return true;
  }
  std::size_t printed = 0;
  if (shown < nfds) v.truncated = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < shown) v.fields.push_back({member_name(fmt::format("[{}].revents", i)), fds[i].revents});
    if (fds[i].revents == 0) continue;
    if (printed == shown) {
      out += printed ? ", ..." : "...";
      break;
    }
    if (printed++) out += ", ";
    out += fmt::format("{{fd={}, revents={}}}", fds[i].fd,
                       xlat_format(events, static_cast<std::uint16_t>(fds[i].revents), limits.xlat_style));
  }
  v.text_out = out + "]";
  return true;
}

// select/pselect6 fd sets: "[0 3]"; at exit "in [3]", "out [4]", "except []".
bool decode_fd_set(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v, bool at_entry,
                   const DecodeLimits& limits) {
  int nfds = static_cast<int>(e.args[0].raw);
  if (nfds < 0) return false;
  nfds = std::min(nfds, 1024);
  std::vector<std::uint64_t> bits(static_cast<std::size_t>((nfds + 63) / 64));
  if (!bits.empty() &&
      !read_exact(tid, RemotePtr{v.raw}, bits.data(), static_cast<std::size_t>((nfds + 7) / 8)))
    return false;
  std::string list = "[";
  std::size_t count = 0;
  if (!at_entry) v.fields.clear();
  for (int fd = 0; fd < nfds; ++fd) {
    if (!(bits[static_cast<std::size_t>(fd / 64)] >> (fd % 64) & 1)) continue;
    if (count) list += ' ';
    list += at_entry ? fd_text(tid, fd, limits) : std::to_string(fd);
    v.fields.push_back({member_name(fmt::format("[{}]", count)), fd});
    ++count;
  }
  list += ']';
  if (at_entry) {
    v.text = list;
  } else if (count > 0) {
    std::string_view name = d.name;
    v.text_out = fmt::format("{} {}", name == "readfds" ? "in" : name == "writefds" ? "out" : "except", list);
  }
  return true;
}

// A timeval read at entry (select's timeout, settimeofday's), or one the
// call wrote (gettimeofday's, `output`); select's own at its exit is the time
// it had left.
bool decode_timeval(pid_t tid, ArgValue& v, bool at_entry, bool output) {
  std::int64_t tv[2];
  if (!read_exact(tid, RemotePtr{v.raw}, tv, sizeof tv)) return false;
  std::string text = fmt::format("{{tv_sec={}, tv_usec={}}}", tv[0], static_cast<std::uint64_t>(tv[1]));
  if (at_entry || output) {
    v.text = text;
    v.fields.push_back({"tv_sec", tv[0]});
    v.fields.push_back({"tv_usec", tv[1]});
  } else {
    v.text_out = "left " + text;
  }
  return true;
}

bool decode_itimerspec(pid_t tid, ArgValue& v) {
  std::int64_t its[4];
  if (!read_exact(tid, RemotePtr{v.raw}, its, sizeof its)) return false;
  v.text = fmt::format("{{it_interval={}, it_value={}}}", timespec_text(its), timespec_text(its + 2));
  v.fields.push_back({"it_interval.tv_sec", its[0]});
  v.fields.push_back({"it_interval.tv_nsec", its[1]});
  v.fields.push_back({"it_value.tv_sec", its[2]});
  v.fields.push_back({"it_value.tv_nsec", its[3]});
  return true;
}

// epoll_event, packed on x86_64: one for epoll_ctl, as many as the result
// for epoll_wait and epoll_pwait.
bool decode_epoll_events(pid_t tid, const SyscallEvent& e, ArgValue& v, const DecodeLimits& limits) {
  const XlatStyle style = limits.xlat_style;
  struct [[gnu::packed]] Event {
    std::uint32_t events;
    std::uint64_t data;
  };
  const bool array = !is(e.desc, SysId::epoll_ctl);
  std::size_t n = 1;
  if (array) {
    if (e.err || e.result < 0) return false;
    n = std::min(static_cast<std::size_t>(e.result), max_elements(limits));
  }
  std::vector<Event> evs(n);
  if (n > 0 && !read_exact(tid, RemotePtr{v.raw}, evs.data(), n * sizeof(Event))) return false;
  std::string out = array ? "[" : "";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    const std::uint32_t mask = evs[i].events;
    const std::uint64_t data = evs[i].data;
    out += fmt::format("{{events={}, data={{u32={}, u64={}}}}}",
                       xlat_format(family("epoll_events"), mask, style),
                       static_cast<std::uint32_t>(data), data);
    std::string prefix = array ? fmt::format("[{}].", i) : std::string();
    v.fields.push_back({member_name(prefix + "events"), mask});
    v.fields.push_back({member_name(prefix + "data.u64"), static_cast<std::int64_t>(data)});
  }
  if (array && static_cast<std::size_t>(e.result) > n) out += n ? ", ..." : "...";
  if (array && static_cast<std::size_t>(e.result) > n) v.truncated = true;
  v.text = array ? out + "]" : out;
  return true;
}

bool decode_statfs(pid_t tid, ArgValue& v, XlatStyle style) {
  struct KernelStatfs {
    std::int64_t f_type, f_bsize;
    std::uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    std::int32_t f_fsid[2];
    std::int64_t f_namelen, f_frsize, f_flags, f_spare[4];
  } st;
  if (!read_exact(tid, RemotePtr{v.raw}, &st, sizeof st)) return false;
  v.text = fmt::format(
      "{{f_type={}, f_bsize={}, f_blocks={}, f_bfree={}, f_bavail={}, f_files={}, f_ffree={}, "
      "f_fsid={{val=[{:#x}, {:#x}]}}, f_namelen={}, f_frsize={}, f_flags={}}}",
      xlat_format(family("fs_magics"), static_cast<std::uint64_t>(st.f_type), style), st.f_bsize,
      st.f_blocks, st.f_bfree, st.f_bavail, st.f_files, st.f_ffree,
      static_cast<std::uint32_t>(st.f_fsid[0]), static_cast<std::uint32_t>(st.f_fsid[1]), st.f_namelen,
      st.f_frsize, xlat_format(family("statfs_flags"), static_cast<std::uint64_t>(st.f_flags), style));
  Out o{v};
  o.field("f_type", st.f_type);
  o.field("f_bsize", st.f_bsize);
  o.field("f_blocks", static_cast<std::int64_t>(st.f_blocks));
  o.field("f_bfree", static_cast<std::int64_t>(st.f_bfree));
  o.field("f_bavail", static_cast<std::int64_t>(st.f_bavail));
  o.field("f_files", static_cast<std::int64_t>(st.f_files));
  o.field("f_ffree", static_cast<std::int64_t>(st.f_ffree));
  o.field("f_fsid.val[0]", static_cast<std::uint32_t>(st.f_fsid[0]));
  o.field("f_fsid.val[1]", static_cast<std::uint32_t>(st.f_fsid[1]));
  o.field("f_namelen", st.f_namelen);
  o.field("f_frsize", st.f_frsize);
  o.field("f_flags", st.f_flags);
  return true;
}

// openat2: mode only when the flags create a file, as strace shows it.
bool decode_open_how(pid_t tid, const SyscallEvent& e, ArgValue& v, XlatStyle style) {
  open_how how{};
  std::uint64_t size = e.args[3].raw;
  if (size < sizeof how) return false;
  if (!read_exact(tid, RemotePtr{v.raw}, &how, sizeof how)) return false;
  v.text = fmt::format("{{flags={}", xlat_format(family("open_flags"), how.flags, style));
  if ((how.flags & O_CREAT) || (how.flags & O_TMPFILE) == O_TMPFILE || how.mode != 0)
    v.text += fmt::format(", mode={:#03o}", how.mode);
  v.text += fmt::format(", resolve={}}}", xlat_format(family("resolve_flags"), how.resolve, style));
  Out o{v};
  o.field("flags", static_cast<std::int64_t>(how.flags));
  o.field("mode", static_cast<std::int64_t>(how.mode));
  o.field("resolve", static_cast<std::int64_t>(how.resolve));
  return true;
}

// clone3's struct clone_args, the members strace shows.
bool decode_clone_args(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry, XlatStyle style) {
  struct {
    std::uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
  } ca{};
  if (!at_entry) return !v.text.empty();
  std::uint64_t size = std::min<std::uint64_t>(e.args[1].raw, sizeof ca);
  if (size < 64 || !read_exact(tid, RemotePtr{v.raw}, &ca, static_cast<std::size_t>(size))) return false;
  std::string out = fmt::format("{{flags={}", xlat_format(family("clone_flags"), ca.flags, style));
  if (ca.flags & CLONE_PIDFD) out += fmt::format(", pidfd={:#x}", ca.pidfd);
  if (ca.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) out += fmt::format(", child_tid={:#x}", ca.child_tid);
  if (ca.flags & CLONE_PARENT_SETTID) out += fmt::format(", parent_tid={:#x}", ca.parent_tid);
  out += fmt::format(", exit_signal={}", ca.exit_signal == 0 ? std::string("0")
                                          : signal_format(static_cast<int>(ca.exit_signal), style));
  out += fmt::format(", stack={}, stack_size={}",
                     ca.stack == 0 ? std::string("NULL") : fmt::format("{:#x}", ca.stack),
                     ca.stack_size == 0 ? std::string("0") : fmt::format("{:#x}", ca.stack_size));
  if (ca.flags & CLONE_SETTLS) out += fmt::format(", tls={:#x}", ca.tls);
  v.text = out + "}";
  Out o{v};
  o.field("flags", static_cast<std::int64_t>(ca.flags));
  o.field("exit_signal", static_cast<std::int64_t>(ca.exit_signal));
  o.field("stack", static_cast<std::int64_t>(ca.stack));
  o.field("stack_size", static_cast<std::int64_t>(ca.stack_size));
  o.field("tls", static_cast<std::int64_t>(ca.tls));
  return true;
}

// "[1]": an int the call reads or writes.
bool decode_int_in_brackets(pid_t tid, ArgValue& v, const char* field) {
  int value = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &value, sizeof value)) return false;
  v.text = fmt::format("[{}]", value);
  v.fields.clear();
  v.fields.push_back({field, value});
  return true;
}

// A flag word that starts with enum fields ("NL0|CR0|...|OPOST|ONLCR"): the
// fields by name, then the single bits.
struct TermiosField {
  std::uint32_t mask;
  const char* names[4];  // by (value & mask) >> shift
  unsigned shift;
};

std::string termios_word(std::uint32_t value, std::span<const TermiosField> fields,
                         const char* bits_family, XlatStyle style) {
  std::string out;
  std::uint32_t rest = value;
  for (const TermiosField& f : fields) {
    std::uint32_t i = (value & f.mask) >> f.shift;
    if (i >= 4 || f.names[i] == nullptr) continue;
    if (!out.empty()) out += '|';
    out += f.names[i];
    rest &= ~f.mask;
  }
  if (rest != 0 || out.empty()) {
    if (!out.empty()) out += '|';
    out += xlat_format(family(bits_family), rest);
  }
  return xlat_styled(fmt::format("{:#o}", value), out, style);
}

std::string termios_text(const struct termios& t, XlatStyle style) {
  static constexpr TermiosField kOflag[] = {
      {NLDLY, {"NL0", "NL1"}, 8},          {CRDLY, {"CR0", "CR1", "CR2", "CR3"}, 9},
      {TABDLY, {"TAB0", "TAB1", "TAB2", "TAB3"}, 11}, {BSDLY, {"BS0", "BS1"}, 13},
      {VTDLY, {"VT0", "VT1"}, 14},         {FFDLY, {"FF0", "FF1"}, 15},
  };
  static constexpr TermiosField kCsize[] = {{CSIZE, {"CS5", "CS6", "CS7", "CS8"}, 4}};
  std::string cflag = xlat_format(family("termios_bauds"), t.c_cflag & CBAUD);
  std::uint32_t cbits = t.c_cflag & ~static_cast<std::uint32_t>(CBAUD);
  cflag += '|' + termios_word(cbits, kCsize, "termios_cflags", XlatStyle::Abbrev);
  // strace abbreviates termios to its four flag words.
  return fmt::format("{{c_iflag={}, c_oflag={}, c_cflag={}, c_lflag={}, ...}}",
                     xlat_format(family("termios_iflags"), t.c_iflag, style),
                     termios_word(t.c_oflag, kOflag, "termios_oflags", style),
                     xlat_styled(fmt::format("{:#o}", t.c_cflag), cflag, style),
                     xlat_format(family("termios_lflags"), t.c_lflag, style));
}

// ioctl's third argument for the requests whose argument strace decodes;
// inputs at entry, outputs at exit.
bool decode_ioctl_arg(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry, XlatStyle style) {
  const auto request = static_cast<std::uint32_t>(e.args[1].raw);
  bool input = false, output = false;
  switch (request) {
    case FIONBIO: case TIOCSWINSZ: case TCSETS: case TCSETSW: case TCSETSF: case TIOCSPGRP:
      input = true;
      break;
    case FIONREAD: case TIOCGWINSZ: case TCGETS: case TIOCGPGRP: case TIOCOUTQ:
      output = true;
      break;
    default:
      return false;
  }
  if (at_entry != input) return input && !v.text.empty();
  (void)output;
  switch (request) {
    case FIONBIO: case FIONREAD: case TIOCOUTQ:
      return decode_int_in_brackets(tid, v, "value");
    case TIOCGPGRP: case TIOCSPGRP:
      return decode_int_in_brackets(tid, v, "pgrp");
    case TIOCGWINSZ: case TIOCSWINSZ: {
      winsize ws;
      if (!read_exact(tid, RemotePtr{v.raw}, &ws, sizeof ws)) return false;
      v.text = fmt::format("{{ws_row={}, ws_col={}, ws_xpixel={}, ws_ypixel={}}}", ws.ws_row, ws.ws_col,
                           ws.ws_xpixel, ws.ws_ypixel);
      Out o{v};
      o.field("ws_row", ws.ws_row);
      o.field("ws_col", ws.ws_col);
      o.field("ws_xpixel", ws.ws_xpixel);
      o.field("ws_ypixel", ws.ws_ypixel);
      return true;
    }
    default: {
      struct termios t;
      // The kernel's struct termios is glibc's without the speed fields.
      if (!read_exact(tid, RemotePtr{v.raw}, &t, offsetof(struct termios, c_ispeed))) return false;
      v.text = termios_text(t, style);
      Out o{v};
      o.field("c_iflag", t.c_iflag);
      o.field("c_oflag", t.c_oflag);
      o.field("c_cflag", t.c_cflag);
      o.field("c_lflag", t.c_lflag);
      return true;
    }
  }
}

// setsockopt/getsockopt values: an int as "[1]", struct linger, else the
// address (strace shows unknown ones as bytes; syspect leaves them as is).
bool decode_sockopt(pid_t tid, const SyscallEvent& e, ArgValue& v) {
  std::uint64_t len = 0;
  if (is(e.desc, SysId::getsockopt)) {
    if (e.err) return false;
    std::uint32_t l = 0;
    if (!read_exact(tid, RemotePtr{e.args[4].raw}, &l, sizeof l)) return false;
    len = l;
  } else {
    len = e.args[4].raw & 0xffffffffu;
  }
  const int level = static_cast<int>(e.args[1].raw);
  const int name = static_cast<int>(e.args[2].raw);
  if (level == SOL_SOCKET && name == SO_LINGER && len >= sizeof(linger)) {
    linger l;
    if (!read_exact(tid, RemotePtr{v.raw}, &l, sizeof l)) return false;
    v.text = fmt::format("{{l_onoff={}, l_linger={}}}", l.l_onoff, l.l_linger);
    v.fields.push_back({"l_onoff", l.l_onoff});
    v.fields.push_back({"l_linger", l.l_linger});
    return true;
  }
  if (len == sizeof(int)) return decode_int_in_brackets(tid, v, "value");
  return false;
}

// The length of a sockaddr: a plain argument (connect, bind, sendto), or an
// in/out socklen_t read at exit (accept, getsockname, recvfrom).
std::optional<std::uint64_t> sockaddr_len(pid_t tid, const SyscallEvent& e) {
  if (e.desc == nullptr) return std::nullopt;
  int at = find_arg(*e.desc, "addrlen");
  if (at < 0) return std::nullopt;
  if (e.desc->args[at].kind != ArgKind::Struct) return e.args[at].raw & 0xffffffffu;
  std::uint32_t len = 0;
  if (!read_exact(tid, RemotePtr{e.args[at].raw}, &len, sizeof len)) return std::nullopt;
  return len;
}

bool decode_sockaddr_at(pid_t tid, ArgValue& v, std::uint64_t len, XlatStyle style) {
  if (len < 2) return false;
  sockaddr_storage ss{};
  std::size_t n = std::min<std::size_t>(len, sizeof ss);
  if (!read_exact(tid, RemotePtr{v.raw}, &ss, n)) return false;
  const Xlat& families = family("address_families");
  std::string fam = xlat_format(families, ss.ss_family, style);
  v.fields.push_back({"sa_family", ss.ss_family});
  if (ss.ss_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&ss);
    std::size_t path_len = n > offsetof(sockaddr_un, sun_path) ? n - offsetof(sockaddr_un, sun_path) : 0;
    std::string_view path(un->sun_path, strnlen(un->sun_path, path_len));
    if (path_len > 0 && un->sun_path[0] == '\0') {
      // An abstract name: strace shows it with a leading '@'.
      std::string_view abstract(un->sun_path + 1, path_len - 1);
      v.text = fmt::format("{{sa_family={}, sun_path=@{}}}", fam,
                           quote_string(abstract, abstract.size() + 1));
      v.fields.push_back({"sun_path", "@" + std::string(abstract)});
    } else {
      v.text = fmt::format("{{sa_family={}, sun_path={}}}", fam, quote_string(path, path.size() + 1));
      v.fields.push_back({"sun_path", std::string(path)});
    }
  } else if (ss.ss_family == AF_INET && n >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &in->sin_addr, addr, sizeof addr);
    if (style == XlatStyle::Abbrev) {
      v.text = fmt::format("{{sa_family={}, sin_port=htons({}), sin_addr=inet_addr(\"{}\")}}", fam,
                           ntohs(in->sin_port), addr);
    } else {
      // -X raw|verbose: strace shows the bytes as they are in memory.
      const auto* port = reinterpret_cast<const unsigned char*>(&in->sin_port);
      const auto* ip = reinterpret_cast<const unsigned char*>(&in->sin_addr);
      v.text = fmt::format("{{sa_family={}, sin_port={}, sin_addr={}}}", fam,
                           xlat_styled(fmt::format("\"\\x{:02x}\\x{:02x}\"", port[0], port[1]),
                                       fmt::format("htons({})", ntohs(in->sin_port)), style),
                           xlat_styled(fmt::format("\"\\x{:02x}\\x{:02x}\\x{:02x}\\x{:02x}\"", ip[0],
                                                   ip[1], ip[2], ip[3]),
                                       fmt::format("inet_addr(\"{}\")", addr), style));
    }
    v.fields.push_back({"sin_port", ntohs(in->sin_port)});
    v.fields.push_back({"sin_addr", addr});
  } else if (ss.ss_family == AF_INET6 && n >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    char addr[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof addr);
    if (style == XlatStyle::Abbrev) {
      v.text = fmt::format(
          "{{sa_family={}, sin6_port=htons({}), sin6_flowinfo=htonl({}), inet_pton({}, \"{}\", "
          "&sin6_addr), sin6_scope_id={}}}",
          fam, ntohs(in6->sin6_port), ntohl(in6->sin6_flowinfo), fam, addr, in6->sin6_scope_id);
    } else {
      // -X raw|verbose: strace shows the bytes as they are in memory.
      auto bytes = [](const void* p, std::size_t n) {
        std::string out = "\"";
        for (std::size_t i = 0; i < n; ++i)
          out += fmt::format("\\x{:02x}", static_cast<const unsigned char*>(p)[i]);
        return out + "\"";
      };
      v.text = fmt::format(
          "{{sa_family={}, sin6_port={}, sin6_flowinfo={}, sin6_addr={}, sin6_scope_id={}}}", fam,
          xlat_styled(bytes(&in6->sin6_port, 2), fmt::format("htons({})", ntohs(in6->sin6_port)), style),
          xlat_styled(bytes(&in6->sin6_flowinfo, 4), fmt::format("htonl({})", ntohl(in6->sin6_flowinfo)), style),
          xlat_styled(bytes(&in6->sin6_addr, 16), fmt::format("inet_pton(AF_INET6, \"{}\")", addr), style),
          in6->sin6_scope_id);
    }
    v.fields.push_back({"sin6_port", ntohs(in6->sin6_port)});
    v.fields.push_back({"sin6_flowinfo", ntohl(in6->sin6_flowinfo)});
    v.fields.push_back({"sin6_addr", addr});
    v.fields.push_back({"sin6_scope_id", in6->sin6_scope_id});
  } else if (ss.ss_family == AF_NETLINK && n >= sizeof(sockaddr_nl)) {
    const auto* nl = reinterpret_cast<const sockaddr_nl*>(&ss);
    v.text = fmt::format("{{sa_family={}, nl_pid={}, nl_groups={:08x}}}", fam, nl->nl_pid, nl->nl_groups);
    v.fields.push_back({"nl_pid", nl->nl_pid});
    v.fields.push_back({"nl_groups", nl->nl_groups});
  } else {
    v.text = fmt::format("{{sa_family={}, sa_data=...}}", fam);
  }
  return true;
}

// An iovec array: "[{iov_base="ab", iov_len=2}, ...]". `budget` is how many
// bytes the call transferred (the data shown stops there), or nothing for
// an input. Each iov_base is cut at `limit` bytes (-s), and at most `limit`
// elements are shown, as strace does.
std::string iovec_text(pid_t tid, std::uint64_t addr, std::uint64_t count,
                       std::optional<std::uint64_t> budget, ArgValue& v, const std::string& prefix,
                       std::size_t limit) {
  struct Iov {
    std::uint64_t base, len;
  };
  std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(count, limit));
  std::vector<Iov> iovs(n);
  if (n > 0 && !read_exact(tid, RemotePtr{addr}, iovs.data(), n * sizeof(Iov))) return {};
  std::string out = "[";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    std::uint64_t want = iovs[i].len;
    if (budget) {
      want = std::min(want, *budget);
      *budget -= want;
    }
    std::string data(static_cast<std::size_t>(std::min<std::uint64_t>(want, limit + 1)), '\0');
    long got = data.empty() ? 0 : read_memory(tid, RemotePtr{iovs[i].base}, data.data(), data.size());
    if (got < 0) {
      out += fmt::format("{{iov_base={:#x}, iov_len={}}}", iovs[i].base, iovs[i].len);
    } else {
      data.resize(static_cast<std::size_t>(got));
      out += fmt::format("{{iov_base={}, iov_len={}}}", quote_string(data, limit, want > limit),
                         iovs[i].len);
      if (want > limit) v.truncated = true;  // the data shown is not all of it
    }
    v.fields.push_back({member_name(fmt::format("{}[{}].iov_len", prefix, i)),
                        static_cast<std::int64_t>(iovs[i].len)});
  }
  if (count > n) out += n ? ", ..." : "...";
  if (count > n) v.truncated = true;
  return out + "]";
}

bool decode_iovec(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v,
                  const DecodeLimits& limits) {
  int self = -1;
  for (int i = 0; i < e.nargs; ++i) {
    if (&e.desc->args[i] == &d) self = i;
  }
  if (self < 0 || self + 1 >= e.nargs) return false;
  std::optional<std::uint64_t> budget;
  if (d.dir != ArgDir::In) {
    if (e.err || e.result < 0) return false;
    budget = static_cast<std::uint64_t>(e.result);
  }
  v.fields.clear();
  v.text = iovec_text(tid, v.raw, e.args[self + 1].raw & 0xffffffffu, budget, v, "", limits.struct_string);
  return !v.text.empty();
}

struct KernelMsghdr {
  std::uint64_t name;
  std::uint32_t namelen, pad;
  std::uint64_t iov, iovlen, control, controllen;
  std::int32_t flags, pad2;
};

// A struct msghdr as strace shows it, its data as iovecs up to `budget`
// bytes; its members go to `v.fields` under `prefix`.
std::string msghdr_text(pid_t tid, const KernelMsghdr& m, std::optional<std::uint64_t> budget,
                        ArgValue& v, const std::string& prefix, const DecodeLimits& limits) {
  const XlatStyle style = limits.xlat_style;
  std::string name = "NULL";
  if (m.name != 0) {
    ArgValue sa;
    sa.raw = m.name;
    name = decode_sockaddr_at(tid, sa, m.namelen, style) ? sa.text : fmt::format("{:#x}", m.name);
    for (StructField& f : sa.fields) {
      f.name = member_name(prefix + "msg_name." + f.name);
      v.fields.push_back(std::move(f));
    }
  }
  std::string iov = iovec_text(tid, m.iov, m.iovlen, budget, v, prefix + "msg_iov", limits.struct_string);
  if (iov.empty()) iov = fmt::format("{:#x}", m.iov);
  std::string out = fmt::format("{{msg_name={}, msg_namelen={}, msg_iov={}, msg_iovlen={}, ", name,
                                m.namelen, iov, m.iovlen);
  if (m.controllen != 0) out += fmt::format("msg_control={:#x}, ", m.control);
  out += fmt::format("msg_controllen={}, msg_flags={}}}", m.controllen,
                     xlat_format(family("msg_flags"), static_cast<std::uint32_t>(m.flags), style));
  v.fields.push_back({member_name(prefix + "msg_namelen"), m.namelen});
  v.fields.push_back({member_name(prefix + "msg_iovlen"), static_cast<std::int64_t>(m.iovlen)});
  v.fields.push_back({member_name(prefix + "msg_controllen"), static_cast<std::int64_t>(m.controllen)});
  v.fields.push_back({member_name(prefix + "msg_flags"), m.flags});
  return out;
}

// sendmsg/recvmsg: struct msghdr, its data as iovecs.
bool decode_msghdr(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry, const DecodeLimits& limits) {
  KernelMsghdr m{};
  const bool input = is(e.desc, SysId::sendmsg);
  if (at_entry && !input) return false;  // recvmsg: shown when it returns
  if (!input && (e.err || e.result < 0)) return false;
  if (!read_exact(tid, RemotePtr{v.raw}, &m, sizeof m)) return false;
  v.fields.clear();
  std::optional<std::uint64_t> budget;
  if (!input) budget = static_cast<std::uint64_t>(e.result);
  v.text = msghdr_text(tid, m, budget, v, "", limits);
  return true;
}

// sendmmsg/recvmmsg: the messages the call handled, each with its msg_len,
// shown when it returns.
bool decode_mmsghdr(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry,
                    const DecodeLimits& limits) {
  struct Mmsghdr {
    KernelMsghdr hdr;
    std::uint32_t len, pad;
  };
  if (at_entry || e.err || e.result < 0) return false;
  const bool input = is(e.desc, SysId::sendmmsg);
  std::size_t n = std::min(static_cast<std::size_t>(e.result), max_elements(limits));
  std::vector<Mmsghdr> msgs(n);
  if (n > 0 && !read_exact(tid, RemotePtr{v.raw}, msgs.data(), n * sizeof(Mmsghdr))) return false;
  v.fields.clear();
  std::string out = "[";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    std::string prefix = fmt::format("[{}].msg_hdr.", i);
    std::optional<std::uint64_t> budget;
    if (!input) budget = msgs[i].len;
    out += fmt::format("{{msg_hdr={}, msg_len={}}}", msghdr_text(tid, msgs[i].hdr, budget, v, prefix, limits),
                       msgs[i].len);
    v.fields.push_back({member_name(fmt::format("[{}].msg_len", i)), msgs[i].len});
  }
  if (static_cast<std::size_t>(e.result) > n) out += n ? ", ..." : "...";
  if (static_cast<std::size_t>(e.result) > n) v.truncated = true;
  v.text = out + "]";
  return true;
}

// sched_getaffinity/sched_setaffinity: "[0 1]", the CPUs in the set.
bool decode_cpu_set(pid_t tid, const SyscallEvent& e, ArgValue& v) {
  std::uint64_t size = e.args[1].raw;
  if (is(e.desc, SysId::sched_getaffinity)) {
    if (e.err || e.result <= 0) return false;
    size = static_cast<std::uint64_t>(e.result);
  }
  size = std::min<std::uint64_t>(size, 1024);
  std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
  if (!bytes.empty() && !read_exact(tid, RemotePtr{v.raw}, bytes.data(), bytes.size())) return false;
  std::string out = "[";
  std::size_t count = 0;
  for (std::size_t cpu = 0; cpu < bytes.size() * 8; ++cpu) {
    if (!(bytes[cpu / 8] >> (cpu % 8) & 1)) continue;
    if (count) out += ' ';
    out += std::to_string(cpu);
    v.fields.push_back({member_name(fmt::format("[{}]", count)), static_cast<std::int64_t>(cpu)});
    ++count;
  }
  v.text = out + "]";
  return true;
}

bool decode_stack_t(pid_t tid, ArgValue& v, XlatStyle style) {
  struct {
    std::uint64_t sp;
    std::int32_t flags, pad;
    std::uint64_t size;
  } ss;
  if (!read_exact(tid, RemotePtr{v.raw}, &ss, sizeof ss)) return false;
  v.text = fmt::format("{{ss_sp={}, ss_flags={}, ss_size={}}}",
                       ss.sp == 0 ? std::string("NULL") : fmt::format("{:#x}", ss.sp),
                       xlat_format(family("sigaltstack_flags"), static_cast<std::uint32_t>(ss.flags), style),
                       ss.size);
  Out o{v};
  o.field("ss_sp", static_cast<std::int64_t>(ss.sp));
  o.field("ss_flags", ss.flags);
  o.field("ss_size", static_cast<std::int64_t>(ss.size));
  return true;
}

// struct rusage, abbreviated as strace does to the two times.
bool decode_rusage(pid_t tid, const SyscallEvent& e, ArgValue& v) {
  if (e.err) return false;
  std::int64_t ru[18];
  if (!read_exact(tid, RemotePtr{v.raw}, ru, sizeof ru)) return false;
  v.text = fmt::format("{{ru_utime={{tv_sec={}, tv_usec={}}}, ru_stime={{tv_sec={}, tv_usec={}}}, ...}}",
                       ru[0], static_cast<std::uint64_t>(ru[1]), ru[2], static_cast<std::uint64_t>(ru[3]));
  static constexpr const char* kNames[] = {
      "ru_utime.tv_sec", "ru_utime.tv_usec", "ru_stime.tv_sec", "ru_stime.tv_usec", "ru_maxrss",
      "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt", "ru_nswap", "ru_inblock",
      "ru_oublock", "ru_msgsnd", "ru_msgrcv", "ru_nsignals", "ru_nvcsw", "ru_nivcsw"};
  for (std::size_t i = 0; i < 18; ++i) v.fields.push_back({kNames[i], ru[i]});
  return true;
}

bool decode_sysinfo(pid_t tid, ArgValue& v) {
  struct sysinfo_k {
    std::int64_t uptime;
    std::uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    std::uint16_t procs, pad;
    std::uint32_t pad2;
    std::uint64_t totalhigh, freehigh;
    std::uint32_t mem_unit;
  } si;
  if (!read_exact(tid, RemotePtr{v.raw}, &si, sizeof si)) return false;
  v.text = fmt::format(
      "{{uptime={}, loads=[{}, {}, {}], totalram={}, freeram={}, sharedram={}, bufferram={}, "
      "totalswap={}, freeswap={}, procs={}, totalhigh={}, freehigh={}, mem_unit={}}}",
      si.uptime, si.loads[0], si.loads[1], si.loads[2], si.totalram, si.freeram, si.sharedram,
      si.bufferram, si.totalswap, si.freeswap, si.procs, si.totalhigh, si.freehigh, si.mem_unit);
  Out o{v};
  o.field("uptime", si.uptime);
  o.field("totalram", static_cast<std::int64_t>(si.totalram));
  o.field("freeram", static_cast<std::int64_t>(si.freeram));
  o.field("procs", si.procs);
  o.field("mem_unit", si.mem_unit);
  return true;
}

bool decode_sockaddr(pid_t tid, const SyscallEvent& e, ArgValue& v, XlatStyle style) {
  auto len = sockaddr_len(tid, e);
  return len && decode_sockaddr_at(tid, v, *len, style);
}

bool decode_itimerval(pid_t tid, ArgValue& v) {
  std::int64_t it[4];
  if (!read_exact(tid, RemotePtr{v.raw}, it, sizeof it)) return false;
  v.text = fmt::format("{{it_interval={{tv_sec={}, tv_usec={}}}, it_value={{tv_sec={}, tv_usec={}}}}}",
                       it[0], static_cast<std::uint64_t>(it[1]), it[2], static_cast<std::uint64_t>(it[3]));
  v.fields.push_back({"it_interval.tv_sec", it[0]});
  v.fields.push_back({"it_interval.tv_usec", it[1]});
  v.fields.push_back({"it_value.tv_sec", it[2]});
  v.fields.push_back({"it_value.tv_usec", it[3]});
  return true;
}

// utimensat's two times: "[UTIME_NOW, UTIME_OMIT]" or "[{tv_sec=..}, ...]".
bool decode_timespec_pair(pid_t tid, ArgValue& v, XlatStyle style) {
  std::int64_t ts[4];
  if (!read_exact(tid, RemotePtr{v.raw}, ts, sizeof ts)) return false;
  auto one = [style](const std::int64_t* t) -> std::string {
    std::string number = timespec_text(t);
    if (t[1] == UTIME_NOW) return xlat_styled(number, "UTIME_NOW", style);
    if (t[1] == UTIME_OMIT) return xlat_styled(number, "UTIME_OMIT", style);
    return number;
  };
  v.text = fmt::format("[{}, {}]", one(ts), one(ts + 2));
  v.fields.push_back({"[0].tv_sec", ts[0]});
  v.fields.push_back({"[0].tv_nsec", ts[1]});
  v.fields.push_back({"[1].tv_sec", ts[2]});
  v.fields.push_back({"[1].tv_nsec", ts[3]});
  return true;
}

// getgroups/setgroups: "[0, 4, 27]"; getgroups shows as many as it
// returned, whatever its size argument (0 only asks for the count), as
// strace does.
bool decode_gid_array(pid_t tid, const SyscallEvent& e, ArgValue& v, const DecodeLimits& limits) {
  std::uint64_t n = e.args[0].raw & 0xffffffffu;
  if (is(e.desc, SysId::getgroups)) {
    if (e.err || e.result < 0) return false;
    n = static_cast<std::uint64_t>(e.result);
  }
  std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(n, max_elements(limits)));
  std::vector<std::uint32_t> gids(count);
  if (count > 0 && !read_exact(tid, RemotePtr{v.raw}, gids.data(), count * sizeof(std::uint32_t))) return false;
  std::string out = "[";
  for (std::size_t i = 0; i < count; ++i) {
    if (i) out += ", ";
    out += std::to_string(gids[i]);
    v.fields.push_back({member_name(fmt::format("[{}]", i)), gids[i]});
  }
  if (n > count) out += count ? ", ..." : "...";
  if (n > count) v.truncated = true;
  v.text = out + "]";
  return true;
}

bool decode_sched_param(pid_t tid, ArgValue& v) {
  int prio = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &prio, sizeof prio)) return false;
  v.text = fmt::format("[{}]", prio);
  v.fields.push_back({"sched_priority", prio});
  return true;
}

// socklen_t in/out: "[110]", or "[128 => 16]" when the call changed it.
bool decode_socklen(pid_t tid, ArgValue& v, bool at_entry) {
  std::uint32_t len = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &len, sizeof len)) return false;
  if (at_entry) {
    v.num = len;
    v.fields.push_back({"value", len});
    return false;  // shown at exit, once both values are known
  }
  v.fields.clear();
  v.num2 = len;
  v.text = v.num == v.num2 ? fmt::format("[{}]", len) : fmt::format("[{} => {}]", v.num, len);
  v.fields.push_back({"value", len});
  return true;
}

// getdents64: the address and how many entries the call returned.
bool decode_dirents(pid_t tid, const SyscallEvent& e, ArgValue& v) {
  if (e.err || e.result < 0) return false;
  std::string buf(static_cast<std::size_t>(e.result), '\0');
  if (!buf.empty() && !read_exact(tid, RemotePtr{v.raw}, buf.data(), buf.size())) return false;
  std::size_t count = 0;
  for (std::size_t off = 0; off + 19 <= buf.size();) {
    std::uint16_t reclen;
    std::memcpy(&reclen, buf.data() + off + 16, sizeof reclen);
    if (reclen == 0) break;
    ++count;
    off += reclen;
  }
  v.text = fmt::format("{:#x} /* {} entries */", v.raw, count);
  v.fields.push_back({"entries", static_cast<std::int64_t>(count)});
  return true;
}

bool decode_wait_status(pid_t tid, ArgValue& v) {
  int status = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &status, sizeof status)) return false;
  if (WIFEXITED(status)) {
    v.text = fmt::format("[{{WIFEXITED(s) && WEXITSTATUS(s) == {}}}]", WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    v.text = fmt::format("[{{WIFSIGNALED(s) && WTERMSIG(s) == {}{}}}]", signal_name(WTERMSIG(status)),
                         WCOREDUMP(status) ? " && WCOREDUMP(s)" : "");
  } else if (WIFSTOPPED(status)) {
    v.text = fmt::format("[{{WIFSTOPPED(s) && WSTOPSIG(s) == {}}}]", signal_name(WSTOPSIG(status)));
  } else if (WIFCONTINUED(status)) {
    v.text = "[{WIFCONTINUED(s)}]";
  } else {
    v.text = fmt::format("[{:#x}]", status);
  }
  v.fields.push_back({"status", status});
  return true;
}

}  // namespace

bool decode_sigreturn(pid_t tid, std::uint64_t sp, ArgValue& v, const DecodeLimits& limits) {
  // At rt_sigreturn's entry the handler's `ret` has popped the frame's
  // return address: the rt_sigframe starts at sp - 8, and its ucontext's
  // uc_sigmask lies after uc_flags, uc_link, uc_stack (24 bytes) and the
  // 256-byte sigcontext.
  constexpr std::uint64_t kMaskOffset = 8 + 8 + 8 + 24 + 256;
  std::uint64_t mask = 0;
  if (sp < 8 || !read_exact(tid, RemotePtr{sp - 8 + kMaskOffset}, &mask, sizeof mask)) return false;
  v.raw = sp;
  v.form = ArgValue::Form::Struct;
  v.text = "{mask=" + sigset_text(mask, 64, limits.xlat_style) + "}";
  v.fields.push_back({"mask", static_cast<std::int64_t>(mask)});
  return true;
}

bool decode_struct(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v, bool at_entry,
                   const DecodeLimits& limits) {
  const XlatStyle style = limits.xlat_style;
  if (v.raw == 0 || d.struct_name == nullptr || e.abi != Abi::x86_64) return false;
  std::string_view name = d.struct_name;
  bool ok = false;
  if (name == "socklen_t") {
    ok = decode_socklen(tid, v, at_entry);
  } else if (name == "stat") {
    ok = decode_stat(tid, v, style);
  } else if (name == "statx") {
    ok = decode_statx(tid, v, style);
  } else if (name == "sigset") {
    ok = decode_sigset(tid, e, v, style);
  } else if (name == "sigset_pack") {
    ok = decode_sigset_pack(tid, v, style);
  } else if (name == "sigaction") {
    ok = decode_sigaction(tid, v, style);
  } else if (name == "rlimit64" || name == "rlimit") {
    ok = decode_rlimit(tid, v, style);
  } else if (name == "timespec") {
    ok = decode_timespec(tid, v);
  } else if (name == "sigevent") {
    ok = decode_sigevent(tid, v, style);
  } else if (name == "timer_t") {
    ok = decode_timer_id(tid, v);
  } else if (name == "utsname") {
    ok = decode_utsname(tid, v);
  } else if (name == "sockaddr") {
    ok = decode_sockaddr(tid, e, v, style);
  } else if (name == "linux_dirent64") {
    ok = decode_dirents(tid, e, v);
  } else if (name == "wait_status") {
    ok = decode_wait_status(tid, v);
  } else if (name == "pollfd") {
    ok = decode_pollfds(tid, e, v, at_entry, limits);
  } else if (name == "fd_set") {
    ok = decode_fd_set(tid, e, d, v, at_entry, limits);
  } else if (name == "timeval") {
    ok = decode_timeval(tid, v, at_entry, d.dir == ArgDir::Out);
  } else if (name == "itimerspec") {
    ok = decode_itimerspec(tid, v);
  } else if (name == "epoll_event") {
    ok = decode_epoll_events(tid, e, v, limits);
  } else if (name == "statfs") {
    ok = decode_statfs(tid, v, style);
  } else if (name == "open_how") {
    ok = decode_open_how(tid, e, v, style);
  } else if (name == "clone_args") {
    ok = decode_clone_args(tid, e, v, at_entry, style);
  } else if (name == "ioctl_arg") {
    ok = decode_ioctl_arg(tid, e, v, at_entry, style);
  } else if (name == "sockopt") {
    ok = decode_sockopt(tid, e, v);
  } else if (name == "iovec") {
    ok = decode_iovec(tid, e, d, v, limits);
  } else if (name == "msghdr") {
    ok = decode_msghdr(tid, e, v, at_entry, limits);
  } else if (name == "mmsghdr") {
    ok = decode_mmsghdr(tid, e, v, at_entry, limits);
  } else if (name == "cpu_set") {
    ok = decode_cpu_set(tid, e, v);
  } else if (name == "stack_t") {
    ok = decode_stack_t(tid, v, style);
  } else if (name == "rusage") {
    ok = decode_rusage(tid, e, v);
  } else if (name == "sysinfo") {
    ok = decode_sysinfo(tid, v);
  } else if (name == "itimerval") {
    ok = decode_itimerval(tid, v);
  } else if (name == "timespec_pair") {
    ok = decode_timespec_pair(tid, v, style);
  } else if (name == "gid_array") {
    ok = decode_gid_array(tid, e, v, limits);
  } else if (name == "sched_param") {
    ok = decode_sched_param(tid, v);
  }
  if (ok) v.form = ArgValue::Form::Struct;
  return ok;
}

}  // namespace syspect::detail
