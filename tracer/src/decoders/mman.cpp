// The memory-mapping family: mremap shows its new address only with
// MREMAP_FIXED; mincore's vector of one byte per page; memfd_create's name
// (read as far as the kernel reads it) and flags (with the huge page size);
// mmap's and remap_file_pages' flags, a mapping type, flags and a huge
// page size.

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

// The longest name memfd_create takes (NAME_MAX less "memfd:"), and one
// byte more: strace reads at most that much of it.
constexpr std::size_t kMemfdNameRead = 255 - 6 + 1;

// A name with no NUL within what strace reads is shown cut there ("..."),
// even when the memory after it cannot be read.
void memfd_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (!is(e.desc, SysId::memfd_create) || e.nargs < 1) return;
  ArgValue& v = e.args[0];
  if (v.raw == 0 || !(v.unreadable || v.bytes.size() >= kMemfdNameRead)) return;
  auto s = read_string(tid, RemotePtr{v.raw}, std::min(limits.struct_string + 1, kMemfdNameRead));
  if (!s || !s->truncated) return;
  v.form = ArgValue::Form::String;
  v.bytes = std::move(s->bytes);
  v.truncated = true;
  v.unreadable = false;
}

// "MFD_CLOEXEC|MFD_HUGETLB|21<<MFD_HUGE_SHIFT".
bool memfd_flags_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  if (!is(e.desc, SysId::memfd_create) || i != 1) return false;
  constexpr unsigned kHugeShift = 26, kHugeMask = 0x3f;
  const auto flags = static_cast<std::uint32_t>(e.args[1].raw);
  const std::uint32_t huge = flags & (kHugeMask << kHugeShift), rest = flags & ~(kHugeMask << kHugeShift);
  std::string names;
  if (rest != 0 || huge == 0) names = xlat_format(xlat_family("memfd_create_flags"), rest, XlatStyle::Abbrev);
  if (huge != 0) names += fmt::format("{}{}<<MFD_HUGE_SHIFT", rest != 0 ? "|" : "", huge >> kHugeShift);
  out += flags == 0 ? std::string("0") : xlat_styled(fmt::format("{:#x}", flags), names, options.xlat_style);
  return true;
}

const StructDecoder kStructs[] = {
    {"mincore_vec", [](const StructRead& r) { return decode_mincore_vec(r.tid, r.e, r.v, r.limits); },
     [] { return std::vector<MemberDesc>{num("[]")}; }},
};

// The family's arguments shown its own way, by call.
bool mman_format_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  if (e.desc->id == SysId::memfd_create) return memfd_flags_arg(out, e, i, options);
  return mman_arg(out, e, i, options);
}

constexpr SysId kCalls[] = {SysId::mremap, SysId::memfd_create, SysId::mmap, SysId::mmap2,
                            SysId::remap_file_pages};

}  // namespace

const SyscallFamily& mman_family() {
  static const SyscallFamily family{
      .name = "mman",
      .calls = kCalls,
      .structs = kStructs,
      .after_entry = memfd_after_entry,
      .shown_args = mman_shown_args,
      .format_arg = mman_format_arg};
  return family;
}

}  // namespace syspect::detail
