// The memory-mapping family: mremap shows its new address only with
// MREMAP_FIXED; mincore's vector of one byte per page; memfd_create's name
// (read as far as the kernel reads it) and flags (with the huge page size).

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

constexpr SysId kCalls[] = {SysId::mremap, SysId::memfd_create};

}  // namespace

const SyscallFamily& mman_family() {
  static const SyscallFamily family{
      .name = "mman",
      .calls = kCalls,
      .structs = kStructs,
      .after_entry = memfd_after_entry,
      .shown_args = mremap_shown_args,
      .format_arg = memfd_flags_arg};
  return family;
}

}  // namespace syspect::detail
