// trace_function(): the function runs in a forked child that stops itself
// at once; the tracer attaches to it and lets it go. Two marker calls made by
// the child around the function tell its calls from the harness's own.

#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <new>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "syspect/sinks.hpp"
#include "syspect/tracing.hpp"

#include "fd_files.hpp"
#include "own_thread.hpp"

namespace syspect {
namespace {

// prctl with an option no kernel defines: it fails with EINVAL and has no
// other effect, and its arguments are recognisable in the trace.
constexpr unsigned long kMarkerOption = 0x53595350;    // "SYSP"
constexpr unsigned long kMarkerMagic = 0x737065637421;  // "spect!"
enum class Phase : unsigned long { Start = 1, Returned = 2, Threw = 3 };

void mark(Phase p) {
  ::syscall(SYS_prctl, kMarkerOption, kMarkerMagic, static_cast<unsigned long>(p), 0UL, 0UL);
}

std::optional<Phase> marker_phase(const SyscallEvent& e) {
  if (e.abi != Abi::x86_64 || e.nr != SYS_prctl || e.nargs < 3) return std::nullopt;
  if (e.args[0].raw != kMarkerOption || e.args[1].raw != kMarkerMagic) return std::nullopt;
  return static_cast<Phase>(e.args[2].raw);
}

// What the child reports to the test: an uncaught exception's message and
// the gtest failures (EXPECT_*, ASSERT_*) of the function. Shared memory,
// written without a syscall, so that nothing of it is in the trace.
constexpr unsigned kMaxFailures = 16;

struct ChildFailure {
  bool fatal;
  int line;
  char file[512];
  char message[3500];
};

struct Mailbox {
  char what[4000];
  std::atomic<unsigned> failures;
  ChildFailure failure[kMaxFailures];
};
static_assert(std::atomic<unsigned>::is_always_lock_free, "the mailbox is shared between processes");

void copy_text(char* to, std::size_t size, const char* from) {
  std::strncpy(to, from != nullptr ? from : "", size - 1);
  to[size - 1] = '\0';
}

void post(Mailbox* box, const char* what) { copy_text(box->what, sizeof box->what, what); }

// In the child, in place of gtest's reporter: each failure of the function
// goes to the mailbox as it happens (a crash afterwards loses nothing), and
// the test process reports it as its own. One for the child's thread (which
// may have inherited a reporter of the test's own, EXPECT_NONFATAL_FAILURE's)
// and one for the threads the function starts.
class ForwardFailures : public ::testing::ScopedFakeTestPartResultReporter {
 public:
  ForwardFailures(InterceptMode mode, Mailbox* box)
      : ::testing::ScopedFakeTestPartResultReporter(mode, &unused_), box_(box) {}
  void ReportTestPartResult(const ::testing::TestPartResult& r) override {
    if (!r.failed()) return;
    unsigned i = box_->failures.fetch_add(1);
    if (i >= kMaxFailures) return;
    ChildFailure& f = box_->failure[i];
    f.fatal = r.fatally_failed();
    f.line = r.line_number();
    copy_text(f.file, sizeof f.file, r.file_name());
    copy_text(f.message, sizeof f.message, r.message());
  }

 private:
  ::testing::TestPartResultArray unused_;
  Mailbox* box_;
};

// Never destroyed: the child ends with _exit.
void forward_failures(Mailbox* box) {
  new ForwardFailures(::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, box);
  new ForwardFailures(::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, box);
}

// In the test process: the child's failures, at their own file:line.
void report_failures(const Mailbox& box, const CallSite& where) {
  unsigned n = box.failures.load();
  for (unsigned i = 0; i < std::min(n, kMaxFailures); ++i) {
    const ChildFailure& f = box.failure[i];
    std::string text = fmt::format("{}\n(in the function traced by trace_function() at {}:{}, in a process of its own)",
                                   f.message, where.file, where.line);
    GTEST_MESSAGE_AT_(f.file[0] != '\0' ? f.file : nullptr, f.line, text.c_str(),
                      f.fatal ? ::testing::TestPartResult::kFatalFailure
                              : ::testing::TestPartResult::kNonFatalFailure);
  }
  if (n > kMaxFailures) {
    std::string text = fmt::format("{} more failures in the function traced by trace_function() were not kept",
                                   n - kMaxFailures);
    GTEST_MESSAGE_AT_(where.file, where.line, text.c_str(), ::testing::TestPartResult::kNonFatalFailure);
  }
}

[[noreturn]] void run_child(const std::function<void()>& fn, pid_t parent, Mailbox* box) {
  // Should the test process die first, do not linger stopped.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
  // A crash in the function is an outcome to report, not a core to write.
  struct rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  forward_failures(box);
  ::kill(::getpid(), SIGSTOP);  // until the tracer holds us
  mark(Phase::Start);
  Phase end = Phase::Returned;
  try {
    fn();
    mark(Phase::Returned);
  } catch (const std::exception& e) {
    mark(Phase::Threw);
    end = Phase::Threw;
    post(box, e.what());
  } catch (...) {
    mark(Phase::Threw);
    end = Phase::Threw;
    post(box, "an exception not derived from std::exception");
  }
  std::fflush(nullptr);  // what the function printed, as an exit would
  ::_exit(end == Phase::Threw ? 1 : 0);
}

// Whether one of this process's threads (the tracer's) traces `pid`. Under
// another tracer that follows children (strace -f, a debugger) the child is
// traced from its birth, by that tracer: it must not be let go then.
bool traced_by_us(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("TracerPid:", 0) != 0) continue;
    int tracer = std::atoi(line.c_str() + 10);
    return tracer != 0 && ::access(fmt::format("/proc/self/task/{}", tracer).c_str(), F_OK) == 0;
  }
  return false;
}

// Injections count the function's calls only: each is gated on the start
// marker having been seen (at its entry, before any injection is decided)
// and the end marker not yet.
class InjectionGate : public Sink {
 public:
  InjectionGate(pid_t pid, std::shared_ptr<bool> inside) : pid_(pid), inside_(std::move(inside)) {}
  Interest interest() const override { return Interest::none(); }
  Verdict on_entry(const SyscallEvent& e) override {
    if (auto phase = marker_phase(e); phase && e.tid == pid_) *inside_ = *phase == Phase::Start;
    return Verdict::allow();
  }

 private:
  pid_t pid_;
  std::shared_ptr<bool> inside_;
};

}  // namespace

FunctionTrace trace_function(const std::function<void()>& fn, const TraceOptions& options, CallSite where) {
  void* shared = ::mmap(nullptr, sizeof(Mailbox), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED)
    detail::fail_to_start({StartError::Other, fmt::format("mmap: {}", std::strerror(errno))}, where);
  auto* box = static_cast<Mailbox*>(shared);
  box->what[0] = '\0';
  new (&box->failures) std::atomic<unsigned>(0);
  struct Unmap {
    void* p;
    ~Unmap() { ::munmap(p, sizeof(Mailbox)); }
  } unmap{shared};

  std::fflush(nullptr);  // else the child would print our buffered output again
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) detail::fail_to_start({StartError::Other, fmt::format("fork: {}", std::strerror(errno))}, where);
  if (pid == 0) run_child(fn, parent, box);

  int status = 0;
  pid_t waited;
  do {
    waited = ::waitpid(pid, &status, WUNTRACED);
  } while (waited < 0 && errno == EINTR);
  if (waited != pid || !WIFSTOPPED(status)) {
    if (waited == pid) ::kill(pid, SIGKILL);
    detail::fail_to_start({StartError::Other, "the function's process ended before it could be traced"}, where);
  }

  // Let the child go once the tracer holds it: from then on every call it
  // makes, starting with the start marker, is seen.
  std::atomic<bool> done{false};
  std::thread releaser([&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done.load()) {
      if (traced_by_us(pid)) {
        ::kill(pid, SIGCONT);
        return;
      }
      if (std::chrono::steady_clock::now() > deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });

  TraceOptions gated = options;
  auto inside = std::make_shared<bool>(false);
  for (Injection& i : gated.injections) {
    i.condition = [inside, inner = std::move(i.condition)](const SyscallEvent& e) {
      return *inside && (!inner || inner(e));
    };
  }
  InjectionGate gate(pid, inside);
  Tracer tracer(gated);
  MemorySink sink;
  detail::FdFileSink files(sink);
  if (!gated.injections.empty()) tracer.add_sink(&gate);
  tracer.add_sink(&files);
  auto result = detail::on_own_thread([&] { return tracer.attach(pid); });
  done = true;
  releaser.join();
  if (!result) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    detail::fail_to_start(result.error(), where);
  }
  (void)::waitpid(pid, &status, WNOHANG);  // reaped by the tracer already, normally

  std::vector<Event> kept;
  bool started = false;
  std::optional<FunctionOutcome> outcome;
  for (Event& e : sink.events) {
    if (const auto* s = std::get_if<SyscallEvent>(&e)) {
      if (auto phase = marker_phase(*s)) {
        if (s->tid != pid) continue;  // a copy of the child forked by the function
        if (*phase == Phase::Start) {
          started = true;
        } else if (started && !outcome) {
          outcome = *phase == Phase::Threw ? FunctionOutcome::Threw : FunctionOutcome::Returned;
        }
        continue;
      }
    }
    if (started && !outcome) kept.push_back(std::move(e));
  }
  if (!outcome) {
    if (!result->finished()) outcome = FunctionOutcome::Unfinished;
    else outcome = result->signaled ? FunctionOutcome::Killed : FunctionOutcome::Exited;
  }
  report_failures(*box, where);
  std::string exception = *outcome == FunctionOutcome::Threw ? std::string(box->what) : std::string();
  return FunctionTrace(Trace({"(function)"}, std::move(kept), *result), *outcome, std::move(exception));
}

}  // namespace syspect
