/* busy_tree: a tree of processes whose threads make syscalls without end.
 *
 * Forks 3 children. The parent and each child start 3 threads that call
 * getppid in a loop forever, then print
 *
 *   proc 00012345
 *
 * and call getppid in a loop too. Only a signal ends them. For tests that
 * kill the tracer mid-trace: every process and thread is somewhere in a
 * syscall stop or on its way to one.
 */
#include "../../targets/common.h"

#include <pthread.h>

#define NCHILDREN 3
#define NTHREADS 3

static void *spin(void *arg) {
  (void)arg;
  for (;;) syscall(SYS_getppid);
  return NULL;
}

static void run(void) {
  for (int i = 0; i < NTHREADS; ++i) {
    pthread_t t;
    if (pthread_create(&t, NULL, spin, NULL) != 0) die("pthread_create");
  }
  say("proc %08d\n", (int)getpid());
  spin(NULL);
}

int main(void) {
  for (int i = 0; i < NCHILDREN; ++i) {
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) run();
  }
  run();
  return 0;
}
