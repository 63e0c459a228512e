// `syspect record`, the trace file reader, `check --trace` and `diff`:
// real tracees under real ptrace, through the real CLI and the library.

#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>

#include "helpers.hpp"
#include "syspect/format.hpp"
#include "syspect/policy_export.hpp"
#include "syspect/syscall_table.hpp"
#include "syspect/trace_diff.hpp"
#include "syspect/trace_file.hpp"

namespace {

using namespace syspect_it;
using ::testing::HasSubstr;
using ::testing::Not;

std::string diff_target(const std::string& name) {
  return std::string(SYSPECT_DIFF_TARGETS_DIR) + "/" + name;
}

// `syspect record -o DIR/NAME -- COMMAND`; the file's path.
std::string record(const TempDir& dir, const std::string& name, const std::vector<std::string>& command,
                   const SpawnOptions& so = {}) {
  std::string path = dir.file(name);
  std::vector<std::string> args = {"record", "-o", path, "--"};
  args.insert(args.end(), command.begin(), command.end());
  ProcResult r = run_cli(args, 60s, so);
  EXPECT_TRUE(r.exited) << describe(r);
  return path;
}

// The lines of a diff that start with `+` or `-`, without the file header.
std::vector<std::string> changes(const std::string& diff) {
  std::vector<std::string> out;
  for (const auto& l : lines_of(diff)) {
    if (l.starts_with("+++ ") || l.starts_with("--- ")) continue;
    if (!l.empty() && (l[0] == '+' || l[0] == '-')) out.push_back(l);
  }
  return out;
}

std::string event_text_of(const syspect::Event& ev) {
  syspect::FormatOptions plain;
  plain.align = false;
  return std::visit(
      [&plain](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, syspect::SyscallEvent>) {
          return syspect::format_syscall(e, plain);
        } else if constexpr (std::is_same_v<T, syspect::SignalEvent>) {
          return syspect::format_signal(e);
        } else if constexpr (std::is_same_v<T, syspect::ExitEvent>) {
          return syspect::format_exit(e);
        } else {
          return "";
        }
      },
      ev);
}

// ---- the reader ---------------------------------------------------------

// Every event read back formats as the recorder wrote it: the reader
// rebuilt the table entry, the raw and decoded arguments and the result.
TEST(TraceFile, LoadedEventsFormatAsRecorded) {
  TempDir dir;
  const std::vector<std::vector<std::string>> commands = {
      {target("fork_exec"), "fork", "/bin/echo", "hi"},
      {target("fork_exec"), "vfork", "/bin/true"},
      {target("signal_handler")},
      {target("efault")},
      {target("strange_path")},
      {target("int80")},
      {target("unknown_syscall")},
      {target("restart")},
      {target("exit_code"), "signal", "15"},
      {target("exit_code"), "segv"},
      {diff_target("diff_threads")},
      {"/bin/sh", "-c", "cat /etc/passwd >/dev/null; ls -l / >/dev/null"},
  };
  int n = 0;
  for (const auto& cmd : commands) {
    SCOPED_TRACE(cmd[0] + (cmd.size() > 1 ? " " + cmd[1] : ""));
    std::string path = record(dir, fmt::format("t{}.jsonl", n++), cmd);
    JsonTrace raw = read_jsonl(path);
    auto loaded = syspect::load_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().format();
    const auto& events = loaded->trace.events();
    std::vector<json> recorded;
    for (const auto& e : raw.events)
      if (e.value("type", "") != "exec") recorded.push_back(e);
    std::vector<syspect::Event> mine;
    for (const auto& e : events)
      if (!std::holds_alternative<syspect::ExecEvent>(e)) mine.push_back(e);
    ASSERT_EQ(mine.size(), recorded.size());
    ASSERT_GT(mine.size(), 3u);
    for (std::size_t i = 0; i < mine.size(); ++i)
      EXPECT_EQ(event_text_of(mine[i]), recorded[i].value("text", "")) << "event " << i;
    EXPECT_EQ(loaded->trace.command(), cmd);
    EXPECT_EQ(loaded->trace.status(), raw.end.value("status", -1));
  }
}

// With -y, a deleted file and a live one whose name ends in " (deleted)"
// are told apart (strace's "3</d/x>(deleted)" and "4</d/x (deleted)>"), and
// read back so; a trace written before fd_deleted existed reads a path
// that ends in " (deleted)" as a deleted file.
TEST(TraceFile, DeletedFilesReadBackAsRecorded) {
  TempDir dir;
  const std::string path = dir.file("edges.jsonl");
  SpawnOptions so;
  so.cwd = dir.path();
  ProcResult r = run_cli({"trace", "-y", "--format", "jsonl", "-o", path, "--", target("strace_edges")}, 60s, so);
  ASSERT_TRUE(r.exited && r.code == 0) << describe(r);
  JsonTrace raw = read_jsonl(path);
  auto loaded = syspect::load_trace(path);
  ASSERT_TRUE(loaded) << loaded.error().format();
  std::vector<std::string> fchmods;
  for (const auto& e : loaded->trace.events()) {
    std::string text = event_text_of(e);
    if (text.starts_with("fchmod(")) fchmods.push_back(text);
  }
  const std::string d = dir.path();
  EXPECT_THAT(fchmods, testing::ElementsAre("fchmod(3<" + d + "/edges_sample>, 0600) = 0",
                                            "fchmod(4<" + d + "/edges_sample (deleted)>, 0600) = 0",
                                            "fchmod(3<" + d + "/edges_sample>(deleted), 0400) = 0",
                                            "fchmod(4<" + d + "/edges_sample (deleted)>(deleted), 0400) = 0"));
  std::vector<std::string> recorded;
  for (const auto& e : raw.events)
    if (e.value("name", "") == "fchmod") recorded.push_back(e.value("text", ""));
  EXPECT_EQ(recorded, fchmods);

  // The older form: the path as readlink gave it, no fd_deleted.
  std::string old_text = read_file(path);
  const std::string from = "\"fd_path\":\"" + d + "/edges_sample\",\"fd_deleted\":true";
  const auto at = old_text.find(from);
  ASSERT_NE(at, std::string::npos);
  old_text.replace(at, from.size(), "\"fd_path\":\"" + d + "/edges_sample (deleted)\"");
  const std::string old_path = dir.file("old.jsonl");
  write_file(old_path, old_text);
  auto old = syspect::load_trace(old_path);
  ASSERT_TRUE(old) << old.error().format();
  bool seen = false;
  for (const auto& e : old->trace.events())
    if (event_text_of(e) == "fchmod(3<" + d + "/edges_sample>(deleted), 0400) = 0") seen = true;
  EXPECT_TRUE(seen);
}

TEST(TraceFile, KeepsArgumentsResultsAndProcesses) {
  TempDir dir;
  std::string path = record(dir, "t.jsonl", {target("fork_exec"), "fork", "/bin/echo", "hi"});
  auto loaded = syspect::load_trace(path);
  ASSERT_TRUE(loaded) << loaded.error().format();
  const syspect::Trace& t = loaded->trace;
  EXPECT_EQ(t.pids().size(), 2u);
  auto execs = t.syscalls("execve");
  ASSERT_EQ(execs.size(), 2u);
  const auto& child_exec = execs[1];
  ASSERT_NE(child_exec.desc, nullptr);
  EXPECT_EQ(child_exec.args[0].form, syspect::ArgValue::Form::String);
  EXPECT_EQ(child_exec.args[0].bytes, "/bin/echo");
  ASSERT_EQ(child_exec.args[1].form, syspect::ArgValue::Form::StringArray);
  EXPECT_EQ(child_exec.args[1].items, (std::vector<std::string>{"/bin/echo", "hi"}));
  ASSERT_TRUE(child_exec.exe);
  auto opens = t.syscalls("openat");
  ASSERT_FALSE(opens.empty());
  EXPECT_EQ(opens[0].args[0].num, -100);  // AT_FDCWD
  auto waits = t.syscalls("wait4");
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0].result, t.pids()[1]);
}

TEST(TraceFile, ErrorsNameTheLine) {
  TempDir dir;
  std::string path = record(dir, "t.jsonl", {"/bin/true"});
  std::string whole = read_file(path);
  auto lines = lines_of(whole);
  ASSERT_GT(lines.size(), 5u);
  auto load = [&](const std::string& text) {
    std::istringstream in(text);
    return syspect::read_trace(in, "t.jsonl");
  };
  {
    auto ok = load(whole);
    ASSERT_TRUE(ok) << ok.error().format();
  }
  {  // Cut in the middle of line 4.
    std::string cut;
    for (std::size_t i = 0; i < 3; ++i) cut += lines[i] + "\n";
    cut += lines[3].substr(0, lines[3].size() / 2);
    auto r = load(cut);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().line, 4u);
    EXPECT_THAT(r.error().format(), ::testing::HasSubstr("t.jsonl:4: not valid JSON (the file looks truncated)"));
  }
  {  // Cut after a whole line: no end line.
    std::string cut;
    for (std::size_t i = 0; i < 4; ++i) cut += lines[i] + "\n";
    auto r = load(cut);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().line, 4u);
    EXPECT_THAT(r.error().message, ::testing::HasSubstr("truncated"));
  }
  {  // A damaged event in the middle.
    std::string bad;
    for (std::size_t i = 0; i < lines.size(); ++i)
      bad += (i == 2 ? std::string(R"({"type":"syscall","pid":1})") : lines[i]) + "\n";
    auto r = load(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().format(), "t.jsonl:3: missing \"tid\"");
  }
  {
    auto r = load("{\"syspect\":7,\"command\":[]}\n");
    ASSERT_FALSE(r);
    EXPECT_THAT(r.error().format(), ::testing::HasSubstr("t.jsonl:1: trace format version 7 is not supported"));
  }
  {
    auto r = load("");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().format(), "t.jsonl: empty file, not a syspect trace");
  }
  {
    auto r = load("{\"type\":\"end\"}\n");
    ASSERT_FALSE(r);
    EXPECT_THAT(r.error().format(), ::testing::HasSubstr("t.jsonl:1: not a syspect trace"));
  }
}

// A call is named as the syscall table names its number on its ABI, or
// "syscall_0x..." when it was recorded by number only. A file that names a
// call that does not exist, or another call than its number, is damaged (or
// forged): a check or a policy would see one call where the kernel ran
// another. It is refused at its line, as any other damage.
TEST(TraceFile, NamesMustBeTheCallsOfTheirNumbers) {
  TempDir dir;
  std::string path = record(dir, "t.jsonl", {"/bin/true"});
  auto lines = lines_of(read_file(path));
  ASSERT_GT(lines.size(), 3u);
  ASSERT_EQ(json::parse(lines[1]).value("name", ""), "execve");
  // The file with its second line (execve) edited.
  auto with = [&](const std::function<void(json&)>& edit) {
    json e = json::parse(lines[1]);
    edit(e);
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) text += (i == 1 ? e.dump() : lines[i]) + "\n";
    std::istringstream in(text);
    return syspect::read_trace(in, "t.jsonl");
  };
  auto refused = [&](const std::string& name, long nr, const std::string& abi = "x86_64") {
    auto r = with([&](json& e) {
      e["name"] = name;
      e["nr"] = nr;
      e["abi"] = abi;
    });
    return r ? std::string("(read)") : r.error().format();
  };
  EXPECT_EQ(refused("nosuch", 99999999),
            "t.jsonl:2: unknown syscall name \"nosuch\" (\"nr\" 99999999 is no x86_64 syscall)");
  EXPECT_EQ(refused("nosuch", 59), "t.jsonl:2: unknown syscall name \"nosuch\" (\"nr\" 59 is execve on x86_64)");
  EXPECT_EQ(refused("write", 59), "t.jsonl:2: \"name\" is \"write\", but \"nr\" 59 is execve on x86_64");
  EXPECT_EQ(refused("execve", 99999999),
            "t.jsonl:2: \"name\" is \"execve\", but \"nr\" 99999999 is no x86_64 syscall");
  // i386's execve is 11; 59 there is oldolduname.
  EXPECT_EQ(refused("execve", 59, "i386"),
            "t.jsonl:2: \"name\" is \"execve\", but \"nr\" 59 is oldolduname on i386");
  EXPECT_EQ(refused("syscall_0x3e8", 99999999),
            "t.jsonl:2: unknown syscall name \"syscall_0x3e8\" (\"nr\" 99999999 is no x86_64 syscall)");
  EXPECT_EQ(refused("execve", 11, "i386"), "(read)");
  EXPECT_EQ(refused("execve", 59), "(read)");
  {  // A call by number only, named as syspect names it.
    auto r = with([](json& e) {
      e["name"] = "syscall_0x5f5e0ff";
      e["nr"] = 99999999;
    });
    ASSERT_TRUE(r) << r.error().format();
    auto calls = r->trace.syscalls();
    ASSERT_FALSE(calls.empty());
    EXPECT_EQ(calls[0].desc, nullptr);
    EXPECT_EQ(calls[0].name(), "syscall_0x5f5e0ff");
  }
  {
    auto r = with([](json& e) { e["resumed"] = "nosuch"; });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().format(), "t.jsonl:2: unknown syscall name \"nosuch\" in \"resumed\"");
  }
  // Every verb that reads traces says so, and stops.
  std::string forged = dir.file("forged.jsonl");
  json e = json::parse(lines[1]);
  e["name"] = "nosuch";
  e["nr"] = 99999999;
  std::string text;
  for (std::size_t i = 0; i < lines.size(); ++i) text += (i == 1 ? e.dump() : lines[i]) + "\n";
  write_file(forged, text);
  std::string spec = dir.file("spec.toml");
  write_file(spec, "version = 1\n[[forbid]]\nsyscall = \"mkdir\"\n");
  const std::string said = forged + ":2: unknown syscall name \"nosuch\"";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"policy", forged}, {"check", spec, "--trace", forged}, {"diff", path, forged}}) {
    ProcResult r = run_cli(args);
    EXPECT_EQ(r.status(), 2) << args[0] << ": " << describe(r);
    EXPECT_TRUE(contains(r.err, said)) << args[0] << ": " << describe(r);
    EXPECT_EQ(r.out, "") << args[0];
  }
}

// ---- record and check --trace through the CLI ---------------------------

TEST(Record, ExitsAsTheCommandAndWritesAWholeTrace) {
  TempDir dir;
  std::string path = dir.file("t.jsonl");
  ProcResult r = run_cli({"record", "-o", path, "--", target("exit_code"), "7"});
  EXPECT_EQ(r.status(), 7) << describe(r);
  JsonTrace t = read_jsonl(path);
  EXPECT_EQ(t.header["command"][0], target("exit_code"));
  EXPECT_TRUE(t.header.contains("start"));
  EXPECT_EQ(t.end.value("exit_code", -1), 7);
  ProcResult missing = run_cli({"record", "-o", dir.file("none.jsonl"), "--", "/nonexistent/prog"});
  EXPECT_EQ(missing.status(), 127) << describe(missing);
  EXPECT_FALSE(std::filesystem::exists(dir.file("none.jsonl"))) << "a header alone is not a trace";
}

// Bytes that look like UTF-8 but are not (overlong forms, a surrogate, a
// code point above U+10FFFF) are written as hex, each in a write of its own,
// so that every line is valid JSON and the trace reads back byte for byte.
TEST(Record, BytesThatAreNotUtf8ReadBack) {
  TempDir dir;
  const std::vector<std::string> buffers = {"\xe0\x8c\x89", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                            "caf\xc3\xa9"};
  std::string script;
  for (const auto& b : buffers) {
    script += "printf '";
    for (unsigned char c : b) script += fmt::format("\\{:03o}", c);
    script += "'; ";
  }
  std::string path = record(dir, "t.jsonl", {"/bin/sh", "-c", script + "true"});
  std::string text = read_file(path);
  for (const auto& line : lines_of(text)) EXPECT_TRUE(json::accept(line)) << line;
  EXPECT_THAT(text, ::testing::HasSubstr(R"("value":"café")"));
  auto loaded = syspect::load_trace(path);
  ASSERT_TRUE(loaded) << loaded.error().format();
  std::vector<std::string> written;
  for (const auto& w : loaded->trace.syscalls("write"))
    if (w.args[0].num == 1) written.push_back(w.args[1].bytes);
  EXPECT_EQ(written, buffers);
}

TEST(CheckTrace, ChecksARecordingWithoutRunningIt) {
  TempDir dir;
  std::string path = record(dir, "t.jsonl", {diff_target("diff_random")});
  write_file(dir.file("pass.toml"), R"(version = 1
[policy]
deny = ["@network"]
[[expect]]
syscall = "openat"
args = { pathname = "/dev/urandom", flags = { has = ["O_CLOEXEC"] } }
result = ">= 0"
[[expect]]
name = "reads random bytes"
syscall = "read"
args = { fd = { path = "/dev/urandom" }, count = 16 }
[[sequence]]
steps = [{ syscall = "openat", args = { pathname = "/dev/urandom" } }, { syscall = "close" }, { syscall = "getrandom" }]
)");
  write_file(dir.file("fail.toml"), R"(version = 1
[[forbid]]
name = "no random device"
syscall = "openat"
args = { pathname = { prefix = "/dev/" } }
)");
  ProcResult ok = run_cli({"check", dir.file("pass.toml"), "--trace", path});
  EXPECT_EQ(ok.status(), 0) << describe(ok);
  ProcResult bad = run_cli({"check", dir.file("fail.toml"), "--trace", path});
  EXPECT_EQ(bad.status(), 1) << describe(bad);
  EXPECT_THAT(bad.err, ::testing::HasSubstr("no random device"));
  EXPECT_THAT(bad.err, ::testing::HasSubstr("\"/dev/urandom\""));
  // Nothing ran: the program's own output is absent.
  EXPECT_EQ(ok.out, "");

  write_file(dir.file("cut.jsonl"), read_file(path).substr(0, 700));
  ProcResult cut = run_cli({"check", dir.file("pass.toml"), "--trace", dir.file("cut.jsonl")});
  EXPECT_EQ(cut.status(), 2) << describe(cut);
  EXPECT_THAT(cut.err, ::testing::ContainsRegex("cut.jsonl:[0-9]+: "));
}

// The values of variables whose names look secret never reach the file;
// the others are kept; two runs that differ only in a secret diff empty,
// and the file is checked as any other.
TEST(Record, RedactsSecretLookingEnvironmentValues) {
  TempDir dir;
  auto record_with = [&](const std::string& name, const std::string& token,
                         const std::vector<std::string>& options) {
    std::string path = dir.file(name);
    std::vector<std::string> args = {"record", "-o", path};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--", "/bin/sh", "-c", "exec /bin/true"});
    SpawnOptions so;
    so.extra_env = {"CI_JOB_TOKEN=" + token, "db_password=hunter2-" + token, "AWS_ACCESS_KEY_ID=AKIA" + token,
                    "SYSPECT_VISIBLE=plain-value"};
    ProcResult r = run_cli(args, 60s, so);
    EXPECT_EQ(r.status(), 0) << describe(r);
    return path;
  };
  std::string a = record_with("a.jsonl", "first-secret", {});
  std::string b = record_with("b.jsonl", "second-secret", {});
  std::string text = read_file(a);
  EXPECT_THAT(text, Not(HasSubstr("first-secret")));
  EXPECT_THAT(text, HasSubstr("CI_JOB_TOKEN=<redacted>"));
  EXPECT_THAT(text, HasSubstr("db_password=<redacted>"));
  EXPECT_THAT(text, HasSubstr("AWS_ACCESS_KEY_ID=<redacted>"));
  EXPECT_THAT(text, HasSubstr("SYSPECT_VISIBLE=plain-value"));
  EXPECT_EQ(read_jsonl(a).header.value("redacted_env", ""), "*TOKEN*,*SECRET*,*PASSWORD*,*KEY*");

  ProcResult d = run_cli({"diff", a, b});
  EXPECT_EQ(d.status(), 0) << describe(d);
  write_file(dir.file("env.toml"), R"(version = 1
[[expect]]
syscall = "execve"
args = { envp = { contains = "SYSPECT_VISIBLE=plain-value" } }
[[forbid]]
syscall = "execve"
args = { envp = { contains = "first-secret" } }
)");
  ProcResult c = run_cli({"check", dir.file("env.toml"), "--trace", a});
  EXPECT_EQ(c.status(), 0) << describe(c);

  // none keeps everything; a list redacts just those; all redacts every value.
  std::string none = read_file(record_with("none.jsonl", "third-secret", {"--redact-env=none"}));
  EXPECT_THAT(none, HasSubstr("CI_JOB_TOKEN=third-secret"));
  EXPECT_FALSE(read_jsonl(dir.file("none.jsonl")).header.contains("redacted_env"));
  std::string listed = read_file(record_with("list.jsonl", "fourth-secret", {"--redact-env", "SYSPECT_VISIBLE"}));
  EXPECT_THAT(listed, HasSubstr("SYSPECT_VISIBLE=<redacted>"));
  EXPECT_THAT(listed, HasSubstr("CI_JOB_TOKEN=fourth-secret"));
  std::string all = read_file(record_with("all.jsonl", "fifth-secret", {"--redact-env=all"}));
  EXPECT_THAT(all, Not(HasSubstr("plain-value")));
  EXPECT_THAT(all, Not(HasSubstr("fifth-secret")));
  ProcResult bad = run_cli({"record", "-o", dir.file("x.jsonl"), "--redact-env", "A=B", "--", "/bin/true"});
  EXPECT_EQ(bad.status(), 2) << describe(bad);
  EXPECT_THAT(bad.err, HasSubstr("--redact-env A=B"));
}

// -e trace=SET keeps only those calls, says so in the header, and check
// --trace refuses a rule about a call left out, naming the spec's line.
TEST(Record, KeepsOnlyTheCallsAskedForAndCheckRefusesTheOthers) {
  TempDir dir;
  std::string full = record(dir, "full.jsonl", {diff_target("diff_random")});
  std::string path = dir.file("kept.jsonl");
  ProcResult r = run_cli({"record", "-o", path, "-e", "trace=openat,read", "--", diff_target("diff_random")});
  ASSERT_EQ(r.status(), 0) << describe(r);
  JsonTrace t = read_jsonl(path);
  EXPECT_EQ(t.header.value("trace", ""), "openat,read");
  std::set<std::string> names;
  for (const json& e : t.events)
    if (e.value("type", "") == "syscall") names.insert(e.value("name", ""));
  EXPECT_EQ(names, (std::set<std::string>{"openat", "read"}));
  EXPECT_LT(read_file(path).size(), read_file(full).size());

  write_file(dir.file("kept.toml"), R"(version = 1
[[expect]]
name = "reads random bytes"
syscall = "read"
args = { fd = { path = "/dev/urandom" }, count = 16 }
)");
  ProcResult ok = run_cli({"check", dir.file("kept.toml"), "--trace", path});
  EXPECT_EQ(ok.status(), 0) << describe(ok);

  write_file(dir.file("unkept.toml"), R"(version = 1
[[expect]]
syscall = "openat"
[[forbid]]
name = "no random syscall"
syscall = ["openat", "getrandom"]
)");
  ProcResult refused = run_cli({"check", dir.file("unkept.toml"), "--trace", path});
  EXPECT_EQ(refused.status(), 2) << describe(refused);
  EXPECT_THAT(refused.err, HasSubstr(dir.file("unkept.toml") + ":6:22: rule 'no random syscall' is about "
                                     "getrandom calls, which " + path + " does not hold: it was recorded "
                                     "with -e trace=openat,read"));
  // On the whole recording the same spec is judged.
  ProcResult judged = run_cli({"check", dir.file("unkept.toml"), "--trace", full});
  EXPECT_EQ(judged.status(), 1) << describe(judged);

  write_file(dir.file("policy.toml"), R"(version = 1
[policy]
allow = ["openat", "read"]
)");
  ProcResult policy = run_cli({"check", dir.file("policy.toml"), "--trace", path});
  EXPECT_EQ(policy.status(), 2) << describe(policy);
  EXPECT_THAT(policy.err, HasSubstr("the [policy] judges every call"));
}

// ---- alignment ------------------------------------------------------------

// Every line of `a` and `b` accounted for by `edits`, in order, and kept
// lines equal; returns how many were kept.
std::size_t expect_every_line_in_order(const std::vector<std::string>& a, const std::vector<std::string>& b,
                                       const std::vector<syspect::Edit>& edits) {
  std::size_t ia = 0, ib = 0, keeps = 0;
  for (const auto& e : edits) {
    if (e.op != syspect::EditOp::Add) {
      EXPECT_EQ(e.old_index, ia++);
    }
    if (e.op != syspect::EditOp::Remove) {
      EXPECT_EQ(e.new_index, ib++);
    }
    if (e.op == syspect::EditOp::Keep) {
      ++keeps;
      EXPECT_EQ(a[e.old_index], b[e.new_index]);
    }
  }
  EXPECT_EQ(ia, a.size());
  EXPECT_EQ(ib, b.size());
  return keeps;
}

TEST(Align, OneExtraCallIsOneAddition) {
  std::vector<std::string> a, b;
  for (int i = 0; i < 200; ++i) a.push_back(fmt::format("call{}", i % 7));
  b = a;
  b.insert(b.begin() + 100, "extra");
  b.erase(b.begin() + 150);
  auto edits = syspect::align(a, b);
  std::size_t adds = 0, removes = 0;
  for (const auto& e : edits) {
    if (e.op == syspect::EditOp::Add) {
      ++adds;
      EXPECT_EQ(b[e.new_index], "extra");
    }
    if (e.op == syspect::EditOp::Remove) ++removes;
  }
  EXPECT_EQ(adds, 1u);
  EXPECT_EQ(removes, 1u);
  expect_every_line_in_order(a, b, edits);
  EXPECT_TRUE(syspect::align({}, {}).empty());
  EXPECT_EQ(syspect::align({}, {"x"}).size(), 1u);
  EXPECT_EQ(syspect::align({"x", "y"}, {}).size(), 2u);
}

// Two long sequences that differ everywhere: the search stops at
// kMaxAlignDistance differences with memory that stays small (before, it
// kept O(D^2) longs: 12.5 GB at 20,000 lines a side, std::bad_alloc at
// 200,000), and the alignment is still correct: every line, in order.
TEST(Align, SequencesThatDifferEverywhereGetACorrectDiffInBoundedMemory) {
  std::vector<std::string> a, b;
  for (int i = 0; i < 200000; ++i) {
    a.push_back(fmt::format("old{}", i));
    b.push_back(fmt::format("new{}", i));
  }
  a.insert(a.begin(), "same head");
  b.insert(b.begin(), "same head");
  bool minimal = true;
  auto edits = syspect::align(a, b, &minimal);
  EXPECT_FALSE(minimal);
  EXPECT_EQ(expect_every_line_in_order(a, b, edits), 1u);
  // Within the limit the alignment is minimal, and says so.
  std::vector<std::string> c(a.begin(), a.begin() + 300), d(b.begin(), b.begin() + 300);
  (void)syspect::align(c, d, &minimal);
  EXPECT_TRUE(minimal);
}

// ---- diff: normalisation ----------------------------------------------------

class SameProgramTwice : public ::testing::TestWithParam<std::string> {};

TEST_P(SameProgramTwice, GivesAnEmptyDiff) {
  TempDir dir;
  std::string prog = diff_target(GetParam());
  std::string first = record(dir, "1.jsonl", {prog});
  for (int run = 2; run <= 4; ++run) {
    std::string again = record(dir, fmt::format("{}.jsonl", run), {prog});
    ProcResult d = run_cli({"diff", first, again});
    EXPECT_EQ(d.status(), 0) << describe(d);
    EXPECT_EQ(d.out, "");
  }
  // Against a fresh run, without a second file.
  ProcResult live = run_cli({"diff", first, "--", prog});
  EXPECT_EQ(live.status(), 0) << describe(live);
}

INSTANTIATE_TEST_SUITE_P(Diff, SameProgramTwice,
                         ::testing::Values("diff_threads", "diff_forks", "diff_random"));

// Real programs, each recorded twice from the same inputs: every value that
// varies between two identical runs is normalised, so the diff is empty.
TEST(Diff, RealProgramsTwiceGiveAnEmptyDiff) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("tree/sub"));
  write_file(dir.file("tree/fruit"), "banana\napple\ncherry\n");
  write_file(dir.file("tree/sub/b"), "b\n");
  const std::vector<std::vector<std::string>> commands = {
      {"tar", "czf", dir.file("out.tgz"), "-C", dir.file("tree"), "."},  // a SIGCHLD after wait4
      {"sh", "-c", "/bin/true; /bin/true"},
      {"sort", "--parallel=1", dir.file("tree/fruit")},  // sysinfo
      {"find", dir.file("tree")},                        // fstatfs
      {diff_target("diff_machine")},
  };
  int n = 0;
  for (const auto& cmd : commands) {
    SCOPED_TRACE(cmd[0] + (cmd.size() > 1 ? " " + cmd[1] : ""));
    std::string a = record(dir, fmt::format("{}a.jsonl", n), cmd);
    std::filesystem::remove(dir.file("out.tgz"));
    std::string b = record(dir, fmt::format("{}b.jsonl", n++), cmd);
    std::filesystem::remove(dir.file("out.tgz"));
    ProcResult d = run_cli({"diff", a, b});
    EXPECT_EQ(d.status(), 0) << d.out << d.err;
  }
}

// What the normalisation makes of each of those values.
TEST(Diff, ValuesTheMachineGivesAreNamed) {
  TempDir dir;
  auto lines_of_trace = [&dir](const std::string& name, const std::vector<std::string>& cmd) {
    auto loaded = syspect::load_trace(record(dir, name, cmd));
    EXPECT_TRUE(loaded);
    std::string all;
    if (!loaded) return all;
    for (const auto& t : syspect::normalize_trace(loaded->trace, {}))
      for (const auto& l : t.lines) all += l + "\n";
    return all;
  };
  std::string m = lines_of_trace("m.jsonl", {diff_target("diff_machine")});
  EXPECT_THAT(m, ::testing::ContainsRegex(
                     R"(sysinfo\(\{uptime=N, loads=N, totalram=[0-9]+, freeram=N, sharedram=N, bufferram=N, )"
                     R"(totalswap=[0-9]+, freeswap=N, procs=N, totalhigh=[0-9]+, freehigh=N, mem_unit=[0-9]+\}\) = 0)"));
  EXPECT_THAT(m, ::testing::ContainsRegex(R"(statfs\("/", \{.*f_blocks=[0-9]+, f_bfree=N, f_bavail=N, f_files=[0-9]+, f_ffree=N, )"));
  EXPECT_THAT(m, ::testing::HasSubstr("newfstatat(AT_FDCWD, \"/proc/<pid 1>\", "));
  EXPECT_THAT(m, ::testing::HasSubstr("newfstatat(AT_FDCWD, \"/proc/<pid 1>/task/<pid 1>/stat\", "));
  EXPECT_THAT(m, ::testing::HasSubstr("getpgrp() = <pid x1>\nkill(-<pid x1>, 0) = 0\n"));
  // Port 0 asked for stays; the ports the kernel picked do not.
  EXPECT_THAT(m, ::testing::HasSubstr("bind(3, {sa_family=AF_INET, sin_port=htons(0), "));
  EXPECT_THAT(m, ::testing::HasSubstr("getsockname(3, {sa_family=AF_INET, sin_port=htons(<ephemeral>), "));
  EXPECT_THAT(m, ::testing::HasSubstr("connect(4, {sa_family=AF_INET, sin_port=htons(<ephemeral>), "));
  EXPECT_THAT(m, ::testing::HasSubstr("accept(3, {sa_family=AF_INET, sin_port=htons(<ephemeral>), "));
  EXPECT_THAT(m, ::testing::HasSubstr("getsockname(3, {sa_family=AF_NETLINK, nl_pid=<pid 1>, "));
  // A second netlink socket's port id is drawn at random (and negative);
  // the numbers of netlink requests are counted from the first one.
  EXPECT_THAT(m, ::testing::HasSubstr("getsockname(4, {sa_family=AF_NETLINK, nl_pid=<port 1>, "));
  EXPECT_THAT(m, ::testing::HasSubstr("sendto(4, {nlmsg_len=16, nlmsg_type=NLMSG_NOOP, "
                                      "nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK, nlmsg_seq=<seq>, nlmsg_pid=0}, 16, "));
  EXPECT_THAT(m, ::testing::HasSubstr("recvfrom(4, [{nlmsg_len=36, nlmsg_type=NLMSG_ERROR, nlmsg_flags=NLM_F_CAPPED, "
                                      "nlmsg_seq=<seq>, nlmsg_pid=<port 1>}, "));
  EXPECT_THAT(m, ::testing::HasSubstr("recvfrom(3, [{nlmsg_len=36, nlmsg_type=NLMSG_ERROR, nlmsg_flags=NLM_F_CAPPED, "
                                      "nlmsg_seq=<seq+1>, nlmsg_pid=<pid 1>}, "));
  std::string sh = lines_of_trace("sh.jsonl", {"sh", "-c", "/bin/true; /bin/true"});
  EXPECT_THAT(sh, ::testing::HasSubstr(") = <pid 1.1>\nrt_sigreturn({mask=[]}) = <restored>\n"));
}

TEST(Diff, NamesPidsByTheirPlaceInTheTree) {
  TempDir dir;
  std::string path = record(dir, "t.jsonl", {diff_target("diff_forks")});
  auto loaded = syspect::load_trace(path);
  ASSERT_TRUE(loaded);
  auto tasks = syspect::normalize_trace(loaded->trace, {});
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[0].position, "1");
  EXPECT_EQ(tasks[1].position, "1.1");
  EXPECT_EQ(tasks[2].position, "1.2");
  std::string parent;
  for (const auto& l : tasks[0].lines) parent += l + "\n";
  EXPECT_THAT(parent, ::testing::HasSubstr("wait4(<pid 1.1>, "));
  EXPECT_THAT(parent, ::testing::HasSubstr(") = <pid 1.2>\n"));
  EXPECT_THAT(parent, ::testing::HasSubstr("kill(<pid 1>, 0) = 0"));
  EXPECT_THAT(parent, ::testing::Not(::testing::ContainsRegex("0x[0-9a-f]{6}")));
  std::string signals;
  for (const auto& s : tasks[0].signals) signals += s + "\n";
  EXPECT_THAT(signals, ::testing::HasSubstr("si_pid=<pid 1.1>, si_uid="));
  EXPECT_THAT(signals, ::testing::HasSubstr("si_utime=0, si_stime=0"));
}

TEST(Diff, RandomBytesAreReplaced) {
  TempDir dir;
  std::string path = record(dir, "t.jsonl", {diff_target("diff_random")});
  auto loaded = syspect::load_trace(path);
  ASSERT_TRUE(loaded);
  auto tasks = syspect::normalize_trace(loaded->trace, {});
  ASSERT_EQ(tasks.size(), 1u);
  std::string all;
  for (const auto& l : tasks[0].lines) all += l + "\n";
  EXPECT_THAT(all, ::testing::ContainsRegex(R"(read\(3, "<random>", 16\) = 16)"));
  EXPECT_THAT(all, ::testing::HasSubstr("getrandom(\"<random>\", 16, 0) = 16"));
}

TEST(Diff, UserPatternsAndIgnoredCalls) {
  TempDir dir;
  write_file(dir.file("one"), "same\n");
  write_file(dir.file("two"), "same\n");
  std::string a = record(dir, "a.jsonl", {"/bin/cat", dir.file("one")});
  std::string b = record(dir, "b.jsonl", {"/bin/cat", dir.file("two")});
  ProcResult plain = run_cli({"diff", a, b});
  EXPECT_EQ(plain.status(), 1) << describe(plain);
  EXPECT_EQ(changes(plain.out).size(), 4u) << plain.out;  // execve and openat, each - and +
  ProcResult normalized = run_cli({"diff", "--normalize", "/(one|two)\"=/FILE\"", a, b});
  EXPECT_EQ(normalized.status(), 0) << describe(normalized);
  ProcResult ignored = run_cli({"diff", "--ignore", "@file", "--ignore", "execve", a, b});
  EXPECT_EQ(ignored.status(), 0) << describe(ignored);
  ProcResult bad = run_cli({"diff", "--normalize", "([=x", a, b});
  EXPECT_EQ(bad.status(), 2) << describe(bad);
  EXPECT_THAT(bad.err, ::testing::HasSubstr("bad regular expression"));
  ProcResult bad_set = run_cli({"diff", "--ignore", "@nonsense", a, b});
  EXPECT_EQ(bad_set.status(), 2) << describe(bad_set);
}

// A --normalize pattern runs on what traced programs chose (here a path of
// 3001 bytes, in --counts's list of paths), so it is RE2, matched in time
// linear in the text: (a+)+$ takes a backtracking matcher time exponential
// in a run of a's that is not at the end. The limit is only a backstop.
TEST(Diff, UserPatternsTakeTimeLinearInTheText) {
  TempDir dir;
  const std::string path = std::string(3000, 'a') + "!";
  std::string a = record(dir, "a.jsonl", {"/bin/cat", path});
  std::string b = record(dir, "b.jsonl", {"/bin/cat", path});
  ProcResult d = run_cli({"diff", "--counts", "--normalize", "(a+)+$=X", a, b}, 20s);
  EXPECT_FALSE(d.timed_out) << "the diff did not end";
  EXPECT_EQ(d.status(), 0) << describe(d);
  ProcResult bad = run_cli({"diff", "--normalize", "(a)\\1=x", a, b});
  EXPECT_EQ(bad.status(), 2) << describe(bad);
  EXPECT_THAT(bad.err, ::testing::HasSubstr("--normalize '(a)\\1=x': bad regular expression: backreferences "
                                            "like \\1 are not supported"));
}

// A /proc path with more digits than a pid can have is no pid, and stays
// as the program wrote it.
TEST(Diff, AProcPathWithMoreDigitsThanAnyPidStaysAsItIs) {
  TempDir dir;
  std::string p = record(dir, "p.jsonl", {"/bin/cat", "/proc/99999999999999999999999/status"});
  auto loaded = syspect::load_trace(p);
  ASSERT_TRUE(loaded);
  std::string all;
  for (const auto& t : syspect::normalize_trace(loaded->trace, {}))
    for (const auto& l : t.lines) all += l + "\n";
  EXPECT_THAT(all, ::testing::HasSubstr(
                       "openat(AT_FDCWD, \"/proc/99999999999999999999999/status\", O_RDONLY) = -1 ENOENT"));
  ProcResult d = run_cli({"diff", p, p});
  EXPECT_EQ(d.status(), 0) << describe(d);
}

TEST(Diff, NoColourOffATerminal) {
  TempDir dir;
  std::string a = record(dir, "a.jsonl", {"/bin/echo", "a"});
  std::string b = record(dir, "b.jsonl", {"/bin/echo", "b"});
  ProcResult d = run_cli({"diff", a, b});
  EXPECT_EQ(d.status(), 1);
  EXPECT_EQ(d.out.find('\033'), std::string::npos);
  // The library colours when asked to.
  auto ta = syspect::load_trace(a), tb = syspect::load_trace(b);
  ASSERT_TRUE(ta && tb);
  syspect::DiffOptions o;
  o.colour = true;
  auto r = syspect::diff_traces(ta->trace, tb->trace, o);
  EXPECT_THAT(r.text, ::testing::HasSubstr("\033[31m-write(1, \"a\\n\", 2) = 2\033[0m"));
  EXPECT_THAT(r.text, ::testing::HasSubstr("\033[32m+write(1, \"b\\n\", 2) = 2\033[0m"));
}

TEST(Diff, UnreadableTraceIsAUsageError) {
  TempDir dir;
  write_file(dir.file("bad.jsonl"), "{\"syspect\":1,\"command\":[]}\nnot json\n");
  ProcResult d = run_cli({"diff", dir.file("bad.jsonl"), dir.file("bad.jsonl")});
  EXPECT_EQ(d.status(), 2) << describe(d);
  EXPECT_THAT(d.err, ::testing::HasSubstr("bad.jsonl:2: not valid JSON"));
}

// ---- diff: the regression example -----------------------------------------

#ifdef SYSPECT_HAVE_REGRESSION_EXAMPLE
std::string record_release(const TempDir& dir, const std::string& version, int run) {
  SpawnOptions so;
  so.cwd = std::string(SYSPECT_REGRESSION_DIR) + "/" + version;
  return record(dir, fmt::format("{}-{}.jsonl", version, run), {"./app"}, so);
}

TEST(Regression, ShowsExactlyWhatChanged) {
  TempDir dir;
  const std::vector<std::string> expected = {
      fmt::format("-getuid() = {}", ::getuid()),
      "+openat(AT_FDCWD, \"local.conf\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)",
  };
  for (int run = 1; run <= 3; ++run) {
    std::string v1 = record_release(dir, "v1", run);
    std::string v2 = record_release(dir, "v2", run);
    ProcResult d = run_cli({"diff", v1, v2});
    EXPECT_EQ(d.status(), 1) << describe(d);
    EXPECT_EQ(changes(d.out), expected) << d.out;
    EXPECT_THAT(d.out, ::testing::ContainsRegex("getuid +1 +0 +-1"));
    EXPECT_THAT(d.out, ::testing::ContainsRegex("openat +[0-9]+ +[0-9]+ +\\+1"));
    EXPECT_THAT(d.out, ::testing::HasSubstr("@@ pid 1 (app)"));

    ProcResult counts = run_cli({"diff", "--counts", v1, v2});
    EXPECT_EQ(counts.status(), 1) << describe(counts);
    EXPECT_THAT(counts.out, ::testing::ContainsRegex("getuid +1 +0 +-1"));
    EXPECT_THAT(counts.out, ::testing::HasSubstr("+openat \"local.conf\"\n"));
    EXPECT_EQ(changes(counts.out).size(), 1u) << counts.out;

    ProcResult same = run_cli({"diff", "--counts", v1, record_release(dir, "v1", run + 10)});
    EXPECT_EQ(same.status(), 0) << describe(same);
  }
}
#endif


// ---- policy -----------------------------------------------------------------

namespace policy_tests {

syspect::Trace trace_of(const std::vector<std::string>& names) {
  std::vector<syspect::Event> events;
  for (const auto& n : names) {
    syspect::SyscallEvent e;
    e.pid = e.tid = 100;
    e.desc = syspect::find_syscall(syspect::Abi::x86_64, n);
    EXPECT_NE(e.desc, nullptr) << n;
    if (e.desc) e.nr = e.desc->nr;
    events.emplace_back(e);
  }
  return syspect::Trace({"prog"}, std::move(events), {});
}

// The calls a policy adds by name (always allowed, a container runtime's)
// are calls of the tables: a misspelled one would allow nothing.
TEST(Policy, TheCallsItAddsByNameAreSyscalls) {
  using syspect::Abi;
  using syspect::find_syscall;
  for (const auto& c : syspect::always_allowed())
    EXPECT_TRUE(find_syscall(Abi::x86_64, c.name) != nullptr || find_syscall(Abi::i386, c.name) != nullptr)
        << c.name;
  for (const auto& c : syspect::container_runtime_calls())
    EXPECT_NE(find_syscall(Abi::x86_64, c.name), nullptr) << c.name;
}

TEST(Policy, GroupsAWholeClassAndCountsEachEntry) {
  // Every syscall of the smallest class of two or more, and one more.
  std::vector<std::string> members;
  std::string cls;
  for (auto name : syspect::trace_class_names()) {
    std::uint32_t bit = *syspect::trace_class_from_name(name);
    std::vector<std::string> m;
    for (const auto& d : syspect::syscall_table(syspect::Abi::x86_64))
      if (d.classes & bit) m.emplace_back(d.name);
    if (m.size() >= 2 && (members.empty() || m.size() < members.size())) {
      members = m;
      cls = std::string(name);
    }
  }
  ASSERT_FALSE(members.empty());
  std::vector<std::string> calls = members;
  calls.push_back(members[0]);
  calls.push_back("openat");
  calls.push_back("openat");
  calls.push_back("openat");
  syspect::SyscallUsage usage;
  usage.add(trace_of(calls), "t.jsonl");
  std::string toml = syspect::policy_toml(usage);
  EXPECT_THAT(toml, ::testing::ContainsRegex("  \"@" + cls + "\", +# " + std::to_string(members.size() + 1) +
                                             " calls: " + members[0] + " 2, "));
  EXPECT_THAT(toml, ::testing::ContainsRegex("  \"openat\", +# 3 calls\n"));
  for (const auto& m : members)
    EXPECT_THAT(toml, ::testing::Not(::testing::HasSubstr("\"" + m + "\",")));
  EXPECT_THAT(toml, ::testing::HasSubstr("#   t.jsonl: prog\n"));
}

// Whatever `policy` writes, `check` reads. A trace without a single
// syscall (the header and the end line, as a run that is refused before its
// first call would leave) still gives an allow list: the calls any process
// may need. An empty `allow = []` stays an error in a spec, as a misspelt or
// forgotten list would be.
// --merge adds what new traces did to an existing policy in place: its
// comments, order and rules stay; the new entries come at the end of the
// allow list, each said on stdout; the result passes the new trace; a
// second merge adds nothing.
TEST(Policy, MergeAddsWhatNewTracesDidInPlace) {
  TempDir dir;
  std::string first = record(dir, "first.jsonl", {"/bin/true"});
  std::string second = record(dir, "second.jsonl", {diff_target("diff_random")});
  const std::string head = "# Reviewed: keep this comment\nversion = 1\n\n[policy]\nallow = [\n  \"@file\",  # ours\n";
  ProcResult made = run_cli({"policy", first});
  ASSERT_EQ(made.status(), 0) << describe(made);
  // The generated list, behind a comment and an entry of our own, and a rule after it.
  std::string list = made.out.substr(made.out.find("allow = [\n") + 10);
  const std::string original = head + list + "\n[[expect]]\nname = \"reads\"\nsyscall = \"read\"\n";
  write_file(dir.file("app.toml"), original);
  ProcResult before = run_cli({"check", dir.file("app.toml"), "--trace", second});
  EXPECT_EQ(before.status(), 1) << describe(before);

  ProcResult merged = run_cli({"policy", "--merge", dir.file("app.toml"), second});
  ASSERT_EQ(merged.status(), 0) << describe(merged);
  EXPECT_THAT(merged.out, HasSubstr(dir.file("app.toml") + ": added "));
  EXPECT_THAT(merged.out, HasSubstr("\n  getrandom (1 call)\n"));
  std::string text = read_file(dir.file("app.toml"));
  // Everything before the end of the list is as it was, then the new entries.
  std::size_t close = original.find("\n]\n");
  EXPECT_EQ(text.substr(0, close + 1), original.substr(0, close + 1));
  EXPECT_THAT(text, HasSubstr("  \"getrandom\","));
  EXPECT_THAT(text, HasSubstr("# 1 call, added by syspect policy --merge\n"));
  EXPECT_EQ(text.substr(text.find("\n]\n")), original.substr(close));
  ProcResult after = run_cli({"check", dir.file("app.toml"), "--trace", second});
  EXPECT_EQ(after.status(), 0) << describe(after);
  ProcResult again = run_cli({"policy", "--merge", dir.file("app.toml"), first, second});
  EXPECT_EQ(again.status(), 0) << describe(again);
  EXPECT_THAT(again.out, HasSubstr("nothing to add"));
  EXPECT_EQ(read_file(dir.file("app.toml")), text);

  // A one-line list gets its entries on lines of their own; a call that
  // deny names is said, not added; a file with no allow list is an error.
  write_file(dir.file("inline.toml"), "version = 1\n[policy]\nallow = [\"@file\"] # short\ndeny = [\"getrandom\"]\n");
  ProcResult in = run_cli({"policy", "--merge", dir.file("inline.toml"), second});
  EXPECT_EQ(in.status(), 0) << describe(in);
  EXPECT_THAT(in.err, HasSubstr("the traces made getrandom, which [policy] deny names: not added"));
  EXPECT_THAT(read_file(dir.file("inline.toml")), HasSubstr("allow = [\"@file\",\n  \"arch_prctl\","));
  ProcResult judged = run_cli({"check", dir.file("inline.toml"), "--trace", second});
  EXPECT_EQ(judged.status(), 1) << describe(judged);
  EXPECT_THAT(judged.err, HasSubstr("getrandom"));
  write_file(dir.file("none.toml"), "version = 1\n[[expect]]\nsyscall = \"read\"\n");
  ProcResult none = run_cli({"policy", "--merge", dir.file("none.toml"), second});
  EXPECT_EQ(none.status(), 2) << describe(none);
  EXPECT_THAT(none.err, HasSubstr("has no [policy] allow list"));
}

// --paths: rules that forbid opening a path, or running a program, the
// recordings did not; a directory where many paths were opened becomes
// DIR/**, a lone path stays itself. The run passes its own policy; a run
// that opens a new file under DIR passes, one that opens another fails.
TEST(Policy, PathsForbidWhatTheRecordingsDidNotOpen) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("data/many"));
  std::filesystem::create_directories(dir.file("data/few"));
  for (const char* f : {"a", "b", "c", "d", "e"}) write_file(dir.file(std::string("data/many/") + f), "x");
  write_file(dir.file("data/few/one"), "x");
  write_file(dir.file("data/few/other"), "x");
  write_file(dir.file("data/many/new"), "x");
  const std::string many = dir.file("data/many/");
  auto opens = [&](const std::string& name, const std::string& extra) {
    return record(dir, name, {"/bin/sh", "-c", "for f in a b c d e; do : < " + many + "$f; done; : < " +
                                                   dir.file("data/few/one") + extra});
  };
  std::string first = opens("first.jsonl", "");
  ProcResult made = run_cli({"policy", "--paths", "-o", dir.file("app.toml"), first});
  ASSERT_EQ(made.status(), 0) << describe(made);
  std::string text = read_file(dir.file("app.toml"));
  EXPECT_THAT(text, HasSubstr("name = \"opens only the paths the recordings opened\""));
  EXPECT_THAT(text, HasSubstr("[forbid.args.pathname.not]\nglob = [\n"));
  std::string many_entry(1, '"'), one_entry(1, '"');
  many_entry.append(dir.file("data/many")).append("/\\*\\*\", +# 5 opens of 5 paths\n");
  one_entry.append(dir.file("data/few/one")).append("\", +# 1 open\n");
  EXPECT_THAT(text, ::testing::ContainsRegex(many_entry));
  EXPECT_THAT(text, ::testing::ContainsRegex(one_entry));
  EXPECT_THAT(text, HasSubstr("name = \"runs only the programs the recordings ran\""));
  EXPECT_THAT(text, HasSubstr("\"/bin/sh\","));
  ProcResult same = run_cli({"check", dir.file("app.toml"), "--trace", first});
  EXPECT_EQ(same.status(), 0) << describe(same);

  std::string inside = opens("inside.jsonl", "; : < " + many + "new");
  ProcResult covered = run_cli({"check", dir.file("app.toml"), "--trace", inside});
  EXPECT_EQ(covered.status(), 0) << describe(covered);
  std::string outside = opens("outside.jsonl", "; : < " + dir.file("data/few/other"));
  ProcResult refused = run_cli({"check", dir.file("app.toml"), "--trace", outside});
  EXPECT_EQ(refused.status(), 1) << describe(refused);
  EXPECT_THAT(refused.err, HasSubstr("FAIL opens only the paths the recordings opened"));
  EXPECT_THAT(refused.err, HasSubstr(dir.file("data/few/other")));

  ProcResult seccomp = run_cli({"policy", "--paths", "--format", "seccomp", first});
  EXPECT_EQ(seccomp.status(), 2) << describe(seccomp);
}

// The files the path tests work on: DIR/{a, f1, m1} in each of `dirs`.
void make_files(const TempDir& dir, std::initializer_list<const char*> dirs) {
  for (const char* d : dirs) {
    std::filesystem::create_directories(dir.file(d));
    for (const char* f : {"a", "f1", "m1"}) write_file(dir.file(std::string(d) + "/" + f), "x");
  }
}

// Real programs on the files of DIR: stat (statx), mkdir, rm (unlinkat),
// mv (renameat2: oldpath and newpath); then touch (utimensat on a
// descriptor, with a NULL pathname) on the same file whatever DIR, so that
// runs on two DIRs open the same paths; `more` is appended to the script.
std::string path_calls(const TempDir& dir, const std::string& name, const std::string& d,
                       const std::string& more = "") {
  const std::string p = dir.file(d) + "/";
  return record(dir, name,
                {"/bin/sh", "-c",
                 "stat -c %n " + p + "a && mkdir " + p + "d1 && rm " + p + "f1 && mv " + p + "m1 " + p + "m2" +
                     " && touch " + dir.file("touched") + more});
}

// --paths covers every call that names a path the kernel resolves, not
// only opens and execs: a run that makes the same calls on paths outside
// the recorded ones passes a policy of names, and fails one with --paths.
TEST(Policy, PathsCoverEveryCallThatNamesAPath) {
  TempDir dir;
  make_files(dir, {"data", "other"});
  std::string first = path_calls(dir, "first.jsonl", "data");
  std::string outside = path_calls(dir, "outside.jsonl", "other");
  ProcResult names = run_cli({"policy", "-o", dir.file("names.toml"), first});
  ASSERT_EQ(names.status(), 0) << describe(names);
  ProcResult made = run_cli({"policy", "--paths", "-o", dir.file("app.toml"), first});
  ASSERT_EQ(made.status(), 0) << describe(made);
  std::string text = read_file(dir.file("app.toml"));
  // One rule per path argument: rename's two are two rules.
  for (const char* arg : {"pathname", "oldpath", "newpath"}) {
    EXPECT_THAT(text, HasSubstr(fmt::format("name = \"uses as {} only the paths the recordings used\"", arg)));
    EXPECT_THAT(text, HasSubstr(fmt::format("[forbid.args.{}.not]\nglob = [\n", arg)));
  }
  EXPECT_THAT(text, ::testing::ContainsRegex("\"statx\", "));
  EXPECT_THAT(text, ::testing::ContainsRegex("\"unlinkat\", "));
  EXPECT_THAT(text, ::testing::ContainsRegex("\"" + dir.file("data/m1") + "\", +# 1 call\n"));
  // The run passes its own policy (touch's utimensat(0, NULL, ...) names no path).
  ProcResult same = run_cli({"check", dir.file("app.toml"), "--trace", first});
  EXPECT_EQ(same.status(), 0) << describe(same) << text;

  ProcResult loose = run_cli({"check", dir.file("names.toml"), "--trace", outside});
  EXPECT_EQ(loose.status(), 0) << describe(loose);
  ProcResult refused = run_cli({"check", dir.file("app.toml"), "--trace", outside});
  EXPECT_EQ(refused.status(), 1) << describe(refused);
  EXPECT_THAT(refused.err, Not(HasSubstr("FAIL opens only")));
  EXPECT_THAT(refused.err, HasSubstr("FAIL uses as pathname only the paths the recordings used"));
  EXPECT_THAT(refused.err, HasSubstr("FAIL uses as oldpath only the paths the recordings used"));
  for (const char* p : {"other/a", "other/d1", "other/f1", "other/m1"})
    EXPECT_THAT(refused.err, HasSubstr(dir.file(p))) << p;

  // Every input argument of kind path in the table is judged by a rule:
  // the stat family, access, readlink, unlink, rename, mkdir, chmod, chown,
  // link, symlink, truncate, utimensat, the xattr calls, mknod, inotify.
  std::set<std::string> judged;
  for (const auto& kind : syspect::path_rule_kinds())
    for (const auto& name : kind.syscalls) judged.insert(name + ":" + kind.arg);
  for (const auto& d : syspect::syscall_table(syspect::Abi::x86_64))
    for (std::size_t i = 0; i < d.nargs; ++i) {
      if (d.args[i].kind != syspect::ArgKind::Path || d.args[i].dir != syspect::ArgDir::In) continue;
      EXPECT_TRUE(judged.count(std::string(d.name) + ":" + d.args[i].name)) << d.name << " " << d.args[i].name;
    }
  for (const char* name : {"stat", "lstat", "newfstatat", "statx", "statfs", "access", "faccessat", "faccessat2",
                           "readlink", "readlinkat", "unlink", "unlinkat", "rename", "renameat", "renameat2",
                           "mkdir", "mkdirat", "rmdir", "chdir", "chmod", "fchmodat", "chown", "lchown",
                           "fchownat", "link", "linkat", "symlink", "symlinkat", "truncate", "utimensat",
                           "getxattr", "lsetxattr", "listxattr", "removexattr", "mknod", "inotify_add_watch"}) {
    bool found = false;
    for (const auto& j : judged) found = found || j.starts_with(std::string(name) + ":");
    EXPECT_TRUE(found) << name;
  }
  EXPECT_FALSE(judged.count("getcwd:buf"));  // written by the kernel, not resolved
}

// --paths --merge adds the paths new traces used to the rules a file has,
// keeping its comments and order, and a rule for a kind of path it has none
// for; the new run then passes, and a second merge adds nothing. --merge
// alone adds names only.
TEST(Policy, MergeWithPathsAddsThePathsNewTracesUsed) {
  TempDir dir;
  make_files(dir, {"data", "other"});
  std::string first = path_calls(dir, "first.jsonl", "data");
  // The same calls on other paths, and a symlink, which the first run made none of.
  std::string second =
      path_calls(dir, "second.jsonl", "other", " && ln -s " + dir.file("other/a") + " " + dir.file("other/l"));
  ProcResult made = run_cli({"policy", "--paths", first});
  ASSERT_EQ(made.status(), 0) << describe(made);
  const std::string original = "# Reviewed: keep this comment\n" + made.out;
  const std::string app = dir.file("app.toml");
  write_file(app, original);
  ProcResult before = run_cli({"check", app, "--trace", second});
  EXPECT_EQ(before.status(), 1) << describe(before);

  ProcResult names = run_cli({"policy", "--merge", app, second});
  ASSERT_EQ(names.status(), 0) << describe(names);
  EXPECT_THAT(names.out, HasSubstr("symlinkat (1 call)"));
  EXPECT_THAT(names.out, Not(HasSubstr("--paths rules")));
  const std::string names_only = read_file(app);
  ProcResult still = run_cli({"check", app, "--trace", second});
  EXPECT_EQ(still.status(), 1) << describe(still);
  EXPECT_THAT(still.err, HasSubstr("FAIL uses as pathname only the paths the recordings used"));

  ProcResult merged = run_cli({"policy", "--paths", "--merge", app, second});
  ASSERT_EQ(merged.status(), 0) << describe(merged);
  EXPECT_THAT(merged.out, HasSubstr(app + ": added "));
  EXPECT_THAT(merged.out, HasSubstr(" to the --paths rules:\n"));
  EXPECT_THAT(merged.out, HasSubstr("  uses as pathname only the paths the recordings used: " + dir.file("other/f1")));
  EXPECT_THAT(merged.out, HasSubstr("  uses as oldpath only the paths the recordings used: " + dir.file("other/m1")));
  EXPECT_THAT(merged.out, HasSubstr("  uses as linkpath only the paths the recordings used: " + dir.file("other/l")));
  std::string text = read_file(app);
  // Every line of the file as it was is still there, in the same order.
  std::size_t at = 0;
  for (const auto& line : lines_of(names_only)) {
    std::size_t found = text.find(line + "\n", at);
    ASSERT_NE(found, std::string::npos) << "lost: " << line << "\n" << text;
    at = found + line.size();
  }
  EXPECT_TRUE(text.starts_with("# Reviewed: keep this comment\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("  \"" + dir.file("other/m2") +
                                             "\", +# 1 call, added by syspect policy --merge\n"));
  EXPECT_THAT(text, HasSubstr("[forbid.args.linkpath.not]\nglob = [\n"));
  ProcResult after = run_cli({"check", app, "--trace", second});
  EXPECT_EQ(after.status(), 0) << describe(after) << text;
  ProcResult first_still = run_cli({"check", app, "--trace", first});
  EXPECT_EQ(first_still.status(), 0) << describe(first_still);
  ProcResult again = run_cli({"policy", "--paths", "--merge", app, first, second});
  EXPECT_EQ(again.status(), 0) << describe(again);
  EXPECT_THAT(again.out, HasSubstr("nothing to add"));
  EXPECT_EQ(read_file(app), text);

  // A rule whose paths are not written as --paths writes them is not guessed at.
  std::string hand = dir.file("hand.toml");
  write_file(hand, names_only.substr(0, names_only.find("\n# Paths")) +
                       "\n[[forbid]]\nsyscall = [\"open\", \"openat\", \"openat2\", \"creat\"]\n"
                       "args = { pathname = { not = { prefix = \"/usr\" } } }\n");
  ProcResult refused = run_cli({"policy", "--paths", "--merge", hand, second});
  EXPECT_EQ(refused.status(), 2) << describe(refused);
  EXPECT_THAT(refused.err, ::testing::ContainsRegex(hand + ":[0-9]+:1: error: cannot add paths to the rule "
                                                           "\"forbid at line [0-9]+\""));
}

TEST(Policy, OfATraceWithoutSyscallsIsASpecCheckReads) {
  TempDir dir;
  std::string empty = dir.file("empty.jsonl");
  write_file(empty,
             "{\"syspect\":1,\"command\":[\"prog\"],\"start\":\"2026-12-02T00:00:00Z\"}\n"
             "{\"type\":\"end\",\"status\":0,\"exit_code\":0,\"signal\":null,\"timed_out\":false,"
             "\"detached\":false,\"interrupted\":false,\"interrupt_signal\":null}\n");
  std::string p = dir.file("policy.toml");
  ProcResult made = run_cli({"policy", empty, "-o", p});
  ASSERT_EQ(made.status(), 0) << describe(made);
  std::string toml = read_file(p);
  EXPECT_THAT(toml, ::testing::HasSubstr("\"exit_group\","));
  ProcResult recorded = run_cli({"check", p, "--trace", empty});
  EXPECT_EQ(recorded.status(), 0) << toml << describe(recorded);
  // A real run does more than nothing: violations, not a bad spec.
  ProcResult live = run_cli({"check", p, "--", "/bin/true"});
  EXPECT_EQ(live.status(), 1) << toml << describe(live);
  EXPECT_FALSE(contains(live.err, "error:")) << describe(live);
  ProcResult seccomp = run_cli({"policy", "--format", "seccomp", empty});
  ASSERT_EQ(seccomp.status(), 0) << describe(seccomp);
  EXPECT_TRUE(json::accept(seccomp.out)) << seccomp.out;

  std::string hand = dir.file("hand.toml");
  write_file(hand, "version = 1\n[policy]\nallow = []\n");
  ProcResult bad = run_cli({"check", hand, "--trace", empty});
  EXPECT_EQ(bad.status(), 2) << describe(bad);
  EXPECT_TRUE(contains(bad.err, hand + ":3:9: error: 'allow' is an empty list")) << describe(bad);
}

TEST(Policy, TomlRoundTripsThroughCheck) {
  TempDir dir;
  std::string random1 = record(dir, "r1.jsonl", {diff_target("diff_random")});
  std::string random2 = record(dir, "r2.jsonl", {diff_target("diff_random")});
  std::string p = dir.file("policy.toml");
  ProcResult made = run_cli({"policy", random1, random2, "-o", p});
  ASSERT_EQ(made.status(), 0) << describe(made);
  std::string toml = read_file(p);
  EXPECT_THAT(toml, ::testing::ContainsRegex("\"getrandom\", +# [0-9]+ calls?\n"));
  EXPECT_THAT(toml, ::testing::Not(::testing::HasSubstr("\"clone")));
  // The run it came from, live and recorded, passes.
  ProcResult live = run_cli({"check", p, "--", diff_target("diff_random")});
  EXPECT_EQ(live.status(), 0) << describe(live) << toml;
  ProcResult recorded = run_cli({"check", p, "--trace", random1});
  EXPECT_EQ(recorded.status(), 0) << describe(recorded);
  // A program that forks does what this policy does not allow.
  ProcResult other = run_cli({"check", p, "--", diff_target("diff_forks")});
  EXPECT_EQ(other.status(), 1) << describe(other);
  // stdout by default; a bad trace is a usage error.
  ProcResult out = run_cli({"policy", random1});
  EXPECT_EQ(out.status(), 0);
  EXPECT_THAT(out.out, ::testing::StartsWith("# The syscalls these traces made"));
  write_file(dir.file("bad.jsonl"), "{\"syspect\":1,\"command\":[]}\n");
  ProcResult bad = run_cli({"policy", dir.file("bad.jsonl")});
  EXPECT_EQ(bad.status(), 2) << describe(bad);
  EXPECT_THAT(bad.err, ::testing::HasSubstr("bad.jsonl:1: the trace stops before its \"end\" line"));
}

// A libseccomp filter built from the profile the way an OCI runtime builds
// it, without `leave_out`. The caller releases it.
scmp_filter_ctx filter_of(const json& profile, const std::string& leave_out = "") {
  EXPECT_EQ(profile.value("defaultAction", ""), "SCMP_ACT_ERRNO");
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(profile.value("defaultErrnoRet", 1)));
  EXPECT_NE(ctx, nullptr);
  for (const auto& arch : profile["architectures"]) {
    std::string a = arch.get<std::string>();
    std::uint32_t token = a == "SCMP_ARCH_X86_64" ? SCMP_ARCH_X86_64
                          : a == "SCMP_ARCH_X86"  ? SCMP_ARCH_X86
                                                  : SCMP_ARCH_X32;
    if (seccomp_arch_exist(ctx, token) != 0) {
      EXPECT_EQ(seccomp_arch_add(ctx, token), 0) << a;
    }
  }
  for (const auto& rule : profile["syscalls"]) {
    EXPECT_EQ(rule.value("action", ""), "SCMP_ACT_ALLOW");
    for (const auto& n : rule["names"]) {
      std::string name = n.get<std::string>();
      if (name == leave_out) continue;
      int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture, as runc skips it
      EXPECT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0), 0) << name;
    }
  }
  return ctx;
}

// Runs `argv` in a child under the seccomp profile, built with libseccomp
// the way an OCI runtime builds it, with `after_load` run in the child once
// the profile is loaded and before the exec; returns the wait status.
int run_under_profile(const json& profile, const std::vector<std::string>& argv,
                      const std::string& leave_out = "", const std::function<void()>& after_load = {}) {
  scmp_filter_ctx ctx = filter_of(profile, leave_out);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    if (seccomp_load(ctx) != 0) ::_exit(98);
    if (after_load) after_load();
    ::execv(args[0], args.data());
    ::_exit(97);
  }
  seccomp_release(ctx);
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  return status;
}

// A child whose stdin and stdout are pipes to the test, run under the
// seccomp filter `ctx` when there is one (as a runtime loads a profile
// before it execs the program). Killed and reaped when dropped unwaited.
class Piped {
 public:
  Piped(const std::vector<std::string>& argv, scmp_filter_ctx ctx) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      if (ctx != nullptr && seccomp_load(ctx) != 0) ::_exit(98);
      ::execv(args[0], args.data());
      ::_exit(97);
    }
    ::close(in[0]);
    ::close(out[1]);
    in_ = in[1];
    out_ = out[0];
  }
  ~Piped() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      int st;
      ::waitpid(pid_, &st, 0);
    }
    close_stdin();
    ::close(out_);
  }
  Piped(const Piped&) = delete;
  Piped& operator=(const Piped&) = delete;

  pid_t pid() const { return pid_; }
  std::optional<std::string> line() { return read_line_fd(out_, 20s); }
  void send(const std::string& s) { EXPECT_EQ(::write(in_, s.data(), s.size()), static_cast<ssize_t>(s.size())); }
  void close_stdin() {
    if (in_ >= 0) ::close(in_);
    in_ = -1;
  }
  // Whether it stopped (it is our child: waitpid sees the stop).
  bool await_stop() {
    return eventually([this] {
      int st = 0;
      return ::waitpid(pid_, &st, WNOHANG | WUNTRACED) == pid_ && WIFSTOPPED(st);
    });
  }
  // The wait status, or nothing when it did not end within `limit` (it is
  // killed then).
  std::optional<int> wait(std::chrono::milliseconds limit = 20s) {
    int st = 0;
    bool ended = eventually([&] { return ::waitpid(pid_, &st, WNOHANG) == pid_; }, limit);
    if (!ended) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &st, 0);
      reaped_ = true;
      return std::nullopt;
    }
    reaped_ = true;
    return st;
  }

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  bool reaped_ = false;
};

// Whether thread `tid` of `pid` is blocked in syscall `nr`.
bool in_call(pid_t pid, pid_t tid, long nr) {
  std::ifstream in(fmt::format("/proc/{}/task/{}/syscall", pid, tid));
  long got = -1;
  return static_cast<bool>(in >> got) && got == nr;
}

// Whether `sig` is pending for thread `tid` of `pid` or its process.
bool signal_pending(pid_t pid, pid_t tid, int sig) {
  std::uint64_t bit = 1ull << (sig - 1);
  for (const char* key : {"SigPnd", "ShdPnd"}) {
    auto v = proc_status_field(fmt::format("/proc/{}/task/{}/status", pid, tid), key);
    if (v && (std::stoull(*v, nullptr, 16) & bit)) return true;
  }
  return false;
}

std::string status_text(const std::optional<int>& st) {
  if (!st) return "still running after 20 s (killed)";
  if (WIFEXITED(*st)) return fmt::format("exited {}", WEXITSTATUS(*st));
  if (WIFSIGNALED(*st)) return fmt::format("killed by signal {}", WTERMSIG(*st));
  return fmt::format("status {:#x}", *st);
}

TEST(Policy, SeccompProfileRunsTheProgramAndNothingLess) {
  TempDir dir;
  std::string prog = diff_target("diff_random");
  std::string t = record(dir, "t.jsonl", {prog});
  ProcResult made = run_cli({"policy", "--format", "seccomp", t});
  ASSERT_EQ(made.status(), 0) << describe(made);
  json profile = json::parse(made.out);
  EXPECT_EQ(profile["architectures"], json::array({"SCMP_ARCH_X86_64"}));
  auto names = profile["syscalls"][0]["names"];
  EXPECT_NE(std::find(names.begin(), names.end(), "getrandom"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "execve"), names.end());

  int ok = run_under_profile(profile, {prog});
  EXPECT_TRUE(WIFEXITED(ok) && WEXITSTATUS(ok) == 0) << "status " << ok;
  // Without a call it needs, the program fails: its write of "ok" gets EPERM.
  int without_write = run_under_profile(profile, {prog}, "write");
  EXPECT_TRUE(WIFEXITED(without_write) && WEXITSTATUS(without_write) == 1) << "status " << without_write;
  int without_getrandom = run_under_profile(profile, {prog}, "getrandom");
  EXPECT_TRUE(WIFEXITED(without_getrandom) && WEXITSTATUS(without_getrandom) == 99)
      << "status " << without_getrandom;
}

// Runs `argv` as an OCI runtime starts a container's program: the profile
// loaded first, then what runc's finalizeNamespace() does under it (the
// user's groups, group and user, capabilities, keep-caps, the working
// directory, inherited descriptors), then the exec. Returns the wait
// status: exit 90 and up names the step the profile refused.
int run_as_runtime(const json& profile, const std::vector<std::string>& argv) {
  gid_t groups[256];
  const int ngroups = ::getgroups(256, groups);
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  return run_under_profile(profile, argv, "", [&] {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct caps[2]{};
    if (ngroups < 0 || ::setgroups(static_cast<std::size_t>(ngroups), groups) != 0) ::_exit(90);
    if (::setresgid(gid, gid, gid) != 0) ::_exit(91);
    if (::setresuid(uid, uid, uid) != 0) ::_exit(92);
    if (::syscall(SYS_capget, &header, caps) != 0 || ::syscall(SYS_capset, &header, caps) != 0) ::_exit(93);
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) ::_exit(94);
    if (::chdir("/") != 0) ::_exit(95);
    if (::syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_CLOEXEC) != 0) ::_exit(96);
  });
}

#if defined(__SANITIZE_ADDRESS__)
#define SYSPECT_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SYSPECT_TEST_UNDER_ASAN 1
#endif
#endif

TEST(Policy, ForContainerAllowsWhatTheRuntimeDoesBeforeTheProgram) {
#ifdef SYSPECT_TEST_UNDER_ASAN
  // The runtime's steps run in a child of this test binary: under
  // AddressSanitizer its runtime makes calls of its own (sigaltstack) that
  // the profile is right to refuse. The unsanitized build runs this test.
  GTEST_SKIP() << "the runtime's steps cannot run under AddressSanitizer's own calls";
#endif
  TempDir dir;
  std::string prog = diff_target("diff_random");
  std::string t = record(dir, "t.jsonl", {prog});
  ProcResult plain = run_cli({"policy", "--format", "seccomp", t});
  ASSERT_EQ(plain.status(), 0) << describe(plain);
  // The program's own profile stops the runtime before the program starts.
  int refused = run_as_runtime(json::parse(plain.out), {prog});
  EXPECT_TRUE(WIFEXITED(refused) && WEXITSTATUS(refused) >= 90) << "status " << refused;

  ProcResult made = run_cli({"policy", "--format", "seccomp", "--for-container", t});
  ASSERT_EQ(made.status(), 0) << describe(made);
  json profile = json::parse(made.out);
  const json& runtime = profile["syscalls"].back();
  EXPECT_THAT(runtime["comment"].get<std::string>(), testing::HasSubstr("container runtime"));
  int ok = run_as_runtime(profile, {prog});
  EXPECT_TRUE(WIFEXITED(ok) && WEXITSTATUS(ok) == 0) << "status " << ok;
  // Every runtime call is in the profile, in one rule or another.
  std::set<std::string> allowed;
  for (const json& rule : profile["syscalls"])
    for (const json& n : rule["names"]) allowed.insert(n.get<std::string>());
  for (const auto& c : syspect::container_runtime_calls()) EXPECT_TRUE(allowed.count(c.name)) << c.name;

  ProcResult toml = run_cli({"policy", "--for-container", t});
  EXPECT_EQ(toml.status(), 2) << describe(toml);
  EXPECT_THAT(toml.err, testing::HasSubstr("--format seccomp"));
}

// Records policy_signals with nothing to wake it: no signal, no thread exit.
// The trace's calls by name, for checking that it shows none of the calls
// the export has to add.
std::string record_quiet_run(const TempDir& dir, std::set<std::string>* names) {
  std::string t = record(dir, "quiet.jsonl", {diff_target("policy_signals")});
  auto loaded = syspect::load_trace(t);
  EXPECT_TRUE(loaded) << loaded.error().format();
  if (loaded)
    for (const auto& ev : loaded->trace.events())
      if (const auto* s = std::get_if<syspect::SyscallEvent>(&ev)) names->insert(s->name());
  return t;
}

// A profile made from a run that got no signal and ended no thread keeps a
// later run alive when it is stopped and continued inside poll
// (restart_syscall), gets a signal it handles (rt_sigreturn), and ends a
// thread (exit).
TEST(Policy, SeccompProfileSurvivesSignalsAndThreadExits) {
  TempDir dir;
  std::set<std::string> seen;
  std::string t = record_quiet_run(dir, &seen);
  for (const char* n : {"rt_sigreturn", "restart_syscall", "exit", "madvise"}) EXPECT_FALSE(seen.count(n)) << n;
  ASSERT_TRUE(seen.count("poll") && seen.count("futex") && seen.count("exit_group"));
  ProcResult made = run_cli({"policy", "--format", "seccomp", t});
  ASSERT_EQ(made.status(), 0) << describe(made);
  json profile = json::parse(made.out);
  scmp_filter_ctx ctx = filter_of(profile);
  const std::string prog = diff_target("policy_signals");
  auto started = [](Piped& p) {
    auto ready = p.line();
    EXPECT_EQ(ready, fmt::format("ready {}", p.pid()));
    return ready && eventually([&p] { return in_call(p.pid(), p.pid(), SYS_poll); });
  };
  {
    SCOPED_TRACE("stopped and continued inside poll");
    Piped p({prog}, ctx);
    ASSERT_TRUE(started(p));
    ::kill(p.pid(), SIGSTOP);
    ASSERT_TRUE(p.await_stop());
    ::kill(p.pid(), SIGCONT);
    // Back in the poll through restart_syscall, or ended when it was refused.
    EXPECT_TRUE(eventually([&p] { return in_call(p.pid(), p.pid(), SYS_restart_syscall) || process_gone(p.pid()); }));
    p.close_stdin();
    auto st = p.wait();
    EXPECT_EQ(status_text(st), "exited 0");
    EXPECT_EQ(p.line(), "ok 0 0");
  }
  {
    SCOPED_TRACE("a signal with a handler");
    Piped p({prog}, ctx);
    ASSERT_TRUE(started(p));
    ::kill(p.pid(), SIGUSR1);
    p.close_stdin();
    auto st = p.wait();
    EXPECT_EQ(status_text(st), "exited 0");
    EXPECT_EQ(p.line(), "ok 1 0");
  }
  {
    SCOPED_TRACE("a thread that ends");
    Piped p({prog}, ctx);
    ASSERT_TRUE(started(p));
    p.send("t");
    p.close_stdin();
    auto st = p.wait();
    EXPECT_EQ(status_text(st), "exited 0");
    EXPECT_EQ(p.line(), "ok 0 1");
  }
  seccomp_release(ctx);
  // The calls it adds, in a rule of their own.
  ASSERT_EQ(profile["syscalls"].size(), 2u);
  EXPECT_EQ(profile["syscalls"][1]["names"], json({"exit", "restart_syscall", "rt_sigreturn"}));
}

// The same for the expectation file: a checked run that gets a signal and
// ends a thread passes the allow list of a run that did neither.
TEST(Policy, TomlAllowsWhatSignalsAndThreadExitsNeed) {
  TempDir dir;
  std::set<std::string> seen;
  std::string t = record_quiet_run(dir, &seen);
  std::string p = dir.file("policy.toml");
  ProcResult made = run_cli({"policy", t, "-o", p});
  ASSERT_EQ(made.status(), 0) << describe(made);
  std::string toml = read_file(p);
  for (const char* n : {"rt_sigreturn", "restart_syscall", "exit", "madvise"})
    EXPECT_THAT(toml, ::testing::ContainsRegex(fmt::format("\"{}\", +# not seen; any process may need it", n)));
  EXPECT_THAT(toml, ::testing::ContainsRegex("\"exit_group\", +# 1 call\n"));

  Piped c({cli(), "check", p, "--", diff_target("policy_signals")}, nullptr);
  auto ready = c.line();
  ASSERT_TRUE(ready && ready->starts_with("ready ")) << (ready ? *ready : "no line");
  pid_t pid = static_cast<pid_t>(std::stol(ready->substr(6)));
  ASSERT_TRUE(eventually([&] { return in_call(pid, pid, SYS_poll); }));
  ::kill(pid, SIGSTOP);
  // Traced, it shows 't' at every ptrace stop: stopped once SIGSTOP is taken.
  ASSERT_TRUE(eventually([&] {
    char s = thread_state(pid, pid);
    return (s == 't' || s == 'T') && !signal_pending(pid, pid, SIGSTOP);
  }));
  ::kill(pid, SIGCONT);
  EXPECT_TRUE(eventually([&] { return in_call(pid, pid, SYS_restart_syscall) || process_gone(pid); }));
  ::kill(pid, SIGUSR1);
  c.send("t");
  c.close_stdin();
  EXPECT_EQ(c.line(), "ok 1 1");
  auto st = c.wait(60s);
  EXPECT_EQ(status_text(st), "exited 0");
}

}  // namespace policy_tests

// ---- coverage -------------------------------------------------------------

namespace coverage_tests {

// The calls of recorded traces, counted here independently of `coverage`.
std::uint64_t count_calls(const std::vector<std::string>& traces,
                          const std::function<bool(const syspect::SyscallEvent&)>& which) {
  std::uint64_t n = 0;
  for (const auto& path : traces) {
    auto loaded = syspect::load_trace(path);
    EXPECT_TRUE(loaded) << path;
    if (!loaded) continue;
    for (const auto& e : loaded->trace.syscalls())
      if (which(e)) ++n;
  }
  return n;
}

std::uint64_t named(const std::vector<std::string>& traces, const std::string& name) {
  return count_calls(traces, [&](const syspect::SyscallEvent& e) {
    return e.abi == syspect::Abi::x86_64 && e.name() == name;
  });
}

std::uint64_t in_class(const std::vector<std::string>& traces, const std::string& cls) {
  std::uint32_t bit = *syspect::trace_class_from_name(cls);
  return count_calls(traces, [&](const syspect::SyscallEvent& e) {
    return e.abi == syspect::Abi::x86_64 && e.desc && (e.desc->classes & bit);
  });
}

// Real programs recorded by `syspect record`, a spec whose allow list is
// wider than they need, and what `coverage` says of each entry and rule.
TEST(Coverage, CountsEachAllowEntryAndRuleAndMarksTheUnused) {
  TempDir dir;
  write_file(dir.file("input.txt"), "some input\n");
  std::vector<std::string> traces = {
      record(dir, "cat.jsonl", {"/bin/cat", dir.file("input.txt")}),
      record(dir, "true.jsonl", {"/bin/true"}),
  };
  std::string spec = dir.file("spec.toml");
  write_file(spec, R"(version = 1
[policy]
allow = [
  "@file",
  "read", "close",
  "mkdir",
  "i386:getpid",
]
[[expect]]
name = "opens its input"
syscall = "openat"
args = { pathname = { suffix = "input.txt" } }
[[forbid]]
name = "never creates a directory"
syscall = "mkdir"
)");
  ProcResult r = run_cli({"coverage", spec, traces[0], traces[1]});
  ASSERT_EQ(r.status(), 0) << describe(r);
  std::uint64_t total = count_calls(traces, [](const auto&) { return true; });
  EXPECT_THAT(r.out, ::testing::StartsWith(fmt::format("coverage of {} by 2 traces ({} calls): {}, {}\n", spec,
                                                       total, traces[0], traces[1])));
  auto row = [&](const std::string& entry, std::uint64_t n, int line, int column, bool unused) {
    return fmt::format("\n{} +{}  {}:{}:{}{}\n", entry, n, spec, line, column, unused ? "  UNUSED" : "");
  };
  EXPECT_THAT(r.out, ::testing::ContainsRegex(row("@file", in_class(traces, "file"), 4, 3, false))) << r.out;
  EXPECT_THAT(r.out, ::testing::ContainsRegex(row("read", named(traces, "read"), 5, 3, false))) << r.out;
  EXPECT_THAT(r.out, ::testing::ContainsRegex(row("close", named(traces, "close"), 5, 11, false))) << r.out;
  EXPECT_THAT(r.out, ::testing::ContainsRegex(row("mkdir", 0, 6, 3, true))) << r.out;
  EXPECT_THAT(r.out, ::testing::ContainsRegex(row("i386:getpid", 0, 7, 3, true))) << r.out;
  // Each name of the class entry that made a call, with its own count.
  EXPECT_GT(named(traces, "openat"), 0u);
  EXPECT_THAT(r.out, ::testing::ContainsRegex(fmt::format("\n  openat +{}\n", named(traces, "openat"))));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("names of @file made no call"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex(fmt::format("\nexpect \"opens its input\" +1  {}:9:1\n", spec)));
  EXPECT_THAT(r.out,
              ::testing::ContainsRegex(fmt::format("\nforbid \"never creates a directory\" +0  {}:13:1\n", spec)));
  EXPECT_THAT(r.out, ::testing::HasSubstr("UNUSED: 2 of 5 allow entries matched no call: mkdir, i386:getpid\n"));

  ProcResult strict = run_cli({"coverage", "--fail-unused", spec, traces[0], traces[1]});
  EXPECT_EQ(strict.status(), 1) << describe(strict);
  EXPECT_EQ(strict.out, r.out);

  ProcResult j = run_cli({"coverage", "--report", "json", spec, traces[0], traces[1]});
  ASSERT_EQ(j.status(), 0) << describe(j);
  json doc = json::parse(j.out);
  EXPECT_EQ(doc["calls"], total);
  ASSERT_EQ(doc["allow"].size(), 5u);
  EXPECT_EQ(doc["allow"][0]["entry"], "@file");
  EXPECT_EQ(doc["allow"][0]["calls"], in_class(traces, "file"));
  EXPECT_EQ(doc["allow"][0]["unused"], false);
  std::uint64_t by_name = 0;
  for (const auto& n : doc["allow"][0]["names"]) {
    EXPECT_EQ(n["calls"], named(traces, n["name"].get<std::string>())) << n;
    by_name += n["calls"].get<std::uint64_t>();
  }
  EXPECT_EQ(by_name, in_class(traces, "file"));
  EXPECT_EQ(doc["allow"][1]["calls"], named(traces, "read"));
  EXPECT_EQ(doc["allow"][3]["unused"], true);
  EXPECT_EQ(doc["allow"][3]["line"], 6);
  EXPECT_EQ(doc["unused"], json({"mkdir", "i386:getpid"}));
  ASSERT_EQ(doc["rules"].size(), 2u);
  EXPECT_EQ(doc["rules"][0]["kind"], "expect");
  EXPECT_EQ(doc["rules"][0]["calls"], 1);
  EXPECT_EQ(doc["rules"][1]["calls"], 0);
}

TEST(Coverage, FailUnusedPassesATightAllowListAndErrorsNameTheirFile) {
  TempDir dir;
  std::string trace = record(dir, "true.jsonl", {"/bin/true"});
  ProcResult made = run_cli({"policy", "-o", dir.file("tight.toml"), trace});
  ASSERT_EQ(made.status(), 0) << describe(made);
  // `policy` adds calls a recording rarely shows (rt_sigreturn...): those
  // entries are unused here, and --fail-unused says so.
  ProcResult generated = run_cli({"coverage", "--fail-unused", dir.file("tight.toml"), trace});
  EXPECT_EQ(generated.status(), 1) << describe(generated);
  EXPECT_THAT(generated.out, ::testing::ContainsRegex("\nrt_sigreturn +0  .*  UNUSED\n"));

  // An allow list of exactly the calls made: nothing unused.
  auto loaded = syspect::load_trace(trace);
  ASSERT_TRUE(loaded);
  std::set<std::string> names;
  for (const auto& e : loaded->trace.syscalls()) names.insert(e.name());
  std::string list;
  for (const auto& n : names) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", n);
  write_file(dir.file("exact.toml"), fmt::format("version = 1\n[policy]\nallow = [{}]\n", list));
  ProcResult exact = run_cli({"coverage", "--fail-unused", dir.file("exact.toml"), trace});
  EXPECT_EQ(exact.status(), 0) << describe(exact);
  EXPECT_THAT(exact.out, ::testing::HasSubstr("\nevery allow entry matched a call\n"));

  write_file(dir.file("bad.toml"), "version = 1\n[policy]\nallow = [\"opnat\"]\n");
  ProcResult bad = run_cli({"coverage", dir.file("bad.toml"), trace});
  EXPECT_EQ(bad.status(), 2) << describe(bad);
  EXPECT_THAT(bad.err, ::testing::HasSubstr(dir.file("bad.toml") + ":3:10: error: unknown syscall 'opnat'"));
  ProcResult missing = run_cli({"coverage", dir.file("exact.toml"), dir.file("nothing.jsonl")});
  EXPECT_EQ(missing.status(), 2) << describe(missing);
  EXPECT_THAT(missing.err, ::testing::HasSubstr("syspect: coverage: "));
  EXPECT_THAT(missing.err, ::testing::HasSubstr("nothing.jsonl"));
  ProcResult help = run_cli({"coverage", "--help"});
  EXPECT_EQ(help.status(), 0) << describe(help);
  EXPECT_THAT(help.out, ::testing::HasSubstr("--fail-unused"));
  EXPECT_THAT(help.out, ::testing::HasSubstr("UNUSED"));
}

}  // namespace coverage_tests

}  // namespace
