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

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "syspect/sinks.hpp"
#include "syspect/tracing.hpp"

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

// Where the child leaves an uncaught exception's message: shared memory,
// written without a syscall.
struct Mailbox {
  char what[4000];
};

void post(Mailbox* box, const char* what) {
  std::strncpy(box->what, what, sizeof box->what - 1);
  box->what[sizeof box->what - 1] = '\0';
}

[[noreturn]] void run_child(const std::function<void()>& fn, pid_t parent, Mailbox* box) {
  // Should the test process die first, do not linger stopped.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
  // A crash in the function is an outcome to report, not a core to write.
  struct rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
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

}  // namespace

FunctionTrace trace_function(const std::function<void()>& fn, const TraceOptions& options, CallSite where) {
  void* shared = ::mmap(nullptr, sizeof(Mailbox), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED)
    detail::fail_to_start({StartError::Other, fmt::format("mmap: {}", std::strerror(errno))}, where);
  auto* box = static_cast<Mailbox*>(shared);
  box->what[0] = '\0';
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

  Tracer tracer(options);
  MemorySink sink;
  tracer.add_sink(&sink);
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
  std::string exception = *outcome == FunctionOutcome::Threw ? std::string(box->what) : std::string();
  return FunctionTrace(Trace({"(function)"}, std::move(kept), *result), *outcome, std::move(exception));
}

}  // namespace syspect
