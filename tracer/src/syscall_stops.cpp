#include "syscall_stops.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>

#include "memory.hpp"
#include "ptrace.hpp"
#include "seccomp_filter.hpp"
#include "syscall_ids.hpp"

namespace syspect::detail {

void SyscallStops::on_syscall_stop(ThreadState& t) {
  __ptrace_syscall_info info{};
  if (ptrace_checked(PTRACE_GET_SYSCALL_INFO, t.tid, sizeof info,
                     reinterpret_cast<std::uintptr_t>(&info)) != PtraceStatus::Ok)
    return;
  if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
    on_entry(t, info.arch, info.entry.nr, info.entry.args, info.stack_pointer,
             info.instruction_pointer);
  } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
    on_exit_stop(t, info);
  }
}

void SyscallStops::on_seccomp_stop(ThreadState& t) {
  s_.count_filter_stop();
  __ptrace_syscall_info info{};
  if (ptrace_checked(PTRACE_GET_SYSCALL_INFO, t.tid, sizeof info,
                     reinterpret_cast<std::uintptr_t>(&info)) != PtraceStatus::Ok)
    return;
  if (info.op != PTRACE_SYSCALL_INFO_SECCOMP) return;
  if (is_vsyscall_page(info.instruction_pointer)) {
    on_vsyscall(t, info);
    return;
  }
  // A process on full stopping had its syscall-entry stop for this call
  // already (ptrace reports it before any filter runs).
  if (t.in_syscall) return;
  on_entry(t, info.arch, info.seccomp.nr, info.seccomp.args, info.stack_pointer,
           info.instruction_pointer);
  // Only the verdict was wanted, and the call runs: let it run unwatched.
  if (info.seccomp.ret_data == static_cast<std::uint16_t>(detail::TraceData::Entry) &&
      !t.pending.blocked && !t.awaiting_exec && !t.pending.injected.any())
    t.in_syscall = false;
}

void SyscallStops::on_vsyscall(ThreadState& t, const __ptrace_syscall_info& info) {
  on_entry(t, info.arch, info.seccomp.nr, info.seccomp.args, info.stack_pointer,
           info.instruction_pointer);
  t.in_syscall = false;
  SyscallEvent& e = t.pending;
  e.vsyscall = true;
  e.finished = false;
  if ((e.blocked || e.injected.skipped) && t.inject_errno) {
    e.result = -t.inject_errno;
    e.err = t.inject_errno;
    e.finished = true;
    (void)ptrace_checked(PTRACE_POKEUSER, t.tid, offsetof(user_regs_struct, rax),
                         static_cast<std::uintptr_t>(e.result));
    t.inject_errno = 0;
  }
  if (t.inject_retval) {  // an injected retval: as the errno above
    e.result = *t.inject_retval;
    e.finished = true;
    (void)ptrace_checked(PTRACE_POKEUSER, t.tid, offsetof(user_regs_struct, rax),
                         static_cast<std::uintptr_t>(e.result));
    t.inject_retval.reset();
  }
  s_.emit(e);
}

void SyscallStops::on_entry(ThreadState& t, std::uint32_t arch, std::uint64_t raw_nr,
            const std::uint64_t (&args)[6], std::uint64_t sp, std::uint64_t ip,
            bool verdict) {
  SyscallEvent& e = t.pending;
  e = SyscallEvent{};
  e.time_ns = clock_ns(CLOCK_REALTIME);
  t.entry_mono_ns = clock_ns(CLOCK_MONOTONIC);
  e.ip = ip;
  e.pid = t.tgid;
  e.tid = t.tid;
  long nr = static_cast<long>(raw_nr);
  if (arch == AUDIT_ARCH_I386) {
    e.abi = Abi::i386;
    nr = static_cast<std::int32_t>(nr);
  } else if (nr >= 0 && (nr & kX32Bit)) {
    e.abi = Abi::x32;
  }
  e.nr = nr;
  e.desc = e.abi == Abi::x32 ? lookup_syscall(Abi::x86_64, nr & ~kX32Bit)
                             : lookup_syscall(e.abi, nr);
  std::uint64_t raw[6];
  for (int i = 0; i < 6; ++i) raw[i] = args[i];
  detail::decode_entry(t.tid, e, raw, sp, s_.limits_for(e));
  t.entry_sp = sp;
  if (e.desc && is(e.desc, SysId::restart_syscall)) e.resumed = t.interrupted;
  t.in_syscall = true;
  t.strict_kill = killed_by_strict(e);
  if (!t.awaiting_exec && verdict) {
    e.exe = s_.exe_for(e.pid);
    if (s_.unwinder && wants_stack(e)) e.stack = s_.unwinder->unwind(t.tgid, t.tid);
    apply_verdict(t);
    if (s_.options.follow && !e.blocked) guards_.keep_children_traced(t);
    if (s_.placer && !e.blocked && !e.injected.skipped) s_.placer->on_entry(t.tid, e);
    t.names_at_entry = {};
    if (!e.blocked && e.desc && s_.wanted_data.recheck(e.abi, e.desc->nr))
      t.names_at_entry = detail::names_at_entry(t.tgid, t.tid, e);
  }
}

bool SyscallStops::killed_by_strict(const SyscallEvent& e) const {
  if (!s_.options.strict || e.abi == Abi::x86_64) return false;
  const auto& allowed = e.abi == Abi::i386 ? s_.options.strict->allow_i386 : s_.options.strict->allow_x32;
  return std::find(allowed.begin(), allowed.end(), e.nr) == allowed.end();
}

void SyscallStops::on_exit_event(ThreadState& t) {
  unsigned long status = 0;
  if (ptrace_checked(PTRACE_GETEVENTMSG, t.tid, 0, reinterpret_cast<std::uintptr_t>(&status)) !=
      PtraceStatus::Ok)
    return;
  int st = static_cast<int>(status);
  if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSYS || t.in_syscall || t.strict_reported ||
      t.awaiting_exec)
    return;
  __ptrace_syscall_info info{};
  user_regs_struct regs{};
  if (ptrace_checked(PTRACE_GET_SYSCALL_INFO, t.tid, sizeof info,
                     reinterpret_cast<std::uintptr_t>(&info)) != PtraceStatus::Ok ||
      ptrace_checked(PTRACE_GETREGS, t.tid, 0, reinterpret_cast<std::uintptr_t>(&regs)) !=
          PtraceStatus::Ok)
    return;
  bool i386 = info.arch == AUDIT_ARCH_I386;
  std::uint64_t args[6] = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
  if (i386) {
    std::uint64_t a[6] = {regs.rbx, regs.rcx, regs.rdx, regs.rsi, regs.rdi, regs.rbp};
    std::copy(std::begin(a), std::end(a), std::begin(args));
  }
  on_entry(t, info.arch, regs.orig_rax, args, regs.rsp, regs.rip, /*verdict=*/false);
  if (!t.strict_kill) {  // not a call the filter kills: some other SIGSYS
    t.in_syscall = false;
    return;
  }
  t.strict_kill = false;
  t.strict_reported = true;
  t.in_syscall = false;
  t.pending.finished = false;
  t.pending.blocked = true;
  s_.emit(t.pending);
}

void SyscallStops::apply_verdict(ThreadState& t) {
  Verdict v;
  for (Sink* s : s_.sinks) {
    v = s->on_entry(t.pending);
    if (v.action != Verdict::Action::Allow) break;
  }
  if (v.action == Verdict::Action::Allow) {
    inject(t);
    return;
  }
  // Skip the call: the kernel runs nothing for syscall number -1.
  (void)ptrace_checked(PTRACE_POKEUSER, t.tid, offsetof(user_regs_struct, orig_rax),
                       static_cast<std::uintptr_t>(-1));
  t.pending.blocked = true;
  if (v.action == Verdict::Action::Fail) {
    t.inject_errno = v.err;
  } else {
    s_.kill_all();
  }
}

void SyscallStops::on_exit_stop(ThreadState& t, const __ptrace_syscall_info& info) {
  if (!t.in_syscall) {
    // A call that was under way when we attached: its entry was never seen.
    return;
  }
  t.in_syscall = false;
  SyscallEvent& e = t.pending;
  e.duration_ns = clock_ns(CLOCK_MONOTONIC) - t.entry_mono_ns;
  std::int64_t rval = info.exit.rval;
  bool is_error = info.exit.is_error != 0;
  if (t.inject_errno) {
    rval = -t.inject_errno;
    is_error = true;
    t.inject_errno = 0;
    (void)ptrace_checked(PTRACE_POKEUSER, t.tid, offsetof(user_regs_struct, rax),
                         static_cast<std::uintptr_t>(rval));
  }
  if (t.inject_retval) {
    rval = *t.inject_retval;
    is_error = false;
    t.inject_retval.reset();
    (void)ptrace_checked(PTRACE_POKEUSER, t.tid, offsetof(user_regs_struct, rax),
                         static_cast<std::uintptr_t>(rval));
  }
  if (t.strict_kill) {
    // The filter skipped the call and the process dies by SIGSYS; the
    // registers were rolled back, there is no result.
    t.strict_kill = false;
    t.strict_reported = true;
    e.finished = false;
    e.blocked = true;
    e.duration_ns = -1;
    s_.emit(e);
    return;
  }
  if (s_.placer && !t.awaiting_exec)
    s_.placer->on_exit(t.tid, e, rval, is_error, [this](pid_t tid) { return s_.traced(tid); });
  recheck_inputs(t, is_error);
  detail::decode_exit(t.tid, e, rval, is_error, s_.limits_for(e));
  if (s_.unwinder) s_.unwinder->after_call(e);
  compare_with_kernel(t);
  if (!t.awaiting_exec && !e.injected.skipped) {
    guards_.check_child_announced(t);
    guards_.note_tracee_filter(t);
    guards_.check_opened_path(t);
  }
  if (e.err && is_restart_errno(e.err)) {
    t.interrupted = e.resumed ? e.resumed : e.desc;
  }
  if (t.awaiting_exec) {
    // Only the target's own execve counts; a failed one is reported as a
    // start error, not as a trace.
    if (e.desc && is(e.desc, SysId::execve)) {
      if (e.err) {
        s_.exec_errno = e.err;
        return;
      }
      t.awaiting_exec = false;
      s_.result.started = true;
    } else {
      return;
    }
  }
  finish_injection(t);
}

void SyscallStops::recheck_inputs(ThreadState& t, bool is_error) {
  SyscallEvent& e = t.pending;
  if (e.blocked || e.injected.skipped || e.desc == nullptr || !s_.wanted_data.recheck(e.abi, e.desc->nr))
    return;
  if (!is_error && (is(e.desc, SysId::execve) || is(e.desc, SysId::execveat))) return;
  SyscallEvent again;
  again.pid = e.pid;
  again.tid = e.tid;
  again.abi = e.abi;
  again.nr = e.nr;
  again.desc = e.desc;
  std::uint64_t raw[6];
  for (int i = 0; i < 6; ++i) raw[i] = e.args[i].raw;
  detail::decode_entry(t.tid, again, raw, t.entry_sp, s_.limits_for(e));
  for (int i = 0; i < e.nargs && i < 8; ++i) {
    const ArgDesc& d = e.desc->args[i];
    if (d.dir != ArgDir::In) continue;
    const ArgValue& before = e.args[i];
    const ArgValue& after = again.args[i];
    bool pointer = d.kind == ArgKind::Path || d.kind == ArgKind::Str || d.kind == ArgKind::Buf ||
                   d.kind == ArgKind::Argv || d.kind == ArgKind::Envp || d.kind == ArgKind::Struct;
    if (!pointer) continue;
    if (before.form != after.form || before.bytes != after.bytes || before.text != after.text ||
        before.items != after.items)
      e.changed_args |= static_cast<std::uint8_t>(1u << i);
  }
}

void SyscallStops::compare_with_kernel(ThreadState& t) {
  SyscallEvent& e = t.pending;
  if (e.blocked || e.injected.skipped || e.desc == nullptr || !s_.wanted_data.recheck(e.abi, e.desc->nr))
    return;
  if (!e.err) e.changed_args |= detail::names_without_effect(t.tgid, t.tid, e, t.names_at_entry);
  if (!e.err || e.err == EINPROGRESS) e.changed_args |= detail::peer_differs(t.tgid, t.tid, e);
}

void SyscallStops::inject(ThreadState& t) {
  if (s_.injector.empty()) return;
  SyscallEvent& e = t.pending;
  std::optional<std::size_t> fired = s_.injector.on_entry(e);
  if (!fired) return;
  const Injection& inj = s_.injector.rule(*fired);
  auto us = [](std::chrono::microseconds d) {
    return static_cast<std::uint32_t>(std::min<std::int64_t>(d.count(), UINT32_MAX));
  };
  InjectedFault& f = e.injected;
  f.rule = static_cast<std::uint16_t>(*fired);
  f.signal = inj.signal;
  f.delay_enter_us = us(inj.delay_enter);
  f.delay_exit_us = us(inj.delay_exit);
  if (inj.skips_call()) {
    // As a Fail verdict: the kernel runs nothing for number -1, and the
    // result is written at the exit stop.
    (void)ptrace_checked(PTRACE_POKEUSER, t.tid, offsetof(user_regs_struct, orig_rax),
                         static_cast<std::uintptr_t>(-1));
    f.skipped = true;
    if (inj.error) t.inject_errno = *inj.error;
    else t.inject_retval = *inj.retval;
  }
  t.inject_delay_exit = inj.delay_exit;
  // The thread waits at its entry stop; the loop resumes it when due.
  if (inj.delay_enter.count() > 0) t.hold_until = std::chrono::steady_clock::now() + inj.delay_enter;
}

void SyscallStops::finish_injection(ThreadState& t) {
  SyscallEvent& e = t.pending;
  if (t.inject_delay_exit.count() > 0) {
    t.hold_until = std::chrono::steady_clock::now() + t.inject_delay_exit;
    t.inject_delay_exit = {};
  }
  s_.emit(e);
  // Sent once the call has returned: pending when the thread resumes, it is
  // delivered (and reported) before the thread runs on.
  if (e.injected.signal != 0) (void)::syscall(SYS_tgkill, t.tgid, t.tid, e.injected.signal);
}

bool SyscallStops::wants_stack(const SyscallEvent& e) const {
  if (e.abi != Abi::x86_64) return true;
  return s_.wanted_data.need(e.nr) != Interest::Need::None;
}

}  // namespace syspect::detail
