#include "cpu_placement.hpp"

#include <algorithm>

#include "memory.hpp"
#include "syscall_ids.hpp"
#include "syspect/syscall_table.hpp"

namespace syspect::detail {
namespace {

cpu_set_t only(int cpu) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  return one;
}

bool creates_task(const SyscallEvent& e) {
  return is(e.desc, SysId::clone) || is(e.desc, SysId::clone3) || is(e.desc, SysId::fork) ||
         is(e.desc, SysId::vfork);
}

}  // namespace

CpuPlacer::AffinityCall CpuPlacer::affinity_call(const SyscallEvent& e, std::int64_t result) {
  if (is(e.desc, SysId::sched_getaffinity)) return result > 0 ? AffinityCall::Get : AffinityCall::None;
  if (is(e.desc, SysId::sched_setaffinity)) return AffinityCall::Set;
  return AffinityCall::None;
}

pid_t CpuPlacer::affinity_target(pid_t tid, const SyscallEvent& e) {
  auto pid = static_cast<pid_t>(static_cast<std::int32_t>(e.args[0].raw));
  return pid == 0 ? tid : pid;
}

CpuPlacer::CpuPlacer(CpuPlacement placement, bool filtered, bool follow) : follow_(follow) {
  if (placement == CpuPlacement::None ||
      ::sched_getaffinity(0, sizeof start_mask_, &start_mask_) != 0)
    return;
  restore_ = true;
  may_pin_ = true;
  if (placement == CpuPlacement::Auto && filtered) {
    auto_later_ = true;
    return;
  }
  (void)pin_self_now();
}

CpuPlacer::~CpuPlacer() {
  if (restore_) (void)::sched_setaffinity(0, sizeof start_mask_, &start_mask_);
}

bool CpuPlacer::pin_self_now() {
  int cpu = ::sched_getcpu();
  if (cpu < 0 || !CPU_ISSET(cpu, &start_mask_)) return false;
  cpu_set_t one = only(cpu);
  if (::sched_setaffinity(0, sizeof one, &one) != 0) return false;
  pinned_cpu_ = cpu;
  return true;
}

const cpu_set_t& CpuPlacer::own_mask(pid_t tid) const {
  auto it = own_.find(tid);
  return it == own_.end() ? start_mask_ : it->second;
}

void CpuPlacer::set_own_mask(pid_t tid, const cpu_set_t& mask) {
  if (CPU_EQUAL(&mask, &start_mask_)) {
    own_.erase(tid);
  } else {
    own_[tid] = mask;
  }
}

void CpuPlacer::place(pid_t tid) const {
  if (pinned_cpu_ < 0 || !CPU_ISSET(pinned_cpu_, &own_mask(tid))) return;
  cpu_set_t one = only(pinned_cpu_);
  (void)::sched_setaffinity(tid, sizeof one, &one);  // gone: nothing to place
}

void CpuPlacer::on_new_thread(pid_t tid, pid_t creator) {
  if (!may_pin_) return;
  auto it = creator != 0 ? own_.find(creator) : own_.end();
  if (it != own_.end()) {
    cpu_set_t inherited = it->second;
    own_[tid] = inherited;
    // Placed already, by a first stop that came before this news, with
    // the tree's mask; a mask without the shared CPU is given back.
    if (pinned_cpu_ >= 0 && !CPU_ISSET(pinned_cpu_, &inherited))
      (void)::sched_setaffinity(tid, sizeof inherited, &inherited);
  } else {
    own_.erase(tid);
  }
  // A thread made before the tree moved, or whose creator was mid-clone
  // when it moved, is moved now.
  place(tid);
}

void CpuPlacer::on_thread_gone(pid_t tid) {
  own_.erase(tid);
  unpinned_for_child_.erase(tid);
}

void CpuPlacer::on_tid_change(pid_t old_tid, pid_t new_tid) {
  auto it = own_.find(old_tid);
  if (it == own_.end()) {
    own_.erase(new_tid);
    return;
  }
  cpu_set_t mask = it->second;
  own_.erase(it);
  own_[new_tid] = mask;
}

void CpuPlacer::on_entry(pid_t tid, const SyscallEvent& e) {
  // Without --follow a child is not traced, so nobody would give it its own
  // mask back: the creating thread runs the call with its own mask, and the
  // child inherits that.
  if (follow_ || pinned_cpu_ < 0 || !creates_task(e)) return;
  const cpu_set_t& mask = own_mask(tid);
  if (::sched_setaffinity(tid, sizeof mask, &mask) == 0) unpinned_for_child_[tid] = true;
}

void CpuPlacer::after_child_created(pid_t tid) {
  if (unpinned_for_child_.erase(tid) != 0) place(tid);
}

void CpuPlacer::report_own_mask(pid_t target, pid_t caller, const SyscallEvent& e,
                                std::int64_t result) const {
  if (pinned_cpu_ < 0) return;
  // The kernel wrote `result` bytes of the target's real mask. Only a
  // thread that is on the shared CPU now has a real mask other than its
  // own (a mask changed from outside the tree is left as the kernel says).
  std::size_t n = std::min(static_cast<std::size_t>(result), sizeof(cpu_set_t));
  cpu_set_t real;
  CPU_ZERO(&real);
  RemotePtr buf{e.args[2].raw};
  if (!read_exact(caller, buf, &real, n)) return;
  cpu_set_t one = only(pinned_cpu_);
  if (!CPU_EQUAL(&real, &one)) return;
  (void)write_memory(caller, buf, &own_mask(target), n);
}

void CpuPlacer::keep_own_mask(pid_t target) {
  cpu_set_t now;
  if (::sched_getaffinity(target, sizeof now, &now) != 0) return;
  set_own_mask(target, now);
  place(target);
}

}  // namespace syspect::detail
