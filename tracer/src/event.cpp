#include "syspect/event.hpp"

#include <mutex>
#include <ostream>
#include <set>

#include <fmt/format.h>

namespace syspect {

FieldName FieldName::intern(std::string_view name) {
  static std::mutex lock;
  static std::set<std::string, std::less<>> names;
  std::lock_guard<std::mutex> guard(lock);
  auto it = names.find(name);
  if (it == names.end()) it = names.emplace(name).first;
  return FieldName(it->c_str(), Interned{});
}

std::ostream& operator<<(std::ostream& os, FieldName n) { return os << n.view(); }

std::string SyscallEvent::name() const {
  if (desc != nullptr) return desc->name;
  return fmt::format("syscall_{:#x}", static_cast<unsigned long>(nr));
}

}  // namespace syspect
