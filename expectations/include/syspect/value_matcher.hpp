#pragma once
// Value matchers: what an argument (or a result) must be. Built by the spec
// parser against the argument's kind, so that symbolic constants are already
// numbers here.

#include <sys/types.h>

#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "syspect/event.hpp"

namespace syspect {

// What a matcher may ask about the call it looks at.
struct MatchContext {
  // The file an fd of the calling process refers to ("/etc/hosts",
  // "socket:[1234]"), when known.
  std::function<std::optional<std::string>(int fd)> fd_path;
};

// How a value compares with a matcher. Undecided: the value was cut when
// it was read (ArgValue::truncated: a buffer beyond the tracer's limit, an
// argv item without its end) and the part that was read cannot settle it.
enum class Judgement : std::uint8_t { No, Yes, Undecided };

class ValueMatcher {
 public:
  virtual ~ValueMatcher() = default;
  // Yes only when the value is known to match (judge() == Yes).
  virtual bool matches(const ArgValue& v, const MatchContext& ctx) const = 0;
  // Never judges a prefix as if it were the whole value: on a cut value the
  // answer is Yes or No only when the part read settles it ("contains" found
  // in it, "prefix" decided by it), else Undecided.
  virtual Judgement judge(const ArgValue& v, const MatchContext& ctx) const {
    return matches(v, ctx) ? Judgement::Yes : Judgement::No;
  }
  // A phrase that completes "pathname ...": `is "/etc/hosts"`,
  // `matches glob "/etc/*"`, `has O_CLOEXEC`.
  virtual std::string describe() const = 0;
  // Whether matching needs fd paths.
  virtual bool uses_fd_path() const { return false; }
  // For a value that does not match, how nearly it does (to rank near
  // misses: a string sharing more of the wanted one's ends), below 1000.
  virtual unsigned likeness(const ArgValue& v) const {
    (void)v;
    return 0;
  }
};

using ValueMatcherPtr = std::shared_ptr<const ValueMatcher>;

// Factories. `kind` tells how a number is shown in descriptions.
namespace matchers {

enum class StrOp : std::uint8_t { Equals, Glob, Regex, Prefix, Suffix, Contains };
enum class IntOp : std::uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

// `pattern` must already be valid for Regex (the parser checks).
ValueMatcherPtr string(StrOp op, std::string pattern);
// `shown` is how the operand reads in a description ("AT_FDCWD", "0").
ValueMatcherPtr integer(IntOp op, std::int64_t value, std::string shown);
ValueMatcherPtr range(std::int64_t lo, std::int64_t hi);
// An exact flag set; `shown` is its spelling.
ValueMatcherPtr flags_equal(std::uint64_t value, std::string shown);
// One flag present (`has`) or absent. When `field_mask` is non-zero the flag
// is a value of that field (open's access mode) rather than a bit.
ValueMatcherPtr flag(bool has, std::uint64_t value, std::uint64_t field_mask, std::string shown);
// The file an fd refers to, matched by a string matcher.
ValueMatcherPtr fd_path(ValueMatcherPtr path);
// A string array (argv) equal item by item.
ValueMatcherPtr string_array(std::vector<std::string> items);
// A member of a decoded struct (`st_size`, `sin_port`, `it_value.tv_sec`),
// matched by `number` when the member is a number and by `text` when it is
// text (sin_addr, sun_path); either may be null when the value cannot
// apply. A struct that was not decoded, or has no such member, fails.
ValueMatcherPtr field(std::string name, ValueMatcherPtr number, ValueMatcherPtr text);
ValueMatcherPtr negate(ValueMatcherPtr inner);
ValueMatcherPtr all_of(std::vector<ValueMatcherPtr> parts);
// Any of `parts` (`{ glob = ["/etc/hosts", "/usr/lib/**"] }`).
ValueMatcherPtr any_of(std::vector<ValueMatcherPtr> parts);

}  // namespace matchers

// Why a cut value cannot be judged, as a phrase that follows its name:
// "is a buffer of 8192 bytes cut at 4096", "is a string cut at 4096 bytes".
std::string cut_description(const ArgValue& v);

// Glob over paths: `*` and `?` stay within one component, `**` crosses '/',
// `[abc]` and `[!a-z]` are classes, `\x` is a literal x. Compiled once;
// matching takes time linear in the text for a given pattern (at most the
// text's length times the pattern's), whatever the text.
class Glob {
 public:
  explicit Glob(std::string_view pattern);
  bool matches(std::string_view text) const;

 private:
  struct Step {
    std::bitset<256> bytes;  // the bytes this step takes
    // Once: one byte. Many: any number of bytes. SkipTwo: no byte, and
    // the next two steps may be left out (the "**" and '/' of "**/").
    enum Repeat : std::uint8_t { Once, Many, SkipTwo } repeat;
  };
  std::vector<Step> steps_;
};

bool glob_match(std::string_view pattern, std::string_view text);

// Why `pattern` is no glob: a '[' whose class is never closed (a literal
// '[' is written "\\["); nothing when it is one.
std::optional<std::string> glob_error(std::string_view pattern);

}  // namespace syspect
