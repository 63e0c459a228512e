#include "syspect/filter.hpp"

#include <optional>

#include <fmt/format.h>

namespace syspect {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// strace's spellings of the classes with '%', and their old short names.
std::string_view class_alias(std::string_view name) {
  if (name == "net") return "network";
  return name;
}

// strace's class names from before '%': `-e trace=network` is the class,
// as strace reads it (a class name wins over a syscall of the same name:
// `signal` is the class).
std::optional<std::uint32_t> legacy_class(std::string_view name) {
  for (std::string_view old : {"desc", "file", "memory", "process", "signal", "ipc", "network"})
    if (name == old) return trace_class_from_name(name);
  return std::nullopt;
}

}  // namespace

Result<SyscallFilter, std::string> SyscallFilter::parse(std::string_view set) {
  SyscallFilter f;
  set = trim(set);
  if (!set.empty() && set.front() == '!') {
    f.negate_ = true;
    set.remove_prefix(1);
  }
  f.all_ = false;
  if (set == "all") {
    f.all_ = !f.negate_;
    f.negate_ = false;
    return f;
  }
  if (set == "none" || set.empty()) {
    f.all_ = f.negate_;
    f.negate_ = false;
    return f;
  }
  while (!set.empty()) {
    std::size_t comma = set.find(',');
    std::string_view item = trim(set.substr(0, comma));
    set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
    if (item.empty()) continue;
    if (item.front() == '@' || item.front() == '%') {
      auto bits = trace_class_from_name(class_alias(item.substr(1)));
      if (!bits) return unexpected(fmt::format("unknown syscall class '{}'", item));
      f.classes_ |= *bits;
      continue;
    }
    if (auto bits = legacy_class(item)) {
      f.classes_ |= *bits;
      continue;
    }
    bool found = false;
    if (const SyscallDesc* d = find_syscall(Abi::x86_64, item)) {
      f.x86_64_.set(static_cast<std::size_t>(d->nr));
      found = true;
    }
    if (const SyscallDesc* d = find_syscall(Abi::i386, item)) {
      f.i386_.set(static_cast<std::size_t>(d->nr));
      found = true;
    }
    if (!found) return unexpected(fmt::format("unknown syscall '{}'", item));
  }
  return f;
}

bool SyscallFilter::matches(const SyscallEvent& e) const {
  if (all_) return true;
  bool hit = false;
  if (e.desc != nullptr) {
    if (e.desc->classes & classes_) {
      hit = true;
    } else {
      const auto& bits = e.abi == Abi::i386 ? i386_ : x86_64_;
      std::size_t nr = static_cast<std::size_t>(e.desc->nr);
      hit = nr < bits.size() && bits.test(nr);
    }
  }
  return hit != negate_;
}

Interest SyscallFilter::interest() const {
  if (all_) return Interest::all();
  Interest in = Interest::none();
  for (std::size_t nr = 0; nr <= Interest::kNumbers; ++nr) {
    SyscallEvent e;
    e.abi = Abi::x86_64;
    e.nr = static_cast<long>(nr);
    e.desc = lookup_syscall(Abi::x86_64, e.nr);
    // kNumbers itself stands for every number beyond the table.
    if (matches(e)) in.add(e.nr, Interest::Need::Result);
  }
  return in;
}

}  // namespace syspect
