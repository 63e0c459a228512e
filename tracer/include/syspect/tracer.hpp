#pragma once
// The tracer: spawn or attach, run the ptrace loop, hand events to sinks.

#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "syspect/event.hpp"
#include "syspect/format.hpp"
#include "syspect/inject.hpp"
#include "syspect/result.hpp"
#include "syspect/xlat.hpp"

namespace syspect {

// What to do with a syscall about to run, decided from its decoded entry.
struct Verdict {
  enum class Action : std::uint8_t {
    Allow,  // let it run
    Fail,   // skip it; the caller sees -1 and `err`
    Kill,   // kill the whole traced tree before it runs
  };
  Action action = Action::Allow;
  int err = 0;

  static Verdict allow() { return {}; }
  static Verdict fail(int err) { return {Action::Fail, err}; }
  static Verdict kill() { return {Action::Kill, 0}; }
};

// Which syscalls a sink needs to see, told to the tracer before the target
// starts. The tracer unions its sinks' interests and turns the union into a
// seccomp-bpf filter: the calls nobody needs run without stopping the tracee.
//
// It is a lower bound: a sink may still be called for calls it did not ask
// for (another sink wanted them, or the tracer stopped there for its own
// reasons). Only x86_64 numbers are named here; calls made through the i386
// and x32 ABIs, and all process events (fork, exec, signals, exits), always
// reach the sinks as they do without a filter.
class Interest {
 public:
  enum class Need : std::uint8_t {
    None,    // the call may run unseen
    Entry,   // on_entry (the verdict) only; on_syscall may be skipped
    Result,  // on_entry and on_syscall with the result and outputs
  };
  static constexpr std::size_t kNumbers = 1024;

  // Everything with results: what a sink that does not say gets.
  static Interest all() { return Interest(Need::Result); }
  // Nothing: process events only.
  static Interest none() { return Interest(Need::None); }

  // Ask for x86_64 syscall `nr` (never lowers what was asked before).
  Interest& add(long nr, Need need);
  // Ask for what `other` asks for too.
  Interest& merge(const Interest& other);

  Need need(long nr) const {
    return nr >= 0 && static_cast<std::size_t>(nr) < kNumbers ? needs_[static_cast<std::size_t>(nr)]
                                                             : beyond_;
  }
  // Numbers at or above kNumbers (unknown calls).
  Need beyond() const { return beyond_; }
  // Every call with its result: no filter can help.
  bool is_all() const;

  // Ask for the whole of the strings and buffers of a syscall (its paths,
  // its read/write data, argv and envp and their items), not only the first
  // TraceOptions::max_string / max_buffer bytes: for a sink that judges
  // them. `abi` x86_64 names one number; any other ABI stands for every
  // call made through it. They are read up to TraceOptions::max_whole_data;
  // what is still cut carries ArgValue::truncated.
  Interest& add_whole_data(Abi abi, long nr);
  bool whole_data(Abi abi, long nr) const {
    if (abi != Abi::x86_64) return whole_other_abis_;
    return nr >= 0 && static_cast<std::size_t>(nr) < kNumbers && whole_[static_cast<std::size_t>(nr)];
  }

  // Ask for the pointer arguments a sink judges (paths, strings, buffers,
  // argv, structs the call reads) to be read again at the call's exit:
  // those whose memory changed while the call ran (another thread rewrote
  // them after syspect read them) are marked in SyscallEvent::changed_args,
  // since what the kernel used may not be what was judged. `abi` as in
  // add_whole_data().
  Interest& add_recheck(Abi abi, long nr);
  bool recheck(Abi abi, long nr) const {
    if (abi != Abi::x86_64) return recheck_other_abis_;
    return nr >= 0 && static_cast<std::size_t>(nr) < kNumbers && recheck_[static_cast<std::size_t>(nr)];
  }

 private:
  explicit Interest(Need n) : beyond_(n) { needs_.fill(n); }
  std::array<Need, kNumbers> needs_{};
  Need beyond_ = Need::Result;
  std::array<bool, kNumbers> whole_{};
  bool whole_other_abis_ = false;
  std::array<bool, kNumbers> recheck_{};
  bool recheck_other_abis_ = false;
};

// Receives events as they happen. Every method has a do-nothing default.
class Sink {
 public:
  virtual ~Sink() = default;
  // Asked once before the target starts; see Interest.
  virtual Interest interest() const { return Interest::all(); }
  // At syscall entry, before the call runs: `entry` has its inputs decoded
  // and no result. The first sink that does not allow decides.
  virtual Verdict on_entry(const SyscallEvent& entry) {
    (void)entry;
    return Verdict::allow();
  }
  virtual void on_syscall(const SyscallEvent&) {}
  virtual void on_signal(const SignalEvent&) {}
  virtual void on_exec(const ExecEvent&) {}
  virtual void on_exit(const ExitEvent&) {}
  // Attach mode: once all the threads of `pid` (`tids`) are seized, before
  // any event of theirs; and as the tracer lets go of each thread when asked
  // to stop.
  virtual void on_attached(pid_t pid, const std::vector<pid_t>& tids) {
    (void)pid;
    (void)tids;
  }
  virtual void on_detached(pid_t tid) { (void)tid; }
  // Once, after the last tracee is gone (or detached).
  virtual void on_finish(const TraceResult&) {}
};

// Where the tracer and the traced tree run. A ptrace stop is a round trip
// between the tracee and the tracer: on one CPU it is a context switch, across
// two CPUs a wake-up of an idle CPU each way, many times dearer.
enum class CpuPlacement : std::uint8_t {
  Auto,  // Same when every syscall stops (no filter can help), else None
  None,  // no pinning: the scheduler decides
  Same,  // the tracer and the whole traced tree share one CPU (a
         // multi-threaded target then runs its threads one at a time)
};

struct TraceOptions {
  bool follow = true;  // threads, fork, vfork, clone, clone3
  // Strings (and each argv item) are read up to this many bytes (PATH_MAX),
  // buffers (read/write data) up to max_buffer, and argv up to max_argv
  // items; a value cut there carries ArgValue::truncated, and what judges it
  // (an expectation rule, a gtest matcher) says it cannot be judged rather
  // than judge the part that was read. An in-memory Trace keeps this much.
  std::size_t max_string = 4096;
  std::size_t max_buffer = 4096;
  std::size_t max_argv = 4096;
  // For the calls a sink asks whole data of (Interest::add_whole_data):
  // strings, buffers and argv are read up to this many bytes (and items).
  std::size_t max_whole_data = std::size_t{16} << 20;
  // strace -s: the data inside decoded structs (an iovec's iov_base) is
  // shown up to this many bytes, and an iovec array up to this many items.
  // (Plain strings and buffers are kept whole and cut when formatted.)
  std::size_t struct_string_limit = 32;
  // strace -y: read what each fd argument and fd result refers to
  // (ArgValue::fd_path, SyscallEvent::fd_path); one readlink per fd.
  bool decode_fds = false;
  // strace -X: how constants inside decoded structs are rendered.
  XlatStyle xlat_style = XlatStyle::Abbrev;
  // strace -x, -xx: how strings inside decoded structs are escaped.
  HexStrings hex_strings = HexStrings::None;
  // strace -v, -e abbrev=SET: the calls whose structs are rendered
  // abbreviated ("{st_mode=S_IFREG|0644, st_size=5, ...}"); null: all.
  std::function<bool(const SyscallEvent&)> abbreviate;
  // strace -e verbose=SET: the calls whose structs are decoded (the others
  // show their addresses); null: all.
  std::function<bool(const SyscallEvent&)> dereference;
  std::optional<std::chrono::milliseconds> timeout;
  // Set the environment of the spawned command (else inherit).
  std::optional<std::vector<std::string>> env;
  std::optional<std::string> cwd;
  // Called in the child just before exec, after the tracer seized it.
  std::function<void()> before_exec;
  // Let a seccomp-bpf filter run the calls no sink needs without a stop.
  // Off: stop at every syscall's entry and exit, whatever the sinks need
  // (what is observed is the same; only the cost differs).
  bool seccomp = true;
  // Where the tracer and the traced tree run.
  CpuPlacement cpu = CpuPlacement::Auto;
  // At the exit of a successful open/openat/openat2/creat, check that the
  // descriptor refers to the file the decoded path names (another thread may
  // have changed the path between the decode and the kernel's own read);
  // when it does not, SyscallEvent::opened_path says what was opened.
  bool check_opened_paths = true;
  // The --strict backstop: a second seccomp filter, installed before exec,
  // that kills the process at any call made through the i386 ABI or with
  // the x32 bit, except the numbers listed here. It does not depend on
  // ptrace: whatever the tracer could miss fails closed.
  struct Strict {
    std::vector<long> allow_i386;  // i386 numbers
    std::vector<long> allow_x32;   // x32 numbers, with the 0x40000000 bit
  };
  std::optional<Strict> strict;
  // Faults to inject (strace's -e inject=; see inject.hpp), in the order
  // they apply: the first whose `when` fires on a call acts on it.
  std::vector<Injection> injections;
  // strace -k: unwind the user-space stack of each call a sink is
  // interested in (its Interest need is not None) at the call's entry, into
  // SyscallEvent::stack (elfutils libdw; symbols and source lines are
  // cached per process until its executable mappings change).
  bool stacks = false;
  // With stacks: find each frame's source file and line (StackFrame::file,
  // line) where debug info exists. Indexing a large debug file (libc's)
  // takes most of a second, once per run; strace -k's lines do not need it.
  bool stack_lines = true;
};

// What failed before any tracing could happen.
enum class StartError {
  NotFound,       // the program does not exist
  NotExecutable,  // it exists but may not be executed
  NotPermitted,   // ptrace refused (EPERM)
  Other,
};

struct TraceError {
  StartError kind = StartError::Other;
  std::string message;  // one line a person can act on
};

class Tracer {
 public:
  explicit Tracer(TraceOptions options = {});
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  void add_sink(Sink* sink);  // not owned; called in the order added

  // Run `argv` (argv[0] looked up in PATH) under the tracer until the last
  // tracee is gone.
  //
  // run() and attach() wait only for the calling thread's children and
  // tracees (waitpid with __WNOTHREAD): call them from a thread that has
  // not started children of its own, and other threads' children, or
  // other Tracers running on other threads, are left alone. The tracer
  // is that thread: /proc's TracerPid shows its tid.
  Result<TraceResult, TraceError> run(const std::vector<std::string>& argv);

  // Attach to every thread of `pid` (and, when following, its future
  // children) until it exits or a stop is requested.
  Result<TraceResult, TraceError> attach(pid_t pid);

  // Ask this Tracer's run() or attach() to stop at the next opportunity:
  // attached tracees are detached and keep running; spawned ones are
  // killed. The result says interrupted (with `signal`, the signal that
  // asked, when non-zero). Other Tracers are not affected. Safe to call
  // from any thread and from a signal handler. A request made while no run
  // is under way is forgotten when the next one starts.
  //
  // While it waits for its tracees, the thread running the loop has
  // SIGRTMAX-1 unblocked, and the tracer wakes it with that signal (sent
  // to that thread only, with a handler that does nothing, installed where
  // the signal still has its default action).
  void request_stop(int signal = 0);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace syspect
