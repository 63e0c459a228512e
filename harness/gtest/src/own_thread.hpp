// Runs a trace on a thread of its own.
//
// A tracer waits for its tracees with waitpid(-1, __WALL | __WNOTHREAD):
// only the children and tracees of the thread it runs on. Run on the test's
// own thread, it would also reap any child the test started for itself (a
// server, a helper) that happened to end during the trace. A fresh thread
// has no children but the ones the trace starts, so the test's own children
// are left to the test, and traces run from several threads at once do not
// see each other's tracees.
#pragma once

#include <exception>
#include <optional>
#include <thread>
#include <utility>

#include "syspect/tracing.hpp"

namespace syspect::detail {

// Reports a start error as a fatal failure at `where` (the test's line),
// then throws it as TraceStartError.
[[noreturn]] void fail_to_start(TraceError error, const CallSite& where);

template <class F>
auto on_own_thread(F&& f) -> decltype(f()) {
  std::optional<decltype(f())> result;
  std::exception_ptr error;
  std::thread worker([&] {
    try {
      result.emplace(f());
    } catch (...) {
      error = std::current_exception();
    }
  });
  worker.join();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace syspect::detail
