#include "syspect/trace.hpp"

#include <algorithm>

namespace syspect {
namespace {

pid_t pid_of(const Event& e) {
  return std::visit([](const auto& ev) { return ev.pid; }, e);
}

}  // namespace

Trace::Trace(std::vector<std::string> command, const std::vector<Event>& events, TraceResult result)
    : command_(std::move(command)), result_(result) {
  for (const Event& e : events) events_.push_back(e);
  events_.shrink_to_fit();
}

std::vector<SyscallEvent> Trace::syscalls() const {
  std::vector<SyscallEvent> out;
  for (const Event& e : events_)
    if (const auto* s = std::get_if<SyscallEvent>(&e)) out.push_back(*s);
  return out;
}

std::vector<SyscallEvent> Trace::syscalls(std::string_view name) const {
  std::vector<SyscallEvent> out;
  for (const Event& e : events_)
    if (const auto* s = std::get_if<SyscallEvent>(&e); s && s->name() == name) out.push_back(*s);
  return out;
}

std::vector<pid_t> Trace::pids() const {
  std::vector<pid_t> out;
  for (const Event& e : events_) {
    pid_t p = pid_of(e);
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

Trace Trace::process(pid_t pid) const {
  Trace mine(command_);
  // How this process ended, not how the root did: its leader's exit, when
  // the trace saw one (an exit superseded by an execve is not its end).
  TraceResult r = result_;
  r.exited = r.signaled = false;
  r.exit_code = r.term_signal = 0;
  for (const Event& e : events_) {
    if (pid_of(e) != pid) continue;
    mine.append(e);
    const auto* x = std::get_if<ExitEvent>(&e);
    if (x != nullptr && x->group_leader && x->superseded_by == 0) {
      r.exited = true;
      r.signaled = x->signaled;
      r.exit_code = x->signaled ? 0 : x->code;
      r.term_signal = x->signaled ? x->signal : 0;
    }
  }
  mine.set_result(r);
  mine.shrink_to_fit();
  return mine;
}

}  // namespace syspect
