#pragma once
// The tracer's side of fault injection (syspect/inject.hpp): which
// injection, if any, acts on a call, with one count per injection for the
// whole run.

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

}  // namespace syspect::detail
