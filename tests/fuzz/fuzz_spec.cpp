// libFuzzer target: an expectation file (TOML) as written by a user. Parsing
// must end in a spec or in diagnostics, never in a crash; a spec that parsed
// must describe every rule it holds.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "syspect/spec_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = syspect::parse_spec(text, "fuzz.toml");
  if (!spec) {
    (void)spec.error().format();
    return 0;
  }
  for (const auto& rule : spec.value().rules)
    for (const auto& step : rule.steps) (void)step.describe();
  return 0;
}
