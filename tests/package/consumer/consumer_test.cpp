// Built against syspect as a consumer would build it; run by ctest.

#include <syspect/gtest.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <optional>

using namespace syspect::testing;

TEST(Consumer, TracesACommand) {
  syspect::Trace t = syspect::trace({"true"});
  EXPECT_THAT(t, ExitedWith(0));
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

TEST(Consumer, ACrashIsNotAnExit) {
  syspect::FunctionTrace t = syspect::trace_function([] { *(volatile int*)nullptr = 1; });
  EXPECT_THAT(t, KilledBySignal(SIGSEGV));
  EXPECT_THAT(t, ::testing::Not(ExitedWith(0)));
  EXPECT_EQ(t.exit_code(), std::nullopt);
}

TEST(Consumer, ATimeoutIsNotAnExit) {
  syspect::TraceOptions options;
  options.timeout = std::chrono::milliseconds(200);
  syspect::Trace t = syspect::trace({"sleep", "1000"}, options);
  EXPECT_THAT(t, TimedOut());
  EXPECT_THAT(t, ::testing::Not(ExitedWith(::testing::_)));
}
