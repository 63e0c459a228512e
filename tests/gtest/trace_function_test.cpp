// syspect::trace_function(): only the function's own calls are traced, in
// a child whose side effects stay there; threads, exits, crashes and
// exceptions are reported.

#include <fcntl.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "syspect/gtest.hpp"

namespace {

using namespace syspect::testing;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::Ne;
using ::testing::Not;
using ::testing::SizeIs;

// One 8192-byte write to /dev/null, "SECRET" at byte 5000.
void write_secret() {
  std::string buf(8192, '.');
  buf.replace(5000, 6, "SECRET");
  int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  if (::write(fd, buf.data(), buf.size()) < 0) std::abort();
  ::close(fd);
}

// A matcher never judges a buffer cut when read (past
// TraceOptions::max_buffer) as if it were all of it: Never, Calls and
// CallsTimes fail and say why; kept whole, it is judged.
TEST(TraceFunction, MatchersDoNotJudgeACutBuffer) {
  syspect::FunctionTrace t = syspect::trace_function(write_secret);
  const auto secret = Syscall("write", Arg("buf", HasSubstr("SECRET")));
  ::testing::StringMatchResultListener why;
  EXPECT_FALSE(TraceMatcher(Never(secret)).MatchAndExplain(t, &why));
  EXPECT_THAT(why.str(), HasSubstr("which made no call known to be such, but 1 call cannot be judged: write("));
  EXPECT_THAT(why.str(), HasSubstr("8192) = 8192 whose buf is a buffer of 8192 bytes cut at 4096 "
                                   "(TraceOptions::max_buffer), so it cannot be judged"));
  EXPECT_FALSE(TraceMatcher(Never(Syscall("write", Arg("buf", Not(HasSubstr("SECRET")))))).Matches(t));
  EXPECT_FALSE(TraceMatcher(Calls(secret)).Matches(t));
  EXPECT_FALSE(TraceMatcher(CallsTimes(secret, 0)).Matches(t));
  EXPECT_FALSE(::testing::Matches(secret)(t.syscalls("write").at(0)));
  // Other arguments of the call are judged as usual.
  EXPECT_THAT(t, Calls(Syscall("write", Arg("count", 8192))));

  syspect::TraceOptions whole;
  whole.max_buffer = 8192;
  t = syspect::trace_function(write_secret, whole);
  EXPECT_THAT(t, Calls(secret));
  EXPECT_THAT(t, Never(Syscall("write", Arg("buf", HasSubstr("NOT THERE")))));
}

TEST(TraceFunction, NoSyscalls) {
  volatile int sum = 0;
  syspect::FunctionTrace t = syspect::trace_function([&] {
    for (int i = 0; i < 1000; ++i) sum = sum + i;
  });
  EXPECT_THAT(t, NoSyscalls());
  EXPECT_TRUE(t.returned());
  EXPECT_EQ(t.exit_code(), 0);
  EXPECT_TRUE(t.events().empty());
  EXPECT_EQ(::testing::PrintToString(t), "trace of a function that returned: 0 syscalls in 0 processes");
}

TEST(TraceFunction, OnlyTheFunctionsCalls) {
  syspect::FunctionTrace t = syspect::trace_function([] {
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) ::close(fd);
  });
  EXPECT_THAT(t.syscalls(),
              ElementsAre(Syscall("openat", Arg("pathname", "/dev/null"),
                                  Arg("flags", "O_RDONLY|O_CLOEXEC"), Returns(Ge(0))),
                          Syscall("close", Returns(0))));
  EXPECT_THAT(t, OnlySyscalls({"openat", "close"}));
  EXPECT_TRUE(t.returned());
  ASSERT_THAT(t.pids(), SizeIs(1));
  EXPECT_NE(t.pids().front(), ::getpid());
}

TEST(TraceFunction, SideEffectsStayInTheChild) {
  int touched = 0;
  syspect::FunctionTrace t = syspect::trace_function([&] { touched = 1; });
  EXPECT_EQ(touched, 0);
  EXPECT_THAT(t, NoSyscalls());
}

TEST(TraceFunction, Threads) {
  syspect::FunctionTrace t = syspect::trace_function([] {
    std::thread worker([] { (void)::syscall(SYS_getppid); });
    worker.join();
  });
  EXPECT_TRUE(t.returned());
  EXPECT_THAT(t, Calls(Syscall(::testing::AnyOf("clone", "clone3"))));
  ASSERT_THAT(t.syscalls("getppid"), SizeIs(1));
  const syspect::SyscallEvent g = t.syscalls("getppid").front();
  EXPECT_NE(g.tid, g.pid);  // made by the worker thread
  EXPECT_THAT(t.pids(), SizeIs(1));
  EXPECT_THAT(t, InOrder(Syscall(::testing::StartsWith("clone")), Syscall("getppid")));
}

TEST(TraceFunction, Crash) {
  syspect::FunctionTrace t = syspect::trace_function([] {
    (void)::syscall(SYS_getppid);
    ::raise(SIGSEGV);
  });
  EXPECT_EQ(t.outcome(), syspect::FunctionOutcome::Killed);
  EXPECT_TRUE(t.signaled());
  EXPECT_EQ(t.term_signal(), SIGSEGV);
  EXPECT_THAT(t, Calls(Syscall("getppid")));
  bool saw_signal = false;
  for (const auto& e : t.events())
    if (const auto* s = std::get_if<syspect::SignalEvent>(&e)) saw_signal |= s->signo == SIGSEGV;
  EXPECT_TRUE(saw_signal);
  EXPECT_EQ(::testing::PrintToString(t).rfind("trace of a function that was killed by SIGSEGV: ", 0), 0u)
      << ::testing::PrintToString(t);
}

TEST(TraceFunction, NullDereference) {
  syspect::FunctionTrace t = syspect::trace_function([] {
    volatile int* volatile p = nullptr;
    *p = 1;
  });
  EXPECT_EQ(t.outcome(), syspect::FunctionOutcome::Killed);
  EXPECT_EQ(t.term_signal(), SIGSEGV);
}

// A crash never reads as a clean exit: exit_code() is empty, so the usual
// EXPECT_EQ(t.exit_code(), 0) fails, and so does ExitedWith(0).
TEST(TraceFunction, ACrashIsNeverAnExitWithZero) {
  syspect::FunctionTrace t = syspect::trace_function([] { *(volatile int*)nullptr = 1; });
  EXPECT_NE(t.exit_code(), 0);
  EXPECT_EQ(t.exit_code(), std::nullopt);
  EXPECT_EQ(t.term_signal(), SIGSEGV);
  EXPECT_EQ(t.status(), 128 + SIGSEGV);
  EXPECT_THAT(t, KilledBySignal(SIGSEGV));
  EXPECT_THAT(t, KilledBySignal());
  EXPECT_THAT(t, Not(ExitedWith(0)));
  EXPECT_THAT(t, Not(ExitedWith(_)));
  EXPECT_NONFATAL_FAILURE(EXPECT_EQ(t.exit_code(), 0), "Which is: (nullopt)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, ExitedWith(0)),
                          "Expected: exits with 0\n  Actual: trace of a function that was killed by "
                          "SIGSEGV: 0 syscalls in 0 processes (of type syspect::FunctionTrace), which was "
                          "killed by SIGSEGV");
}

// A function its trace's timeout cut short did not end: no exit code, no
// signal of its own (the timeout's SIGKILL is not how the function ended).
TEST(TraceFunction, ATimeoutIsUnfinishedNotAnExit) {
  syspect::TraceOptions options;
  options.timeout = std::chrono::milliseconds(200);
  syspect::FunctionTrace t = syspect::trace_function([] {
    for (;;) ::pause();
  }, options);
  EXPECT_EQ(t.outcome(), syspect::FunctionOutcome::Unfinished);
  EXPECT_FALSE(t.returned());
  EXPECT_TRUE(t.timed_out());
  EXPECT_FALSE(t.finished());
  EXPECT_NE(t.exit_code(), 0);
  EXPECT_EQ(t.exit_code(), std::nullopt);
  EXPECT_EQ(t.term_signal(), std::nullopt);
  EXPECT_EQ(t.status(), std::nullopt);
  EXPECT_THAT(t, TimedOut());
  EXPECT_THAT(t, Not(KilledBySignal(SIGKILL)));
  EXPECT_THAT(t, Not(ExitedWith(_)));
  EXPECT_THAT(t, Calls(Syscall("pause")));
  EXPECT_THAT(::testing::PrintToString(t),
              ::testing::StartsWith("trace of a function that timed out and was killed: "));
}

TEST(TraceFunction, UncaughtException) {
  syspect::FunctionTrace t = syspect::trace_function([] {
    (void)::syscall(SYS_getppid);
    throw std::runtime_error("the cache is cold");
  });
  EXPECT_TRUE(t.threw());
  EXPECT_EQ(t.exception(), "the cache is cold");
  EXPECT_EQ(t.exit_code(), 1);
  // Throwing may make calls of its own (the unwinder's first use).
  ASSERT_FALSE(t.syscalls().empty());
  EXPECT_THAT(t.syscalls().front(), Syscall("getppid"));
  EXPECT_THAT(::testing::PrintToString(t),
              ::testing::StartsWith("trace of a function that threw \"the cache is cold\": "));
}

TEST(TraceFunction, ExitInsideTheFunction) {
  syspect::FunctionTrace t = syspect::trace_function([] { ::_exit(7); });
  EXPECT_EQ(t.outcome(), syspect::FunctionOutcome::Exited);
  EXPECT_EQ(t.exit_code(), 7);
  EXPECT_THAT(t.syscalls(), ElementsAre(Syscall("exit_group", Arg("status", 7))));
}

TEST(TraceFunction, ForkedChildren) {
  syspect::FunctionTrace t = syspect::trace_function([] {
    pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
  });
  EXPECT_TRUE(t.returned());
  EXPECT_THAT(t, Calls(Syscall("wait4", Returns(Ne(0)))));
  EXPECT_THAT(t.pids(), SizeIs(2));
}

// strace prints clone's arguments in its own order (child_stack first, the
// exit signal inside flags): every argument comes from the decoded event.
TEST(TraceFunction, CloneArgumentsAreTheDecodedOnes) {
  syspect::FunctionTrace t = syspect::trace_function([] {
    pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
  });
  EXPECT_THAT(t, Calls(Syscall("clone", Arg("flags", HasFlag("SIGCHLD")))));
  EXPECT_THAT(t, Calls(Syscall("clone", Arg("flags", HasFlag("CLONE_CHILD_SETTID")))));
  EXPECT_THAT(t, Never(Syscall("clone", Arg("flags", HasFlag("SIGUSR1")))));
  EXPECT_THAT(t, Calls(Syscall("clone", Arg("flags", "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"))));
  EXPECT_THAT(t, Calls(Syscall("clone", Arg("stack", 0))));
  const std::vector<syspect::SyscallEvent> calls = t.syscalls();
  const syspect::SyscallEvent* clone = nullptr;
  for (const auto& e : calls)
    if (e.name() == "clone") clone = &e;
  ASSERT_NE(clone, nullptr);
  EXPECT_EQ(syspect::arg_of(*clone, "flags").text(), "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
  EXPECT_EQ(syspect::arg_of(*clone, "stack").text(), "NULL");
  EXPECT_THAT(syspect::arg_of(*clone, "child_tid").text(), ::testing::StartsWith("0x"));
  EXPECT_EQ(syspect::arg_of(*clone, "flags").has_flag("SIGCHLD"), true);
  EXPECT_EQ(syspect::arg_of(*clone, "flags").has_flag("CLONE_VM"), false);
}

// FdPath tells fsync of the temp file from fsync of its directory, with no
// decode_fds: trace_function() read the files as the calls were made. The
// text of the calls stays without paths.
TEST(TraceFunction, FdPathWithoutDecodeFds) {
  char dir_template[] = "/tmp/syspect-fdpath-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::string tmp = dir + "/state.tmp";
  syspect::FunctionTrace t = syspect::trace_function([&] {
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::fsync(fd);
    ::fsync(d);
    ::close(fd);
    ::close(d);
  });
  ::unlink(tmp.c_str());
  ::rmdir(dir.c_str());
  EXPECT_THAT(t, CallsTimes(Syscall("fsync", Arg("fd", FdPath(HasSubstr(".tmp")))), 1));
  EXPECT_THAT(t, CallsTimes(Syscall("fsync", Arg("fd", FdPath(dir))), 1));
  // A close is judged by the file it closed.
  EXPECT_THAT(t, Calls(Syscall("close", Arg("fd", FdPath(tmp)))));
  EXPECT_THAT(t, InOrder(Syscall("fsync", Arg("fd", FdPath(tmp))), Syscall("fsync", Arg("fd", FdPath(dir)))));
  for (const syspect::SyscallEvent& e : t.syscalls("fsync"))
    EXPECT_THAT(syspect::strace_text(e), Not(HasSubstr("<"))) << "fd paths shown without decode_fds";

  ::testing::StringMatchResultListener why;
  const auto wrong = Syscall("fsync", Arg("fd", FdPath(EndsWith(".log"))));
  EXPECT_FALSE(TraceMatcher(Calls(wrong)).MatchAndExplain(t, &why));
  EXPECT_THAT(why.str(), HasSubstr(" (\"" + tmp + "\"); wanted: refers to a file whose path ends with \".log\""));
  EXPECT_THAT(why.str(), HasSubstr(" (\"" + dir + "\"); wanted: refers to a file whose path ends with \".log\""));
  EXPECT_EQ(::testing::DescribeMatcher<const syspect::SyscallEvent&>(wrong),
            "is a call to fsync whose fd refers to a file whose path ends with \".log\"");
  // An argument that is no descriptor is refused at once.
  EXPECT_THROW(Syscall("openat", Arg("pathname", FdPath("x"))), std::invalid_argument);
}

// trace() reads them too, for a program it runs.
TEST(TraceFunction, FdPathOfATracedProgram) {
  syspect::Trace t = syspect::trace({"cat", "/etc/hostname"});
  ASSERT_THAT(t, ExitedWith(0));
  EXPECT_THAT(t, Calls(Syscall("read", Arg("fd", FdPath("/etc/hostname")), Returns(Ge(0)))));
  EXPECT_THAT(t, Never(Syscall("read", Arg("fd", FdPath(HasSubstr("passwd"))))));
}

// A failed EXPECT inside the function fails the test, at the EXPECT's own
// file:line, with its message.
void fail_in_function() {
  auto t = syspect::trace_function([] {
    EXPECT_EQ(2 + 2, 5) << "checked in the traced function";
  });
}
int fail_line() { return __LINE__ - 3; }

TEST(TraceFunction, FailuresInTheFunctionAreTheTests) {
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    fail_in_function();
  }
  ASSERT_EQ(failures.size(), 1);
  const ::testing::TestPartResult& f = failures.GetTestPartResult(0);
  EXPECT_TRUE(f.nonfatally_failed());
  EXPECT_THAT(f.file_name(), EndsWith("trace_function_test.cpp"));
  EXPECT_EQ(f.line_number(), fail_line());
  EXPECT_THAT(f.message(), HasSubstr("checked in the traced function"));
  EXPECT_THAT(f.message(), HasSubstr("in the function traced by trace_function()"));
  // The same through gtest's own check of a failure.
  EXPECT_NONFATAL_FAILURE(fail_in_function(), "checked in the traced function");
}

// An ASSERT is a fatal failure of the test; the function returned (the
// ASSERT left it), and a thread of the function reports as well.
TEST(TraceFunction, FatalFailuresAndThreads) {
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &failures);
    syspect::FunctionTrace t = syspect::trace_function([] {
      std::thread([] { ADD_FAILURE() << "from a thread"; }).join();
      ASSERT_TRUE(false) << "asserted";
    });
    EXPECT_TRUE(t.returned());
  }
  ASSERT_EQ(failures.size(), 2);
  EXPECT_THAT(failures.GetTestPartResult(0).message(), HasSubstr("from a thread"));
  EXPECT_TRUE(failures.GetTestPartResult(1).fatally_failed());
  EXPECT_THAT(failures.GetTestPartResult(1).message(), HasSubstr("asserted"));
}

}  // namespace
