// The list of families, and lookups by call and by struct name.

#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "family.hpp"

namespace syspect::detail {
namespace {

struct Registry {
  std::vector<const SyscallFamily*> families;
  std::vector<const SyscallFamily*> by_id;  // indexed by SysId
  std::map<std::string_view, const StructDecoder*, std::less<>> structs;

  Registry() {
    families = {&clone_family(),    &fcntl_family(),  &fs_family(),      &futex_family(),   &io_family(),
                &io_uring_family(), &ioctl_family(),  &ipc_family(),     &landlock_family(),
                &mman_family(),     &mount_family(),  &netlink_family(), &numa_family(),    &open_family(),
                &poll_family(),     &prctl_family(),  &process_family(), &signal_family(),
                &socket_family(),   &stat_family(),   &syslog_family(),  &system_family(),  &time_family()};
    for (const SyscallFamily* f : families) {
      for (SysId id : f->calls) {
        const auto at = static_cast<std::size_t>(id);
        if (by_id.size() <= at) by_id.resize(at + 1, nullptr);
        if (by_id[at] != nullptr) fail("a call in two families", f->name);
        by_id[at] = f;
      }
      for (const StructDecoder& s : f->structs)
        if (!structs.emplace(s.name, &s).second) fail("a struct decoded twice", s.name);
    }
  }

  // A programming error in the lists above, found at start-up.
  [[noreturn]] static void fail(const char* what, const char* name) {
    std::fprintf(stderr, "syspect: internal error: %s (%s)\n", what, name);
    std::abort();
  }
};

const Registry& registry() {
  static const Registry r;
  return r;
}

}  // namespace

std::span<const SyscallFamily* const> syscall_families() { return registry().families; }

const SyscallFamily* family_of(const SyscallDesc* desc) {
  if (desc == nullptr) return nullptr;
  const auto& by_id = registry().by_id;
  const auto at = static_cast<std::size_t>(desc->id);
  return at < by_id.size() ? by_id[at] : nullptr;
}

const StructDecoder* struct_decoder(std::string_view name) {
  const auto& structs = registry().structs;
  auto it = structs.find(name);
  return it == structs.end() ? nullptr : it->second;
}

bool decode_struct(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v, bool at_entry,
                   const DecodeLimits& limits) {
  if (v.raw == 0 || d.struct_name == nullptr || e.abi != Abi::x86_64) return false;
  const StructDecoder* decoder = struct_decoder(d.struct_name);
  if (decoder == nullptr || !decoder->decode(StructRead{tid, e, d, v, at_entry, limits})) return false;
  v.form = ArgValue::Form::Struct;
  return true;
}

}  // namespace syspect::detail
