// What each fd argument referred to when its call was made, read for
// FdPath() whether or not the test asked for fd paths to be shown.
#pragma once

#include <sys/types.h>

#include <array>
#include <string>
#include <unordered_map>

#include "syspect/tracer.hpp"

namespace syspect::detail {

// Reads /proc/TID/fd/N for every fd argument at the call's entry (once the
// call has run, a close or a dup2 has changed it) and hands each call on to
// `next` with ArgValue::fd_file set; every other event is handed on as is.
class FdFileSink : public Sink {
 public:
  explicit FdFileSink(Sink& next) : next_(next) {}
  Interest interest() const override { return next_.interest(); }
  Verdict on_entry(const SyscallEvent& entry) override;
  void on_syscall(const SyscallEvent& e) override;
  void on_signal(const SignalEvent& e) override { next_.on_signal(e); }
  void on_exec(const ExecEvent& e) override { next_.on_exec(e); }
  void on_exit(const ExitEvent& e) override {
    at_entry_.erase(e.tid);
    next_.on_exit(e);
  }
  void on_attached(pid_t pid, const std::vector<pid_t>& tids) override { next_.on_attached(pid, tids); }
  void on_detached(pid_t tid) override { next_.on_detached(tid); }
  void on_finish(const TraceResult& r) override { next_.on_finish(r); }

 private:
  Sink& next_;
  // Per thread, the files read at the entry of its call in progress.
  std::unordered_map<pid_t, std::array<std::string, 6>> at_entry_;
};

}  // namespace syspect::detail
