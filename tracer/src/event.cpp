#include "syspect/event.hpp"

#include <fmt/format.h>

namespace syspect {

std::string SyscallEvent::name() const {
  if (desc != nullptr) return desc->name;
  return fmt::format("syscall_{:#x}", static_cast<unsigned long>(nr));
}

}  // namespace syspect
