/* A parent that forks two children one after the other and waits for each:
 * pids differ every run, the trace after normalisation must not. */
#define _GNU_SOURCE
#include <stdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int child(int n) {
  char line[32];
  int len = snprintf(line, sizeof line, "child %d pid is %d\n", n, (int)getpid());
  (void)len;
  /* The pid itself is not written: the output must not vary. */
  return write(1, line, 8) == 8 ? n : 99;
}

int main(void) {
  for (int n = 1; n <= 2; ++n) {
    pid_t pid = fork();
    if (pid < 0) return 99;
    if (pid == 0) _exit(child(n));
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return 99;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != n) return 1;
  }
  if (kill(getpid(), 0) != 0) return 99;
  return 0;
}
