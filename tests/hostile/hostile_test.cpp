// Hostile and odd tracees, traced for real: each program in targets/ does
// something that real programs do to a tracer now and then, and each test
// checks exactly what syspect saw (counts, ids, statuses) and that nothing
// was lost, left stopped or left behind.

#include <pthread.h>
#include <sys/prctl.h>

#include <mutex>
#include <regex>
#include <thread>

#include "helpers.hpp"
#include "syspect/format.hpp"

namespace syspect_it {
namespace {

using syspect::ArgValue;
using syspect::ExecEvent;
using syspect::ExitEvent;
using syspect::SignalEvent;
using syspect::SyscallEvent;

// The pid of the traced program: the one that made the first call.
pid_t root_pid(const LibTrace& t) {
  for (const auto& e : t.events)
    if (auto* s = std::get_if<SyscallEvent>(&e)) return s->pid;
  return 0;
}

// A pid as the targets print it, zero-padded to 8 digits.
std::string padded(pid_t pid) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08d", static_cast<int>(pid));
  return buf;
}

std::string fmt_done(pid_t pid) { return "done " + padded(pid) + "\n"; }

std::map<pid_t, int> count_by_tid(const LibTrace& t, std::string_view name) {
  std::map<pid_t, int> out;
  for (const auto& e : t.syscalls_named(name)) ++out[e.tid];
  return out;
}


// Runs trace_lib on a thread of its own, for tests that talk to the tracee
// while it is traced; kills the tracee if the test ends early.
class BackgroundTrace {
 public:
  template <typename F>
  explicit BackgroundTrace(F run) : thread_([this, run] { result_ = run(); }) {}
  ~BackgroundTrace() {
    if (thread_.joinable()) {
      if (pid_ > 0) ::kill(pid_, SIGKILL);
      thread_.join();
    }
  }
  void set_pid(pid_t pid) { pid_ = pid; }
  const LibTrace& join() {
    thread_.join();
    return result_;
  }

 private:
  LibTrace result_;
  pid_t pid_ = 0;
  std::thread thread_;
};

std::string path_of_strace() {
  for (const char* dir : {"/usr/bin", "/bin", "/usr/local/bin"}) {
    std::string p = std::string(dir) + "/strace";
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

// `strace -o FILE OPTIONS -- COMMAND`, its output file.
std::string strace_output(const std::vector<std::string>& options,
                          const std::vector<std::string>& command) {
  TempDir dir;
  std::vector<std::string> argv = {path_of_strace(), "-o", dir.file("strace.txt")};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  auto r = run(argv);
  EXPECT_FALSE(r.timed_out) << describe(r);
  return read_file(dir.file("strace.txt"));
}

// The lines that start with `prefix` once any "PID " in front is left out.
std::vector<std::string> lines_starting(const std::string& text, std::string_view prefix) {
  static const std::regex pid_prefix(R"(^\d+ +)");
  std::vector<std::string> out;
  for (const auto& raw : lines_of(text)) {
    std::string l = std::regex_replace(raw, pid_prefix, "");
    if (l.rfind(prefix, 0) == 0) out.push_back(l);
  }
  return out;
}

// ---- many threads, many processes ------------------------------------------

TEST(Hostile, SixtyFourThreadsAtOnceEachCountedExactly) {
  auto t = trace_lib({target("threads64")});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0) << dump(t, 20);
  pid_t pid = root_pid(t);
  auto printed = pids_after(t.out, "thread");
  std::set<pid_t> tids(printed.begin(), printed.end());
  ASSERT_EQ(tids.size(), 64u) << t.out;

  auto per_tid = count_by_tid(t, "getppid");
  EXPECT_EQ(per_tid.size(), 64u);
  for (pid_t tid : tids) EXPECT_EQ(per_tid[tid], 100) << "tid " << tid;
  for (const auto& e : t.syscalls_named("getppid")) {
    EXPECT_EQ(e.pid, pid);
    EXPECT_TRUE(e.finished);
    EXPECT_EQ(e.result, ::getpid()) << "getppid of a thread of our child";
  }
  std::set<pid_t> exited;
  for (const auto& x : t.all<ExitEvent>()) exited.insert(x.tid);
  for (pid_t tid : tids) EXPECT_EQ(exited.count(tid), 1u) << "no exit for " << tid;
  EXPECT_EQ(exited.count(pid), 1u);
}

// The same through the seccomp filter: a sink that asks only for getppid
// lets every other call run without a stop, and still gets each getppid.
struct GetppidCounter : syspect::Sink {
  syspect::Interest interest() const override {
    auto i = syspect::Interest::none();
    i.add(SYS_getppid, syspect::Interest::Need::Result);
    return i;
  }
  void on_syscall(const SyscallEvent& e) override {
    std::string name = e.name();
    if (name == "getppid") ++per_tid[e.tid];
    else if (name == "clone3") ++clone3;  // the tracer watches every clone3 (SECURITY.md)
    else ++others;
  }
  int clone3 = 0;
  std::map<pid_t, int> per_tid;  // only the tracer's thread touches these
  int others = 0;
};

TEST(Hostile, SixtyFourThreadsCountedExactlyThroughTheSeccompFilter) {
  int out = memfd("threads64-stdout");
  syspect::TraceOptions options;
  options.before_exec = [out] {
    ::dup2(out, 1);
    close_fds_except({});
  };
  syspect::Tracer tracer(options);
  GetppidCounter counter;
  tracer.add_sink(&counter);
  auto r = tracer.run({target("threads64")});
  std::string printed = slurp_fd(out);
  ::close(out);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r.value().status(), 0);
  auto tids = pids_after(printed, "thread");
  ASSERT_EQ(tids.size(), 64u) << printed;
  EXPECT_EQ(counter.per_tid.size(), 64u);
  for (pid_t tid : tids) EXPECT_EQ(counter.per_tid[tid], 100) << "tid " << tid;
  // The filter let the rest run unseen: each thread makes more than a dozen
  // other calls (clone, mmap, rseq, futex, exit, ...), about a thousand in
  // all; the tracer may still report the few it stops at for itself.
  EXPECT_LT(counter.others, 64) << "the filter did not keep the other calls away";
  EXPECT_EQ(counter.clone3, 64) << "one clone3 a thread";
}

// Counts calls by name and thread, and keeps nothing else: a tracer that
// starves the worker would otherwise leave a million events in memory.
struct CallCounter : syspect::Sink {
  void on_syscall(const SyscallEvent& e) override { ++calls[e.name()][e.tid]; }
  std::map<std::string, std::map<pid_t, int>> calls;
};

// Every ready tracee gets its turn: a worker among 8 threads that stop again
// as soon as they are resumed finishes its 3000 calls while each spinner
// makes about as many, not hundreds of times more.
TEST(Hostile, BusyThreadsDoNotStarveTheOthers) {
  for (const char* cpu : {"auto", "none"}) {
    SCOPED_TRACE(std::string("--cpu=") + cpu);
    syspect::TraceOptions options;
    options.cpu = std::string(cpu) == "auto" ? syspect::CpuPlacement::Auto : syspect::CpuPlacement::None;
    syspect::Tracer tracer(options);
    CallCounter counter;
    tracer.add_sink(&counter);
    auto r = tracer.run({target("late_worker")});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r.value().status(), 0);
    const auto& worker = counter.calls["getpid"];
    ASSERT_EQ(worker.size(), 1u);
    EXPECT_EQ(worker.begin()->second, 3000);
    const auto& spinners = counter.calls["getppid"];
    EXPECT_EQ(spinners.size(), 8u);
    int spins = 0;
    for (const auto& [tid, n] : spinners) spins += n;
    // Served in turn, the spinners make about 8 x 3000 calls together (the
    // bound leaves room for a loaded machine); served first, 1.5 million.
    EXPECT_LE(spins, 8 * 8 * 3000) << "the spinners were served far more often than the worker";
  }
}

TEST(Hostile, TenThousandShortLivedChildren) {
  constexpr int kChildren = 10000;
  auto t = trace_lib({target("many_children"), std::to_string(kChildren)});
  ASSERT_TRUE(t.ok) << t.error.message;
  ASSERT_EQ(t.result.status(), 0) << dump(t, 20);
  EXPECT_EQ(t.out, "reaped 10000\n");
  pid_t parent = root_pid(t);

  // The children in the order they were made: the parent's clone results.
  std::vector<pid_t> children;
  for (const auto& e : t.syscalls())
    // A fork interrupted by a SIGCHLD is restarted (ERESTARTNOINTR): only
    // the calls that made a child count.
    if (e.pid == parent && e.result > 0 &&
        (e.name() == "clone" || e.name() == "fork" || e.name() == "clone3"))
      children.push_back(static_cast<pid_t>(e.result));
  ASSERT_EQ(children.size(), static_cast<std::size_t>(kChildren));

  std::map<pid_t, int> getppid_by_pid;
  for (const auto& e : t.syscalls_named("getppid")) {
    ++getppid_by_pid[e.pid];
    EXPECT_EQ(e.result, parent) << "a child's getppid";
  }
  std::map<pid_t, ExitEvent> exit_by_pid;
  for (const auto& x : t.all<ExitEvent>()) {
    EXPECT_EQ(exit_by_pid.count(x.pid), 0u) << "two exits for " << x.pid;
    exit_by_pid[x.pid] = x;
  }
  EXPECT_EQ(exit_by_pid.size(), static_cast<std::size_t>(kChildren) + 1);
  int missing = 0;
  for (int i = 0; i < kChildren; ++i) {
    pid_t child = children[static_cast<std::size_t>(i)];
    auto x = exit_by_pid.find(child);
    if (x == exit_by_pid.end() || getppid_by_pid[child] != 1) {
      if (++missing <= 5)
        ADD_FAILURE() << "child " << i << " (pid " << child << "): "
                      << (x == exit_by_pid.end() ? "no exit seen" : "exit seen") << ", "
                      << getppid_by_pid[child] << " getppid";
      continue;
    }
    EXPECT_FALSE(x->second.signaled);
    EXPECT_EQ(x->second.code, i % 128) << "child " << i;
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(exit_by_pid[parent].code, 0);
}

TEST(Hostile, LeaderExitsWhileItsThreadsGoOn) {
  auto untraced = run({target("leader_exit")});
  EXPECT_EQ(untraced.status(), 7) << describe(untraced);
  auto t = trace_lib({target("leader_exit")});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_TRUE(t.result.exited) << dump(t, 30);
  EXPECT_EQ(t.result.exit_code, 7) << dump(t, 30);
  auto leaders = pids_after(t.out, "leader");
  auto threads = pids_after(t.out, "thread");
  ASSERT_EQ(leaders.size(), 1u) << t.out;
  ASSERT_EQ(threads.size(), 4u) << t.out;
  pid_t leader = leaders[0];
  EXPECT_EQ(root_pid(t), leader);

  // The leader's own exit(3): the last call it made, never returning.
  const SyscallEvent* leader_exit = nullptr;
  for (const auto& e : t.events)
    if (auto* s = std::get_if<SyscallEvent>(&e); s && s->tid == leader) leader_exit = s;
  ASSERT_NE(leader_exit, nullptr);
  EXPECT_EQ(leader_exit->name(), "exit") << dump(t, 30);
  EXPECT_EQ(leader_exit->args[0].num, 3);

  // Every thread's 100 calls (made once the leader was a zombie: the
  // program waits for that), under the process's pid.
  auto per_tid = count_by_tid(t, "getppid");
  EXPECT_EQ(per_tid.size(), 4u);
  for (pid_t tid : threads) EXPECT_EQ(per_tid[tid], 100) << "tid " << tid << "\n" << dump(t, 30);
  for (const auto& e : t.syscalls_named("getppid")) EXPECT_EQ(e.pid, leader);
  EXPECT_EQ(t.count("exit_group"), 1u) << dump(t, 30);
  std::set<pid_t> exited;
  for (const auto& x : t.all<ExitEvent>()) exited.insert(x.tid);
  for (pid_t tid : threads) EXPECT_EQ(exited.count(tid), 1u) << "no exit for " << tid;
  EXPECT_EQ(exited.count(leader), 1u) << "no exit for the leader";
}

TEST(Hostile, HundredExecsEachFromANewNonLeaderThread) {
  constexpr int kExecs = 100;
  const std::string prog = target("exec_chain");
  auto t = trace_lib({prog, std::to_string(kExecs)});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_TRUE(t.result.exited) << dump(t, 30);
  EXPECT_EQ(t.result.exit_code, 42) << dump(t, 30);
  pid_t pid = root_pid(t);
  EXPECT_EQ(t.out, fmt_done(pid));

  auto execs = t.syscalls_named("execve");
  ASSERT_EQ(execs.size(), static_cast<std::size_t>(kExecs) + 1) << dump(t, 30);
  std::set<pid_t> callers;
  for (std::size_t i = 0; i < execs.size(); ++i) {
    const auto& ex = execs[i];
    EXPECT_EQ(ex.pid, pid) << "exec " << i;
    EXPECT_EQ(ex.tid, pid) << "exec " << i << ": after it the caller has the leader's tid";
    EXPECT_TRUE(ex.finished) << "exec " << i;
    EXPECT_EQ(ex.result, 0) << "exec " << i;
    ASSERT_EQ(ex.args[1].items.size(), 2u) << "exec " << i;
    EXPECT_EQ(ex.args[1].items[1], std::to_string(kExecs - static_cast<int>(i))) << "exec " << i;
    if (i == 0) continue;
    EXPECT_NE(ex.exec_old_tid, pid) << "exec " << i << " was made by a thread, not the leader";
    EXPECT_NE(ex.exec_old_tid, 0) << "exec " << i;
    callers.insert(ex.exec_old_tid);
  }
  EXPECT_EQ(callers.size(), static_cast<std::size_t>(kExecs)) << "a new thread for each exec";
  std::size_t from_threads = 0;
  for (const auto& x : t.all<ExecEvent>()) {
    EXPECT_EQ(x.pid, pid);
    if (x.old_tid != pid) ++from_threads;
  }
  EXPECT_EQ(from_threads, static_cast<std::size_t>(kExecs));
  // After the last exec, only the leader's tid.
  bool after_last = false;
  for (const auto& e : t.events) {
    auto* s = std::get_if<SyscallEvent>(&e);
    if (!s) continue;
    if (s->seq == execs.back().seq) {
      after_last = true;
    } else if (after_last) {
      EXPECT_EQ(s->tid, pid) << event_text(e);
    }
  }
}

// ---- signals ---------------------------------------------------------------

// Another process stops and continues a multi-threaded tracee 300 times
// while its threads make syscalls: it finishes, every call is counted, and
// no thread is left stopped.
TEST(Hostile, StopContStormOnMultiThreadedTracee) {
  Pipe to_test, to_target;
  constexpr int kOut = 50, kIn = 51;
  BackgroundTrace bg([&] {
    syspect::TraceOptions options;
    options.timeout = std::chrono::milliseconds(120'000);
    return trace_lib({target("stop_storm"), std::to_string(kOut), std::to_string(kIn)}, options,
                     {{to_test.w, kOut}, {to_target.r, kIn}});
  });
  auto ready = read_line_fd(to_test.r, 20s);
  ASSERT_TRUE(ready) << "the target never said it was ready";
  auto pids = pids_after(*ready, "ready");
  ASSERT_EQ(pids.size(), 1u) << *ready;
  pid_t pid = pids[0];
  bg.set_pid(pid);
  auto tids = threads_of(pid);
  ASSERT_EQ(tids.size(), 5u);

  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(::kill(pid, SIGSTOP), 0);
    ASSERT_EQ(::kill(pid, SIGCONT), 0);
  }
  ASSERT_EQ(::write(to_target.w, "go\n", 3), 3);
  auto done = read_line_fd(to_test.r, 60s);
  EXPECT_TRUE(done) << "the target did not finish after the storm";
  if (done) {
    EXPECT_EQ(*done, "done");
  }
  const LibTrace& t = bg.join();
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_FALSE(t.result.timed_out) << "the tracee was left stopped";
  EXPECT_EQ(t.result.status(), 0) << dump(t, 30);

  auto per_tid = count_by_tid(t, "getppid");
  EXPECT_EQ(per_tid.size(), 4u);
  for (pid_t tid : tids) {
    if (tid == pid) continue;
    EXPECT_EQ(per_tid[tid], 2000) << "tid " << tid;
  }
  std::size_t conts = 0;
  for (const auto& s : t.all<SignalEvent>()) {
    EXPECT_EQ(s.pid, pid);
    EXPECT_TRUE(s.signo == SIGSTOP || s.signo == SIGCONT) << s.signo;
    if (s.signo == SIGCONT) ++conts;
  }
  EXPECT_GE(conts, 1u) << "SIGCONT was never reported";
  std::set<pid_t> exited;
  for (const auto& x : t.all<ExitEvent>()) exited.insert(x.tid);
  for (pid_t tid : tids) EXPECT_EQ(exited.count(tid), 1u) << "no exit for " << tid;
}

// Every signal ignored and blocked: the program behaves traced exactly as
// it does untraced, and the tracer sees all of it.
TEST(Hostile, TraceeThatIgnoresAndBlocksEverySignal) {
  auto untraced = run({target("deaf")});
  ASSERT_EQ(untraced.status(), 0) << describe(untraced);
  auto t = trace_lib({target("deaf")});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0) << dump(t, 30);
  EXPECT_EQ(t.out, untraced.out);
  EXPECT_EQ(t.out, "pending 2 10 15 wait4 10\n") << "SIGINT, SIGUSR1, SIGTERM pending; ECHILD";
  pid_t pid = root_pid(t);

  std::map<pid_t, int> getppid_by_pid;
  for (const auto& e : t.syscalls_named("getppid")) ++getppid_by_pid[e.pid];
  ASSERT_EQ(getppid_by_pid.size(), 2u) << dump(t, 40);
  EXPECT_EQ(getppid_by_pid[pid], 100);
  pid_t child = 0;
  for (const auto& [p, n] : getppid_by_pid)
    if (p != pid) child = p;
  EXPECT_EQ(getppid_by_pid[child], 1);
  auto waits = t.syscalls_named("wait4");
  ASSERT_EQ(waits.size(), 1u) << dump(t, 40);
  EXPECT_EQ(waits[0].args[0].num, child);
  EXPECT_EQ(waits[0].result, -ECHILD);
  bool child_exit = false;
  for (const auto& x : t.all<ExitEvent>())
    if (x.pid == child) {
      child_exit = true;
      EXPECT_EQ(x.code, 5);
    }
  EXPECT_TRUE(child_exit) << dump(t, 40);
  // The self-sent signals stay pending: none is ever delivered.
  EXPECT_TRUE(t.all<SignalEvent>().empty()) << dump(t, 40);
}

// ---- reading the tracee's memory -------------------------------------------

const std::string kNonDumpablePath = "/nonexistent/syspect-nondumpable/" + std::string(200, 'p');

void check_nondumpable(const JsonTrace& trace) {
  bool seen_open = false, seen_write = false;
  for (const auto& e : trace.syscalls()) {
    const auto& args = e.value("args", json::array());
    if (e.value("name", "") == "openat" && args.size() >= 2 &&
        args[1].value("value", json()) == json(kNonDumpablePath)) {
      seen_open = true;
      EXPECT_EQ(e.value("result", 0), -1) << e.dump();
      EXPECT_EQ(e.value("errno", ""), "ENOENT") << e.dump();
    }
    if (e.value("name", "") == "write" && args.size() >= 2 &&
        args[1].value("value", json()) == json("written while non-dumpable\n"))
      seen_write = true;
  }
  EXPECT_TRUE(seen_open) << "the openat path was not read\n" << dump(trace);
  EXPECT_TRUE(seen_write) << "the write buffer was not read\n" << dump(trace);
}

TEST(Hostile, NonDumpableTraceeStringsStillDecoded) {
  auto t = trace_lib({target("nondumpable")});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0);
  auto opens = t.syscalls_named("openat");
  auto it = std::find_if(opens.begin(), opens.end(),
                         [](const SyscallEvent& e) { return e.args[1].bytes == kNonDumpablePath; });
  ASSERT_NE(it, opens.end()) << dump(t, 20);
  EXPECT_EQ(it->args[1].form, ArgValue::Form::String);
  EXPECT_EQ(it->result, -ENOENT);
  auto prctls = t.syscalls_named("prctl");
  ASSERT_EQ(prctls.size(), 1u);
  EXPECT_EQ(prctls[0].args[0].num, PR_SET_DUMPABLE);

  auto cli = cli_trace({}, {target("nondumpable")});
  EXPECT_EQ(cli.proc.status(), 0) << describe(cli.proc);
  check_nondumpable(cli.trace);
}

// Unprivileged, neither process_vm_readv nor PTRACE_PEEKDATA may read a
// non-dumpable tracee's memory (the kernel asks for CAP_SYS_PTRACE): syspect
// then shows its strings as addresses, exactly as strace does, and still
// sees every call.
TEST(Hostile, NonDumpableTraceeUnprivilegedShownAsStraceDoes) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run syspect as another, unprivileged user";
  if (::access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "no setpriv";
  if (path_of_strace().empty()) GTEST_SKIP() << "no strace to compare with";
  std::vector<std::string> as_nobody = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                        "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"};
  auto probe = as_nobody;
  probe.push_back(target("nondumpable"));
  auto r = run(probe);
  if (r.status() != 0)
    GTEST_SKIP() << "the build tree is not usable by an unprivileged user: " << describe(r);

  TempDir dir;
  ::chmod(dir.path().c_str(), 0777);
  auto ours_argv = as_nobody;
  ours_argv.insert(ours_argv.end(), {cli(), "trace", "-o", dir.file("ours.txt"), "--", target("nondumpable")});
  auto ours_run = run(ours_argv);
  EXPECT_EQ(ours_run.status(), 0) << describe(ours_run);
  auto theirs_argv = as_nobody;
  theirs_argv.insert(theirs_argv.end(),
                     {path_of_strace(), "-o", dir.file("theirs.txt"), "--", target("nondumpable")});
  auto theirs_run = run(theirs_argv);
  ASSERT_EQ(theirs_run.status(), 0) << describe(theirs_run);

  // From the openat on, line by line, addresses and alignment aside.
  auto from_openat = [](const std::string& text) {
    static const std::regex pid_prefix(R"(^\d+ +)"), addr("0x[0-9a-f]+"), pad(" +=");
    std::vector<std::string> out;
    bool on = false;
    for (const auto& l : lines_of(text)) {
      std::string line = std::regex_replace(l, pid_prefix, "");
      line = std::regex_replace(std::regex_replace(line, addr, "ADDR"), pad, " =");
      if (line.rfind("openat(AT_FDCWD, ADDR", 0) == 0) on = true;
      if (on) out.push_back(line);
    }
    return out;
  };
  auto ours = from_openat(read_file(dir.file("ours.txt")));
  auto theirs = from_openat(read_file(dir.file("theirs.txt")));
  ASSERT_GE(ours.size(), 3u) << read_file(dir.file("ours.txt"));
  EXPECT_EQ(ours, theirs);
  EXPECT_EQ(ours[0], "openat(AT_FDCWD, ADDR, O_RDONLY) = -1 ENOENT (No such file or directory)");
}

// A path whose NUL is the last byte before a PROT_NONE page is read whole;
// one that runs into the page without a NUL is shown as its address, as
// strace shows it.
TEST(Hostile, StringsThatRunIntoAnUnreadablePage) {
  auto t = trace_lib({target("page_edge")});
  ASSERT_TRUE(t.ok) << t.error.message;
  ASSERT_EQ(t.result.status(), 0) << dump(t, 20);
  static const std::regex printed(R"(^edge (0x[0-9a-f]+) nonul (0x[0-9a-f]+)\n$)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(t.out, m, printed)) << t.out;
  std::uint64_t edge = std::stoull(m[1].str(), nullptr, 16);
  std::uint64_t nonul = std::stoull(m[2].str(), nullptr, 16);

  std::vector<SyscallEvent> ours;
  for (const auto& e : t.syscalls_named("openat"))
    if (e.args[1].raw == edge || e.args[1].raw == nonul) ours.push_back(e);
  ASSERT_EQ(ours.size(), 2u) << dump(t, 20);
  EXPECT_EQ(ours[0].args[1].form, ArgValue::Form::String);
  EXPECT_EQ(ours[0].args[1].bytes, "/nonexistent/page-edge");
  EXPECT_FALSE(ours[0].args[1].truncated);
  EXPECT_EQ(ours[0].result, -ENOENT);
  EXPECT_EQ(ours[1].args[1].form, ArgValue::Form::Pointer);
  EXPECT_TRUE(ours[1].args[1].unreadable);
  EXPECT_EQ(ours[1].result, -EFAULT);

  // The same lines as strace's, with each run's addresses named.
  if (path_of_strace().empty()) GTEST_SKIP() << "no strace to compare with";
  // The addresses in a trace as the target printed them for that run.
  auto named = [](const std::string& trace, const std::string& printed_by_target) {
    std::smatch am;
    std::string out = trace;
    if (std::regex_search(printed_by_target, am, printed)) {
      out = std::regex_replace(out, std::regex(am[1].str()), "EDGE");
      out = std::regex_replace(out, std::regex(am[2].str()), "NONUL");
    }
    return out;
  };
  TempDir dir;
  std::string target_out = dir.file("target.out");
  auto cli_run = run({"/bin/sh", "-c",
                      "exec \"$0\" trace -o \"$1\" -- \"$2\" > \"$3\"", cli(), dir.file("ours.txt"),
                      target("page_edge"), target_out});
  ASSERT_EQ(cli_run.status(), 0) << describe(cli_run);
  auto strace_run = run({"/bin/sh", "-c", "exec \"$0\" -o \"$1\" -- \"$2\" > \"$3\"", path_of_strace(),
                         dir.file("theirs.txt"), target("page_edge"), dir.file("strace-target.out")});
  ASSERT_EQ(strace_run.status(), 0) << describe(strace_run);
  auto pick = [&](const std::string& trace_file, const std::string& printed_file) {
    std::string text = named(read_file(trace_file), read_file(printed_file));
    std::vector<std::string> out;
    static const std::regex pid_prefix(R"(^\d+ +)");
    for (const auto& raw : lines_of(text)) {
      std::string l = std::regex_replace(raw, pid_prefix, "");
      if (contains(l, "EDGE") || contains(l, "NONUL") || contains(l, "page-edge"))
        if (l.rfind("openat(", 0) == 0) out.push_back(l);
    }
    return out;
  };
  auto our_lines = pick(dir.file("ours.txt"), target_out);
  auto their_lines = pick(dir.file("theirs.txt"), dir.file("strace-target.out"));
  ASSERT_EQ(our_lines.size(), 2u) << read_file(dir.file("ours.txt"));
  EXPECT_EQ(our_lines, their_lines);
}

// ---- a 1 MiB argv -------------------------------------------------------------

TEST(Hostile, MegabyteArgv) {
  std::vector<std::string> argv = {target("arg_sizes")};
  std::size_t bytes = argv[0].size();
  for (int i = 0; i < 1024; ++i) {
    argv.push_back(std::string(1024, static_cast<char>('a' + i % 26)));
    bytes += 1024;
  }
  const std::string said = "argc 1025 bytes " + std::to_string(bytes) + "\n";

  auto t = trace_lib(argv);
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0);
  EXPECT_EQ(t.out, said);
  auto execs = t.syscalls_named("execve");
  ASSERT_EQ(execs.size(), 1u);
  EXPECT_EQ(execs[0].result, 0);
  EXPECT_EQ(execs[0].args[1].form, ArgValue::Form::StringArray);
  EXPECT_EQ(execs[0].args[1].total_items, 1025u);
  EXPECT_EQ(execs[0].args[1].items, argv) << "every argument, whole";

  // The CLI: the trace says the same, and its text line is strace's.
  auto cli = cli_trace({}, argv);
  EXPECT_EQ(cli.proc.status(), 0) << describe(cli.proc);
  auto jexecs = cli.trace.syscalls_named("execve");
  ASSERT_EQ(jexecs.size(), 1u);
  EXPECT_EQ(jexecs[0]["args"][1]["value"], json(argv));
  ASSERT_TRUE(cli.trace.end.is_object());
  EXPECT_EQ(cli.trace.end.value("status", -1), 0);

  if (path_of_strace().empty()) GTEST_SKIP() << "no strace to compare with";
  auto text = cli_trace({}, argv, false);
  std::vector<std::string> with_strace = {"-e", "trace=execve"};
  auto theirs = lines_starting(strace_output(with_strace, argv), "execve(");
  auto ours = lines_starting(text.output, "execve(");
  ASSERT_EQ(ours.size(), 1u) << text.output.substr(0, 2000);
  ASSERT_EQ(theirs.size(), 1u);
  static const std::regex addr("0x[0-9a-f]+");
  EXPECT_EQ(std::regex_replace(ours[0], addr, "ADDR"), std::regex_replace(theirs[0], addr, "ADDR"));
}

// ---- the tracer goes away ----------------------------------------------------

// syspect killed with SIGKILL while a tree of busy multi-threaded processes
// is in and out of syscall stops: not one of them survives.
TEST(Hostile, SigkillTracerMidTraceLeavesNoTracee) {
  TempDir dir;
  SpawnOptions so;
  so.stdout_pipe = true;
  Child tracer({cli(), "trace", "-o", dir.file("t.txt"), "--", target("busy_tree")}, so);
  std::vector<pid_t> pids;
  for (int i = 0; i < 4; ++i) {
    auto line = tracer.read_line(30s);
    ASSERT_TRUE(line) << "only " << i << " processes said they run";
    auto p = pids_after(*line, "proc");
    ASSERT_EQ(p.size(), 1u) << *line;
    pids.push_back(p[0]);
  }
  struct Reaper {
    std::vector<pid_t>& pids;
    ~Reaper() {
      for (pid_t p : pids)
        if (!process_gone(p)) ::kill(p, SIGKILL);
    }
  } reaper{pids};
  std::vector<std::pair<pid_t, pid_t>> threads;
  for (pid_t p : pids) {
    auto tids = threads_of(p);
    EXPECT_EQ(tids.size(), 4u) << "pid " << p;
    for (pid_t tid : tids) threads.emplace_back(p, tid);
  }
  for (const auto& thread : threads) {
    pid_t p = thread.first, tid = thread.second;
    ASSERT_TRUE(eventually([&] { return tracer_pid(p, tid) == tracer.pid(); }))
        << "thread " << tid << " of " << p << " is not traced";
  }
  // It is mid-trace: the trace file grows.
  auto size = [&] { return std::filesystem::file_size(dir.file("t.txt")); };
  auto before = size();
  ASSERT_TRUE(eventually([&] { return size() > before; }));

  ASSERT_EQ(::kill(tracer.pid(), SIGKILL), 0);
  auto r = tracer.wait(20s);
  EXPECT_TRUE(r.signaled);
  EXPECT_EQ(r.signal, SIGKILL);
  for (pid_t p : pids) EXPECT_TRUE(eventually([p] { return process_gone(p); }, 10s)) << "pid " << p << " survived";
}

// SIGINT to `syspect trace -p` while the target's threads hammer syscalls:
// syspect detaches from every thread, the target runs on untraced and not
// stopped, and ends normally when asked.
TEST(Hostile, SigintWhileAttachedToBusyThreadsDetaches) {
  SpawnOptions so;
  so.stdout_pipe = true;
  Child spinner({target("spinner")}, so);
  pid_t pid = 0;
  await_ready(spinner, &pid);
  if (HasFatalFailure()) return;
  auto tids = threads_of(pid);
  ASSERT_EQ(tids.size(), 5u);

  TempDir dir;
  std::string out = dir.file("attach.jsonl");
  // Every spinning thread (not the leader, which waits) has been through
  // syscall stops under the tracer.
  std::vector<pid_t> spinning;
  for (pid_t tid : tids)
    if (tid != pid) spinning.push_back(tid);
  ProcResult r;
  attach_then_sigint(pid, tids, spinning, 20, out, &r);
  if (HasFatalFailure()) return;

  for (pid_t tid : tids) {
    EXPECT_EQ(tracer_pid(pid, tid), 0) << "thread " << tid << " is still traced";
    char s = thread_state(pid, tid);
    EXPECT_TRUE(s != 't' && s != 'T') << "thread " << tid << " left stopped: " << s;
  }
  auto trace = read_jsonl(out);
  std::set<int> seen;
  for (const auto& e : trace.syscalls()) seen.insert(e.value("tid", 0));
  for (pid_t tid : spinning) EXPECT_EQ(seen.count(tid), 1u) << "no calls from thread " << tid;
  ASSERT_TRUE(trace.end.is_object()) << trace.raw.substr(0, 2000);
  EXPECT_EQ(trace.end.value("detached", false), true) << trace.end.dump();

  // It runs on: told to stop, every thread leaves its loop and it exits 0.
  ASSERT_EQ(::kill(pid, SIGUSR1), 0);
  auto end = spinner.wait(30s);
  EXPECT_FALSE(end.timed_out) << "a thread never left its loop";
  EXPECT_EQ(end.status(), 0) << describe(end);
  EXPECT_TRUE(contains(end.out, "stopped\n")) << end.out;
}

}  // namespace
}  // namespace syspect_it
