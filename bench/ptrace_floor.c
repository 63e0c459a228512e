// bench helper: the least any full ptrace tracer can do. It runs a command
// (and every process and thread it starts) stopping at each syscall's entry
// and exit, as strace and syspect do without a filter, and at each stop asks
// only what any decoder must ask (PTRACE_GET_SYSCALL_INFO) before resuming:
// no decoding, no output. Its time against strace's says how fast a full
// trace can be on this machine and kernel (bench/run.sh, "floor").
//
//   ptrace_floor [--same-cpu] CMD [ARG...]     exit status: the command's
//
// --same-cpu runs the tracer and the traced tree on the CPU the tracer
// starts on, as syspect's default placement does for a full trace.
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int first = 1;
  if (argc > 1 && strcmp(argv[1], "--same-cpu") == 0) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) perror("sched_setaffinity");
    first = 2;
  }
  if (argc <= first) {
    fprintf(stderr, "usage: ptrace_floor [--same-cpu] CMD [ARG...]\n");
    return 2;
  }
  pid_t child = fork();
  if (child < 0) {
    perror("fork");
    return 2;
  }
  if (child == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    execvp(argv[first], argv + first);
    _exit(127);
  }
  int status;
  if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) return 2;
  const long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                       PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
  if (ptrace(PTRACE_SETOPTIONS, child, 0, options) != 0) {
    perror("PTRACE_SETOPTIONS");
    return 2;
  }
  ptrace(PTRACE_SYSCALL, child, 0, 0);
  int code = 0;
  for (;;) {
    pid_t pid = waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: every tracee is gone
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      if (pid == child) code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      continue;
    }
    int sig = WSTOPSIG(status), deliver = 0;
    if (sig == (SIGTRAP | 0x80)) {
      struct __ptrace_syscall_info info;
      ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info);
    } else if (status >> 16 == 0 && sig != SIGTRAP && sig != SIGSTOP) {
      deliver = sig;  // a signal for the tracee (a new tracee's first SIGSTOP is not)
    }
    ptrace(PTRACE_SYSCALL, pid, 0, deliver);
  }
  return code;
}
