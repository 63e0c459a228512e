// Ways a traced program could make a syscall syspect does not see, or hide
// what it did, each tried for real under the tracer: CLONE_UNTRACED (clone
// and clone3), a seccomp filter of the tracee's own (errno and user
// notification), ptrace from the tracee, x32 calls, a path changed between
// the decode and the kernel's own read, inputs rewritten while the call
// runs, calls through the legacy vsyscall page, and the --strict backstop.
//
// Most run twice: with every call stopping, and under the tracer's
// seccomp-bpf filter (a sink that asks for a few calls only), since the
// filter is where a bypass would hide.

#include <linux/sched.h>
#include <sys/uio.h>

#include <regex>

#include "helpers.hpp"
#include "syspect/checker.hpp"
#include "syspect/report.hpp"
#include "syspect/spec_parser.hpp"

namespace {

using namespace syspect_it;
using syspect::Abi;
using syspect::Event;
using syspect::Interest;
using syspect::SyscallEvent;

std::string bypass(const std::string& name) { return std::string(SYSPECT_BYPASS_DIR) + "/" + name; }

enum class Mode { Full, Filtered };

std::string mode_name(const testing::TestParamInfo<Mode>& info) {
  return info.param == Mode::Full ? "EveryCallStops" : "UnderTheFilter";
}

// A MemorySink that, in Filtered mode, asks for the named calls only.
class Recorder : public syspect::MemorySink {
 public:
  Recorder(Mode mode, std::vector<long> wanted) : mode_(mode), wanted_(std::move(wanted)) {}
  Interest interest() const override {
    if (mode_ == Mode::Full) return Interest::all();
    Interest in = Interest::none();
    for (long nr : wanted_) in.add(nr, Interest::Need::Result);
    return in;
  }

 private:
  Mode mode_;
  std::vector<long> wanted_;
};

struct TracedRun {
  bool ok = false;
  syspect::TraceResult result;
  std::string error;
  std::vector<Event> events;
  std::string out;

  std::vector<SyscallEvent> calls(std::string_view name) const {
    std::vector<SyscallEvent> v;
    for (const auto& e : events)
      if (auto* s = std::get_if<SyscallEvent>(&e); s && s->name() == name) v.push_back(*s);
    return v;
  }
  std::string dump() const {
    std::string s;
    for (const auto& e : events) s += event_text(e) + "\n";
    return s + "--- stdout ---\n" + out + (ok ? "" : "--- error: " + error + "\n");
  }
};

// Runs argv under a Tracer with `recorder` first and `more` after it; the
// target's stdout is captured.
TracedRun run_traced(const std::vector<std::string>& argv, Recorder& recorder,
               const std::vector<syspect::Sink*>& more = {}, syspect::TraceOptions options = {}) {
  TracedRun r;
  int out = memfd("bypass-stdout");
  options.before_exec = [out] {
    ::dup2(out, 1);
    close_fds_except({});
  };
  syspect::Tracer tracer(std::move(options));
  tracer.add_sink(&recorder);
  for (auto* s : more) tracer.add_sink(s);
  auto res = tracer.run(argv);
  r.ok = res.has_value();
  if (r.ok) r.result = *res;
  else r.error = res.error().message;
  r.events = std::move(recorder.events);
  r.out = slurp_fd(out);
  ::close(out);
  return r;
}

class Bypass : public testing::TestWithParam<Mode> {};

// ---- CLONE_UNTRACED -------------------------------------------------------

TEST_P(Bypass, CloneUntracedChildrenAreStillTraced) {
  Recorder rec(GetParam(), {SYS_getppid});
  TracedRun r = run_traced({bypass("untraced_clone")}, rec);
  ASSERT_TRUE(r.ok) << r.dump();
  ASSERT_TRUE(r.result.exited && r.result.exit_code == 0) << r.dump();
  EXPECT_TRUE(contains(r.out, "clone 7\n")) << r.dump();
  bool has_clone3 = contains(r.out, "clone3 8\n");
  if (!has_clone3) {
    EXPECT_TRUE(contains(r.out, "clone3 unsupported\n")) << r.dump();
  }

  std::map<pid_t, int> per_process;
  for (const auto& e : r.calls("getppid")) per_process[e.pid]++;
  std::multiset<int> counts;
  for (const auto& [pid, n] : per_process) counts.insert(n);
  std::multiset<int> want = has_clone3 ? std::multiset<int>{3, 5} : std::multiset<int>{3};
  EXPECT_EQ(counts, want) << "getppid calls per child process\n" << r.dump();
  // The events show what the program asked for.
  if (GetParam() == Mode::Full) {  // under the filter only the verdict was asked for
    auto clones = r.calls("clone");
    ASSERT_FALSE(clones.empty()) << r.dump();
    EXPECT_TRUE(clones.front().args[0].raw & CLONE_UNTRACED) << r.dump();
  }
  for (const auto& e : r.calls("clone3")) EXPECT_FALSE(e.untraced_child_killed) << r.dump();
}

// ---- the tracee's own seccomp filters -------------------------------------

TEST_P(Bypass, CallsATraceesOwnFilterFailsAreSeen) {
  Recorder rec(GetParam(), {SYS_getppid});
  TracedRun r = run_traced({bypass("own_seccomp"), "errno"}, rec);
  ASSERT_TRUE(r.ok) << r.dump();
  EXPECT_EQ(r.out, "errno 3\n") << r.dump();
  auto calls = r.calls("getppid");
  std::set<pid_t> pids, tids;
  int failed = 0;
  for (const auto& e : calls) {
    failed += e.err == ENOTTY;
    pids.insert(e.pid);
    tids.insert(e.tid);
  }
  EXPECT_EQ(failed, 3) << r.dump();
  EXPECT_EQ(calls.size(), 3u) << r.dump();
  EXPECT_EQ(pids.size(), 2u) << "the main process (two threads) and its child\n" << r.dump();
  EXPECT_EQ(tids.size(), 3u) << r.dump();
  EXPECT_EQ(r.calls("seccomp").size(), 1u) << r.dump();
}

TEST_P(Bypass, CallsAnsweredByAUserNotificationListenerAreSeen) {
  Recorder rec(GetParam(), {SYS_getppid});
  TracedRun r = run_traced({bypass("own_seccomp"), "notify"}, rec);
  ASSERT_TRUE(r.ok) << r.dump();
  EXPECT_EQ(r.out, "notify 4242 4242\n") << r.dump();
  auto calls = r.calls("getppid");
  ASSERT_EQ(calls.size(), 2u) << r.dump();
  for (const auto& e : calls) EXPECT_EQ(e.result, 4242) << r.dump();
}

// ---- ptrace from the tracee -----------------------------------------------

TEST_P(Bypass, PtraceFromTheTraceeIsReportedAndTracingGoesOn) {
  Recorder rec(GetParam(), {SYS_getppid});
  TracedRun r = run_traced({bypass("abi_calls"), "ptrace"}, rec);
  ASSERT_TRUE(r.ok) << r.dump();
  EXPECT_EQ(r.out, "ptrace -1 1\n") << r.dump();  // EPERM: it is traced already
  auto pt = r.calls("ptrace");
  ASSERT_EQ(pt.size(), 1u) << r.dump();
  EXPECT_EQ(pt[0].err, EPERM);
  EXPECT_EQ(r.calls("getppid").size(), 1u) << r.dump();
}

// ---- x32 --------------------------------------------------------------------

TEST_P(Bypass, X32CallsAreTheirOwnAbiAndNeverMatchX86_64Entries) {
  Recorder rec(GetParam(), {SYS_getppid});
  TracedRun r = run_traced({bypass("abi_calls"), "x32"}, rec);
  ASSERT_TRUE(r.ok) << r.dump();
  std::vector<SyscallEvent> x32;
  for (const auto& e : r.events)
    if (auto* s = std::get_if<SyscallEvent>(&e); s && s->abi == Abi::x32) x32.push_back(*s);
  ASSERT_EQ(x32.size(), 1u) << r.dump();
  EXPECT_EQ(x32[0].nr, 0x40000000L | SYS_getpid);
  EXPECT_EQ(r.calls("getppid").size(), 1u) << r.dump();

  auto spec = syspect::parse_spec("version = 1\n[policy]\nallow = [\"getpid\"]\n", "inline.toml");
  ASSERT_TRUE(spec.has_value());
  EXPECT_TRUE(spec->policy->violates(x32[0]));
  SyscallEvent plain = x32[0];
  plain.abi = Abi::x86_64;
  plain.nr = SYS_getpid;
  EXPECT_FALSE(spec->policy->violates(plain));
  auto x32_spec = syspect::parse_spec("version = 1\n[policy]\nallow = [\"x32:getpid\"]\n", "inline.toml");
  ASSERT_TRUE(x32_spec.has_value());
  EXPECT_FALSE(x32_spec->policy->violates(x32[0]));
  EXPECT_TRUE(x32_spec->policy->violates(plain));
}

// ---- io_uring ---------------------------------------------------------------

TEST_P(Bypass, IoUringSetupIsACallAPolicyMustAllow) {
  // A checker whose policy names io_uring_setup: under the filter, that is
  // the one call that stops.
  auto deny = syspect::parse_spec("version = 1\n[policy]\ndeny = [\"io_uring_setup\"]\n", "deny.toml");
  ASSERT_TRUE(deny.has_value()) << deny.error().format();
  syspect::Checker checker(*deny);
  Recorder rec(GetParam(), {SYS_getppid});
  TracedRun r = run_traced({bypass("abi_calls"), "io_uring"}, rec, {&checker});
  ASSERT_TRUE(r.ok) << r.dump();
  auto setup = r.calls("io_uring_setup");
  ASSERT_EQ(setup.size(), 1u) << r.dump();
  EXPECT_FALSE(checker.report().passed()) << r.dump();
  // Allowing whole classes of file and memory calls does not allow it.
  auto broad = syspect::parse_spec(
      "version = 1\n[policy]\nallow = [\"@file\", \"@memory\", \"@process\", \"@signal\"]\n",
      "inline.toml");
  ASSERT_TRUE(broad.has_value()) << broad.error().format();
  EXPECT_TRUE(broad->policy->violates(setup[0]));
  auto named = syspect::parse_spec("version = 1\n[policy]\nallow = [\"io_uring_setup\"]\n", "inline.toml");
  ASSERT_TRUE(named.has_value());
  EXPECT_FALSE(named->policy->violates(setup[0]));
}

// ---- a path changed between the decode and the kernel's read --------------

// Plays the racing thread: when openat(..., `from`, ...) stops at its entry
// (decoded, not yet run), it writes `to` over the path in the tracee.
class PathSwapper : public syspect::Sink {
 public:
  PathSwapper(std::string from, std::string to) : from_(std::move(from)), to_(std::move(to)) {}
  syspect::Verdict on_entry(const SyscallEvent& e) override {
    if (e.name() == "openat" && e.args[1].bytes == from_) {
      iovec local{to_.data(), to_.size() + 1};
      iovec remote{reinterpret_cast<void*>(e.args[1].raw), to_.size() + 1};
      swapped = ::process_vm_writev(e.tid, &local, 1, &remote, 1, 0) ==
                static_cast<ssize_t>(to_.size() + 1);
    }
    return syspect::Verdict::allow();
  }
  bool swapped = false;

 private:
  std::string from_, to_;
};

TEST_P(Bypass, APathChangedDuringOpenatIsMarkedAndBreaksPathRules) {
  TempDir dir;
  std::string allowed = dir.file("allowed.txt"), secret = dir.file("secret1.txt");
  ASSERT_EQ(allowed.size(), secret.size());
  write_file(allowed, "allowed\n");
  write_file(secret, "secret\n");
  std::string spec_text =
      "version = 1\n"
      "[[forbid]]\nname = \"no secrets\"\nsyscall = \"openat\"\nargs = { pathname = { contains = \"secret\" } }\n"
      "[[expect]]\nname = \"reads the allowed file\"\nsyscall = \"openat\"\n"
      "args = { pathname = { suffix = \"/allowed.txt\" } }\n";
  auto spec = syspect::parse_spec(spec_text, "swap.toml");
  ASSERT_TRUE(spec.has_value()) << spec.error().format();

  // Untouched: nothing is marked and both rules hold.
  {
    Recorder rec(GetParam(), {SYS_openat});
    syspect::Checker checker(*spec, syspect::proc_process_info());
    TracedRun r = run_traced({bypass("open_path"), allowed}, rec, {&checker});
    ASSERT_TRUE(r.ok) << r.dump();
    for (const auto& e : r.calls("openat")) EXPECT_EQ(e.opened_path, "") << r.dump();
    EXPECT_TRUE(checker.report().passed()) << syspect::render_text(checker.report(), {});
  }
  // Swapped at entry, as a racing thread would: the decoded path is the
  // allowed one, the descriptor is the secret file; the event says so.
  // The same through the names by which a process reaches its own root.
  for (std::string prefix : {"", "/proc/self/root", "/proc/thread-self/root"}) {
    SCOPED_TRACE("prefix " + prefix);
    Recorder rec(GetParam(), {SYS_openat});
    PathSwapper swapper(prefix + allowed, prefix + secret);
    syspect::Checker checker(*spec, syspect::proc_process_info());
    TracedRun r = run_traced({bypass("open_path"), prefix + allowed}, rec, {&swapper, &checker});
    ASSERT_TRUE(r.ok) << r.dump();
    ASSERT_TRUE(swapper.swapped) << r.dump();
    EXPECT_EQ(r.out, prefix + secret + " -> 3\n") << r.dump();
    std::vector<SyscallEvent> marked;
    for (const auto& e : r.calls("openat"))
      if (!e.opened_path.empty()) marked.push_back(e);
    ASSERT_EQ(marked.size(), 1u) << r.dump();
    EXPECT_EQ(marked[0].args[1].bytes, prefix + allowed);
    EXPECT_EQ(marked[0].opened_path, std::filesystem::canonical(secret).string());
    EXPECT_TRUE(contains(event_text(Event{marked[0]}), "the path changed during the call")) << r.dump();
    auto report = checker.report();
    EXPECT_FALSE(report.passed());
    ASSERT_EQ(report.rules.size(), 2u);
    EXPECT_FALSE(report.rules[0].passed) << "the forbid rule";
    EXPECT_FALSE(report.rules[1].passed) << "the expect rule";
  }
}

// ---- the legacy vsyscall page -------------------------------------------

// time, gettimeofday and getcpu through the vsyscall page stop at the filter
// only (no exit stop follows): each is reported, and the calls after them
// are all still seen. (Without a filter no stop happens at all, as under
// strace: SECURITY.md.)
TEST(Vsyscall, CallsThroughThePageAreSeenAndSoAreTheCallsAfter) {
  Recorder rec(Mode::Filtered, {SYS_gettimeofday, SYS_time, SYS_getcpu, SYS_getppid});
  TracedRun r = run_traced({bypass("vsyscall")}, rec);
  ASSERT_TRUE(r.ok) << r.dump();
  if (r.out == "no-vsyscall\n") GTEST_SKIP() << "no executable vsyscall page on this kernel";
  EXPECT_EQ(r.out, "vsyscall gettimeofday=0 time=ok getcpu=0\n") << r.dump();
  for (const char* name : {"gettimeofday", "time", "getcpu"}) {
    auto calls = r.calls(name);
    ASSERT_EQ(calls.size(), 1u) << name << "\n" << r.dump();
    EXPECT_TRUE(calls[0].vsyscall) << r.dump();
    EXPECT_FALSE(calls[0].finished) << "its result is not seen\n" << r.dump();
  }
  EXPECT_EQ(r.calls("getppid").size(), 2u) << r.dump();
}

// A policy that denies them makes them fail with its errno, and counts them.
TEST(Vsyscall, APolicyFailsAndCountsThem) {
  TempDir d;
  std::string spec = d.file("spec.toml");
  write_file(spec, "version = 1\n[policy]\ndeny = [\"time\", \"gettimeofday\", \"getcpu\"]\n"
                   "on_violation = \"errno:EPERM\"\n[[expect]]\nsyscall = \"getppid\"\ncount = 2\n");
  ProcResult r = run_cli({"check", spec, "--", bypass("vsyscall")});
  if (r.out == "no-vsyscall\n") GTEST_SKIP() << "no executable vsyscall page on this kernel";
  EXPECT_EQ(r.out, "vsyscall gettimeofday=-1 time=-1 getcpu=-1\n") << describe(r);
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_TRUE(contains(r.err, "violated 3 times in 1 process, by 3 syscalls")) << describe(r);
  EXPECT_TRUE(contains(r.err, "2 rules, 1 failed")) << describe(r);
  EXPECT_TRUE(contains(r.err, "time(NULL) = -1 EPERM (Operation not permitted) /* vsyscall page */")) << describe(r);
}

// ---- inputs rewritten while the call runs ---------------------------------

// A second thread rewrites the path after syspect read it (the call blocks
// on a FIFO): the rule that examined the path sees the call marked, a
// forbid counts it, an expect does not.
TEST(Rewrite, APathChangedWhileTheCallRanBreaksThePathRules) {
  TempDir d;
  std::string spec = d.file("spec.toml");
  write_file(spec, "version = 1\n"
                   "[[forbid]]\nname = \"evil\"\nsyscall = \"openat\"\nargs = { pathname = \"" + d.file("evil") + "\" }\n"
                   "[[expect]]\nname = \"fifo\"\nsyscall = \"openat\"\nargs = { pathname = \"" + d.file("fifo") + "\", flags = \"O_RDONLY\" }\n");
  ProcResult r = run_cli({"check", spec, "--", bypass("rewrite_args"), "openat", d.path()});
  EXPECT_EQ(r.out, "openat opened\n") << describe(r);
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_TRUE(contains(r.err, "FAIL evil")) << describe(r);
  EXPECT_TRUE(contains(r.err, "FAIL fifo")) << describe(r);
  EXPECT_TRUE(std::regex_search(r.err, std::regex("\", O_RDONLY\\) = [0-9]+ /\\* changed while the call ran: pathname \\*/")))
      << describe(r);
}

// The same for a struct the call reads: openat2's open_how.
TEST(Rewrite, AStructChangedWhileTheCallRanBreaksTheRulesOnIt) {
  TempDir d;
  std::string spec = d.file("spec.toml");
  write_file(spec, "version = 1\n"
                   "[[forbid]]\nname = \"create\"\nsyscall = \"openat2\"\nargs = { how = { flags = { has = \"O_CREAT\" } } }\n");
  ProcResult r = run_cli({"check", spec, "--", bypass("rewrite_args"), "openat2", d.path()});
  EXPECT_EQ(r.out, "openat2 opened\n") << describe(r);
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_TRUE(contains(r.err, "FAIL create")) << describe(r);
  EXPECT_TRUE(contains(r.err, "/* changed while the call ran: how */")) << describe(r);
}

// Nothing is marked when nothing changes, and a trace with no rule reads
// nothing again.
TEST(Rewrite, NothingIsMarkedWhenNothingChanges) {
  TempDir d;
  write_file(d.file("f"), "x");
  std::string spec = d.file("spec.toml");
  write_file(spec, "version = 1\n[[expect]]\nsyscall = \"openat\"\nargs = { pathname = \"" + d.file("f") + "\" }\n");
  ProcResult r = run_cli({"check", spec, "--", "cat", d.file("f")});
  EXPECT_EQ(r.code, 0) << describe(r);
  CliTrace t = cli_trace({}, {bypass("rewrite_args"), "openat", d.path()}, false);
  EXPECT_TRUE(contains(t.output, "openat(AT_FDCWD, \"" + d.file("fifo") + "\", O_RDONLY) = ")) << t.output;
  EXPECT_FALSE(contains(t.output, "changed while the call ran")) << t.output;
}

// An input another thread flips while the call is made: syspect's read at
// entry, the kernel's read and syspect's read at exit each see either
// value, so some runs read "a" twice while the kernel used "b" (written
// back before the exit). The call's effect tells: the socket's peer, the
// name created, the program that runs. Every run whose effect was "b"
// must fail the rule forbidding "b", whatever the memory showed.
struct Swap {
  const char* mode;
  const char* call;
  const char* arg;
  const char* effect_b;  // what the program prints when the kernel used "b"
};

void PrintTo(const Swap& s, std::ostream* os) { *os << s.mode; }

class SwappedBack : public testing::TestWithParam<Swap> {};

TEST_P(SwappedBack, EveryRunWhoseCallUsedTheForbiddenValueFails) {
  const Swap& s = GetParam();
  TempDir d;
  std::string b = std::string(s.mode) == "connect" ? std::string(1, '@') : std::string();
  b.append(d.file("b"));
  std::string arg = std::string(s.mode) == "connect" ? "addr = { sun_path = \"" + b + "\" }"
                                                     : std::string(s.arg) + " = \"" + b + "\"";
  std::string spec = d.file("spec.toml");
  write_file(spec, "version = 1\n[[forbid]]\nname = \"b\"\nsyscall = \"" + std::string(s.call) +
                       "\"\nargs = { " + arg + " }\n");
  int used_b = 0, runs = 0;
  for (; runs < 40; ++runs) {
    for (const char* n : {"a", "b"}) std::filesystem::remove_all(d.file(n));
    ProcResult r = run_cli({"check", spec, "--", bypass("swap_args"), s.mode, d.path()});
    if (!contains(r.out, s.effect_b)) continue;
    ++used_b;
    EXPECT_EQ(r.code, 1) << "run " << runs << ": the call used " << b << "\n" << describe(r);
    EXPECT_TRUE(contains(r.err, "FAIL b")) << describe(r);
  }
  // Not a vacuous pass: some runs made the call with "b".
  EXPECT_GT(used_b, 0) << "no run's call used \"b\": nothing was tested";
  RecordProperty("runs_that_used_b", used_b);
  std::cout << s.mode << ": " << used_b << " of " << runs << " runs used \"b\"\n";
}

INSTANTIATE_TEST_SUITE_P(Calls, SwappedBack,
                         testing::Values(Swap{"connect", "connect", "addr", "peer b"},
                                         Swap{"mkdir", "mkdir", "pathname", "made b"},
                                         Swap{"exec", "execve", "pathname", "ran b"}),
                         [](const testing::TestParamInfo<Swap>& info) {
                           return std::string(info.param.mode);
                         });

// The same comparisons find nothing to mark in ordinary programs that make
// these calls: names created and removed, programs and scripts run, sockets
// connected, under rules that examine every one of them.
TEST(KernelView, OrdinaryCallsAreNotMarked) {
  TempDir d;
  std::string spec = d.file("spec.toml");
  std::string rules = "version = 1\n";
  const std::pair<const char*, const char*> examined[] = {
      {"mkdir", "pathname"},  {"mkdirat", "pathname"},  {"rmdir", "pathname"},
      {"unlink", "pathname"}, {"unlinkat", "pathname"}, {"rename", "newpath"},
      {"renameat2", "oldpath"}, {"symlink", "linkpath"}, {"symlinkat", "linkpath"},
      {"link", "newpath"},    {"linkat", "newpath"},    {"mknodat", "pathname"},
      {"execve", "pathname"}};
  for (const auto& [call, arg] : examined)
    rules += std::string("[[forbid]]\nname = \"no-") + call + "\"\nsyscall = \"" + call +
             "\"\nargs = { " + arg + " = \"/nowhere/*\" }\n";
  rules += "[[forbid]]\nname = \"no-connect\"\nsyscall = \"connect\"\n"
           "args = { addr = { sin_port = 9 } }\n";
  write_file(spec, rules);
  write_file(d.file("script.sh"), "#!/bin/sh -e\necho script \"$@\"\n");
  ASSERT_EQ(::chmod(d.file("script.sh").c_str(), 0755), 0);
  std::string script =
      "set -e; cd " + d.path() +
      "; mkdir x; mkdir -p y/z; rmdir y/z; touch f; ln f g; ln -s f h; mv g g2; mv -T h h2; "
      "rm g2 h2; mkfifo p; rm p; ln -sf f f2; ln -f f f3; rm -r x; ./script.sh one; "
      "sh -c 'exec env true'; "
      "python3 -c 'import socket,os; l=socket.socket(socket.AF_UNIX); l.bind(\"s\"); l.listen(); "
      "c=socket.socket(socket.AF_UNIX); c.connect(\"s\"); "
      "t=socket.socket(); t.bind((\"127.0.0.1\",0)); t.listen(); u=socket.socket(); "
      "u.connect((\"127.0.0.1\", t.getsockname()[1])); v=socket.socket(socket.AF_INET6); "
      "v.bind((\"::1\",0)); v.listen(); w=socket.socket(socket.AF_INET6); "
      "w.connect((\"::1\", v.getsockname()[1])); n=socket.socket(); n.setblocking(False); "
      "n.connect_ex((\"127.0.0.1\", t.getsockname()[1])); print(\"sockets\")'";
  ProcResult r = run_cli({"check", spec, "--", "/bin/sh", "-c", script});
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(r.out, "script one\nsockets\n") << describe(r);
  EXPECT_FALSE(contains(r.err, "changed while the call ran")) << describe(r);
}

TEST(PathCheck, OrdinaryProgramsHaveNoMarkedOpens) {
  TempDir dir;
  std::string link = dir.file("link"), file = dir.file("file");
  write_file(file, "x\n");
  ASSERT_EQ(::symlink(file.c_str(), link.c_str()), 0);
  Recorder rec(Mode::Full, {});
  std::string script = "cat " + link + " /dev/null /etc/hostname > /dev/null; cd " + dir.path() +
                       " && cat link file ./link > /dev/null; ls -la /dev/fd/ /proc/self/ /usr/lib > "
                       "/dev/null; cat /proc/self/status /proc/thread-self/stat /dev/stdin < file > "
                       "/dev/null; cat /proc/self/root/" + file + " /dev/fd/0 < file > /dev/null; "
                       // The tracee's own names reached from a directory it holds (lscpu opens
                       // "self/status" in /proc).
                       "(cd /proc && cat self/status thread-self/stat > /dev/null); "
                       "(cd /dev && cat stdin fd/0 < " + file + " > /dev/null); "
                       "python3 -S -c 'import os; d = os.open(\"/proc\", os.O_RDONLY); "
                       "os.close(os.open(\"self/status\", os.O_RDONLY, dir_fd=d))'; "
                       "exec 3< /dev/ptmx";
  TracedRun r = run_traced({"/bin/sh", "-c", script}, rec);
  ASSERT_TRUE(r.ok) << r.dump();
  std::size_t opens = 0;
  for (const auto& e : r.events) {
    auto* s = std::get_if<SyscallEvent>(&e);
    if (!s || (s->name() != "openat" && s->name() != "open")) continue;
    ++opens;
    EXPECT_EQ(s->opened_path, "") << event_text(e);
  }
  EXPECT_GT(opens, 10u) << r.dump();
}

INSTANTIATE_TEST_SUITE_P(Modes, Bypass, testing::Values(Mode::Full, Mode::Filtered), mode_name);

// ---- --strict ----------------------------------------------------------------

TEST(Strict, TraceKillsTheTargetAtAnI386Call) {
  SKIP_WITHOUT_IA32();
  for (std::vector<std::string> extra : {std::vector<std::string>{}, {"-e", "trace=getpid"}}) {
    std::vector<std::string> opts = {"--strict"};
    opts.insert(opts.end(), extra.begin(), extra.end());
    CliTrace t = cli_trace(opts, {target("int80")}, false);
    EXPECT_EQ(t.proc.status(), 128 + SIGSYS) << describe(t.proc) << t.output;
    EXPECT_FALSE(contains(t.proc.out, "i386 getpid")) << describe(t.proc);
    EXPECT_TRUE(contains(t.output, "+++ killed by SIGSYS +++")) << t.output;
  }
  // Every call stopping, the killed call is in the trace, unfinished.
  CliTrace full = cli_trace({"--strict"}, {target("int80")}, false);
  EXPECT_TRUE(contains(full.output, "getpid( <unfinished ...>)")) << full.output;
  // Without --strict it runs to the end.
  CliTrace plain = cli_trace({}, {target("int80")}, false);
  EXPECT_EQ(plain.proc.status(), 0) << describe(plain.proc);
}

TEST(Strict, TraceKillsTheTargetAtAnX32Call) {
  CliTrace t = cli_trace({"--strict"}, {bypass("abi_calls"), "x32"}, false);
  EXPECT_EQ(t.proc.status(), 128 + SIGSYS) << describe(t.proc) << t.output;
  EXPECT_FALSE(contains(t.proc.out, "x32 ")) << describe(t.proc);
}

TEST(Strict, CheckLetsThroughWhatThePolicyAllows) {
  SKIP_WITHOUT_IA32();
  TempDir dir;
  std::string lenient = dir.file("lenient.toml"), strict = dir.file("strict.toml");
  write_file(lenient, "version = 1\n[policy]\ndeny = [\"i386:open\"]\n");
  write_file(strict, "version = 1\n[policy]\ndeny = [\"i386:write\"]\n");
  ProcResult ok = run_cli({"check", "--strict", lenient, "--", target("int80")});
  EXPECT_EQ(ok.status(), 0) << describe(ok);
  EXPECT_TRUE(contains(ok.out, "int80 write")) << describe(ok);
  // The i386 write is a violation: the filter kills the target before it
  // runs, and the report says which call broke the policy.
  ProcResult killed = run_cli({"check", "--strict", strict, "--", target("int80")});
  EXPECT_EQ(killed.status(), 1) << describe(killed);
  EXPECT_TRUE(contains(killed.out, "i386 getpid")) << describe(killed);
  EXPECT_FALSE(contains(killed.out, "int80 write")) << describe(killed);
  EXPECT_TRUE(contains(killed.err, "write")) << describe(killed);
}

TEST(Cli, AFlagBeforeAnOptionWithAValue) {
  // `--strict -e trace=X`: the flag takes no value, so -e keeps its own.
  for (const char* flag : {"--no-seccomp", "-f", "--strict"}) {
    CliTrace t = cli_trace({flag, "-e", "trace=getppid"}, {bypass("abi_calls"), "ptrace"}, false);
    EXPECT_EQ(t.proc.status(), 0) << flag << "\n" << describe(t.proc);
    EXPECT_TRUE(contains(t.output, "getppid()")) << flag << "\n" << t.output;
    EXPECT_FALSE(contains(t.output, "ptrace(")) << flag << "\n" << t.output;
  }
}

}  // namespace
