/* fork_exec: a parent starts a child that execs another program, and waits.
 *
 *   fork_exec fork  PROG [ARGS...]   child made with fork(2)
 *   fork_exec vfork PROG [ARGS...]   child made with vfork(2)
 *
 * The child execs PROG (a path, no PATH search) with ARGS; the parent waits
 * for it with wait4(2) and prints, with the pid zero-padded so the line has a
 * fixed length:
 *
 *   child 00012345 status 3
 *
 * where status is the child's exit code (or 128+signal). The parent then
 * exits 0. A tracer must attribute the child's execve and everything after
 * it to the child's pid, and the parent's wait4 must return that pid.
 */
#include "common.h"

#include <sys/resource.h>
#include <sys/wait.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    say_fd(2, "usage: fork_exec fork|vfork PROG [ARGS...]\n");
    return 2;
  }
  int use_vfork = strcmp(argv[1], "vfork") == 0;
  if (!use_vfork && strcmp(argv[1], "fork") != 0) {
    say_fd(2, "fork_exec: unknown mode %s\n", argv[1]);
    return 2;
  }
  pid_t child = use_vfork ? vfork() : fork();
  if (child < 0) die("fork");
  if (child == 0) {
    execv(argv[2], argv + 2);
    _exit(127);
  }
  int status = 0;
  pid_t got = wait4(child, &status, 0, NULL);
  if (got != child) die("wait4");
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  say("child %08d status %d\n", (int)child, code);
  return 0;
}
