#include "guards.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>

#include "memory.hpp"
#include "ptrace.hpp"
#include "syscall_ids.hpp"

namespace syspect::detail {

void Guards::keep_children_traced(ThreadState& t) {
  const SyscallEvent& e = t.pending;
  if (is(e.desc, SysId::clone)) {
    std::uint64_t flags = e.args[0].raw;
    if (e.abi == Abi::i386) flags &= 0xffffffffu;
    if (!(flags & CLONE_UNTRACED)) return;
    std::size_t reg = e.abi == Abi::i386 ? offsetof(user_regs_struct, rbx)
                                         : offsetof(user_regs_struct, rdi);
    (void)ptrace_checked(PTRACE_POKEUSER, t.tid, reg,
                         static_cast<std::uintptr_t>(flags & ~std::uint64_t{CLONE_UNTRACED}));
  } else if (is(e.desc, SysId::clone3) && e.args[1].raw >= sizeof(std::uint64_t)) {
    // struct clone_args starts with its 64-bit flags.
    std::uint64_t flags = 0;
    if (!detail::read_exact(t.tid, detail::RemotePtr{e.args[0].raw}, &flags, sizeof flags)) return;
    if (!(flags & CLONE_UNTRACED)) return;
    (void)ptrace_checked(PTRACE_POKEDATA, t.tid, e.args[0].raw,
                         static_cast<std::uintptr_t>(flags & ~std::uint64_t{CLONE_UNTRACED}));
  }
}

void Guards::check_child_announced(ThreadState& t) {
  SyscallEvent& e = t.pending;
  if (!s_.options.follow || e.err || e.result <= 0) return;
  if (!(is(e.desc, SysId::clone) || is(e.desc, SysId::clone3) || is(e.desc, SysId::fork) ||
        is(e.desc, SysId::vfork)))
    return;
  pid_t child = static_cast<pid_t>(e.result);
  if (t.announced_child == child || s_.threads.count(child)) return;
  ::kill(child, SIGKILL);
  e.untraced_child_killed = true;
}

void Guards::note_tracee_filter(const ThreadState& t) {
  const SyscallEvent& e = t.pending;
  if (e.err || e.result < 0) return;
  bool installs = (is(e.desc, SysId::seccomp) && e.args[0].raw == SECCOMP_SET_MODE_FILTER) ||
                  (is(e.desc, SysId::prctl) && e.args[0].raw == PR_SET_SECCOMP &&
                   e.args[1].raw == SECCOMP_MODE_FILTER);
  if (!installs) return;
  s_.any_full_stop = true;
  auto p = s_.processes.find(t.tgid);
  if (p != s_.processes.end()) p->second.full_stop = true;
  // The process's other threads run under PTRACE_CONT: stop them once so
  // that they are resumed with PTRACE_SYSCALL (the filter may be synced to
  // them with SECCOMP_FILTER_FLAG_TSYNC).
  for (const auto& [tid, other] : s_.threads)
    if (other.tgid == t.tgid && tid != t.tid) (void)ptrace_checked(PTRACE_INTERRUPT, tid, 0, 0);
}

void Guards::check_opened_path(ThreadState& t) {
  SyscallEvent& e = t.pending;
  if (!s_.options.check_opened_paths || e.err || e.result < 0 || !is_open_call(e.desc)) return;
  bool has_dirfd = is(e.desc, SysId::openat) || is(e.desc, SysId::openat2);
  const ArgValue& path = e.args[has_dirfd ? 1 : 0];
  if (path.form != ArgValue::Form::String || path.truncated || path.bytes.empty()) return;
  std::uint64_t flags = 0;
  if (is(e.desc, SysId::openat)) {
    flags = e.args[2].raw;
  } else if (is(e.desc, SysId::open)) {
    flags = e.args[1].raw;
  } else if (is(e.desc, SysId::openat2)) {
    (void)detail::read_exact(t.tid, detail::RemotePtr{e.args[2].raw}, &flags, sizeof flags);
  }
  if ((flags & O_TMPFILE) == O_TMPFILE) return;  // an unnamed file in that directory
  int dirfd = has_dirfd ? static_cast<int>(e.args[0].raw) : AT_FDCWD;
  std::optional<std::string> where = detail::tracer_path(t.tgid, t.tid, dirfd, path.bytes);
  if (!where) return;
  std::string fd_link = fmt::format("/proc/{}/fd/{}", t.tid, e.result);
  struct stat named_file {}, opened {};
  int nofollow = (flags & O_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0;
  if (::stat(fd_link.c_str(), &opened) != 0) return;  // the descriptor is gone already
  if (::fstatat(AT_FDCWD, where->c_str(), &named_file, nofollow) == 0) {
    // A device may hand out another node of the same device (/dev/ptmx
    // opens /dev/pts/ptmx): devices compare by device number.
    bool device = S_ISCHR(opened.st_mode) || S_ISBLK(opened.st_mode);
    if (device ? named_file.st_rdev == opened.st_rdev
               : named_file.st_dev == opened.st_dev && named_file.st_ino == opened.st_ino)
      return;
    // /proc/self reached through another mount of /proc (a tracee in its
    // own pid namespace): its files are not the tracer's to compare.
    bool own_proc = path.bytes.starts_with("/proc/self/") || path.bytes.starts_with("/proc/thread-self/");
    if (own_proc && named_file.st_dev != opened.st_dev) return;
  }
  std::string target = read_link(fd_link);
  e.opened_path = target.empty() ? std::string(1, '?') : std::move(target);
}

}  // namespace syspect::detail
