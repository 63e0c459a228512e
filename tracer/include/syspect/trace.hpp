#pragma once
// A whole trace as a value: every event in order, and how the program ended.
// What syspect::trace() returns, and what a recorded JSON Lines trace loads
// back into.

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

  int exit_code() const { return result_.exit_code; }
  bool signaled() const { return result_.signaled; }
  int term_signal() const { return result_.term_signal; }
  int status() const { return result_.status(); }

  // Every syscall event, in order; or only those named `name`.
  std::vector<SyscallEvent> syscalls() const;
  std::vector<SyscallEvent> syscalls(std::string_view name) const;

  // Thread group ids in order of first appearance.
  std::vector<pid_t> pids() const;
  // The events of one process (thread group), in order.
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
