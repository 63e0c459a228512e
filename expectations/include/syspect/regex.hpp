#pragma once
// The regular expressions users give syspect: a spec's `{ regex = ... }`
// and `syspect diff --normalize REGEX=REPLACEMENT`. They run on what traced
// programs choose (paths, buffers, argv), so they are RE2 (from Debian's
// libre2): an automaton, matched in time linear in the text and in memory
// bounded by the pattern, whatever the text. RE2 has no backreferences and
// no lookaround; a pattern with one is refused when it is compiled.
//
// Matching is byte by byte (RE2's Latin-1 mode), as paths are bytes: `.`
// is any byte but '\n', and a non-ASCII character in a pattern stands for
// its UTF-8 bytes in a row.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "syspect/result.hpp"

namespace re2 {
class RE2;
}

namespace syspect {

class Regex {
 public:
  // The pattern compiled, or why it cannot be: RE2's words for the
  // problem, with what to write instead for backreferences and lookaround.
  static Result<Regex, std::string> compile(std::string_view pattern);

  // Whether the pattern matches anywhere in `text` (anchor it with ^ and $).
  bool search(std::string_view text) const;

  // One match: groups[0] is the whole match, groups[N] group N (empty and
  // with a null data() when it did not take part).
  struct Match {
    std::vector<std::string_view> groups;
    std::size_t position = 0;  // of the match in the text
  };

  // `text` with each match replaced by what `f` makes of it, left to right;
  // an empty match is replaced too, and the search goes on one byte later.
  std::string replace_each(std::string_view text, const std::function<std::string(const Match&)>& f) const;

  // `text` with each match replaced by `format`, read as ECMAScript's
  // String.prototype.replace reads it (and std::regex_replace): $& the
  // match, $1 to $99 a group, $` what came before the match, $' what comes
  // after, $$ a '$'.
  std::string replace(std::string_view text, std::string_view format) const;

  const std::string& pattern() const;

 private:
  explicit Regex(std::shared_ptr<const re2::RE2> re) : re_(std::move(re)) {}
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace syspect
