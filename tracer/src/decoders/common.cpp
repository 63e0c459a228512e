#include "common.hpp"

#include <algorithm>
#include <iterator>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "../memory.hpp"
#include "syspect/format.hpp"

namespace syspect::detail {

const Xlat& xlat_family(const char* name) {
  static const Xlat empty{"", XlatKind::Flags, 0, false, {}};
  const Xlat* x = find_xlat(name);
  return x ? *x : empty;
}

FieldName member_name(const std::string& name) { return FieldName::intern(name); }

std::string fd_text(pid_t tid, int fd, const DecodeLimits& limits) {
  bool deleted = false;
  std::string path = limits.fd_paths ? fd_path(tid, fd, &deleted) : std::string();
  return format_fd(fd, path, deleted, limits.hex_strings);
}

bool decode_int_in_brackets(pid_t tid, ArgValue& v, FieldName field) {
  int value = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &value, sizeof value)) return false;
  v.text = fmt::format("[{}]", value);
  v.fields.clear();
  v.fields.push_back({field, value});
  return true;
}

std::string struct_tail(pid_t tid, std::uint64_t addr, std::uint64_t known, std::uint64_t size,
                        std::size_t limit) {
  size = std::min<std::uint64_t>(size, 4096);  // strace reads at most a page
  if (size <= known) return {};
  std::string bytes(static_cast<std::size_t>(size - known), '\0');
  if (!read_exact(tid, RemotePtr{addr + known}, bytes.data(), bytes.size())) return ", ???";
  if (bytes.find_first_not_of('\0') == std::string::npos) return {};
  std::string out = fmt::format(", /* bytes {}..{} */ \"", known, size - 1);
  const std::size_t shown = std::min(bytes.size(), limit);
  for (std::size_t i = 0; i < shown; ++i)
    fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned char>(bytes[i]));
  out += '"';
  if (shown < bytes.size()) out += "...";
  return out;
}

std::string c_hex(std::uint64_t v) { return v == 0 ? std::string("0") : fmt::format("{:#x}", v); }

void append_pointer(std::string& out, std::uint64_t v) {
  if (v == 0) {
    out += "NULL";
  } else {
    fmt::format_to(std::back_inserter(out), "{:#x}", v);
  }
}

std::string enum_text(const char* family, std::uint64_t value, const char* unknown, XlatStyle style) {
  const Xlat* x = find_xlat(family);
  if (x != nullptr && xlat_name(*x, value) != nullptr) return xlat_format(*x, value, style);
  if (style == XlatStyle::Raw) return fmt::format("{:#x}", value);
  return fmt::format("{:#x} /* {} */", value, unknown);
}

std::vector<MemberDesc> prefixed(const std::string& prefix, const std::vector<MemberDesc>& members) {
  std::vector<MemberDesc> out;
  for (MemberDesc m : members) {
    m.name = member_name(prefix + m.name).c_str();  // interned: lives as long as the program
    out.push_back(m);
  }
  return out;
}

}  // namespace syspect::detail

namespace syspect::detail {

void decode_bounded_string(pid_t tid, ArgValue& v, std::uint64_t len, bool zero_terminated,
                           const DecodeLimits& limits, bool force_hex) {
  // What the table's own decoding of the argument read is replaced.
  v.bytes.clear();
  v.fields.clear();
  v.truncated = v.unreadable = false;
  if (v.raw == 0) {
    v.form = ArgValue::Form::Null;
    return;
  }
  const std::size_t max = limits.struct_string;
  // One byte more than -s: whether a NUL comes right after what is shown.
  const std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(len, max + 1));
  std::string bytes;
  bool ellipsis = false;
  if (zero_terminated) {
    auto s = read_string(tid, RemotePtr{v.raw}, size);
    if (!s) {
      v.form = ArgValue::Form::Pointer;
      v.unreadable = true;
      return;
    }
    bytes = std::move(s->bytes);
    // No NUL within the bytes read: none within those shown nor right
    // after them.
    ellipsis = s->truncated && len != 0;
    if (bytes.size() > max) bytes.resize(max);
  } else {
    bytes.resize(size);
    if (size != 0 && !read_exact(tid, RemotePtr{v.raw}, bytes.data(), size)) {
      v.form = ArgValue::Form::Pointer;
      v.unreadable = true;
      return;
    }
    if (bytes.size() > max) bytes.resize(max);
    ellipsis = len > max;
  }
  v.truncated = ellipsis;
  if (!force_hex) {
    v.form = ArgValue::Form::String;
    v.bytes = std::move(bytes);
    return;
  }
  v.form = ArgValue::Form::Struct;
  v.text = quote_string(bytes, bytes.size(), ellipsis, HexStrings::All);
  v.fields.push_back({"value", bytes});
}

constexpr std::size_t kPathMax = 4096;

void decode_path_text(pid_t tid, ArgValue& v, const DecodeLimits& limits) {
  if (v.raw == 0) {
    v.form = ArgValue::Form::Null;
    return;
  }
  auto s = read_string(tid, RemotePtr{v.raw}, kPathMax);
  if (!s) {
    v.form = ArgValue::Form::Pointer;
    v.unreadable = true;
    return;
  }
  v.form = ArgValue::Form::Struct;
  v.text = quote_string(s->bytes, kPathMax - 1, s->truncated, limits.hex_strings);
  v.truncated = s->truncated;
  v.fields.push_back({"value", s->bytes.substr(0, kPathMax - 1)});
}

}  // namespace syspect::detail
