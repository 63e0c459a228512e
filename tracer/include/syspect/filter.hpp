#pragma once
// Which syscalls to show: strace's `-e trace=SET`.

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "syspect/event.hpp"
#include "syspect/result.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

class SyscallFilter {
 public:
  // Everything.
  SyscallFilter() = default;

  // "openat,close", "!write", "@file,read", "%net", "all", "none". A set
  // that starts with '!' selects everything but what it names.
  static Result<SyscallFilter, std::string> parse(std::string_view set);

  bool matches(const SyscallEvent& e) const;
  bool selects_all() const { return all_; }
  // The x86_64 calls it selects, with their results (what `matches` needs
  // to see; i386 and x32 calls always reach it).
  Interest interest() const;

 private:
  bool all_ = true;
  bool negate_ = false;
  std::uint32_t classes_ = 0;
  std::bitset<1024> x86_64_;
  std::bitset<1024> i386_;
};

// strace's `-e signal=SET`: which signal deliveries are shown. Names with
// or without SIG, in any case ("chld", "SIGUSR1", "RTMIN", "RT_2"), numbers
// up to 255, "all", "none"; each leading '!' inverts the set.
class SignalSet {
 public:
  SignalSet() = default;  // every signal
  static Result<SignalSet, std::string> parse(std::string_view set);
  bool contains(int sig) const {
    return (sig >= 0 && sig < 256 && bits_.test(static_cast<std::size_t>(sig))) != negate_;
  }
  bool selects_all() const { return negate_ && bits_.none(); }

 private:
  std::bitset<256> bits_;
  bool negate_ = true;
};

// strace's `-e status=SET`: which calls are shown by how they ended.
enum CallStatus : unsigned {
  kStatusSuccessful = 1,   // returned, no error
  kStatusFailed = 2,       // returned an error
  kStatusUnfinished = 4,   // never returned: `= ?` (exit_group, a process killed in a call)
  kStatusUnavailable = 8,  // returned, but its result could not be read
  kStatusDetached = 16,    // the tracer detached while it ran: `<detached ...>`
  kStatusAll = 31,
};
// "successful,failed", "!unfinished", "all", "none", as strace reads them.
Result<unsigned, std::string> parse_status_set(std::string_view set);
unsigned call_status(const SyscallEvent& e);

// strace's `-e quiet=SET` (and -q, -qq, -qqq): messages left out.
enum QuietMessage : unsigned {
  kQuietAttach = 1,          // "Process N attached", "... detached"
  kQuietExit = 2,            // "+++ exited with N +++", "+++ killed by SIG... +++"
  kQuietPathResolution = 4,  // -P: "Requested path ... resolved into ..."
  kQuietPersonality = 8,     // "[ Process PID=N runs in 32 bit mode. ]"
  kQuietThreadExecve = 16,   // "+++ superseded by execve in pid N +++"
  kQuietAll = 31,
};
// "attach,exit", "path-resolution", "personality", "thread-execve" (or
// "superseded"), "exits", "all", "none", '!'.
Result<unsigned, std::string> parse_quiet_set(std::string_view set);

// strace's `-P PATH`: the calls that access one of the paths, as strace
// 6.1 decides it at the call's entry: a path argument equal to one of them,
// or an fd argument whose file (/proc/TID/fd/N) is one of them, by the
// positions strace looks at for each call; only calls of the file, desc
// and network classes.
class PathSet {
 public:
  // Adds PATH and, when it resolves (realpath) to another name, that name
  // too, which is returned (strace says so unless quiet=path-resolution).
  std::optional<std::string> add(const std::string& path);
  bool empty() const { return paths_.empty(); }
  // `entry` as Sink::on_entry sees it: the tracee is stopped at the call.
  bool matches(const SyscallEvent& entry) const;

 private:
  bool has(std::string_view path) const;
  bool fd_is(pid_t tid, const ArgValue& fd) const;
  std::vector<std::string> paths_;
};

// Everything strace's display filters say: -e trace=, -e signal=,
// -e status= (-z, -Z) and -P.
struct DisplayFilter {
  SyscallFilter calls;
  SignalSet signals;
  unsigned statuses = kStatusAll;
  PathSet paths;
  bool selects_all() const {
    return calls.selects_all() && signals.selects_all() && statuses == kStatusAll && paths.empty();
  }
};

// Passes on the syscall events and signals a filter selects, and every
// other process event.
class FilteringSink : public Sink {
 public:
  FilteringSink(SyscallFilter filter, Sink* next) : next_(next) { filter_.calls = std::move(filter); }
  FilteringSink(DisplayFilter filter, Sink* next) : filter_(std::move(filter)), next_(next) {}
  // Only what the filter selects: the other calls may run without a stop.
  Interest interest() const override { return filter_.calls.interest(); }
  Verdict on_entry(const SyscallEvent& e) override;
  void on_syscall(const SyscallEvent& e) override;
  void on_signal(const SignalEvent& e) override {
    if (filter_.signals.contains(e.signo)) next_->on_signal(e);
  }
  void on_exec(const ExecEvent& e) override { next_->on_exec(e); }
  void on_exit(const ExitEvent& e) override { next_->on_exit(e); }
  void on_attached(pid_t pid, const std::vector<pid_t>& tids) override { next_->on_attached(pid, tids); }
  void on_detached(pid_t tid) override { next_->on_detached(tid); }
  void on_finish(const TraceResult& r) override { next_->on_finish(r); }

 private:
  DisplayFilter filter_;
  Sink* next_;
  std::unordered_set<pid_t> path_hits_;  // threads whose current call matched -P at entry
};

}  // namespace syspect
