/* threads64: 64 threads making syscalls at the same time.
 *
 * Starts 64 threads that wait at a barrier, then each makes 100 getppid
 * calls (raw syscalls, so that libc caches nothing) and ends. Each thread
 * prints, before the barrier,
 *
 *   thread 00012345
 *
 * The main thread joins them all and exits 0. A tracer must count exactly
 * 100 getppid under each of the 64 tids.
 */
#include "../../targets/common.h"

#include <pthread.h>

#define NTHREADS 64
#define NCALLS 100

static pthread_barrier_t start;

static void *worker(void *arg) {
  (void)arg;
  say("thread %08d\n", (int)sys_gettid());
  pthread_barrier_wait(&start);
  for (int i = 0; i < NCALLS; ++i) syscall(SYS_getppid);
  return NULL;
}

int main(void) {
  pthread_barrier_init(&start, NULL, NTHREADS);
  pthread_t t[NTHREADS];
  for (int i = 0; i < NTHREADS; ++i)
    if (pthread_create(&t[i], NULL, worker, NULL) != 0) die("pthread_create");
  for (int i = 0; i < NTHREADS; ++i) pthread_join(t[i], NULL);
  return 0;
}
