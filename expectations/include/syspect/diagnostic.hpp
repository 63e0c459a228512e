#pragma once
// Problems found in an expectation file, each pointing at where it is.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace syspect {

struct SourcePos {
  std::uint32_t line = 0;    // 1-based; 0 when unknown
  std::uint32_t column = 0;  // 1-based
};

struct Diagnostic {
  SourcePos pos;
  std::string message;  // "unknown syscall 'opnat'; did you mean 'openat'?"
};

// Collects every problem in a file, to report them all at once.
class Diagnostics {
 public:
  void error(SourcePos pos, std::string message);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  // Sorted by position (stable for equal positions).
  std::vector<Diagnostic> sorted() const;
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

// "FILE:LINE:COLUMN: error: MESSAGE\n" for each, in order.
std::string format_diagnostics(std::string_view file, const std::vector<Diagnostic>& diags);

// The closest of `candidates` to `word` by edit distance, when close enough
// to be a likely typo, else the shortest candidate that `word` begins (of
// three letters or more: "path" for "pathname"); empty otherwise.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

// "; did you mean 'X'?" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace syspect
