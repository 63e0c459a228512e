#pragma once
// Durations as people write them, on the command line and in specs: "10s",
// "500ms", "2m", "1h", "1.5s", "3" (seconds).

#include <chrono>
#include <string>
#include <string_view>

#include "syspect/result.hpp"

namespace syspect {

Result<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);

// A span as precise as a syscall's duration (strace -T): "250ns", "10us",
// "1.5ms", "2s", "1m", "1h", "0"; never negative.
Result<std::chrono::nanoseconds, std::string> parse_duration_ns(std::string_view text);

}  // namespace syspect
