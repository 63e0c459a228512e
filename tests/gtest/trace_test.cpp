// syspect::trace() on real commands, and the matchers passing and failing on
// the traces it returns (failures caught with EXPECT_NONFATAL_FAILURE, and
// their text checked).

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "syspect/gtest.hpp"
#include "syspect/sinks.hpp"
#include "syspect/trace.hpp"

namespace {

using namespace syspect::testing;
using ::testing::_;
using ::testing::Each;
using ::testing::EndsWith;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

namespace fs = std::filesystem;

// The traced commands' output goes to /dev/null, not into the test log.
syspect::TraceOptions quiet() {
  syspect::TraceOptions o;
  o.before_exec = [] {
    int fd = ::open("/dev/null", O_WRONLY);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    if (fd > 2) ::close(fd);
  };
  return o;
}

// A directory of its own per test, removed afterwards.
class TraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "syspect-gtest-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  fs::path dir_;
};

TEST_F(TraceTest, CommandEventsInOrder) {
  std::string file = write("greeting", "hello\n");
  syspect::Trace t = syspect::trace({"cat", file}, quiet());
  EXPECT_EQ(t.exit_code(), 0);
  EXPECT_FALSE(t.signaled());
  ASSERT_FALSE(t.syscalls().empty());
  EXPECT_THAT(t.syscalls().front(), Syscall("execve", Arg("pathname", EndsWith("cat"))));
  EXPECT_THAT(t.syscalls().back(), Syscall("exit_group", Arg("status", 0)));
  EXPECT_THAT(t, Calls(Syscall("openat", Arg("pathname", file), Arg("flags", HasFlag("O_RDONLY")),
                               Returns(Ge(0)))));
  EXPECT_THAT(t, Calls(Syscall("write", Arg("fd", 1), Arg("buf", "hello\n"), Returns(6))));
  EXPECT_THAT(t, Never(Syscall("connect")));
  EXPECT_THAT(t, Never(Syscall("@network")));
  EXPECT_THAT(t, InOrder(Syscall("execve"), Syscall("openat", Arg("pathname", file)),
                         Syscall("read", Arg("buf", "hello\n")), Syscall("write"),
                         Syscall("exit_group")));
  EXPECT_THAT(t.syscalls("openat"), Each(Syscall(_, Arg("dirfd", "AT_FDCWD"))));
  EXPECT_THAT(t.pids(), SizeIs(1));
  EXPECT_THAT(t.process(t.pids().front()).syscalls(), SizeIs(t.syscalls().size()));
}

TEST_F(TraceTest, EventDetails) {
  std::string file = write("data", "x");
  syspect::Trace t = syspect::trace({"cat", file}, quiet());
  auto opens = t.syscalls("openat");
  auto it = std::find_if(opens.begin(), opens.end(), [&](const syspect::SyscallEvent& e) {
    return syspect::arg_of(e, "pathname").str() == file;
  });
  ASSERT_NE(it, opens.end());
  const syspect::SyscallEvent& e = *it;
  EXPECT_EQ(e.pid, t.pids().front());
  EXPECT_GE(e.result, 0);
  EXPECT_EQ(e.err, 0);
  ASSERT_TRUE(e.exe);
  EXPECT_THAT(*e.exe, EndsWith("/cat"));
  EXPECT_EQ(syspect::arg_of(e, "flags").has_flag("O_RDONLY"), true);
  EXPECT_EQ(syspect::strace_text(e),
            "openat(AT_FDCWD, \"" + file + "\", " + syspect::arg_of(e, "flags").text() + ") = " +
                std::to_string(e.result));
  EXPECT_EQ(::testing::PrintToString(e), syspect::strace_text(e));
}

TEST_F(TraceTest, StructMembers) {
  std::string file = write("eleven", "eleven byte");
  syspect::Trace t = syspect::trace({"cat", file}, quiet());
  // cat looks at the file's size with fstat (newfstatat on an fd).
  EXPECT_THAT(t, Calls(Syscall("newfstatat", Arg("statbuf", Member("st_size", 11)))));
  EXPECT_THAT(t, Calls(Syscall("newfstatat", Arg("statbuf", Member("st_size", Ge(11))))));
  EXPECT_THAT(t, Never(Syscall("newfstatat", Arg("statbuf", Member("st_size", 12)))));
  // A member the decoder does not fill would match nothing: it throws.
  EXPECT_THROW((void)Member("no_such_member", 11), std::invalid_argument);
  // A failing matcher says what the member was.
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(t, Calls(Syscall("newfstatat", Arg("statbuf", Member("st_size", 12))))),
      "has member st_size that is equal to 12");
}

// A Trace keeps its events encoded; what comes back out is what went in,
// member for member (compared as JSON Lines, which has every member), for
// a run with threads, processes, execs, signals and strings of all kinds.
TEST_F(TraceTest, EventsComeBackAsTheyWereRecorded) {
  syspect::Tracer tracer(quiet());
  syspect::MemorySink plain;
  syspect::TraceSink compact({"sh"});
  tracer.add_sink(&plain);
  tracer.add_sink(&compact);
  std::string script = "ls -la /usr/bin /nonexistent; cat /etc/passwd | wc -l; kill -USR1 $$ 2>/dev/null";
  auto r = tracer.run({"/bin/sh", "-c", "trap 'echo usr1' USR1; " + script});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(compact.trace.events().size(), plain.events.size());
  ASSERT_GT(plain.events.size(), 100u);
  auto jsonl = [](const auto& events) {
    char* buf = nullptr;
    std::size_t len = 0;
    std::FILE* f = ::open_memstream(&buf, &len);
    {
      syspect::JsonlSink sink(f, {"sh"}, {});
      for (const syspect::Event& e : events)
        std::visit(
            [&](const auto& ev) {
              using T = std::decay_t<decltype(ev)>;
              if constexpr (std::is_same_v<T, syspect::SyscallEvent>) sink.on_syscall(ev);
              else if constexpr (std::is_same_v<T, syspect::SignalEvent>) sink.on_signal(ev);
              else if constexpr (std::is_same_v<T, syspect::ExecEvent>) sink.on_exec(ev);
              else sink.on_exit(ev);
            },
            e);
    }
    std::fclose(f);
    std::string out(buf, len);
    std::free(buf);
    // The first line is the sink's header, which stamps the wall-clock time
    // the sink was made at: the two sinks here are made moments apart.
    EXPECT_THAT(out, StartsWith("{\"syspect\":1,"));
    return out.substr(out.find('\n') + 1);
  };
  EXPECT_EQ(jsonl(compact.trace.events()), jsonl(plain.events));
  for (std::size_t i = 0; i < plain.events.size(); ++i) {
    const auto* a = std::get_if<syspect::SyscallEvent>(&plain.events[i]);
    if (!a) continue;
    auto b = std::get<syspect::SyscallEvent>(compact.trace.events()[i]);
    ASSERT_EQ(a->desc, b.desc) << i;
    ASSERT_EQ(a->nargs, b.nargs) << i;
    for (int k = 0; k < 6; ++k) {
      ASSERT_EQ(a->args[k].raw, b.args[k].raw) << i;
      ASSERT_EQ(a->args[k].num, b.args[k].num) << i;
      ASSERT_EQ(a->args[k].fields.size(), b.args[k].fields.size()) << i;
    }
  }
}

// An in-memory trace costs at most 100 bytes per event beyond the bytes of
// its strings (docs/performance.md).
TEST_F(TraceTest, ATraceCostsAtMost100BytesPerEventPlusStrings) {
  syspect::Trace t = syspect::trace(
      {"dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=50000", "status=none"}, quiet());
  ASSERT_EQ(t.exit_code(), 0);
  std::size_t events = t.events().size(), strings = 0;
  ASSERT_GT(events, 100000u);
  for (const syspect::Event& e : t.events()) {
    const auto* s = std::get_if<syspect::SyscallEvent>(&e);
    if (!s) continue;
    for (const auto& a : s->args) {
      strings += a.bytes.size() + a.text.size();
      for (const auto& item : a.items) strings += item.size();
    }
  }
  EXPECT_LE(t.bytes_used(), 100 * events + strings)
      << t.bytes_used() << " bytes for " << events << " events with " << strings
      << " bytes of strings: " << (t.bytes_used() - strings) / events << " per event";
}

TEST_F(TraceTest, FailedCallsAndExitStatus) {
  syspect::Trace t = syspect::trace({"cat", (dir_ / "missing").string()}, quiet());
  EXPECT_EQ(t.exit_code(), 1);
  EXPECT_THAT(t, Calls(Syscall("openat", Arg("pathname", HasSubstr("missing")), FailsWith("ENOENT"))));
  EXPECT_THAT(t, Never(Syscall("openat", Arg("pathname", HasSubstr("missing")), Returns(Ge(0)))));
}

// A child the test started for itself, which ends while a trace runs,
// stays the test's to wait for: the trace does not reap it.
TEST_F(TraceTest, LeavesTheTestsOwnChildrenAlone) {
  int go[2];
  ASSERT_EQ(::pipe(go), 0);  // no O_CLOEXEC: the traced shell writes the go byte
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    char c;
    (void)!::read(go[0], &c, 1);
    ::_exit(7);
  }
  ::close(go[0]);
  // The traced shell lets the child end, then waits until it is a zombie
  // (or gone, should the trace have reaped it).
  std::string script = "echo x >&" + std::to_string(go[1]) + "; until [ ! -e /proc/" +
                       std::to_string(child) + " ] || grep -q ') Z' /proc/" +
                       std::to_string(child) + "/stat; do :; done";
  syspect::Trace t = syspect::trace({"sh", "-c", script}, quiet());
  ::close(go[1]);
  EXPECT_EQ(t.exit_code(), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child) << "the trace reaped the test's own child";
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
}

// Traces run from several threads at once each see their own command, all
// of it, and nothing of the others'.
TEST_F(TraceTest, TracesFromSeveralThreadsAtOnce) {
  constexpr int kThreads = 4;
  std::vector<std::string> files;
  for (int i = 0; i < kThreads; ++i)
    files.push_back(write("file" + std::to_string(i), "text " + std::to_string(i) + "\n"));
  std::vector<std::optional<syspect::Trace>> traces(kThreads);
  syspect::TraceOptions options = quiet();
  // A stop taken by the wrong thread would leave a tracee stopped for good.
  options.timeout = std::chrono::seconds(60);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      traces[i] = syspect::trace({"sh", "-c", "cat " + files[i] + "; cat " + files[i] + " " + files[i]},
                                 options);
    });
  for (auto& th : threads) th.join();
  for (int i = 0; i < kThreads; ++i) {
    SCOPED_TRACE("thread " + std::to_string(i));
    ASSERT_TRUE(traces[i]);
    const syspect::Trace& t = *traces[i];
    EXPECT_FALSE(t.result().timed_out);
    EXPECT_EQ(t.exit_code(), 0);
    EXPECT_THAT(t.pids(), SizeIs(3));
    EXPECT_THAT(t.syscalls("execve"), SizeIs(3));
    EXPECT_THAT(t, CallsTimes(Syscall("openat", Arg("pathname", files[i]), Returns(Ge(0))), 3));
    EXPECT_THAT(t, CallsTimes(Syscall("write", Arg("buf", "text " + std::to_string(i) + "\n")), 3));
    for (int j = 0; j < kThreads; ++j) {
      if (j != i) {
        EXPECT_THAT(t, Never(Syscall("openat", Arg("pathname", files[j]))));
      }
    }
  }
}

TEST_F(TraceTest, KilledBySignal) {
  syspect::Trace t = syspect::trace({"sh", "-c", "ulimit -c 0; kill -TERM $$"});
  EXPECT_TRUE(t.signaled());
  EXPECT_EQ(t.term_signal(), SIGTERM);
  EXPECT_EQ(t.status(), 128 + SIGTERM);
  EXPECT_EQ(t.exit_code(), std::nullopt);
  EXPECT_THAT(t, Calls(Syscall("kill", Arg("sig", "SIGTERM"))));
  EXPECT_THAT(t, KilledBySignal(SIGTERM));
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, ExitedWith(0)), "which was killed by SIGTERM");
  EXPECT_NONFATAL_FAILURE(EXPECT_EQ(t.exit_code(), 0), "Which is: (nullopt)");
}

TEST_F(TraceTest, ExitedWith) {
  syspect::Trace ok = syspect::trace({"true"});
  EXPECT_THAT(ok, ExitedWith(0));
  syspect::Trace bad = syspect::trace({"sh", "-c", "exit 3"});
  EXPECT_THAT(bad, ExitedWith(3));
  EXPECT_THAT(bad, Not(KilledBySignal()));
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(bad, ExitedWith(0)), "Expected: exits with 0\n  Actual: trace of "
                                                           "\"sh -c 'exit 3'\": ");
}

// The root exited with 0, but the timeout killed what it left running: the
// run did not end on its own, so it has no exit code.
TEST_F(TraceTest, ATimedOutRunHasNoExitCode) {
  syspect::TraceOptions options = quiet();
  options.timeout = std::chrono::milliseconds(300);
  syspect::Trace t = syspect::trace({"sh", "-c", "sleep 1000 & exit 0"}, options);
  EXPECT_TRUE(t.timed_out());
  EXPECT_FALSE(t.finished());
  EXPECT_NE(t.exit_code(), 0);
  EXPECT_EQ(t.exit_code(), std::nullopt);
  EXPECT_EQ(t.status(), std::nullopt);
  EXPECT_THAT(t, TimedOut());
  EXPECT_THAT(t, Not(ExitedWith(0)));
  EXPECT_THAT(::testing::PrintToString(t), EndsWith(", timed out and was killed"));
}

// A stopped trace (Tracer::request_stop, as syspect's CLI does on SIGTERM)
// killed the command: it has no exit code and says it was interrupted.
TEST_F(TraceTest, AStoppedTraceHasNoExitCode) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);  // no O_CLOEXEC: the traced shell writes the ready byte
  syspect::Tracer tracer(quiet());
  syspect::MemorySink sink;
  tracer.add_sink(&sink);
  std::thread stopper([&] {
    char c;
    if (::read(ready[0], &c, 1) == 1) tracer.request_stop(SIGTERM);
  });
  // cat keeps making calls, so the tracer sees the stop at once.
  std::vector<std::string> argv = {"sh", "-c",
                                   "echo x >&" + std::to_string(ready[1]) + "; exec cat /dev/zero"};
  auto result = tracer.run(argv);
  ::close(ready[1]);
  stopper.join();
  ASSERT_TRUE(result.has_value()) << result.error().message;
  syspect::Trace t(argv, sink.events, *result);
  ::close(ready[0]);
  EXPECT_TRUE(t.interrupted());
  EXPECT_FALSE(t.finished());
  EXPECT_NE(t.exit_code(), 0);
  EXPECT_EQ(t.exit_code(), std::nullopt);
  EXPECT_EQ(t.term_signal(), std::nullopt);
  EXPECT_THAT(t, Not(ExitedWith(_)));
  EXPECT_THAT(t, Not(KilledBySignal()));
  EXPECT_THAT(::testing::PrintToString(t), EndsWith(", was killed when syspect was interrupted by SIGTERM"));
  // Its rules saw only part of the run: no spec passes it.
  std::string spec = write("spec.toml", "version = 1\n[[forbid]]\nsyscall = \"mkdir\"\n");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, SatisfiesSpec(spec)),
                          "which cannot pass: the run did not end on its own (syspect was interrupted by "
                          "SIGTERM)");
}

// process(pid) says how that process ended, not how the root did.
TEST_F(TraceTest, EachProcessHasItsOwnEnding) {
  syspect::Trace t = syspect::trace({"sh", "-c", "sh -c 'exit 3'; exit 0"});
  ASSERT_THAT(t.pids(), SizeIs(2));
  EXPECT_EQ(t.exit_code(), 0);
  EXPECT_EQ(t.process(t.pids()[0]).exit_code(), 0);
  syspect::Trace child = t.process(t.pids()[1]);
  EXPECT_EQ(child.exit_code(), 3);
  EXPECT_THAT(child, ExitedWith(3));
}

// trace() fails the test at its caller's line and throws to end it there
// (tests/gtest/start_error_probe.cpp shows the line); try_trace() returns
// the error for a test that handles it.
TEST_F(TraceTest, StartErrorsFailTheTest) {
  EXPECT_FATAL_FAILURE(
      {
        try {
          (void)syspect::trace({"/nonexistent/syspect-program"}, quiet());
        } catch (const syspect::TraceStartError& e) {
          if (e.kind() != syspect::StartError::NotFound || e.message().find("/nonexistent/") == std::string::npos)
            std::abort();
        }
      },
      "syspect could not trace: cannot run '/nonexistent/syspect-program'");
  auto r = syspect::try_trace({"syspect-no-such-program-in-path"}, quiet());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, syspect::StartError::NotFound);
}

TEST_F(TraceTest, FailingMatchersReportNearestCalls) {
  std::string file = write("hosts", "h\n");
  syspect::Trace t = syspect::trace({"cat", file}, quiet());
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(t, Calls(Syscall("openat", Arg("pathname", file + ".orig")))),
      "Expected: makes a call to openat whose pathname is equal to \"" + file + ".orig\"");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(t, Calls(Syscall("openat", Arg("pathname", file + ".orig")))),
      "none whose pathname is equal to \"" + file + ".orig\"; nearest:\n  openat(AT_FDCWD, \"" +
          file + "\", O_RDONLY");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, Never(Syscall("read"))),
                          "Expected: never makes a call to read");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, Never(Syscall("read", Arg("buf", "h\n")))),
                          "which made 1 such call: read(");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, NoSyscalls()), "Expected: makes no syscalls");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, OnlySyscalls({"@memory", "@file", "read", "write"})),
                          "outside it:\n");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, InOrder(Syscall("write"), Syscall("openat"))),
                          "after it, made no call to openat");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, CallsTimes(Syscall("execve"), 2)),
                          "which made it 1 time: execve(");
}

// cat opens its file without O_CLOEXEC, the loader its libraries with it:
// the open of the file named comes first, with the condition it misses.
TEST_F(TraceTest, NearestCallIsTheOneWithThePathEvenWhenAFlagDiffers) {
  std::string file = write("hostname", "h\n");
  syspect::Trace t = syspect::trace({"cat", file}, quiet());
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(t, Calls(Syscall("openat", Arg("pathname", file), Arg("flags", HasFlag("O_CLOEXEC"))))),
      "; nearest:\n  openat(AT_FDCWD, \"" + file + "\", O_RDONLY) = ");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(t, Calls(Syscall("openat", Arg("pathname", file), Arg("flags", HasFlag("O_CLOEXEC"))))),
      "\n    flags was O_RDONLY; wanted: has O_CLOEXEC\n  openat(AT_FDCWD, \"/");
}

TEST_F(TraceTest, OnlySyscallsAsAPolicy) {
  syspect::Trace t = syspect::trace({"true"}, quiet());
  EXPECT_THAT(t, OnlySyscalls({"execve", "@memory", "@file", "@desc", "@stat", "@fstat",
                               "arch_prctl", "set_tid_address", "set_robust_list", "rseq",
                               "prlimit64", "getrandom", "exit_group"}));
  EXPECT_THAT(t, ::testing::Not(OnlySyscalls({"@memory"})));
}

TEST_F(TraceTest, SatisfiesSpec) {
  std::string file = write("input", "data\n");
  std::string good = write("good.toml",
                           "version = 1\n"
                           "[policy]\n"
                           "deny = [\"@network\"]\n"
                           "[[expect]]\n"
                           "name = \"reads its input\"\n"
                           "syscall = \"openat\"\n"
                           "args = { pathname = \"" + file + "\" }\n"
                           "result = \">= 0\"\n");
  std::string bad = write("bad.toml",
                          "version = 1\n"
                          "[[expect]]\n"
                          "name = \"reads its config\"\n"
                          "syscall = \"openat\"\n"
                          "args = { pathname = \"/etc/app.conf\" }\n");
  std::string broken = write("broken.toml", "version = 1\n[[expect]]\nsyscall = \"opnat\"\n");
  syspect::Trace t = syspect::trace({"cat", file}, quiet());
  EXPECT_THAT(t, SatisfiesSpec(good));
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, SatisfiesSpec(bad)),
                          "which breaks 1 of 1 rule:\nFAIL reads its config (" + bad + ":2, expect)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, SatisfiesSpec(broken)),
                          "which cannot be checked, for the file has problems:\n" + broken + ":3:");
}

// Whatever CPU the tracer shares with the traced program, the program
// learns the CPUs it would have untraced, and so does the trace.
TEST_F(TraceTest, TheProgramSeesItsOwnCpus) {
  cpu_set_t mine;
  ASSERT_EQ(::sched_getaffinity(0, sizeof mine, &mine), 0);
  std::string out = (dir_ / "nproc.out").string();
  syspect::Trace t = syspect::trace({"/bin/sh", "-c", "nproc > " + out}, quiet());
  std::ifstream in(out);
  int printed = 0;
  in >> printed;
  EXPECT_EQ(printed, CPU_COUNT(&mine));
  auto asked = t.syscalls("sched_getaffinity");
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(syspect::arg_of(asked.front(), "mask").value().fields.size(),
            static_cast<std::size_t>(CPU_COUNT(&mine)));
}

}  // namespace
