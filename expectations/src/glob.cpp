// Globs over paths, as in the spec format: `*` and `?` stay within one
// path component, `**` crosses '/'.

#include <optional>
#include <string>
#include <string_view>

#include "syspect/value_matcher.hpp"

namespace syspect {
namespace {

// A bracket class at p[0] == '['; returns the length of the class, or 0 when
// it is not closed (then '[' is literal).
std::size_t class_match(std::string_view p, char c, bool& hit) {
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
      if (c >= p[i] && c <= p[i + 2]) any = true;
      i += 2;
    } else if (p[i] == c) {
      any = true;
    }
  }
  return 0;
}

bool match(std::string_view p, std::string_view t) {
  while (!p.empty()) {
    if (p.substr(0, 2) == "**") {
      std::string_view rest = p.substr(2);
      // "**/" also matches no directory at all.
      if (!rest.empty() && rest.front() == '/' && match(rest.substr(1), t)) return true;
      for (std::size_t i = 0; i <= t.size(); ++i)
        if (match(rest, t.substr(i))) return true;
      return false;
    }
    char c = p.front();
    if (c == '*') {
      std::string_view rest = p.substr(1);
      for (std::size_t i = 0; i <= t.size(); ++i) {
        if (match(rest, t.substr(i))) return true;
        if (i < t.size() && t[i] == '/') return false;
      }
      return false;
    }
    if (t.empty()) return false;
    if (c == '?') {
      if (t.front() == '/') return false;
    } else if (c == '[') {
      bool hit = false;
      std::size_t len = class_match(p, t.front(), hit);
      if (len != 0) {
        if (!hit || t.front() == '/') return false;
        p.remove_prefix(len);
        t.remove_prefix(1);
        continue;
      }
      if (t.front() != '[') return false;
    } else if (c == '\\' && p.size() > 1) {
      p.remove_prefix(1);
      if (t.front() != p.front()) return false;
    } else if (c != t.front()) {
      return false;
    }
    p.remove_prefix(1);
    t.remove_prefix(1);
  }
  return t.empty();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) { return match(pattern, text); }

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
