#pragma once
// A whole trace as a value: every event in order, and how the program ended.
// What syspect::trace() returns, and what a recorded JSON Lines trace loads
// back into.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "syspect/event.hpp"
#include "syspect/event_store.hpp"
#include "syspect/sinks.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

class Trace {
 public:
  Trace() = default;
  Trace(std::vector<std::string> command, const std::vector<Event>& events, TraceResult result);
  // An empty trace of `command`, for append().
  explicit Trace(std::vector<std::string> command) : command_(std::move(command)) {}

  const std::vector<std::string>& command() const { return command_; }
  // Every event in order. Events are kept encoded (see EventStore) and
  // decoded when read: iterating gives each event by value.
  const EventStore& events() const { return events_; }
  const TraceResult& result() const { return result_; }

  // How the run ended. A run that did not end on its own (the timeout
  // fired, the trace was stopped or detached, the program never started)
  // has no exit code and no status: a crash or a cut-short run can never
  // compare equal to a clean exit.
  //
  // The root process's exit status, when the run ended on its own and the
  // root exited; empty when a signal killed it.
  std::optional<int> exit_code() const {
    if (!finished() || result_.signaled) return std::nullopt;
    return result_.exit_code;
  }
  // The signal that killed the root process, when the run ended on its own
  // and one did; empty when it exited.
  std::optional<int> term_signal() const {
    if (!finished() || !result_.signaled) return std::nullopt;
    return result_.term_signal;
  }
  bool signaled() const { return term_signal().has_value(); }
  // As a shell reports it: the exit status, or 128 + the signal.
  std::optional<int> status() const {
    if (!finished()) return std::nullopt;
    return result_.status();
  }
  // The run ended on its own (see TraceResult::finished()).
  bool finished() const { return result_.finished(); }
  bool timed_out() const { return result_.timed_out; }
  // Tracer::request_stop() ended the trace (see TraceResult::interrupted).
  bool interrupted() const { return result_.interrupted; }

  // Every syscall event, in order; or only those named `name`.
  std::vector<SyscallEvent> syscalls() const;
  std::vector<SyscallEvent> syscalls(std::string_view name) const;

  // Thread group ids in order of first appearance.
  std::vector<pid_t> pids() const;
  // The events of one process (thread group), in order; its exit_code()
  // and term_signal() are that process's own.
  Trace process(pid_t pid) const;

  // Building a trace event by event.
  void append(const Event& e) { events_.push_back(e); }
  void set_result(const TraceResult& r) { result_ = r; }
  // Gives back spare capacity once the trace is complete.
  void shrink_to_fit() { events_.shrink_to_fit(); }
  // The memory the events take.
  std::size_t bytes_used() const { return events_.bytes_used(); }

 private:
  std::vector<std::string> command_;
  EventStore events_;
  TraceResult result_;
};

// A sink that builds a Trace as the events arrive.
class TraceSink : public Sink {
 public:
  explicit TraceSink(std::vector<std::string> command) : trace(std::move(command)) {}
  void on_syscall(const SyscallEvent& e) override { trace.append(e); }
  void on_signal(const SignalEvent& e) override { trace.append(e); }
  void on_exec(const ExecEvent& e) override { trace.append(e); }
  void on_exit(const ExitEvent& e) override { trace.append(e); }
  void on_finish(const TraceResult& r) override {
    trace.set_result(r);
    trace.shrink_to_fit();
  }
  Trace trace;
};

}  // namespace syspect
