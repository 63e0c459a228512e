#pragma once
// The CLI's own exit statuses. A traced command's status passes through
// otherwise, so these sit where shells put theirs.

namespace syspect {

inline constexpr int kExitUsage = 2;          // bad option or argument
inline constexpr int kExitTimeout = 124;      // --timeout fired (as timeout(1))
// ptrace refused, the tracer failed, or the trace could not be written
inline constexpr int kExitCannotTrace = 125;
inline constexpr int kExitNotExecutable = 126;
inline constexpr int kExitNotFound = 127;

}  // namespace syspect
