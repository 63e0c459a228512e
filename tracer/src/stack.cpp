#include "syspect/stack.hpp"

#include <fmt/format.h>

#include <string_view>

namespace syspect {

namespace {

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The C library and the dynamic loader: their frames under the program's
// own are the wrapper of the call, not who made it.
bool is_runtime(const StackFrame& f) {
  std::string_view b = base_name(f.module);
  return b.starts_with("libc.so") || b.starts_with("libc-") || b.starts_with("ld-linux") ||
         b.starts_with("libpthread") || b == "[vdso]";
}

}  // namespace

std::string format_stack_frame(const StackFrame& f, bool source) {
  std::string s;
  if (f.module.empty()) {
    s = fmt::format(" > backtracing_error [0x{:x}]", f.address);
  } else if (f.symbol.empty()) {
    s = fmt::format(" > {}() [0x{:x}]", f.module, f.module_offset);
  } else {
    s = fmt::format(" > {}({}+0x{:x}) [0x{:x}]", f.module, f.symbol, f.offset, f.module_offset);
  }
  if (source && !f.file.empty()) fmt::format_to(std::back_inserter(s), " {}:{}", f.file, f.line);
  return s;
}

std::string format_stack(const std::vector<StackFrame>& frames, bool source) {
  std::string s;
  for (const StackFrame& f : frames) {
    s += format_stack_frame(f, source);
    s += '\n';
  }
  return s;
}

std::string stack_summary(const std::vector<StackFrame>& frames, std::size_t max_frames) {
  std::size_t first = 0;
  while (first < frames.size() && is_runtime(frames[first])) ++first;
  if (first == frames.size()) first = 0;  // the runtime's own call
  std::string s;
  std::size_t shown = 0;
  for (std::size_t i = first; i < frames.size(); ++i) {
    const StackFrame& f = frames[i];
    if (shown == max_frames) {
      s += " ← ...";
      break;
    }
    if (shown++) s += " ← ";
    if (!f.symbol.empty()) {
      s += f.symbol;
    } else if (!f.module.empty()) {
      fmt::format_to(std::back_inserter(s), "{}+0x{:x}", base_name(f.module), f.module_offset);
    } else {
      fmt::format_to(std::back_inserter(s), "0x{:x}", f.address);
    }
    if (!f.file.empty()) fmt::format_to(std::back_inserter(s), " ({}:{})", base_name(f.file), f.line);
    if (f.symbol == "main") break;  // what called main is the C start-up
  }
  return s;
}

}  // namespace syspect
