#pragma once
// CPU placement: where the tracer and the traced tree run, and what the
// tree is told about it.
//
// A ptrace stop is a round trip between the tracee and the tracer; on one
// CPU it is a context switch, across two CPUs a wake-up of an idle CPU each
// way, many times dearer. So the tracer may pin itself and the traced tree
// to one CPU (TraceOptions::cpu). The tree must not see that: every thread
// has the CPU mask it would have untraced (its "own" mask: the tracer's
// mask before pinning, inherited from creator to child, changed only by the
// program's own sched_setaffinity), and wherever a syscall reports a mask
// (sched_getaffinity) the tracer writes the thread's own mask into the
// result before anyone decodes it. A program that sets its own mask gets
// it: the thread runs where it asked, and stays on the shared CPU only when
// that CPU is among the ones it asked for.

#include <sched.h>
#include <sys/types.h>

#include <cstdint>
#include <unordered_map>

#include "syspect/event.hpp"
#include "syspect/tracer.hpp"

namespace syspect::detail {

class CpuPlacer {
 public:
  // Pins the calling thread (the tracer, and so the tree it forks from now
  // on) when `placement` asks for it from the start: Same, or Auto when
  // every syscall stops (`filtered` false). `follow`: the tree's threads
  // and children are traced (else only the first thread is, and only it is
  // ever pinned: see on_entry).
  CpuPlacer(CpuPlacement placement, bool filtered, bool follow);
  // Puts the tracer's own mask back.
  ~CpuPlacer();
  CpuPlacer(const CpuPlacer&) = delete;
  CpuPlacer& operator=(const CpuPlacer&) = delete;

  // Auto under a filter: the tree runs where the scheduler puts it until it
  // has stopped kPinAfterStops times; a tree that stops that often is then
  // moved, with the tracer, onto the tracer's CPU. True when it has just
  // moved: the caller then place()s every traced thread.
  bool count_filter_stop() {
    if (!auto_later_ || pinned_cpu_ >= 0 || ++filter_stops_ < kPinAfterStops) return false;
    return pin_self_now();
  }
  // Moves a traced thread onto the shared CPU (once there is one) when its
  // own mask has that CPU.
  void place(pid_t tid) const;

  // A traced thread appeared; `creator` made it (0 when unknown: then it
  // has the tree's starting mask, as almost every thread does).
  void on_new_thread(pid_t tid, pid_t creator);
  void on_thread_gone(pid_t tid);
  // execve from a non-leader thread: the thread now has the leader's tid.
  void on_tid_change(pid_t old_tid, pid_t new_tid);

  // At a syscall entry of a traced thread (before the call runs).
  void on_entry(pid_t tid, const SyscallEvent& e);
  // At a syscall exit, before the call's outputs are decoded: writes the
  // thread's own mask into what sched_getaffinity returned, and keeps a
  // mask the program set with sched_setaffinity. `traced(pid)` tells
  // whether a thread is in the traced tree (others are left alone).
  // `result` and `failed`: the call's outcome (not yet in `e`).
  template <typename IsTraced>
  void on_exit(pid_t tid, const SyscallEvent& e, std::int64_t result, bool failed,
               const IsTraced& traced) {
    if (!may_pin_) return;
    if (!follow_ && !unpinned_for_child_.empty()) after_child_created(tid);
    AffinityCall call = failed || result < 0 ? AffinityCall::None : affinity_call(e, result);
    if (call == AffinityCall::None) return;
    pid_t target = affinity_target(tid, e);
    if (!traced(target)) return;
    if (call == AffinityCall::Get) {
      report_own_mask(target, tid, e, result);
    } else {
      keep_own_mask(target);
    }
  }

 private:
  static constexpr std::uint64_t kPinAfterStops = 256;

  enum class AffinityCall { None, Get, Set };
  // A successful sched_getaffinity (with a mask written) or sched_setaffinity.
  static AffinityCall affinity_call(const SyscallEvent& e, std::int64_t result);
  // The thread such a call names (its pid argument; 0 is the caller).
  static pid_t affinity_target(pid_t tid, const SyscallEvent& e);

  bool pin_self_now();
  void after_child_created(pid_t tid);
  void report_own_mask(pid_t target, pid_t caller, const SyscallEvent& e,
                       std::int64_t result) const;
  void keep_own_mask(pid_t target);
  const cpu_set_t& own_mask(pid_t tid) const;
  void set_own_mask(pid_t tid, const cpu_set_t& mask);

  bool restore_ = false;     // the tracer's mask was saved and is put back
  bool may_pin_ = false;     // some thread may ever be pinned
  bool auto_later_ = false;  // Auto under a filter: pin after kPinAfterStops
  bool follow_ = true;
  int pinned_cpu_ = -1;      // the shared CPU, once pinned
  std::uint64_t filter_stops_ = 0;
  cpu_set_t start_mask_{};   // the tracer's mask before pinning: the tree's own
  // Threads whose own mask is not start_mask_ (the program set it).
  std::unordered_map<pid_t, cpu_set_t> own_;
  // --no-follow: a pinned thread in a call that creates an untraced child
  // is unpinned for the call, so that the child starts with its own mask.
  std::unordered_map<pid_t, bool> unpinned_for_child_;
};

}  // namespace syspect::detail
