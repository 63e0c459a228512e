#pragma once
// The tracer: spawn or attach, run the ptrace loop, hand events to sinks.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "syspect/event.hpp"
#include "syspect/result.hpp"

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

// Receives events as they happen. Every method has a do-nothing default.
class Sink {
 public:
  virtual ~Sink() = default;
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
  // Once, after the last tracee is gone (or detached).
  virtual void on_finish(const TraceResult&) {}
};

struct TraceOptions {
  bool follow = true;  // threads, fork, vfork, clone, clone3
  // Strings are read whole up to this many bytes (PATH_MAX) for matching.
  std::size_t max_string = 4096;
  // Buffers (read/write data) are kept up to this many bytes.
  std::size_t max_buffer = 4096;
  // argv items kept.
  std::size_t max_argv = 4096;
  std::optional<std::chrono::milliseconds> timeout;
  // Set the environment of the spawned command (else inherit).
  std::optional<std::vector<std::string>> env;
  std::optional<std::string> cwd;
  // Called in the child just before exec, after the tracer seized it.
  std::function<void()> before_exec;
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
  Result<TraceResult, TraceError> run(const std::vector<std::string>& argv);

  // Attach to every thread of `pid` (and, when following, its future
  // children) until it exits or a stop is requested.
  Result<TraceResult, TraceError> attach(pid_t pid);

  // Ask the loop to stop at the next opportunity: attached tracees are
  // detached and keep running; spawned ones are killed. Safe to call from
  // a signal handler.
  static void request_stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace syspect
