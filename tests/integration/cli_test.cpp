// Integration tests through the real `syspect` CLI: it is spawned as a
// separate process on the tracee programs and system commands; the tests
// check its exit status, its messages and the trace it writes (JSON Lines
// parsed with nlohmann::json, or strace-style text).

#include <algorithm>
#include <regex>

#include "helpers.hpp"

namespace syspect_it {
namespace {

// The line of `text` that contains `needle`, or "".
std::string line_with(std::string_view text, std::string_view needle) {
  for (const auto& l : lines_of(text))
    if (contains(l, needle)) return l;
  return {};
}

// A strace-style line without its "PID  " or "[pid N] " prefix, and with
// the padding before " = " (which depends on the prefix's width) cut to one
// space.
std::string without_pid(std::string line) {
  static const std::regex prefix(R"(^(\[pid +\d+\] |\d+ +))");
  static const std::regex padding(R"(\) +(= ))");
  line = std::regex_replace(line, prefix, "", std::regex_constants::format_first_only);
  return std::regex_replace(line, padding, ") $1");
}

// Where " = " starts in a line (strace pads the call to column 40).
std::size_t result_column(const std::string& line) {
  static const std::regex eq(R"(\) += )");
  std::smatch m;
  if (!std::regex_search(line, m, eq)) return std::string::npos;
  return static_cast<std::size_t>(m.position(0)) + m.length(0) - 3;
}

// The first C string literal in `line`, quotes and escapes included.
std::string first_quoted(std::string_view line) {
  std::size_t start = line.find('"');
  if (start == std::string_view::npos) return {};
  for (std::size_t i = start + 1; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == '"') {
      return std::string(line.substr(start, i - start + 1));
    }
  }
  return {};
}

std::string hex_of(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// strace on the same command, its -o output.
std::string strace_output(const std::vector<std::string>& options,
                          const std::vector<std::string>& command) {
  TempDir dir;
  std::vector<std::string> argv = {"strace", "-o", dir.file("strace.txt")};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  auto r = run(argv);
  EXPECT_FALSE(r.timed_out) << describe(r);
  return read_file(dir.file("strace.txt"));
}

std::vector<std::string> syscall_names(const JsonTrace& t) {
  std::vector<std::string> v;
  for (const auto& e : t.syscalls()) v.push_back(e.value("name", ""));
  return v;
}

// The names in a strace -f -o text trace, in order (resumed halves skipped).
std::vector<std::string> strace_names(const std::string& text) {
  std::vector<std::string> v;
  static const std::regex call(R"(^\d+ +([a-z0-9_]+)\()");
  for (const auto& l : lines_of(text)) {
    std::smatch m;
    if (std::regex_search(l, m, call)) v.push_back(m[1]);
  }
  return v;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + " ";
  return s;
}

// ---- exit statuses and errors -------------------------------------------

// `syspect --help` lists every command, one line each, and says where to
// look next; `syspect COMMAND --help` shows an example of it.
TEST(Cli, HelpListsEveryCommandAndEachShowsAnExample) {
  ProcResult top = run_cli({"--help"});
  EXPECT_EQ(top.status(), 0) << describe(top);
  const std::vector<std::string> commands = {"trace", "check", "record", "diff", "policy", "coverage"};
  for (const auto& c : commands) {
    std::size_t listed = 0;
    for (const auto& line : lines_of(top.out))
      if (line.starts_with("  " + c + " ")) ++listed;
    EXPECT_EQ(listed, 1u) << c << " is not listed once in:\n" << top.out;
  }
  EXPECT_NE(top.out.find("'syspect COMMAND --help'"), std::string::npos) << top.out;
  for (const auto& c : commands) {
    ProcResult help = run_cli({c, "--help"});
    EXPECT_EQ(help.status(), 0) << describe(help);
    EXPECT_NE(help.out.find("Example"), std::string::npos) << c << " --help has no example:\n" << help.out;
    EXPECT_NE(help.out.find("syspect " + c + " "), std::string::npos) << c << " --help shows no use of it";
  }
}

TEST(Cli, ExitCodePassesThrough) {
  auto t = cli_trace({}, {target("exit_code"), "3"}, false);
  EXPECT_TRUE(t.proc.exited) << describe(t.proc);
  EXPECT_EQ(t.proc.code, 3) << describe(t.proc);
  EXPECT_TRUE(contains(t.output, "+++ exited with 3 +++")) << t.output;
}

TEST(Cli, KilledBySigtermIs143) {
  auto t = cli_trace({}, {target("exit_code"), "signal", "15"}, false);
  EXPECT_EQ(t.proc.status(), 128 + SIGTERM) << describe(t.proc);
  EXPECT_TRUE(t.proc.exited) << "syspect itself must exit, not die of the signal";
  EXPECT_TRUE(contains(t.output, "+++ killed by SIGTERM +++")) << t.output;
  EXPECT_TRUE(contains(t.output, "--- SIGTERM {")) << t.output;
}

TEST(Cli, KilledBySigsegvIs139) {
  auto t = cli_trace({}, {target("exit_code"), "segv"}, false);
  EXPECT_EQ(t.proc.status(), 128 + SIGSEGV) << describe(t.proc);
  EXPECT_TRUE(t.proc.exited);
  EXPECT_TRUE(contains(t.output, "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---"))
      << t.output;
  EXPECT_TRUE(contains(t.output, "+++ killed by SIGSEGV +++")) << t.output;
}

TEST(Cli, MissingProgramIs127) {
  auto r = run_cli({"trace", "--", "/nonexistent-syspect-dir/no-such-prog"});
  EXPECT_EQ(r.status(), 127) << describe(r);
  auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0].rfind("syspect: ", 0), 0u) << r.err;
  EXPECT_TRUE(contains(lines[0], "/nonexistent-syspect-dir/no-such-prog")) << r.err;

  auto in_path = run_cli({"trace", "--", "no-such-prog-syspect"});
  EXPECT_EQ(in_path.status(), 127) << describe(in_path);
  EXPECT_TRUE(contains(in_path.err, "no-such-prog-syspect")) << in_path.err;
}

TEST(Cli, NonExecutableProgramIs126) {
  TempDir dir;
  std::string path = dir.file("plain-file");
  write_file(path, "not a program\n");
  ::chmod(path.c_str(), 0644);
  auto r = run_cli({"trace", "--", path});
  EXPECT_EQ(r.status(), 126) << describe(r);
  auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0].rfind("syspect: ", 0), 0u) << r.err;
  EXPECT_TRUE(contains(lines[0], path)) << r.err;
}

// Executable by its mode, but in no format the kernel runs (ENOEXEC): a
// shell says 126 too, and so does `check`.
TEST(Cli, NoExecutableFormatIs126) {
  TempDir dir;
  std::string path = dir.file("no-format");
  write_file(path, "not a program\n");
  ::chmod(path.c_str(), 0755);
  auto r = run_cli({"trace", "--", path});
  EXPECT_EQ(r.status(), 126) << describe(r);
  EXPECT_TRUE(contains(r.err, "Exec format error")) << r.err;
  std::string spec = dir.file("spec.toml");
  write_file(spec, "version = 1\n[[forbid]]\nsyscall = \"connect\"\n");
  auto c = run_cli({"check", spec, "--", path});
  EXPECT_EQ(c.status(), 3) << describe(c);
}

TEST(Cli, BadUsageIs2) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"trace", "--no-such-option", "--", "true"},
           {"trace", "-s", "abc", "--", "true"},
           {"trace", "--format", "xml", "--", "true"},
           {"trace", "--timeout", "soon", "--", "true"},
           {"trace", "-e", "trace=no_such_syscall_name", "--", "true"},
           {"trace"},
       }) {
    std::string shown = joined(args);
    auto r = run_cli(args);
    EXPECT_EQ(r.status(), 2) << shown << "\n" << describe(r);
    EXPECT_EQ(r.err.rfind("syspect: ", 0), 0u) << shown << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << shown << "\n" << r.out;
  }
}

TEST(Cli, BadDisplayOptionsSayWhich) {
  for (const auto& [args, says] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"trace", "-e", "read=x", "--", "true"}, "-e read=x: 'x' is not a file descriptor"},
           {{"trace", "-e", "write=1,-2", "--", "true"}, "-e write=1,-2: '-2' is not a file descriptor"},
           {{"trace", "-e", "abbrev=no_such_call", "--", "true"}, "-e abbrev=no_such_call: "},
           {{"trace", "-e", "verbose=@nope", "--", "true"}, "-e verbose=@nope: "},
           {{"trace", "--strings-in-hex=some", "--", "true"}, "--strings-in-hex"},
           {{"trace", "-a", "wide", "--", "true"}, "--columns: Value wide"},
       }) {
    auto r = run_cli(args);
    EXPECT_EQ(r.status(), 2) << joined(args) << "\n" << describe(r);
    EXPECT_NE(r.err.find(says), std::string::npos) << joined(args) << "\n" << r.err;
  }
}

TEST(Cli, PtraceRefusedIs125) {
  // A seccomp filter makes every ptrace call fail with EPERM, as some
  // containers do: syspect says so in one line and exits 125.
  auto r = run({target("no_ptrace"), cli(), "trace", "--", target("exit_code"), "0"});
  EXPECT_EQ(r.status(), 125) << describe(r);
  auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0].rfind("syspect: cannot trace", 0), 0u) << r.err;
  EXPECT_TRUE(contains(lines[0], "ptrace: Operation not permitted")) << r.err;
}

// Under another tracer that follows children (strace -f, a debugger),
// syspect's child is taken before syspect can seize it: the message says
// who holds it, not that ptrace is forbidden.
TEST(Cli, UnderAnotherTracerSaysWhoTracesIt) {
  auto r = run({"strace", "-f", "-o", "/dev/null", cli(), "trace", "-o", "/dev/null", "--",
                target("exit_code"), "0"});
  EXPECT_EQ(r.status(), 125) << describe(r);
  auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(contains(lines[0], "already being traced by pid ")) << r.err;
  EXPECT_TRUE(contains(lines[0], "(strace)")) << r.err;
  EXPECT_FALSE(contains(lines[0], "ptrace_scope")) << r.err;
}

// ---- verbs and where their command starts ---------------------------------

TEST(Cli, UnknownVerbSaysWhichItMeant) {
  auto r = run_cli({"tarce", "--", "true"});
  EXPECT_EQ(r.status(), 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "unknown command 'tarce'; did you mean 'trace'?")) << r.err;
  EXPECT_TRUE(contains(r.err, "trace, check, record, diff, policy")) << r.err;
}

// As in trace (and strace), the command may follow the options without
// `--` in every verb that runs one; its own options stay its own.
TEST(Cli, EveryVerbTakesTheCommandAfterItsOptions) {
  TempDir dir;
  std::string listing = dir.file("listing");
  std::filesystem::create_directory(listing);
  write_file(listing + "/a.txt", "a");
  std::string rec = dir.file("find.jsonl");
  auto r = run_cli({"record", "-o", rec, "find", listing, "-type", "f"});
  ASSERT_EQ(r.status(), 0) << describe(r);
  EXPECT_EQ(r.out, listing + "/a.txt\n");
  EXPECT_EQ(read_jsonl(rec).header.value("command", json()), json({"find", listing, "-type", "f"}));

  std::string spec = dir.file("spec.toml");
  write_file(spec, "version = 1\n[[expect]]\nsyscall = \"newfstatat\"\n");
  auto c = run_cli({"check", spec, "--report", "text", "find", listing, "-type", "f"});
  EXPECT_EQ(c.status(), 0) << describe(c);
  EXPECT_EQ(c.out, listing + "/a.txt\n");

  auto d = run_cli({"diff", "--counts", rec, "--", "find", listing, "-type", "f"});
  EXPECT_EQ(d.status(), 0) << describe(d);

  auto none = run_cli({"record", "-o", dir.file("none.jsonl")});
  EXPECT_EQ(none.status(), 2) << describe(none);
}

// diff's second operand is a trace file and is never run: only a command
// after `--` runs. -o keeps the diff apart from that command's output.
TEST(Cli, DiffNeverRunsItsSecondOperand) {
  TempDir dir;
  std::string rec = dir.file("old.jsonl");
  ASSERT_EQ(run_cli({"record", "-o", rec, "--", target("exit_code"), "0"}).status(), 0);
  std::string marker = dir.file("ran");
  std::string app = dir.file("app");
  write_file(app, "#!/bin/sh\ntouch " + marker + "\necho from-app\n");
  ::chmod(app.c_str(), 0755);
  for (const std::string& second : {app, dir.file("git.sys")}) {
    if (second != app) write_file(second, "not a trace\n");
    auto r = run_cli({"diff", rec, second});
    EXPECT_EQ(r.status(), 2) << describe(r);
    EXPECT_TRUE(contains(r.err, "is not a trace file")) << r.err;
    EXPECT_TRUE(contains(r.err, "-- CMD")) << r.err;
    EXPECT_FALSE(std::filesystem::exists(marker)) << second << " was run";
  }
  std::string out = dir.file("diff.txt");
  auto live = run_cli({"diff", rec, "-o", out, "--", app});
  EXPECT_EQ(live.status(), 1) << describe(live);
  EXPECT_TRUE(std::filesystem::exists(marker));
  EXPECT_EQ(live.out, "from-app\n") << "only the command's own output on stdout";
  EXPECT_TRUE(contains(read_file(out), "+++ (run) " + app)) << read_file(out);
}

// ---- JSON Lines ----------------------------------------------------------

TEST(Cli, JsonlHeaderEventsAndEnd) {
  const std::string prog = target("exit_code");
  auto t = cli_trace({}, {prog, "0"});
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  const auto& tr = t.trace;
  EXPECT_EQ(tr.header.value("command", json()), json({prog, "0"})) << tr.header.dump();
  EXPECT_TRUE(std::regex_match(tr.header.value("start", ""),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*)")))
      << tr.header.dump();
  ASSERT_FALSE(tr.events.empty());

  // 17. The first syscall is the target's execve, with its path and argv.
  std::size_t first_syscall = 0;
  while (first_syscall < tr.events.size() && tr.events[first_syscall]["type"] != "syscall") {
    EXPECT_EQ(tr.events[first_syscall]["type"], "exec") << tr.events[first_syscall].dump();
    ++first_syscall;
  }
  ASSERT_LT(first_syscall, tr.events.size());
  const json& ex = tr.events[first_syscall];
  EXPECT_EQ(ex["name"], "execve") << ex.dump();
  EXPECT_EQ(ex["nr"], 59);
  EXPECT_EQ(ex["abi"], "x86_64");
  EXPECT_EQ(ex["args"][0]["name"], "pathname") << ex.dump();
  EXPECT_EQ(ex["args"][0]["value"], prog) << ex.dump();
  EXPECT_EQ(ex["args"][1]["value"], json({prog, "0"})) << ex.dump();
  EXPECT_EQ(ex["result"], 0);
  EXPECT_TRUE(ex["errno"].is_null());
  EXPECT_EQ(ex["finished"], true);
  EXPECT_EQ(tr.count("execve"), 1u);

  pid_t pid = ex.value("pid", 0);
  std::int64_t last_seq = -1;
  for (const auto& e : tr.events) {
    ASSERT_TRUE(e.contains("seq")) << e.dump();
    EXPECT_GT(e["seq"].get<std::int64_t>(), last_seq) << e.dump();
    last_seq = e["seq"].get<std::int64_t>();
    EXPECT_EQ(e.value("pid", 0), pid) << e.dump();
    if (e["type"] == "syscall") {
      for (const char* key : {"tid", "abi", "name", "nr", "args", "result", "errno", "finished", "exe", "text"})
        EXPECT_TRUE(e.contains(key)) << key << " missing: " << e.dump();
      EXPECT_TRUE(e["args"].is_array());
      for (const auto& a : e["args"]) {
        EXPECT_TRUE(a.contains("name") && a.contains("raw") && a.contains("value")) << e.dump();
      }
      if (e["seq"] != ex["seq"]) {
        EXPECT_EQ(e["exe"], prog) << e.dump();
      }
    }
  }
  auto groups = tr.syscalls_named("exit_group");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_TRUE(groups[0]["result"].is_null());
  EXPECT_EQ(groups[0]["text"], "exit_group(0) = ?");

  auto exits = tr.of_type("exit");
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]["tid"], pid);
  EXPECT_EQ(exits[0]["signaled"], false);
  EXPECT_EQ(exits[0]["code"], 0);
  EXPECT_TRUE(exits[0]["signal"].is_null());
  EXPECT_EQ(exits[0]["text"], "+++ exited with 0 +++");

  ASSERT_TRUE(tr.end.is_object()) << "no end line";
  EXPECT_EQ(tr.end["status"], 0);
  EXPECT_EQ(tr.end["exit_code"], 0);
  EXPECT_TRUE(tr.end["signal"].is_null());
  EXPECT_EQ(tr.end["timed_out"], false);
}

TEST(Cli, JsonlThreads) {
  auto t = cli_trace({}, {target("threads")});
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  auto printed = pids_after(t.proc.out, "thread");
  ASSERT_EQ(printed.size(), 8u) << t.proc.out;
  std::map<int, int> per_tid;
  for (const auto& e : t.trace.syscalls_named("getppid")) ++per_tid[e.value("tid", 0)];
  EXPECT_EQ(t.trace.count("getppid"), 4000u);
  ASSERT_EQ(per_tid.size(), 8u);
  for (pid_t tid : printed) EXPECT_EQ(per_tid[tid], 500) << "tid " << tid;
  EXPECT_EQ(t.trace.of_type("exit").size(), 9u);
}

TEST(Cli, JsonlForkExec) {
  const std::string child_prog = target("exit_code");
  auto t = cli_trace({}, {target("fork_exec"), "fork", child_prog, "6"});
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  auto children = pids_after(t.proc.out, "child");
  ASSERT_EQ(children.size(), 1u) << t.proc.out;
  auto execs = t.trace.syscalls_named("execve");
  ASSERT_EQ(execs.size(), 2u) << dump(t.trace);
  EXPECT_EQ(execs[1]["pid"], children[0]);
  EXPECT_EQ(execs[1]["args"][0]["value"], child_prog);
  auto exec_events = t.trace.of_type("exec");
  ASSERT_FALSE(exec_events.empty());
  EXPECT_EQ(exec_events.back()["pid"], children[0]);
  EXPECT_EQ(exec_events.back()["old_tid"], children[0]);
  EXPECT_EQ(exec_events.back()["filename"], child_prog);
  auto waits = t.trace.syscalls_named("wait4");
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0]["result"], children[0]);
  std::map<int, json> exits;
  for (const auto& x : t.trace.of_type("exit")) exits[x.value("tid", 0)] = x;
  ASSERT_EQ(exits.size(), 2u) << dump(t.trace);
  EXPECT_EQ(exits[children[0]]["code"], 6);
}

TEST(Cli, JsonlExecFromNonLeaderThread) {
  auto t = cli_trace({}, {target("thread_exec")});
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  auto leaders = pids_after(t.proc.out, "leader");
  auto threads = pids_after(t.proc.out, "thread");
  ASSERT_EQ(leaders.size(), 1u);
  ASSERT_EQ(threads.size(), 1u);
  auto exec_events = t.trace.of_type("exec");
  ASSERT_FALSE(exec_events.empty()) << dump(t.trace);
  EXPECT_EQ(exec_events.back()["pid"], leaders[0]);
  EXPECT_EQ(exec_events.back()["old_tid"], threads[0]);
  auto execs = t.trace.syscalls_named("execve");
  ASSERT_EQ(execs.size(), 2u);
  EXPECT_EQ(execs[1]["pid"], leaders[0]);
  EXPECT_EQ(execs[1]["result"], 0);
  for (const auto& e : t.trace.events) {
    if (e.contains("tid")) {
      int tid = e["tid"];
      EXPECT_TRUE(tid == leaders[0] || tid == threads[0]) << e.dump();
    }
  }
}

// 5. SIGKILL: the blocked read is unfinished, and the status is 137.
TEST(Cli, SigkillDuringBlockedRead) {
  auto t = cli_trace({}, {target("sigkill")});
  EXPECT_EQ(t.proc.status(), 137) << describe(t.proc);
  EXPECT_TRUE(t.proc.exited);
  auto parents = pids_after(t.proc.out, "parent");
  ASSERT_EQ(parents.size(), 1u);
  json last_read;
  for (const auto& e : t.trace.syscalls())
    if (e["tid"] == parents[0]) last_read = e;
  ASSERT_EQ(last_read.value("name", ""), "read") << dump(t.trace);
  EXPECT_EQ(last_read["finished"], false) << last_read.dump();
  EXPECT_TRUE(last_read["result"].is_null()) << last_read.dump();
  bool killed = false;
  for (const auto& x : t.trace.of_type("exit")) {
    if (x["tid"] == parents[0]) {
      killed = true;
      EXPECT_EQ(x["signaled"], true);
      EXPECT_EQ(x["signal"], "SIGKILL");
      EXPECT_EQ(x["text"], "+++ killed by SIGKILL +++");
    }
  }
  EXPECT_TRUE(killed) << dump(t.trace);
  EXPECT_EQ(t.trace.end["status"], 137);
  EXPECT_EQ(t.trace.end["signal"], "SIGKILL");
}

// 6. The daemon's grandchild: followed after its parents exit.
TEST(Cli, DoubleForkDaemon) {
  TempDir dir;
  std::string path = dir.file("opened-by-the-grandchild");
  write_file(path, "x");
  auto t = cli_trace({}, {target("daemon"), path});
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  json open;
  for (const auto& e : t.trace.syscalls_named("openat"))
    if (e["args"][1]["value"] == path) open = e;
  ASSERT_TRUE(open.is_object()) << dump(t.trace);
  EXPECT_GE(open["result"].get<int>(), 0);
  int grandchild = open["pid"];
  auto exits = t.trace.of_type("exit");
  EXPECT_EQ(exits.size(), 3u) << dump(t.trace);
  bool grandchild_exit = false;
  for (const auto& x : exits)
    if (x["tid"] == grandchild) grandchild_exit = true;
  EXPECT_TRUE(grandchild_exit) << dump(t.trace);
  EXPECT_TRUE(process_gone(grandchild));
}

// 7. int $0x80.
TEST(Cli, Int80) {
  SKIP_WITHOUT_IA32();
  auto t = cli_trace({}, {target("int80")});
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  auto pids = pids_after(t.proc.out, "getpid");
  ASSERT_EQ(pids.size(), 1u);
  std::vector<json> i386;
  for (const auto& e : t.trace.syscalls())
    if (e["abi"] == "i386") i386.push_back(e);
  ASSERT_EQ(i386.size(), 2u) << dump(t.trace);
  EXPECT_EQ(i386[0]["name"], "getpid");
  EXPECT_EQ(i386[0]["nr"], 20);
  EXPECT_EQ(i386[0]["result"], pids[0]);
  EXPECT_EQ(i386[1]["name"], "write");
  EXPECT_EQ(i386[1]["args"][0]["value"], 1);
  EXPECT_EQ(i386[1]["args"][1]["value"], "int80 write\n");
  EXPECT_EQ(i386[1]["result"], 12);
  EXPECT_EQ(i386[1]["text"], "write(1, \"int80 write\\n\", 12) = 12");
}

// 8. The odd path: exact bytes as hex in JSON; escaped as strace does.
// -s N shows up to N bytes of a buffer, as strace does, also past the
// 4096 bytes kept by default: an 8192-byte write with -s 10000 is shown
// whole, with -s 5000 cut there.
TEST(Cli, StringLimitShowsAsManyBytesAsStrace) {
  const std::vector<std::string> command = {target("big_write"), "8192", "5000", "SECRET"};
  for (std::string limit : {"10000", "8192", "5000", "100"}) {
    SCOPED_TRACE("-s " + limit);
    auto text = cli_trace({"-s", limit}, command, false);
    EXPECT_EQ(text.proc.status(), 0) << describe(text.proc);
    std::string ours = line_with(text.output, "write(");
    std::string theirs = line_with(strace_output({"-s", limit}, command), "write(");
    ASSERT_FALSE(theirs.empty());
    EXPECT_EQ(without_pid(ours), without_pid(theirs));
    if (limit == "10000") {
      EXPECT_TRUE(contains(ours, "SECRET")) << ours;
      EXPECT_TRUE(contains(ours, "\", 8192) = 8192")) << ours;
    }
  }
}

TEST(Cli, StrangePath) {
  const std::string path = "/nonexistent-syspect/new\nline \"quoted\" \xff end";
  auto t = cli_trace({}, {target("strange_path")});
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  json open;
  for (const auto& e : t.trace.syscalls_named("openat"))
    if (e["args"][1]["value"].is_object() && e["args"][1]["value"].contains("hex")) open = e;
  ASSERT_TRUE(open.is_object()) << dump(t.trace);
  EXPECT_EQ(open["args"][1]["value"]["hex"], hex_of(path));
  EXPECT_EQ(open["errno"], "ENOENT");
  EXPECT_EQ(open["result"], -1);

  auto text = cli_trace({}, {target("strange_path")}, false);
  std::string ours = line_with(text.output, "nonexistent-syspect");
  std::string theirs = line_with(strace_output({}, {target("strange_path")}), "nonexistent-syspect");
  ASSERT_FALSE(theirs.empty());
  std::string quoted = first_quoted(theirs);
  ASSERT_FALSE(quoted.empty()) << theirs;
  EXPECT_TRUE(contains(ours, quoted)) << "strace: " << theirs << "\nsyspect: " << ours;
  EXPECT_EQ(without_pid(ours), without_pid(theirs));
}

// 9. EFAULT.
TEST(Cli, Efault) {
  auto t = cli_trace({}, {target("efault")});
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  json open;
  for (const auto& e : t.trace.syscalls_named("openat"))
    if (e["args"][1]["raw"] == 1) open = e;
  ASSERT_TRUE(open.is_object()) << dump(t.trace);
  EXPECT_EQ(open["args"][1]["value"], json({{"ptr", "0x1"}})) << open.dump();
  EXPECT_EQ(open["args"][1].value("unreadable", false), true) << open.dump();
  EXPECT_EQ(open["errno"], "EFAULT");
  EXPECT_EQ(open["result"], -1);
  EXPECT_EQ(open["text"], "openat(AT_FDCWD, 0x1, O_RDONLY) = -1 EFAULT (Bad address)");

  auto text = cli_trace({}, {target("efault")}, false);
  std::string ours = line_with(text.output, "openat(AT_FDCWD, 0x1");
  std::string theirs = line_with(strace_output({"-f"}, {target("efault")}), "openat(AT_FDCWD, 0x1");
  EXPECT_EQ(without_pid(ours), without_pid(theirs));
  // Both files have "PID " prefixes; with pids of the same width, " = "
  // lands in the same column.
  if (ours.find(' ') == theirs.find(' ')) {
    EXPECT_EQ(result_column(ours), result_column(theirs)) << "strace: " << theirs << "\nsyspect: " << ours;
  }
}

// 10. The restart lines, as strace prints them.
TEST(Cli, RestartLines) {
  auto t = cli_trace({}, {target("restart")}, false);
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  EXPECT_EQ(t.proc.out, "read A 1\nread B -1 EINTR\npoll C 1\n");
  const auto& o = t.output;
  auto has = [&o](const char* re) { return std::regex_search(o, std::regex(re)); };
  EXPECT_TRUE(has(R"(\d+ +read\(\d+, .*\) += \? ERESTARTSYS \(To be restarted if SA_RESTART is set\)\n)"))
      << o;
  EXPECT_TRUE(has(R"(\d+ +rt_sigreturn\(.*\) += -1 EINTR \(Interrupted system call\)\n)")) << o;
  EXPECT_TRUE(has(R"(\d+ +poll\(.*\) += \? ERESTART_RESTARTBLOCK \(Interrupted by signal\)\n)")) << o;
  EXPECT_TRUE(contains(o, "restart_syscall(<... resuming interrupted poll ...>) = 1")) << o;
  EXPECT_TRUE(contains(o, "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=")) << o;
  EXPECT_TRUE(contains(o, "--- stopped by SIGSTOP ---")) << o;
}

TEST(Cli, UnknownSyscallLikeStrace) {
  auto t = cli_trace({}, {target("unknown_syscall")}, false);
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  std::string ours = line_with(t.output, "syscall_0x3e8(");
  std::string theirs = line_with(strace_output({}, {target("unknown_syscall")}), "syscall_0x3e8(");
  ASSERT_FALSE(theirs.empty());
  EXPECT_EQ(without_pid(ours), without_pid(theirs));
}

// The traced program inherits no descriptor of syspect's (its -o file, its
// pipes): it sees the same open descriptors as when run untraced.
TEST(Cli, NoDescriptorsLeakIntoTheTarget) {
  auto plain = run({"ls", "/proc/self/fd"});
  ASSERT_EQ(plain.status(), 0) << describe(plain);
  for (bool jsonl : {false, true}) {
    auto t = cli_trace({}, {"ls", "/proc/self/fd"}, jsonl);
    EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
    EXPECT_EQ(t.proc.out, plain.out) << (jsonl ? "jsonl" : "text")
                                     << ": descriptors open in the traced program";
  }
  auto to_stderr = run_cli({"trace", "--", "ls", "/proc/self/fd"});
  EXPECT_EQ(to_stderr.out, plain.out) << "trace to stderr";
}

// Text to stderr: "[pid N] " once there is more than one process.
TEST(Cli, TextOnStderrHasPidPrefixesWhenMany) {
  auto r = run_cli({"trace", "--", target("fork_exec"), "fork", target("exit_code"), "0"});
  EXPECT_EQ(r.status(), 0) << describe(r);
  auto children = pids_after(r.out, "child");
  ASSERT_EQ(children.size(), 1u) << r.out;
  auto lines = lines_of(r.err);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("execve(", 0), 0u) << lines[0];
  std::regex child_exec_line("^\\[pid +" + std::to_string(children[0]) + "\\] execve\\(");
  bool child_exec = false;
  for (const auto& l : lines)
    if (std::regex_search(l, child_exec_line)) child_exec = true;
  EXPECT_TRUE(child_exec) << r.err;
  EXPECT_TRUE(contains(r.err, "+++ exited with 0 +++")) << r.err;
  EXPECT_TRUE(contains(r.err, "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=" +
                                  std::to_string(children[0])))
      << r.err;
}

// ---- following, filtering ------------------------------------------------

// 13. --no-follow.
TEST(Cli, NoFollowShowsOnlyTheParent) {
  auto t = cli_trace({"--no-follow"}, {target("fork_exec"), "fork", target("exit_code"), "0"});
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  ASSERT_FALSE(t.trace.events.empty());
  int pid = t.trace.syscalls().front()["pid"];
  for (const auto& e : t.trace.events) EXPECT_EQ(e.value("pid", 0), pid) << e.dump();
  EXPECT_EQ(t.trace.count("execve"), 1u);
  EXPECT_EQ(t.trace.count("wait4"), 1u);
}

// A child that is not traced still makes its calls: no filter is inherited
// that would send them to a tracer that is not there (ENOSYS), so the
// child's execve runs; strace without -f does the same.
TEST(Cli, NoFollowLeavesTheChildsCallsAlone) {
  for (const char* set : {"trace=wait4", "trace=execve", "trace=all"}) {
    auto t = cli_trace({"--no-follow", "-e", set}, {target("fork_exec"), "fork", target("exit_code"), "0"});
    EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
    EXPECT_TRUE(contains(t.proc.out, " status 0\n")) << set << ": " << t.proc.out;
  }
}

// 14. -e trace=...
class CliFilter : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_.file("input.txt");
    write_file(file_, "some text\n");
  }
  std::vector<std::string> command() const { return {"cat", file_}; }
  TempDir dir_;
  std::string file_;
};

TEST_F(CliFilter, NamesOnly) {
  auto t = cli_trace({"-e", "trace=openat,close"}, command());
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  EXPECT_EQ(t.proc.out, "some text\n");
  std::set<std::string> names;
  for (const auto& n : syscall_names(t.trace)) names.insert(n);
  EXPECT_EQ(names, (std::set<std::string>{"openat", "close"})) << dump(t.trace);
  bool opened = false;
  for (const auto& e : t.trace.syscalls_named("openat"))
    if (e["args"][1]["value"] == file_) opened = true;
  EXPECT_TRUE(opened);
  EXPECT_EQ(t.trace.of_type("exit").size(), 1u) << "process events are not filtered";
  // Same calls as strace shows with the same filter.
  EXPECT_EQ(syscall_names(t.trace), strace_names(strace_output({"-f", "-e", "trace=openat,close"}, command())));
}

TEST_F(CliFilter, FileClassLikeStrace) {
  auto expected = strace_names(strace_output({"-f", "-e", "trace=%file"}, command()));
  ASSERT_FALSE(expected.empty());
  for (const std::string set : {"trace=@file", "trace=%file", "trace=file"}) {
    auto t = cli_trace({"-e", set}, command());
    EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
    EXPECT_EQ(joined(syscall_names(t.trace)), joined(expected)) << set;
  }
}

// strace's class names from before '%' are the classes, as strace reads
// them; `signal` is the class, not the i386 syscall of that name.
TEST_F(CliFilter, LegacyClassNamesLikeStrace) {
  for (const std::string set : {"trace=process", "trace=desc,memory", "trace=signal", "trace=!network"}) {
    auto t = cli_trace({"-e", set}, command());
    EXPECT_EQ(t.proc.status(), 0) << set << describe(t.proc);
    EXPECT_EQ(joined(syscall_names(t.trace)), joined(strace_names(strace_output({"-f", "-e", set}, command()))))
        << set;
  }
}

TEST_F(CliFilter, Exclusion) {
  auto t = cli_trace({"-e", "trace=!write"}, command());
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  EXPECT_EQ(t.proc.out, "some text\n");
  auto names = syscall_names(t.trace);
  EXPECT_EQ(std::count(names.begin(), names.end(), "write"), 0);
  EXPECT_GT(std::count(names.begin(), names.end(), "read"), 0);
  EXPECT_GT(std::count(names.begin(), names.end(), "openat"), 0);
  EXPECT_EQ(joined(names), joined(strace_names(strace_output({"-f", "-e", "trace=!write"}, command()))));
}

// A class and a name together; a class negated as a whole (strace has no
// per-item '!': "!" before the set negates all of it).
TEST_F(CliFilter, ClassesCombineWithNames) {
  auto t = cli_trace({"-e", "trace=@desc,openat"}, command());
  EXPECT_EQ(t.proc.status(), 0) << describe(t.proc);
  auto names = syscall_names(t.trace);
  EXPECT_GT(std::count(names.begin(), names.end(), "openat"), 0) << joined(names);
  EXPECT_GT(std::count(names.begin(), names.end(), "close"), 0) << joined(names);
  EXPECT_EQ(joined(names),
            joined(strace_names(strace_output({"-f", "-e", "trace=%desc,openat"}, command()))));

  auto neg = cli_trace({"-e", "trace=!@desc"}, command());
  EXPECT_EQ(neg.proc.status(), 0) << describe(neg.proc);
  EXPECT_EQ(joined(syscall_names(neg.trace)),
            joined(strace_names(strace_output({"-f", "-e", "trace=!%desc"}, command()))));
}

// 15. strace's other display filters: a bad set is an error that names
// the bad item, as strace's "invalid signal 'foo'", and nothing runs. (The
// lines each filter lets through are compared with strace's by
// fidelity.filter_*.)
TEST(CliDisplayFilter, BadSetsNameTheBadItem) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"-e", "signal=foo"}, "invalid signal 'foo'"},
      {{"--signal=SIGFOO,INT"}, "invalid signal 'SIGFOO'"},
      {{"-e", "signal=256"}, "invalid signal '256'"},
      {{"-e", "signal="}, "invalid signal ''"},
      {{"-e", "status=foo"}, "invalid status 'foo'"},
      {{"--status=successful,!failed"}, "invalid status '!failed'"},
      {{"-e", "quiet=none,exit"}, "invalid quiet 'none'"},
      {{"--quiet=attach,bogus"}, "invalid quiet 'bogus'"},
      {{"-q", "--quiet=exit"}, "-q and -e quiet/--quiet cannot be provided simultaneously"},
      {{"-e", "trace=foo"}, "unknown syscall 'foo'"},
      {{"-e", "kvm=vcpu"}, "-e kvm=vcpu: only trace=, signal=, status=, quiet=, abbrev=, verbose=, read=, write= "
                           "and inject= are supported"},
  };
  for (const auto& [options, message] : cases) {
    std::vector<std::string> args = {"trace"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--", "sh", "-c", "echo ran"});
    auto r = run_cli(args);
    EXPECT_EQ(r.status(), 2) << joined(args) << "\n" << describe(r);
    EXPECT_NE(r.err.find(message), std::string::npos) << joined(args) << "\n" << r.err;
    EXPECT_EQ(r.out, "") << joined(args);
  }
}

// The sets strace accepts are accepted: numbers, names in any case, with
// or without SIG, realtime names, '!' before the set, all and none.
TEST(CliDisplayFilter, SetsStraceAccepts) {
  for (const std::vector<std::string>& options : std::vector<std::vector<std::string>>{
           {"-e", "signal=0,255,sigchld,Usr1,RTMIN,SIGRT_1,rt_2"},
           {"--signal=!all"},
           {"-e", "s=none"},
           {"-e", "status=!successful"},
           {"--status=all"},
           {"-z", "--status=unavailable,detached"},
           {"-e", "quiet=attach,exit,exits,personality,thread-execve,superseded,path-resolution"},
           {"-qqq"},
           {"-e", "trace=network"},
       }) {
    std::vector<std::string> args = {"trace"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--", "true"});
    auto r = run_cli(args);
    EXPECT_EQ(r.status(), 0) << joined(args) << "\n" << describe(r);
  }
}

// -P with a path that is not its own real name: strace says what it
// resolved it into, and matches both (unless quiet=path-resolution).
TEST(CliDisplayFilter, TracePathSaysWhatARelativePathResolvesInto) {
  TempDir dir;
  std::string file = dir.file("input.txt");
  write_file(file, "x\n");
  auto r = run_cli({"trace", "-P", dir.file("./input.txt"), "--", "cat", file});
  EXPECT_EQ(r.status(), 0) << describe(r);
  EXPECT_NE(r.err.find("syspect: Requested path \"" + dir.file("./input.txt") + "\" resolved into \"" + file + "\""),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("openat(AT_FDCWD, \"" + file + "\", O_RDONLY) = 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("read(3, \"x\\n\", "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("execve("), std::string::npos) << r.err;
  auto q = run_cli({"trace", "-e", "quiet=path-resolution", "-P", dir.file("./input.txt"), "--", "cat", file});
  EXPECT_EQ(q.err.find("Requested path"), std::string::npos) << q.err;
}

// ---- timeout, attach, the tracer's own death -------------------------------

// Reads "parent N" and "child M" from pause_tree's stdout.
std::vector<pid_t> read_tree_pids(Child& c) {
  std::vector<pid_t> pids;
  for (int i = 0; i < 2; ++i) {
    auto line = c.read_line(20s);
    if (!line) break;
    auto p = pids_after(*line, "parent");
    auto q = pids_after(*line, "child");
    pids.insert(pids.end(), p.begin(), p.end());
    pids.insert(pids.end(), q.begin(), q.end());
  }
  return pids;
}

// 11. --timeout kills the whole tree.
void check_timeout(const std::string& duration) {
  TempDir dir;
  SpawnOptions so;
  so.stdout_pipe = true;
  auto start = Clock::now();
  Child cli_proc({cli(), "trace", "--timeout", duration, "-o", dir.file("t.txt"), "--",
                  target("pause_tree")},
                 so);
  auto pids = read_tree_pids(cli_proc);
  ASSERT_EQ(pids.size(), 2u);
  auto r = cli_proc.wait(30s);
  auto took = Clock::now() - start;
  EXPECT_FALSE(r.timed_out) << "syspect did not stop on its own";
  EXPECT_EQ(r.status(), 124) << describe(r);
  EXPECT_TRUE(contains(r.err, "syspect: timeout after " + duration + ", killed the traced processes"))
      << r.err;
  EXPECT_LT(took, 20s);
  for (pid_t p : pids) EXPECT_TRUE(eventually([p] { return process_gone(p); }, 5s)) << "pid " << p << " survived";
  for (pid_t p : pids)
    if (!process_gone(p)) ::kill(p, SIGKILL);
}

TEST(Cli, TimeoutKillsTheTree) { check_timeout("1s"); }
TEST(Cli, TimeoutInMilliseconds) { check_timeout("300ms"); }

// SIGINT, SIGTERM or SIGHUP to syspect while it runs a command kills the
// traced tree: the trace is incomplete. syspect says so, exits 128 + that
// signal (never the killed command's own status), and a JSON Lines trace
// says so on its end line. `sub` is "trace" or "record".
void check_interrupt(const std::string& sub, int sig, const std::string& name) {
  TempDir dir;
  std::string out = dir.file("t.jsonl");
  SpawnOptions so;
  so.stdout_pipe = true;
  std::vector<std::string> argv = {cli(), sub, "-o", out};
  if (sub == "trace") argv.insert(argv.end(), {"--format", "jsonl"});
  argv.insert(argv.end(), {"--", target("pause_tree")});
  Child cli_proc(argv, so);
  // Both processes have printed their pid: both run, traced, in pause().
  auto pids = read_tree_pids(cli_proc);
  ASSERT_EQ(pids.size(), 2u);
  ASSERT_EQ(::kill(cli_proc.pid(), sig), 0);
  auto r = cli_proc.wait(30s);
  EXPECT_FALSE(r.timed_out) << "syspect did not stop";
  EXPECT_EQ(r.status(), 128 + sig) << describe(r);
  std::string said = sub == "trace" ? "syspect: interrupted by " + name +
                                          ", killed the traced processes; the trace is incomplete\n"
                                    : "syspect: record: interrupted by " + name +
                                          ", killed the traced processes; " + out +
                                          " holds only part of the run\n";
  EXPECT_TRUE(contains(r.err, said)) << describe(r);
  auto trace = read_jsonl(out);
  ASSERT_TRUE(trace.end.is_object()) << trace.raw;
  EXPECT_EQ(trace.end.value("interrupted", false), true) << trace.end.dump();
  EXPECT_EQ(trace.end.value("interrupt_signal", ""), name) << trace.end.dump();
  for (pid_t p : pids) EXPECT_TRUE(eventually([p] { return process_gone(p); }, 5s)) << "pid " << p << " survived";
  for (pid_t p : pids)
    if (!process_gone(p)) ::kill(p, SIGKILL);

  if (sub != "record") return;
  // Checked later, the recording still does not pass, whatever its rules.
  std::string spec = dir.file("spec.toml");
  write_file(spec, "version = 1\n[[forbid]]\nsyscall = \"mkdir\"\n");
  auto c = run_cli({"check", spec, "--trace", out});
  EXPECT_EQ(c.status(), 1) << describe(c);
  EXPECT_TRUE(contains(c.err, "was killed when syspect was interrupted by " + name + "\n")) << describe(c);
  EXPECT_TRUE(contains(c.err, "1 rule, 0 failed; INCOMPLETE: the run did not end on its own (syspect was "
                              "interrupted by " + name + "), so the check does not pass\n"))
      << describe(c);
}

TEST(Cli, TraceInterruptedBySigtermIs143) { check_interrupt("trace", SIGTERM, "SIGTERM"); }
TEST(Cli, TraceInterruptedBySigintIs130) { check_interrupt("trace", SIGINT, "SIGINT"); }
TEST(Cli, RecordInterruptedBySighupIs129) { check_interrupt("record", SIGHUP, "SIGHUP"); }
TEST(Cli, RecordInterruptedBySigtermIs143) { check_interrupt("record", SIGTERM, "SIGTERM"); }

// 12. syspect killed: PTRACE_O_EXITKILL takes the tracees with it.
TEST(Cli, TraceesDieWithTheTracer) {
  TempDir dir;
  SpawnOptions so;
  so.stdout_pipe = true;
  Child cli_proc({cli(), "trace", "-o", dir.file("t.txt"), "--", target("pause_tree")}, so);
  auto pids = read_tree_pids(cli_proc);
  ASSERT_EQ(pids.size(), 2u);
  // Both are traced (and so will get the tracer's SIGKILL when it dies).
  for (pid_t p : pids) EXPECT_TRUE(eventually([&] { return tracer_pid(p, p) == cli_proc.pid(); }));
  ASSERT_EQ(::kill(cli_proc.pid(), SIGKILL), 0);
  auto r = cli_proc.wait(10s);
  EXPECT_TRUE(r.signaled);
  for (pid_t p : pids) EXPECT_TRUE(eventually([p] { return process_gone(p); }, 5s)) << "pid " << p << " survived";
  for (pid_t p : pids)
    if (!process_gone(p)) ::kill(p, SIGKILL);
}

// -p: attach to every thread, detach on SIGINT, the target runs on.
TEST(Cli, AttachAndDetachOnSigint) {
  SKIP_UNLESS_ATTACH_ALLOWED();  // the looper is our child, not syspect's
  SpawnOptions so;
  so.stdout_pipe = true;
  Child looper({target("looper")}, so);
  pid_t pid = 0;
  await_ready(looper, &pid);
  if (HasFatalFailure()) return;
  auto tids = threads_of(pid);
  ASSERT_EQ(tids.size(), 2u);

  TempDir dir;
  std::string out = dir.file("attach.jsonl");
  // Both threads go round their loop a few times under the tracer.
  ProcResult r;
  attach_then_sigint(pid, tids, tids, 6, out, &r);
  if (HasFatalFailure()) return;

  // Still alive, no longer traced, not left stopped, still running its loop.
  EXPECT_EQ(::kill(pid, 0), 0);
  for (pid_t tid : tids) {
    EXPECT_EQ(tracer_pid(pid, tid), 0) << "thread " << tid;
    EXPECT_TRUE(eventually([&] {
      char s = thread_state(pid, tid);
      return s == 'S' || s == 'R';
    })) << "thread " << tid << " state " << thread_state(pid, tid);
    long now = voluntary_switches(pid, tid);
    EXPECT_TRUE(eventually([&] { return voluntary_switches(pid, tid) >= now + 3; }))
        << "thread " << tid << " does not run any more";
  }

  auto trace = read_jsonl(out);
  std::set<int> seen;
  for (const auto& e : trace.syscalls()) seen.insert(e.value("tid", 0));
  for (pid_t tid : tids) EXPECT_EQ(seen.count(tid), 1u) << "no calls from thread " << tid;
  ASSERT_TRUE(trace.end.is_object()) << trace.raw;
  EXPECT_EQ(trace.end.value("detached", false), true) << trace.end.dump();
  EXPECT_TRUE(trace.of_type("exit").empty()) << "nothing exited";
}

// -q (quiet=attach), as strace: no "Process N attached" or "detached".
TEST(Cli, QuietAttachLeavesOutTheNotices) {
  SKIP_UNLESS_ATTACH_ALLOWED();
  SpawnOptions so;
  so.stdout_pipe = true;
  Child looper({target("looper")}, so);
  pid_t pid = 0;
  await_ready(looper, &pid);
  if (HasFatalFailure()) return;
  TempDir dir;
  for (const std::string quiet : {"-q", "--quiet=attach"}) {
    Child tracer({cli(), "trace", quiet, "-p", std::to_string(pid), "-o", dir.file("attach.txt")});
    ASSERT_TRUE(eventually([&] { return tracer_pid(pid, pid) == tracer.pid(); })) << quiet;
    ASSERT_EQ(::kill(tracer.pid(), SIGINT), 0);
    ProcResult r = tracer.wait(20s);
    EXPECT_EQ(r.status(), 128 + SIGINT) << quiet << describe(r);
    EXPECT_FALSE(contains(r.err, "attached")) << quiet << describe(r);
    EXPECT_FALSE(contains(r.err, "detached")) << quiet << describe(r);
    EXPECT_TRUE(eventually([&] { return tracer_pid(pid, pid) == 0; })) << quiet;
  }
}

// -p then a signal, as strace: the call the process was blocked in is shown
// `<detached ...>` (it goes on), never `= ?` as if the process had died, with
// the attach and detach notices, and syspect exits 128 + the signal.
TEST(Cli, AttachThenSignalEndsAsStrace) {
  for (int sig : {SIGINT, SIGTERM}) {
    Child sleeper({"sleep", "100"});
    pid_t pid = sleeper.pid();
    ASSERT_TRUE(eventually([&] { return thread_state(pid, pid) == 'S'; }));
    TempDir dir;
    std::string out = dir.file("attach.txt");
    long before = voluntary_switches(pid, pid);
    Child tracer({cli(), "trace", "-p", std::to_string(pid), "-o", out});
    ASSERT_TRUE(eventually([&] { return tracer_pid(pid, pid) == tracer.pid(); }));
    // Through the attach stop and the entry stop of the call it resumes,
    // and back asleep in it: the tracer has seen the call begin.
    ASSERT_TRUE(eventually(
        [&] { return voluntary_switches(pid, pid) >= before + 2 && thread_state(pid, pid) == 'S'; }));
    ASSERT_EQ(::kill(tracer.pid(), sig), 0);
    auto r = tracer.wait(20s);
    EXPECT_EQ(r.status(), 128 + sig) << describe(r);
    const std::string p = std::to_string(pid);
    EXPECT_EQ(r.err, "syspect: Process " + p + " attached\nsyspect: Process " + p + " detached\n")
        << describe(r);
    std::string text = read_file(out);
    EXPECT_TRUE(std::regex_search(
        text, std::regex("(^|\n)" + p +
                         " +(clock_nanosleep\\(.*|restart_syscall\\(<\\.\\.\\. resuming interrupted [a-z_ ]+ \\.\\.\\.>)"
                         " <detached \\.\\.\\.>\n$")))
        << text;
    EXPECT_FALSE(contains(text, "= ?")) << text;
    EXPECT_EQ(tracer_pid(pid, pid), 0);
    EXPECT_EQ(::kill(pid, 0), 0) << "the sleeper goes on";
    ::kill(pid, SIGKILL);
    (void)sleeper.wait(10s);
  }
}

}  // namespace
}  // namespace syspect_it
