#pragma once
// The checker: a Sink that holds a spec's rules against the event stream as
// it arrives, answers verdicts for the policy, and produces a report.
//
// Memory does not grow with the trace: counts per rule, a bounded number of
// offenders per (syscall, executable), the first few examples, and a small
// state per sequence.

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "syspect/report.hpp"
#include "syspect/spec.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

// What the checker may learn about live processes outside the event stream.
struct ProcessInfo {
  // The file descriptor `fd` of `pid` refers to, or nothing.
  std::function<std::optional<std::string>(pid_t pid, int fd)> fd_path;
  // The executable of `pid`, or nothing.
  std::function<std::optional<std::string>(pid_t pid)> exe;
};

// Reads /proc/PID/fd/N and /proc/PID/exe (the traced processes are stopped
// while the checker looks at them).
ProcessInfo proc_process_info();

struct CheckerLimits {
  std::size_t examples = 5;   // offending calls kept per rule
  std::size_t nearest = 3;    // near misses kept per expect rule / sequence step
  std::size_t groups = 20;    // (syscall, executable) groups kept per rule
};

// What `--strict` lets through of the i386 and x32 ABIs: the calls the
// spec's [policy] does not forbid (none without a policy).
TraceOptions::Strict strict_allowances(const Spec& spec);

class Checker : public Sink {
 public:
  explicit Checker(const Spec& spec, ProcessInfo info = {}, CheckerLimits limits = {});
  ~Checker() override;
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  // The calls the spec's rules and policy are about: the tracer lets every
  // other call run without a stop. Everything when a rule needs to see all
  // calls (contiguous and exact sequences, fd paths tracked from the calls).
  Interest interest() const override;
  Verdict on_entry(const SyscallEvent& e) override;
  void on_syscall(const SyscallEvent& e) override;
  void on_exec(const ExecEvent& e) override;
  void on_exit(const ExitEvent& e) override;
  void on_finish(const TraceResult& r) override;

  // Every rule's outcome, in file order. Call after on_finish (or at any
  // time for the state so far).
  CheckReport report(std::vector<std::string> command = {}) const;

  // Per rule of the spec (spec.rules, in order): how many calls of its
  // processes its pattern matched (a sequence: any of its steps; a forbid
  // rule: what it counted). What `syspect coverage` adds up.
  std::vector<std::uint64_t> rule_hits() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace syspect
