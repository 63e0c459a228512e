#pragma once
// Comparing two traces of a program: what `syspect diff` prints.
//
// Both traces are first normalised (pids and tids named by their place in
// the process tree, addresses, times, random bytes and user patterns
// replaced), processes are paired by their place in the tree and their
// executable, and each pair's events are aligned call by call (Myers), so
// that one extra call is one `+` line.

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "syspect/filter.hpp"
#include "syspect/format.hpp"
#include "syspect/regex.hpp"
#include "syspect/result.hpp"
#include "syspect/trace.hpp"

namespace syspect {

// A user's `--normalize REGEX=REPLACEMENT`.
struct NormalizeRule {
  std::string text;  // as given
  Regex pattern;
  std::string replacement;  // $& the match, $1..$99 a group, $` $' before and after it, $$ a '$'
};

// Parses "REGEX=REPLACEMENT" (the last '=' splits, so the regex may hold one
// when the replacement does not).
Result<NormalizeRule, std::string> parse_normalize_rule(const std::string& text);

struct DiffOptions {
  std::vector<NormalizeRule> normalize;
  std::optional<SyscallFilter> ignore;  // calls it selects are left out
  // futex waits and wakes depend on which thread got a lock first, not on
  // what the program does: left out unless asked for.
  bool keep_futex = false;
  std::size_t context = 3;              // lines of context around each change
  bool colour = false;
  FormatOptions format = [] {
    FormatOptions f;  // -s 32
    f.align = false;
    return f;
  }();
  std::string old_name = "old";  // shown in the --- / +++ header
  std::string new_name = "new";
};

struct DiffResult {
  bool equal = true;
  std::string text;  // empty when equal
  // Some process's calls differed in more than kMaxAlignDistance places:
  // its part of the diff is correct but not minimal (the text says so).
  bool minimal = true;
};

// The unified diff of every paired process, then a table of count changes.
DiffResult diff_traces(const Trace& old_trace, const Trace& new_trace, const DiffOptions& options);

// Only per-syscall counts and the set of distinct (syscall, path) pairs.
DiffResult diff_counts(const Trace& old_trace, const Trace& new_trace, const DiffOptions& options);

// One normalised process (thread) of a trace: its place in the tree, its
// executable, and its events as lines. Exposed for tests and tools.
struct NormalizedTask {
  std::string position;  // "1", "1.2": the 2nd task the root created
  std::string exe;       // the last executable seen
  std::vector<std::string> lines;    // syscalls, then its exit
  std::vector<std::string> signals;  // signals, kept apart: their timing varies
  std::vector<std::string> names;    // the syscall name of each syscall line
};
std::vector<NormalizedTask> normalize_trace(const Trace& trace, const DiffOptions& options);

// An alignment of two sequences (Myers' O(ND) algorithm) after their common
// head and tail. A minimal one is searched for up to kMaxAlignDistance
// differences (memory O(D^2), at most about 8 MiB; time O((N+M)D)); past
// that the middle is given as removed then added, which is correct but not
// minimal, and `*minimal` (when given) is set to false.
enum class EditOp : unsigned char { Keep, Remove, Add };
struct Edit {
  EditOp op;
  std::size_t old_index;  // Keep and Remove
  std::size_t new_index;  // Keep and Add
};
inline constexpr long kMaxAlignDistance = 1000;
std::vector<Edit> align(const std::vector<std::string>& a, const std::vector<std::string>& b,
                        bool* minimal = nullptr);

}  // namespace syspect
