// Stack traces (-k): who made each call, through the CLI (trace -k/-kk,
// record -k, check -k and [run] stacks, diff), the library (which calls are
// unwound) and the gtest matchers' failure messages. The tracees
// (stacks_target.c and its companions) call from known functions.

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "syspect/checker.hpp"
#include "syspect/format.hpp"
#include "syspect/gtest.hpp"
#include "syspect/spec_parser.hpp"
#include "syspect/stack.hpp"
#include "syspect/trace_file.hpp"

namespace {

using namespace syspect_it;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;

// The frame lines under the first call line that contains `needle`.
std::vector<std::string> frames_under(const std::string& text, std::string_view needle) {
  std::vector<std::string> out;
  auto lines = lines_of(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].starts_with(" > ") || !contains(lines[i], needle)) continue;
    for (std::size_t j = i + 1; j < lines.size() && lines[j].starts_with(" > "); ++j)
      out.push_back(lines[j]);
    break;
  }
  return out;
}

// The function of each frame line (` > module(symbol+0x9) [0x1161]`), ""
// for a frame without one.
std::vector<std::string> symbols(const std::vector<std::string>& frames) {
  std::vector<std::string> out;
  for (const std::string& f : frames) {
    auto open = f.find('(');
    auto plus = f.find('+', open);
    out.push_back(open == std::string::npos || plus == std::string::npos
                      ? ""
                      : f.substr(open + 1, plus - open - 1));
  }
  return out;
}

// `names` appear in `all` in this order (others may come between).
bool in_order(const std::vector<std::string>& all, const std::vector<std::string>& names) {
  std::size_t k = 0;
  for (const std::string& s : all)
    if (k < names.size() && s == names[k]) ++k;
  return k == names.size();
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

std::string stacks_target() { return target("stacks_target"); }

// ---- trace -k ------------------------------------------------------------

TEST(TraceStacks, DeepCallShowsItsCallersInOrderAndMainOnlyItsOwn) {
  auto r = run_cli({"trace", "-k", "-e", "trace=openat", "--", stacks_target(), "deep"});
  ASSERT_EQ(r.status(), 0) << describe(r);
  auto deep = symbols(frames_under(r.err, "\"/dev/null\""));
  EXPECT_TRUE(in_order(deep, {"read_config", "load_settings", "init_app", "main"})) << r.err;
  // The innermost frame is the C library's wrapper, at strace's notation.
  auto lines = frames_under(r.err, "\"/dev/null\"");
  ASSERT_FALSE(lines.empty()) << r.err;
  EXPECT_THAT(lines.front(), HasSubstr("libc.so.6(")) << r.err;
  EXPECT_THAT(lines.front(), testing::MatchesRegex(R"( > /.*libc\.so\.6\([_a-z0-9]+\+0x[0-9a-f]+\) \[0x[0-9a-f]+\])"));
  EXPECT_THAT(lines[1], testing::MatchesRegex(R"( > /.*/stacks_target\(read_config\+0x[0-9a-f]+\) \[0x[0-9a-f]+\])"));

  auto shallow = symbols(frames_under(r.err, "\"/dev/zero\""));
  EXPECT_THAT(shallow, Contains("main")) << r.err;
  for (const char* inner : {"read_config", "load_settings", "init_app"})
    EXPECT_THAT(shallow, Not(Contains(inner))) << r.err;
  // -k alone is strace's notation: no source lines.
  EXPECT_THAT(r.err, Not(HasSubstr("stacks_target.c:")));
}

TEST(TraceStacks, DoubleKAddsSourceLines) {
  auto r = run_cli({"trace", "-kk", "-e", "trace=openat", "--", stacks_target(), "deep"});
  ASSERT_EQ(r.status(), 0) << describe(r);
  auto lines = frames_under(r.err, "\"/dev/null\"");
  ASSERT_GE(lines.size(), 2u) << r.err;
  EXPECT_THAT(lines[1], testing::MatchesRegex(R"( > .*\(read_config\+0x[0-9a-f]+\) \[0x[0-9a-f]+\] .*stacks_target\.c:[0-9]+)"));
}

TEST(TraceStacks, WithoutKNoFrames) {
  auto r = run_cli({"trace", "-e", "trace=openat", "--", stacks_target(), "deep"});
  ASSERT_EQ(r.status(), 0) << describe(r);
  EXPECT_THAT(r.err, Not(HasSubstr(" > ")));
}

TEST(TraceStacks, ForkedChildHasItsOwnFrames) {
  auto r = run_cli({"trace", "-k", "-f", "-e", "trace=openat", "--", stacks_target(), "fork"});
  ASSERT_EQ(r.status(), 0) << describe(r);
  EXPECT_TRUE(in_order(symbols(frames_under(r.err, "\"/dev/null\"")), {"child_work", "main"})) << r.err;
}

TEST(TraceStacks, ThreadHasItsOwnFrames) {
  auto r = run_cli({"trace", "-k", "-e", "trace=openat", "--", stacks_target(), "thread"});
  ASSERT_EQ(r.status(), 0) << describe(r);
  auto s = symbols(frames_under(r.err, "\"/dev/null\""));
  EXPECT_THAT(s, Contains("thread_work")) << r.err;
  EXPECT_THAT(s, Not(Contains("main"))) << r.err;
}

TEST(TraceStacks, ExecGivesTheNewProgramsSymbols) {
  auto r = run_cli({"trace", "-k", "-e", "trace=openat", "--", stacks_target(), "exec", target("stacks_other")});
  ASSERT_EQ(r.status(), 0) << describe(r);
  EXPECT_TRUE(in_order(symbols(frames_under(r.err, "\"/dev/zero\"")), {"before_exec", "main"})) << r.err;
  auto after = frames_under(r.err, "\"/dev/null\"");
  EXPECT_TRUE(in_order(symbols(after), {"other_open", "main"})) << r.err;
  EXPECT_THAT(join(after), HasSubstr("/stacks_other(other_open+")) << r.err;
  EXPECT_THAT(join(after), Not(HasSubstr("/stacks_target("))) << r.err;
}

TEST(TraceStacks, DlopenedLibraryIsSymbolized) {
  auto r = run_cli({"trace", "-k", "-e", "trace=openat", "--", stacks_target(), "dlopen",
                    target("stacks_plugin.so")});
  ASSERT_EQ(r.status(), 0) << describe(r);
  auto lines = frames_under(r.err, "\"/dev/null\"");
  EXPECT_TRUE(in_order(symbols(lines), {"plugin_helper", "plugin_open", "main"})) << r.err;
  EXPECT_THAT(join(lines), HasSubstr("/stacks_plugin.so(plugin_helper+")) << r.err;
}

TEST(TraceStacks, StrippedBinaryShowsAddressesOnly) {
  auto r = run_cli({"trace", "-kk", "-e", "trace=openat", "--", target("stacks_target_stripped"), "deep"});
  ASSERT_EQ(r.status(), 0) << describe(r);
  auto lines = frames_under(r.err, "\"/dev/null\"");
  ASSERT_FALSE(lines.empty()) << r.err;
  EXPECT_THAT(join(lines), HasSubstr("/stacks_target_stripped() [0x")) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("read_config"))) << r.err;
}

TEST(TraceStacks, NewExecutableMappingsKeepFramesRight) {
  // An executable mapping made and removed before each open: the modules
  // are read again each time, and every open still names its caller.
  auto r = run_cli({"trace", "-k", "-e", "trace=openat,mmap,munmap", "--", stacks_target(), "mmaps", "20"});
  ASSERT_EQ(r.status(), 0) << describe(r);
  auto lines = lines_of(r.err);
  int opens = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!contains(lines[i], "\"/dev/null\"") || lines[i].starts_with(" > ")) continue;
    ++opens;
    std::vector<std::string> frames;
    for (std::size_t j = i + 1; j < lines.size() && lines[j].starts_with(" > "); ++j) frames.push_back(lines[j]);
    EXPECT_TRUE(in_order(symbols(frames), {"read_config", "main"})) << join(frames);
  }
  EXPECT_EQ(opens, 20) << r.err;
}

// The program's own frames as strace -k prints them: the same lines (the C
// library's may name another alias, or, with its debug file installed, a
// local function strace does not see).
TEST(TraceStacks, ProgramFramesAreStraceKsLines) {
  if (run({"strace", "-V"}).status() != 0) GTEST_SKIP() << "strace is not installed";
  for (const char* prog : {"stacks_target", "stacks_target_stripped"}) {
    auto ours = run_cli({"trace", "-k", "-e", "trace=openat", "--", target(prog), "deep"});
    auto theirs = run({"strace", "-k", "-e", "trace=openat", target(prog), "deep"});
    ASSERT_EQ(ours.status(), 0) << describe(ours);
    ASSERT_EQ(theirs.status(), 0) << describe(theirs);
    for (const char* path : {"\"/dev/null\"", "\"/dev/zero\""}) {
      auto own = [&](const std::string& text) {
        std::vector<std::string> out;
        for (const std::string& f : frames_under(text, path))
          if (contains(f, std::string("/") + prog + "(")) out.push_back(f);
        return out;
      };
      EXPECT_EQ(own(ours.err), own(theirs.err)) << prog << " " << path << "\n" << ours.err << theirs.err;
      EXPECT_FALSE(own(ours.err).empty()) << ours.err;
      EXPECT_EQ(frames_under(ours.err, path).size(), frames_under(theirs.err, path).size())
          << ours.err << theirs.err;
    }
  }
}

// ---- record -k, check --trace, diff ---------------------------------------

TEST(RecordStacks, FramesAreKeptInTheFileAndReadBack) {
  TempDir dir;
  std::string file = dir.path() + "/run.jsonl";
  auto r = run_cli({"record", "-k", "-o", file, "--", stacks_target(), "deep"});
  ASSERT_EQ(r.status(), 0) << describe(r);
  json stack;
  for (const std::string& line : lines_of(read_file(file))) {
    json j = json::parse(line);
    if (j.value("name", "") == "openat" && contains(j.value("text", ""), "/dev/null")) stack = j["stack"];
  }
  ASSERT_TRUE(stack.is_array()) << read_file(file);
  std::vector<std::string> names;
  bool line_known = false;
  for (const json& f : stack) {
    EXPECT_TRUE(f["address"].is_number_unsigned());
    names.push_back(f.value("symbol", ""));
    if (f.value("symbol", "") == "read_config") {
      EXPECT_THAT(f.value("module", ""), HasSubstr("/stacks_target"));
      EXPECT_THAT(f.value("file", ""), HasSubstr("stacks_target.c"));
      line_known = f.value("line", 0) > 0;
    }
  }
  EXPECT_TRUE(in_order(names, {"read_config", "load_settings", "init_app", "main"})) << stack.dump();
  EXPECT_TRUE(line_known) << stack.dump();

  // Read back: the same frames on the event.
  auto loaded = syspect::load_trace(file);
  ASSERT_TRUE(loaded) << loaded.error().format();
  bool found = false;
  for (const syspect::SyscallEvent& e : loaded->trace.syscalls("openat")) {
    if (!e.stack || !contains(syspect::format_syscall(e, {}), "/dev/null")) continue;
    found = true;
    EXPECT_THAT(syspect::stack_summary(*e.stack),
                testing::MatchesRegex(R"(read_config \(stacks_target\.c:[0-9]+\) ← load_settings \(.*\) ← init_app \(.*\) ← main \(.*\))"));
  }
  EXPECT_TRUE(found);

  // The same run recorded without -k: diff pairs the calls, frames or not.
  std::string plain = dir.path() + "/plain.jsonl";
  ASSERT_EQ(run_cli({"record", "-o", plain, "--", stacks_target(), "deep"}).status(), 0);
  auto d = run_cli({"diff", plain, file});
  EXPECT_EQ(d.status(), 0) << describe(d);
}

// ---- check -k -------------------------------------------------------------

const char* kForbidNull = R"(version = 1
[[forbid]]
name = "no /dev/null"
syscall = "openat"
args = { pathname = "/dev/null" }
)";

TEST(CheckStacks, ForbidReportNamesTheInnerFunctions) {
  TempDir dir;
  std::string spec = dir.path() + "/spec.toml";
  write_file(spec, kForbidNull);
  auto r = run_cli({"check", "-k", spec, "--", stacks_target(), "deep"});
  EXPECT_EQ(r.status(), 1) << describe(r);
  EXPECT_THAT(r.err, testing::ContainsRegex(
                         R"(openat\(AT_FDCWD, "/dev/null", O_RDONLY\) = 3 from read_config \(stacks_target\.c:[0-9]+\) ← load_settings \(stacks_target\.c:[0-9]+\) ← init_app \(stacks_target\.c:[0-9]+\) ← main)"))
      << r.err;

  // Without -k the report is as before.
  auto plain = run_cli({"check", spec, "--", stacks_target(), "deep"});
  EXPECT_EQ(plain.status(), 1) << describe(plain);
  EXPECT_THAT(plain.err, Not(HasSubstr(" from "))) << plain.err;
}

TEST(CheckStacks, RunStacksInTheSpecTurnsThemOn) {
  TempDir dir;
  std::string spec = dir.path() + "/spec.toml";
  write_file(spec, std::string("version = 1\n[run]\nstacks = true\n") + (kForbidNull + 12));
  auto r = run_cli({"check", spec, "--", stacks_target(), "deep"});
  EXPECT_EQ(r.status(), 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("from read_config (stacks_target.c:")) << r.err;

  write_file(spec, "version = 1\n[run]\nstacks = \"yes\"\n");
  auto bad = run_cli({"check", spec, "--", stacks_target(), "deep"});
  EXPECT_EQ(bad.status(), 2) << describe(bad);
  EXPECT_THAT(bad.err, HasSubstr("spec.toml:3:10: error: 'stacks' must be true or false, not a string")) << bad.err;
}

TEST(CheckStacks, PolicyViolationAndJsonReportCarryTheStack) {
  TempDir dir;
  std::string spec = dir.path() + "/spec.toml";
  write_file(spec, R"(version = 1
[policy]
deny = ["openat"]
)");
  auto r = run_cli({"check", "-k", spec, "--report", "json", "--report-file", "-", "--",
                    stacks_target(), "deep"});
  EXPECT_EQ(r.status(), 1) << describe(r);
  // The offenders are grouped by call site: the loader's opens, and each
  // of the program's.
  json report = json::parse(r.out);
  std::vector<std::string> sites;
  for (const json& call : report["rules"][0]["groups"][0]["calls"]) {
    sites.push_back(call.value("stack", ""));
    ASSERT_TRUE(call["frames"].is_array()) << r.out;
  }
  EXPECT_THAT(sites, Contains(HasSubstr("_dl_load_cache_lookup"))) << r.out;
  EXPECT_THAT(sites, Contains(testing::StartsWith("read_config (stacks_target.c:"))) << r.out;
  EXPECT_THAT(sites, Contains(testing::StartsWith("main (stacks_target.c:"))) << r.out;
}

TEST(CheckStacks, FailedSequenceShowsTheLastMatchingStepsStack) {
  TempDir dir;
  std::string spec = dir.path() + "/spec.toml";
  write_file(spec, R"(version = 1
[[sequence]]
name = "null then full"
mode = "subsequence"
steps = [
  { syscall = "openat", args = { pathname = "/dev/null" } },
  { syscall = "openat", args = { pathname = "/dev/full" } },
]
)");
  auto r = run_cli({"check", "-k", spec, "--", stacks_target(), "deep"});
  EXPECT_EQ(r.status(), 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("\"/dev/null\", O_RDONLY) = 3 from read_config (stacks_target.c:")) << r.err;
  // The calls after it, nearest to the missing step, with theirs.
  EXPECT_THAT(r.err, HasSubstr("\"/dev/zero\", O_RDONLY) = 3 from main (stacks_target.c:")) << r.err;
}

TEST(CheckStacks, RecordedTraceGivesTheStacks) {
  TempDir dir;
  std::string spec = dir.path() + "/spec.toml";
  std::string file = dir.path() + "/run.jsonl";
  write_file(spec, kForbidNull);
  ASSERT_EQ(run_cli({"record", "-k", "-o", file, "--", stacks_target(), "deep"}).status(), 0);
  auto r = run_cli({"check", spec, "--trace", file});
  EXPECT_EQ(r.status(), 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("from read_config (stacks_target.c:")) << r.err;
}

// ---- the library: which calls are unwound --------------------------------

// A sink interested in openat only.
class OpenatOnly : public syspect::MemorySink {
 public:
  syspect::Interest interest() const override {
    return syspect::Interest::none().add(SYS_openat, syspect::Interest::Need::Result);
  }
};

TEST(LibraryStacks, OnlyTheCallsASinkWantsAreUnwound) {
  syspect::TraceOptions options;
  options.stacks = true;
  options.seccomp = false;  // every call stops; only openat is wanted
  syspect::Tracer tracer(options);
  OpenatOnly sink;
  tracer.add_sink(&sink);
  auto result = tracer.run({stacks_target(), "deep"});
  ASSERT_TRUE(result) << result.error().message;
  std::size_t openats = 0, others = 0;
  for (const syspect::Event& ev : sink.events) {
    const auto* e = std::get_if<syspect::SyscallEvent>(&ev);
    if (!e) continue;
    if (e->name() == "openat") {
      ++openats;
      EXPECT_TRUE(e->stack) << syspect::format_syscall(*e, {});
    } else if (e->stack) {
      ++others;
    }
  }
  EXPECT_GE(openats, 2u);
  EXPECT_EQ(others, 0u);
}

// A sink that wants nothing: it sees the calls others made stop.
class Bystander : public syspect::MemorySink {
 public:
  syspect::Interest interest() const override { return syspect::Interest::none(); }
};

// Under a checker, the calls unwound are those its rules are about: an
// allowlist the program keeps has none.
std::size_t unwound_under(const std::string& spec_text, bool& passed) {
  auto spec = syspect::parse_spec(spec_text, "spec.toml");
  EXPECT_TRUE(spec);
  if (!spec) return 0;
  syspect::TraceOptions options;
  options.stacks = true;
  syspect::Tracer tracer(options);
  syspect::Checker checker(*spec);
  Bystander seen;
  tracer.add_sink(&checker);
  tracer.add_sink(&seen);
  EXPECT_TRUE(tracer.run({stacks_target(), "deep"}));
  passed = checker.report({}).passed();
  std::size_t n = 0;
  for (const syspect::Event& ev : seen.events) {
    const auto* e = std::get_if<syspect::SyscallEvent>(&ev);
    if (e && e->stack) {
      ++n;
      EXPECT_EQ(e->name(), "openat") << syspect::format_syscall(*e, {});
    }
  }
  return n;
}

TEST(LibraryStacks, ACheckerUnwindsOnlyTheCallsItsRulesAreAbout) {
  bool passed = false;
  EXPECT_EQ(unwound_under("version = 1\n[policy]\ndeny = [\"@network\"]\n", passed), 0u);
  EXPECT_TRUE(passed);
  EXPECT_GE(unwound_under(kForbidNull, passed), 2u);  // every openat
  EXPECT_FALSE(passed);
}

TEST(LibraryStacks, OffByDefault) {
  syspect::Tracer tracer{syspect::TraceOptions{}};
  syspect::MemorySink sink;
  tracer.add_sink(&sink);
  ASSERT_TRUE(tracer.run({stacks_target(), "deep"}));
  for (const syspect::Event& ev : sink.events) {
    if (const auto* e = std::get_if<syspect::SyscallEvent>(&ev)) {
      EXPECT_FALSE(e->stack);
    }
  }
}

// ---- gtest matchers ---------------------------------------------------------

using namespace syspect::testing;

syspect::Trace deep_trace(bool stacks) {
  syspect::TraceOptions options;
  options.stacks = stacks;
  return syspect::trace({stacks_target(), "deep"}, options);
}

template <typename M>
std::string explain(const M& m, const syspect::Trace& t) {
  ::testing::Matcher<const syspect::Trace&> matcher = m;
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(matcher.MatchAndExplain(t, &listener));
  return listener.str();
}

TEST(GtestStacks, FailureMessagesNameWhoMadeTheCall) {
  syspect::Trace t = deep_trace(true);
  const std::string who = "from read_config (stacks_target.c:";
  EXPECT_THAT(explain(Never(Syscall("openat", Arg("pathname", "/dev/null"))), t), HasSubstr(who));
  // Nearest calls.
  EXPECT_THAT(explain(Calls(Syscall("openat", Arg("pathname", "/dev/nul"))), t), HasSubstr(who));
  EXPECT_THAT(explain(OnlySyscalls({"execve", "brk", "mmap", "close", "exit_group"}), t),
              HasSubstr(" from "));
  EXPECT_THAT(explain(InOrder(Syscall("openat", Arg("pathname", "/dev/null")),
                              Syscall("openat", Arg("pathname", "/dev/full"))),
                      t),
              HasSubstr(who));
  // The whole failure, as a test prints it.
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, Never(Syscall("openat", Arg("pathname", "/dev/null")))),
                          "← load_settings (stacks_target.c:");
}

TEST(GtestStacks, SatisfiesSpecReportShowsTheStack) {
  TempDir dir;
  std::string spec = dir.path() + "/spec.toml";
  write_file(spec, kForbidNull);
  EXPECT_THAT(explain(SatisfiesSpec(spec), deep_trace(true)), HasSubstr("from read_config (stacks_target.c:"));
}

TEST(GtestStacks, WithoutStacksMessagesAreAsBefore) {
  EXPECT_THAT(explain(Never(Syscall("openat", Arg("pathname", "/dev/null"))), deep_trace(false)),
              Not(HasSubstr(" from ")));
}

__attribute__((noinline)) void open_null_from_the_test() {
  int fd = ::open("/dev/null", O_RDONLY);
  if (fd >= 0) ::close(fd);
}

TEST(GtestStacks, TraceFunctionNamesTheTestsOwnFunctions) {
  syspect::TraceOptions options;
  options.stacks = true;
  auto t = syspect::trace_function([] { open_null_from_the_test(); }, options);
  bool found = false;
  for (const syspect::SyscallEvent& e : t.syscalls("openat")) {
    ASSERT_TRUE(e.stack);
    for (const syspect::StackFrame& f : *e.stack)
      if (f.symbol.find("open_null_from_the_test") != std::string::npos) found = true;
  }
  EXPECT_TRUE(found);
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(t, Never(Syscall("openat"))), "open_null_from_the_test");
}

}  // namespace
