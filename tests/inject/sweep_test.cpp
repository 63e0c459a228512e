// `syspect sweep` through the real CLI: one run per selected call, each
// classified; shards and their merge; the report formats.

#include <filesystem>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "helpers.hpp"

namespace {

using namespace syspect_it;
using ::testing::HasSubstr;
using ::testing::Not;

std::string inject_target(const std::string& name) {
  return std::string(SYSPECT_INJECT_TARGETS_DIR) + "/" + name;
}

nlohmann::json json_report(const std::string& path) { return nlohmann::json::parse(read_file(path)); }

TEST(Sweep, CarefulSaverHandlesEveryFailedWrite) {
  TempDir dir;
  std::string report = dir.file("r.json");
  ProcResult r = run_cli({"sweep", "-e", "inject=write:error=ENOSPC", "--report", "json", "--report-file", report,
                          "--jobs", "2", "--", inject_target("careful_saver"), dir.file("out.txt")});
  EXPECT_EQ(r.status(), 0) << describe(r);
  auto j = json_report(report);
  EXPECT_EQ(j["calls"], 3);
  ASSERT_EQ(j["runs"].size(), 3u) << j.dump(2);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(j["runs"][i]["k"], i + 1);
    EXPECT_EQ(j["runs"][i]["outcome"], "handled") << j.dump(2);
    EXPECT_EQ(j["runs"][i]["how"], "exited 1");
  }
  // A pipe, not a terminal: no progress line.
  EXPECT_THAT(r.err, Not(HasSubstr("\r")));
}

TEST(Sweep, CarelessSaverIsReportedUnnoticedWithTheFailedWrite) {
  TempDir dir;
  std::string out = dir.file("out.txt");
  // One run at a time: runs in parallel would share out.txt.tmp, and one's
  // rename would show in another's fd path.
  ProcResult r = run_cli(
      {"sweep", "--jobs", "1", "-e", "inject=write:error=ENOSPC", "--", inject_target("careless_saver"), out});
  EXPECT_EQ(r.status(), 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("the clean run made 3 selected calls"));
  EXPECT_THAT(r.err, HasSubstr("run 2 of 3: UNNOTICED: exited 0 as if the call had not failed"));
  EXPECT_THAT(r.err, HasSubstr(fmt::format(
                         "failed call: write(3<{}.tmp>, \"beta\\n\", 5) = -1 ENOSPC (No space left on device) (INJECTED)",
                         out)));
  EXPECT_THAT(r.err, HasSubstr("3 runs: 0 handled, 3 unnoticed, 0 crashed, 0 hung; FAILED"));
}

TEST(Sweep, StackTraceSaysWhoMadeEachFailedCall) {
  TempDir dir;
  std::string report = dir.file("r.json");
  ProcResult r = run_cli({"sweep", "-k", "--jobs", "1", "-e", "inject=write:error=ENOSPC", "--report", "json",
                          "--report-file", report, "--", inject_target("careless_saver"), dir.file("out.txt")});
  EXPECT_EQ(r.status(), 1) << describe(r);
  auto j = json_report(report);
  ASSERT_EQ(j["runs"].size(), 3u) << j.dump(2);
  for (const auto& run : j["runs"])
    EXPECT_THAT(run.value("where", ""), ::testing::MatchesRegex("put_line( \\([^)]*\\))? ← main( \\([^)]*\\))?")) << j.dump(2);
  // The text report, from the merged JSON report as from a run.
  ProcResult merged = run_cli({"sweep", "--merge", report});
  EXPECT_THAT(merged.err + merged.out, HasSubstr("  made by: put_line")) << describe(merged);
  // Without -k, no stacks are taken.
  ProcResult plain = run_cli({"sweep", "--jobs", "1", "-e", "inject=write:error=ENOSPC", "--",
                              inject_target("careless_saver"), dir.file("out.txt")});
  EXPECT_THAT(plain.err, Not(HasSubstr("made by")));
}

TEST(Sweep, ProgressLineOnATerminalOnly) {
  TempDir dir;
  // util-linux's script(1) gives the command a terminal; its output is what
  // the terminal received.
  std::string cmd = fmt::format("{} sweep --jobs 1 -e inject=write:error=ENOSPC -- {} {}", cli(),
                                inject_target("careful_saver"), dir.file("out.txt"));
  ProcResult r = run({"script", "-qec", cmd, "/dev/null"});
  EXPECT_EQ(r.status(), 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("\rsyspect sweep: 0 of 3 runs, ")) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("\rsyspect sweep: 3 of 3 runs, ")) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("\r\033[K")) << describe(r);  // erased before the report
}

TEST(Sweep, NullFopenIsReportedCrashedAtTheOpenOfItsInput) {
  TempDir dir;
  std::string input = dir.file("input.txt");
  write_file(input, "hello\n");
  std::string report = dir.file("r.json");
  ProcResult r = run_cli({"sweep", "-e", "inject=open,openat:error=ENOENT", "--report", "json", "--report-file",
                          report, "--", inject_target("null_fopen"), input});
  EXPECT_EQ(r.status(), 1) << describe(r);
  auto j = json_report(report);
  int crashed = 0;
  for (const auto& run : j["runs"]) {
    if (run["outcome"] != "crashed") continue;
    ++crashed;
    EXPECT_EQ(run["how"], "killed by SIGSEGV");
    // As strace -y shows it: AT_FDCWD with the directory it stands for.
    EXPECT_THAT(run["call"].get<std::string>(),
                ::testing::MatchesRegex(fmt::format("openat\\(AT_FDCWD<[^>]*>, \"{}\", O_RDONLY\\) = -1 ENOENT "
                                                    "\\(No such file or directory\\) \\(INJECTED\\)",
                                                    input)));
  }
  EXPECT_EQ(crashed, 1) << j.dump(2);
}

TEST(Sweep, ShardsMergeIntoOneReport) {
  TempDir dir;
  std::vector<std::string> reports;
  for (std::string shard : {"1/2", "2/2"}) {
    std::string report = dir.file("shard" + shard.substr(0, 1) + ".json");
    ProcResult r = run_cli({"sweep", "-e", "inject=write:error=EIO", "--shard", shard, "--report", "json",
                            "--report-file", report, "--", inject_target("careless_saver"), dir.file("out.txt")});
    EXPECT_EQ(r.status(), 1) << describe(r);
    reports.push_back(report);
  }
  EXPECT_EQ(json_report(reports[0])["runs"].size(), 2u);  // calls 1 and 3
  EXPECT_EQ(json_report(reports[1])["runs"].size(), 1u);  // call 2
  ProcResult m = run_cli({"sweep", "--merge", reports[0], reports[1], "--report", "junit", "--report-file", "-"});
  EXPECT_EQ(m.status(), 1) << describe(m);
  EXPECT_THAT(m.out, HasSubstr("<testsuites tests=\"3\" failures=\"3\">"));
  EXPECT_THAT(m.out, HasSubstr("name=\"call 2 of 3\""));
  ProcResult twice = run_cli({"sweep", "--merge", reports[0], reports[0]});
  EXPECT_EQ(twice.status(), 2) << describe(twice);
  EXPECT_THAT(twice.err, HasSubstr("shard 1/2 is in two of the reports"));
}

TEST(Sweep, SpecJudgesEachRun) {
  TempDir dir;
  for (const char* program : {"careful_saver", "careless_saver"}) {
    std::string spec = dir.file(std::string(program) + ".toml");
    write_file(spec, fmt::format(R"(version = 1
[run]
command = ["{}", "{}"]
exit = 1

[[inject]]
syscall = "write"
args = {{ fd = {{ path = {{ suffix = "/out.txt.tmp" }} }} }}
error = "ENOSPC"

[[forbid]]
syscall = "rename"
)",
                                 inject_target(program), dir.file("out.txt")));
    // One run at a time: the args condition names the temporary's path,
    // which a parallel run's rename would change under another run's fd.
    ProcResult r = run_cli({"sweep", spec, "--jobs", "1"});  // options may follow SPEC
    EXPECT_EQ(r.status(), std::string(program) == "careful_saver" ? 0 : 1) << program << "\n" << describe(r);
  }
}

TEST(Sweep, SetupRunsBeforeEachRun) {
  TempDir dir;
  std::string log = dir.file("setups");
  ProcResult r = run_cli({"sweep", "--jobs", "1", "--setup", "echo run >> " + log + "; rm -f " + dir.file("out.txt*"),
                          "-e", "inject=write:error=EIO", "--", inject_target("careful_saver"), dir.file("out.txt")});
  EXPECT_EQ(r.status(), 0) << describe(r);
  EXPECT_EQ(read_file(log), "run\nrun\nrun\nrun\n");  // the clean run and three more
}

TEST(Sweep, ARunStillGoingAtTheTimeoutIsHung) {
  // When its child's exec fails, the shell execs a sleep that outlasts --timeout.
  ProcResult r = run_cli({"sweep", "--timeout", "1s", "-e", "inject=execve:error=EACCES", "--", "/bin/sh", "-c",
                          "/bin/true || exec /bin/sleep 30"},
                         30s);
  EXPECT_EQ(r.status(), 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("run 1 of 1: HUNG: timed out after 1s and was killed"));
  EXPECT_THAT(r.err, HasSubstr("failed call: execve(\"/bin/true\""));
}

TEST(Sweep, AProgramThatCannotBeTracedIs3) {
  ProcResult r = run_cli({"sweep", "-e", "inject=write:error=EIO", "--", "/nonexistent/program"});
  EXPECT_EQ(r.status(), 3) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("syspect: sweep: cannot run '/nonexistent/program': No such file or directory"));
}

TEST(Sweep, NoSelectedCallIsNothingToSweep) {
  ProcResult r = run_cli({"sweep", "-e", "inject=fsync:error=EIO", "--", "/bin/true"});
  EXPECT_EQ(r.status(), 0) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("the clean run made 0 selected calls: nothing to sweep"));
}

TEST(Sweep, UsageErrors) {
  ProcResult when = run_cli({"sweep", "-e", "inject=write:error=EIO:when=2", "--", "/bin/true"});
  EXPECT_EQ(when.status(), 2);
  EXPECT_THAT(when.err, HasSubstr("leave when= out"));
  ProcResult none = run_cli({"sweep", "--", "/bin/true"});
  EXPECT_EQ(none.status(), 2);
  ProcResult shard = run_cli({"sweep", "-e", "inject=write:error=EIO", "--shard", "3/2", "--", "/bin/true"});
  EXPECT_EQ(shard.status(), 2);
  EXPECT_THAT(shard.err, HasSubstr("--shard 3/2"));
}

}  // namespace
