// Matchers of a whole trace: Calls, CallsTimes, Never, OnlySyscalls, InOrder,
// NoSyscalls, SatisfiesSpec.

#include <algorithm>
#include <map>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "call_condition.hpp"
#include "syspect/checker.hpp"
#include "syspect/matchers.hpp"
#include "syspect/policy_export.hpp"
#include "syspect/report.hpp"
#include "syspect/spec_parser.hpp"
#include "syspect/stack.hpp"

namespace syspect::testing {
namespace detail {
namespace {

constexpr std::size_t kNearest = 3;  // near misses named in an explanation
constexpr std::size_t kListed = 5;   // calls listed before "..."

// A call as strace prints it and, when its stack was collected
// (TraceOptions::stacks), who made it: `... = 3 from read_config
// (config.c:9) ← init ← main`.
std::string call_text(const SyscallEvent& e) {
  std::string text = strace_text(e);
  if (e.stack) text += " from " + stack_summary(*e.stack);
  return text;
}

// A trace's calls, decoded once, as pointers (what the helpers below
// take); the list owns the events they point to.
struct OwnedCalls {
  std::vector<SyscallEvent> events;
};
class CallList : private OwnedCalls, public std::vector<const SyscallEvent*> {
 public:
  explicit CallList(const Trace& t) : OwnedCalls{t.syscalls()} {
    reserve(events.size());
    for (const SyscallEvent& e : events) push_back(&e);
  }
  CallList(const CallList&) = delete;
  CallList& operator=(const CallList&) = delete;
};

CallList calls_of(const Trace& t) { return CallList(t); }

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// One call on a line of its own, or several each on its own indented line.
std::string list_calls(const std::vector<const SyscallEvent*>& calls, std::size_t limit) {
  if (calls.size() == 1) return " " + call_text(*calls.front());
  std::string out;
  for (std::size_t i = 0; i < calls.size() && i < limit; ++i) out += "\n  " + call_text(*calls[i]);
  if (calls.size() > limit) out += fmt::format("\n  ... and {} more", calls.size() - limit);
  return out;
}

// Why no call in [begin, end) meets `c`, without the leading "which":
// "made 3 calls to openat, none whose pathname is ...; nearest: ...".
std::string explain_absent(const CallCondition& c, const std::vector<const SyscallEvent*>& calls) {
  std::vector<const SyscallEvent*> selected;
  for (const SyscallEvent* e : calls)
    if (c.selects(*e)) selected.push_back(e);
  if (selected.empty()) {
    if (calls.empty()) return "made no calls";
    return "made no " + c.selection(false);
  }
  std::string out = fmt::format("made {} {}", selected.size(), c.selection(selected.size() != 1));
  std::string refinement = c.refinement();
  if (!refinement.empty()) out += ", none " + refinement;
  // Near misses: the selected calls meeting the weightiest parts (an
  // identifying argument before a flag), each with what it misses.
  std::vector<std::pair<unsigned, const SyscallEvent*>> ranked;
  for (const SyscallEvent* e : selected) {
    unsigned score = c.closeness(*e);
    if (c.narrows() || score > 0) ranked.emplace_back(score, e);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  if (ranked.empty()) return out;
  out += "; nearest:";
  for (std::size_t i = 0; i < ranked.size() && i < kNearest; ++i) {
    const SyscallEvent& e = *ranked[i].second;
    out += "\n  " + call_text(e);
    for (const std::string& m : c.misses(e)) out += "\n    " + m;
  }
  return out;
}

std::vector<const SyscallEvent*> matching(const CallCondition& c,
                                          const std::vector<const SyscallEvent*>& calls) {
  std::vector<const SyscallEvent*> out;
  for (const SyscallEvent* e : calls)
    if (c.check(*e, nullptr)) out.push_back(e);
  return out;
}

// The calls that may or may not meet `c`: an argument it looks at was cut
// when read.
std::vector<const SyscallEvent*> undecided(const CallCondition& c,
                                           const std::vector<const SyscallEvent*>& calls) {
  std::vector<const SyscallEvent*> out;
  for (const SyscallEvent* e : calls)
    if (c.undecided(*e)) out.push_back(e);
  return out;
}

// "; 1 call cannot be judged: write(1, "..."..., 8192) = 8192, whose buf is ..."
std::string explain_undecided(const CallCondition& c, const std::vector<const SyscallEvent*>& calls) {
  if (calls.empty()) return {};
  std::string out = fmt::format("{} cannot be judged:", plural(calls.size(), "call", "calls"));
  out += list_calls(calls, kListed);
  out += fmt::format("{}{}", calls.size() == 1 ? " " : "\n  (the first ", *c.undecided(*calls.front()));
  if (calls.size() != 1) out += ")";
  return out;
}

std::string describe_count(const ::testing::Matcher<std::size_t>& m) {
  std::ostringstream os;
  m.DescribeTo(&os);
  return os.str();
}

class CallsMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  explicit CallsMatcher(CallConditionPtr c) : c_(std::move(c)) {}
  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    auto calls = calls_of(t);
    auto found = matching(*c_, calls);
    if (found.empty()) {
      *listener << "which " << explain_absent(*c_, calls);
      if (auto cut = undecided(*c_, calls); !cut.empty()) *listener << "; " << explain_undecided(*c_, cut);
      return false;
    }
    *listener << "which made " << plural(found.size(), "such call:", "such calls, the first:")
              << " " << call_text(*found.front());
    return true;
  }
  void DescribeTo(std::ostream* os) const override { *os << "makes a " << c_->noun(); }
  void DescribeNegationTo(std::ostream* os) const override { *os << "makes no " << c_->noun(); }

 private:
  CallConditionPtr c_;
};

class NeverMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  explicit NeverMatcher(CallConditionPtr c) : c_(std::move(c)) {}
  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    auto calls = calls_of(t);
    auto found = matching(*c_, calls);
    if (found.empty()) {
      // A call that cannot be judged may be one it must never make.
      if (auto cut = undecided(*c_, calls); !cut.empty()) {
        *listener << "which made no call known to be such, but " << explain_undecided(*c_, cut);
        return false;
      }
      *listener << "which " << explain_absent(*c_, calls);
      return true;
    }
    *listener << "which made " << plural(found.size(), "such call:", "such calls:")
              << list_calls(found, kListed);
    return false;
  }
  void DescribeTo(std::ostream* os) const override { *os << "never makes a " << c_->noun(); }
  void DescribeNegationTo(std::ostream* os) const override { *os << "makes a " << c_->noun(); }

 private:
  CallConditionPtr c_;
};

class CallsTimesMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  CallsTimesMatcher(CallConditionPtr c, ::testing::Matcher<std::size_t> count, bool literal,
                    std::size_t literal_count)
      : c_(std::move(c)), count_(std::move(count)), literal_(literal), n_(literal_count) {}
  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    auto calls = calls_of(t);
    auto found = matching(*c_, calls);
    auto cut = undecided(*c_, calls);
    // With calls that cannot be judged the count is not known.
    bool ok = cut.empty() && count_.Matches(found.size());
    if (found.empty()) {
      *listener << "which " << explain_absent(*c_, calls);
    } else {
      *listener << "which made it " << plural(found.size(), "time:", "times:")
                << list_calls(found, kListed);
    }
    if (!cut.empty()) *listener << "; " << explain_undecided(*c_, cut);
    return ok;
  }
  void DescribeTo(std::ostream* os) const override { *os << "makes a " << c_->noun() << " " << times(); }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "doesn't make a " << c_->noun() << " " << times();
  }

 private:
  std::string times() const {
    if (literal_) return "exactly " + plural(n_, "time", "times");
    return "a number of times that " + describe_count(count_);
  }
  CallConditionPtr c_;
  ::testing::Matcher<std::size_t> count_;
  bool literal_;
  std::size_t n_;
};

class InOrderMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  explicit InOrderMatcher(std::vector<CallConditionPtr> steps) : steps_(std::move(steps)) {}
  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    auto calls = calls_of(t);
    std::vector<std::size_t> at;  // index in `calls` of each step's match
    std::size_t next = 0;
    for (const auto& step : steps_) {
      std::size_t i = next;
      while (i < calls.size() && !step->check(*calls[i], nullptr)) ++i;
      if (i == calls.size()) break;
      at.push_back(i);
      next = i + 1;
    }
    if (at.size() == steps_.size()) {
      std::vector<std::string> positions;
      for (std::size_t i : at) positions.push_back(fmt::format("#{}", i + 1));
      *listener << "which made them as calls " << fmt::format("{}", fmt::join(positions, ", "));
      return true;
    }
    const CallCondition& missing = *steps_[at.size()];
    if (at.empty()) {
      *listener << "which " << explain_absent(missing, calls);
      if (auto cut = undecided(missing, calls); !cut.empty()) *listener << "; " << explain_undecided(missing, cut);
      return false;
    }
    std::vector<const SyscallEvent*> rest(calls.begin() + static_cast<std::ptrdiff_t>(next), calls.end());
    if (at.size() == 1)
      *listener << "which made the first step, as ";
    else
      *listener << "which made the first " << at.size() << " steps, the last as ";
    *listener << call_text(*calls[at.back()]) << "; after it, " << explain_absent(missing, rest);
    if (auto cut = undecided(missing, rest); !cut.empty()) *listener << "; " << explain_undecided(missing, cut);
    return false;
  }
  void DescribeTo(std::ostream* os) const override { *os << "makes in order: " << sequence(); }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "doesn't make in order: " << sequence();
  }

 private:
  std::string sequence() const {
    std::string out;
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      if (i) out += ", then ";
      out += "a " + steps_[i]->noun();
    }
    return out;
  }
  std::vector<CallConditionPtr> steps_;
};

class NoSyscallsMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    auto calls = calls_of(t);
    if (calls.empty()) return true;
    *listener << "which made " << plural(calls.size(), "call:", "calls:") << list_calls(calls, kListed);
    return false;
  }
  void DescribeTo(std::ostream* os) const override { *os << "makes no syscalls"; }
  void DescribeNegationTo(std::ostream* os) const override { *os << "makes at least one syscall"; }
};

class OnlySyscallsMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  OnlySyscallsMatcher(PolicySpec policy, std::string list)
      : policy_(std::move(policy)), list_(std::move(list)) {}
  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    auto calls = calls_of(t);
    // Offenders grouped by name, in order of first appearance.
    std::vector<std::pair<const SyscallEvent*, std::size_t>> groups;
    std::map<std::string, std::size_t> index;
    std::size_t outside = 0;
    for (const SyscallEvent* e : calls) {
      if (!policy_.violates(*e)) continue;
      ++outside;
      std::string key = fmt::format("{}:{}", static_cast<int>(e->abi), e->name());
      auto [it, fresh] = index.emplace(key, groups.size());
      if (fresh) groups.emplace_back(e, 0);
      ++groups[it->second].second;
    }
    if (outside == 0) {
      *listener << "whose " << plural(calls.size(), "call is", "calls are all") << " in it";
      return true;
    }
    *listener << "which made " << plural(outside, "call", "calls") << " outside it:";
    for (std::size_t i = 0; i < groups.size() && i < kListed * 2; ++i) {
      const auto& [e, n] = groups[i];
      *listener << "\n  " << call_text(*e);
      if (n > 1) *listener << fmt::format("  (and {} more like it)", n - 1);
    }
    if (groups.size() > kListed * 2)
      *listener << fmt::format("\n  ... and {} other syscalls", groups.size() - kListed * 2);
    return false;
  }
  void DescribeTo(std::ostream* os) const override { *os << "makes only syscalls in [" << list_ << "]"; }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "makes some syscall not in [" << list_ << "]";
  }

 private:
  PolicySpec policy_;
  std::string list_;
};

class SatisfiesSpecMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  explicit SatisfiesSpecMatcher(std::string path) : path_(std::move(path)) {
    auto loaded = load_spec(path_);
    if (loaded) {
      spec_ = std::make_shared<Spec>(std::move(loaded).value());
    } else {
      errors_ = loaded.error().format();
    }
  }
  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    if (!spec_) {
      *listener << "which cannot be checked, for the file has problems:\n" << errors_;
      return false;
    }
    Checker checker(*spec_);
    for (const Event& e : t.events()) {
      if (const auto* s = std::get_if<SyscallEvent>(&e)) checker.on_syscall(*s);
      else if (const auto* x = std::get_if<ExecEvent>(&e)) checker.on_exec(*x);
      else if (const auto* q = std::get_if<ExitEvent>(&e)) checker.on_exit(*q);
      else if (const auto* g = std::get_if<SignalEvent>(&e)) checker.on_signal(*g);
    }
    checker.on_finish(t.result());
    CheckReport report = checker.report(t.command());
    if (report.passed()) {
      *listener << "which holds " << (report.rules.size() == 1 ? "its only rule" : fmt::format("all {} rules", report.rules.size()));
      return true;
    }
    if (!report.complete()) {
      // The rules saw only part of the run: none of them can pass it.
      *listener << "which cannot pass: the run did not end on its own (" << describe_cut_short(report.result)
                << ")";
      if (report.failed() == 0) return false;
      *listener << "; and ";
    } else {
      *listener << "which ";
    }
    *listener << "breaks " << report.failed() << " of " << plural(report.rules.size(), "rule", "rules") << ":";
    for (const auto& rule : report.rules) {
      if (rule.passed) continue;
      std::string block = render_text_block(report, rule);
      while (!block.empty() && block.back() == '\n') block.pop_back();
      *listener << "\n" << block;
    }
    return false;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "satisfies the expectations in \"" << path_ << "\"";
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "doesn't satisfy the expectations in \"" << path_ << "\"";
  }

 private:
  std::string path_;
  std::shared_ptr<const Spec> spec_;
  std::string errors_;
};

}  // namespace

TraceMatcher calls(CallConditionPtr c) { return ::testing::MakeMatcher(new CallsMatcher(std::move(c))); }

TraceMatcher calls_times(CallConditionPtr c, ::testing::Matcher<std::size_t> count, bool literal,
                         std::size_t literal_count) {
  return ::testing::MakeMatcher(
      new CallsTimesMatcher(std::move(c), std::move(count), literal, literal_count));
}

TraceMatcher never(CallConditionPtr c) { return ::testing::MakeMatcher(new NeverMatcher(std::move(c))); }

TraceMatcher in_order(std::vector<CallConditionPtr> steps) {
  return ::testing::MakeMatcher(new InOrderMatcher(std::move(steps)));
}

}  // namespace detail

TraceMatcher OnlySyscalls(const std::vector<std::string>& allowed) {
  // The names mean what they mean in an expectation file's allow list: the
  // same parser reads them.
  std::vector<std::string> quoted;
  for (const auto& a : allowed) quoted.push_back(toml_string(a));
  std::string text = fmt::format("version = 1\n[policy]\nallow = [{}]\n", fmt::join(quoted, ", "));
  auto spec = parse_spec(text, "OnlySyscalls");
  if (!spec || !spec->policy) {
    std::vector<std::string> problems;
    if (!spec)
      for (const auto& d : spec.error().diagnostics) problems.push_back(d.message);
    throw std::invalid_argument(fmt::format("OnlySyscalls: {}", fmt::join(problems, "; ")));
  }
  return ::testing::MakeMatcher(
      new detail::OnlySyscallsMatcher(*spec->policy, fmt::format("{}", fmt::join(allowed, ", "))));
}

TraceMatcher NoSyscalls() { return ::testing::MakeMatcher(new detail::NoSyscallsMatcher()); }

TraceMatcher SatisfiesSpec(const std::string& path) {
  return ::testing::MakeMatcher(new detail::SatisfiesSpecMatcher(path));
}

}  // namespace syspect::testing
