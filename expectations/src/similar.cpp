// "Did you mean" hints: the candidate at the smallest edit distance, when
// that distance is small for the word's length.

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "syspect/diagnostic.hpp"

namespace syspect {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      // A swap of two neighbours counts as one edit.
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev[j - 1]);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::size_t limit = word.size() <= 3 ? 1 : word.size() <= 6 ? 2 : 3;
  std::size_t best = limit + 1;
  std::string_view found;
  for (auto c : candidates) {
    if (c == word) continue;
    std::size_t d = edit_distance(word, c);
    if (d < best) {
      best = d;
      found = c;
    }
  }
  // A word cut short ("path" for "pathname"): the shortest name it begins.
  if (found.empty() && word.size() >= 3) {
    for (auto c : candidates)
      if (c.size() > word.size() && c.starts_with(word) && (found.empty() || c.size() < found.size()))
        found = c;
  }
  return std::string(found);
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string m = closest_match(word, candidates);
  return m.empty() ? std::string() : fmt::format("; did you mean '{}'?", m);
}

}  // namespace syspect
