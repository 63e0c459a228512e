#pragma once
// One run() or attach(): what it learns (threads, processes, the result)
// and the mechanics every part of the tracer shares (adding and removing
// tasks, emitting events to the sinks, resuming a thread). A Tracer makes a
// new run state for each run, so nothing of one run leaks into the next.
//
// The parts that act on stops hold a Session&: SyscallStops (a call's
// entry, verdict and exit), Guards (what keeps a tracee from leaving or
// hiding from the trace), ProcessEvents (children, execs, signals, exits);
// Tracer::Impl (tracer.cpp) owns the wait loop and dispatches each stop,
// classified by classify() (stop_kind.hpp).

#include <sys/types.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cpu_placement.hpp"
#include "decode.hpp"
#include "inject.hpp"
#include "kernel_view.hpp"
#include "restart_errno.hpp"
#include "stop_request.hpp"
#include "syspect/tracer.hpp"
#include "unwind.hpp"

namespace syspect::detail {

inline constexpr long kX32Bit = 0x40000000;

// The target of a symlink (/proc/PID/exe, /proc/PID/fd/N); empty if none.
std::string read_link(const std::string& path);
// The executable of process `pid` now.
ExePath exe_of(pid_t pid);
// A number field ("Tgid:", "TracerPid:") of /proc/TID/status; 0 when the
// thread is gone.
pid_t status_field(pid_t tid, std::string_view key);
// The thread group a thread belongs to, from /proc; 0 when it is gone.
pid_t tgid_of(pid_t tid);

// The legacy vsyscall page (VSYSCALL_ADDR): time, gettimeofday and getcpu
// called there are emulated by the kernel.
inline bool is_vsyscall_page(std::uint64_t ip) {
  return (ip & ~std::uint64_t{0xfff}) == 0xffffffffff600000ull;
}

// The clocks events are stamped with: CLOCK_REALTIME for when (strace's
// -t/-tt/-ttt/-r), CLOCK_MONOTONIC for how long (-T), both in ns.
inline std::int64_t clock_ns(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
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
  std::int64_t entry_mono_ns = 0;  // CLOCK_MONOTONIC at the pending call's entry stop
  // The names the pending call creates or removes, as found at its entry
  // (only for calls whose inputs are read again at exit).
  detail::NamesAtEntry names_at_entry;
  // An injection acts on the pending call (the event's `injected` says
  // what): the result to write at the exit stop when it skips the call.
  std::optional<std::int64_t> inject_retval;
  std::chrono::microseconds inject_delay_exit{0};
  // A delay holds the thread at this stop until then (see Holds).
  std::optional<std::chrono::steady_clock::time_point> hold_until;
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
  // thread; it needs only the set of tgids, guarded by Session::live_mutex.
  std::set<pid_t> live_tgids;
  // The stops one round of the loop collected, in the order reported.
  std::vector<std::pair<pid_t, int>> ready;
  // TraceOptions::injections, with their counts for this run.
  detail::Injector injector;
  // With stacks on: each process's modules and symbols (unwind.hpp).
  std::unique_ptr<detail::Unwinder> unwinder;
};

struct Session : RunState {
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

  explicit Session(TraceOptions o) : options(std::move(o)) {
    limits.max_string = options.max_string;
    limits.max_buffer = options.max_buffer;
    limits.max_argv = options.max_argv;
    limits.struct_string = options.struct_string_limit;
    limits.fd_paths = options.decode_fds;
    limits.xlat_style = options.xlat_style;
    limits.hex_strings = options.hex_strings;
    whole_limits = limits;
    whole_limits.max_string = std::max(options.max_string, options.max_whole_data);
    whole_limits.max_buffer = std::max(options.max_buffer, options.max_whole_data);
    whole_limits.max_argv = std::max(options.max_argv, options.max_whole_data);
  }

  // The limits for call `e` (its desc and args set): whole data for the
  // calls a sink judges; abbreviated or not (TraceOptions::abbreviate).
  detail::DecodeLimits limits_for(const SyscallEvent& e) const;

  // A run starts from nothing.
  void begin_run();

  unsigned ptrace_options() const;

  // ---- bookkeeping ----

  ThreadState& add_thread(pid_t tid, pid_t tgid, ExePath exe);

  void remove_thread(pid_t tid);

  ExePath exe_for(pid_t tgid);

  // ---- emitting ----

  void emit(SyscallEvent& e);
  void emit(SignalEvent& e);
  void emit(ExecEvent& e);
  void emit(ExitEvent& e);

  // ---- resuming ----

  bool full_stop(const ThreadState& t) const;

  void resume(const ThreadState& t, int sig = 0);

  bool traced(pid_t tid) const { return threads.count(tid) != 0; }

  // Auto placement under a filter: see CpuPlacer::count_filter_stop.
  void count_filter_stop();

  void kill_all();
};

}  // namespace syspect::detail
