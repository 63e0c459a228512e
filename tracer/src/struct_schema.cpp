// The members each struct decoder keeps, and the families of arguments that
// depend on another argument, as the syscall families declare them
// (tracer/src/decoders/). The decoders fill exactly these members
// (tests/unit/struct_schema_test.cpp checks it on real calls).

#include "syspect/struct_schema.hpp"

#include <algorithm>

#include "decoders/family.hpp"
#include "syspect/syscall_table.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

std::vector<StructSchema> make_schemas() {
  std::vector<StructSchema> s;
  for (const detail::SyscallFamily* family : detail::syscall_families())
    for (const detail::StructDecoder& d : family->structs) s.push_back({d.name, d.members()});
  std::sort(s.begin(), s.end(), [](const StructSchema& a, const StructSchema& b) {
    return std::string_view(a.struct_name) < std::string_view(b.struct_name);
  });
  return s;
}

// "[12].fd" -> "[].fd": indices written as "[]".
std::string generic(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    out += name[i];
    if (name[i] != '[') continue;
    std::size_t j = i + 1;
    while (j < name.size() && name[j] >= '0' && name[j] <= '9') ++j;
    if (j > i + 1 && j < name.size() && name[j] == ']') i = j - 1;
  }
  return out;
}

// The dependent families of the family `desc`'s call belongs to.
std::span<const detail::DependentRule> dependents_of(const SyscallDesc& desc) {
  const detail::SyscallFamily* family = detail::family_of(&desc);
  return family != nullptr ? family->dependent : std::span<const detail::DependentRule>();
}

}  // namespace

std::span<const StructSchema> struct_schemas() {
  static const std::vector<StructSchema> schemas = make_schemas();
  return schemas;
}

const StructSchema* struct_schema(std::string_view struct_name) {
  for (const StructSchema& s : struct_schemas())
    if (struct_name == s.struct_name) return &s;
  return nullptr;
}

const MemberDesc* find_member(const StructSchema& schema, std::string_view name) {
  std::string g = generic(name);
  for (const MemberDesc& m : schema.members)
    if (g == m.name) return &m;
  return nullptr;
}

std::vector<std::string> member_names(const StructSchema& schema) {
  std::vector<std::string> out;
  for (const MemberDesc& m : schema.members) {
    std::string n;
    for (const char* p = m.name; *p; ++p) {
      n += *p;
      if (*p == '[' && p[1] == ']') n += '0';
    }
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<DependentFamily> dependent_families(const SyscallDesc& desc, int arg) {
  std::vector<DependentFamily> out;
  for (const detail::DependentRule& d : dependents_of(desc))
    if (d.arg == arg && d.call == desc.id) out.push_back({desc.name, d.arg, d.on_arg, d.on_value, d.family});
  return out;
}

const Xlat* dependent_family(const SyscallDesc& desc, int arg, std::uint64_t value) {
  for (const detail::DependentRule& d : dependents_of(desc))
    if (d.arg == arg && d.on_value == value && d.call == desc.id)
      return find_xlat(d.family);
  return nullptr;
}

}  // namespace syspect
