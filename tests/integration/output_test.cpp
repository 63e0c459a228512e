// What syspect writes (traces, recordings, reports, diffs, policies) through
// the real CLI into real files: a write that fails is an error with one
// message and a non-zero status, never a file silently cut short; a whole
// file (a report, a recording, a diff, a policy) is put in place complete or
// not at all.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "helpers.hpp"

namespace {

using namespace syspect_it;

// `argv` with stdout sent to `path` and, when `blocks` > 0, files limited
// to that many 512-byte blocks: a write past it fails with EFBIG (SIGXFSZ
// ignored), as it would on a disk that is full there.
ProcResult run_shell(const std::vector<std::string>& argv, const std::string& stdout_to = "",
                     int blocks = 0) {
  std::string line = "trap '' XFSZ; ";
  if (blocks > 0) line += "ulimit -f " + std::to_string(blocks) + "; ";
  line += "exec";
  for (const auto& a : argv) line += " '" + a + "'";
  if (!stdout_to.empty()) line += " >'" + stdout_to + "'";
  return run({"/bin/sh", "-c", line}, 60s);
}

// The names in `dir`, to see that no temporary file is left behind.
std::set<std::string> names_in(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

std::string passing_spec(const TempDir& dir) {
  std::string spec = dir.file("spec.toml");
  write_file(spec, "version = 1\n[[forbid]]\nsyscall = \"mkdir\"\n");
  return spec;
}

// A command that makes a few thousand calls: a trace of several 64 KiB
// buffers.
const std::vector<std::string> kBusy = {"/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=5000",
                                        "status=none"};

// ---- a write that fails is an error ----------------------------------------

TEST(Output, TraceToAFullDeviceFails) {
  for (const char* format : {"text", "jsonl"}) {
    ProcResult r = run_cli({"trace", "--format", format, "-o", "/dev/full", "--", "/bin/true"});
    EXPECT_EQ(r.status(), 125) << format << ": " << describe(r);
    EXPECT_EQ(r.err, "syspect: cannot write the trace to '/dev/full': No space left on device\n")
        << format << ": " << describe(r);
  }
  // The command's own failure is not what the status reports then.
  ProcResult r = run_cli({"trace", "-o", "/dev/full", "--", target("exit_code"), "7"});
  EXPECT_EQ(r.status(), 125) << describe(r);
}

// A disk that fills mid-run: the trace stops where the first write failed,
// and syspect says so once, at the end, whatever the command did.
TEST(Output, TraceCutByAFullDiskFailsOnce) {
  TempDir dir;
  std::string out = dir.file("t.txt");
  std::vector<std::string> argv = {cli(), "trace", "-o", out, "--"};
  argv.insert(argv.end(), kBusy.begin(), kBusy.end());
  ProcResult r = run_shell(argv, "", 200);  // 100 KiB
  EXPECT_EQ(r.status(), 125) << describe(r);
  EXPECT_EQ(r.err, "syspect: cannot write the trace to '" + out + "': File too large\n") << describe(r);
  EXPECT_EQ(std::filesystem::file_size(out), 200u * 512);
  // Unlimited, the same trace is much longer and ends with the exit.
  ProcResult whole = run_cli({"trace", "-o", out, "--", kBusy[0], kBusy[1], kBusy[2], kBusy[3], kBusy[4],
                              kBusy[5]});
  EXPECT_EQ(whole.status(), 0) << describe(whole);
  EXPECT_GT(std::filesystem::file_size(out), 200u * 512);
  EXPECT_TRUE(contains(read_file(out), "+++ exited with 0 +++\n"));
}

TEST(Output, TraceToAFullStderrFails) {
  ProcResult r = run({"/bin/sh", "-c", "exec '" + cli() + "' trace -- /bin/true 2>/dev/full"});
  EXPECT_EQ(r.status(), 125) << describe(r);
}

TEST(Output, RecordToAFullDeviceFails) {
  ProcResult r = run_cli({"record", "-o", "/dev/full", "--", "/bin/true"});
  EXPECT_EQ(r.status(), 125) << describe(r);
  EXPECT_EQ(r.err, "syspect: record: cannot write the trace to '/dev/full': No space left on device\n")
      << describe(r);
}

TEST(Output, CheckReportToAFullDeviceFails) {
  TempDir dir;
  std::string spec = passing_spec(dir);
  for (const char* format : {"text", "json", "junit"}) {
    ProcResult r = run_cli({"check", spec, "--report", format, "--report-file", "/dev/full", "--", "/bin/true"});
    EXPECT_EQ(r.status(), 3) << format << ": " << describe(r);
    EXPECT_EQ(r.err, "syspect: check: cannot write the report to '/dev/full': No space left on device\n")
        << format << ": " << describe(r);
  }
  ProcResult to_stdout = run_shell({cli(), "check", spec, "--report-file", "-", "--", "/bin/true"}, "/dev/full");
  EXPECT_EQ(to_stdout.status(), 3) << describe(to_stdout);
  EXPECT_EQ(to_stdout.err, "syspect: check: cannot write the report to stdout: No space left on device\n")
      << describe(to_stdout);
  // The same check, written, passes.
  ProcResult ok = run_cli({"check", spec, "--report-file", dir.file("r.txt"), "--", "/bin/true"});
  EXPECT_EQ(ok.status(), 0) << describe(ok);
}

TEST(Output, DiffToAFullDeviceFails) {
  TempDir dir;
  std::string a = dir.file("a.jsonl"), b = dir.file("b.jsonl");
  ASSERT_EQ(run_cli({"record", "-o", a, "--", "/bin/true"}).status(), 0);
  ASSERT_EQ(run_cli({"record", "-o", b, "--", "/bin/echo", "hi"}).status(), 0);
  ProcResult r = run_cli({"diff", a, b, "-o", "/dev/full"});
  EXPECT_EQ(r.status(), 2) << describe(r);
  EXPECT_EQ(r.err, "syspect: diff: cannot write the diff to '/dev/full': No space left on device\n")
      << describe(r);
  ProcResult to_stdout = run_shell({cli(), "diff", a, b}, "/dev/full");
  EXPECT_EQ(to_stdout.status(), 2) << describe(to_stdout);
  EXPECT_EQ(to_stdout.err, "syspect: diff: cannot write the diff to stdout: No space left on device\n")
      << describe(to_stdout);
}

TEST(Output, PolicyToAFullDeviceFails) {
  TempDir dir;
  std::string t = dir.file("t.jsonl");
  ASSERT_EQ(run_cli({"record", "-o", t, "--", "/bin/true"}).status(), 0);
  ProcResult r = run_cli({"policy", t, "-o", "/dev/full"});
  EXPECT_EQ(r.status(), 2) << describe(r);
  EXPECT_EQ(r.err, "syspect: policy: cannot write the policy to '/dev/full': No space left on device\n")
      << describe(r);
  ProcResult to_stdout = run_shell({cli(), "policy", "--format", "seccomp", t}, "/dev/full");
  EXPECT_EQ(to_stdout.status(), 2) << describe(to_stdout);
  EXPECT_EQ(to_stdout.err, "syspect: policy: cannot write the policy to stdout: No space left on device\n")
      << describe(to_stdout);
}

// ---- whole files are whole or absent ----------------------------------------

// A check whose program is not found writes no report: the one an earlier
// run left stays as it was, byte for byte, mode included.
TEST(Output, FailedStartLeavesThePreviousReport) {
  TempDir dir;
  std::string spec = passing_spec(dir);
  std::string report = dir.file("report.json");
  ProcResult first = run_cli({"check", spec, "--report", "json", "--report-file", report, "--", "/bin/true"});
  ASSERT_EQ(first.status(), 0) << describe(first);
  ASSERT_EQ(::chmod(report.c_str(), 0600), 0);
  std::string before = read_file(report);
  ASSERT_TRUE(json::accept(before)) << before;
  auto names = names_in(dir.path());

  ProcResult missing =
      run_cli({"check", spec, "--report", "json", "--report-file", report, "--", "/nonexistent/prog"});
  EXPECT_EQ(missing.status(), 3) << describe(missing);
  EXPECT_EQ(read_file(report), before);
  EXPECT_EQ(names_in(dir.path()), names) << "a temporary file was left behind";

  // A run that does write replaces it whole, and keeps its mode.
  ProcResult again = run_cli({"check", spec, "--report", "json", "--report-file", report, "--", "/bin/echo", "x"});
  ASSERT_EQ(again.status(), 0) << describe(again);
  json now = json::parse(read_file(report));
  EXPECT_NE(now.dump(), json::parse(before).dump());
  struct stat st {};
  ASSERT_EQ(::stat(report.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(names_in(dir.path()), names);
}

// A report that cannot be written whole (the disk fills while it is
// written) leaves the earlier one, and no temporary file.
TEST(Output, FailedWriteLeavesThePreviousReport) {
  TempDir dir;
  std::string spec = passing_spec(dir);
  std::string report = dir.file("report.xml");
  ProcResult first = run_cli({"check", spec, "--report", "junit", "--report-file", report, "--", "/bin/true"});
  ASSERT_EQ(first.status(), 0) << describe(first);
  std::string before = read_file(report);
  auto names = names_in(dir.path());
  // A report longer than one 512-byte block: the command line is in it.
  std::vector<std::string> argv = {cli(), "check", spec, "--report", "junit", "--report-file", report, "--",
                                   "/bin/echo", std::string(2000, 'x')};
  ProcResult cut = run_shell(argv, "/dev/null", 1);
  EXPECT_EQ(cut.status(), 3) << describe(cut);
  EXPECT_EQ(cut.err, "syspect: check: cannot write the report to '" + report + "': File too large\n")
      << describe(cut);
  EXPECT_EQ(read_file(report), before);
  EXPECT_EQ(names_in(dir.path()), names) << "a temporary file was left behind";
}

// Two checks writing one report file at once leave one whole report: the
// one that finished last. Each runs a shell that waits on a FIFO, so that
// both have opened their report before either writes it.
TEST(Output, ConcurrentChecksLeaveOneWholeReport) {
  TempDir dir;
  std::string spec = passing_spec(dir);
  std::string report = dir.file("report.json");
  auto fifo = [&](const std::string& name) {
    std::string path = dir.file(name);
    EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0);
    return path;
  };
  std::string go_long = fifo("long"), go_short = fifo("short");
  // The first report names a longer command: written over it in place, the
  // second would leave the first's tail after its own end.
  Child longer({cli(), "check", spec, "--report", "json", "--report-file", report, "--", "/bin/sh", "-c",
                "read x <\"$0\"", go_long, std::string(4000, 'y')});
  Child shorter({cli(), "check", spec, "--report", "json", "--report-file", report, "--", "/bin/sh", "-c",
                 "read x <\"$0\"", go_short});
  // Opening a FIFO's writing end succeeds once its reader has it open: then
  // that check runs its command, its report file already open.
  auto opened = [](const std::string& path) {
    int fd = -1;
    EXPECT_TRUE(eventually([&] {
      fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      return fd >= 0;
    }, 60s));
    return fd;
  };
  int fd_long = opened(go_long);
  int fd_short = opened(go_short);
  ASSERT_GE(fd_long, 0);
  ASSERT_GE(fd_short, 0);
  ASSERT_EQ(::write(fd_long, "go\n", 3), 3);
  ::close(fd_long);
  ProcResult a = longer.wait(60s);
  EXPECT_EQ(a.status(), 0) << describe(a);
  ASSERT_EQ(::write(fd_short, "go\n", 3), 3);
  ::close(fd_short);
  ProcResult b = shorter.wait(60s);
  EXPECT_EQ(b.status(), 0) << describe(b);

  std::string text = read_file(report);
  ASSERT_TRUE(json::accept(text)) << text;
  json r = json::parse(text);
  EXPECT_FALSE(contains(r.dump(), std::string(4000, 'y'))) << "the report of the check that ended first";
  EXPECT_TRUE(contains(r.dump(), go_short)) << r.dump();
}

// A recording that cannot start leaves an earlier recording at that path;
// nor is a new one created.
TEST(Output, FailedRecordLeavesThePreviousRecording) {
  TempDir dir;
  std::string t = dir.file("t.jsonl");
  ASSERT_EQ(run_cli({"record", "-o", t, "--", target("exit_code"), "7"}).status(), 7);
  std::string before = read_file(t);
  auto names = names_in(dir.path());
  ProcResult missing = run_cli({"record", "-o", t, "--", "/nonexistent/prog"});
  EXPECT_EQ(missing.status(), 127) << describe(missing);
  EXPECT_EQ(read_file(t), before);
  EXPECT_EQ(names_in(dir.path()), names);
  ProcResult fresh = run_cli({"record", "-o", dir.file("new.jsonl"), "--", "/nonexistent/prog"});
  EXPECT_EQ(fresh.status(), 127) << describe(fresh);
  EXPECT_EQ(names_in(dir.path()), names) << "a header alone is not a trace";

  // Cut by a full disk, the recording is not put in place either.
  std::vector<std::string> argv = {cli(), "record", "-o", t, "--"};
  argv.insert(argv.end(), kBusy.begin(), kBusy.end());
  ProcResult cut = run_shell(argv, "", 200);
  EXPECT_EQ(cut.status(), 125) << describe(cut);
  EXPECT_EQ(cut.err, "syspect: record: cannot write the trace to '" + t + "': File too large\n") << describe(cut);
  EXPECT_EQ(read_file(t), before);
  EXPECT_EQ(names_in(dir.path()), names);
}

// A policy or a diff that fails is not written over the earlier one.
TEST(Output, PolicyAndDiffReplaceTheirFileWhole) {
  TempDir dir;
  std::string a = dir.file("a.jsonl"), b = dir.file("b.jsonl");
  ASSERT_EQ(run_cli({"record", "-o", a, "--", "/bin/true"}).status(), 0);
  ASSERT_EQ(run_cli({"record", "-o", b, "--", "/bin/echo", "hi"}).status(), 0);
  std::string policy = dir.file("p.toml"), diff = dir.file("d.diff");
  ASSERT_EQ(run_cli({"policy", a, b, "-o", policy}).status(), 0);
  ASSERT_EQ(run_cli({"diff", a, b, "-o", diff}).status(), 1);
  std::string policy_before = read_file(policy), diff_before = read_file(diff);
  ASSERT_FALSE(diff_before.empty());
  auto names = names_in(dir.path());
  // Each longer than one block: the trace's path is in both.
  std::string deep = dir.path();
  for (int i = 0; i < 3; ++i) {
    deep += '/';
    deep.append(200, 'n');
    std::filesystem::create_directory(deep);
  }
  std::string long_name = deep + "/b.jsonl";
  std::filesystem::copy_file(b, long_name);
  names.insert(std::string(200, 'n'));
  ProcResult p = run_shell({cli(), "policy", a, long_name, "-o", policy}, "", 1);
  EXPECT_EQ(p.status(), 2) << describe(p);
  EXPECT_TRUE(contains(p.err, "syspect: policy: cannot write the policy to '" + policy + "': File too large"))
      << describe(p);
  ProcResult d = run_shell({cli(), "diff", a, long_name, "-o", diff}, "", 1);
  EXPECT_EQ(d.status(), 2) << describe(d);
  EXPECT_TRUE(contains(d.err, "syspect: diff: cannot write the diff to '" + diff + "': File too large"))
      << describe(d);
  EXPECT_EQ(read_file(policy), policy_before);
  EXPECT_EQ(read_file(diff), diff_before);
  EXPECT_EQ(names_in(dir.path()), names);
}

// What is not a plain file is written where it is, never replaced: a
// symlink stays a link to the file it names, and /dev/stdout is the
// shell's redirection.
TEST(Output, LinksAndDevicesAreWrittenThrough) {
  TempDir dir;
  std::string spec = passing_spec(dir);
  std::string real = dir.file("real.txt"), link = dir.file("link.txt");
  write_file(real, "old\n");
  ASSERT_EQ(::symlink(real.c_str(), link.c_str()), 0);
  ProcResult r = run_cli({"check", spec, "--report-file", link, "--", "/bin/true"});
  ASSERT_EQ(r.status(), 0) << describe(r);
  struct stat st {};
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_TRUE(contains(read_file(real), "1 rule, 0 failed")) << read_file(real);

  std::string out = dir.file("out.txt");
  write_file(out, "");
  struct stat before {};
  ASSERT_EQ(::stat(out.c_str(), &before), 0);
  ProcResult s = run_shell({cli(), "check", spec, "--report-file", "/dev/stdout", "--", "/bin/true"}, out);
  ASSERT_EQ(s.status(), 0) << describe(s);
  struct stat after {};
  ASSERT_EQ(::stat(out.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "the shell's file was replaced";
  EXPECT_TRUE(contains(read_file(out), "1 rule, 0 failed")) << read_file(out);
}

}  // namespace
