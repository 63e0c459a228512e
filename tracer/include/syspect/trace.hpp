#pragma once
// A whole trace as a value: every event in order, and how the program ended.
// What syspect::trace() returns, and what a recorded JSON Lines trace loads
// back into.

#include <string>
#include <string_view>
#include <vector>

#include "syspect/event.hpp"
#include "syspect/sinks.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

class Trace {
 public:
  Trace() = default;
  Trace(std::vector<std::string> command, std::vector<Event> events, TraceResult result)
      : command_(std::move(command)), events_(std::move(events)), result_(result) {}

  const std::vector<std::string>& command() const { return command_; }
  const std::vector<Event>& events() const { return events_; }
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

 private:
  std::vector<std::string> command_;
  std::vector<Event> events_;
  TraceResult result_;
};

}  // namespace syspect
