// The io_uring family: io_uring_setup's struct io_uring_params, what the
// caller asked for at entry and what the kernel filled in at exit.

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

constexpr std::uint32_t kSetupAttachWq = 0x20;  // IORING_SETUP_ATTACH_WQ

struct SqOffsets {
  std::uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
  std::uint64_t resv2;
};
struct CqOffsets {
  std::uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
  std::uint64_t resv2;
};
struct Params {
  std::uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features;
  std::int32_t wq_fd;
  std::uint32_t resv[3];
  SqOffsets sq_off;
  CqOffsets cq_off;
};
static_assert(sizeof(Params) == 120);

// The reserved members strace shows only when they are not zero.
std::string reserved(std::uint32_t resv1, std::uint64_t resv2) {
  std::string out;
  if (resv1 != 0) out += fmt::format(", resv1={:#x}", resv1);
  if (resv2 != 0) out += fmt::format(", resv2={:#x}", resv2);
  return out;
}

// Entry: "{flags=IORING_SETUP_ATTACH_WQ, sq_thread_cpu=0, sq_thread_idle=0,
// wq_fd=3}"; exit (a call that succeeded): the same, then sq_entries,
// cq_entries, features and the two rings' offsets.
bool decode_io_uring_params(const StructRead& r) {
  Params p{};
  if (!read_exact(r.tid, RemotePtr{r.v.raw}, &p, sizeof p)) return !r.at_entry && !r.v.text.empty();
  Out o{r.v};
  if (r.at_entry) {
    std::string out = fmt::format("{{flags={}, sq_thread_cpu={}, sq_thread_idle={}",
                                  xlat_format(xlat_family("io_uring_setup_flags"), p.flags, r.style()),
                                  c_hex(p.sq_thread_cpu), p.sq_thread_idle);
    if (p.flags & kSetupAttachWq) out += ", wq_fd=" + fd_text(r.tid, p.wq_fd, r.limits);
    if (p.resv[0] != 0 || p.resv[1] != 0 || p.resv[2] != 0)
      out += fmt::format(", resv=[{}, {}, {}]", c_hex(p.resv[0]), c_hex(p.resv[1]), c_hex(p.resv[2]));
    r.v.text = out + "}";
    r.v.fields.clear();
    o.field("flags", p.flags);
    o.field("sq_thread_cpu", p.sq_thread_cpu);
    o.field("sq_thread_idle", p.sq_thread_idle);
    o.field("wq_fd", p.wq_fd);
    return true;
  }
  if (r.v.text.empty() || r.v.text.back() != '}') return false;
  r.v.text.pop_back();
  const SqOffsets& sq = p.sq_off;
  const CqOffsets& cq = p.cq_off;
  r.v.text += fmt::format(
      ", sq_entries={}, cq_entries={}, features={}, sq_off={{head={}, tail={}, ring_mask={}, "
      "ring_entries={}, flags={}, dropped={}, array={}{}}}, cq_off={{head={}, tail={}, ring_mask={}, "
      "ring_entries={}, overflow={}, cqes={}, flags={}{}}}}}",
      p.sq_entries, p.cq_entries, xlat_format(xlat_family("io_uring_setup_features"), p.features, r.style()),
      sq.head, sq.tail, sq.ring_mask, sq.ring_entries, sq.flags, sq.dropped, sq.array,
      reserved(sq.resv1, sq.resv2), cq.head, cq.tail, cq.ring_mask, cq.ring_entries, cq.overflow, cq.cqes,
      cq.flags, reserved(cq.resv1, cq.resv2));
  o.field("sq_entries", p.sq_entries);
  o.field("cq_entries", p.cq_entries);
  o.field("features", p.features);
  return true;
}

const StructDecoder kStructs[] = {
    {"io_uring_params", decode_io_uring_params,
     [] {
       return std::vector<MemberDesc>{num("flags", "io_uring_setup_flags"),
                                      num("sq_thread_cpu"),
                                      num("sq_thread_idle"),
                                      num("wq_fd"),
                                      num("sq_entries"),
                                      num("cq_entries"),
                                      num("features", "io_uring_setup_features")};
     }},
};

constexpr SysId kCalls[] = {SysId::io_uring_setup};

}  // namespace

const SyscallFamily& io_uring_family() {
  static const SyscallFamily family{.name = "io_uring", .calls = kCalls, .structs = kStructs};
  return family;
}

}  // namespace syspect::detail
