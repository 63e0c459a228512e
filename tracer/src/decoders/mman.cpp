// The memory-mapping family: mremap shows its new address only with
// MREMAP_FIXED; mincore's vector of one byte per page; mmap's and
// remap_file_pages' flags, a mapping type, flags and a huge page size.

#include <sys/mman.h>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

int mman_shown_args(const SyscallEvent& e) {
  if (e.desc->id != SysId::mremap) return -1;
  return e.nargs == 5 && (e.args[3].raw & MREMAP_FIXED) == 0 ? 4 : -1;
}

// The flags of mmap and remap_file_pages as strace's print_mmap_flags shows
// them: the mapping type (the MAP_TYPE field, "0xf /* MAP_??? */" when it
// has no name), the other flags, and the huge page size's log2 as
// "21<<MAP_HUGE_SHIFT"; raw, the number; verbose, the number and the rest
// in a comment.
std::string mmap_flags_text(std::uint64_t flags, XlatStyle style) {
  constexpr std::uint64_t kType = 0xf;  // MAP_TYPE on x86
  constexpr unsigned kHugeShift = 26;   // MAP_HUGE_SHIFT
  constexpr std::uint64_t kHugeMask = 0x3fu << kHugeShift;
  if (style == XlatStyle::Raw) return c_hex(flags);
  const Xlat& names = xlat_family("mmap_flags");
  std::string out;
  const std::uint64_t type = flags & kType;
  if (type == 0) {
    out += "MAP_FILE";
  } else if (const char* name = xlat_name(names, type)) {
    out += name;
  } else {
    out += fmt::format("{:#x} /* MAP_??? */", type);
  }
  const std::uint64_t huge = flags & kHugeMask;
  if (const std::uint64_t rest = flags & ~kType & ~kHugeMask; rest != 0) {
    out += '|';
    out += xlat_format(names, rest, XlatStyle::Abbrev);
  }
  if (huge != 0) out += fmt::format("|{}<<MAP_HUGE_SHIFT", huge >> kHugeShift);
  if (style == XlatStyle::Verbose) return fmt::format("{} /* {} */", c_hex(flags), out);
  return out;
}

bool mman_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  const SysId id = e.desc->id;
  const int flags_at = id == SysId::remap_file_pages ? 4 : 3;
  if (i != flags_at || id == SysId::mremap || (id == SysId::mmap && e.abi != Abi::x86_64)) return false;
  out += mmap_flags_text(e.args[i].raw, options.xlat_style);
  return true;
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

constexpr SysId kCalls[] = {SysId::mremap, SysId::mmap, SysId::mmap2, SysId::remap_file_pages};

}  // namespace

const SyscallFamily& mman_family() {
  static const SyscallFamily family{
      .name = "mman", .calls = kCalls, .structs = kStructs, .shown_args = mman_shown_args,
      .format_arg = mman_arg};
  return family;
}

}  // namespace syspect::detail
