#pragma once
// Fault injection: make chosen syscalls fail (or return a chosen value, or
// be followed by a signal, or be delayed), as strace's `-e inject=`.
//
// The tracer carries out an injection at the call's entry stop: for an
// error or a return value it sets the call's number to -1 (the kernel runs
// nothing) and writes the result at the exit stop, as it does for a sink's
// Fail verdict. A signal is sent to the thread once the call has returned;
// a delay holds the thread at the entry (or exit) stop for that long.
//
// Counting: each injection counts the calls it selects (its set, then its
// condition) across the whole traced tree, in the order the tracer sees
// their entries: the first such call is 1. (strace counts per thread.) A
// program whose processes and threads make the selected calls one at a
// time is counted the same way in every run; concurrent ones in the order
// the scheduler let them in. Calls a sink's verdict stopped are not
// counted.
//
// Several injections: every one counts every call it selects; the first in
// the order given whose `when` fires on a call acts on it, the others leave
// that call alone.

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "syspect/event.hpp"
#include "syspect/result.hpp"

namespace syspect {

class SyscallFilter;

// Which of the selected calls an injection acts on (strace's `when=`):
// "N" the N-th only, "N+" the N-th and every one after, "N+S" the N-th and
// every S-th after, "N..M" the N-th to the M-th. The default: every call.
struct InjectWhen {
  std::uint64_t first = 1;
  std::uint64_t last = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t step = 1;

  // Whether the n-th selected call (from 1) is acted on.
  bool fires(std::uint64_t n) const {
    return n >= first && n <= last && (n - first) % step == 0;
  }
  static Result<InjectWhen, std::string> parse(std::string_view text);
  static InjectWhen only(std::uint64_t n) { return {n, n, 1}; }
  std::string text() const;  // "2", "2+", "2+3", "2..4"; "" for every call
};

struct Injection {
  // Which calls, as `-e trace=` takes it: names, @class (or %class), '!'.
  std::string set = "all";
  // Of those, which (an argument condition; empty: every one). Called at
  // the call's entry, with its inputs decoded, while the thread is stopped.
  std::function<bool(const SyscallEvent&)> condition;

  // What to do (any combination; none: count only).
  std::optional<int> error;          // the call does not run and fails with this errno
  std::optional<std::int64_t> retval;  // the call does not run and returns this
  int signal = 0;                    // sent to the thread after the call returned
  std::chrono::microseconds delay_enter{0};  // the call starts this much later
  std::chrono::microseconds delay_exit{0};   // the caller sees the result this much later

  InjectWhen when;
  // As written ("write:error=ENOSPC:when=2"), for messages.
  std::string text;

  // strace's syntax, what follows `-e inject=`: SET:ACTION[:ACTION...]
  // with ACTION error=ERRNO (or fault=), retval=N, signal=SIG,
  // delay_enter=D, delay_exit=D, when=EXPR. D as --timeout takes it
  // (10s, 500ms), or `us` for microseconds.
  static Result<Injection, std::string> parse(std::string_view spec);

  bool skips_call() const { return error.has_value() || retval.has_value(); }
  bool acts() const {
    return skips_call() || signal != 0 || delay_enter.count() > 0 || delay_exit.count() > 0;
  }
};

// "ENOSPC" or "28"; nothing when neither.
std::optional<int> parse_errno(std::string_view text);
// "SIGUSR1", "USR1" or "10"; nothing when neither.
std::optional<int> parse_signal(std::string_view text);
// A delay: "100ms", "2s", "250us"; a bare number is seconds.
Result<std::chrono::microseconds, std::string> parse_delay(std::string_view text);

}  // namespace syspect
