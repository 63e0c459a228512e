// Names a user writes, checked against the syscall table, the constant
// families and the decoders' struct schema.

#include "syspect/names.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "syspect/diagnostic.hpp"
#include "syspect/struct_schema.hpp"
#include "syspect/syscall_table.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

std::optional<std::uint64_t> number(std::string_view s) {
  if (auto v = parse_integer(s)) return static_cast<std::uint64_t>(*v);
  return std::nullopt;
}

std::vector<std::string_view> names_of(const Xlat& x) {
  std::vector<std::string_view> v;
  for (const auto& e : x.entries) v.emplace_back(e.name);
  return v;
}

// Whether a value of `x` lies in its enum field (open's access mode).
bool in_field(const Xlat& x, std::uint64_t v) {
  return x.kind == XlatKind::Flags && x.enum_mask != 0 && (v & ~x.enum_mask) == 0;
}

}  // namespace

Result<std::uint64_t, std::string> constant_value(const Xlat& x, std::string_view text,
                                                  std::string_view arg) {
  text = trim_blanks(text);
  if (auto n = number(text)) return *n;
  if (x.kind == XlatKind::Enum || text.find('|') == std::string_view::npos) {
    if (auto v = xlat_value(x, text)) return *v;
    if (x.kind == XlatKind::Enum || text.find('|') == std::string_view::npos)
      return unexpected(fmt::format("unknown constant '{}' for '{}' ({}){}", text, arg, x.family,
                                    did_you_mean(text, names_of(x))));
  }
  std::uint64_t bits = 0;
  std::vector<std::pair<std::string, std::uint64_t>> named;
  std::string errors;
  std::string_view rest = text;
  while (true) {
    auto bar = rest.find('|');
    std::string_view part = trim_blanks(rest.substr(0, bar));
    if (auto n = number(part)) {
      bits |= *n;
    } else if (auto v = xlat_value(x, part)) {
      bits |= *v;
      named.emplace_back(std::string(part), *v);
    } else {
      errors += fmt::format("{}unknown constant '{}' for '{}' ({}){}", errors.empty() ? "" : "; ", part,
                            arg, x.family, did_you_mean(part, names_of(x)));
    }
    if (bar == std::string_view::npos) break;
    rest = rest.substr(bar + 1);
  }
  if (!errors.empty()) return unexpected(std::move(errors));
  if (auto why = conflicting_flags(x, named))
    return unexpected(fmt::format("contradictory flags \"{}\" for '{}': {}", text, arg, *why));
  return bits;
}

Result<std::uint64_t, std::string> flag_value(const Xlat& x, std::string_view name,
                                              std::string_view arg) {
  if (auto n = number(name)) return *n;
  if (auto v = xlat_value(x, name)) return *v;
  return unexpected(fmt::format("unknown flag '{}' for '{}' ({}){}", name, arg, x.family,
                                did_you_mean(name, names_of(x))));
}

std::optional<std::string> conflicting_flags(
    const Xlat& x, const std::vector<std::pair<std::string, std::uint64_t>>& flags) {
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (!in_field(x, flags[i].second)) continue;
    for (std::size_t j = i + 1; j < flags.size(); ++j) {
      if (in_field(x, flags[j].second) && flags[j].second != flags[i].second)
        return fmt::format("{} and {} are two values of one field (mask {:#o} of {}); a call has only one",
                           flags[i].first, flags[j].first, x.enum_mask, x.family);
    }
  }
  return std::nullopt;
}

std::optional<std::string> member_problem(std::string_view struct_name, const StructSchema* schema,
                                          std::string_view member) {
  if (schema == nullptr)
    return fmt::format("syspect does not read the members of struct {} ('{}' cannot be matched)",
                       struct_name, member);
  if (find_member(*schema, member) != nullptr) return std::nullopt;
  std::vector<std::string> names = member_names(*schema);
  std::vector<std::string_view> views(names.begin(), names.end());
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i];
  return fmt::format("struct {} has no member '{}'{} (its members: {})", struct_name, member,
                     did_you_mean(member, views), list);
}

std::optional<std::string> member_of_none(std::string_view member) {
  std::vector<std::string> all;
  for (const StructSchema& s : struct_schemas()) {
    if (find_member(s, member) != nullptr) return std::nullopt;
    for (auto& n : member_names(s)) all.push_back(std::move(n));
  }
  std::vector<std::string_view> views(all.begin(), all.end());
  return fmt::format("no struct syspect decodes has a member '{}'{}", member, did_you_mean(member, views));
}

std::optional<std::string> argument_of_none(std::string_view name) {
  if (name.size() == 1 && name[0] >= '0' && name[0] <= '5') return std::nullopt;
  if (!name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos)
    return fmt::format("argument index {} is out of range (a syscall has at most 6 arguments: 0..5)", name);
  std::vector<std::string_view> all;
  for (Abi abi : {Abi::x86_64, Abi::i386}) {
    for (const SyscallDesc& d : syscall_table(abi)) {
      for (int i = 0; i < d.nargs; ++i) {
        if (name == d.args[i].name) return std::nullopt;
        all.emplace_back(d.args[i].name);
      }
    }
  }
  return fmt::format("no syscall has an argument '{}'{}", name, did_you_mean(name, all));
}

std::optional<std::string> constant_of_none(std::string_view name) {
  if (number(name) || name == "AT_FDCWD" || name.starts_with("SIGRT")) return std::nullopt;
  std::vector<std::string_view> all;
  for (Abi abi : {Abi::x86_64, Abi::i386}) {
    for (const SyscallDesc& d : syscall_table(abi)) {
      for (int i = 0; i < d.nargs; ++i) {
        const Xlat* x = d.args[i].xlat;
        if (x == nullptr) continue;
        if (xlat_value(*x, name)) return std::nullopt;
      }
      for (int i = 0; i < d.nargs; ++i)
        for (const DependentFamily& f : dependent_families(d, i))
          if (const Xlat* x = find_xlat(f.family); x && xlat_value(*x, name)) return std::nullopt;
    }
  }
  if (xlat_value(signal_names(), name)) return std::nullopt;
  for (const StructSchema& s : struct_schemas())
    for (const MemberDesc& m : s.members)
      if (const Xlat* x = m.family ? find_xlat(m.family) : nullptr; x && xlat_value(*x, name))
        return std::nullopt;
  // Suggestions from every family a flag may come from.
  for (const StructSchema& s : struct_schemas())
    for (const MemberDesc& m : s.members)
      if (const Xlat* x = m.family ? find_xlat(m.family) : nullptr)
        for (const auto& e : x->entries) all.emplace_back(e.name);
  for (const SyscallDesc& d : syscall_table(Abi::x86_64)) {
    for (int i = 0; i < d.nargs; ++i) {
      if (const Xlat* x = d.args[i].xlat)
        for (const auto& e : x->entries) all.emplace_back(e.name);
      for (const DependentFamily& f : dependent_families(d, i))
        if (const Xlat* x = find_xlat(f.family))
          for (const auto& e : x->entries) all.emplace_back(e.name);
    }
  }
  for (const auto& e : signal_names().entries) all.emplace_back(e.name);
  return fmt::format("no constant family has a name '{}'{}", name, did_you_mean(name, all));
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> parse_integer(std::string_view s) {
  s = trim_blanks(s);
  if (s.empty()) return std::nullopt;
  std::string str(s);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(str.c_str(), &end, 0);
  if (errno != 0 || end != str.c_str() + str.size()) {
    // Large unsigned values (flag words) also count.
    errno = 0;
    unsigned long long u = std::strtoull(str.c_str(), &end, 0);
    if (errno != 0 || end != str.c_str() + str.size() || str.front() == '-') return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  return v;
}

unsigned near_miss_weight(const ArgDesc* arg) {
  if (arg == nullptr) return 1;
  switch (arg->kind) {
    case ArgKind::Fd:
    case ArgKind::Path:
    case ArgKind::Str:
    case ArgKind::Buf:
    case ArgKind::Ptr:
    case ArgKind::Argv:
    case ArgKind::Struct:
      return 4;
    default:
      return 1;
  }
}

unsigned string_likeness(std::string_view wanted, std::string_view seen) {
  std::size_t n = std::min(wanted.size(), seen.size());
  std::size_t head = 0;
  while (head < n && wanted[head] == seen[head]) ++head;
  std::size_t tail = 0;
  while (tail < n - head && wanted[wanted.size() - 1 - tail] == seen[seen.size() - 1 - tail]) ++tail;
  return static_cast<unsigned>(std::min<std::size_t>(head + tail, 999));
}

}  // namespace syspect
