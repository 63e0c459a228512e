#pragma once
// Where a verb writes what it makes (a trace, a report, a diff, a policy),
// with every write checked: a full disk or an I/O error is a failure the
// verb reports, never a file silently cut short.

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "syspect/result.hpp"

namespace syspect {

struct SpecErrors;

// How a named regular file is written.
enum class Replace {
  // Under a temporary name beside it, renamed over it once complete: a
  // reader sees the previous file or the new one whole, never a part, and
  // a run that fails leaves the previous file as it was.
  Whole,
  // Truncated and written as the run goes, so that it can be followed
  // while it grows (`syspect trace -o`).
  InPlace,
};

class Output {
 public:
  // `path` is a file; "" is `fallback` (stdout or stderr).
  // A file is opened now, so that a path that cannot be written is an
  // error before anything runs: "cannot open 'x': Permission denied". What
  // is not a regular file (/dev/full, a FIFO, /dev/stdout) is written in
  // place whatever `how` says. Descriptors are close-on-exec: a traced
  // program never inherits them.
  static Result<std::unique_ptr<Output>, std::string> open(const std::string& path, Replace how,
                                                            std::FILE* fallback);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  std::FILE* stream() const { return stream_; }
  // A stdio buffer of `bytes` (_IOFBF or _IOLBF); before anything is written.
  void set_buffer(std::size_t bytes, int mode);
  // Writes `text`; a failure is remembered, and nothing more is written.
  void write(std::string_view text);
  // A failure (an errno) seen by whoever else wrote to stream(), such as a
  // sink's write_error(); 0 is none.
  void failed(int err);
  // Flushes, syncs and closes; a whole file is then renamed into place. The
  // errno of the first failure, or 0. After a failure a whole file's
  // temporary is gone and the previous file is untouched.
  int finish();
  // "cannot write the trace to '/dev/full': No space left on device", for
  // `what` = "the trace" and the errno `finish()` returned.
  std::string failure(std::string_view what, int err) const;

 private:
  Output() = default;
  void discard();

  std::string path_;       // as given; empty for a standard stream
  std::string final_;      // where a whole file is renamed to
  std::string temporary_;  // the whole file while it is written
  std::FILE* stream_ = nullptr;
  bool owned_ = false;     // stream_ is ours to close
  bool finished_ = false;
  int error_ = 0;
  std::unique_ptr<char[]> buffer_;
};

// A spec that could not be read: each problem at its file:line:column on
// stderr, then "syspect: N problems in PATH".
void print_spec_errors(const SpecErrors& errors, const std::string& path);

}  // namespace syspect
