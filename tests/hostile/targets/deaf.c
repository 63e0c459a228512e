/* deaf: a program that ignores and blocks every signal it can.
 *
 * Blocks every signal, sets every disposition it may to SIG_IGN (SIGKILL
 * and SIGSTOP refuse), sends itself SIGUSR1, SIGTERM and SIGINT, forks a
 * child that makes one getppid call and exits 5 (with SIGCHLD ignored the
 * kernel reaps it: the parent's wait4 fails with ECHILD), makes 100 getppid
 * calls and prints
 *
 *   pending SIGNALS wait4 ERRNO
 *
 * (the numbers of the signals pending, and the errno of wait4), then exits
 * 0. Traced or not, it prints the same line.
 */
#include "../../targets/common.h"

#include <signal.h>
#include <sys/wait.h>

int main(void) {
  sigset_t all;
  sigfillset(&all);
  if (sigprocmask(SIG_SETMASK, &all, NULL) != 0) die("sigprocmask");
  struct sigaction ign;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &ign, NULL);
  kill(getpid(), SIGUSR1);
  kill(getpid(), SIGTERM);
  raise(SIGINT);
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    syscall(SYS_getppid);
    _exit(5);
  }
  int status;
  pid_t got = waitpid(child, &status, 0);
  int wait_errno = got < 0 ? errno : 0;
  for (int i = 0; i < 100; ++i) syscall(SYS_getppid);
  sigset_t pending;
  sigpending(&pending);
  char line[256] = "pending";
  size_t len = strlen(line);
  for (int sig = 1; sig < NSIG; ++sig)
    if (sigismember(&pending, sig) == 1) len += (size_t)snprintf(line + len, sizeof line - len, " %d", sig);
  say("%s wait4 %d\n", line, wait_errno);
  return 0;
}
