#include "session.hpp"

#include <sys/ptrace.h>
#include <unistd.h>

#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "ptrace.hpp"

namespace syspect::detail {

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

detail::DecodeLimits Session::limits_for(const SyscallEvent& e) const {
  detail::DecodeLimits l =
      e.desc == nullptr || !wanted_data.whole_data(e.abi, e.desc->nr) ? limits : whole_limits;
  if (options.abbreviate) l.abbrev = options.abbreviate(e);
  if (options.dereference) l.dereference = options.dereference(e);
  return l;
}

void Session::begin_run() {
  {
    std::lock_guard lock(live_mutex);
    static_cast<RunState&>(*this) = RunState{};
  }
  timed_out = false;
  stop.reset();
  if (options.stacks) unwinder = std::make_unique<detail::Unwinder>(options.stack_lines);
}

unsigned Session::ptrace_options() const {
  unsigned o = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
  if (filtered) o |= PTRACE_O_TRACESECCOMP;
  if (options.strict) o |= PTRACE_O_TRACEEXIT;  // see on_exit_event
  if (options.follow) o |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
  return o;
}

ThreadState& Session::add_thread(pid_t tid, pid_t tgid, ExePath exe) {
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

void Session::remove_thread(pid_t tid) {
  auto it = threads.find(tid);
  if (it == threads.end()) return;
  pid_t tgid = it->second.tgid;
  threads.erase(it);
  if (placer) placer->on_thread_gone(tid);
  auto p = processes.find(tgid);
  if (p != processes.end() && --p->second.threads <= 0) {
    processes.erase(p);
    if (unwinder) unwinder->forget(tgid);
    std::lock_guard lock(live_mutex);
    live_tgids.erase(tgid);
  }
}

ExePath Session::exe_for(pid_t tgid) {
  auto p = processes.find(tgid);
  return p == processes.end() ? nullptr : p->second.exe;
}

void Session::emit(SyscallEvent& e) {
  e.seq = seq++;
  e.exe = exe_for(e.pid);
  for (Sink* s : sinks) s->on_syscall(e);
}

void Session::emit(SignalEvent& e) {
  e.seq = seq++;
  if (e.time_ns == 0) e.time_ns = clock_ns(CLOCK_REALTIME);
  e.exe = exe_for(e.pid);
  for (Sink* s : sinks) s->on_signal(e);
}

void Session::emit(ExecEvent& e) {
  e.seq = seq++;
  for (Sink* s : sinks) s->on_exec(e);
}

void Session::emit(ExitEvent& e) {
  e.seq = seq++;
  if (e.time_ns == 0) e.time_ns = clock_ns(CLOCK_REALTIME);
  e.exe = exe_for(e.pid);
  for (Sink* s : sinks) s->on_exit(e);
}

bool Session::full_stop(const ThreadState& t) const {
  if (!any_full_stop) return false;
  auto p = processes.find(t.tgid);
  return p != processes.end() && p->second.full_stop;
}

void Session::resume(const ThreadState& t, int sig) {
  // Under a filter, a thread stops at syscalls only where the filter says,
  // except for the exit of a call it is watching.
  int request = !filtered || t.in_syscall || full_stop(t) ? PTRACE_SYSCALL : PTRACE_CONT;
  // Gone: the thread died; waitpid will say so.
  (void)ptrace_checked(request, t.tid, 0, static_cast<std::uintptr_t>(sig));
}

void Session::count_filter_stop() {
  if (!placer || !placer->count_filter_stop()) return;
  for (const auto& [tid, t] : threads) placer->place(tid);
}

void Session::kill_all() {
  killing = true;
  std::lock_guard lock(live_mutex);
  for (pid_t tgid : live_tgids) ::kill(tgid, SIGKILL);
}

}  // namespace syspect::detail
