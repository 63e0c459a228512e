// Matchers nested where they do not belong: each case must not compile, and
// the error must say why in a sentence (see CMakeLists.txt).

#include <gmock/gmock.h>

#include "syspect/gtest.hpp"

using namespace syspect::testing;
using ::testing::_;

void nested() {
#if defined(BAD_ARG_IN_ARG)
  auto m = Syscall("fsync", Arg("fd", Arg("fd", _)));
#elif defined(BAD_TRACE_IN_SYSCALL)
  auto m = Syscall("fsync", Calls(Syscall("fsync")));
#elif defined(BAD_CALL_IN_MEMBER)
  auto m = Arg("statbuf", Member("st_size", Returns(0)));
#endif
  (void)m;
}
