/* untraced_clone: children created with CLONE_UNTRACED, which the kernel
 * would not attach to a tracer.
 *
 * 1. clone(CLONE_UNTRACED | SIGCHLD): the child makes 3 getppid calls and
 *    exits 7.
 * 2. clone3 with CLONE_UNTRACED in its flags: the child makes 5 getppid calls
 *    and exits 8. (Skipped, with a line on stdout, where clone3 is ENOSYS.)
 * The parent waits for each and prints "clone 7" / "clone3 8".
 * A tracer that lets either child escape sees none of its getppid calls.
 */
#include "../targets/common.h"

#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

static int child_calls(int n, int code) {
  for (int i = 0; i < n; ++i) syscall(SYS_getppid);
  syscall(SYS_exit, code);
  return 0;
}

static int wait_for(long pid) {
  int status = 0;
  if (waitpid((pid_t)pid, &status, 0) != pid) die("waitpid");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void) {
  long pid = syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) die("clone");
  if (pid == 0) return child_calls(3, 7);
  say("clone %d\n", wait_for(pid));

  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.flags = CLONE_UNTRACED;
  args.exit_signal = SIGCHLD;
  pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0 && errno == ENOSYS) {
    say("clone3 unsupported\n");
    return 0;
  }
  if (pid < 0) die("clone3");
  if (pid == 0) return child_calls(5, 8);
  say("clone3 %d\n", wait_for(pid));
  return 0;
}
