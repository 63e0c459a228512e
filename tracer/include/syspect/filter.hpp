#pragma once
// Which syscalls to show: strace's `-e trace=SET`.

#include <bitset>
#include <string>
#include <string_view>

#include "syspect/event.hpp"
#include "syspect/result.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

class SyscallFilter {
 public:
  // Everything.
  SyscallFilter() = default;

  // "openat,close", "!write", "@file,read", "%net", "all", "none". A set
  // that starts with '!' selects everything but what it names.
  static Result<SyscallFilter, std::string> parse(std::string_view set);

  bool matches(const SyscallEvent& e) const;
  bool selects_all() const { return all_; }
  // The x86_64 calls it selects, with their results (what `matches` needs
  // to see; i386 and x32 calls always reach it).
  Interest interest() const;

 private:
  bool all_ = true;
  bool negate_ = false;
  std::uint32_t classes_ = 0;
  std::bitset<1024> x86_64_;
  std::bitset<1024> i386_;
};

// Passes on the syscall events a filter selects, and every process event.
class FilteringSink : public Sink {
 public:
  FilteringSink(SyscallFilter filter, Sink* next) : filter_(std::move(filter)), next_(next) {}
  // Only what the filter selects: the other calls may run without a stop.
  Interest interest() const override { return filter_.interest(); }
  void on_syscall(const SyscallEvent& e) override {
    if (filter_.matches(e)) next_->on_syscall(e);
  }
  void on_signal(const SignalEvent& e) override { next_->on_signal(e); }
  void on_exec(const ExecEvent& e) override { next_->on_exec(e); }
  void on_exit(const ExitEvent& e) override { next_->on_exit(e); }
  void on_finish(const TraceResult& r) override { next_->on_finish(r); }

 private:
  SyscallFilter filter_;
  Sink* next_;
};

}  // namespace syspect
