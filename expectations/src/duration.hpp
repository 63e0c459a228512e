#pragma once
// Durations in specs: "10s", "500ms", "2m", "1.5s", "3" (seconds).

#include <chrono>
#include <optional>
#include <string_view>

namespace syspect::detail {

std::optional<std::chrono::milliseconds> parse_spec_duration(std::string_view text);

}  // namespace syspect::detail
