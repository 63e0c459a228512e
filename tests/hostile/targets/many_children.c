/* many_children: many short-lived children.
 *
 *   many_children N
 *
 * Forks N children, at most 64 alive at a time. Child number i makes one
 * getppid call and exits with status i % 128. The parent reaps each one and
 * checks its status, then prints
 *
 *   reaped N
 *
 * and exits 0 (99 when a child's status was wrong).
 */
#include "../../targets/common.h"

#include <sys/wait.h>

#define BATCH 64

int main(int argc, char **argv) {
  if (argc != 2) {
    say_fd(2, "usage: many_children N\n");
    return 2;
  }
  int n = atoi(argv[1]);
  int reaped = 0;
  for (int first = 0; first < n; first += BATCH) {
    pid_t pids[BATCH];
    int count = n - first < BATCH ? n - first : BATCH;
    for (int j = 0; j < count; ++j) {
      pid_t pid = fork();
      if (pid < 0) die("fork");
      if (pid == 0) {
        syscall(SYS_getppid);
        _exit((first + j) % 128);
      }
      pids[j] = pid;
    }
    for (int j = 0; j < count; ++j) {
      int status;
      if (waitpid(pids[j], &status, 0) != pids[j]) die("waitpid");
      if (!WIFEXITED(status) || WEXITSTATUS(status) != (first + j) % 128) {
        say_fd(2, "many_children: child %d ended with status %#x\n", first + j, status);
        return TARGET_BROKEN;
      }
      ++reaped;
    }
  }
  say("reaped %d\n", reaped);
  return 0;
}
