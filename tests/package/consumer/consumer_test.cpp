// Built against syspect as a consumer would build it; run by ctest.

#include <syspect/gtest.hpp>

#include <fcntl.h>
#include <unistd.h>

using namespace syspect::testing;

TEST(Consumer, TracesACommand) {
  syspect::Trace t = syspect::trace({"true"});
  EXPECT_EQ(t.exit_code(), 0);
  EXPECT_THAT(t, Calls(Syscall("exit_group", Arg("status", 0))));
  EXPECT_THAT(t, Never(Syscall("@network")));
}

TEST(Consumer, TracesAFunction) {
  syspect::FunctionTrace t = syspect::trace_function([] {
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ::close(fd);
  });
  EXPECT_THAT(t.syscalls(), ::testing::ElementsAre(Syscall("openat", Arg("pathname", "/dev/null")),
                                                   Syscall("close")));
}
