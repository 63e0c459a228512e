#include "syspect/duration.hpp"

#include <charconv>
#include <cmath>

namespace syspect {

Result<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data())
    return unexpected(std::string("not a duration; write it like 10s, 500ms or 2m"));
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  double ms;
  if (unit.empty() || unit == "s") {
    ms = value * 1000;
  } else if (unit == "ms") {
    ms = value;
  } else if (unit == "m" || unit == "min") {
    ms = value * 60'000;
  } else if (unit == "h") {
    ms = value * 3'600'000;
  } else {
    return unexpected("unknown unit '" + std::string(unit) +
                      "'; write it like 10s, 500ms or 2m (units: ms, s, m, h)");
  }
  if (!(ms > 0) || !std::isfinite(ms)) return unexpected(std::string("a duration must be positive"));
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(ms)));
}

Result<std::chrono::nanoseconds, std::string> parse_duration_ns(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data())
    return unexpected(std::string("not a duration; write it like 10ms, 250us or 2s"));
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  double ns;
  if (unit == "ns") {
    ns = value;
  } else if (unit == "us") {
    ns = value * 1e3;
  } else if (unit == "ms") {
    ns = value * 1e6;
  } else if (unit.empty() || unit == "s") {
    ns = value * 1e9;
  } else if (unit == "m" || unit == "min") {
    ns = value * 60e9;
  } else if (unit == "h") {
    ns = value * 3600e9;
  } else {
    return unexpected("unknown unit '" + std::string(unit) +
                      "'; write it like 10ms, 250us or 2s (units: ns, us, ms, s, m, h)");
  }
  if (!(ns >= 0) || !(ns < 9.2e18)) return unexpected(std::string("a duration must be positive, and less than 290 years"));
  return std::chrono::nanoseconds(static_cast<long long>(std::llround(ns)));
}

}  // namespace syspect
