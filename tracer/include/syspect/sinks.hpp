#pragma once
// The sinks that come with the tracer: strace-style text, JSON Lines, and an
// in-memory record of every event.

#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "syspect/format.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

// A FILE* that a sink writes its lines to, remembering the first write that
// failed (a full disk, an I/O error, a closed pipe). After that nothing more
// is written: a trace with a hole in it would read as whole, while one cut at
// its first failure is known to be incomplete. Checking costs a comparison
// per line; stdio still buffers.
class SinkOutput {
 public:
  explicit SinkOutput(std::FILE* out) : out_(out) {}
  void write(std::string_view bytes);
  // Flushes, and checks the stream's error flag.
  void flush();
  // The errno of the first failure, or 0.
  int error() const { return error_; }

 private:
  std::FILE* out_;
  int error_ = 0;
};

// How lines name their thread. strace -f writes "[pid  N] " to a terminal
// while more than one tracee lives, and "N  " on every line of a file.
enum class PidPrefix { None, WhenMany, Always };

// Lines as strace -f prints them, to a FILE*. Lines are buffered by stdio and
// flushed when the trace ends; write_error() then says whether they all got
// there.
class TextSink : public Sink {
 public:
  TextSink(std::FILE* out, FormatOptions options, PidPrefix prefix = PidPrefix::WhenMany);
  // The errno of the first write that failed, or 0: the output then stops
  // at that point.
  int write_error() const { return out_.error(); }
  // strace's -e quiet=: leave out "+++ exited with N +++" and "+++ killed
  // by ... +++" (exits), "[ Process PID=N runs in 32 bit mode. ]"
  // (personality), "+++ superseded by execve in pid N +++" (superseded).
  void set_quiet(bool exits, bool personality, bool superseded) {
    quiet_exits_ = exits;
    quiet_personality_ = personality;
    quiet_superseded_ = superseded;
  }
  void on_syscall(const SyscallEvent& e) override;
  void on_signal(const SignalEvent& e) override;
  void on_exec(const ExecEvent& e) override;
  void on_exit(const ExitEvent& e) override;
  void on_attached(pid_t pid, const std::vector<pid_t>& tids) override;
  void on_detached(pid_t tid) override;
  void on_finish(const TraceResult& r) override;

 private:
  // The pid prefix, the timestamps, then -n's and -i's; `ip` null for an
  // exit's line.
  // `abi`: the call's, for -i's width; null: the thread's last one.
  void start_line(pid_t tid, std::int64_t time_ns, const std::uint64_t* ip = nullptr,
                  const Abi* abi = nullptr);
  void end_line();
  SinkOutput out_;
  FormatOptions options_;
  PidPrefix prefix_;
  std::string line_;
  std::int64_t last_time_ = 0;  // the previous line's event, for -r
  std::unordered_set<pid_t> live_;  // tracees seen and not yet exited
  // Threads whose last call was not x86_64: strace announces each switch.
  std::unordered_map<pid_t, Abi> personality_;
  std::unordered_map<pid_t, long> last_nr_;  // -n: each thread's last call
  bool quiet_exits_ = false;
  bool quiet_personality_ = false;
  bool quiet_superseded_ = false;
};

// One JSON object per line: a header, then one per event, then an "end" line.
// A file without its "end" line is read as truncated.
class JsonlSink : public Sink {
 public:
  // `header`: more members of the header line, each a name and a string
  // value ("trace": the calls kept, "redacted_env": whose values were
  // replaced).
  JsonlSink(std::FILE* out, const std::vector<std::string>& command,
            FormatOptions options, const std::vector<std::pair<std::string, std::string>>& header = {});
  // As TextSink::write_error().
  int write_error() const { return out_.error(); }
  void on_syscall(const SyscallEvent& e) override;
  void on_signal(const SignalEvent& e) override;
  void on_exec(const ExecEvent& e) override;
  void on_exit(const ExitEvent& e) override;
  void on_finish(const TraceResult& r) override;

 private:
  SinkOutput out_;
  FormatOptions options_;
  std::string line_;
};

using Event = std::variant<SyscallEvent, SignalEvent, ExecEvent, ExitEvent>;

// Keeps every event, in order.
class MemorySink : public Sink {
 public:
  void on_syscall(const SyscallEvent& e) override { events.emplace_back(e); }
  void on_signal(const SignalEvent& e) override { events.emplace_back(e); }
  void on_exec(const ExecEvent& e) override { events.emplace_back(e); }
  void on_exit(const ExitEvent& e) override { events.emplace_back(e); }
  void on_finish(const TraceResult& r) override { result = r; }

  std::vector<Event> events;
  TraceResult result;
};

}  // namespace syspect
