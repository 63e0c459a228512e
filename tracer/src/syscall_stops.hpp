#pragma once
// A syscall's life at the tracer: its entry (decoded, judged by the sinks,
// guarded), and its exit (the result, the inputs read again or compared
// with what the kernel did, the outputs decoded, the event emitted); the
// seccomp stop that stands for an entry under a filter, the legacy
// vsyscall page, and a call the --strict filter kills.

#include <sys/ptrace.h>

#include "guards.hpp"
#include "session.hpp"

namespace syspect::detail {

class SyscallStops {
 public:
  explicit SyscallStops(Session& s) : s_(s), guards_(s) {}

  // A syscall-entry or -exit stop (PTRACE_SYSCALL).
  void on_syscall_stop(ThreadState& t);

  // The tracer's filter trapped a call: its entry, under a filter.
  void on_seccomp_stop(ThreadState& t);

  // PTRACE_EVENT_EXIT (asked for with --strict only). Under a filter a call
  // the --strict filter kills never stops the tracee (the kill outranks the
  // trap), so the call is recovered here from the rolled-back registers and
  // reported, unfinished, before the process's death.
  void on_exit_event(ThreadState& t);

 private:
  // A call through the legacy vsyscall page: the kernel emulates it, stops
  // at the filter, and never at an exit. It is reported here, and a verdict
  // is carried out here: to make it fail, the call is skipped (number -1,
  // which the emulation allows) with the errno already in rax, since no
  // exit stop will come to set it. The thread is then between calls again.
  void on_vsyscall(ThreadState& t, const __ptrace_syscall_info& info);

  // A call's entry: decoded into t.pending, judged by the sinks (unless
  // `verdict` is false), guarded.
  void on_entry(ThreadState& t, std::uint32_t arch, std::uint64_t raw_nr,
                const std::uint64_t (&args)[6], std::uint64_t sp, std::uint64_t ip,
                bool verdict = true);

  // Whether the --strict filter kills the process at this call (after this
  // entry stop, which ptrace reports before any filter runs).
  bool killed_by_strict(const SyscallEvent& e) const;

  // The sinks' verdict on a call at its entry: run it, fail it with an
  // errno (skipped: the kernel runs nothing for number -1) or kill the tree.
  void apply_verdict(ThreadState& t);

  // A call's exit: its result, its inputs checked again, its outputs
  // decoded, the guards' checks, and the event emitted.
  void on_exit_stop(ThreadState& t, const __ptrace_syscall_info& info);

  // The pointer arguments a sink judges, read again at exit (before the
  // outputs are decoded): each whose memory is no longer what was decoded
  // at entry is marked, since another thread changed it while the call ran
  // and the kernel may have used either. A successful exec replaced the
  // memory, and a skipped call used nothing: neither is read again.
  void recheck_inputs(ThreadState& t, bool is_error);

  // What the call did, as the kernel tells it, against the inputs judged
  // (kernel_view.hpp): the names a call created or removed, the peer a
  // socket connected to. This sees an input rewritten and written back
  // while the call ran, which reading the memory again cannot.
  void compare_with_kernel(ThreadState& t);

  // TraceOptions::injections at a call's entry, once the sinks allowed it:
  // the first injection that fires marks the event and skips the call,
  // sleeps for its delay_enter, or leaves a signal for later.
  void inject(ThreadState& t);
  // At the exit of an injected call: its delay_exit, the event, its signal.
  // (Every other call is just emitted.)
  void finish_injection(ThreadState& t);
  // With stacks on: whether a sink is interested in this call (the calls
  // the tracer stops at for itself are not unwound).
  bool wants_stack(const SyscallEvent& e) const;

  Session& s_;
  Guards guards_;
};

}  // namespace syspect::detail
