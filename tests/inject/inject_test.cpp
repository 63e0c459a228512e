// Fault injection through the real CLI and the library: strace's
// -e inject= syntax, what the trace shows, JSON Lines and the trace reader,
// and an expectation file's [[inject]] rules.

#include <chrono>
#include <filesystem>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <gmock/gmock.h>

#include "helpers.hpp"
#include "syspect/format.hpp"
#include "syspect/trace_file.hpp"

namespace {

using namespace syspect_it;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string inject_target(const std::string& name) {
  return std::string(SYSPECT_INJECT_TARGETS_DIR) + "/" + name;
}

// The trace's lines that carry `word`.
std::vector<std::string> lines_with(const std::string& text, std::string_view word) {
  std::vector<std::string> out;
  for (const auto& l : lines_of(text))
    if (contains(l, word)) out.push_back(l);
  return out;
}

// Spaces before " = " folded, as the trace aligns results.
std::string unaligned(std::string line) {
  auto eq = line.find(" = ");
  if (eq == std::string::npos) return line;
  auto start = line.find_last_not_of(' ', eq);
  return line.substr(0, start + 1) + line.substr(eq);
}

std::vector<std::string> unaligned(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(unaligned(l));
  return out;
}

TEST(Inject, WhenTwoFailsExactlyTheSecondWrite) {
  TempDir dir;
  std::string out = dir.file("out.txt");
  ProcResult r = run_cli({"trace", "-e", "trace=write,unlink,rename", "-e", "inject=write:error=ENOSPC:when=2",
                          "--", inject_target("careful_saver"), out});
  ASSERT_TRUE(r.exited) << describe(r);
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_THAT(unaligned(lines_with(r.err, "(")),
              ElementsAre("write(3, \"alpha\\n\", 6) = 6",
                          "write(3, \"beta\\n\", 5) = -1 ENOSPC (No space left on device) (INJECTED)",
                          fmt::format("unlink(\"{}.tmp\") = 0", out)))
      << r.err;
  // The careful saver cleaned up: neither the file nor its temporary.
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
}

TEST(Inject, CarelessSaverIgnoresTheFailureAndRenames) {
  TempDir dir;
  std::string out = dir.file("out.txt");
  ProcResult r = run_cli({"trace", "-e", "trace=write", "--inject=write:error=ENOSPC:when=2", "--",
                          inject_target("careless_saver"), out});
  ASSERT_TRUE(r.exited) << describe(r);
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(read_file(out), "alpha\ngamma\n");
  EXPECT_EQ(lines_with(r.err, "INJECTED").size(), 1u) << r.err;
}

TEST(Inject, WhenRangesAndSteps) {
  TempDir dir;
  auto injected = [&](const std::string& when) {
    ProcResult r = run_cli({"trace", "-e", "trace=write", "-e", "inject=write:error=EIO:when=" + when, "--",
                            inject_target("careless_saver"), dir.file("out.txt")});
    EXPECT_TRUE(r.exited) << describe(r);
    std::string marks;
    for (const auto& l : lines_with(r.err, "write(")) marks += contains(l, "(INJECTED)") ? 'X' : '.';
    return marks;
  };
  EXPECT_EQ(injected("2"), ".X.");
  EXPECT_EQ(injected("2+"), ".XX");
  EXPECT_EQ(injected("1+2"), "X.X");
  EXPECT_EQ(injected("1..2"), "XX.");
}

TEST(Inject, SeveralInjectionsTheFirstThatFiresActs) {
  TempDir dir;
  // The EIO rule comes first: it takes call 3; call 2 falls to the second.
  ProcResult r = run_cli({"trace", "-e", "trace=write", "-e", "inject=write:error=EIO:when=3", "-e",
                          "inject=write:error=ENOSPC:when=2..3", "--", inject_target("careless_saver"),
                          dir.file("out.txt")});
  ASSERT_TRUE(r.exited) << describe(r);
  EXPECT_THAT(unaligned(lines_with(r.err, "write(")),
              ElementsAre("write(3, \"alpha\\n\", 6) = 6",
                          "write(3, \"beta\\n\", 5) = -1 ENOSPC (No space left on device) (INJECTED)",
                          "write(3, \"gamma\\n\", 6) = -1 EIO (Input/output error) (INJECTED)"))
      << r.err;
}

TEST(Inject, RetvalIsWhatTheProgramSees) {
  ProcResult r = run_cli({"trace", "-e", "trace=getpid", "-e", "inject=getpid:retval=42", "--",
                          inject_target("inject_probe")});
  ASSERT_TRUE(r.exited) << describe(r);
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("getpid 42\n"));
  EXPECT_THAT(unaligned(lines_with(r.err, "getpid(")), ElementsAre("getpid() = 42 (INJECTED)"));
}

TEST(Inject, SignalIsDeliveredAfterTheCall) {
  ProcResult r = run_cli({"trace", "-e", "trace=write", "-e", "inject=write:signal=SIGUSR1:when=1", "--",
                          inject_target("inject_probe")});
  ASSERT_TRUE(r.exited) << describe(r);
  EXPECT_EQ(r.code, 128 + SIGUSR1) << describe(r);
  // The write ran (its text is out) and the signal came after it.
  EXPECT_THAT(r.out, HasSubstr("getpid "));
  EXPECT_THAT(r.out, Not(HasSubstr("after")));
  auto lines = lines_of(r.err);
  auto w = std::find_if(lines.begin(), lines.end(), [](const auto& l) { return contains(l, "write(1"); });
  ASSERT_NE(w, lines.end()) << r.err;
  EXPECT_THAT(*w, HasSubstr("(INJECTED)"));
  ASSERT_NE(w + 1, lines.end());
  EXPECT_THAT(*(w + 1), HasSubstr("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL"));
  EXPECT_THAT(r.err, HasSubstr("+++ killed by SIGUSR1 +++"));
}

TEST(Inject, DelayEnterHoldsTheCall) {
  auto t0 = std::chrono::steady_clock::now();
  ProcResult r = run_cli({"trace", "-e", "trace=getpid", "-e", "inject=getpid:delay_enter=300ms", "--",
                          inject_target("inject_probe")});
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r.exited) << describe(r);
  EXPECT_EQ(r.code, 0);
  EXPECT_GE(took, std::chrono::milliseconds(300));
  auto lines = unaligned(lines_with(r.err, "getpid("));
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_THAT(lines[0], ::testing::MatchesRegex(R"(getpid\(\) = [0-9]+ \(DELAYED\))"));
}

TEST(Inject, BadExpressionsAreUsageErrors) {
  for (auto [expr, says] : std::vector<std::pair<std::string, std::string>>{
           {"inject=wrte:error=EIO", "unknown syscall 'wrte'"},
           {"inject=write:error=ENOSPCE", "unknown errno 'ENOSPCE'"},
           {"inject=write", "needs an action"},
           {"inject=write:error=EIO:when=0", "bad when '0'"},
           {"inject=write:delay_enter=100", "has no unit"},
           {"inject=write:error=EIO:retval=1", "cannot both be given"},
           {"inject=write:signal=SIGFOO", "unknown signal 'SIGFOO'"},
       }) {
    ProcResult r = run_cli({"trace", "-e", expr, "--", "/bin/true"});
    EXPECT_EQ(r.status(), 2) << expr << "\n" << describe(r);
    EXPECT_THAT(r.err, HasSubstr(says)) << expr;
  }
}

TEST(Inject, JsonLinesSayInjectedAndReadBack) {
  TempDir dir;
  std::string trace = dir.file("t.jsonl");
  ProcResult r = run_cli({"record", "-o", trace, "-e", "inject=write:error=ENOSPC:when=2", "--",
                          inject_target("careful_saver"), dir.file("out.txt")});
  ASSERT_TRUE(r.exited) << describe(r);
  EXPECT_EQ(r.code, 1);
  std::string text = read_file(trace);
  EXPECT_EQ(lines_with(text, "\"injected\":{\"rule\":0,\"error\":\"ENOSPC\"}").size(), 1u) << text;
  auto loaded = syspect::load_trace(trace);
  ASSERT_TRUE(loaded) << loaded.error().format();
  int injected = 0;
  for (const syspect::SyscallEvent& e : loaded->trace.syscalls()) {
    if (!e.injected.any()) continue;
    ++injected;
    EXPECT_TRUE(e.injected.skipped);
    EXPECT_EQ(e.err, ENOSPC);
    syspect::FormatOptions plain;
    plain.align = false;
    EXPECT_EQ(syspect::format_syscall(e, plain),
              "write(3, \"beta\\n\", 5) = -1 ENOSPC (No space left on device) (INJECTED)");
  }
  EXPECT_EQ(injected, 1);
}

TEST(Inject, LibraryInjectionsCountAcrossTheTree) {
  syspect::TraceOptions options;
  syspect::Injection i;
  i.set = "write";
  i.error = EIO;
  i.when = syspect::InjectWhen::only(3);
  options.injections.push_back(i);
  // Two children write one after the other: the third write of the tree
  // is the first of the second child.
  LibTrace t = trace_lib({"/bin/sh", "-c", "/bin/echo a; /bin/echo b; /bin/echo c"}, options);
  ASSERT_TRUE(t.ok);
  std::vector<std::string> marks;
  for (const auto& e : t.syscalls())
    if (e.name() == "write") marks.push_back(e.injected.any() ? "X" : ".");
  // (The third echo then writes its error message: more writes, none failed.)
  ASSERT_GE(marks.size(), 3u);
  EXPECT_THAT(std::vector<std::string>(marks.begin(), marks.begin() + 3), ElementsAre(".", ".", "X"));
  EXPECT_EQ(std::count(marks.begin(), marks.end(), "X"), 1);
  ASSERT_EQ(t.result.injection_counts.size(), 1u);
  EXPECT_EQ(t.result.injection_counts[0], marks.size());
}

// A sink that needs no call: it sees the entries of the calls that stop.
class EntryNames : public syspect::Sink {
 public:
  syspect::Interest interest() const override { return syspect::Interest::none(); }
  syspect::Verdict on_entry(const syspect::SyscallEvent& e) override {
    names.insert(e.name());
    return syspect::Verdict::allow();
  }
  void on_syscall(const syspect::SyscallEvent& e) override {
    if (e.injected.any()) injected.push_back(e.name());
  }
  std::set<std::string> names;
  std::vector<std::string> injected;
};

TEST(Inject, UninjectedCallsRunWithoutStoppingUnderTheFilter) {
  TempDir dir;
  syspect::TraceOptions options;
  options.injections.push_back(*syspect::Injection::parse("write:error=EIO:when=2"));
  syspect::Tracer tracer(options);
  EntryNames sink;
  tracer.add_sink(&sink);
  auto r = tracer.run({inject_target("careless_saver"), dir.file("out.txt")});
  ASSERT_TRUE(r) << r.error().message;
  // The writes stopped (at their entry, to be counted); the saver's other
  // calls ran without a stop.
  EXPECT_TRUE(sink.names.count("write"));
  for (const char* other : {"openat", "close", "rename", "mmap", "brk"})
    EXPECT_FALSE(sink.names.count(other)) << other << " stopped";
  EXPECT_THAT(sink.injected, ElementsAre("write"));
  EXPECT_EQ(read_file(dir.file("out.txt")), "alpha\ngamma\n");
}

TEST(Inject, DelayExitHoldsTheResult) {
  auto t0 = std::chrono::steady_clock::now();
  ProcResult r = run_cli({"trace", "-e", "trace=getpid", "-e", "inject=getpid:delay_exit=300ms", "--",
                          inject_target("inject_probe")});
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r.exited) << describe(r);
  EXPECT_EQ(r.code, 0);
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_THAT(r.err, HasSubstr("(DELAYED)"));
}

TEST(Inject, ADelayHoldsOnlyItsThread) {
  // The probe is held 2s at its getpid; meanwhile echo runs its whole life.
  syspect::TraceOptions options;
  syspect::Injection hold;
  hold.set = "getpid";
  hold.condition = [](const syspect::SyscallEvent& e) { return e.exe && e.exe->ends_with("/inject_probe"); };
  hold.delay_enter = std::chrono::seconds(2);
  options.injections.push_back(hold);
  LibTrace t = trace_lib({"/bin/sh", "-c", inject_target("inject_probe") + " & /bin/echo B; wait"}, options);
  ASSERT_TRUE(t.ok);
  std::optional<std::size_t> echo_exit, probe_getpid;
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    if (const auto* x = std::get_if<syspect::ExitEvent>(&t.events[i]); x && x->exe && x->exe->ends_with("/echo"))
      echo_exit = i;
    if (const auto* s = std::get_if<syspect::SyscallEvent>(&t.events[i]); s && s->injected.any())
      probe_getpid = i;
  }
  ASSERT_TRUE(echo_exit && probe_getpid);
  EXPECT_LT(*echo_exit, *probe_getpid);
}

// ---- [[inject]] in an expectation file -------------------------------------

std::string saver_spec(const std::string& program, const std::string& out) {
  return fmt::format(R"(version = 1
[run]
command = ["{}", "{}"]
exit = 1

[[inject]]
syscall = "write"
args = {{ fd = {{ path = {{ suffix = "/out.txt.tmp" }} }} }}
error = "ENOSPC"
when = "2"

[[sequence]]
name = "a failed write removes the temporary"
steps = [
  {{ syscall = "write", errno = "ENOSPC" }},
  {{ syscall = "unlink", args = {{ pathname = {{ suffix = "out.txt.tmp" }} }} }},
]

[[forbid]]
name = "never renames a half-written file into place"
syscall = "rename"
)",
                     program, out);
}

TEST(InjectSpec, CarefulSaverPassesCarelessFails) {
  TempDir dir;
  write_file(dir.file("careful.toml"), saver_spec(inject_target("careful_saver"), dir.file("out.txt")));
  write_file(dir.file("careless.toml"), saver_spec(inject_target("careless_saver"), dir.file("out.txt")));
  ProcResult good = run_cli({"check", dir.file("careful.toml")});
  EXPECT_EQ(good.status(), 0) << describe(good);
  ProcResult bad = run_cli({"check", dir.file("careless.toml")});
  EXPECT_EQ(bad.status(), 1) << describe(bad);
  EXPECT_THAT(bad.err, HasSubstr("FAIL a failed write removes the temporary"));
  EXPECT_THAT(bad.err, HasSubstr("FAIL never renames a half-written file into place"));
  EXPECT_THAT(bad.err, HasSubstr("exit"));
}

TEST(InjectSpec, ArgsConditionFailsOnlyTheMatchingOpen) {
  TempDir dir;
  // The dynamic loader's opens (ld.so.cache, libc) run; only the saver's
  // open of its temporary fails.
  write_file(dir.file("s.toml"), fmt::format(R"(version = 1
[run]
command = ["{}", "{}"]
exit = 1

[[inject]]
syscall = ["open", "openat"]
args = {{ pathname = {{ suffix = ".tmp" }} }}
error = "EACCES"

[[expect]]
name = "the loader opened libc"
syscall = "openat"
args = {{ pathname = {{ glob = "**/libc.so*" }} }}
result = ">= 0"
count = 1

[[expect]]
name = "the temporary's open failed"
syscall = "openat"
args = {{ pathname = {{ suffix = "out.txt.tmp" }} }}
errno = "EACCES"
count = 1
)",
                                             inject_target("careful_saver"), dir.file("out.txt")));
  ProcResult r = run_cli({"check", dir.file("s.toml")});
  EXPECT_EQ(r.status(), 0) << describe(r);
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.txt.tmp")));
}

TEST(InjectSpec, MistakesArePointedAt) {
  TempDir dir;
  write_file(dir.file("bad.toml"), R"(version = 1
[[inject]]
syscall = "wrte"
error = "ENOSPCE"
signal = "SIGUSR3"
when = "0"
delay = "1s"

[[inject]]
syscall = "write"
)");
  ProcResult r = run_cli({"check", dir.file("bad.toml"), "--", "/bin/true"});
  EXPECT_EQ(r.status(), 2) << describe(r);
  std::string f = dir.file("bad.toml");
  EXPECT_THAT(r.err, HasSubstr(f + ":3:11: error: unknown syscall 'wrte'; did you mean 'write'?"));
  EXPECT_THAT(r.err, HasSubstr(f + ":4:9: error: unknown errno 'ENOSPCE'; did you mean 'ENOSPC'?"));
  EXPECT_THAT(r.err, HasSubstr(f + ":5:10: error: unknown signal 'SIGUSR3'; did you mean"));
  EXPECT_THAT(r.err, HasSubstr(f + ":6:8: error: bad when '0'"));
  EXPECT_THAT(r.err, HasSubstr(f + ":7:1: error: unknown key 'delay' in [[inject]]; did you mean"));
  EXPECT_THAT(r.err, HasSubstr(f + ":9:1: error: [[inject]] needs what to inject"));
}

}  // namespace
