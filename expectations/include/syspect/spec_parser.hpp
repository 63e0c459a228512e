#pragma once
// Reading an expectation file: every problem is reported, at once, with its
// line and column.

#include <string>
#include <string_view>
#include <vector>

#include "syspect/diagnostic.hpp"
#include "syspect/result.hpp"
#include "syspect/spec.hpp"

namespace syspect {

struct SpecErrors {
  std::string file;  // the name used in messages
  std::vector<Diagnostic> diagnostics;  // sorted by position
  std::string format() const { return format_diagnostics(file, diagnostics); }
};

// `display_name` is the file name used in messages and reports.
Result<Spec, SpecErrors> parse_spec(std::string_view text, std::string display_name);
// Reads `path`; a file that cannot be read is one diagnostic at 0:0.
Result<Spec, SpecErrors> load_spec(const std::string& path);

}  // namespace syspect
