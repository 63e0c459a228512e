#include "syspect/syscall_arg.hpp"

#include <charconv>
#include <ostream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "syspect/format.hpp"
#include "syspect/struct_schema.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

int visible_args(const SyscallEvent& e) {
  return e.desc ? e.desc->nargs : e.nargs;
}

}  // namespace

std::string SyscallArg::name() const {
  if (const ArgDesc* d = desc()) return d->name;
  return fmt::format("arg{}", index_);
}

const ArgDesc* SyscallArg::desc() const {
  if (call_->desc == nullptr || index_ >= call_->desc->nargs) return nullptr;
  return &call_->desc->args[index_];
}

std::int64_t SyscallArg::number() const {
  const ArgValue& v = value();
  if (v.form == ArgValue::Form::Number || v.form == ArgValue::Form::Pair) return v.num;
  if (v.form == ArgValue::Form::Null) return 0;
  return static_cast<std::int64_t>(v.raw);
}

std::string SyscallArg::str() const {
  const ArgValue& v = value();
  if (v.form == ArgValue::Form::String || v.form == ArgValue::Form::Bytes) return v.bytes;
  return text();
}

std::string SyscallArg::text() const {
  FormatOptions options;
  options.align = false;
  options.string_limit = 4096;
  if (index_ < call_->nargs) return format_arg(*call_, index_, options);
  return fmt::format("{:#x}", value().raw);
}

std::optional<bool> SyscallArg::has_flag(std::string_view flag) const {
  const ArgDesc* d = desc();
  if (d == nullptr) return std::nullopt;
  const Xlat* x = d->xlat;
  if (x == nullptr) {
    // A family chosen by another argument (fcntl's F_SETFL: open's flags).
    std::vector<DependentFamily> deps = dependent_families(*call_->desc, index_);
    if (!deps.empty()) x = dependent_family(*call_->desc, index_, call_->args[deps.front().on_arg].raw);
  }
  if (x == nullptr) return std::nullopt;
  std::optional<std::uint64_t> bit = xlat_value(*x, flag);
  if (!bit) return std::nullopt;
  auto raw = static_cast<std::uint64_t>(number());
  std::uint64_t mask = x->enum_mask;
  if (x->kind == XlatKind::Enum) return raw == *bit;
  // A value of the access-mode field (O_RDONLY is 0) is compared as a value.
  if (mask != 0 && (*bit & ~mask) == 0) return (raw & mask) == *bit;
  if (*bit == 0) return raw == 0;
  return (raw & *bit) == *bit;
}

std::optional<std::string> SyscallArg::file() const {
  const ArgValue& v = value();
  if (!v.fd_path.empty()) return v.fd_path;
  if (!v.fd_file.empty()) return v.fd_file;
  return std::nullopt;
}

std::optional<SyscallArg> find_arg(const SyscallEvent& call, std::string_view name) {
  int n = visible_args(call);
  int index = -1;
  if (!name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos) {
    std::from_chars(name.data(), name.data() + name.size(), index);
  } else if (call.desc != nullptr) {
    index = find_arg(*call.desc, name);
  }
  if (index < 0 || index >= n) return std::nullopt;
  return SyscallArg(call, index);
}

SyscallArg arg_of(const SyscallEvent& call, std::string_view name) {
  if (auto a = find_arg(call, name)) return *a;
  std::string names;
  for (int i = 0; i < visible_args(call); ++i) {
    if (i) names += ", ";
    names += SyscallArg(call, i).name();
  }
  throw std::out_of_range(fmt::format("{} has no argument '{}' (its arguments: {})", call.name(),
                                      name, names.empty() ? "none" : names));
}

std::string strace_text(const SyscallEvent& call) {
  FormatOptions options;
  options.align = false;
  return format_syscall(call, options);
}

void PrintTo(const SyscallArg& arg, std::ostream* os) { *os << arg.text(); }

void PrintTo(const StructMember& member, std::ostream* os) {
  if (member.is_text())
    *os << '"' << member.str() << '"';
  else
    *os << member.str();
}

}  // namespace syspect
