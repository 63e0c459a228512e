// The landlock family: landlock_create_ruleset's struct
// landlock_ruleset_attr (and its result, an fd unless the call asked for
// the ABI version), landlock_add_rule's struct landlock_path_beneath_attr.

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

constexpr std::uint64_t kRulesetVersion = 1;    // LANDLOCK_CREATE_RULESET_VERSION
constexpr std::uint64_t kRulePathBeneath = 1;   // LANDLOCK_RULE_PATH_BENEATH
constexpr std::uint64_t kRulesetAttrSize = 8;   // handled_access_fs, as strace 6.1 knows it

// "{handled_access_fs=LANDLOCK_ACCESS_FS_EXECUTE}": shown only when the
// size covers the member; a longer one ends in ", ..." (strace reads no
// further).
bool decode_ruleset_attr(const StructRead& r) {
  const std::uint64_t size = r.e.args[1].raw;
  if (size < kRulesetAttrSize) return false;
  std::uint64_t access = 0;
  if (!read_exact(r.tid, RemotePtr{r.v.raw}, &access, sizeof access)) return false;
  r.v.text = fmt::format("{{handled_access_fs={}{}}}",
                         xlat_format(xlat_family("landlock_access_fs"), access, r.style()),
                         size > kRulesetAttrSize ? ", ..." : "");
  Out{r.v}.field("handled_access_fs", static_cast<std::int64_t>(access));
  return true;
}

// "{allowed_access=LANDLOCK_ACCESS_FS_EXECUTE, parent_fd=3</tmp>}", for
// the one rule type there is; another type's pointer stays an address.
bool decode_path_beneath_attr(const StructRead& r) {
  if (static_cast<std::uint32_t>(r.e.args[1].raw) != kRulePathBeneath) return false;
  struct __attribute__((packed)) {
    std::uint64_t allowed_access;
    std::int32_t parent_fd;
  } attr{};
  static_assert(sizeof attr == 12);
  if (!read_exact(r.tid, RemotePtr{r.v.raw}, &attr, sizeof attr)) return false;
  r.v.text = fmt::format("{{allowed_access={}, parent_fd={}}}",
                         xlat_format(xlat_family("landlock_access_fs"), attr.allowed_access, r.style()),
                         fd_text(r.tid, attr.parent_fd, r.limits));
  Out o{r.v};
  o.field("allowed_access", static_cast<std::int64_t>(attr.allowed_access));
  o.field("parent_fd", attr.parent_fd);
  return true;
}

// With LANDLOCK_CREATE_RULESET_VERSION the result is the ABI version, not
// an fd: -y shows no path for it.
void create_ruleset_after_exit(pid_t, SyscallEvent& e, const DecodeLimits&) {
  if (is(e.desc, SysId::landlock_create_ruleset) && e.nargs >= 3 &&
      (e.args[2].raw & kRulesetVersion) != 0) {
    e.fd_path.clear();
    e.fd_deleted = false;
  }
}

const StructDecoder kStructs[] = {
    {"landlock_ruleset_attr", decode_ruleset_attr,
     [] { return std::vector<MemberDesc>{num("handled_access_fs", "landlock_access_fs")}; }},
    {"landlock_path_beneath_attr", decode_path_beneath_attr,
     [] { return std::vector<MemberDesc>{num("allowed_access", "landlock_access_fs"), num("parent_fd")}; }},
};

constexpr SysId kCalls[] = {SysId::landlock_create_ruleset, SysId::landlock_add_rule};

}  // namespace

const SyscallFamily& landlock_family() {
  static const SyscallFamily family{.name = "landlock",
                                    .calls = kCalls,
                                    .structs = kStructs,
                                    .after_exit = create_ruleset_after_exit};
  return family;
}

}  // namespace syspect::detail
