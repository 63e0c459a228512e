/* threads: 8 threads each make 500 getppid calls.
 *
 * getppid goes through syscall(2) so that no libc caching can skip the
 * kernel. All threads wait on a barrier before their loop, so all 8 exist
 * at the same time and their calls interleave. Each thread prints its tid
 * (zero-padded, so the length of the line never varies) once its loop is
 * done:
 *
 *   thread 00012345
 *
 * A tracer must report exactly 4000 getppid calls, 500 under each of the 8
 * printed tids, none under the main thread.
 */
#include "common.h"

#include <pthread.h>

#define NTHREADS 8
#define NCALLS 500

static pthread_barrier_t barrier;

static void *worker(void *arg) {
  (void)arg;
  pthread_barrier_wait(&barrier);
  pid_t parent = 0;
  for (int i = 0; i < NCALLS; ++i) {
    pid_t got = (pid_t)syscall(SYS_getppid);
    if (i == 0) parent = got;
    if (got != parent) {
      say_fd(2, "threads: getppid changed\n");
      _exit(TARGET_BROKEN);
    }
  }
  say("thread %08d\n", (int)sys_gettid());
  return NULL;
}

int main(void) {
  pthread_t t[NTHREADS];
  if (pthread_barrier_init(&barrier, NULL, NTHREADS) != 0) die("pthread_barrier_init");
  for (int i = 0; i < NTHREADS; ++i) {
    if (pthread_create(&t[i], NULL, worker, NULL) != 0) die("pthread_create");
  }
  for (int i = 0; i < NTHREADS; ++i) pthread_join(t[i], NULL);
  return 0;
}
