#include "summary.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace syspect {

std::optional<SummarySink::Sort> SummarySink::parse_sort(std::string_view key) {
  // strace 6.1's names, with the older spellings it still takes.
  if (key == "time" || key == "time_total" || key == "total_time") return Sort::Time;
  if (key == "min-time" || key == "min_time" || key == "time_min") return Sort::MinTime;
  if (key == "max-time" || key == "max_time" || key == "time_max") return Sort::MaxTime;
  if (key == "avg-time" || key == "avg_time" || key == "time_avg") return Sort::AvgTime;
  if (key == "calls" || key == "count") return Sort::Calls;
  if (key == "errors" || key == "error") return Sort::Errors;
  if (key == "name" || key == "syscall" || key == "syscall_name") return Sort::Name;
  if (key == "nothing" || key == "none") return Sort::Nothing;
  return std::nullopt;
}

// As strace counts: a call is counted at its exit, with the time from its
// entry stop to its exit stop; one that never returned is not counted.
void SummarySink::on_syscall(const SyscallEvent& e) {
  if (e.duration_ns < 0) return;
  Row& r = rows_[{static_cast<int>(e.abi), e.nr}];
  if (r.calls == 0) {
    r.name = e.name();
    r.nr = e.nr;
    r.min_ns = e.duration_ns;
  }
  ++r.calls;
  if (e.err != 0) ++r.errors;
  r.total_ns += e.duration_ns;
  r.min_ns = std::min(r.min_ns, e.duration_ns);
  r.max_ns = std::max(r.max_ns, e.duration_ns);
}

void SummarySink::on_finish(const TraceResult&) {
  std::vector<const Row*> rows;
  std::int64_t total_ns = 0;
  std::uint64_t calls = 0, errors = 0;
  for (const auto& [key, r] : rows_) {
    rows.push_back(&r);
    total_ns += r.total_ns;
    calls += r.calls;
    errors += r.errors;
  }
  auto avg = [](const Row* r) { return r->total_ns / static_cast<std::int64_t>(r->calls); };
  auto by = [this, &avg](const Row* a, const Row* b) {
    switch (sort_) {
      case Sort::Time: return a->total_ns > b->total_ns;
      case Sort::MinTime: return a->min_ns > b->min_ns;
      case Sort::MaxTime: return a->max_ns > b->max_ns;
      case Sort::AvgTime: return avg(a) > avg(b);
      case Sort::Calls: return a->calls > b->calls;
      case Sort::Errors: return a->errors > b->errors;
      case Sort::Name: return a->name < b->name;
      case Sort::Nothing: return false;
    }
    return false;
  };
  std::stable_sort(rows.begin(), rows.end(), by);
  const char* rule = "------ ----------- ----------- --------- --------- ----------------\n";
  std::string text = "% time     seconds  usecs/call     calls    errors syscall\n";
  text += rule;
  auto line = [&text](double percent, std::int64_t ns, std::uint64_t n, std::uint64_t errs,
                      std::string_view name) {
    std::string err = errs ? fmt::format("{:9}", errs) : std::string(9, ' ');
    fmt::format_to(std::back_inserter(text), "{:6.2f} {:11.6f} {:11} {:9} {} {}\n", percent,
                   static_cast<double>(ns) / 1e9, n ? ns / 1000 / static_cast<std::int64_t>(n) : 0, n,
                   err, name);
  };
  for (const Row* r : rows)
    line(total_ns > 0 ? 100.0 * static_cast<double>(r->total_ns) / static_cast<double>(total_ns) : 0.0,
         r->total_ns, r->calls, r->errors, r->name);
  text += rule;
  line(100.0, total_ns, calls, errors, "total");
  out_.write(text);
  out_.flush();
}

}  // namespace syspect
