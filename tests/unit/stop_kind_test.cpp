// classify(): every kind of wait status the tracer's loop meets, made up
// with the kernel's encoding (no tracee needed).
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "stop_kind.hpp"

namespace {

using syspect::detail::classify;
using Kind = syspect::detail::Stop::Kind;

// The status waitpid gives for a stop with signal `sig` and ptrace `event`.
constexpr int stopped(int sig, int event = 0) { return (event << 16) | (sig << 8) | 0x7f; }

TEST(Classify, ExitsAndKills) {
  EXPECT_EQ(classify(3 << 8).kind, Kind::Exited);   // exit(3)
  EXPECT_EQ(classify(SIGKILL).kind, Kind::Exited);  // killed
  EXPECT_EQ(classify(SIGSEGV | 0x80).kind, Kind::Exited);  // killed, core dumped
  EXPECT_EQ(classify(0xffff).kind, Kind::NotAStop);        // continued
}

TEST(Classify, SyscallStopsAreToldApartFromSignals) {
  EXPECT_EQ(classify(stopped(SIGTRAP | 0x80)).kind, Kind::SyscallStop);
  auto trap = classify(stopped(SIGTRAP));
  EXPECT_EQ(trap.kind, Kind::Signal);
  EXPECT_EQ(trap.signal, SIGTRAP);
  auto usr1 = classify(stopped(SIGUSR1));
  EXPECT_EQ(usr1.kind, Kind::Signal);
  EXPECT_EQ(usr1.signal, SIGUSR1);
  EXPECT_EQ(usr1.event, 0);
}

TEST(Classify, PtraceEvents) {
  EXPECT_EQ(classify(stopped(SIGTRAP, PTRACE_EVENT_SECCOMP)).kind, Kind::Seccomp);
  for (int e : {PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK, PTRACE_EVENT_CLONE}) {
    auto s = classify(stopped(SIGTRAP, e));
    EXPECT_EQ(s.kind, Kind::NewChild);
    EXPECT_EQ(s.event, e);
  }
  EXPECT_EQ(classify(stopped(SIGTRAP, PTRACE_EVENT_EXEC)).kind, Kind::Exec);
  EXPECT_EQ(classify(stopped(SIGTRAP, PTRACE_EVENT_EXIT)).kind, Kind::ExitEvent);
  EXPECT_EQ(classify(stopped(SIGTRAP, PTRACE_EVENT_VFORK_DONE)).kind, Kind::OtherEvent);
}

TEST(Classify, GroupStopsAndInterrupts) {
  for (int sig : {SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU}) {
    auto s = classify(stopped(sig, PTRACE_EVENT_STOP));
    EXPECT_EQ(s.kind, Kind::GroupStop) << sig;
    EXPECT_EQ(s.signal, sig);
  }
  // PTRACE_INTERRUPT, and a seized tracee's first stop, report SIGTRAP.
  EXPECT_EQ(classify(stopped(SIGTRAP, PTRACE_EVENT_STOP)).kind, Kind::Interrupt);
}

}  // namespace
