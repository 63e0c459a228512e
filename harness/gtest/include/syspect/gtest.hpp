#pragma once
// syspect for GoogleTest: trace a command or a function, and assert on the
// trace with GoogleMock matchers. See docs/gtest.md.
//
//   #include <syspect/gtest.hpp>
//   using namespace syspect::testing;
//
//   TEST(Cat, ReadsOnlyWhatItIsGiven) {
//     syspect::Trace t = syspect::trace({"cat", "/etc/hostname"});
//     EXPECT_THAT(t, ExitedWith(0));
//     EXPECT_THAT(t, Calls(Syscall("openat", Arg("pathname", "/etc/hostname"))));
//     EXPECT_THAT(t, Never(Syscall("connect")));
//   }

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "syspect/matchers.hpp"
#include "syspect/printers.hpp"
#include "syspect/syscall_arg.hpp"
#include "syspect/trace.hpp"
#include "syspect/tracing.hpp"
