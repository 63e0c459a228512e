#include "syspect/diagnostic.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace syspect {

void Diagnostics::error(SourcePos pos, std::string message) {
  items_.push_back({pos, std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
    return a.pos.column < b.pos.column;
  });
  // The same problem found twice (a matcher checked for several syscalls)
  // is reported once.
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Diagnostic& a, const Diagnostic& b) {
                          return a.pos.line == b.pos.line && a.pos.column == b.pos.column &&
                                 a.message == b.message;
                        }),
            out.end());
  return out;
}

std::string format_diagnostics(std::string_view file, const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) {
    if (d.pos.line == 0)
      out += fmt::format("{}: error: {}\n", file, d.message);
    else
      out += fmt::format("{}:{}:{}: error: {}\n", file, d.pos.line, d.pos.column, d.message);
  }
  return out;
}

}  // namespace syspect
