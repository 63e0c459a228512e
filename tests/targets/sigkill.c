/* sigkill: a process blocked in a syscall is killed with SIGKILL.
 *
 * The parent makes a pipe nobody writes to and forks a child, then blocks in
 * read(2) on the pipe. The child waits (polling /proc/PPID/syscall, bounded)
 * until the parent is inside that read, sends it SIGKILL and exits 0. The
 * parent prints, before blocking,
 *
 *   parent 00012345 reads fd 3
 *
 * A tracer must report the parent's read as unfinished, the parent as
 * killed by SIGKILL (status 137), and must not hang.
 */
#include "common.h"

#include <signal.h>

int main(void) {
  int p[2];
  if (pipe(p) != 0) die("pipe");
  pid_t parent = getpid();
  say("parent %08d reads fd %d\n", (int)parent, p[0]);
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    await_syscall(parent, parent, SYS_read, p[0]);
    if (kill(parent, SIGKILL) != 0) die("kill");
    _exit(0);
  }
  char c;
  ssize_t n = read(p[0], &c, 1);
  say_fd(2, "sigkill: read returned %zd, the parent was not killed\n", n);
  return TARGET_BROKEN;
}
