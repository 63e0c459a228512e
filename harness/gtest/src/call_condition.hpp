#pragma once
// The condition on one call that the matchers of syspect/matchers.hpp build:
// how it judges a call, words itself and ranks near misses. Private to the
// matchers' sources; the public header only names it.

#include <optional>
#include <string>
#include <vector>

#include "syspect/event.hpp"
#include "syspect/matchers.hpp"

namespace syspect::testing::detail {

// A condition on one call, in words that join with others'.
class CallCondition {
 public:
  virtual ~CallCondition() = default;
  // Whether `e` meets it; when not and `why` is given, a "which ..." or
  // "whose ..." clause that says why.
  virtual bool check(const SyscallEvent& e, std::string* why) const = 0;
  // A noun phrase without its article: "call to openat whose pathname ...".
  virtual std::string noun() const = 0;
  // How it reads inside Syscall(): "whose pathname is ...", "returning 0".
  virtual std::string clause() const { return "that is a " + noun(); }
  // The calls it is about at all (right name, has the argument): only
  // these count as near misses.
  virtual bool selects(const SyscallEvent& e) const {
    (void)e;
    return true;
  }
  virtual bool narrows() const { return false; }
  // "calls to openat" / "call to openat".
  virtual std::string selection(bool plural) const { return plural ? "calls" : "call"; }
  // What it asks beyond selection: "whose pathname is ..."; empty if nothing.
  virtual std::string refinement() const { return clause(); }
  // How close `e` comes, to rank near misses: 1000 × weight() for each part
  // that holds, plus likeness() of each that does not.
  virtual unsigned closeness(const SyscallEvent& e) const { return check(e, nullptr) ? 1000 : 0; }
  // How much this part counts when it holds: more for an argument that
  // tells one call from another (a path, an fd, an address, a name) than
  // for a flag or a result, so that the call a person is looking for comes
  // first.
  virtual unsigned weight(const SyscallEvent& e) const {
    (void)e;
    return 1;
  }
  // What of this condition `e` fails, one line per part, in the words of
  // `syspect check`: "flags was O_RDONLY; wanted: has O_CLOEXEC".
  virtual std::vector<std::string> misses(const SyscallEvent& e) const {
    std::string why;
    if (check(e, &why)) return {};
    return {why.empty() ? "does not " + clause() : why};
  }
  // For a part that does not hold, how nearly it does (for a wanted string,
  // how much of its beginning and end the one seen shares), below 1000.
  virtual unsigned likeness(const SyscallEvent& e) const {
    (void)e;
    return 0;
  }
  // When check() fails only because an argument it looks at was cut when
  // read (ArgValue::truncated), so that the call may or may not meet it:
  // why, as a "whose ..." clause. Never and CallsTimes fail on such calls.
  virtual std::optional<std::string> undecided(const SyscallEvent& e) const {
    (void)e;
    return std::nullopt;
  }
  // The syscalls a name part selects, when it names them (a syscall, a
  // class); empty when it is a string matcher.
  virtual std::vector<const SyscallDesc*> named_calls() const { return {}; }
  // Throws std::invalid_argument when a name in this part exists in none of
  // `calls` (an argument, a flag, a struct member, a constant).
  virtual void validate(const std::vector<const SyscallDesc*>& calls) const { (void)calls; }
};

}  // namespace syspect::testing::detail
