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
