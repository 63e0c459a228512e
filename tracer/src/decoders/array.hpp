#pragma once
// Arrays in tracee memory as strace's print_array shows them.

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace syspect::detail {

// `count` elements of `size` bytes at `addr`, each read on its own and
// shown by `element` (which may return false to end the array there):
// "[]" for none, "[a, b, ...]" past `limit` elements, "[a, ... /* 0x7f.. */]"
// when an element after the first (up to the one past the limit) cannot be
// read. Nothing when strace shows
// the address instead (NULL, the first element unreadable, a size that
// wraps around).
std::optional<std::string> array_text(pid_t tid, std::uint64_t addr, std::uint64_t count, std::size_t size,
                                      std::size_t limit,
                                      const std::function<bool(const void* elem, std::string& out)>& element);

}  // namespace syspect::detail
