// The memory-mapping family: mremap shows its new address only with
// MREMAP_FIXED; mincore's vector of one byte per page.

#include <sys/mman.h>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

int mremap_shown_args(const SyscallEvent& e) {
  return e.nargs == 5 && (e.args[3].raw & MREMAP_FIXED) == 0 ? 4 : -1;
}

// mincore's vector, written by a call that succeeded: one byte per page of
// `length`, "[1, 0, ...]" up to -s elements as strace shows it.
bool decode_mincore_vec(pid_t tid, const SyscallEvent& e, ArgValue& v, const DecodeLimits& limits) {
  if (e.err != 0 || e.result != 0) return false;
  constexpr std::uint64_t kPage = 4096;
  const std::uint64_t pages = e.args[1].raw / kPage + (e.args[1].raw % kPage != 0);
  const std::size_t shown = static_cast<std::size_t>(std::min<std::uint64_t>(pages, max_elements(limits)));
  std::string bytes(shown, '\0');
  if (shown > 0 && !read_exact(tid, RemotePtr{v.raw}, bytes.data(), shown)) return false;
  std::string out = "[";
  for (std::size_t i = 0; i < shown; ++i) {
    if (i) out += ", ";
    out += std::to_string(static_cast<unsigned char>(bytes[i]));
    v.fields.push_back({member_name(fmt::format("[{}]", i)), static_cast<unsigned char>(bytes[i])});
  }
  if (pages > shown) {
    out += shown ? ", ..." : "...";
    v.truncated = true;
  }
  v.text = out + "]";
  return true;
}

const StructDecoder kStructs[] = {
    {"mincore_vec", [](const StructRead& r) { return decode_mincore_vec(r.tid, r.e, r.v, r.limits); },
     [] { return std::vector<MemberDesc>{num("[]")}; }},
};

constexpr SysId kCalls[] = {SysId::mremap};

}  // namespace

const SyscallFamily& mman_family() {
  static const SyscallFamily family{
      .name = "mman", .calls = kCalls, .structs = kStructs, .shown_args = mremap_shown_args};
  return family;
}

}  // namespace syspect::detail
