// A test program of its own, run by ctest and judged by its output: a start
// error of trace() or trace_function() is a failure at the line that called
// it, with the reason, and the test stops there; gtest adds no "unknown
// file" failure of its own.

#include <gtest/gtest.h>

#include "syspect/gtest.hpp"

namespace {

TEST(StartErrorProbe, MissingProgram) {
  syspect::Trace t = syspect::trace({"/nonexistent/syspect-probe-program"});  // PROBE-LINE-MISSING
  ADD_FAILURE() << "reached the line after a trace that could not start";
}

// Run under another tracer (strace -f): the child syspect starts is taken
// by it first.
TEST(StartErrorProbe, AlreadyTraced) {
  syspect::Trace t = syspect::trace({"true"});  // PROBE-LINE-TRACED
  ADD_FAILURE() << "reached the line after a trace that could not start";
}

TEST(StartErrorProbe, FunctionAlreadyTraced) {
  auto t = syspect::trace_function([] {});  // PROBE-LINE-FUNCTION
  ADD_FAILURE() << "reached the line after a trace that could not start";
}

// A failed EXPECT inside a traced function fails this test, at its line.
TEST(ChildFailureProbe, ExpectInFunction) {
  auto t = syspect::trace_function([] { EXPECT_EQ(1 + 1, 3) << "checked in the child"; });  // PROBE-LINE-CHILD
}

}  // namespace
