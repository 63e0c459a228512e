// The NUMA memory-policy family: set_mempolicy, get_mempolicy and mbind.
// A policy's mode with its flags ("MPOL_BIND|MPOL_F_STATIC_NODES"), and a
// node mask as strace shows it: the mask's words in hex, as many as
// maxnode bits need; move_pages's arrays of pages, nodes and statuses.

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "../memory.hpp"
#include "array.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

constexpr std::uint64_t kModeFlags = 0x8000 | 0x4000 | 0x2000;  // MPOL_F_STATIC_NODES ...
constexpr std::uint64_t kNodeOnly = 0x1;                          // get_mempolicy's MPOL_F_NODE

// "MPOL_BIND|MPOL_F_STATIC_NODES": the policy, then its flags.
std::string mode_text(std::uint64_t mode, XlatStyle style) {
  const std::uint64_t policy = mode & ~kModeFlags, flags = mode & kModeFlags;
  std::string names;
  if (xlat_name(xlat_family("mempolicy_modes"), policy) == nullptr) {
    // No policy it names: strace shows the whole value as flags
    // ("MPOL_F_STATIC_NODES|0xffff1fff", "0x6 /* MPOL_??? */").
    names = xlat_format(xlat_family("mempolicy_mode_flags"), mode, XlatStyle::Abbrev);
  } else {
    names = xlat_format(xlat_family("mempolicy_modes"), policy, XlatStyle::Abbrev);
    if (flags != 0) {
      names += '|';
      names += xlat_format(xlat_family("mempolicy_mode_flags"), flags, XlatStyle::Abbrev);
    }
  }
  return xlat_styled(c_hex(mode), names, style);
}

// How many words strace reads for `maxnode` bits (the kernel's own count).
std::uint64_t mask_words(std::uint64_t maxnode) { return (maxnode + 64 - 2) / 64; }

// "[0x00000000000001, 0000000000000000]": each word as C's "%#016lx".
bool decode_nodemask(pid_t tid, const SyscallEvent& e, ArgValue& v, const DecodeLimits& limits) {
  if (e.err != 0) return false;
  const int at = find_arg(*e.desc, "maxnode");
  if (at < 0) return false;
  const std::uint64_t words = mask_words(e.args[at].raw);
  if (words == 0) {
    // maxnode 0: no node to read, "[]"; maxnode 1: the kernel reads none
    // either, and strace shows the address.
    if (e.args[at].raw != 0) return false;
    v.text = "[]";
    return true;
  }
  const std::size_t shown = static_cast<std::size_t>(std::min<std::uint64_t>(words, max_elements(limits)));
  // Word by word, as strace reads the array: the first that cannot be read
  // ends it with "... /* its address */" (none read: the address), and so
  // does the word after the last shown when it cannot be read.
  auto word_at = [&](std::size_t i, std::uint64_t& w) {
    return read_exact(tid, RemotePtr{v.raw + i * sizeof(std::uint64_t)}, &w, sizeof w);
  };
  std::string out = "[";
  for (std::size_t i = 0; i < shown; ++i) {
    std::uint64_t w = 0;
    if (!word_at(i, w)) {
      if (i == 0) return false;
      v.text = out + fmt::format(", ... /* {:#x} */]", v.raw + i * sizeof(std::uint64_t));
      v.truncated = true;
      return true;
    }
    if (i) out += ", ";
    out += w == 0 ? std::string(16, '0') : fmt::format("{:#016x}", w);
    v.fields.push_back({member_name(fmt::format("[{}]", i)), static_cast<std::int64_t>(w)});
  }
  if (words > shown) {
    std::uint64_t next = 0;
    out += shown ? ", ..." : "...";
    if (!word_at(shown, next)) out += fmt::format(" /* {:#x} */", v.raw + shown * sizeof(std::uint64_t));
    v.truncated = true;
  }
  v.text = out + "]";
  return true;
}

// get_mempolicy's mode: "[MPOL_DEFAULT]", or the node with MPOL_F_NODE.
bool decode_policy_mode(pid_t tid, const SyscallEvent& e, ArgValue& v, XlatStyle style) {
  if (e.err != 0) return false;
  std::int32_t mode = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &mode, sizeof mode)) return false;
  const bool node = e.nargs >= 5 && (e.args[4].raw & kNodeOnly) != 0;
  v.text = fmt::format("[{}]", node ? std::to_string(mode) : mode_text(static_cast<std::uint32_t>(mode), style));
  v.fields.push_back({"value", mode});
  return true;
}

bool format_mode(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  const bool mode_arg = is(e.desc, SysId::mbind) ? i == 2 : is(e.desc, SysId::set_mempolicy) && i == 0;
  if (!mode_arg) return false;
  out += mode_text(e.args[i].raw, options.xlat_style);
  return true;
}

// move_pages's pages ("[0x7f.., NULL]") and nodes ("[0, 1]"), read at
// entry; the statuses the call wrote ("[0, -EFAULT]"), "[]" for none
// whether it succeeded or not.
bool decode_move_pages_array(const StructRead& r, int which) {
  const std::uint64_t count = r.e.args[1].raw;
  const std::size_t limit = max_elements(r.limits);
  std::optional<std::string> text;
  std::size_t n = 0;
  auto keep = [&r, &n](std::int64_t value) {
    r.v.fields.push_back({member_name(fmt::format("[{}]", n++)), value});
  };
  if (which == 0) {
    text = array_text(r.tid, r.v.raw, count, sizeof(std::uint64_t), limit, [&keep](const void* elem, std::string& out) {
      std::uint64_t page = 0;
      std::memcpy(&page, elem, sizeof page);
      keep(static_cast<std::int64_t>(page));
      append_pointer(out, page);
      return true;
    });
  } else if (which == 1) {
    text = array_text(r.tid, r.v.raw, count, sizeof(std::int32_t), limit, [&keep](const void* elem, std::string& out) {
      std::int32_t node = 0;
      std::memcpy(&node, elem, sizeof node);
      keep(node);
      out += std::to_string(node);
      return true;
    });
  } else {
    if (r.at_entry || r.e.err != 0) {
      if (count != 0 || r.v.raw == 0) return false;
      r.v.text = "[]";
      return true;
    }
    const XlatStyle style = r.style();
    text = array_text(r.tid, r.v.raw, count, sizeof(std::int32_t), limit, [style, &keep](const void* elem, std::string& out) {
      std::int32_t status = 0;
      std::memcpy(&status, elem, sizeof status);
      keep(status);
      const char* name = status < 0 ? errno_name(-status) : nullptr;
      if (name == nullptr) {
        out += std::to_string(status);
      } else {
        out += xlat_styled(std::to_string(status), fmt::format("-{}", name), style);
      }
      return true;
    });
  }
  if (!text) return false;
  r.v.text = std::move(*text);
  return true;
}

const StructDecoder kStructs[] = {
    {"move_pages_pages", [](const StructRead& r) { return decode_move_pages_array(r, 0); },
     [] { return std::vector<MemberDesc>{num("[]")}; }},
    {"move_pages_nodes", [](const StructRead& r) { return decode_move_pages_array(r, 1); },
     [] { return std::vector<MemberDesc>{num("[]")}; }},
    {"move_pages_status", [](const StructRead& r) { return decode_move_pages_array(r, 2); },
     [] { return std::vector<MemberDesc>{num("[]")}; }},
    {"nodemask", [](const StructRead& r) { return decode_nodemask(r.tid, r.e, r.v, r.limits); },
     [] { return std::vector<MemberDesc>{num("[]")}; }},
    {"mempolicy_mode", [](const StructRead& r) { return decode_policy_mode(r.tid, r.e, r.v, r.style()); },
     [] { return std::vector<MemberDesc>{num("value", "mempolicy_modes")}; }},
};

constexpr SysId kCalls[] = {SysId::set_mempolicy, SysId::mbind};

}  // namespace

const SyscallFamily& numa_family() {
  static const SyscallFamily family{
      .name = "numa", .calls = kCalls, .structs = kStructs, .format_arg = format_mode};
  return family;
}

}  // namespace syspect::detail
