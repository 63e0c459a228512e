// The memory-mapping family: mremap shows its new address only with
// MREMAP_FIXED.

#include <sys/mman.h>

#include "family.hpp"

namespace syspect::detail {
namespace {

int mremap_shown_args(const SyscallEvent& e) {
  return e.nargs == 5 && (e.args[3].raw & MREMAP_FIXED) == 0 ? 4 : -1;
}

constexpr SysId kCalls[] = {SysId::mremap};

}  // namespace

const SyscallFamily& mman_family() {
  static const SyscallFamily family{.name = "mman", .calls = kCalls, .shown_args = mremap_shown_args};
  return family;
}

}  // namespace syspect::detail
