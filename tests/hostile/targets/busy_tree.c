/* busy_tree: a tree of processes whose threads make syscalls without end.
 *
 * Forks 3 children. The parent and each child start 3 threads, print
 *
 *   proc 00012345
 *
 * and then, once the whole tree has printed, all 16 threads call getppid
 * in a loop forever. Only a signal ends them. For tests that kill the
 * tracer mid-trace: every process and thread is somewhere in a syscall stop
 * or on its way to one.
 *
 * Nobody spins before every line is out: a tracer that serves whichever
 * tracee is ready first may leave a process that has not printed yet
 * waiting behind the spinners for a long time.
 */
#include "../../targets/common.h"

#include <pthread.h>

#define NCHILDREN 3
#define NTHREADS 3

static int go_pipe[2];     /* one byte per thread and process: start spinning */
static int ready_pipe[2];  /* one byte per child: it has printed */

static void wait_for_go(void) {
  read_byte_or_die(go_pipe[0], "read go");
}

static void *spin(void *arg) {
  (void)arg;
  wait_for_go();
  for (;;) syscall(SYS_getppid);
  return NULL;
}

static void start_threads(void) {
  for (int i = 0; i < NTHREADS; ++i) {
    pthread_t t;
    if (pthread_create(&t, NULL, spin, NULL) != 0) die("pthread_create");
  }
}

int main(void) {
  if (pipe(go_pipe) != 0 || pipe(ready_pipe) != 0) die("pipe");
  for (int i = 0; i < NCHILDREN; ++i) {
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
      start_threads();
      say("proc %08d\n", (int)getpid());
      if (write(ready_pipe[1], "r", 1) != 1) die("write ready");
      spin(NULL);
    }
  }
  start_threads();
  for (int i = 0; i < NCHILDREN; ++i) {
    char c;
    if (read(ready_pipe[0], &c, 1) != 1) die("read ready");
  }
  say("proc %08d\n", (int)getpid());
  char go[(NCHILDREN + 1) * (NTHREADS + 1)];
  memset(go, 'g', sizeof go);
  if (write(go_pipe[1], go, sizeof go) != (ssize_t)sizeof go) die("write go");
  spin(NULL);
  return 0;
}
