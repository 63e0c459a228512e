#pragma once
// The tracer's side of fault injection (syspect/inject.hpp): which
// injection, if any, acts on a call, with one count per injection for the
// whole run.

#include <sys/types.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "syspect/filter.hpp"
#include "syspect/inject.hpp"
#include "syspect/result.hpp"
#include "syspect/tracer.hpp"

namespace syspect::detail {

class Injector {
 public:
  Injector() = default;
  // The injections' sets compiled; the error names the bad one.
  static Result<Injector, std::string> make(const std::vector<Injection>& injections);

  bool empty() const { return rules_.empty(); }
  // The calls whose entry must stop: every call some injection selects.
  // (Their exit stops only when an injection acts; see SyscallStops.)
  Interest interest() const;

  // Count `e` (decoded at entry) for every injection that selects it; the
  // index of the first whose `when` fires on it, if any acts.
  std::optional<std::size_t> on_entry(const SyscallEvent& e);

  const Injection& rule(std::size_t i) const { return *rules_[i].injection; }
  std::vector<std::uint64_t> counts() const;

 private:
  struct Rule {
    const Injection* injection;
    SyscallFilter set;
    std::uint64_t count = 0;
  };
  std::vector<Rule> rules_;
};

// Threads a delay holds at a stop (delay_enter, delay_exit), resumed by the
// loop once their time has come; the others run on meanwhile. The loop
// blocks in waitpid: a POSIX timer sends the loop's own thread its wake
// signal at the first deadline (and every 20 ms after, in case one lands
// just before waitpid blocks), as StopRequest does.
class Holds {
 public:
  using Clock = std::chrono::steady_clock;
  Holds() = default;
  ~Holds() { end(); }
  Holds(const Holds&) = delete;
  Holds& operator=(const Holds&) = delete;

  // The calling thread runs the loop and takes `signal` (0: none can be
  // sent, and hold() refuses).
  void begin(int signal);
  void end();
  // Hold `tid` until `until`; false when no wake-up can be set (the caller
  // then waits in place).
  bool hold(pid_t tid, Clock::time_point until);
  // The held threads whose time has come (every one when `all`), no longer
  // held.
  std::vector<pid_t> due(bool all);

 private:
  void arm();
  std::vector<std::pair<Clock::time_point, pid_t>> held_;
  timer_t timer_{};
  bool timer_ok_ = false;
};

}  // namespace syspect::detail
