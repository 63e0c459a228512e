#pragma once
// One argument as strace would show it, for "flags was O_RDONLY" notes.

#include <string>

#include "syspect/event.hpp"

namespace syspect::detail {

std::string render_arg(const ArgDesc* desc, const ArgValue& v);

}  // namespace syspect::detail
