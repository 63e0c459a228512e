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
#include "memory.hpp"
#include "process_events.hpp"
#include "ptrace.hpp"
#include "seccomp_filter.hpp"
#include "session.hpp"
#include "stop_kind.hpp"
#include "syscall_stops.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

using detail::PtraceStatus;
using detail::ptrace_checked;
using detail::status_field;
using detail::tgid_of;
using detail::ThreadState;
using detail::exe_of;

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

}  // namespace

struct Tracer::Impl : detail::Session {
  detail::SyscallStops syscalls{*this};
  detail::Holds holds;
  detail::ProcessEvents process_events{*this};

  explicit Impl(TraceOptions o) : Session(std::move(o)) {}

  // ---- the loop ----

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
    detail::Stop stop_kind = detail::classify(status);
    using Kind = detail::Stop::Kind;
    if (stop_kind.kind == Kind::Exited) {
      process_events.on_thread_gone(tid, status);
      return;
    }
    if (stop_kind.kind == Kind::NotAStop) return;
    if (detaching) {
      // A signal about to be delivered goes with the detach.
      int inject = stop_kind.kind == Kind::Signal ? stop_kind.signal : 0;
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
    switch (stop_kind.kind) {
      case Kind::SyscallStop:
        syscalls.on_syscall_stop(t);
        resume_or_hold(t);
        return;
      case Kind::Seccomp:
        syscalls.on_seccomp_stop(t);
        resume_or_hold(t);
        return;
      case Kind::NewChild:
        process_events.on_new_child(t, stop_kind.event);
        resume(t);
        return;
      case Kind::Exec:
        process_events.on_exec(t);
        resume(threads[tid]);
        return;
      case Kind::ExitEvent:
        syscalls.on_exit_event(t);
        resume(t);
        return;
      case Kind::GroupStop:
        process_events.on_group_stop(t, stop_kind.signal);
        return;
      case Kind::Signal:
        process_events.on_signal_stop(t, stop_kind.signal);
        return;
      case Kind::Interrupt:  // first stop of a new tracee, or an interrupt
      case Kind::OtherEvent:
      case Kind::Exited:
      case Kind::NotAStop:
        resume(t);
        return;
    }
  }

  // An injected delay keeps the thread stopped until its time; the loop
  // resumes it then (release_held), serving the other tracees meanwhile.
  void resume_or_hold(ThreadState& t) {
    if (t.hold_until && !holds.hold(t.tid, *t.hold_until)) {
      std::this_thread::sleep_until(*t.hold_until);  // no wake-up: wait here
      t.hold_until.reset();
    }
    if (!t.hold_until) resume(t);
  }

  void release_held() {
    for (pid_t tid : holds.due(detaching || killing)) {
      auto it = threads.find(tid);
      if (it == threads.end()) continue;  // died (killed) while held
      it->second.hold_until.reset();
      resume(it->second);
    }
  }

  void begin_detach() {
    detaching = true;
    for (auto& [tid, t] : threads) (void)ptrace_checked(PTRACE_INTERRUPT, tid, 0, 0);
  }

  void loop() {
    // Without it, a stop is seen at the next tracee stop, and a delay is
    // waited for in place.
    holds.begin(stop.begin_loop() ? detail::StopRequest::wake_signal() : 0);
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
      release_held();
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
    holds.end();
    result.timed_out = timed_out;
    result.detached = detaching;
  }

  void finish() {
    result.injection_counts = injector.counts();
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
  // The calls an injection selects stop at their entry (see inject.hpp).
  auto injector = detail::Injector::make(im.options.injections);
  if (!injector) return unexpected(TraceError{StartError::Other, injector.error()});
  im.injector = std::move(*injector);
  wanted.merge(im.injector.interest());
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
  // ...and, with stacks on, what changes a process's executable mappings
  // (the unwinder reads its modules again after them).
  if (im.options.stacks)
    for (long nr : {SYS_mmap, SYS_mprotect, SYS_pkey_mprotect, SYS_munmap, SYS_mremap})
      wanted.add(nr, Interest::Need::Result);
  detail::SeccompProgram program;
  im.filtered = false;
  // The filter is inherited by every process the tree creates, and a call
  // it sends to a tracer that is not there fails with ENOSYS
  // (SECCOMP_RET_TRACE without a tracer): when children are not traced
  // (--no-follow), as with strace without -f, there is no filter.
  if (im.options.seccomp && im.options.follow && !wanted.is_all()) {
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
  auto injector = detail::Injector::make(im.options.injections);
  if (!injector) return unexpected(TraceError{StartError::Other, injector.error()});
  im.injector = std::move(*injector);
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
