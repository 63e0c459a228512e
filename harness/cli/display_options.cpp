#include "display_options.hpp"

#include <algorithm>
#include <bitset>
#include <charconv>
#include <memory>

#include <fmt/format.h>

#include "syspect/filter.hpp"

namespace syspect {
namespace {

// The key of an -e expression this file owns ("read"), or empty.
std::string_view display_key(std::string_view expr) {
  const std::size_t eq = expr.find('=');
  if (eq == std::string_view::npos) return {};
  const std::string_view key = expr.substr(0, eq);
  if (key == "abbrev" || key == "a") return "abbrev";
  if (key == "verbose" || key == "v") return "verbose";
  if (key == "read" || key == "r") return "read";
  if (key == "write" || key == "w") return "write";
  return {};
}

// strace's descriptor set: "3,5", "!0", "all", "none".
Result<std::function<bool(std::int64_t)>, std::string> parse_fd_set(std::string_view set,
                                                                    std::string_view expr) {
  const bool negate = set.starts_with('!');
  if (negate) set.remove_prefix(1);
  auto fds = std::make_shared<std::bitset<65536>>();
  bool all = false;
  while (!set.empty()) {
    const std::size_t comma = set.find(',');
    const std::string_view word = set.substr(0, comma);
    set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
    unsigned fd = 0;
    if (word == "all") {
      all = true;
    } else if (word == "none") {
    } else if (auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), fd);
               ec != std::errc() || end != word.data() + word.size() || fd >= fds->size()) {
      return unexpected(fmt::format("-e {}: '{}' is not a file descriptor", expr, word));
    } else {
      fds->set(fd);
    }
  }
  return std::function<bool(std::int64_t)>([fds, all, negate](std::int64_t fd) {
    const bool in = all || (fd >= 0 && static_cast<std::size_t>(fd) < fds->size() && fds->test(static_cast<std::size_t>(fd)));
    return in != negate;
  });
}

std::function<bool(const SyscallEvent&)> as_predicate(SyscallFilter f) {
  return [f = std::move(f)](const SyscallEvent& e) { return f.matches(e); };
}

}  // namespace

void add_display_options(CLI::App* app, DisplayArgs& a) {
  app->add_flag("-x", a.hex, "Strings with a non-ASCII byte in hex (\\x61); -xx: all strings in hex");
  app->add_option("--strings-in-hex", a.hex_word,
                  "non-ascii-chars (hex escapes for non-ASCII bytes), non-ascii (-x), all (-xx, "
                  "the default)")
      ->expected(0, 1)
      ->check(CLI::IsMember({"", "non-ascii-chars", "non-ascii", "all"}));
  app->add_flag("-v,--no-abbrev", a.no_abbrev,
                "Print structures unabbreviated, environments whole (-e abbrev=none)");
  app->add_flag("-i,--instruction-pointer", a.ip, "Print the instruction pointer of each call");
  app->add_flag("-n,--syscall-number", a.numbers, "Print the number of each call");
  app->add_option("-a,--columns", a.column, "Align results at COLUMN (default 40)")
      ->check(CLI::Range(0u, 1u << 20));
}

bool is_display_expr(std::string_view expr) { return !display_key(expr).empty(); }

Result<bool, std::string> apply_display_options(const DisplayArgs& a,
                                                const std::vector<std::string>& exprs,
                                                TraceOptions& trace, FormatOptions& format) {
  HexStrings hex = a.hex_word == "non-ascii-chars" ? HexStrings::NonAsciiChars
                  : a.hex_word == "non-ascii"       ? HexStrings::NonAscii
                  : a.hex_word != "-"               ? HexStrings::All
                  : a.hex >= 2                      ? HexStrings::All
                  : a.hex == 1                      ? HexStrings::NonAscii
                                                    : HexStrings::None;
  trace.hex_strings = format.hex_strings = hex;
  format.instruction_pointer = a.ip;
  format.syscall_numbers = a.numbers;
  format.align_column = a.column;
  for (const std::string& e : exprs) {
    const std::string_view key = display_key(e);
    if (key.empty()) continue;
    const std::string_view set = std::string_view(e).substr(e.find('=') + 1);
    if (key == "read" || key == "write") {
      auto fds = parse_fd_set(set, e);
      if (!fds) return unexpected(fds.error());
      (key == "read" ? format.dump_read : format.dump_write) = std::move(*fds);
      // Every byte is dumped, as strace does: read the buffers whole.
      trace.max_buffer = std::max(trace.max_buffer, trace.max_whole_data);
      continue;
    }
    auto calls = SyscallFilter::parse(set);
    if (!calls) return unexpected(fmt::format("-e {}: {}", e, calls.error()));
    if (key == "abbrev") {
      trace.abbreviate = format.abbreviate = as_predicate(std::move(*calls));
    } else {
      trace.dereference = as_predicate(std::move(*calls));
    }
  }
  return true;
}

}  // namespace syspect
