#pragma once
// Shared helpers for syspect's integration tests: where the tracee programs
// and the CLI are, running a process and capturing its status and output,
// tracing a program through the library, parsing JSON Lines traces, and
// bounded waits on kernel state.
//
// Nothing here sleeps to let time pass: waits are on pipes, pidfds and
// /proc, each bounded so that a broken tracer fails a test instead of
// hanging the suite.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "syspect/event.hpp"
#include "syspect/sinks.hpp"
#include "syspect/tracer.hpp"

extern char** environ;

namespace syspect_it {

using namespace std::chrono_literals;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// ---- paths -------------------------------------------------------------

inline std::string target(const std::string& name) {
  return std::string(SYSPECT_TARGETS_DIR) + "/" + name;
}

inline std::string cli() { return SYSPECT_CLI; }

// A fresh directory under TMPDIR (or /tmp), removed with its contents when
// the object goes away.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/syspect-it-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

inline std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The number after `word ` in a target's output line such as
// "parent 00012345": every pid a target prints is announced this way.
inline std::vector<pid_t> pids_after(std::string_view text, std::string_view word) {
  std::vector<pid_t> out;
  for (const auto& line : lines_of(text)) {
    std::string_view l = line;
    std::size_t at = 0;
    while ((at = l.find(word, at)) != std::string_view::npos) {
      std::size_t p = at + word.size();
      if ((at == 0 || l[at - 1] == ' ') && p < l.size() && l[p] == ' ') {
        out.push_back(static_cast<pid_t>(std::atol(std::string(l.substr(p + 1)).c_str())));
      }
      at = p;
    }
  }
  return out;
}

// ---- bounded waits -----------------------------------------------------

// Retries `pred` until it holds or `limit` has passed: yields at first, then
// naps a millisecond between tries. Returns whether it came true.
inline bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit = 10s) {
  auto deadline = Clock::now() + limit;
  for (unsigned round = 0;; ++round) {
    if (pred()) return true;
    if (Clock::now() > deadline) return pred();
    if (round < 200) {
      ::sched_yield();
    } else {
      struct timespec ts = {0, 1'000'000};
      ::nanosleep(&ts, nullptr);
    }
  }
}

// A line "Key:\tvalue" of /proc/PID[/task/TID]/status, or nothing when the
// process is gone.
inline std::optional<std::string> proc_status_field(const std::string& status_path,
                                                     const std::string& key) {
  std::ifstream in(status_path);
  if (!in) return std::nullopt;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      std::size_t v = line.find_first_not_of(" \t", key.size() + 1);
      return v == std::string::npos ? std::string() : line.substr(v);
    }
  }
  return std::nullopt;
}

// The state letter of a thread ('R', 'S', 't', 'T', 'Z', ...), 0 if gone.
inline char thread_state(pid_t pid, pid_t tid) {
  auto s = proc_status_field("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) +
                                 "/status",
                             "State");
  return s && !s->empty() ? (*s)[0] : 0;
}

inline std::vector<pid_t> threads_of(pid_t pid) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    out.push_back(static_cast<pid_t>(std::atol(e.path().filename().c_str())));
  }
  return out;
}

// The process no longer runs: it does not exist, or it is a zombie waiting
// for a parent (init in a container may be slow to reap).
inline bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  auto s = proc_status_field("/proc/" + std::to_string(pid) + "/status", "State");
  return !s || s->empty() || (*s)[0] == 'Z' || (*s)[0] == 'X';
}

inline pid_t tracer_pid(pid_t pid, pid_t tid) {
  auto s = proc_status_field("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) +
                                 "/status",
                             "TracerPid");
  return s ? static_cast<pid_t>(std::atol(s->c_str())) : -1;
}

// ---- what the machine can do ------------------------------------------

// Whether this kernel runs 32-bit calls (`int $0x80`) in 64-bit processes:
// a kernel built without IA32 emulation, or booted with
// ia32_emulation=0, kills such a call with SIGSEGV. Tests of i386 decoding
// skip there (the tracer itself still handles the SIGSEGV as any signal).
inline bool ia32_emulation_available() {
  static const bool available = [] {
    pid_t pid = ::fork();
    if (pid < 0) return true;  // cannot tell: let the test run and say
    if (pid == 0) {
      long nr = 20;  // getpid in the i386 table
      asm volatile("int $0x80" : "+a"(nr) : : "memory");
      ::_exit(nr > 0 ? 0 : 1);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }();
  return available;
}

#define SKIP_WITHOUT_IA32()                                                          \
  do {                                                                               \
    if (!syspect_it::ia32_emulation_available())                                     \
      GTEST_SKIP() << "this kernel does not run int $0x80 (no IA32 emulation)";       \
  } while (0)

// Whether a tracer may attach to a process that is not its descendant:
// Yama's "restricted" mode (kernel.yama.ptrace_scope=1 and above) lets only
// an ancestor, or root, attach; the empty text when it may.
inline std::string attach_forbidden() {
  std::string scope = read_file("/proc/sys/kernel/yama/ptrace_scope");
  if (scope.empty() || scope[0] == '0' || ::geteuid() == 0) return {};
  return std::string("kernel.yama.ptrace_scope=") + scope[0] + " forbids attaching to a sibling";
}

#define SKIP_UNLESS_ATTACH_ALLOWED()                                         \
  do {                                                                       \
    if (std::string why = syspect_it::attach_forbidden(); !why.empty())     \
      GTEST_SKIP() << why;                                                   \
  } while (0)

// ---- running processes -------------------------------------------------

struct ProcResult {
  int wait_status = 0;
  bool exited = false;
  bool signaled = false;
  int code = -1;     // exit code when exited
  int signal = 0;    // terminating signal when signaled
  bool timed_out = false;  // we had to kill it
  std::string out, err;
  // As a shell reports it.
  int status() const { return signaled ? 128 + signal : code; }
};

inline std::string describe(const ProcResult& r) {
  std::ostringstream os;
  if (r.timed_out) os << "[killed by the test after its time limit] ";
  if (r.exited) os << "exited " << r.code;
  else if (r.signaled) os << "killed by signal " << r.signal;
  os << "\n--- stdout ---\n" << r.out << "\n--- stderr ---\n" << r.err;
  return os.str();
}

struct SpawnOptions {
  bool stdout_pipe = false;  // stdout readable line by line while it runs
  std::optional<std::string> cwd;
  // Extra "NAME=value" entries added to the environment.
  std::vector<std::string> extra_env;
};

// An anonymous file for a process's output. O_APPEND: a memfd's file
// position is not locked against concurrent writers, so threads writing at
// once could overwrite each other's lines; appends cannot.
inline int memfd(const char* name) {
  int fd = static_cast<int>(::syscall(SYS_memfd_create, name, MFD_CLOEXEC));
  if (fd < 0) throw std::runtime_error("memfd_create failed");
  ::fcntl(fd, F_SETFL, O_APPEND);
  return fd;
}

inline std::string slurp_fd(int fd) {
  std::string out;
  char buf[65536];
  ::lseek(fd, 0, SEEK_SET);
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// A child process started with posix_spawn. stdin is /dev/null; stderr goes
// to an anonymous file; stdout too, or to a pipe (SpawnOptions::stdout_pipe)
// for reading lines while it runs; no other descriptor is passed on. Killed
// and reaped when dropped unwaited.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv, const SpawnOptions& opts = {}) {
    err_fd_ = memfd("stderr");
    int out_w = -1;
    if (opts.stdout_pipe) {
      int p[2];
      if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
      out_r_ = p[0];
      out_w = p[1];
    } else {
      out_file_ = memfd("stdout");
      out_w = out_file_;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_w, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd_, 2);
    // Nothing else: whatever this process inherited stays here.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    if (opts.cwd) posix_spawn_file_actions_addchdir_np(&fa, opts.cwd->c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // A fresh, empty signal mask and default dispositions: gtest may run us
    // with anything blocked.
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> av;
    for (const auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
    av.push_back(nullptr);
    std::vector<std::string> env_store;
    for (char** e = environ; *e; ++e) env_store.emplace_back(*e);
    for (const auto& e : opts.extra_env) env_store.push_back(e);
    std::vector<char*> ev;
    for (auto& e : env_store) ev.push_back(e.data());
    ev.push_back(nullptr);

    int rc = ::posix_spawnp(&pid_, av[0], &fa, &attr, av.data(), ev.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (out_r_ >= 0) ::close(out_w);
    if (rc != 0) {
      pid_ = -1;
      throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
    }
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  }

  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      int st;
      ::waitpid(pid_, &st, 0);
    }
    for (int fd : {out_r_, out_file_, err_fd_, pidfd_})
      if (fd >= 0) ::close(fd);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  // The next line of stdout (stdout_pipe only), without its newline; nothing
  // at end of file or when `limit` passes first.
  std::optional<std::string> read_line(std::chrono::milliseconds limit = 20s) {
    auto deadline = Clock::now() + limit;
    for (;;) {
      std::size_t nl = pending_.find('\n');
      if (nl != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        out_ += pending_.substr(0, nl + 1);
        pending_.erase(0, nl + 1);
        return line;
      }
      if (out_r_ < 0) return std::nullopt;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      struct pollfd p = {out_r_, POLLIN, 0};
      int n = ::poll(&p, 1, static_cast<int>(left.count()));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      char buf[4096];
      ssize_t got = ::read(out_r_, buf, sizeof buf);
      if (got <= 0) {
        ::close(out_r_);
        out_r_ = -1;
        continue;
      }
      pending_.append(buf, static_cast<std::size_t>(got));
    }
  }

  // Whether stdout has anything to read within `limit` (stdout_pipe only).
  bool stdout_readable_within(std::chrono::milliseconds limit) {
    if (!pending_.empty()) return true;
    if (out_r_ < 0) return false;
    struct pollfd p = {out_r_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(limit.count())) > 0;
  }

  // Wait for the process to end, at most `limit`; then it is killed and the
  // result says timed_out. Output read so far plus what is left is in the
  // result.
  ProcResult wait(std::chrono::milliseconds limit = 60s) {
    ProcResult r;
    auto deadline = Clock::now() + limit;
    while (!reaped_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        r.timed_out = true;
        ::kill(pid_, SIGKILL);
        reap();
        break;
      }
      struct pollfd p[2] = {{pidfd_, POLLIN, 0}, {out_r_, POLLIN, 0}};
      int np = out_r_ >= 0 ? 2 : 1;
      int n = ::poll(p, static_cast<nfds_t>(np), static_cast<int>(left.count()));
      if (n < 0 && errno != EINTR) throw std::runtime_error("poll failed");
      if (np == 2 && (p[1].revents & (POLLIN | POLLHUP))) drain(false);
      if (p[0].revents & POLLIN) reap();
    }
    r.wait_status = status_;
    r.exited = WIFEXITED(status_);
    r.signaled = WIFSIGNALED(status_);
    r.code = r.exited ? WEXITSTATUS(status_) : -1;
    r.signal = r.signaled ? WTERMSIG(status_) : 0;
    // The pipe may be held open by orphans: take what is there, don't wait.
    if (out_r_ >= 0) drain(true);
    out_ += pending_;
    pending_.clear();
    r.out = out_file_ >= 0 ? slurp_fd(out_file_) : out_;
    r.err = slurp_fd(err_fd_);
    return r;
  }

 private:
  void reap() {
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    status_ = st;
    reaped_ = true;
  }
  void drain(bool nonblocking) {
    if (nonblocking) ::fcntl(out_r_, F_SETFL, O_NONBLOCK);
    char buf[4096];
    for (;;) {
      ssize_t got = ::read(out_r_, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return;  // EAGAIN
      if (got == 0) {
        ::close(out_r_);
        out_r_ = -1;
        return;
      }
      pending_.append(buf, static_cast<std::size_t>(got));
      if (!nonblocking) return;
    }
  }

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int out_r_ = -1;
  int out_file_ = -1;
  int err_fd_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string pending_;  // read from the pipe, not yet handed out as a line
  std::string out_;      // handed out, plus the rest at the end
};

// Waits for the first line of `target` (started with stdout_pipe), "ready
// PID" with its own pid: a target says so once it is running as a test
// needs it. The pid goes to `*pid`; check HasFatalFailure() after.
inline void await_ready(Child& target, pid_t* pid) {
  auto ready = target.read_line(20s);
  ASSERT_TRUE(ready) << "the target never said it was ready";
  auto pids = pids_after(*ready, "ready");
  ASSERT_EQ(pids.size(), 1u) << *ready;
  ASSERT_EQ(pids[0], target.pid()) << *ready;
  *pid = pids[0];
}

// Voluntary context switches of thread `tid` of `pid` so far (-1 when it is
// gone): each blocking call or syscall stop of the thread adds one.
inline long voluntary_switches(pid_t pid, pid_t tid) {
  auto v = proc_status_field("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/status",
                             "voluntary_ctxt_switches");
  return v ? std::atol(v->c_str()) : -1;
}

// `syspect trace -p PID --format jsonl -o OUT`: attached to every thread in
// `tids`, left while each thread in `busy` switches `switches` more times
// under it (it stops at syscalls), then sent SIGINT, which detaches it.
// `*ended` is how syspect ended: as strace, 130 (128 + SIGINT), with
// "syspect: Process PID attached with N threads" and one "syspect: Process
// TID detached" per thread on stderr. Fatal failures stop the caller: check
// HasFatalFailure() after.
inline void attach_then_sigint(pid_t pid, const std::vector<pid_t>& tids, const std::vector<pid_t>& busy,
                               long switches, const std::string& out, ProcResult* ended) {
  Child tracer({cli(), "trace", "-p", std::to_string(pid), "--format", "jsonl", "-o", out});
  for (pid_t tid : tids)
    ASSERT_TRUE(eventually([&] { return tracer_pid(pid, tid) == tracer.pid(); }))
        << "thread " << tid << " never traced";
  std::map<pid_t, long> before;
  for (pid_t tid : busy) before[tid] = voluntary_switches(pid, tid);
  for (pid_t tid : busy)
    EXPECT_TRUE(eventually([&] { return voluntary_switches(pid, tid) >= before[tid] + switches; }))
        << "thread " << tid << " does not run under the tracer";
  ASSERT_EQ(::kill(tracer.pid(), SIGINT), 0);
  *ended = tracer.wait(20s);
  EXPECT_FALSE(ended->timed_out);
  EXPECT_EQ(ended->status(), 128 + SIGINT) << describe(*ended);
  std::string attached = "syspect: Process " + std::to_string(pid) + " attached" +
                         (tids.size() > 1 ? " with " + std::to_string(tids.size()) + " threads\n" : "\n");
  EXPECT_TRUE(contains(ended->err, attached)) << describe(*ended);
  for (pid_t tid : tids)
    EXPECT_TRUE(contains(ended->err, "syspect: Process " + std::to_string(tid) + " detached\n")) << describe(*ended);
}

// Run to completion (at most `limit`) and capture everything.
inline ProcResult run(const std::vector<std::string>& argv, std::chrono::milliseconds limit = 60s,
                      const SpawnOptions& opts = {}) {
  Child c(argv, opts);
  return c.wait(limit);
}

// `syspect ARGS...`
inline ProcResult run_cli(std::vector<std::string> args, std::chrono::milliseconds limit = 60s,
                          const SpawnOptions& opts = {}) {
  args.insert(args.begin(), cli());
  return run(args, limit, opts);
}

// ---- JSON Lines traces -------------------------------------------------

struct JsonTrace {
  json header;
  std::vector<json> events;  // everything between the header and "end"
  json end;                  // null when there was no end line
  std::string raw;

  std::vector<json> of_type(std::string_view type) const {
    std::vector<json> out;
    for (const auto& e : events)
      if (e.value("type", "") == type) out.push_back(e);
    return out;
  }
  std::vector<json> syscalls() const { return of_type("syscall"); }
  std::vector<json> syscalls_named(std::string_view name) const {
    std::vector<json> out;
    for (const auto& e : events)
      if (e.value("type", "") == "syscall" && e.value("name", "") == name) out.push_back(e);
    return out;
  }
  std::size_t count(std::string_view name) const { return syscalls_named(name).size(); }
};

// Parses a whole JSON Lines trace. Any line that is not valid JSON, a
// missing header or a line after "end" is reported as a test failure.
inline JsonTrace parse_jsonl(const std::string& text) {
  JsonTrace t;
  t.raw = text;
  auto lines = lines_of(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    json j = json::parse(lines[i], nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "line " << i + 1 << " is not JSON: " << lines[i];
      continue;
    }
    if (i == 0) {
      EXPECT_EQ(j.value("syspect", 0), 1) << "header: " << lines[i];
      t.header = j;
      continue;
    }
    if (!t.end.is_null()) ADD_FAILURE() << "line after the end line: " << lines[i];
    if (j.value("type", "") == "end") {
      t.end = j;
    } else {
      t.events.push_back(j);
    }
  }
  return t;
}

inline JsonTrace read_jsonl(const std::string& path) { return parse_jsonl(read_file(path)); }

// ---- tracing through the CLI --------------------------------------------

struct CliTrace {
  ProcResult proc;     // syspect's own status and output
  std::string output;  // what it wrote to -o FILE
  JsonTrace trace;     // `output` parsed, for --format jsonl
};

// `syspect trace OPTIONS -o FILE [--format jsonl] -- COMMAND...`, with FILE
// in a temporary directory.
inline CliTrace cli_trace(const std::vector<std::string>& options,
                          const std::vector<std::string>& command, bool jsonl = true,
                          std::chrono::milliseconds limit = 60s, const SpawnOptions& so = {}) {
  TempDir dir;
  std::string out = dir.file(jsonl ? "trace.jsonl" : "trace.txt");
  std::vector<std::string> args = {"trace", "-o", out};
  if (jsonl) {
    args.push_back("--format");
    args.push_back("jsonl");
  }
  args.insert(args.end(), options.begin(), options.end());
  args.push_back("--");
  args.insert(args.end(), command.begin(), command.end());
  CliTrace t;
  t.proc = run_cli(args, limit, so);
  t.output = read_file(out);
  if (jsonl) t.trace = parse_jsonl(t.output);
  return t;
}

// A pipe whose ends are close-on-exec in this process.
struct Pipe {
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int r = -1, w = -1;
  Pipe() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    r = p[0];
    w = p[1];
  }
  ~Pipe() {
    if (r >= 0) ::close(r);
    if (w >= 0) ::close(w);
  }
};

// One line from `fd` (without its newline), or nothing at end of file or
// after `limit`.
inline std::optional<std::string> read_line_fd(int fd, std::chrono::milliseconds limit) {
  std::string line;
  auto deadline = Clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    struct pollfd p = {fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    char c;
    if (::read(fd, &c, 1) != 1) return std::nullopt;
    if (c == '\n') return line;
    line += c;
  }
}

// ---- tracing through the library ----------------------------------------

struct LibTrace {
  bool ok = false;
  syspect::TraceResult result;
  syspect::TraceError error;
  std::vector<syspect::Event> events;
  std::string out;  // the target's stdout

  std::vector<syspect::SyscallEvent> syscalls() const {
    std::vector<syspect::SyscallEvent> v;
    for (const auto& e : events)
      if (auto* s = std::get_if<syspect::SyscallEvent>(&e)) v.push_back(*s);
    return v;
  }
  std::vector<syspect::SyscallEvent> syscalls_named(std::string_view name) const {
    std::vector<syspect::SyscallEvent> v;
    for (const auto& e : events)
      if (auto* s = std::get_if<syspect::SyscallEvent>(&e); s && s->name() == name) v.push_back(*s);
    return v;
  }
  std::size_t count(std::string_view name) const { return syscalls_named(name).size(); }
  template <typename T>
  std::vector<T> all() const {
    std::vector<T> v;
    for (const auto& e : events)
      if (auto* x = std::get_if<T>(&e)) v.push_back(*x);
    return v;
  }
};

// In a child about to exec: close every descriptor from 3 up except those
// in `keep` (sorted). Only system calls: safe after fork.
inline void close_fds_except(const std::vector<int>& keep) {
  unsigned lo = 3;
  for (int k : keep) {
    if (k < static_cast<int>(lo)) continue;
    if (static_cast<unsigned>(k) > lo) ::syscall(SYS_close_range, lo, static_cast<unsigned>(k) - 1, 0);
    lo = static_cast<unsigned>(k) + 1;
  }
  ::syscall(SYS_close_range, lo, ~0u, 0);
}

// Runs argv under a syspect::Tracer with a MemorySink. The target starts
// with stdin as the test's, stdout captured (through an anonymous file set
// up just before its exec) and no other descriptor but those `pass_fds`
// names: {from, to} puts this process's descriptor `from` at number `to`.
// `extra_sinks` get the events too (called on the tracer's thread).
inline LibTrace trace_lib(const std::vector<std::string>& argv, syspect::TraceOptions options = {},
                          std::vector<std::pair<int, int>> pass_fds = {},
                          const std::vector<syspect::Sink*>& extra_sinks = {}) {
  LibTrace t;
  int out = memfd("target-stdout");
  std::vector<int> keep;
  for (const auto& [from, to] : pass_fds) keep.push_back(to);
  std::sort(keep.begin(), keep.end());
  auto user_hook = options.before_exec;
  options.before_exec = [out, user_hook, pass_fds, keep] {
    ::dup2(out, 1);
    for (const auto& [from, to] : pass_fds) {
      ::dup2(from, to);
      ::fcntl(to, F_SETFD, 0);
    }
    close_fds_except(keep);
    if (user_hook) user_hook();
  };
  syspect::Tracer tracer(std::move(options));
  syspect::MemorySink sink;
  tracer.add_sink(&sink);
  for (auto* extra : extra_sinks) tracer.add_sink(extra);
  auto r = tracer.run(argv);
  t.ok = r.has_value();
  if (t.ok) {
    t.result = r.value();
  } else {
    t.error = r.error();
  }
  t.events = std::move(sink.events);
  t.out = slurp_fd(out);
  ::close(out);
  return t;
}

inline std::string event_text(const syspect::Event& e) {
  syspect::FormatOptions fo;
  fo.align = false;
  if (auto* s = std::get_if<syspect::SyscallEvent>(&e))
    return std::to_string(s->tid) + " " + syspect::format_syscall(*s, fo);
  if (auto* s = std::get_if<syspect::SignalEvent>(&e))
    return std::to_string(s->tid) + " " + syspect::format_signal(*s);
  if (auto* s = std::get_if<syspect::ExitEvent>(&e))
    return std::to_string(s->tid) + " " + syspect::format_exit(*s);
  if (auto* s = std::get_if<syspect::ExecEvent>(&e))
    return std::to_string(s->pid) + " [exec " + s->filename + " from tid " +
           std::to_string(s->old_tid) + "]";
  return "?";
}

// The whole trace, one event a line, for failure messages (the last `max`).
inline std::string dump(const LibTrace& t, std::size_t max = 80) {
  std::string s;
  std::size_t from = t.events.size() > max ? t.events.size() - max : 0;
  if (from) s += "... " + std::to_string(from) + " events before ...\n";
  for (std::size_t i = from; i < t.events.size(); ++i) s += event_text(t.events[i]) + "\n";
  s += "--- target stdout ---\n" + t.out;
  if (!t.ok) s += "--- error: " + t.error.message + "\n";
  return s;
}

inline std::string dump(const JsonTrace& t, std::size_t max = 80) {
  std::string s;
  std::size_t from = t.events.size() > max ? t.events.size() - max : 0;
  if (from) s += "... " + std::to_string(from) + " events before ...\n";
  for (std::size_t i = from; i < t.events.size(); ++i) {
    const auto& e = t.events[i];
    s += std::to_string(e.value("tid", e.value("pid", 0))) + " " + e.value("text", e.dump()) + "\n";
  }
  s += "end: " + t.end.dump() + "\n";
  return s;
}

}  // namespace syspect_it
