#pragma once
// Reading a recorded trace (JSON Lines, as JsonlSink writes it and `syspect
// record` saves it) back into a Trace, so that matchers, expectation files,
// `diff` and `policy` work on recordings as on live runs.

#include <cstddef>
#include <istream>
#include <string>

#include "syspect/result.hpp"
#include "syspect/trace.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

// The trace file format version this syspect reads and writes.
inline constexpr int kTraceFileVersion = 1;

struct TraceFileError {
  std::string file;      // the name used in messages
  std::size_t line = 0;  // 1-based; 0 when the file itself could not be read
  std::string message;
  // "trace.jsonl:12: expected an object with a \"type\""
  std::string format() const;
};

// A recorded trace: the events, the command and how it ended.
struct RecordedTrace {
  Trace trace;
  int version = kTraceFileVersion;
  std::string start;  // the header's start time, as written
  // Recorded with `-e trace=SET`: the set (only its calls are in the
  // trace). Empty: every call was kept.
  std::string kept;
  // Recorded with --redact-env: which variables' values execve's envp
  // holds replaced ("*TOKEN*,*SECRET*,...", "all", or names).
  std::string redacted_env;
};

// Parses a whole trace. Every line must be a JSON object; the first is the
// header, the last the "end" line. A file that stops before its "end" line
// (the recorder was killed, the copy was cut) is an error naming the line.
Result<RecordedTrace, TraceFileError> read_trace(std::istream& in, const std::string& display_name);
Result<RecordedTrace, TraceFileError> load_trace(const std::string& path);

// Hands every event of `trace` to `sink` in order, then on_finish: a recorded
// trace checked as if it were running.
void replay(const Trace& trace, Sink& sink);

}  // namespace syspect
