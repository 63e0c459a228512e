#pragma once
// What the tracer reports: one SyscallEvent per completed (or abandoned)
// syscall, and process events for signals, execs and exits.

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "syspect/syscall_table.hpp"

namespace syspect {

// The name of a struct member ("st_size", "it_value.tv_sec", "[2].fd"). It
// refers to text that lives as long as the program: a string literal, or a
// name made at run time and kept by FieldName::intern(). So an event copies
// its members' names for nothing, and a name does not dangle: it cannot be
// made from a std::string or a pointer, only from a literal or by intern().
class FieldName {
 public:
  // A string literal ("st_size"). A char array that can change does not
  // compile; one made at run time goes through intern().
  template <std::size_t N>
  constexpr FieldName(const char (&literal)[N]) noexcept  // NOLINT(google-explicit-constructor)
      : text_(literal) {}
  template <std::size_t N>
  FieldName(char (&)[N]) = delete;

  // `name` kept for the life of the program (each distinct name once).
  static FieldName intern(std::string_view name);

  const char* c_str() const noexcept { return text_; }
  std::string_view view() const noexcept { return text_; }
  operator std::string_view() const noexcept { return text_; }  // NOLINT(google-explicit-constructor)

  friend bool operator==(FieldName a, FieldName b) noexcept { return a.view() == b.view(); }
  friend bool operator==(FieldName a, std::string_view b) noexcept { return a.view() == b; }
  friend std::ostream& operator<<(std::ostream& os, FieldName n);

 private:
  struct Interned {};
  FieldName(const char* text, Interned) noexcept : text_(text) {}
  const char* text_;
};

// A member of a decoded struct, by its C name: a number (st_size, sin_port),
// or text when the member is not a number (sin_addr "127.0.0.1", sun_path).
// Members of nested structs are named with a dot ("it_value.tv_sec").
struct StructField {
  StructField(FieldName field, std::int64_t number) : name(field), value(number) {}
  StructField(FieldName field, std::string text)
      : name(field), str(std::move(text)), is_text(true) {}

  FieldName name;
  std::int64_t value = 0;  // a number
  std::string str;         // text, when is_text
  bool is_text = false;
};

// One decoded argument. `raw` is always the register value; the rest depends
// on the argument's kind. (A member added here, or to the events below, must
// also be encoded by EventStore: tracer/src/event_store.cpp checks the sizes.)
struct ArgValue {
  enum class Form : std::uint8_t {
    Number,       // `num` holds the value (ints, fds, flags, enums, signals)
    Null,         // a NULL pointer
    Pointer,      // an address not read (or not readable): `raw`
    String,       // `bytes` (whole up to PATH_MAX unless `truncated`)
    StringArray,  // `items` (+ `total_items`, `truncated` when cut)
    Bytes,        // a buffer: `bytes`, of which `total_len` existed
    Pair,         // FdPair: `items` empty, `num` and `num2`
    Unavailable,  // an output argument of a call that failed or never returned
    Struct,       // a struct read from the tracee: `text` as strace shows it,
                  // and its numeric `fields` by name
  };

  std::uint64_t raw = 0;
  Form form = Form::Number;
  // String/StringArray/Bytes: cut when read; Struct: data or elements left
  // out (an iov_base cut at -s, an array shown up to -s elements).
  bool truncated = false;
  bool unreadable = false;  // the pointer could not be read: shown as address
  // With fd paths on (-y): the file fd_path (fd_path2) names was deleted,
  // shown "3</tmp/x>(deleted)"; the path is kept without the " (deleted)"
  // readlink adds. A live file may have a name that ends in " (deleted)".
  bool fd_deleted = false;
  bool fd_deleted2 = false;
  std::int64_t num = 0;
  std::int64_t num2 = 0;
  // Bytes: how long the buffer really was. StringArray: one past the first
  // item that was cut when read (0: every item kept is whole).
  std::uint64_t total_len = 0;
  std::size_t total_items = 0;  // StringArray: how many items in all
  std::string bytes;
  std::vector<std::string> items;
  // Struct: "{st_mode=S_IFREG|0644, st_size=5, ...}"; Bytes: the buffer
  // decoded, when it is shown so (netlink messages), or empty.
  std::string text;
  std::vector<StructField> fields;  // Struct: st_size, sin_port, ...
  // Struct, in/out: what the call wrote back where strace shows it after the
  // result ("[{fd=3, revents=POLLIN}]", "in [3]", "left {tv_sec=0, ...}").
  std::string text_out;
  // With fd paths on (-y): what the fd argument referred to when the call
  // was made ("/etc/hostname", "pipe:[1234]", "socket:[5678]"); for a Pair,
  // fd_path2 is the second fd's. Empty when off or when it is not an open fd.
  std::string fd_path;
  std::string fd_path2;
  // What the fd argument referred to when the call was made, read for
  // matchers that ask (gtest's FdPath) whether or not fd paths are shown:
  // never shown, never written to a trace file. Empty when not read.
  std::string fd_file;
};

// The executable of a process at the time of an event.
using ExePath = std::shared_ptr<const std::string>;

// What syspect injected into a call (-e inject=, an expectation file's
// [[inject]], TraceOptions::injections; see inject.hpp).
struct InjectedFault {
  // The call did not run: its result (or errno) is the injected one.
  bool skipped = false;
  int signal = 0;  // sent to the thread after the call returned
  std::uint32_t delay_enter_us = 0;
  std::uint32_t delay_exit_us = 0;
  std::uint16_t rule = 0;  // which injection, from 0 in the order given

  bool any() const { return skipped || signal != 0 || delay_enter_us != 0 || delay_exit_us != 0; }
  bool operator==(const InjectedFault&) const = default;
};

// One frame of a call's user-space stack (TraceOptions::stacks), as strace
// -k shows it: ` > module(symbol+0xoffset) [0xmodule_offset]`.
struct StackFrame {
  std::uint64_t address = 0;        // the instruction address in the process
  std::string module;               // the ELF file mapped there; empty if none
  std::uint64_t module_offset = 0;  // address minus where the module was loaded
  std::string symbol;               // the function; empty without a symbol
  std::uint64_t offset = 0;         // address minus the symbol's start
  std::string file;                 // the source file, with debug info only
  int line = 0;                     // its line; 0 when unknown
};

// A call's stack, innermost frame first; shared by the events of the same
// call site.
using Stack = std::shared_ptr<const std::vector<StackFrame>>;

struct SyscallEvent {
  std::uint64_t seq = 0;  // position in the trace
  pid_t pid = 0;          // thread group id
  pid_t tid = 0;          // thread id
  Abi abi = Abi::x86_64;
  long nr = 0;
  const SyscallDesc* desc = nullptr;  // nullptr for an unknown number
  std::uint64_t ip = 0;  // the instruction pointer at entry (strace -i)
  std::uint8_t nargs = 0;
  std::array<ArgValue, 6> args{};
  std::int64_t result = 0;  // raw return value (negative errno on failure)
  int err = 0;              // the errno when the call failed, else 0
  bool finished = true;     // false: the tracee died inside the call
  // Unfinished because the tracer detached (attach mode) while the call ran:
  // the call goes on untraced. strace shows it `... <detached ...>`.
  bool detached = false;
  // Made through the legacy vsyscall page (time, gettimeofday, getcpu at
  // 0xffffffffff600000), which the kernel emulates: seen at its seccomp
  // stop only, with no exit stop, so its result is not seen (finished is
  // false) unless syspect made it fail (blocked).
  bool vsyscall = false;
  // Bit i set: argument i points to memory the call reads (a path, a
  // string, a buffer, argv, a struct), and what the kernel used may not be
  // what was decoded: the memory was not the same at the call's exit as at
  // its entry, when syspect read it, or the call's effect as the kernel
  // reports it (connect's peer, the program an exec started, the names a
  // call created or removed) contradicts the decoded value. Checked only
  // for the calls a sink asks for (Interest::add_recheck).
  std::uint8_t changed_args = 0;
  bool no_return = false;   // exit/exit_group: the call never returns
  // A sink's verdict stopped the call before it ran: it failed with `err`
  // (Fail), or the tree was killed (Kill: the event is unfinished).
  bool blocked = false;
  bool fd_deleted = false;  // fd_path's file was deleted (as ArgValue::fd_deleted)
  // execve: the value of the caller's tid when it differs from `tid`
  // (an exec from a non-leader thread takes over the leader's tid).
  pid_t exec_old_tid = 0;
  // The resumed call for restart_syscall ("read").
  const SyscallDesc* resumed = nullptr;
  // open/openat/openat2/creat: the file the returned descriptor refers to,
  // set only when it is not the file the decoded path names (the path was
  // changed by another thread while the call ran). Empty otherwise.
  std::string opened_path;
  // clone/clone3/fork/vfork: the child was not announced to the tracer (it
  // escaped tracing) and was killed.
  bool untraced_child_killed = false;
  // With fd paths on (-y): what a returned fd refers to ("/tmp/x").
  std::string fd_path;
  ExePath exe;
  // A fault syspect injected into this call; `injected.any()` is false for
  // a call that ran as the program made it.
  InjectedFault injected;
  // With stacks on (TraceOptions::stacks, -k): the user-space stack at the
  // call's entry, for the calls a sink is interested in; null otherwise.
  Stack stack;
  // When the call was made: CLOCK_REALTIME at its entry stop, in ns since
  // the epoch (0: not known, as in a trace recorded without it). strace's
  // -t/-tt/-ttt/-r print it.
  std::int64_t time_ns = 0;
  // How long the call took, entry stop to exit stop, by CLOCK_MONOTONIC
  // (strace's -T), in ns; -1 when the exit was not seen (an unfinished or
  // no-return call, a call let run without an exit stop, an older trace).
  std::int64_t duration_ns = -1;

  std::string name() const;  // "openat", "syscall_0x3e8"
  bool failed() const { return err != 0; }
};

struct SignalEvent {
  std::uint64_t seq = 0;
  pid_t pid = 0;
  pid_t tid = 0;
  int signo = 0;
  int code = 0;       // si_code
  int errno_ = 0;     // si_errno
  pid_t sender_pid = 0;
  uid_t sender_uid = 0;
  int status = 0;     // SIGCHLD si_status
  long utime = 0, stime = 0;
  std::uint64_t addr = 0;  // SIGSEGV/SIGBUS si_addr
  int syscall = 0;         // SIGSYS si_syscall
  bool stopped = false;    // a group-stop was observed for this signal
  std::int64_t time_ns = 0;  // CLOCK_REALTIME when reported, ns (0: not known)
  std::uint64_t ip = 0;    // the instruction pointer at the stop (strace -i)
  ExePath exe;
};

struct ExecEvent {
  std::uint64_t seq = 0;
  pid_t pid = 0;
  pid_t old_tid = 0;  // the thread that called execve (== pid unless non-leader)
  std::string filename;  // /proc/PID/exe after the exec
  ExePath exe;
};

struct ExitEvent {
  std::uint64_t seq = 0;
  pid_t pid = 0;
  pid_t tid = 0;
  bool signaled = false;  // killed by `signal`; else exited with `code`
  int code = 0;
  int signal = 0;
  bool core_dumped = false;
  bool group_leader = true;  // false for a thread that is not its group's leader
  // The leader's old self, replaced by an execve in thread `superseded_by`.
  pid_t superseded_by = 0;
  std::int64_t time_ns = 0;  // CLOCK_REALTIME when reported, ns (0: not known)
  ExePath exe;
};

// Why the trace ended, and how the traced program ended.
struct TraceResult {
  bool started = false;      // the target's execve succeeded
  bool exited = false;       // the root process exited (or was killed)
  bool signaled = false;
  int exit_code = 0;
  int term_signal = 0;
  bool timed_out = false;    // --timeout fired and the tree was killed
  bool detached = false;     // attach mode: detached on request
  // Tracer::request_stop() ended the trace before the traced tree ended:
  // spawned processes were killed, attached ones detached.
  bool interrupted = false;
  int interrupt_signal = 0;  // the signal that asked for the stop, when one did
  // How many calls each of TraceOptions::injections selected (its set and
  // condition), in the order given: what `syspect sweep` counts.
  std::vector<std::uint64_t> injection_counts;
  // Status as a shell reports it: code, or 128 + signal.
  int status() const { return signaled ? 128 + term_signal : exit_code; }
  // The run ended on its own: the root process exited or was killed by a
  // signal of its own, and no timeout, stop or detach cut the trace short.
  // Only then do exit_code and term_signal say how the program ended.
  bool finished() const { return started && exited && !timed_out && !interrupted && !detached; }
};

}  // namespace syspect
