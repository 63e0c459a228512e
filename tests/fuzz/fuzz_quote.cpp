// libFuzzer target: the strace-style string escaper. Beyond not crashing,
// its output must be a quoted string that reads back, escape by escape, to
// exactly the bytes it was given (cut at the limit), with "..." after the
// closing quote exactly when something was left out.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "syspect/format.hpp"

namespace {

// Reads back what quote_string wrote (the part between the quotes), or
// returns false when it is not well formed.
bool unquote(std::string_view q, std::string& out) {
  for (std::size_t i = 0; i < q.size(); ++i) {
    char c = q[i];
    if (c == '"') return false;  // an unescaped quote inside
    if (c != '\\') {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
      out += c;
      continue;
    }
    if (++i == q.size()) return false;
    switch (q[i]) {
      case '"': out += '"'; continue;
      case '\\': out += '\\'; continue;
      case 't': out += '\t'; continue;
      case 'n': out += '\n'; continue;
      case 'v': out += '\v'; continue;
      case 'f': out += '\f'; continue;
      case 'r': out += '\r'; continue;
      default: break;
    }
    // Up to three octal digits, as C reads them.
    unsigned v = 0;
    std::size_t digits = 0;
    while (digits < 3 && i < q.size() && q[i] >= '0' && q[i] <= '7') {
      v = v * 8 + static_cast<unsigned>(q[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || v > 0xff) return false;
    --i;
    out += static_cast<char>(v);
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first two bytes choose the limit and whether the caller says the
  // string was cut; the rest is the string.
  std::size_t limit = data[0] == 0xff ? std::string::npos : data[0];
  bool truncated = (data[1] & 1) != 0;
  std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);

  std::string q = syspect::quote_string(bytes, limit, truncated);
  std::size_t shown = bytes.size() < limit ? bytes.size() : limit;
  bool cut = truncated || bytes.size() > limit;
  std::string_view body = q;
  if (cut) {
    if (body.size() < 3 || body.substr(body.size() - 3) != "...") std::abort();
    body.remove_suffix(3);
  }
  if (body.size() < 2 || body.front() != '"' || body.back() != '"') std::abort();
  body = body.substr(1, body.size() - 2);
  std::string back;
  if (!unquote(body, back)) std::abort();
  if (back != bytes.substr(0, shown)) std::abort();
  return 0;
}
