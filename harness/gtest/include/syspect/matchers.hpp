#pragma once
// GoogleMock matchers over calls (SyscallEvent) and whole traces (Trace).
// They compose with gmock's own (HasSubstr, Ge, Not, AllOf, Each,
// Contains, ElementsAre, _), describe themselves as verb phrases, and on a
// failure name the observed calls that came closest, as strace prints them.
//
//   EXPECT_THAT(t, Calls(Syscall("openat", Arg("pathname", "/etc/hostname"))));
//   EXPECT_THAT(t.syscalls("openat"), Each(Syscall(_, Arg("flags", HasFlag("O_CLOEXEC")))));

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <gmock/gmock.h>

#include "syspect/event.hpp"
#include "syspect/syscall_arg.hpp"
#include "syspect/trace.hpp"

namespace syspect::testing {

namespace detail {

// A condition on one call, in words that join with others: the matchers
// below build these; the matchers' sources judge and word them (its
// interface is theirs, in src/call_condition.hpp).
class CallCondition;

// A matcher of an argument (HasFlag, Member) that can say, once the syscall
// is known, whether the names it was given exist for that argument. Throws
// std::invalid_argument with a "did you mean" when one does not.
class ArgNameCheck {
 public:
  virtual ~ArgNameCheck() = default;
  virtual void check_names(const SyscallDesc& call, int arg) const = 0;
};

using CallConditionPtr = std::shared_ptr<const CallCondition>;

// The gmock face of a CallCondition.
class CallMatcherImpl {
 public:
  explicit CallMatcherImpl(CallConditionPtr c) : c_(std::move(c)) {}
  bool MatchAndExplain(const SyscallEvent& e, ::testing::MatchResultListener* listener) const;
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;
  const CallConditionPtr& condition() const { return c_; }

 private:
  CallConditionPtr c_;
};

// Any gmock matcher of a call, as a condition worded by its description.
CallConditionPtr foreign_condition(::testing::Matcher<const SyscallEvent&> m);
// "openat", "@file", "i386:getpid"; throws std::invalid_argument for a name
// that is neither a syscall nor a class.
CallConditionPtr name_condition(std::string_view name);
CallConditionPtr name_condition(::testing::Matcher<const std::string&> m);
CallConditionPtr syscall_condition(CallConditionPtr name, std::vector<CallConditionPtr> parts);
// `literal`: the string Arg() was given, when it was one (to rank near misses).
CallConditionPtr arg_condition(std::string name, ::testing::Matcher<const SyscallArg&> m,
                               std::optional<std::string> literal = std::nullopt);
CallConditionPtr returns_condition(::testing::Matcher<std::int64_t> m, bool literal);
// err 0: any errno.
CallConditionPtr fails_condition(int err);

// Matchers of a whole call or of a whole trace: what may not be nested as
// the matcher of a value (an argument, a member, a path, a result).
template <typename M>
inline constexpr bool is_call_or_trace_matcher =
    std::is_same_v<M, ::testing::PolymorphicMatcher<CallMatcherImpl>> ||
    std::is_same_v<M, ::testing::Matcher<const SyscallEvent&>> ||
    std::is_same_v<M, ::testing::Matcher<const Trace&>>;

template <typename M>
CallConditionPtr to_condition(const M& m) {
  static_assert(!std::is_same_v<M, ::testing::Matcher<const Trace&>>,
                "a matcher of a whole trace (Calls, CallsTimes, Never, InOrder, OnlySyscalls, ...) cannot be "
                "a part of one call: give Syscall(), Arg(), Returns() or Fails() here, and the trace "
                "matcher to EXPECT_THAT(trace, ...)");
  if constexpr (std::is_same_v<M, ::testing::Matcher<const Trace&>>) {
    return foreign_condition(::testing::A<const SyscallEvent&>());  // after the assertion: no more errors
  } else if constexpr (std::is_same_v<M, ::testing::PolymorphicMatcher<CallMatcherImpl>>) {
    return m.impl().condition();
  } else {
    return foreign_condition(::testing::MatcherCast<const SyscallEvent&>(m));
  }
}

template <typename N>
CallConditionPtr to_name_condition(const N& n) {
  if constexpr (std::is_convertible_v<const N&, std::string_view>) {
    return name_condition(std::string_view(n));
  } else {
    return name_condition(::testing::MatcherCast<const std::string&>(n));
  }
}

// A string or an integer compares equal; anything else is a gmock matcher
// of a string or a number. For an argument (SyscallArg) or a struct member.
template <typename Value, typename M>
::testing::Matcher<const Value&> to_value_matcher(const M& m) {
  if constexpr (is_call_or_trace_matcher<M>) {
    (void)m;  // the caller's static_assert has said why
    return ::testing::A<const Value&>();
  } else if constexpr (std::is_convertible_v<const M&, std::string_view>) {
    return ::testing::Eq(std::string(std::string_view(m)));
  } else if constexpr (std::is_integral_v<M>) {
    return ::testing::Eq(static_cast<std::int64_t>(m));
  } else {
    return ::testing::MatcherCast<const Value&>(m);
  }
}

template <typename M>
::testing::Matcher<const SyscallArg&> to_arg_matcher(const M& m) {
  return to_value_matcher<SyscallArg>(m);
}

template <typename M>
::testing::Matcher<std::size_t> to_count_matcher(const M& m) {
  if constexpr (is_call_or_trace_matcher<M>) {
    (void)m;  // the caller's static_assert has said why
    return ::testing::A<std::size_t>();
  } else if constexpr (std::is_integral_v<M>) {
    return ::testing::Eq(static_cast<std::size_t>(m));
  } else {
    return ::testing::MatcherCast<std::size_t>(m);
  }
}

using TraceMatcher = ::testing::Matcher<const Trace&>;
TraceMatcher calls(CallConditionPtr c);
TraceMatcher calls_times(CallConditionPtr c, ::testing::Matcher<std::size_t> count, bool literal,
                         std::size_t literal_count);
TraceMatcher never(CallConditionPtr c);
TraceMatcher in_order(std::vector<CallConditionPtr> steps);

}  // namespace detail

// A matcher of one call.
using CallMatcher = ::testing::PolymorphicMatcher<detail::CallMatcherImpl>;
// A matcher of a whole trace (a Trace, or a FunctionTrace).
using TraceMatcher = ::testing::Matcher<const Trace&>;

// ---- one call ------------------------------------------------------------

// A call to `name` ("openat", a class "@file", "i386:getpid" for a call
// through the i386 ABI; an x86_64 name never matches an i386 call) or whose
// name matches a string matcher (`_`, HasSubstr("stat")), that also meets
// every one of `parts` (Arg, Returns, Fails, or any matcher of a call).
template <typename Name, typename... Parts>
CallMatcher Syscall(const Name& name, const Parts&... parts) {
  return CallMatcher(detail::CallMatcherImpl(detail::syscall_condition(
      detail::to_name_condition(name), {detail::to_condition(parts)...})));
}

// A call whose argument `name` (as in the man page: "pathname", "flags")
// matches `m`: a string (its bytes for a string argument, else the
// argument as strace shows it: "O_RDONLY|O_CLOEXEC", "AT_FDCWD"), an integer,
// HasFlag(), or any gmock matcher of a string or a number. A name no
// syscall has as an argument, or an index past 5, throws
// std::invalid_argument; inside Syscall("name", ...) the argument must be
// one of that syscall's, and a string of constants must be of its family.
template <typename M>
CallMatcher Arg(std::string_view name, const M& m) {
  static_assert(!detail::is_call_or_trace_matcher<M>,
                "Arg(name, m): m is about the argument's value (a string, a number, HasFlag(), Member(), "
                "FdPath(), or a gmock matcher such as HasSubstr()); Syscall(), Arg(), Returns() and Fails() "
                "are about a whole call: put them beside this Arg() inside Syscall(), not inside it");
  std::optional<std::string> literal;
  if constexpr (std::is_convertible_v<const M&, std::string_view>) literal = std::string(std::string_view(m));
  return CallMatcher(detail::CallMatcherImpl(
      detail::arg_condition(std::string(name), detail::to_arg_matcher(m), std::move(literal))));
}
// The argument at `index` (0-based).
template <typename M>
CallMatcher Arg(int index, const M& m) {
  return Arg(std::to_string(index), m);
}

namespace detail {

class MemberMatcher : public ::testing::MatcherInterface<const SyscallArg&>, public ArgNameCheck {
 public:
  // `literal`: the string Member() was given, when it was one (a constant
  // of the member's family, "O_WRONLY", is compared by value).
  MemberMatcher(std::string name, ::testing::Matcher<const StructMember&> inner,
                std::optional<std::string> literal = std::nullopt);
  bool MatchAndExplain(const SyscallArg& arg, ::testing::MatchResultListener* listener) const override {
    for (const StructField& f : arg.value().fields) {
      if (name_ != f.name) continue;
      StructMember member(name_, &f);
      *listener << name_ << " is " << ::testing::PrintToString(member);
      if (std::optional<bool> named = matches_constant(arg, f)) return *named;
      return inner_.MatchAndExplain(member, listener);
    }
    *listener << (arg.value().form == ArgValue::Form::Struct ? "the struct has no member "
                                                              : "not a decoded struct, so no member ")
              << name_;
    return false;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "has member " << name_ << " that ";
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "has no member " << name_ << " that ";
    inner_.DescribeTo(os);
  }
  void check_names(const SyscallDesc& call, int arg) const override;

 private:
  // A literal constant against a number member named by a family: whether
  // it equals; nothing when that does not apply.
  std::optional<bool> matches_constant(const SyscallArg& arg, const StructField& f) const;

  std::string name_;
  ::testing::Matcher<const StructMember&> inner_;
  std::optional<std::string> literal_;
};

}  // namespace detail

// A member of a decoded struct argument matches `m` (an integer, a string,
// or a gmock matcher): Arg("addr", Member("sin_port", 8080)),
// Arg("addr", Member("sin_addr", "127.0.0.1")), Arg("statbuf",
// Member("st_size", Gt(0))). Nested members have dotted names.
// A member no decoded struct has throws std::invalid_argument ("did you mean
// 'st_size'?"); inside Syscall("name", Arg(...)) the member must be one of
// that argument's struct.
template <typename M>
::testing::Matcher<const SyscallArg&> Member(std::string name, const M& m) {
  static_assert(!detail::is_call_or_trace_matcher<M>,
                "Member(name, m): m is about the member's value (a string, a number, or a gmock matcher "
                "such as Gt(0)); Syscall(), Arg(), Returns() and Fails() are about a whole call and "
                "cannot be inside it");
  std::optional<std::string> literal;
  if constexpr (std::is_convertible_v<const M&, std::string_view>) literal = std::string(std::string_view(m));
  return ::testing::MakeMatcher(new detail::MemberMatcher(
      std::move(name), detail::to_value_matcher<StructMember>(m), std::move(literal)));
}

// A flag argument has `flag` set (a name of the argument's own family:
// "O_CLOEXEC" for open's flags, "O_RDONLY" for its access mode). A name of
// no family throws std::invalid_argument; inside Syscall("name", Arg(...))
// it must be of that argument's family.
::testing::Matcher<const SyscallArg&> HasFlag(std::string flag);

namespace detail {

class FdPathMatcher : public ::testing::MatcherInterface<const SyscallArg&>, public ArgNameCheck {
 public:
  explicit FdPathMatcher(::testing::Matcher<const std::string&> path) : path_(std::move(path)) {}
  bool MatchAndExplain(const SyscallArg& arg, ::testing::MatchResultListener* listener) const override;
  void DescribeTo(std::ostream* os) const override;
  void DescribeNegationTo(std::ostream* os) const override;
  void check_names(const SyscallDesc& call, int arg) const override;

 private:
  ::testing::Matcher<const std::string&> path_;
};

}  // namespace detail

// An fd argument refers to a file whose path matches `m` (a string, or a
// gmock matcher of a string: HasSubstr(".tmp"), EndsWith("/data")), as
// SyscallArg::file() reads it: Syscall("fsync", Arg("fd", FdPath(HasSubstr(".tmp")))).
// trace() and trace_function() read the file behind every fd argument as
// the call is made, so TraceOptions::decode_fds is not needed (it only
// shows the paths in the text). Inside Syscall("name", Arg(...)) the
// argument must be a descriptor.
template <typename M>
::testing::Matcher<const SyscallArg&> FdPath(const M& m) {
  static_assert(!detail::is_call_or_trace_matcher<M>,
                "FdPath() takes the path: a string or a matcher of a string such as HasSubstr(\".tmp\"); "
                "Syscall(), Arg(), Returns() and Fails() are about a whole call and cannot be inside it");
  return ::testing::MakeMatcher(new detail::FdPathMatcher(detail::to_value_matcher<std::string>(m)));
}

// The call succeeded and returned a value matching `m` (a number or a
// matcher of std::int64_t: Ge(0)).
template <typename M>
CallMatcher Returns(const M& m) {
  static_assert(!detail::is_call_or_trace_matcher<M>,
                "Returns(m): m is about the result (a number, or a gmock matcher such as Ge(0)); "
                "Syscall(), Arg(), Returns() and Fails() are about a whole call and cannot be inside it");
  if constexpr (detail::is_call_or_trace_matcher<M>) {
    return Returns(::testing::A<std::int64_t>());  // after the assertion: no more errors
  } else if constexpr (std::is_integral_v<M>) {
    return CallMatcher(detail::CallMatcherImpl(
        detail::returns_condition(::testing::Eq(static_cast<std::int64_t>(m)), true)));
  } else {
    return CallMatcher(detail::CallMatcherImpl(
        detail::returns_condition(::testing::MatcherCast<std::int64_t>(m), false)));
  }
}

// The call failed (with errno `err`, when given).
CallMatcher Fails(int err = 0);
// The call failed with the errno named `name` ("ENOENT"); throws
// std::invalid_argument for an unknown name.
CallMatcher FailsWith(std::string_view name);
// syspect injected a fault into the call (TraceOptions::injections): its
// result, a signal after it, or a delay. Not(Injected()) is a call as the
// program made it.
CallMatcher Injected();

// ---- a whole trace ---------------------------------------------------------

// Some call matches `m`.
template <typename M>
TraceMatcher Calls(const M& m) {
  return detail::calls(detail::to_condition(m));
}

// The number of calls matching `m` matches `count` (a number or a matcher
// of std::size_t: Ge(2)).
template <typename M, typename C>
TraceMatcher CallsTimes(const M& m, const C& count) {
  static_assert(!detail::is_call_or_trace_matcher<C>,
                "CallsTimes(call, count): count is a number or a matcher of a number such as Ge(2); "
                "the call matcher comes first");
  std::size_t literal = 0;
  if constexpr (std::is_integral_v<C>) literal = static_cast<std::size_t>(count);
  return detail::calls_times(detail::to_condition(m), detail::to_count_matcher(count),
                             std::is_integral_v<C>, literal);
}

// No call matches `m`.
template <typename M>
TraceMatcher Never(const M& m) {
  return detail::never(detail::to_condition(m));
}

// Every call is one of `allowed`: syscall names and @classes with the
// semantics of an expectation file's [policy] allow list ("i386:name" for
// the i386 ABI). Throws std::invalid_argument for an unknown name.
TraceMatcher OnlySyscalls(const std::vector<std::string>& allowed);

// Calls matching each of `steps`, in this order (others may come between).
template <typename... M>
TraceMatcher InOrder(const M&... steps) {
  return detail::in_order({detail::to_condition(steps)...});
}

// No calls at all.
TraceMatcher NoSyscalls();

// Every rule of the expectation file at `path` holds for the trace (its
// [run] section is not used: the trace is given). A relative path is
// relative to the current directory.
TraceMatcher SatisfiesSpec(const std::string& path);

// The trace is the recorded one at `path` (JSON Lines, as `syspect record`
// writes it) under the normalisation of `syspect diff`: pids by their place
// in the tree, addresses, times, random bytes and futex calls; `normalize`
// adds `syspect diff --normalize` rules ("REGEX=REPLACEMENT"; a bad one
// throws std::invalid_argument). A mismatch explains itself with the
// unified diff and count table `syspect diff` prints. A missing recording
// is a failure: only with SYSPECT_UPDATE_RECORDINGS=1 in the environment
// does the matcher write the recording (or rewrite one that differs) and
// hold, saying so on stdout. A relative path is relative to the current
// directory.
TraceMatcher MatchesRecording(const std::string& path, const std::vector<std::string>& normalize = {});

// ---- how the run ended ---------------------------------------------------
//
// A run cut short (its timeout fired, the tracer was stopped) neither exits
// with a status nor is killed by a signal: only a run that ended on its own
// can meet ExitedWith or KilledBySignal. A crash never meets ExitedWith(0).
//
//   EXPECT_THAT(t, ExitedWith(0));
//   EXPECT_THAT(trace_function([] { abort(); }), KilledBySignal(SIGABRT));

namespace detail {
// `literal`: the status ExitedWith() was given, when it was a number.
TraceMatcher exited_with(::testing::Matcher<int> status, std::optional<long long> literal);
TraceMatcher killed_by_signal(std::optional<int> sig);
}  // namespace detail

// The root process (for a function, the process it ran in) exited with a
// status matching `m`: a number (0 to 255; anything else throws
// std::invalid_argument) or a matcher of int (Ne(0)).
template <typename M>
TraceMatcher ExitedWith(const M& m) {
  if constexpr (std::is_integral_v<M>) {
    return detail::exited_with(::testing::Eq(static_cast<int>(m)), static_cast<long long>(m));
  } else {
    return detail::exited_with(::testing::MatcherCast<int>(m), std::nullopt);
  }
}

// A signal killed the root process: `sig` (SIGSEGV; not a signal number
// throws std::invalid_argument), or, without an argument, any signal.
TraceMatcher KilledBySignal(int sig);
TraceMatcher KilledBySignal();

// The trace's timeout fired and the traced tree was killed.
TraceMatcher TimedOut();

}  // namespace syspect::testing
