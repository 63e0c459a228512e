#include "syspect/regex.hpp"

#include <re2/re2.h>

#include <fmt/format.h>

namespace syspect {
namespace {

constexpr std::string_view kWhy = "regexes are RE2 syntax, matched in time linear in the text";

// What RE2 said, in words that say what to do when it is a construct RE2
// leaves out on purpose.
std::string explain(const re2::RE2& re) {
  const std::string& arg = re.error_arg();
  switch (re.error_code()) {
    case re2::RE2::ErrorBadEscape:
      if (arg.size() == 2 && arg[1] >= '1' && arg[1] <= '9')
        return fmt::format("backreferences like {} are not supported: {}", arg, kWhy);
      if (arg == "\\k") return fmt::format("backreferences like \\k<name> are not supported: {}", kWhy);
      break;
    case re2::RE2::ErrorBadPerlOp: {
      // RE2 quotes the operator up to its third character: "(?=", "(?<".
      std::string_view rest;
      if (auto at = re.pattern().find(arg); at != std::string::npos) rest = std::string_view(re.pattern()).substr(at + arg.size());
      if (arg == "(?=" || arg == "(?!") return fmt::format("lookahead {}...) is not supported: {}", arg, kWhy);
      if (arg == "(?<" && !rest.empty() && (rest[0] == '=' || rest[0] == '!'))
        return fmt::format("lookbehind {}{}...) is not supported: {}", arg, rest[0], kWhy);
      if (arg == "(?<") return "a named group is written (?P<name>...) in RE2 syntax";
      break;
    }
    case re2::RE2::ErrorMissingBracket:
      return "a '[' opens a class that is never closed with ']' (a literal '[' is \\[)";
    case re2::RE2::ErrorMissingParen:
      return "a '(' opens a group that is never closed with ')' (a literal '(' is \\()";
    case re2::RE2::ErrorUnexpectedParen:
      return "a ')' closes no group (a literal ')' is \\))";
    case re2::RE2::ErrorTrailingBackslash:
      return "it ends in a lone '\\' (a literal '\\' is \\\\)";
    case re2::RE2::ErrorRepeatSize:
      return fmt::format("{} (a count is at most 1000)", re.error());
    default: break;
  }
  return re.error();
}

}  // namespace

Result<Regex, std::string> Regex::compile(std::string_view pattern) {
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return unexpected(explain(*re));
  return Regex(std::move(re));
}

bool Regex::search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

std::string Regex::replace_each(std::string_view text, const std::function<std::string(const Match&)>& f) const {
  const re2::StringPiece whole(text.data(), text.size());
  const int n = 1 + re_->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> found(static_cast<std::size_t>(n));
  Match m;
  m.groups.resize(found.size());
  std::string out;
  std::size_t from = 0;  // where the next search starts
  std::size_t last = 0;  // the end of the last match: text from there is not copied yet
  while (from <= text.size() &&
         re_->Match(whole, from, text.size(), re2::RE2::UNANCHORED, found.data(), n)) {
    for (std::size_t i = 0; i < found.size(); ++i) m.groups[i] = std::string_view(found[i].data(), found[i].size());
    m.position = static_cast<std::size_t>(found[0].data() - text.data());
    const std::size_t end = m.position + found[0].size();
    out.append(text, last, m.position - last);
    out += f(m);
    last = end;
    // After an empty match the search goes on one byte later, that byte
    // kept as it is.
    from = found[0].empty() ? end + 1 : end;
  }
  if (last < text.size()) out.append(text, last);
  return out;
}

std::string Regex::replace(std::string_view text, std::string_view format) const {
  std::size_t previous_end = 0;
  return replace_each(text, [&](const Match& m) {
    std::string out;
    for (std::size_t i = 0; i < format.size(); ++i) {
      const char c = format[i];
      if (c != '$' || i + 1 == format.size()) {
        out += c;
        continue;
      }
      const char d = format[i + 1];
      if (d == '$') {
        out += '$';
        ++i;
      } else if (d == '&') {
        out += m.groups[0];
        ++i;
      } else if (d == '`') {
        out.append(text, previous_end, m.position - previous_end);
        ++i;
      } else if (d == '\'') {
        out.append(text, m.position + m.groups[0].size());
        ++i;
      } else if (d >= '0' && d <= '9') {
        std::size_t group = static_cast<std::size_t>(d - '0');
        ++i;
        if (i + 1 < format.size() && format[i + 1] >= '0' && format[i + 1] <= '9') {
          group = group * 10 + static_cast<std::size_t>(format[i + 1] - '0');
          ++i;
        }
        if (group < m.groups.size()) out += m.groups[group];
      } else {
        out += c;
      }
    }
    previous_end = m.position + m.groups[0].size();
    return out;
  });
}

const std::string& Regex::pattern() const { return re_->pattern(); }

}  // namespace syspect
