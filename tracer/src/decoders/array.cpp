#include "array.hpp"

#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "../memory.hpp"

namespace syspect::detail {

std::optional<std::string> array_text(pid_t tid, std::uint64_t addr, std::uint64_t count, std::size_t size,
                                      std::size_t limit,
                                      const std::function<bool(const void* elem, std::string& out)>& element) {
  if (addr == 0) return std::nullopt;
  if (count == 0) return std::string("[]");
  const std::uint64_t bytes = count * size;
  if (bytes / size != count || addr + bytes <= addr) return std::nullopt;
  std::vector<char> buf(size);
  std::string out = "[";
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t at = addr + i * size;
    if (i != 0) out += ", ";
    // strace reads an element before it sees the limit: the one after the
    // last shown, unreadable, gets its address too.
    if (!read_exact(tid, RemotePtr{at}, buf.data(), size)) {
      if (i == 0) return std::nullopt;
      fmt::format_to(std::back_inserter(out), "... /* {:#x} */", at);
      break;
    }
    if (i >= limit) {
      out += "...";
      break;
    }
    if (!element(buf.data(), out)) break;
  }
  return out + "]";
}

}  // namespace syspect::detail
