#pragma once
// strace's display options on `syspect trace`: -x/-xx (--strings-in-hex),
// -v (--no-abbrev), -e abbrev=SET, -e verbose=SET, -i, -n, -a COLUMN,
// -e read=SET, -e write=SET.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "syspect/format.hpp"
#include "syspect/result.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

struct DisplayArgs {
  int hex = 0;             // -x (1), -xx (2)
  std::string hex_word = "-";  // --strings-in-hex[=WORD]; "-": not given
  bool no_abbrev = false;  // -v
  bool ip = false;         // -i
  bool numbers = false;    // -n
  std::size_t column = 40; // -a
};

// Registers the options above on `app`.
void add_display_options(CLI::App* app, DisplayArgs& args);

// "abbrev=SET", "verbose=SET", "read=SET", "write=SET" (and strace's
// one-letter keys a=, v=, r=, w=): an -e expression these options own.
bool is_display_expr(std::string_view expr);

// Sets the tracer's and the printer's options from `args` and the -e
// expressions of `exprs` that is_display_expr() owns, in order (-v comes as
// abbrev=none, in its place: see qualifiers_in_order()). The error
// names the expression: "-e read=x: 'x' is not a file descriptor".
Result<bool, std::string> apply_display_options(const DisplayArgs& args,
                                                const std::vector<std::string>& exprs,
                                                TraceOptions& trace, FormatOptions& format);

}  // namespace syspect
