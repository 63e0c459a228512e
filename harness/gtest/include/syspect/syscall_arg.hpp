#pragma once
// One argument of one call, as a test looks at it: by name, as a number, as
// a string, or as strace shows it. What the matcher given to Arg() sees.

#include <compare>
#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "syspect/event.hpp"

namespace syspect {

// So that gmock's string matchers (HasSubstr, StartsWith, MatchesRegex)
// and comparisons (Eq, Ge, Lt) apply to a value directly: `D` has str(),
// number() and is_number() (whether integers may equal it).
template <typename D>
class ValueComparisons {
 public:
  operator std::string() const { return self().str(); }  // NOLINT(google-explicit-constructor)
  friend bool operator==(const D& a, std::string_view s) { return a.str() == s; }
  template <std::integral I>
  friend bool operator==(const D& a, I v) {
    return a.is_number() && std::cmp_equal(a.number(), v);
  }
  template <std::integral I>
  friend std::strong_ordering operator<=>(const D& a, I v) {
    if (std::cmp_less(a.number(), v)) return std::strong_ordering::less;
    if (std::cmp_equal(a.number(), v)) return std::strong_ordering::equal;
    return std::strong_ordering::greater;
  }

 private:
  const D& self() const { return static_cast<const D&>(*this); }
};

class SyscallArg : public ValueComparisons<SyscallArg> {
 public:
  SyscallArg(const SyscallEvent& call, int index) : call_(&call), index_(index) {}

  const SyscallEvent& call() const { return *call_; }
  int index() const { return index_; }
  // "pathname"; "arg2" for an argument of an unknown syscall.
  std::string name() const;
  const ArgValue& value() const { return call_->args[static_cast<std::size_t>(index_)]; }
  // The table's description; nullptr for an unknown syscall.
  const ArgDesc* desc() const;

  // A decoded number (ints, fds, flags, signals) as such; otherwise the
  // register value.
  std::int64_t number() const;
  // A string's bytes, unquoted; otherwise text().
  std::string str() const;
  // As strace shows it: "\"/etc/hosts\"", "O_RDONLY|O_CLOEXEC", "AT_FDCWD".
  std::string text() const;
  // Whether a flag of the argument's own family (O_CLOEXEC for open's
  // flags) is set; nothing when the argument has no such flag.
  std::optional<bool> has_flag(std::string_view flag) const;
  // For an fd argument, the file it referred to when the call was made
  // ("/tmp/x.tmp", "pipe:[1234]"): read by trace() and trace_function()
  // for every fd argument, and kept in a recorded trace made with -y.
  // Nothing when it is not known (not an open fd, or a recording without -y).
  std::optional<std::string> file() const;

  bool is_number() const { return true; }  // for ValueComparisons

 private:
  const SyscallEvent* call_;
  int index_;
};

// A member of a decoded struct argument ("st_size", "sin_port",
// "sin_addr"): a number or text. What the matcher given to Member() sees.
class StructMember : public ValueComparisons<StructMember> {
 public:
  StructMember(std::string name, const StructField* field) : name_(std::move(name)), field_(field) {}
  const std::string& name() const { return name_; }
  bool is_text() const { return field_ != nullptr && field_->is_text; }
  // The number (0 for text).
  std::int64_t number() const { return field_ != nullptr && !field_->is_text ? field_->value : 0; }
  // The text, or the number in decimal.
  std::string str() const {
    if (field_ == nullptr) return {};
    return field_->is_text ? field_->str : std::to_string(field_->value);
  }
  bool is_number() const { return field_ != nullptr && !field_->is_text; }

 private:
  std::string name_;
  const StructField* field_;
};

void PrintTo(const StructMember& member, std::ostream* os);

// The argument named `name` ("pathname", or its position "0".."5"), or
// nothing when the call has no such argument.
std::optional<SyscallArg> find_arg(const SyscallEvent& call, std::string_view name);

// The argument named `name`; throws std::out_of_range naming the call's
// arguments when it has no such argument.
SyscallArg arg_of(const SyscallEvent& call, std::string_view name);

// The call as strace prints it, without padding: `openat(AT_FDCWD,
// "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3`.
std::string strace_text(const SyscallEvent& call);

void PrintTo(const SyscallArg& arg, std::ostream* os);

}  // namespace syspect
