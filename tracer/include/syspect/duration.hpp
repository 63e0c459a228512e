#pragma once
// Durations as people write them, on the command line and in specs: "10s",
// "500ms", "2m", "1h", "1.5s", "3" (seconds).

#include <chrono>
#include <string>
#include <string_view>

#include "syspect/result.hpp"

namespace syspect {

Result<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);

}  // namespace syspect
