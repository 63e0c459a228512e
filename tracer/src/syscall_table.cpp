// Lookups in the generated syscall tables (see tracer/gen/gen_tables.py and
// tracer/syscalls/*.in).

#include "syspect/syscall_table.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "xlat_families.hpp"

namespace syspect {

namespace {

const gen::AbiTables* tables_for(Abi abi) {
  switch (abi) {
    case Abi::x86_64:
      return &gen::kTables_x86_64;
    case Abi::i386:
      return &gen::kTables_i386;
    case Abi::x32:
      break;
  }
  return nullptr;
}

constexpr std::array<std::string_view, 15> kClassNames = {
    "file",  "ipc",    "network", "process", "signal",  "desc",  "memory", "stat",
    "lstat", "fstat",  "statfs",  "fstatfs", "creds",   "clock", "pure",
};

}  // namespace

std::string_view abi_name(Abi abi) {
  switch (abi) {
    case Abi::x86_64:
      return "x86_64";
    case Abi::i386:
      return "i386";
    case Abi::x32:
      return "x32";
  }
  return "unknown";
}

std::optional<Abi> abi_from_name(std::string_view name) {
  if (name == "x86_64" || name == "x86-64" || name == "amd64" || name == "64") return Abi::x86_64;
  if (name == "i386" || name == "i686" || name == "x86" || name == "32") return Abi::i386;
  if (name == "x32") return Abi::x32;
  return std::nullopt;
}

std::span<const std::string_view> trace_class_names() { return kClassNames; }

std::optional<std::uint32_t> trace_class_from_name(std::string_view name) {
  if (!name.empty() && (name.front() == '%' || name.front() == '@')) name.remove_prefix(1);
  // strace also accepts the older spelling "%net".
  if (name == "net") name = "network";
  for (std::size_t i = 0; i < kClassNames.size(); ++i) {
    if (kClassNames[i] == name) return std::uint32_t{1} << i;
  }
  return std::nullopt;
}

std::span<const SyscallDesc> syscall_table(Abi abi) {
  const gen::AbiTables* t = tables_for(abi);
  if (t == nullptr) return {};
  return t->table;
}

const SyscallDesc* lookup_syscall(Abi abi, long nr) {
  const gen::AbiTables* t = tables_for(abi);
  if (t == nullptr || nr < 0 || static_cast<unsigned long>(nr) >= t->by_nr.size()) return nullptr;
  const std::int16_t index = t->by_nr[static_cast<std::size_t>(nr)];
  if (index < 0) return nullptr;
  return &t->table[static_cast<std::size_t>(index)];
}

const SyscallDesc* find_syscall(Abi abi, std::string_view name) {
  const gen::AbiTables* t = tables_for(abi);
  if (t == nullptr) return nullptr;
  auto it = std::lower_bound(t->by_name.begin(), t->by_name.end(), name,
                             [t](std::uint16_t index, std::string_view n) {
                               return std::string_view(t->table[index].name) < n;
                             });
  if (it == t->by_name.end() || std::string_view(t->table[*it].name) != name) return nullptr;
  return &t->table[*it];
}

int find_arg(const SyscallDesc& desc, std::string_view name) {
  for (int i = 0; i < desc.nargs; ++i) {
    if (name == desc.args[i].name) return i;
  }
  return -1;
}

}  // namespace syspect

namespace syspect {

std::uint64_t arg_bits(const ArgDesc& d, std::uint64_t reg) {
  return d.bits >= 64 ? reg : reg & ((std::uint64_t{1} << d.bits) - 1);
}

std::int64_t arg_value(const ArgDesc& d, std::uint64_t reg) {
  const std::uint64_t bits = arg_bits(d, reg);
  if (!d.is_signed || d.bits >= 64) return static_cast<std::int64_t>(bits);
  const std::uint64_t sign = std::uint64_t{1} << (d.bits - 1);
  return static_cast<std::int64_t>((bits ^ sign) - sign);
}

}  // namespace syspect
