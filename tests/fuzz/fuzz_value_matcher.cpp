// libFuzzer target: value matchers, as the spec parser builds them from what
// a user writes for one argument or for the result ("O_RDONLY|O_CLOEXEC",
// ">= 0", "1..10", { glob = "/etc/**" }, { has = [...] }, { path = ... }).
// The input is put in an expectation file for one argument of one kind;
// whatever compiles is then matched against a few values of every form.
//
// Input: the first byte chooses the argument (low 3 bits), whether the rest
// is a TOML value as written (bit 3) or the text of a string, and for a
// string which matcher key holds it (bits 4-6: none, glob, regex, prefix,
// suffix, contains, has, lacks).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "syspect/spec_parser.hpp"
#include "syspect/value_matcher.hpp"

namespace {

struct Target {
  const char* syscall;
  const char* arg;  // nullptr: the result
};

constexpr Target kTargets[] = {
    {"openat", "pathname"}, {"openat", "flags"}, {"openat", "dirfd"}, {"read", "fd"},
    {"openat", "mode"},     {"kill", "sig"},     {"execve", "argv"},  {"openat", nullptr},
};

constexpr const char* kKeys[] = {nullptr, "glob", "regex", "prefix", "suffix", "contains", "has", "lacks"};

// The bytes as a TOML basic string: every byte stands for the code point of
// the same number, so that any input is valid UTF-8.
std::string toml_string(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::vector<syspect::ArgValue> sample_values(std::string_view text) {
  using Form = syspect::ArgValue::Form;
  std::vector<syspect::ArgValue> out;
  for (std::int64_t n : {0L, 3L, -1L, -100L, 0x80000L, 0x7fffffffffffffffL}) {
    syspect::ArgValue v;
    v.num = n;
    v.raw = static_cast<std::uint64_t>(n);
    out.push_back(v);
  }
  for (std::string_view s : {std::string_view("/etc/passwd"), std::string_view(""), text}) {
    syspect::ArgValue v;
    v.form = Form::String;
    v.bytes = std::string(s);
    out.push_back(v);
  }
  syspect::ArgValue argv;
  argv.form = Form::StringArray;
  argv.items = {"/bin/true", std::string(text)};
  argv.total_items = 2;
  out.push_back(argv);
  syspect::ArgValue null;
  null.form = Form::Null;
  out.push_back(null);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 4096) return 0;
  const Target& target = kTargets[data[0] & 7];
  bool raw = (data[0] & 8) != 0;
  const char* key = kKeys[(data[0] >> 4) & 7];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

  std::string value;
  if (raw) {
    // A raw value must stay on its line: the spec around it is fixed.
    if (rest.find_first_of("\r\n") != std::string_view::npos) return 0;
    value = std::string(rest);
  } else {
    value = toml_string(rest);
    if (key) value = std::string("{ ") + key + " = " + value + " }";
  }
  std::string spec = "version = 1\n[[expect]]\nsyscall = \"" + std::string(target.syscall) + "\"\n";
  if (target.arg) {
    spec += std::string("args = { ") + target.arg + " = " + value + " }\n";
  } else {
    spec += "result = " + value + "\n";
  }

  auto parsed = syspect::parse_spec(spec, "fuzz.toml");
  if (!parsed) {
    (void)parsed.error().format();
    return 0;
  }
  syspect::MatchContext ctx;
  ctx.fd_path = [](int fd) -> std::optional<std::string> {
    if (fd == 3) return std::string("/etc/passwd");
    return std::nullopt;
  };
  // Matching is linear in the subject (globs in one pass, regexes by RE2);
  // short subjects keep this target about the parsers and the matchers'
  // logic rather than their speed.
  auto values = sample_values(rest.substr(0, 512));
  for (const auto& rule : parsed.value().rules) {
    for (const auto& step : rule.steps) {
      (void)step.describe();
      std::vector<syspect::ValueMatcherPtr> matchers;
      if (step.result) matchers.push_back(step.result);
      for (const auto& [call, checks] : step.args)
        for (const auto& check : checks) matchers.push_back(check.matcher);
      for (const auto& m : matchers) {
        if (!m) continue;
        (void)m->describe();
        for (const auto& v : values) (void)m->matches(v, ctx);
      }
    }
  }
  return 0;
}
