#include "inject.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "syspect/duration.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

std::optional<std::uint64_t> parse_count(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<InjectWhen, std::string> InjectWhen::parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return unexpected(fmt::format("bad when '{}': {} (write N, N+, N+STEP or N..M, counting from 1)",
                                  text, why));
  };
  InjectWhen w;
  std::string_view first = text;
  std::string_view rest;
  std::size_t dots = text.find("..");
  std::size_t plus = text.find('+');
  if (dots != std::string_view::npos) {
    first = text.substr(0, dots);
    rest = text.substr(dots + 2);
    auto last = parse_count(rest);
    if (!last) return bad("the end of the range is not a number");
    w.last = *last;
  } else if (plus != std::string_view::npos) {
    first = text.substr(0, plus);
    rest = text.substr(plus + 1);
    if (!rest.empty()) {
      auto step = parse_count(rest);
      if (!step || *step == 0) return bad("the step must be a number from 1");
      w.step = *step;
    }
  }
  auto f = parse_count(first);
  if (!f || *f == 0) return bad("the first call is a number from 1");
  w.first = *f;
  if (dots == std::string_view::npos && plus == std::string_view::npos) w.last = w.first;
  if (w.last < w.first) return bad("the range ends before it starts");
  return w;
}

std::string InjectWhen::text() const {
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  if (first == 1 && last == kMax && step == 1) return {};
  if (first == last) return fmt::format("{}", first);
  if (last == kMax) return step == 1 ? fmt::format("{}+", first) : fmt::format("{}+{}", first, step);
  return fmt::format("{}..{}", first, last);
}

std::optional<int> parse_errno(std::string_view text) {
  if (auto n = parse_int(text)) {
    if (*n > 0 && *n < 4096) return static_cast<int>(*n);
    return std::nullopt;
  }
  if (auto v = xlat_value(errno_names(), text)) return static_cast<int>(*v);
  return std::nullopt;
}

std::optional<int> parse_signal(std::string_view text) {
  if (auto n = parse_int(text)) {
    if (*n > 0 && *n < 65) return static_cast<int>(*n);
    return std::nullopt;
  }
  std::string name(text);
  if (name.rfind("SIG", 0) != 0) name = "SIG" + name;
  for (int sig = 1; sig < 65; ++sig)
    if (signal_name(sig) == name) return sig;
  return std::nullopt;
}

Result<std::chrono::microseconds, std::string> parse_delay(std::string_view text) {
  if (text.size() > 2 && text.substr(text.size() - 2) == "us") {
    auto n = parse_count(text.substr(0, text.size() - 2));
    if (!n) return unexpected(fmt::format("bad delay '{}'", text));
    return std::chrono::microseconds(static_cast<std::int64_t>(*n));
  }
  if (parse_count(text))
    return unexpected(fmt::format("delay '{}' has no unit: write 250us, 100ms or 2s "
                                  "(strace reads a bare number as microseconds)", text));
  auto d = parse_duration(text);
  if (!d) return unexpected(fmt::format("bad delay '{}': {}", text, d.error()));
  return std::chrono::duration_cast<std::chrono::microseconds>(*d);
}

Result<Injection, std::string> Injection::parse(std::string_view spec) {
  Injection inj;
  inj.text = std::string(spec);
  std::size_t colon = spec.find(':');
  if (colon == std::string_view::npos)
    return unexpected(fmt::format("'{}' needs an action: SET:error=ERRNO, SET:retval=N, "
                                  "SET:signal=SIG, SET:delay_enter=D or SET:delay_exit=D", spec));
  inj.set = std::string(spec.substr(0, colon));
  if (inj.set.empty()) return unexpected(fmt::format("'{}': no syscall set before ':'", spec));
  if (auto f = SyscallFilter::parse(inj.set); !f) return unexpected(f.error());
  std::string_view rest = spec.substr(colon + 1);
  bool any = false;
  while (!rest.empty()) {
    std::size_t next = rest.find(':');
    std::string_view item = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    std::size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (eq == std::string_view::npos || value.empty())
      return unexpected(fmt::format("'{}': '{}' needs a value (KEY=VALUE)", spec, item));
    if (key == "error" || key == "fault") {
      auto e = parse_errno(value);
      if (!e) return unexpected(fmt::format("unknown errno '{}'", value));
      inj.error = *e;
    } else if (key == "retval") {
      auto v = parse_int(value);
      if (!v) return unexpected(fmt::format("retval '{}' is not a number", value));
      inj.retval = *v;
    } else if (key == "signal") {
      auto s = parse_signal(value);
      if (!s) return unexpected(fmt::format("unknown signal '{}'", value));
      inj.signal = *s;
    } else if (key == "delay_enter" || key == "delay_exit") {
      auto d = parse_delay(value);
      if (!d) return unexpected(d.error());
      (key == "delay_enter" ? inj.delay_enter : inj.delay_exit) = *d;
    } else if (key == "when") {
      auto w = InjectWhen::parse(value);
      if (!w) return unexpected(w.error());
      inj.when = *w;
      continue;
    } else {
      return unexpected(fmt::format("unknown inject action '{}' (error, retval, signal, "
                                    "delay_enter, delay_exit, when)", key));
    }
    any = true;
  }
  if (!any)
    return unexpected(fmt::format("'{}' needs an action: error=, retval=, signal=, delay_enter= "
                                  "or delay_exit=", spec));
  if (inj.error && inj.retval)
    return unexpected(fmt::format("'{}': error= and retval= cannot both be given", spec));
  return inj;
}

namespace detail {

Result<Injector, std::string> Injector::make(const std::vector<Injection>& injections) {
  Injector in;
  for (const Injection& i : injections) {
    auto f = SyscallFilter::parse(i.set);
    if (!f) return unexpected(fmt::format("inject '{}': {}", i.text.empty() ? i.set : i.text, f.error()));
    in.rules_.push_back(Rule{&i, std::move(*f), 0});
  }
  return in;
}

Interest Injector::interest() const {
  Interest wanted = Interest::none();
  for (const Rule& r : rules_) {
    Interest set = r.set.interest();
    for (long nr = 0; nr < static_cast<long>(Interest::kNumbers); ++nr)
      if (set.need(nr) != Interest::Need::None) wanted.add(nr, Interest::Need::Entry);
  }
  return wanted;
}

std::optional<std::size_t> Injector::on_entry(const SyscallEvent& e) {
  std::optional<std::size_t> fired;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    Rule& r = rules_[i];
    if (!r.set.matches(e)) continue;
    if (r.injection->condition && !r.injection->condition(e)) continue;
    ++r.count;
    if (!fired && r.injection->acts() && r.injection->when.fires(r.count)) fired = i;
  }
  return fired;
}

void Holds::begin(int signal) {
  end();
  if (signal == 0) return;
  sigevent ev{};
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = signal;
  ev._sigev_un._tid = static_cast<pid_t>(::syscall(SYS_gettid));
  timer_ok_ = ::timer_create(CLOCK_MONOTONIC, &ev, &timer_) == 0;
}

void Holds::end() {
  held_.clear();
  if (timer_ok_) ::timer_delete(timer_);
  timer_ok_ = false;
}

bool Holds::hold(pid_t tid, Clock::time_point until) {
  if (!timer_ok_) return false;
  held_.emplace_back(until, tid);
  arm();
  return true;
}

std::vector<pid_t> Holds::due(bool all) {
  std::vector<pid_t> out;
  if (held_.empty()) return out;
  auto now = Clock::now();
  std::erase_if(held_, [&](const auto& h) {
    if (!all && h.first > now) return false;
    out.push_back(h.second);
    return true;
  });
  if (!out.empty()) arm();
  return out;
}

void Holds::arm() {
  itimerspec when{};
  if (!held_.empty()) {
    auto first = std::min_element(held_.begin(), held_.end())->first;
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(first.time_since_epoch()).count();
    // steady_clock is CLOCK_MONOTONIC; a deadline in the past fires at once.
    when.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    when.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    if (when.it_value.tv_sec == 0 && when.it_value.tv_nsec == 0) when.it_value.tv_nsec = 1;
    when.it_interval.tv_nsec = 20'000'000;
  }
  (void)::timer_settime(timer_, TIMER_ABSTIME, &when, nullptr);
}

std::vector<std::uint64_t> Injector::counts() const {
  std::vector<std::uint64_t> out;
  for (const Rule& r : rules_) out.push_back(r.count);
  return out;
}

}  // namespace detail
}  // namespace syspect
