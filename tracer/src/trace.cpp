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
  mine.set_result(result_);
  for (const Event& e : events_)
    if (pid_of(e) == pid) mine.append(e);
  mine.shrink_to_fit();
  return mine;
}

}  // namespace syspect
