#include "process_events.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>

#include "memory.hpp"
#include "ptrace.hpp"
#include "syscall_ids.hpp"

namespace syspect::detail {

void ProcessEvents::on_new_child(ThreadState& parent, int event) {
  unsigned long msg = 0;
  if (ptrace_checked(PTRACE_GETEVENTMSG, parent.tid, 0,
                     reinterpret_cast<std::uintptr_t>(&msg)) != PtraceStatus::Ok)
    return;
  pid_t child = static_cast<pid_t>(msg);
  parent.announced_child = child;
  pid_t tgid = child;
  if (event == PTRACE_EVENT_CLONE) {
    std::uint64_t flags = 0;
    const SyscallEvent& e = parent.pending;
    if (parent.in_syscall && e.desc && is(e.desc, SysId::clone)) {
      flags = e.args[0].raw;
    } else if (parent.in_syscall && e.desc && is(e.desc, SysId::clone3)) {
      detail::read_exact(parent.tid, detail::RemotePtr{e.args[0].raw}, &flags, sizeof flags);
    } else {
      pid_t t = tgid_of(child);
      flags = t == parent.tgid ? CLONE_THREAD : 0;
    }
    if (flags & CLONE_THREAD) tgid = parent.tgid;
  }
  // The child has its creator's own CPU mask.
  if (s_.placer) s_.placer->on_new_thread(child, parent.tid);
  auto it = s_.threads.find(child);
  if (it != s_.threads.end()) {
    // Its first stop came before this event and was filed under /proc's
    // answer; that answer is the truth, nothing more to do.
    return;
  }
  s_.add_thread(child, tgid, s_.exe_for(parent.tgid));
  if (tgid != parent.tgid) {
    auto p = s_.processes.find(parent.tgid);
    if (p != s_.processes.end() && p->second.full_stop) s_.processes[tgid].full_stop = true;
  }
}

void ProcessEvents::on_exec(ThreadState& t) {
  unsigned long former = 0;
  (void)ptrace_checked(PTRACE_GETEVENTMSG, t.tid, 0, reinterpret_cast<std::uintptr_t>(&former));
  pid_t leader = t.tid;
  pid_t old_tid = static_cast<pid_t>(former);
  if (old_tid != 0 && old_tid != leader) {
    // A non-leader thread exec'd and took over the leader's tid. The stop
    // is reported under the leader's tid; the state of the call in
    // progress lives under the former tid.
    auto old_it = s_.threads.find(old_tid);
    ThreadState& lead = s_.threads[leader];
    if (lead.in_syscall) {
      lead.pending.finished = false;
      s_.emit(lead.pending);
    }
    ExitEvent gone;
    gone.pid = lead.tgid;
    gone.tid = leader;
    gone.superseded_by = old_tid;
    gone.group_leader = true;
    s_.emit(gone);
    if (old_it != s_.threads.end()) {
      ThreadState moved = std::move(old_it->second);
      s_.threads.erase(old_it);
      moved.tid = leader;
      if (s_.placer) s_.placer->on_tid_change(old_tid, leader);
      moved.pending.tid = leader;
      moved.pending.exec_old_tid = old_tid;
      lead = std::move(moved);
      // The process keeps its count: one thread left, one taken over.
      auto p = s_.processes.find(lead.tgid);
      if (p != s_.processes.end()) p->second.threads--;
    }
  }
  ThreadState& cur = s_.threads[leader];
  auto p = s_.processes.find(cur.tgid);
  ExePath exe = exe_of(leader);
  if (p != s_.processes.end()) p->second.exe = exe;
  if (s_.unwinder) s_.unwinder->forget(cur.tgid);  // a new image: new modules
  if (cur.awaiting_exec) return;  // the execve exit tells whether it is ours
  // The new program, against the path, argv and envp judged at entry
  // (memory the exec has replaced, so it cannot be read again at exit).
  if (cur.in_syscall && cur.pending.desc && !cur.pending.blocked &&
      s_.wanted_data.recheck(cur.pending.abi, cur.pending.desc->nr))
    cur.pending.changed_args |= detail::exec_differs(cur.tgid, leader, cur.pending);
  ExecEvent ev;
  ev.pid = cur.tgid;
  ev.old_tid = old_tid ? old_tid : leader;
  ev.filename = exe ? *exe : std::string();
  ev.exe = exe;
  s_.emit(ev);
}

void ProcessEvents::on_signal_stop(ThreadState& t, int sig) {
  siginfo_t si{};
  if (ptrace_checked(PTRACE_GETSIGINFO, t.tid, 0, reinterpret_cast<std::uintptr_t>(&si)) !=
      PtraceStatus::Ok) {
    s_.resume(t, sig);
    return;
  }
  if (!t.awaiting_exec) {
    SignalEvent e;
    e.pid = t.tgid;
    e.tid = t.tid;
    e.signo = si.si_signo;
    e.code = si.si_code;
    e.errno_ = si.si_errno;
    if (user_regs_struct regs{}; ptrace_checked(PTRACE_GETREGS, t.tid, 0, reinterpret_cast<std::uintptr_t>(&regs)) ==
                                 PtraceStatus::Ok)
      e.ip = regs.rip;
    if (si.si_signo == SIGCHLD) {
      e.sender_pid = si.si_pid;
      e.sender_uid = si.si_uid;
      e.status = si.si_status;
      e.utime = static_cast<long>(si.si_utime);
      e.stime = static_cast<long>(si.si_stime);
    } else if (si.si_code <= 0) {
      e.sender_pid = si.si_pid;
      e.sender_uid = si.si_uid;
    } else if (si.si_signo == SIGSEGV || si.si_signo == SIGBUS || si.si_signo == SIGILL ||
               si.si_signo == SIGFPE) {
      e.addr = reinterpret_cast<std::uintptr_t>(si.si_addr);
    }
    s_.emit(e);
  }
  s_.resume(t, sig);
}

void ProcessEvents::on_group_stop(ThreadState& t, int sig) {
  if (!t.awaiting_exec) {
    SignalEvent e;
    e.pid = t.tgid;
    e.tid = t.tid;
    e.signo = sig;
    e.stopped = true;
    s_.emit(e);
  }
  // Stay stopped, as the program would untraced, until SIGCONT.
  if (ptrace_checked(PTRACE_LISTEN, t.tid, 0, 0) == PtraceStatus::Failed) s_.resume(t);
}

void ProcessEvents::on_thread_gone(pid_t tid, int status) {
  auto it = s_.threads.find(tid);
  if (it == s_.threads.end()) return;
  ThreadState& t = it->second;
  if (t.in_syscall && !t.awaiting_exec) {
    SyscallEvent& e = t.pending;
    bool exits = is(e.desc, SysId::exit_group) || is(e.desc, SysId::exit);
    if (exits && WIFEXITED(status)) {
      e.no_return = true;
    } else {
      e.finished = false;
    }
    s_.emit(e);
  }
  bool leader = t.tid == t.tgid;
  if (!t.awaiting_exec) {
    ExitEvent e;
    e.pid = t.tgid;
    e.tid = tid;
    e.group_leader = leader;
    if (WIFSIGNALED(status)) {
      e.signaled = true;
      e.signal = WTERMSIG(status);
      e.core_dumped = WCOREDUMP(status);
    } else {
      e.code = WEXITSTATUS(status);
    }
    s_.emit(e);
  }
  if (tid == s_.root) {
    s_.result.exited = true;
    s_.result.signaled = WIFSIGNALED(status);
    s_.result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    s_.result.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  s_.remove_thread(tid);
}

}  // namespace syspect::detail
