#include "syspect/tracer.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "cpu_placement.hpp"
#include "kernel_view.hpp"
#include "syscall_ids.hpp"
#include "decode.hpp"
#include "memory.hpp"
#include "ptrace.hpp"
#include "seccomp_filter.hpp"
#include "stop_request.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

using detail::PtraceStatus;
using detail::ptrace_checked;

constexpr long kX32Bit = 0x40000000;

std::string read_link(const std::string& path) {
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  if (n < 0) return {};
  return std::string(buf, static_cast<std::size_t>(n));
}

ExePath exe_of(pid_t pid) {
  return std::make_shared<const std::string>(read_link(fmt::format("/proc/{}/exe", pid)));
}

// A number field ("Tgid:", "TracerPid:") of /proc/TID/status; 0 when the
// thread is gone.
pid_t status_field(pid_t tid, std::string_view key) {
  std::ifstream in(fmt::format("/proc/{}/status", tid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(key)) return static_cast<pid_t>(std::stol(line.substr(key.size())));
  }
  return 0;
}

// The thread group a thread belongs to, from /proc; 0 when it is gone.
pid_t tgid_of(pid_t tid) { return status_field(tid, "Tgid:"); }

// Why PTRACE_SEIZE of `tid` failed with EPERM, in words a person can act
// on: another tracer holds it (a process has one tracer at most; under
// `strace -f` or a debugger that follows children, syspect's own child is
// taken before syspect can seize it), or ptrace is not permitted.
std::string eperm_reason(pid_t tid) {
  pid_t other = status_field(tid, "TracerPid:");
  // TracerPid names the tracing thread: one of ours is no other tracer.
  if (other != 0 && tgid_of(other) != ::getpid()) {
    std::ifstream comm(fmt::format("/proc/{}/comm", other));
    std::string name;
    std::getline(comm, name);
    return fmt::format("it is already being traced by pid {}{}, and a process can have only one "
                       "tracer (run syspect outside that tracer)",
                       other, name.empty() ? "" : fmt::format(" ({})", name));
  }
  return "ptrace: Operation not permitted (see /proc/sys/kernel/yama/ptrace_scope, or run with "
         "CAP_SYS_PTRACE)";
}

bool is_group_stop_signal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

bool is_restart_errno(int err) { return err >= 512 && err <= 516; }

// The legacy vsyscall page (VSYSCALL_ADDR): time, gettimeofday and getcpu
// called there are emulated by the kernel.
bool is_vsyscall_page(std::uint64_t ip) { return (ip & ~std::uint64_t{0xfff}) == 0xffffffffff600000ull; }

// The target's execve failed with `err`: which kind of start error that
// is (as a shell sees it: not found 127, found but not executable 126).
TraceError exec_failure(const std::string& program, int err) {
  StartError kind = err == ENOENT                     ? StartError::NotFound
                    : err == EACCES || err == ENOEXEC ? StartError::NotExecutable
                    : err == EPERM                    ? StartError::NotPermitted
                                                      : StartError::Other;
  return TraceError{kind, fmt::format("cannot run '{}': {}", program, std::strerror(err))};
}

// Where a program named on the command line lives, as execvp would find it.
struct Resolved {
  std::string path;
  int error = 0;  // errno of the best failure when not found
};

Resolved resolve_program(const std::string& name) {
  if (name.empty()) return {{}, ENOENT};
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), F_OK) != 0) return {{}, errno};
    if (::access(name.c_str(), X_OK) != 0) return {{}, errno};
    return {name, 0};
  }
  const char* env = std::getenv("PATH");
  std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  int best = ENOENT;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string_view dir = std::string_view(path).substr(start, end - start);
    std::string candidate = fmt::format("{}/{}", dir.empty() ? "." : dir, name);
    if (::access(candidate.c_str(), X_OK) == 0) {
      struct stat st;
      if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return {candidate, 0};
    } else if (errno == EACCES && ::access(candidate.c_str(), F_OK) == 0) {
      best = EACCES;
    }
    start = end + 1;
  }
  return {{}, best};
}

struct ThreadState {
  pid_t tid = 0;
  pid_t tgid = 0;
  bool in_syscall = false;
  bool awaiting_exec = false;  // the spawned child, before the target's execve
  SyscallEvent pending;
  const SyscallDesc* interrupted = nullptr;  // last call ended by a restart errno
  int inject_errno = 0;  // a Fail verdict: set this errno at the exit stop
  pid_t announced_child = 0;  // the last child a fork/clone event reported
  bool strict_kill = false;   // the --strict filter kills the process at this call
  bool strict_reported = false;  // ...and that call has been reported
  std::uint64_t entry_sp = 0;     // the stack pointer at the pending call's entry
  // The names the pending call creates or removes, as found at its entry
  // (only for calls whose inputs are read again at exit).
  detail::NamesAtEntry names_at_entry;
};

struct ProcessState {
  ExePath exe;
  int threads = 0;
  // The process installed a seccomp filter of its own: its verdicts (errno,
  // kill, user notification) take precedence over the tracer's trap, so
  // under a filter its calls could go unseen. Its threads stop at every
  // syscall entry and exit, which ptrace reports before any filter runs.
  bool full_stop = false;
};

bool is_open_call(const SyscallDesc* desc) {
  return is(desc, SysId::openat) || is(desc, SysId::open) || is(desc, SysId::openat2) ||
         is(desc, SysId::creat);
}

}  // namespace

// Everything one run() or attach() learns and decides. A Tracer starts each
// run from a new RunState, so nothing of one run leaks into the next.
struct RunState {
  // The calls whose strings and buffers a sink wants whole.
  Interest wanted_data = Interest::none();
  std::unordered_map<pid_t, ThreadState> threads;
  std::unordered_map<pid_t, ProcessState> processes;
  std::uint64_t seq = 0;
  pid_t root = 0;
  bool attached = false;  // attach mode: detach rather than kill on stop
  bool detaching = false;
  bool killing = false;
  TraceResult result;
  int exec_errno = 0;  // the target's execve failed with this
  // A seccomp filter decides which calls stop: threads run with PTRACE_CONT
  // and stop only at PTRACE_EVENT_SECCOMP (plus the exit stop of a call
  // whose result is needed).
  bool filtered = false;
  // Some process installed its own seccomp filter: new processes whose
  // parent is not known yet stop at every call too.
  bool any_full_stop = false;
  // The watchdog (--timeout) kills every live thread group from its own
  // thread; it needs only the set of tgids, guarded by Impl::live_mutex.
  std::set<pid_t> live_tgids;
  // The stops one round of the loop collected, in the order reported.
  std::vector<std::pair<pid_t, int>> ready;
};

struct Tracer::Impl : RunState {
  TraceOptions options;
  detail::DecodeLimits limits;
  // For the calls in wanted_data.
  detail::DecodeLimits whole_limits;
  std::vector<Sink*> sinks;

  // Where the tracer and the tree run, and the CPU masks the tree sees
  // (present for the length of a run()).
  std::optional<detail::CpuPlacer> placer;
  std::mutex live_mutex;
  std::atomic<bool> timed_out{false};
  // request_stop(): see StopRequest.
  detail::StopRequest stop;

  explicit Impl(TraceOptions o) : options(std::move(o)) {
    limits.max_string = options.max_string;
    limits.max_buffer = options.max_buffer;
    limits.max_argv = options.max_argv;
    limits.struct_string = options.struct_string_limit;
    limits.fd_paths = options.decode_fds;
    limits.xlat_style = options.xlat_style;
    whole_limits = limits;
    whole_limits.max_string = std::max(options.max_string, options.max_whole_data);
    whole_limits.max_buffer = std::max(options.max_buffer, options.max_whole_data);
    whole_limits.max_argv = std::max(options.max_argv, options.max_whole_data);
  }

  const detail::DecodeLimits& limits_for(const SyscallEvent& e) const {
    if (e.desc == nullptr || !wanted_data.whole_data(e.abi, e.desc->nr)) return limits;
    return whole_limits;
  }

  // A run starts from nothing.
  void begin_run() {
    {
      std::lock_guard lock(live_mutex);
      static_cast<RunState&>(*this) = RunState{};
    }
    timed_out = false;
    stop.reset();
  }

  unsigned ptrace_options() const {
    unsigned o = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
    if (filtered) o |= PTRACE_O_TRACESECCOMP;
    if (options.strict) o |= PTRACE_O_TRACEEXIT;  // see on_exit_event
    if (options.follow) o |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
    return o;
  }

  // ---- bookkeeping ----

  ThreadState& add_thread(pid_t tid, pid_t tgid, ExePath exe) {
    ThreadState& t = threads[tid];
    t.tid = tid;
    t.tgid = tgid;
    ProcessState& p = processes[tgid];
    if (p.threads++ == 0) {
      p.exe = exe ? std::move(exe) : exe_of(tgid);
      p.full_stop = any_full_stop;
      std::lock_guard lock(live_mutex);
      live_tgids.insert(tgid);
    }
    return t;
  }

  void remove_thread(pid_t tid) {
    auto it = threads.find(tid);
    if (it == threads.end()) return;
    pid_t tgid = it->second.tgid;
    threads.erase(it);
    if (placer) placer->on_thread_gone(tid);
    auto p = processes.find(tgid);
    if (p != processes.end() && --p->second.threads <= 0) {
      processes.erase(p);
      std::lock_guard lock(live_mutex);
      live_tgids.erase(tgid);
    }
  }

  ExePath exe_for(pid_t tgid) {
    auto p = processes.find(tgid);
    return p == processes.end() ? nullptr : p->second.exe;
  }

  // ---- emitting ----

  void emit(SyscallEvent& e) {
    e.seq = seq++;
    e.exe = exe_for(e.pid);
    for (Sink* s : sinks) s->on_syscall(e);
  }
  void emit(SignalEvent& e) {
    e.seq = seq++;
    e.exe = exe_for(e.pid);
    for (Sink* s : sinks) s->on_signal(e);
  }
  void emit(ExecEvent& e) {
    e.seq = seq++;
    for (Sink* s : sinks) s->on_exec(e);
  }
  void emit(ExitEvent& e) {
    e.seq = seq++;
    e.exe = exe_for(e.pid);
    for (Sink* s : sinks) s->on_exit(e);
  }

  // ---- resuming ----

  bool full_stop(const ThreadState& t) const {
    if (!any_full_stop) return false;
    auto p = processes.find(t.tgid);
    return p != processes.end() && p->second.full_stop;
  }

  void resume(const ThreadState& t, int sig = 0) {
    // Under a filter, a thread stops at syscalls only where the filter says,
    // except for the exit of a call it is watching.
    int request = !filtered || t.in_syscall || full_stop(t) ? PTRACE_SYSCALL : PTRACE_CONT;
    // Gone: the thread died; waitpid will say so.
    (void)ptrace_checked(request, t.tid, 0, static_cast<std::uintptr_t>(sig));
  }

  // ---- stops ----

  void on_syscall_stop(ThreadState& t) {
    __ptrace_syscall_info info{};
    if (ptrace_checked(PTRACE_GET_SYSCALL_INFO, t.tid, sizeof info,
                       reinterpret_cast<std::uintptr_t>(&info)) != PtraceStatus::Ok)
      return;
    if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
      on_entry(t, info.arch, info.entry.nr, info.entry.args, info.stack_pointer);
    } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
      on_exit_stop(t, info);
    }
  }

  // Auto placement under a filter: see CpuPlacer::count_filter_stop.
  void count_filter_stop() {
    if (!placer || !placer->count_filter_stop()) return;
    for (const auto& [tid, t] : threads) placer->place(tid);
  }

  bool traced(pid_t tid) const { return threads.count(tid) != 0; }

  void on_seccomp_stop(ThreadState& t) {
    count_filter_stop();
    __ptrace_syscall_info info{};
    if (ptrace_checked(PTRACE_GET_SYSCALL_INFO, t.tid, sizeof info,
                       reinterpret_cast<std::uintptr_t>(&info)) != PtraceStatus::Ok)
      return;
    if (info.op != PTRACE_SYSCALL_INFO_SECCOMP) return;
    if (is_vsyscall_page(info.instruction_pointer)) {
      on_vsyscall(t, info);
      return;
    }
    // A process on full stopping had its syscall-entry stop for this call
    // already (ptrace reports it before any filter runs).
    if (t.in_syscall) return;
    on_entry(t, info.arch, info.seccomp.nr, info.seccomp.args, info.stack_pointer);
    // Only the verdict was wanted, and the call runs: let it run unwatched.
    if (info.seccomp.ret_data == static_cast<std::uint16_t>(detail::TraceData::Entry) &&
        !t.pending.blocked && !t.awaiting_exec)
      t.in_syscall = false;
  }

  // A call through the legacy vsyscall page: the kernel emulates it, stops
  // at the filter, and never at an exit. It is reported here, and a verdict
  // is carried out here: to make it fail, the call is skipped (number -1,
  // which the emulation allows) with the errno already in rax, since no
  // exit stop will come to set it. The thread is then between calls again.
  void on_vsyscall(ThreadState& t, const __ptrace_syscall_info& info) {
    on_entry(t, info.arch, info.seccomp.nr, info.seccomp.args, info.stack_pointer);
    t.in_syscall = false;
    SyscallEvent& e = t.pending;
    e.vsyscall = true;
    e.finished = false;
    if (e.blocked && t.inject_errno) {
      e.result = -t.inject_errno;
      e.err = t.inject_errno;
      e.finished = true;
      (void)ptrace_checked(PTRACE_POKEUSER, t.tid, offsetof(user_regs_struct, rax),
                           static_cast<std::uintptr_t>(e.result));
      t.inject_errno = 0;
    }
    emit(e);
  }

  void on_entry(ThreadState& t, std::uint32_t arch, std::uint64_t raw_nr,
                const std::uint64_t (&args)[6], std::uint64_t sp, bool verdict = true) {
    SyscallEvent& e = t.pending;
    e = SyscallEvent{};
    e.pid = t.tgid;
    e.tid = t.tid;
    long nr = static_cast<long>(raw_nr);
    if (arch == AUDIT_ARCH_I386) {
      e.abi = Abi::i386;
      nr = static_cast<std::int32_t>(nr);
    } else if (nr >= 0 && (nr & kX32Bit)) {
      e.abi = Abi::x32;
    }
    e.nr = nr;
    e.desc = e.abi == Abi::x32 ? lookup_syscall(Abi::x86_64, nr & ~kX32Bit)
                               : lookup_syscall(e.abi, nr);
    std::uint64_t raw[6];
    for (int i = 0; i < 6; ++i) raw[i] = args[i];
    detail::decode_entry(t.tid, e, raw, sp, limits_for(e));
    t.entry_sp = sp;
    if (e.desc && is(e.desc, SysId::restart_syscall)) e.resumed = t.interrupted;
    t.in_syscall = true;
    t.strict_kill = killed_by_strict(e);
    if (!t.awaiting_exec && verdict) {
      e.exe = exe_for(e.pid);
      apply_verdict(t);
      if (options.follow && !e.blocked) keep_children_traced(t);
      if (placer && !e.blocked) placer->on_entry(t.tid, e);
      t.names_at_entry = {};
      if (!e.blocked && e.desc && wanted_data.recheck(e.abi, e.desc->nr))
        t.names_at_entry = detail::names_at_entry(t.tgid, t.tid, e);
    }
  }

  // Whether the --strict filter kills the process at this call (after this
  // entry stop, which ptrace reports before any filter runs).
  bool killed_by_strict(const SyscallEvent& e) const {
    if (!options.strict || e.abi == Abi::x86_64) return false;
    const auto& allowed = e.abi == Abi::i386 ? options.strict->allow_i386 : options.strict->allow_x32;
    return std::find(allowed.begin(), allowed.end(), e.nr) == allowed.end();
  }

  // PTRACE_EVENT_EXIT (asked for with --strict only). Under a filter a call
  // the --strict filter kills never stops the tracee (the kill outranks the
  // trap), so the call is recovered here from the rolled-back registers and
  // reported, unfinished, before the process's death.
  void on_exit_event(ThreadState& t) {
    unsigned long status = 0;
    if (ptrace_checked(PTRACE_GETEVENTMSG, t.tid, 0, reinterpret_cast<std::uintptr_t>(&status)) !=
        PtraceStatus::Ok)
      return;
    int st = static_cast<int>(status);
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSYS || t.in_syscall || t.strict_reported ||
        t.awaiting_exec)
      return;
    __ptrace_syscall_info info{};
    user_regs_struct regs{};
    if (ptrace_checked(PTRACE_GET_SYSCALL_INFO, t.tid, sizeof info,
                       reinterpret_cast<std::uintptr_t>(&info)) != PtraceStatus::Ok ||
        ptrace_checked(PTRACE_GETREGS, t.tid, 0, reinterpret_cast<std::uintptr_t>(&regs)) !=
            PtraceStatus::Ok)
      return;
    bool i386 = info.arch == AUDIT_ARCH_I386;
    std::uint64_t args[6] = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
    if (i386) {
      std::uint64_t a[6] = {regs.rbx, regs.rcx, regs.rdx, regs.rsi, regs.rdi, regs.rbp};
      std::copy(std::begin(a), std::end(a), std::begin(args));
    }
    on_entry(t, info.arch, regs.orig_rax, args, regs.rsp, /*verdict=*/false);
    if (!t.strict_kill) {  // not a call the filter kills: some other SIGSYS
      t.in_syscall = false;
      return;
    }
    t.strict_kill = false;
    t.strict_reported = true;
    t.in_syscall = false;
    t.pending.finished = false;
    t.pending.blocked = true;
    emit(t.pending);
  }

  // clone(CLONE_UNTRACED) would start a child the kernel does not attach:
  // the flag is cleared before the call runs (the event still shows what
  // the program asked for).
  void keep_children_traced(ThreadState& t) {
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

  // At the exit of a call that created a process or thread: the kernel
  // announced the child with a ptrace event before this stop. A child it
  // did not announce escaped tracing (clone3's flags changed by another
  // thread after the entry check): it is killed, never left running unseen.
  void check_child_announced(ThreadState& t) {
    SyscallEvent& e = t.pending;
    if (!options.follow || e.err || e.result <= 0) return;
    if (!(is(e.desc, SysId::clone) || is(e.desc, SysId::clone3) || is(e.desc, SysId::fork) ||
          is(e.desc, SysId::vfork)))
      return;
    pid_t child = static_cast<pid_t>(e.result);
    if (t.announced_child == child || threads.count(child)) return;
    ::kill(child, SIGKILL);
    e.untraced_child_killed = true;
  }

  // A seccomp filter installed by the tracee itself: see ProcessState.
  void note_tracee_filter(const ThreadState& t) {
    const SyscallEvent& e = t.pending;
    if (e.err || e.result < 0) return;
    bool installs = (is(e.desc, SysId::seccomp) && e.args[0].raw == SECCOMP_SET_MODE_FILTER) ||
                    (is(e.desc, SysId::prctl) && e.args[0].raw == PR_SET_SECCOMP &&
                     e.args[1].raw == SECCOMP_MODE_FILTER);
    if (!installs) return;
    any_full_stop = true;
    auto p = processes.find(t.tgid);
    if (p != processes.end()) p->second.full_stop = true;
    // The process's other threads run under PTRACE_CONT: stop them once so
    // that they are resumed with PTRACE_SYSCALL (the filter may be synced to
    // them with SECCOMP_FILTER_FLAG_TSYNC).
    for (const auto& [tid, other] : threads)
      if (other.tgid == t.tgid && tid != t.tid) (void)ptrace_checked(PTRACE_INTERRUPT, tid, 0, 0);
  }

  // The descriptor an open returned against the path decoded at its entry:
  // the same file (device and inode), or SyscallEvent::opened_path is set.
  void check_opened_path(ThreadState& t) {
    SyscallEvent& e = t.pending;
    if (!options.check_opened_paths || e.err || e.result < 0 || !is_open_call(e.desc)) return;
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

  void apply_verdict(ThreadState& t) {
    Verdict v;
    for (Sink* s : sinks) {
      v = s->on_entry(t.pending);
      if (v.action != Verdict::Action::Allow) break;
    }
    if (v.action == Verdict::Action::Allow) return;
    // Skip the call: the kernel runs nothing for syscall number -1.
    (void)ptrace_checked(PTRACE_POKEUSER, t.tid, offsetof(user_regs_struct, orig_rax),
                         static_cast<std::uintptr_t>(-1));
    t.pending.blocked = true;
    if (v.action == Verdict::Action::Fail) {
      t.inject_errno = v.err;
    } else {
      kill_all();
    }
  }

  void on_exit_stop(ThreadState& t, const __ptrace_syscall_info& info) {
    if (!t.in_syscall) {
      // A call that was under way when we attached: its entry was never seen.
      return;
    }
    t.in_syscall = false;
    SyscallEvent& e = t.pending;
    std::int64_t rval = info.exit.rval;
    bool is_error = info.exit.is_error != 0;
    if (t.inject_errno) {
      rval = -t.inject_errno;
      is_error = true;
      t.inject_errno = 0;
      (void)ptrace_checked(PTRACE_POKEUSER, t.tid, offsetof(user_regs_struct, rax),
                           static_cast<std::uintptr_t>(rval));
    }
    if (t.strict_kill) {
      // The filter skipped the call and the process dies by SIGSYS; the
      // registers were rolled back, there is no result.
      t.strict_kill = false;
      t.strict_reported = true;
      e.finished = false;
      e.blocked = true;
      emit(e);
      return;
    }
    if (placer && !t.awaiting_exec)
      placer->on_exit(t.tid, e, rval, is_error, [this](pid_t tid) { return traced(tid); });
    recheck_inputs(t, is_error);
    detail::decode_exit(t.tid, e, rval, is_error, limits_for(e));
    compare_with_kernel(t);
    if (!t.awaiting_exec) {
      check_child_announced(t);
      note_tracee_filter(t);
      check_opened_path(t);
    }
    if (e.err && is_restart_errno(e.err)) {
      t.interrupted = e.resumed ? e.resumed : e.desc;
    }
    if (t.awaiting_exec) {
      // Only the target's own execve counts; a failed one is reported as a
      // start error, not as a trace.
      if (e.desc && is(e.desc, SysId::execve)) {
        if (e.err) {
          exec_errno = e.err;
          return;
        }
        t.awaiting_exec = false;
        result.started = true;
      } else {
        return;
      }
    }
    emit(e);
  }

  // The pointer arguments a sink judges, read again at exit (before the
  // outputs are decoded): each whose memory is no longer what was decoded
  // at entry is marked, since another thread changed it while the call ran
  // and the kernel may have used either. A successful exec replaced the
  // memory, and a skipped call used nothing: neither is read again.
  void recheck_inputs(ThreadState& t, bool is_error) {
    SyscallEvent& e = t.pending;
    if (e.blocked || e.desc == nullptr || !wanted_data.recheck(e.abi, e.desc->nr)) return;
    if (!is_error && (is(e.desc, SysId::execve) || is(e.desc, SysId::execveat))) return;
    SyscallEvent again;
    again.pid = e.pid;
    again.tid = e.tid;
    again.abi = e.abi;
    again.nr = e.nr;
    again.desc = e.desc;
    std::uint64_t raw[6];
    for (int i = 0; i < 6; ++i) raw[i] = e.args[i].raw;
    detail::decode_entry(t.tid, again, raw, t.entry_sp, limits_for(e));
    for (int i = 0; i < e.nargs && i < 8; ++i) {
      const ArgDesc& d = e.desc->args[i];
      if (d.dir != ArgDir::In) continue;
      const ArgValue& before = e.args[i];
      const ArgValue& after = again.args[i];
      bool pointer = d.kind == ArgKind::Path || d.kind == ArgKind::Str || d.kind == ArgKind::Buf ||
                     d.kind == ArgKind::Argv || d.kind == ArgKind::Envp || d.kind == ArgKind::Struct;
      if (!pointer) continue;
      if (before.form != after.form || before.bytes != after.bytes || before.text != after.text ||
          before.items != after.items)
        e.changed_args |= static_cast<std::uint8_t>(1u << i);
    }
  }

  // What the call did, as the kernel tells it, against the inputs judged
  // (kernel_view.hpp): the names a call created or removed, the peer a
  // socket connected to. This sees an input rewritten and written back
  // while the call ran, which reading the memory again cannot.
  void compare_with_kernel(ThreadState& t) {
    SyscallEvent& e = t.pending;
    if (e.blocked || e.desc == nullptr || !wanted_data.recheck(e.abi, e.desc->nr)) return;
    if (!e.err) e.changed_args |= detail::names_without_effect(t.tgid, t.tid, e, t.names_at_entry);
    if (!e.err || e.err == EINPROGRESS) e.changed_args |= detail::peer_differs(t.tgid, t.tid, e);
  }

  void on_new_child(ThreadState& parent, int event) {
    unsigned long msg = 0;
    if (ptrace_checked(PTRACE_GETEVENTMSG, parent.tid, 0,
                       reinterpret_cast<std::uintptr_t>(&msg)) != PtraceStatus::Ok)
      return;
    pid_t child = static_cast<pid_t>(msg);
    parent.announced_child = child;
    pid_t tgid = child;
    if (event == PTRACE_EVENT_CLONE) {
      std::uint64_t flags = 0;
      const SyscallEvent& e = parent.pending;
      if (parent.in_syscall && e.desc && is(e.desc, SysId::clone)) {
        flags = e.args[0].raw;
      } else if (parent.in_syscall && e.desc && is(e.desc, SysId::clone3)) {
        detail::read_exact(parent.tid, detail::RemotePtr{e.args[0].raw}, &flags, sizeof flags);
      } else {
        pid_t t = tgid_of(child);
        flags = t == parent.tgid ? CLONE_THREAD : 0;
      }
      if (flags & CLONE_THREAD) tgid = parent.tgid;
    }
    // The child has its creator's own CPU mask.
    if (placer) placer->on_new_thread(child, parent.tid);
    auto it = threads.find(child);
    if (it != threads.end()) {
      // Its first stop came before this event and was filed under /proc's
      // answer; that answer is the truth, nothing more to do.
      return;
    }
    add_thread(child, tgid, exe_for(parent.tgid));
    if (tgid != parent.tgid) {
      auto p = processes.find(parent.tgid);
      if (p != processes.end() && p->second.full_stop) processes[tgid].full_stop = true;
    }
  }

  void on_exec(ThreadState& t) {
    unsigned long former = 0;
    (void)ptrace_checked(PTRACE_GETEVENTMSG, t.tid, 0, reinterpret_cast<std::uintptr_t>(&former));
    pid_t leader = t.tid;
    pid_t old_tid = static_cast<pid_t>(former);
    if (old_tid != 0 && old_tid != leader) {
      // A non-leader thread exec'd and took over the leader's tid. The stop
      // is reported under the leader's tid; the state of the call in
      // progress lives under the former tid.
      auto old_it = threads.find(old_tid);
      ThreadState& lead = threads[leader];
      if (lead.in_syscall) {
        lead.pending.finished = false;
        emit(lead.pending);
      }
      ExitEvent gone;
      gone.pid = lead.tgid;
      gone.tid = leader;
      gone.superseded_by = old_tid;
      gone.group_leader = true;
      emit(gone);
      if (old_it != threads.end()) {
        ThreadState moved = std::move(old_it->second);
        threads.erase(old_it);
        moved.tid = leader;
        if (placer) placer->on_tid_change(old_tid, leader);
        moved.pending.tid = leader;
        moved.pending.exec_old_tid = old_tid;
        lead = std::move(moved);
        // The process keeps its count: one thread left, one taken over.
        auto p = processes.find(lead.tgid);
        if (p != processes.end()) p->second.threads--;
      }
    }
    ThreadState& cur = threads[leader];
    auto p = processes.find(cur.tgid);
    ExePath exe = exe_of(leader);
    if (p != processes.end()) p->second.exe = exe;
    if (cur.awaiting_exec) return;  // the execve exit tells whether it is ours
    // The new program, against the path, argv and envp judged at entry
    // (memory the exec has replaced, so it cannot be read again at exit).
    if (cur.in_syscall && cur.pending.desc && !cur.pending.blocked &&
        wanted_data.recheck(cur.pending.abi, cur.pending.desc->nr))
      cur.pending.changed_args |= detail::exec_differs(cur.tgid, leader, cur.pending);
    ExecEvent ev;
    ev.pid = cur.tgid;
    ev.old_tid = old_tid ? old_tid : leader;
    ev.filename = exe ? *exe : std::string();
    ev.exe = exe;
    emit(ev);
  }

  void on_signal_stop(ThreadState& t, int sig) {
    siginfo_t si{};
    if (ptrace_checked(PTRACE_GETSIGINFO, t.tid, 0, reinterpret_cast<std::uintptr_t>(&si)) !=
        PtraceStatus::Ok) {
      resume(t, sig);
      return;
    }
    if (!t.awaiting_exec) {
      SignalEvent e;
      e.pid = t.tgid;
      e.tid = t.tid;
      e.signo = si.si_signo;
      e.code = si.si_code;
      e.errno_ = si.si_errno;
      if (si.si_signo == SIGCHLD) {
        e.sender_pid = si.si_pid;
        e.sender_uid = si.si_uid;
        e.status = si.si_status;
        e.utime = static_cast<long>(si.si_utime);
        e.stime = static_cast<long>(si.si_stime);
      } else if (si.si_code <= 0) {
        e.sender_pid = si.si_pid;
        e.sender_uid = si.si_uid;
      } else if (si.si_signo == SIGSEGV || si.si_signo == SIGBUS || si.si_signo == SIGILL ||
                 si.si_signo == SIGFPE) {
        e.addr = reinterpret_cast<std::uintptr_t>(si.si_addr);
      }
      emit(e);
    }
    resume(t, sig);
  }

  void on_group_stop(ThreadState& t, int sig) {
    if (!t.awaiting_exec) {
      SignalEvent e;
      e.pid = t.tgid;
      e.tid = t.tid;
      e.signo = sig;
      e.stopped = true;
      emit(e);
    }
    // Stay stopped, as the program would untraced, until SIGCONT.
    if (ptrace_checked(PTRACE_LISTEN, t.tid, 0, 0) == PtraceStatus::Failed) resume(t);
  }

  void on_thread_gone(pid_t tid, int status) {
    auto it = threads.find(tid);
    if (it == threads.end()) return;
    ThreadState& t = it->second;
    if (t.in_syscall && !t.awaiting_exec) {
      SyscallEvent& e = t.pending;
      bool exits = is(e.desc, SysId::exit_group) || is(e.desc, SysId::exit);
      if (exits && WIFEXITED(status)) {
        e.no_return = true;
      } else {
        e.finished = false;
      }
      emit(e);
    }
    bool leader = t.tid == t.tgid;
    if (!t.awaiting_exec) {
      ExitEvent e;
      e.pid = t.tgid;
      e.tid = tid;
      e.group_leader = leader;
      if (WIFSIGNALED(status)) {
        e.signaled = true;
        e.signal = WTERMSIG(status);
        e.core_dumped = WCOREDUMP(status);
      } else {
        e.code = WEXITSTATUS(status);
      }
      emit(e);
    }
    if (tid == root) {
      result.exited = true;
      result.signaled = WIFSIGNALED(status);
      result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
      result.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    remove_thread(tid);
  }

  void handle(pid_t tid, int status) {
    auto it = threads.find(tid);
    if (it == threads.end()) {
      if (WIFEXITED(status) || WIFSIGNALED(status)) return;
      // A new tracee whose creator's event has not arrived yet.
      pid_t tgid = tgid_of(tid);
      if (tgid == 0) tgid = tid;
      add_thread(tid, tgid, exe_for(tgid));
      if (placer) placer->on_new_thread(tid, 0);  // its creator's event will say more
      it = threads.find(tid);
    }
    ThreadState& t = it->second;
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      on_thread_gone(tid, status);
      return;
    }
    if (!WIFSTOPPED(status)) return;
    int sig = WSTOPSIG(status);
    int event = status >> 16;

    if (detaching) {
      int inject = (event == 0 && sig != (SIGTRAP | 0x80)) ? sig : 0;
      if (t.in_syscall) {
        t.pending.finished = false;
        t.pending.detached = true;
        emit(t.pending);
      }
      (void)ptrace_checked(PTRACE_DETACH, tid, 0, static_cast<std::uintptr_t>(inject));
      for (Sink* s : sinks) s->on_detached(tid);
      remove_thread(tid);
      return;
    }

    if (sig == (SIGTRAP | 0x80)) {
      on_syscall_stop(t);
      resume(t);
      return;
    }
    switch (event) {
      case PTRACE_EVENT_SECCOMP:
        on_seccomp_stop(t);
        resume(t);
        return;
      case PTRACE_EVENT_FORK:
      case PTRACE_EVENT_VFORK:
      case PTRACE_EVENT_CLONE:
        on_new_child(t, event);
        resume(t);
        return;
      case PTRACE_EVENT_EXEC:
        on_exec(t);
        resume(threads[tid]);
        return;
      case PTRACE_EVENT_EXIT:
        on_exit_event(t);
        resume(t);
        return;
      case PTRACE_EVENT_STOP:
        if (is_group_stop_signal(sig)) {
          on_group_stop(t, sig);
        } else {
          resume(t);  // first stop of a new tracee, or an interrupt
        }
        return;
      case 0:
        on_signal_stop(t, sig);
        return;
      default:
        resume(t);
        return;
    }
  }

  void begin_detach() {
    detaching = true;
    for (auto& [tid, t] : threads) (void)ptrace_checked(PTRACE_INTERRUPT, tid, 0, 0);
  }

  void kill_all() {
    killing = true;
    std::lock_guard lock(live_mutex);
    for (pid_t tgid : live_tgids) ::kill(tgid, SIGKILL);
  }

  void loop() {
    (void)stop.begin_loop();  // without it, a stop is seen at the next tracee stop
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    std::thread watchdog;
    if (options.timeout) {
      auto deadline = std::chrono::steady_clock::now() + *options.timeout;
      // `deadline` by value: this block ends long before the thread does.
      watchdog = std::thread([&, deadline] {
        std::unique_lock lk(m);
        if (cv.wait_until(lk, deadline, [&] { return done; })) return;
        timed_out = true;
        // Keep killing until the loop is over: a process forked just before
        // the first round is not yet in the set.
        while (!done) {
          {
            std::lock_guard lock(live_mutex);
            for (pid_t tgid : live_tgids) ::kill(tgid, SIGKILL);
          }
          cv.wait_for(lk, std::chrono::milliseconds(20), [&] { return done; });
        }
      });
    }

    while (!threads.empty()) {
      if (stop.requested() && !detaching && !killing) {
        stop.disarm();
        result.interrupted = true;
        result.interrupt_signal = stop.signal();
        if (attached) {
          begin_detach();
        } else {
          kill_all();
        }
      }
      // __WNOTHREAD: only this thread's children and tracees. Another
      // thread of the host may have children of its own, or run a trace
      // of its own; neither is ours to reap.
      int status = 0;
      pid_t tid = ::waitpid(-1, &status, __WALL | __WNOTHREAD);
      if (tid < 0) {
        if (errno == EINTR) continue;
        break;  // ECHILD: nothing left to wait for
      }
      if (threads.size() <= 1) {
        handle(tid, status);
        continue;
      }
      // Every tracee that is ready is served before any is served twice.
      // waitpid reports the first ready tracee it finds, always in the same
      // order: one that stops again as soon as it is resumed would be
      // served again and again while the others wait behind it.
      ready.clear();
      ready.emplace_back(tid, status);
      while ((tid = ::waitpid(-1, &status, __WALL | __WNOTHREAD | WNOHANG)) > 0)
        ready.emplace_back(tid, status);
      for (const auto& [t, st] : ready) handle(t, st);
    }

    if (watchdog.joinable()) {
      {
        std::lock_guard lk(m);
        done = true;
      }
      cv.notify_all();
      watchdog.join();
    }
    stop.end_loop();
    result.timed_out = timed_out;
    result.detached = detaching;
  }

  void finish() {
    for (Sink* s : sinks) s->on_finish(result);
  }
};

Tracer::Tracer(TraceOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Tracer::~Tracer() = default;

void Tracer::add_sink(Sink* sink) { impl_->sinks.push_back(sink); }

void Tracer::request_stop(int signal) { impl_->stop.request(signal); }

Result<TraceResult, TraceError> Tracer::run(const std::vector<std::string>& argv) {
  Impl& im = *impl_;
  im.begin_run();
  if (argv.empty()) return unexpected(TraceError{StartError::Other, "no command given"});
  Resolved prog = resolve_program(argv[0]);
  if (prog.path.empty()) {
    if (prog.error == EACCES)
      return unexpected(TraceError{StartError::NotExecutable,
                                   fmt::format("cannot run '{}': Permission denied", argv[0])});
    return unexpected(TraceError{StartError::NotFound,
                                 fmt::format("cannot run '{}': {}", argv[0],
                                             argv[0].find('/') == std::string::npos
                                                 ? "no such program in PATH"
                                                 : std::strerror(prog.error))});
  }

  // What the sinks need decides whether a filter can spare stops. The
  // tracer itself needs the target's execve and its result.
  Interest wanted = Interest::none();
  for (Sink* s : im.sinks) wanted.merge(s->interest());
  im.wanted_data = wanted;
  wanted.add(SYS_execve, Interest::Need::Result).add(SYS_execveat, Interest::Need::Result);
  // ...and what keeps the trace whole: a tracee that installs a seccomp
  // filter of its own (its processes then stop at every call), calls
  // ptrace, or creates a child with clone3 (CLONE_UNTRACED is cleared at
  // entry; an unannounced child is caught at exit).
  wanted.add(SYS_seccomp, Interest::Need::Result)
      .add(SYS_prctl, Interest::Need::Result)
      .add(SYS_ptrace, Interest::Need::Result);
  if (im.options.follow) wanted.add(SYS_clone3, Interest::Need::Result);
  // ...and, when the tree may be moved onto one CPU, what keeps each
  // thread's own CPU mask (detail::CpuPlacer): the calls that report or set
  // a mask and, when children are not traced, the calls that make them.
  if (im.options.cpu != CpuPlacement::None) {
    wanted.add(SYS_sched_getaffinity, Interest::Need::Result)
        .add(SYS_sched_setaffinity, Interest::Need::Result);
    if (!im.options.follow)
      for (long nr : {SYS_clone, SYS_clone3, SYS_fork, SYS_vfork}) wanted.add(nr, Interest::Need::Result);
  }
  detail::SeccompProgram program;
  im.filtered = false;
  if (im.options.seccomp && !wanted.is_all()) {
    auto built = detail::build_seccomp_program(wanted, im.options.follow);
    if (!built)
      return unexpected(TraceError{StartError::Other,
                                   fmt::format("cannot build the seccomp filter: {}", built.error())});
    program = std::move(*built);
    im.filtered = true;
  }
  detail::SeccompProgram strict;
  if (im.options.strict) {
    auto built = detail::build_strict_program(*im.options.strict);
    if (!built)
      return unexpected(TraceError{StartError::Other, built.error()});
    strict = std::move(*built);
  }
  im.placer.emplace(im.options.cpu, im.filtered, im.options.follow);
  struct EndPlacement {
    Impl& im;
    ~EndPlacement() { im.placer.reset(); }  // puts the tracer's own mask back
  } end_placement{im};

  // Everything the child needs is built before fork: after it, the child
  // only makes the calls it must.
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<char*> cenv;
  if (im.options.env) {
    for (const auto& e : *im.options.env) cenv.push_back(const_cast<char*>(e.c_str()));
    cenv.push_back(nullptr);
  }
  char** envp = im.options.env ? cenv.data() : environ;
  const char* cwd = im.options.cwd ? im.options.cwd->c_str() : nullptr;

  int errpipe[2];
  if (::pipe2(errpipe, O_CLOEXEC) != 0)
    return unexpected(TraceError{StartError::Other, fmt::format("pipe: {}", std::strerror(errno))});

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(errpipe[0]);
    ::close(errpipe[1]);
    return unexpected(TraceError{StartError::Other, fmt::format("fork: {}", std::strerror(errno))});
  }
  if (pid == 0) {
    ::close(errpipe[0]);
    // Should syspect die before it has seized us, do not linger stopped.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int stage = 0;
    if (cwd && ::chdir(cwd) != 0) {
      stage = 1;
    } else {
      if (im.options.before_exec) im.options.before_exec();
      ::kill(::getpid(), SIGSTOP);  // wait here to be seized
      // The filter goes in once seized (with PTRACE_O_TRACESECCOMP), so that
      // it cannot trap the stop above; the first call it sees is execve.
      for (const detail::SeccompProgram* p : {&strict, &program}) {
        if (p->code.empty()) continue;
        if (int err = detail::install_seccomp_program(*p); err != 0) {
          int report[2] = {3, err};
          (void)!::write(errpipe[1], report, sizeof report);
          ::_exit(127);
        }
      }
      ::execve(prog.path.c_str(), cargv.data(), envp);
      stage = 2;
    }
    int report[2] = {stage, errno};
    (void)!::write(errpipe[1], report, sizeof report);
    ::_exit(127);
  }
  ::close(errpipe[1]);

  auto child_failure = [&]() -> std::optional<TraceError> {
    int report[2] = {0, 0};
    if (::read(errpipe[0], report, sizeof report) != sizeof report) return std::nullopt;
    if (report[0] == 1)
      return TraceError{StartError::Other,
                        fmt::format("cannot change directory to '{}': {}", cwd,
                                    std::strerror(report[1]))};
    if (report[0] == 3)
      return TraceError{StartError::Other,
                        fmt::format("cannot install the seccomp filter: {}",
                                    std::strerror(report[1]))};
    return exec_failure(argv[0], report[1]);
  };

  int status = 0;
  if (detail::retry_eintr([&] { return ::waitpid(pid, &status, WUNTRACED); }) != pid ||
      !WIFSTOPPED(status)) {
    auto failure = child_failure();
    ::close(errpipe[0]);
    if (failure) return unexpected(*failure);
    return unexpected(TraceError{StartError::Other, "the child ended before it could be traced"});
  }
  if (ptrace_checked(PTRACE_SEIZE, pid, 0, im.ptrace_options()) != PtraceStatus::Ok) {
    int err = errno;
    std::string why = err == EPERM ? eperm_reason(pid) : fmt::format("ptrace: {}", std::strerror(err));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    ::close(errpipe[0]);
    return unexpected(TraceError{err == EPERM ? StartError::NotPermitted : StartError::Other,
                                 fmt::format("cannot trace '{}': {}", argv[0], why)});
  }
  im.root = pid;
  ThreadState& t = im.add_thread(pid, pid, nullptr);
  t.awaiting_exec = true;
  ::kill(pid, SIGCONT);

  im.loop();

  auto failure = child_failure();
  ::close(errpipe[0]);
  if (!im.result.started) {
    if (failure) return unexpected(*failure);
    if (im.exec_errno) return unexpected(exec_failure(argv[0], im.exec_errno));
    if (!im.result.timed_out && !im.result.interrupted)
      return unexpected(TraceError{StartError::Other, "the target ended before its execve"});
  }
  im.finish();
  return im.result;
}

Result<TraceResult, TraceError> Tracer::attach(pid_t pid) {
  Impl& im = *impl_;
  im.begin_run();
  im.attached = true;
  im.root = pid;
  for (Sink* s : im.sinks) im.wanted_data.merge(s->interest());
  if (::kill(pid, 0) != 0 && errno == ESRCH)
    return unexpected(TraceError{StartError::NotFound, fmt::format("no process {}", pid)});
  ExePath exe = exe_of(pid);
  // Seize every thread; repeat until a pass finds no new thread, since the
  // process may create threads while we attach.
  std::set<pid_t> seized;
  for (bool found = true; found;) {
    found = false;
    std::string dir = fmt::format("/proc/{}/task", pid);
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) break;
    while (dirent* ent = ::readdir(d)) {
      if (ent->d_name[0] == '.') continue;
      pid_t tid = static_cast<pid_t>(std::atol(ent->d_name));
      if (seized.count(tid)) continue;
      unsigned opts = im.ptrace_options() & ~static_cast<unsigned>(PTRACE_O_EXITKILL);
      if (ptrace_checked(PTRACE_SEIZE, tid, 0, opts) != PtraceStatus::Ok) {
        // Gone already; or a thread born since the first seize, which
        // TRACECLONE attached for us (seizing it again fails with EPERM).
        if (errno == ESRCH || (errno == EPERM && !seized.empty())) continue;
        int err = errno;
        ::closedir(d);
        for (pid_t s : seized) (void)ptrace_checked(PTRACE_DETACH, s, 0, 0);
        return unexpected(TraceError{
            err == EPERM ? StartError::NotPermitted : StartError::Other,
            fmt::format("cannot attach to {}: {}", tid,
                        err == EPERM ? eperm_reason(tid) : fmt::format("ptrace: {}", std::strerror(err)))});
      }
      (void)ptrace_checked(PTRACE_INTERRUPT, tid, 0, 0);
      seized.insert(tid);
      im.add_thread(tid, pid, exe);
      found = true;
    }
    ::closedir(d);
  }
  if (seized.empty())
    return unexpected(TraceError{StartError::NotFound, fmt::format("no process {}", pid)});
  im.result.started = true;
  const std::vector<pid_t> tids(seized.begin(), seized.end());
  for (Sink* s : im.sinks) s->on_attached(pid, tids);
  im.loop();
  im.finish();
  return im.result;
}

}  // namespace syspect
