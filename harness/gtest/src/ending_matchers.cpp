// The matchers of how a run ended: ExitedWith, KilledBySignal, TimedOut.
// Each explains a mismatch with the trace's ending in the words the
// printers and the check reports use ("was killed by SIGSEGV").

#include <signal.h>

#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "syspect/matchers.hpp"
#include "syspect/report.hpp"
#include "syspect/xlat.hpp"

namespace syspect::testing {
namespace {

void explain_ending(const Trace& t, ::testing::MatchResultListener* listener) {
  *listener << "which " << describe_status(t.result());
}

class ExitedWithMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  ExitedWithMatcher(::testing::Matcher<int> status, std::optional<int> literal)
      : status_(std::move(status)), literal_(literal) {}
  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    explain_ending(t, listener);
    auto code = t.exit_code();
    return code && status_.Matches(*code);
  }
  void DescribeTo(std::ostream* os) const override { *os << "exits with " << what(); }
  void DescribeNegationTo(std::ostream* os) const override { *os << "doesn't exit with " << what(); }

 private:
  // "0", or "a status that isn't equal to 0".
  std::string what() const {
    if (literal_) return std::to_string(*literal_);
    std::ostringstream os;
    os << "a status that ";
    status_.DescribeTo(&os);
    return os.str();
  }
  ::testing::Matcher<int> status_;
  std::optional<int> literal_;
};

class KilledBySignalMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  explicit KilledBySignalMatcher(std::optional<int> sig) : sig_(sig) {}
  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    explain_ending(t, listener);
    auto got = t.term_signal();
    return got && (!sig_ || *got == *sig_);
  }
  void DescribeTo(std::ostream* os) const override { *os << "is killed by " << what(); }
  void DescribeNegationTo(std::ostream* os) const override { *os << "isn't killed by " << what(); }

 private:
  std::string what() const { return sig_ ? signal_name(*sig_) : std::string("a signal"); }
  std::optional<int> sig_;
};

class TimedOutMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    explain_ending(t, listener);
    return t.timed_out();
  }
  void DescribeTo(std::ostream* os) const override { *os << "times out and is killed"; }
  void DescribeNegationTo(std::ostream* os) const override { *os << "doesn't time out"; }
};

}  // namespace

namespace detail {

TraceMatcher exited_with(::testing::Matcher<int> status, std::optional<long long> literal) {
  if (literal && (*literal < 0 || *literal > 255))
    throw std::invalid_argument(fmt::format(
        "ExitedWith({}): an exit status is 0 to 255; a process killed by a signal is "
        "KilledBySignal()",
        *literal));
  std::optional<int> number;
  if (literal) number = static_cast<int>(*literal);
  return ::testing::MakeMatcher(new ExitedWithMatcher(std::move(status), number));
}

TraceMatcher killed_by_signal(std::optional<int> sig) {
  if (sig && (*sig < 1 || *sig > SIGRTMAX))
    throw std::invalid_argument(fmt::format("KilledBySignal({}): not a signal number (1 to {})", *sig, SIGRTMAX));
  return ::testing::MakeMatcher(new KilledBySignalMatcher(sig));
}

}  // namespace detail

TraceMatcher KilledBySignal(int sig) { return detail::killed_by_signal(sig); }
TraceMatcher KilledBySignal() { return detail::killed_by_signal(std::nullopt); }
TraceMatcher TimedOut() { return ::testing::MakeMatcher(new TimedOutMatcher()); }

}  // namespace syspect::testing
