#pragma once
// `trace -c` and `-C`: strace's summary table, a line per syscall with its
// share of the time, the time, the average per call, the calls and the
// errors, and a total.

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "syspect/sinks.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

class SummarySink : public Sink {
 public:
  // strace's -S keys.
  enum class Sort { Time, MinTime, MaxTime, AvgTime, Calls, Errors, Name, Nothing };
  static std::optional<Sort> parse_sort(std::string_view key);

  SummarySink(std::FILE* out, Sort sort) : out_(out), sort_(sort) {}
  int write_error() const { return out_.error(); }
  void on_syscall(const SyscallEvent& e) override;
  void on_finish(const TraceResult& r) override;

 private:
  struct Row {
    std::string name;
    long nr = 0;
    std::uint64_t calls = 0, errors = 0;
    std::int64_t total_ns = 0, min_ns = 0, max_ns = 0;
  };
  SinkOutput out_;
  Sort sort_;
  std::map<std::pair<int, long>, Row> rows_;  // by ABI and number: strace's order
};

}  // namespace syspect
