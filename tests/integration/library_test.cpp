// Integration tests through the library: syspect::Tracer runs a tracee
// program from tests/targets under real ptrace, a MemorySink keeps the
// events, and the tests check what the tracer saw against what the program
// did (which it prints on its stdout).

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "helpers.hpp"
#include "syspect/format.hpp"
#include "syspect/xlat.hpp"

namespace syspect_it {
namespace {

using syspect::Abi;
using syspect::ArgValue;
using syspect::ExecEvent;
using syspect::ExitEvent;
using syspect::SignalEvent;
using syspect::SyscallEvent;

// Kernel-internal restart codes, as a tracer sees them at syscall exit.
constexpr int kERESTARTSYS = 512;
constexpr int kERESTART_RESTARTBLOCK = 516;

std::string text_of(const SyscallEvent& e) {
  syspect::FormatOptions fo;
  fo.align = false;
  return syspect::format_syscall(e, fo);
}

// The pid of the traced program: the one that made the first call.
pid_t root_pid(const LibTrace& t) {
  for (const auto& e : t.events)
    if (auto* s = std::get_if<SyscallEvent>(&e)) return s->pid;
  return 0;
}

TEST(Library, FirstEventIsTheTargetsExecve) {
  const std::string prog = target("exit_code");
  auto t = trace_lib({prog, "7"});
  ASSERT_TRUE(t.ok) << t.error.message;
  ASSERT_FALSE(t.events.empty());
  auto* first = std::get_if<SyscallEvent>(&t.events.front());
  ASSERT_NE(first, nullptr) << dump(t);
  EXPECT_EQ(first->name(), "execve") << dump(t);
  EXPECT_EQ(first->abi, Abi::x86_64);
  EXPECT_TRUE(first->finished);
  EXPECT_EQ(first->result, 0);
  EXPECT_EQ(first->args[0].form, ArgValue::Form::String);
  EXPECT_EQ(first->args[0].bytes, prog);
  EXPECT_EQ(first->args[1].form, ArgValue::Form::StringArray);
  EXPECT_EQ(first->args[1].items, (std::vector<std::string>{prog, "7"}));
  EXPECT_TRUE(t.result.exited);
  EXPECT_EQ(t.result.exit_code, 7);
  EXPECT_EQ(t.result.status(), 7);
  // Exactly one execve: none of the tracer's own pre-exec calls show.
  EXPECT_EQ(t.count("execve"), 1u) << dump(t);
}

TEST(Library, ProgramIsLookedUpInPath) {
  auto t = trace_lib({"true"});
  ASSERT_TRUE(t.ok) << t.error.message;
  auto execs = t.syscalls_named("execve");
  ASSERT_EQ(execs.size(), 1u) << dump(t);
  const std::string& path = execs[0].args[0].bytes;
  EXPECT_TRUE(path.size() > 5 && path.compare(path.size() - 5, 5, "/true") == 0) << path;
  EXPECT_EQ(execs[0].result, 0);
  EXPECT_EQ(t.result.status(), 0);
}

TEST(Library, MissingProgramIsNotFound) {
  auto t = trace_lib({"/nonexistent-syspect-dir/prog"});
  ASSERT_FALSE(t.ok);
  EXPECT_EQ(t.error.kind, syspect::StartError::NotFound);
  EXPECT_TRUE(contains(t.error.message, "/nonexistent-syspect-dir/prog")) << t.error.message;
  EXPECT_TRUE(t.events.empty());
}

TEST(Library, NonExecutableProgram) {
  TempDir dir;
  std::string path = dir.file("not-executable");
  write_file(path, "#!/bin/sh\nexit 0\n");
  ::chmod(path.c_str(), 0644);
  auto t = trace_lib({path});
  ASSERT_FALSE(t.ok);
  EXPECT_EQ(t.error.kind, syspect::StartError::NotExecutable) << t.error.message;
}

// 1. threads: 8 threads x 500 getppid, each under its own real tid.
TEST(Library, EightThreadsEachMake500Getppid) {
  auto t = trace_lib({target("threads")});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0) << dump(t, 20);
  pid_t pid = root_pid(t);
  auto printed = pids_after(t.out, "thread");
  ASSERT_EQ(printed.size(), 8u) << t.out;
  std::set<pid_t> expected_tids(printed.begin(), printed.end());
  EXPECT_EQ(expected_tids.size(), 8u);
  EXPECT_EQ(expected_tids.count(pid), 0u);

  std::map<pid_t, int> per_tid;
  std::size_t total = 0;
  for (const auto& e : t.syscalls_named("getppid")) {
    ++total;
    ++per_tid[e.tid];
    EXPECT_EQ(e.pid, pid) << "getppid of tid " << e.tid << " under the wrong process";
    EXPECT_TRUE(e.finished);
    EXPECT_EQ(e.abi, Abi::x86_64);
  }
  EXPECT_EQ(total, 4000u);
  EXPECT_EQ(per_tid.size(), 8u);
  for (const auto& [tid, n] : per_tid) {
    EXPECT_EQ(n, 500) << "tid " << tid;
    EXPECT_EQ(expected_tids.count(tid), 1u) << "tid " << tid << " is not one the target printed";
  }
  // Every thread's end is reported.
  std::set<pid_t> exited;
  for (const auto& x : t.all<ExitEvent>()) exited.insert(x.tid);
  for (pid_t tid : expected_tids) EXPECT_EQ(exited.count(tid), 1u) << "no exit for " << tid;
  EXPECT_EQ(exited.count(pid), 1u);
}

// 2. fork + exec, vfork + exec.
void check_fork_exec(const std::string& mode, int child_code) {
  const std::string child_prog = target("exit_code");
  auto t = trace_lib({target("fork_exec"), mode, child_prog, std::to_string(child_code)});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0) << dump(t);
  pid_t parent = root_pid(t);
  auto printed = pids_after(t.out, "child");
  ASSERT_EQ(printed.size(), 1u) << t.out;
  pid_t child = printed[0];
  EXPECT_TRUE(contains(t.out, "status " + std::to_string(child_code))) << t.out;

  // The creating call returns the child's pid in the parent.
  auto creators = t.syscalls_named(mode == "vfork" ? "vfork" : "clone");
  ASSERT_EQ(creators.size(), 1u) << dump(t);
  EXPECT_EQ(creators[0].pid, parent);
  EXPECT_EQ(creators[0].result, child);

  // The child's execve, and everything after it, is the child's.
  auto execs = t.syscalls_named("execve");
  ASSERT_EQ(execs.size(), 2u) << dump(t);
  EXPECT_EQ(execs[1].pid, child);
  EXPECT_EQ(execs[1].tid, child);
  EXPECT_EQ(execs[1].args[0].bytes, child_prog);
  EXPECT_EQ(execs[1].args[1].items,
            (std::vector<std::string>{child_prog, std::to_string(child_code)}));
  EXPECT_EQ(execs[1].result, 0);
  bool after_exec = false;
  for (const auto& e : t.events) {
    if (auto* s = std::get_if<SyscallEvent>(&e)) {
      EXPECT_TRUE(s->pid == parent || s->pid == child) << event_text(e);
      EXPECT_EQ(s->pid, s->tid) << event_text(e);
      if (s->seq == execs[1].seq) after_exec = true;
      if (after_exec && s->tid == child) {
        EXPECT_EQ(s->exe ? *s->exe : std::string(), child_prog) << event_text(e);
      }
    }
  }
  auto exits = t.syscalls_named("exit_group");
  ASSERT_EQ(exits.size(), 2u) << dump(t);
  EXPECT_EQ(exits[0].pid, child);
  EXPECT_EQ(exits[0].args[0].num, child_code);
  EXPECT_EQ(exits[1].pid, parent);

  // The parent's wait4 returns the child.
  auto waits = t.syscalls_named("wait4");
  ASSERT_EQ(waits.size(), 1u) << dump(t);
  EXPECT_EQ(waits[0].pid, parent);
  EXPECT_EQ(waits[0].result, child);

  // An exec event for the child, and both exits.
  auto exec_events = t.all<ExecEvent>();
  ASSERT_GE(exec_events.size(), 1u);
  EXPECT_EQ(exec_events.back().pid, child);
  EXPECT_EQ(exec_events.back().filename, child_prog);
  std::map<pid_t, ExitEvent> exit_by_pid;
  for (const auto& x : t.all<ExitEvent>()) exit_by_pid[x.tid] = x;
  ASSERT_EQ(exit_by_pid.size(), 2u) << dump(t);
  EXPECT_FALSE(exit_by_pid[child].signaled);
  EXPECT_EQ(exit_by_pid[child].code, child_code);
  EXPECT_FALSE(exit_by_pid[parent].signaled);
  EXPECT_EQ(exit_by_pid[parent].code, 0);
}

TEST(Library, ForkThenExec) { check_fork_exec("fork", 3); }
TEST(Library, VforkThenExec) { check_fork_exec("vfork", 4); }

// 3. execve from a thread that is not the leader.
TEST(Library, ExecFromNonLeaderThread) {
  const std::string prog = target("thread_exec");
  auto t = trace_lib({prog});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0) << dump(t);
  auto leaders = pids_after(t.out, "leader");
  auto threads = pids_after(t.out, "thread");
  auto afters = pids_after(t.out, "after");
  ASSERT_EQ(leaders.size(), 1u) << t.out;
  ASSERT_EQ(threads.size(), 1u) << t.out;
  ASSERT_EQ(afters.size(), 1u) << t.out;
  pid_t leader = leaders[0], thread = threads[0];
  EXPECT_EQ(afters[0], leader) << "the new image runs under the leader's pid";
  EXPECT_EQ(root_pid(t), leader);

  auto execs = t.syscalls_named("execve");
  ASSERT_EQ(execs.size(), 2u) << dump(t);
  const auto& ex = execs[1];
  EXPECT_EQ(ex.pid, leader) << text_of(ex);
  EXPECT_EQ(ex.tid, leader) << "after the exec the caller has the leader's tid";
  EXPECT_EQ(ex.exec_old_tid, thread);
  EXPECT_EQ(ex.result, 0);
  EXPECT_TRUE(ex.finished);
  EXPECT_EQ(ex.args[1].items, (std::vector<std::string>{prog, "after"}));

  auto exec_events = t.all<ExecEvent>();
  ASSERT_FALSE(exec_events.empty());
  EXPECT_EQ(exec_events.back().pid, leader);
  EXPECT_EQ(exec_events.back().old_tid, thread);

  // Nothing under a thread that is neither; nothing under the old thread
  // after the exec; the new image's calls are the leader's.
  bool after = false;
  for (const auto& e : t.events) {
    if (auto* s = std::get_if<SyscallEvent>(&e)) {
      EXPECT_EQ(s->pid, leader) << event_text(e);
      EXPECT_TRUE(s->tid == leader || s->tid == thread) << event_text(e);
      if (s->seq == ex.seq) {
        after = true;
        continue;
      }
      if (after) { EXPECT_EQ(s->tid, leader) << "after the exec: " << event_text(e); }
      // The leader was blocked (or about to block) when the exec killed it:
      // any call of its old self that never returned is unfinished.
      if (!after && s->tid == leader && s->name() == "pause") { EXPECT_FALSE(s->finished); }
    }
  }
  ASSERT_TRUE(after);
  // The new image's gettid/getpid see the leader's id.
  auto tids = t.syscalls_named("gettid");
  ASSERT_FALSE(tids.empty()) << dump(t);
  EXPECT_EQ(tids.back().result, leader);
  EXPECT_EQ(tids.back().tid, leader);
  // The program ends as the leader, exit code 0.
  auto exits = t.all<ExitEvent>();
  ASSERT_FALSE(exits.empty());
  EXPECT_EQ(exits.back().tid, leader);
  EXPECT_FALSE(exits.back().signaled);
  EXPECT_EQ(exits.back().code, 0);
}


// Counts the threads that the tracer reported in a group-stop, as it
// happens (the sink is called on the tracer's thread).
struct GroupStopCounter : syspect::Sink {
  std::mutex mutex;
  std::set<pid_t> stopped;
  void on_signal(const SignalEvent& e) override {
    std::lock_guard lock(mutex);
    if (e.stopped) stopped.insert(e.tid);
  }
  int count() {
    std::lock_guard lock(mutex);
    return static_cast<int>(stopped.size());
  }
};

// 4. SIGSTOP/SIGCONT of a traced multi-threaded process.
TEST(Library, StopAndContinueMultiThreaded) {
  Pipe to_test, to_target;
  constexpr int kOut = 50, kIn = 51;
  LibTrace t;
  GroupStopCounter counter;
  std::thread tracer_thread([&] {
    t = trace_lib({target("stop_cont"), std::to_string(kOut), std::to_string(kIn)}, {},
                  {{to_test.w, kOut}, {to_target.r, kIn}}, {&counter});
  });
  pid_t pid = 0;
  struct Cleanup {
    std::thread& th;
    pid_t& pid;
    ~Cleanup() {
      if (th.joinable()) {
        if (pid > 0) ::kill(pid, SIGKILL);
        th.join();
      }
    }
  } cleanup{tracer_thread, pid};

  auto ready = read_line_fd(to_test.r, 20s);
  ASSERT_TRUE(ready) << "the target never said it was ready";
  ASSERT_EQ(ready->rfind("ready ", 0), 0u) << *ready;
  pid = static_cast<pid_t>(std::atol(ready->c_str() + 6));
  ASSERT_GT(pid, 0);
  auto tids = threads_of(pid);
  ASSERT_EQ(tids.size(), 4u);

  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  // The stop is complete once every thread has reported its group-stop (a
  // 't' in /proc alone could be any ptrace stop on the way there). Under
  // ptrace a group-stop shows as 't' (tracing stop), untraced as 'T'.
  ASSERT_TRUE(eventually([&] { return counter.count() == static_cast<int>(tids.size()); }))
      << "only " << counter.count() << " of " << tids.size() << " threads reported a stop";
  auto all_stopped = [&] {
    for (pid_t tid : tids) {
      char s = thread_state(pid, tid);
      if (s != 't' && s != 'T') return false;
    }
    return true;
  };
  ASSERT_TRUE(eventually(all_stopped)) << "not every thread stopped";
  // A stopped process cannot answer: send it a line and hear nothing.
  ASSERT_EQ(::write(to_target.w, "go\n", 3), 3);
  struct pollfd p = {to_test.r, POLLIN, 0};
  bool answered = ::poll(&p, 1, 300) != 0;
  EXPECT_FALSE(answered) << "the target answered while it should be stopped";
  std::string states;
  for (pid_t tid : tids) states += std::to_string(tid) + ":" + thread_state(pid, tid) + " ";
  bool still_stopped = all_stopped();
  EXPECT_TRUE(still_stopped) << "a thread resumed without SIGCONT: " << states;

  ASSERT_EQ(::kill(pid, SIGCONT), 0);
  auto got = read_line_fd(to_test.r, 20s);
  ASSERT_TRUE(got) << "the target did not resume after SIGCONT";
  EXPECT_EQ(*got, "got go");
  tracer_thread.join();

  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0) << dump(t);
  if (answered || !still_stopped) ADD_FAILURE() << "the trace of the failed stop:\n" << dump(t, 60);
  std::vector<int> sigs;
  for (const auto& s : t.all<SignalEvent>())
    if (s.pid == pid) sigs.push_back(s.signo);
  EXPECT_NE(std::find(sigs.begin(), sigs.end(), SIGSTOP), sigs.end()) << dump(t);
  EXPECT_NE(std::find(sigs.begin(), sigs.end(), SIGCONT), sigs.end()) << dump(t);
  std::set<pid_t> exited;
  for (const auto& x : t.all<ExitEvent>()) exited.insert(x.tid);
  for (pid_t tid : tids) EXPECT_EQ(exited.count(tid), 1u) << "no exit for " << tid;
}

// 4b. A signal with a handler is delivered, and the handler runs.
TEST(Library, SignalWithHandlerIsDelivered) {
  auto t = trace_lib({target("signal_handler")});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0);
  EXPECT_TRUE(contains(t.out, "handler ran for signal 10\n")) << dump(t);
  EXPECT_TRUE(contains(t.out, "after raise\n"));
  auto sigs = t.all<SignalEvent>();
  ASSERT_EQ(sigs.size(), 1u) << dump(t);
  EXPECT_EQ(sigs[0].signo, SIGUSR1);
  EXPECT_EQ(sigs[0].pid, root_pid(t));
  // The handler's write comes after the signal, then rt_sigreturn.
  std::vector<std::string> order;
  for (const auto& e : t.events) {
    if (auto* s = std::get_if<SignalEvent>(&e)) order.push_back("signal " + std::to_string(s->signo));
    if (auto* s = std::get_if<SyscallEvent>(&e)) {
      if (s->name() == "write" || s->name() == "rt_sigreturn") order.push_back(s->name());
    }
  }
  EXPECT_EQ(order, (std::vector<std::string>{"signal 10", "write", "rt_sigreturn", "write"}))
      << dump(t);
}

// 5. SIGKILL while blocked in read.
TEST(Library, KilledWhileBlockedInRead) {
  auto t = trace_lib({target("sigkill")});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_TRUE(t.result.signaled) << dump(t);
  EXPECT_EQ(t.result.term_signal, SIGKILL);
  EXPECT_EQ(t.result.status(), 137);
  auto parents = pids_after(t.out, "parent");
  ASSERT_EQ(parents.size(), 1u) << t.out;
  pid_t parent = parents[0];
  // The parent's last call is the read, never finished.
  const SyscallEvent* last = nullptr;
  for (const auto& e : t.events)
    if (auto* s = std::get_if<SyscallEvent>(&e); s && s->tid == parent) last = s;
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->name(), "read") << dump(t);
  EXPECT_FALSE(last->finished) << text_of(*last);
  EXPECT_EQ(last->args[0].num, 3);
  // The child's kill names the parent and SIGKILL.
  auto kills = t.syscalls_named("kill");
  ASSERT_EQ(kills.size(), 1u) << dump(t);
  EXPECT_EQ(kills[0].args[0].num, parent);
  EXPECT_EQ(kills[0].args[1].num, SIGKILL);
  EXPECT_NE(kills[0].pid, parent);
  // Exits: the parent killed, the child exited 0.
  bool parent_seen = false, child_seen = false;
  for (const auto& x : t.all<ExitEvent>()) {
    if (x.tid == parent) {
      parent_seen = true;
      EXPECT_TRUE(x.signaled);
      EXPECT_EQ(x.signal, SIGKILL);
      EXPECT_EQ(syspect::format_exit(x), "+++ killed by SIGKILL +++");
    } else if (x.tid == kills[0].pid) {
      child_seen = true;
      EXPECT_FALSE(x.signaled);
      EXPECT_EQ(x.code, 0);
    }
  }
  EXPECT_TRUE(parent_seen && child_seen) << dump(t);
}

// 6. Double-fork daemon: the orphaned grandchild is still followed.
TEST(Library, DoubleForkDaemonGrandchildIsFollowed) {
  TempDir dir;
  std::string path = dir.file("daemon-opens-this");
  write_file(path, "x");
  auto t = trace_lib({target("daemon"), path});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0);
  pid_t parent = root_pid(t);
  auto clones = t.syscalls_named("clone");
  ASSERT_EQ(clones.size(), 2u) << dump(t);
  pid_t child = static_cast<pid_t>(clones[0].result);
  pid_t grandchild = static_cast<pid_t>(clones[1].result);
  EXPECT_EQ(clones[0].pid, parent);
  EXPECT_EQ(clones[1].pid, child);
  auto setsids = t.syscalls_named("setsid");
  ASSERT_EQ(setsids.size(), 1u);
  EXPECT_EQ(setsids[0].pid, child);
  EXPECT_EQ(setsids[0].result, child);

  std::vector<SyscallEvent> opens;
  for (const auto& e : t.syscalls_named("openat"))
    if (e.args[1].bytes == path) opens.push_back(e);
  ASSERT_EQ(opens.size(), 1u) << dump(t);
  EXPECT_EQ(opens[0].pid, grandchild);
  EXPECT_GE(opens[0].result, 0);
  EXPECT_EQ(opens[0].err, 0);

  // All three exits are reported (the grandchild's last of all in time, but
  // the tracer may learn of the parent's after), and by the time run()
  // returns the grandchild has really ended.
  std::map<pid_t, ExitEvent> exits;
  for (const auto& x : t.all<ExitEvent>()) exits[x.tid] = x;
  EXPECT_EQ(exits.size(), 3u) << dump(t);
  ASSERT_EQ(exits.count(grandchild), 1u) << dump(t);
  EXPECT_FALSE(exits[grandchild].signaled);
  EXPECT_EQ(exits[grandchild].code, 0);
  EXPECT_EQ(exits.count(parent), 1u);
  EXPECT_EQ(exits.count(child), 1u);
  EXPECT_TRUE(process_gone(grandchild));
}

// 7. int $0x80 from a 64-bit program.
TEST(Library, Int80IsDecodedAsI386) {
  SKIP_WITHOUT_IA32();
  auto t = trace_lib({target("int80")});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0) << dump(t);
  auto pids = pids_after(t.out, "getpid");
  ASSERT_EQ(pids.size(), 1u) << t.out;
  EXPECT_TRUE(contains(t.out, "int80 write\n"));

  std::vector<SyscallEvent> i386;
  for (const auto& e : t.syscalls())
    if (e.abi == Abi::i386) i386.push_back(e);
  ASSERT_EQ(i386.size(), 2u) << dump(t);
  EXPECT_EQ(i386[0].name(), "getpid");
  EXPECT_EQ(i386[0].nr, 20);
  EXPECT_EQ(i386[0].result, pids[0]);

  const auto& w = i386[1];
  EXPECT_EQ(w.name(), "write");
  EXPECT_EQ(w.nr, 4);
  EXPECT_EQ(w.args[0].num, 1) << "the fd is ebx, not rbx";
  EXPECT_EQ(w.args[1].bytes, "int80 write\n");
  EXPECT_EQ(w.args[2].num, 12);
  EXPECT_EQ(w.result, 12);
  EXPECT_EQ(text_of(w), "write(1, \"int80 write\\n\", 12) = 12");
  // Back in 64-bit mode afterwards.
  auto groups = t.syscalls_named("exit_group");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].abi, Abi::x86_64);
}

// 8. A path with a newline, double quotes and a byte that is not UTF-8.
TEST(Library, StrangePathBytesAreExact) {
  const std::string path = "/nonexistent-syspect/new\nline \"quoted\" \xff end";
  auto t = trace_lib({target("strange_path")});
  ASSERT_TRUE(t.ok) << t.error.message;
  const SyscallEvent* open = nullptr;
  auto opens = t.syscalls_named("openat");
  for (const auto& e : opens)
    if (e.args[1].bytes.rfind("/nonexistent-syspect/", 0) == 0) open = &e;
  ASSERT_NE(open, nullptr) << dump(t);
  EXPECT_EQ(open->args[1].form, ArgValue::Form::String);
  EXPECT_EQ(open->args[1].bytes, path);
  EXPECT_FALSE(open->args[1].truncated);
  EXPECT_EQ(open->err, ENOENT);
  EXPECT_EQ(open->result, -ENOENT);
  EXPECT_EQ(text_of(*open),
            "openat(AT_FDCWD, \"/nonexistent-syspect/new\\nline \\\"quoted\\\" \\377 end\", "
            "O_RDONLY) = -1 ENOENT (No such file or directory)");
}

// 9. EFAULT: the path pointer is unreadable and shown as its address.
TEST(Library, UnreadablePathIsShownAsAddress) {
  auto t = trace_lib({target("efault")});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_TRUE(contains(t.out, "errno EFAULT")) << t.out;
  const SyscallEvent* open = nullptr;
  auto opens = t.syscalls_named("openat");
  for (const auto& e : opens)
    if (e.args[1].raw == 1) open = &e;
  ASSERT_NE(open, nullptr) << dump(t);
  EXPECT_TRUE(open->args[1].unreadable);
  EXPECT_EQ(open->err, EFAULT);
  EXPECT_EQ(text_of(*open), "openat(AT_FDCWD, 0x1, O_RDONLY) = -1 EFAULT (Bad address)");
}

// 10. Interrupted calls: ERESTARTSYS with and without SA_RESTART, and
// ERESTART_RESTARTBLOCK resumed through restart_syscall.
TEST(Library, InterruptedCallsRestartAsStraceShows) {
  auto t = trace_lib({target("restart")});
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0) << dump(t);
  EXPECT_EQ(t.out, "read A 1\nread B -1 EINTR\npoll C 1\n");
  pid_t parent = root_pid(t);
  // Each phase from its blocking call up to the next write to stdout, as
  // "name RESULT" items and "--- SIGNAL" lines.
  auto phase = [&](std::function<bool(const SyscallEvent&)> start_at) {
    std::vector<std::string> out;
    bool on = false;
    for (const auto& e : t.events) {
      if (auto* s = std::get_if<SyscallEvent>(&e); s && s->tid == parent) {
        if (!on && start_at(*s)) on = true;
        if (!on) continue;
        std::string n = s->name();
        if (n == "write" && s->args[0].num == 1) break;
        std::string item = n;
        if (n == "restart_syscall")
          item += std::string("<") + (s->resumed ? s->resumed->name : "?") + ">";
        if (!s->finished) {
          item += " unfinished";
        } else if (s->err) {
          const char* en = syspect::errno_name(s->err);
          item += std::string(" ") + (en ? en : std::to_string(s->err).c_str());
        } else {
          item += " = " + std::to_string(s->result);
        }
        out.push_back(item);
      } else if (auto* g = std::get_if<SignalEvent>(&e); g && g->tid == parent && on) {
        // The child's exit may land anywhere once it has written to C.
        if (g->signo != SIGCHLD) out.push_back("--- " + syspect::signal_name(g->signo));
      }
    }
    return out;
  };
  // pipe A is fds 3/4, B 5/6, C 7/8 (the target makes them first).
  auto a = phase([](const SyscallEvent& s) { return s.name() == "read" && s.args[0].num == 3 && s.args[2].num == 1; });
  auto b = phase([](const SyscallEvent& s) { return s.name() == "read" && s.args[0].num == 5; });
  auto c = phase([](const SyscallEvent& s) { return s.name() == "poll"; });
  EXPECT_EQ(a, (std::vector<std::string>{"read ERESTARTSYS", "--- SIGUSR1", "write = 1",
                                         "rt_sigreturn = 0",
                                         "read = 1"}))
      << dump(t);
  EXPECT_EQ(b, (std::vector<std::string>{"read ERESTARTSYS", "--- SIGUSR2", "rt_sigreturn EINTR"}))
      << dump(t);
  ASSERT_GE(c.size(), 4u) << dump(t);
  EXPECT_EQ(c.front(), "poll ERESTART_RESTARTBLOCK");
  EXPECT_EQ(c.back(), "restart_syscall<poll> = 1");
  EXPECT_NE(std::find(c.begin(), c.end(), "--- SIGSTOP"), c.end());
  EXPECT_NE(std::find(c.begin(), c.end(), "--- SIGCONT"), c.end());

  // The text strace prints for these.
  for (const auto& s : t.syscalls()) {
    if (s.tid != parent) continue;
    if (s.err == kERESTARTSYS) {
      EXPECT_TRUE(contains(text_of(s), "= ? ERESTARTSYS (To be restarted if SA_RESTART is set)"))
          << text_of(s);
    }
    if (s.err == kERESTART_RESTARTBLOCK) {
      EXPECT_TRUE(contains(text_of(s), "= ? ERESTART_RESTARTBLOCK (Interrupted by signal)"))
          << text_of(s);
    }
    if (s.name() == "restart_syscall") {
      EXPECT_EQ(text_of(s), "restart_syscall(<... resuming interrupted poll ...>) = 1");
    }
  }
}

// 13. Not following: only the parent's calls.
TEST(Library, NoFollowShowsOnlyTheParent) {
  syspect::TraceOptions opts;
  opts.follow = false;
  auto t = trace_lib({target("fork_exec"), "fork", target("exit_code"), "5"}, opts);
  ASSERT_TRUE(t.ok) << t.error.message;
  EXPECT_EQ(t.result.status(), 0);
  EXPECT_TRUE(contains(t.out, "status 5")) << t.out;
  pid_t parent = root_pid(t);
  auto children = pids_after(t.out, "child");
  ASSERT_EQ(children.size(), 1u);
  for (const auto& e : t.events) {
    if (auto* s = std::get_if<SyscallEvent>(&e)) { EXPECT_EQ(s->pid, parent) << event_text(e); }
    if (auto* x = std::get_if<ExitEvent>(&e)) { EXPECT_EQ(x->pid, parent) << event_text(e); }
  }
  EXPECT_EQ(t.count("execve"), 1u);
  auto waits = t.syscalls_named("wait4");
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0].result, children[0]);
}

// An unknown syscall number is kept by number.
TEST(Library, UnknownSyscallNumber) {
  auto t = trace_lib({target("unknown_syscall")});
  ASSERT_TRUE(t.ok) << t.error.message;
  const SyscallEvent* u = nullptr;
  auto calls = t.syscalls();
  for (const auto& e : calls)
    if (e.nr == 1000) u = &e;
  ASSERT_NE(u, nullptr) << dump(t);
  EXPECT_EQ(u->desc, nullptr);
  EXPECT_EQ(u->name(), "syscall_0x3e8");
  EXPECT_EQ(u->err, ENOSYS);
  EXPECT_EQ(text_of(*u),
            "syscall_0x3e8(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)");
}

// Events come in order: seq strictly increases.
TEST(Library, SequenceNumbersIncrease) {
  auto t = trace_lib({target("fork_exec"), "fork", target("exit_code"), "0"});
  ASSERT_TRUE(t.ok) << t.error.message;
  std::uint64_t last = 0;
  bool first = true;
  for (const auto& e : t.events) {
    std::uint64_t seq = std::visit([](const auto& x) { return x.seq; }, e);
    if (!first) { EXPECT_GT(seq, last) << event_text(e); }
    first = false;
    last = seq;
  }
}


// Keeps the write and execve calls; asks for their whole data, or not.
struct DataKeeper : syspect::Sink {
  bool whole = false;
  std::vector<SyscallEvent> calls;
  syspect::Interest interest() const override {
    syspect::Interest in = syspect::Interest::none();
    in.add(SYS_write, syspect::Interest::Need::Result);
    if (whole) in.add_whole_data(Abi::x86_64, SYS_write).add_whole_data(Abi::x86_64, SYS_execve);
    return in;
  }
  void on_syscall(const SyscallEvent& e) override {
    if (e.name() == "write" || e.name() == "execve") calls.push_back(e);
  }
  const SyscallEvent* named(std::string_view name) const {
    for (const auto& e : calls)
      if (e.name() == name) return &e;
    return nullptr;
  }
};

DataKeeper keep_data(bool whole, bool seccomp, const std::vector<std::string>& argv,
                     std::size_t max_whole = syspect::TraceOptions{}.max_whole_data) {
  DataKeeper k;
  k.whole = whole;
  syspect::TraceOptions options;
  options.seccomp = seccomp;
  options.max_whole_data = max_whole;
  syspect::Tracer tracer(options);
  tracer.add_sink(&k);
  auto r = tracer.run(argv);
  EXPECT_TRUE(r.has_value());
  return k;
}

// A buffer (and an argv item) beyond max_buffer (max_string) is kept cut
// and marked so; a sink that asks for the whole data of a call gets all of
// it, with or without the seccomp filter, up to max_whole_data.
TEST(Library, WholeDataIsReadForTheCallsASinkAsksFor) {
  const std::string item(6000, 'a');  // an argv item longer than max_string
  for (bool seccomp : {true, false}) {
    SCOPED_TRACE(seccomp ? "seccomp" : "no seccomp");
    auto cut = keep_data(false, seccomp, {target("big_write"), "8192", "5000", "SECRET", item});
    // (big_write takes three arguments; with a fourth it writes nothing.)
    const SyscallEvent* exec = cut.named("execve");
    ASSERT_NE(exec, nullptr);
    const ArgValue& argv = exec->args[1];
    ASSERT_EQ(argv.form, ArgValue::Form::StringArray);
    ASSERT_EQ(argv.items.size(), 5u);
    EXPECT_EQ(argv.items[4].size(), 4096u);
    EXPECT_TRUE(argv.truncated);
    EXPECT_EQ(argv.total_len, 5u);  // one past the first item cut

    auto whole = keep_data(true, seccomp, {target("big_write"), "8192", "5000", "SECRET", item});
    exec = whole.named("execve");
    ASSERT_NE(exec, nullptr);
    EXPECT_EQ(exec->args[1].items.at(4), item);
    EXPECT_FALSE(exec->args[1].truncated);

    cut = keep_data(false, seccomp, {target("big_write"), "8192", "5000", "SECRET"});
    const SyscallEvent* w = cut.named("write");
    ASSERT_NE(w, nullptr) << "no write";
    EXPECT_EQ(w->args[1].bytes.size(), 4096u);
    EXPECT_EQ(w->args[1].total_len, 8192u);
    EXPECT_TRUE(w->args[1].truncated);

    whole = keep_data(true, seccomp, {target("big_write"), "8192", "5000", "SECRET"});
    w = whole.named("write");
    ASSERT_NE(w, nullptr) << "no write";
    EXPECT_EQ(w->args[1].bytes.size(), 8192u);
    EXPECT_EQ(w->args[1].bytes.substr(5000, 6), "SECRET");
    EXPECT_FALSE(w->args[1].truncated);

    // Past max_whole_data the value is still cut, and says so.
    whole = keep_data(true, seccomp, {target("big_write"), "20000", "15000", "SECRET"}, 10000);
    w = whole.named("write");
    ASSERT_NE(w, nullptr) << "no write";
    EXPECT_EQ(w->args[1].bytes.size(), 10000u);
    EXPECT_EQ(w->args[1].total_len, 20000u);
    EXPECT_TRUE(w->args[1].truncated);
  }
}

}  // namespace
}  // namespace syspect_it

namespace syspect_it {
namespace {

// One Tracer, several runs: each starts from nothing. A second run of a
// file that cannot be executed fails as it does from a fresh Tracer, and
// event numbers start again at 0.
TEST(Library, ATracerRunTwiceStartsEachRunFromNothing) {
  TempDir dir;
  std::string junk = dir.file("junk");
  write_file(junk, "this is not a program\n");
  ::chmod(junk.c_str(), 0755);

  syspect::Tracer fresh;
  auto alone = fresh.run({junk});
  ASSERT_FALSE(alone.has_value()) << "exit " << alone->exit_code;

  syspect::Tracer tracer;
  syspect::MemorySink sink;
  tracer.add_sink(&sink);
  auto first = tracer.run({target("exit_code"), "0"});
  ASSERT_TRUE(first.has_value()) << first.error().message;
  auto second = tracer.run({junk});
  ASSERT_FALSE(second.has_value()) << "the second run reads as a run that exited "
                                   << second->exit_code;
  EXPECT_EQ(second.error().message, alone.error().message);
  sink.events.clear();
  auto third = tracer.run({target("exit_code"), "3"});
  ASSERT_TRUE(third.has_value()) << third.error().message;
  EXPECT_EQ(third->exit_code, 3);
  ASSERT_FALSE(sink.events.empty());
  const auto* execve = std::get_if<SyscallEvent>(&sink.events.front());
  ASSERT_NE(execve, nullptr);
  EXPECT_EQ(execve->seq, 0u) << "event numbers start again";
}

// Counts a run's syscalls, for a test on another thread to watch.
class Counting : public syspect::Sink {
 public:
  void on_syscall(const SyscallEvent&) override { calls.fetch_add(1); }
  std::atomic<long> calls{0};
};

// request_stop() stops the Tracer it is asked of, and no other.
TEST(Library, AStopRequestStopsOnlyItsOwnTracer) {
  syspect::Tracer a, b;
  Counting a_calls, b_calls;
  a.add_sink(&a_calls);
  b.add_sink(&b_calls);
  std::atomic<bool> a_done{false}, b_done{false};
  std::optional<syspect::Result<syspect::TraceResult, syspect::TraceError>> a_result, b_result;
  std::thread ta([&] {
    a_result = a.run({target("looper")});
    a_done = true;
  });
  std::thread tb([&] {
    b_result = b.run({target("looper")});
    b_done = true;
  });
  ASSERT_TRUE(eventually([&] { return a_calls.calls > 10 && b_calls.calls > 10; }));
  a.request_stop();
  EXPECT_TRUE(eventually([&] { return a_done.load(); })) << "the stop did not reach its tracer";
  ta.join();
  // b runs on: its tracee keeps making calls after a has ended.
  long seen = b_calls.calls;
  EXPECT_TRUE(eventually([&] { return b_calls.calls > seen + 10 || b_done; }));
  EXPECT_FALSE(b_done.load()) << "a stop asked of one tracer stopped another";
  b.request_stop();
  EXPECT_TRUE(eventually([&] { return b_done.load(); }));
  tb.join();
  ASSERT_TRUE(a_result && a_result->has_value());
  EXPECT_TRUE((*a_result)->signaled);
  EXPECT_EQ((*a_result)->term_signal, SIGKILL);
  ASSERT_TRUE(b_result && b_result->has_value());
  EXPECT_TRUE((*b_result)->signaled);
}

}  // namespace
}  // namespace syspect_it
