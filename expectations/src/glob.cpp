// Globs over paths, as in the spec format: `*` and `?` stay within one
// path component, `**` crosses '/'.
//
// A glob is compiled into a list of steps, each a set of bytes it takes once
// or repeated, and matched by keeping the set of steps the text so far can
// have reached (a Thompson NFA): one pass over the text, each byte costing
// at most one look at each step. Matching takes O(text × pattern) time
// whatever the pattern; trying each way to split the text between stars
// would take time exponential in the number of stars.

#include <optional>
#include <string>
#include <string_view>

#include "syspect/value_matcher.hpp"

namespace syspect {
namespace {

// A bracket class at p[0] == '['; returns the length of the class, or 0 when
// it is not closed (then '[' is literal). `hit` tells whether `c` is in it.
std::size_t class_match(std::string_view p, unsigned char c, bool& hit) {
  std::size_t i = 1;
  bool negate = false;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    negate = true;
    ++i;
  }
  bool any = false;
  bool first = true;
  for (; i < p.size(); ++i) {
    if (p[i] == ']' && !first) {
      hit = any != negate;
      return i + 1;
    }
    first = false;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      if (c >= static_cast<unsigned char>(p[i]) && c <= static_cast<unsigned char>(p[i + 2])) any = true;
      i += 2;
    } else if (static_cast<unsigned char>(p[i]) == c) {
      any = true;
    }
  }
  return 0;
}

}  // namespace

Glob::Glob(std::string_view p) {
  std::bitset<256> component;  // any byte but '/'
  component.set();
  component.reset('/');
  std::bitset<256> all;
  all.set();
  auto one = [](unsigned char c) {
    std::bitset<256> b;
    b.set(c);
    return b;
  };
  std::size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (p.substr(i, 2) == "**") {
      // "**/" also matches no directory at all: nothing, or anything up to
      // and including a '/'. A step of its own takes nothing and leads
      // both into the "**" and past the '/'.
      if (i + 2 < p.size() && p[i + 2] == '/') {
        steps_.push_back({{}, Step::SkipTwo});
        steps_.push_back({all, Step::Many});
        steps_.push_back({one('/'), Step::Once});
        i += 3;
      } else {
        steps_.push_back({all, Step::Many});
        i += 2;
      }
    } else if (c == '*') {
      steps_.push_back({component, Step::Many});
      ++i;
    } else if (c == '?') {
      steps_.push_back({component, Step::Once});
      ++i;
    } else if (bool hit = false; c == '[' && class_match(p.substr(i), 0, hit) != 0) {
      // A class never takes '/'. An unclosed '[' is literal.
      std::bitset<256> in;
      std::size_t len = 0;
      for (unsigned b = 0; b < 256; ++b) {
        len = class_match(p.substr(i), static_cast<unsigned char>(b), hit);
        if (hit && b != '/') in.set(b);
      }
      steps_.push_back({in, Step::Once});
      i += len;
    } else if (c == '\\' && i + 1 < p.size()) {
      steps_.push_back({one(static_cast<unsigned char>(p[i + 1])), Step::Once});
      i += 2;
    } else {
      steps_.push_back({one(static_cast<unsigned char>(c)), Step::Once});
      ++i;
    }
  }
}

bool Glob::matches(std::string_view text) const {
  const std::size_t n = steps_.size();
  // at[k]: the text read so far can have matched the first k steps.
  std::vector<char> at(n + 1, 0), next(n + 1, 0);
  // Steps that can match nothing let the next one start at once. Every
  // such move goes forward, so one pass makes them all.
  auto close = [this, n](std::vector<char>& s) {
    for (std::size_t k = 0; k < n; ++k) {
      if (!s[k]) continue;
      if (steps_[k].repeat == Step::Many) s[k + 1] = 1;
      if (steps_[k].repeat == Step::SkipTwo) s[k + 1] = s[k + 3] = 1;
    }
  };
  at[0] = 1;
  close(at);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    bool alive = false;
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t k = 0; k < n; ++k) {
      if (!at[k]) continue;
      const Step& s = steps_[k];
      if (!s.bytes.test(c)) continue;
      if (s.repeat == Step::Once) next[k + 1] = 1;
      if (s.repeat == Step::Many) next[k] = 1;
      alive = true;
    }
    if (!alive) return false;
    close(next);
    at.swap(next);
  }
  return at[n] != 0;
}

bool glob_match(std::string_view pattern, std::string_view text) { return Glob(pattern).matches(text); }

std::optional<std::string> glob_error(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (pattern[i] != '[') continue;
    bool hit = false;
    std::size_t len = class_match(pattern.substr(i), '\0', hit);
    if (len == 0)
      return "the '[' at position " + std::to_string(i + 1) +
             " opens a class that is never closed with ']' (write \\\\[ for a literal '[')";
    i += len - 1;
  }
  return std::nullopt;
}

}  // namespace syspect
