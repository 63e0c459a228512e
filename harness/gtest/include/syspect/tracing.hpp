#pragma once
// Tracing from a test: run a command under the tracer, or run a function of
// the test's own process in a traced child, and get the whole trace back as
// a value.

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "syspect/result.hpp"
#include "syspect/trace.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

// Where a call to trace() or trace_function() was written: the compiler
// fills it in at the call site, so that a start error is reported at the
// test's own line.
struct CallSite {
  CallSite(const char* file = __builtin_FILE(), int line = __builtin_LINE()) : file(file), line(line) {}
  const char* file;
  int line;
};

// The command could not be traced at all: not found, not executable, or
// ptrace refused (another tracer holds it). trace() and trace_function()
// first report it as a fatal failure at the line that called them
// ("file.cpp:42: Failure / syspect could not trace ...: cannot run ..."),
// then throw it to end the test there; gtest, which has the failure
// already, adds nothing. To handle a start error yourself, without a
// failure, call try_trace().
class TraceStartError : public ::testing::AssertionException {
 public:
  TraceStartError(TraceError error, CallSite where = {});
  StartError kind() const { return error_.kind; }
  const TraceError& error() const { return error_; }
  // The error's own message, without gtest's "file:line: Failure" that
  // what() starts with.
  const std::string& message() const { return error_.message; }

 private:
  TraceError error_;
};

// Runs `argv` (argv[0] looked up in PATH) under the tracer until the last
// process of its tree is gone. When it cannot start, fails the test at the
// caller's line and throws TraceStartError; a command that starts and then
// fails, crashes or times out is a trace like any other: assert how it
// ended (ExitedWith(0), Trace::exit_code()) before what it did.
Trace trace(const std::vector<std::string>& argv, const TraceOptions& options = {}, CallSite where = {});

// The same, returning the start error instead of throwing it.
Result<Trace, TraceError> try_trace(const std::vector<std::string>& argv,
                                    const TraceOptions& options = {});

// How a traced function ended.
enum class FunctionOutcome : std::uint8_t {
  Returned,  // it returned; the child then exited with 0
  Threw,     // an exception left it; the child then exited with 1
  Exited,    // it ended the process itself (exit, _exit, exec'd program's exit)
  Killed,    // a signal ended the process (a crash: SIGSEGV, SIGABRT, ...)
  Unfinished,  // the trace ended first: the timeout fired, or the tracer
               // was stopped (Tracer::request_stop); how it would have ended
               // is unknown
};

// The trace of a function, and how the function ended.
class FunctionTrace : public Trace {
 public:
  FunctionTrace() = default;
  FunctionTrace(Trace trace, FunctionOutcome outcome, std::string exception)
      : Trace(std::move(trace)), outcome_(outcome), exception_(std::move(exception)) {}

  FunctionOutcome outcome() const { return outcome_; }
  bool returned() const { return outcome_ == FunctionOutcome::Returned; }
  bool threw() const { return outcome_ == FunctionOutcome::Threw; }
  // The uncaught exception's what() (or a note that it was not a
  // std::exception); empty unless threw().
  const std::string& exception() const { return exception_; }

 private:
  FunctionOutcome outcome_ = FunctionOutcome::Returned;
  std::string exception_;
};

// Runs `fn` in a forked child of the test process, under the tracer. The
// trace holds the calls made from the moment `fn` starts until it returns
// (or throws), by every thread and process it creates; none of the
// harness's own. When `fn` ends the process (exit, a crash) the trace runs
// to the end and includes the signal and the exits.
//
// `fn` runs in the child: its side effects on memory (variables it sets,
// objects it fills) stay there and are not seen by the test afterwards;
// effects outside the process (files, sockets) happen as usual. Of
// `options`, `follow`, `timeout` and the string limits apply; `env`, `cwd`
// and `before_exec` do not (nothing is exec'd). Throws TraceStartError when
// the child cannot be traced (a failure at the caller's line, as trace()).
FunctionTrace trace_function(const std::function<void()>& fn, const TraceOptions& options = {},
                             CallSite where = {});

}  // namespace syspect
