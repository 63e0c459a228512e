// The System V IPC family: semop's and semtimedop's array of struct
// sembuf, as strace shows it.

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

struct Sembuf {
  std::uint16_t sem_num;
  std::int16_t sem_op;
  std::int16_t sem_flg;
};

// "[{sem_num=0, sem_op=1, sem_flg=SEM_UNDO}]", up to -s elements; an
// element that cannot be read ends the array with "... /* its address */"
// (the first: the address), as strace's print_array does.
bool decode_sembufs(pid_t tid, const SyscallEvent& e, ArgValue& v, const DecodeLimits& limits) {
  const std::uint64_t n = e.args[2].raw & 0xffffffffu;
  const std::size_t shown = static_cast<std::size_t>(std::min<std::uint64_t>(n, max_elements(limits)));
  auto at = [&v](std::size_t i) { return v.raw + i * sizeof(Sembuf); };
  std::string out = "[";
  for (std::size_t i = 0; i < shown; ++i) {
    Sembuf s{};
    if (!read_exact(tid, RemotePtr{at(i)}, &s, sizeof s)) {
      if (i == 0) return false;
      v.text = out + fmt::format(", ... /* {:#x} */]", at(i));
      v.truncated = true;
      return true;
    }
    if (i) out += ", ";
    out += fmt::format("{{sem_num={}, sem_op={}, sem_flg={}}}", s.sem_num, s.sem_op,
                       xlat_format(xlat_family("semop_flags"), static_cast<std::uint16_t>(s.sem_flg),
                                   limits.xlat_style));
    v.fields.push_back({member_name(fmt::format("[{}].sem_num", i)), s.sem_num});
    v.fields.push_back({member_name(fmt::format("[{}].sem_op", i)), s.sem_op});
    v.fields.push_back({member_name(fmt::format("[{}].sem_flg", i)), static_cast<std::uint16_t>(s.sem_flg)});
  }
  if (n > shown) {
    Sembuf next{};
    out += shown ? ", ..." : "...";
    if (!read_exact(tid, RemotePtr{at(shown)}, &next, sizeof next)) out += fmt::format(" /* {:#x} */", at(shown));
    v.truncated = true;
  }
  v.text = out + "]";
  return true;
}

const StructDecoder kStructs[] = {
    {"sembuf", [](const StructRead& r) { return decode_sembufs(r.tid, r.e, r.v, r.limits); },
     [] {
       return std::vector<MemberDesc>{num("[].sem_num"), num("[].sem_op"), num("[].sem_flg", "semop_flags")};
     }},
};

}  // namespace

const SyscallFamily& ipc_family() {
  static const SyscallFamily family{.name = "ipc", .calls = {}, .structs = kStructs};
  return family;
}

}  // namespace syspect::detail
