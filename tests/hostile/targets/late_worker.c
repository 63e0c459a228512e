/* late_worker: one thread with a fixed amount of work among threads that
 * make syscalls without end until it is done.
 *
 * The worker thread starts first, then 8 spinner threads that call getppid
 * in a loop. Once every spinner runs, the worker makes 3000 getpid calls and
 * says it is done; the spinners stop, main joins them all and exits 0.
 *
 * A tracer that serves whichever tracee waitpid reports first serves the
 * spinners (the newer tracees, reported first) again and again and leaves
 * the worker waiting behind them: a million spinner calls for the worker's
 * 3000. A tracer that serves every ready tracee in turn lets each spinner
 * make about as many calls as the worker.
 */
#include "../../targets/common.h"

#include <pthread.h>
#include <stdatomic.h>

#define NSPINNERS 8
#define NCALLS 3000

static atomic_int spinning, go, done;

static void *spin(void *arg) {
  (void)arg;
  atomic_fetch_add(&spinning, 1);
  while (!atomic_load(&done)) syscall(SYS_getppid);
  return NULL;
}

static void *work(void *arg) {
  (void)arg;
  while (!atomic_load(&go)) {
  }
  for (int i = 0; i < NCALLS; ++i) syscall(SYS_getpid);
  atomic_store(&done, 1);
  return NULL;
}

int main(void) {
  pthread_t worker, spinners[NSPINNERS];
  if (pthread_create(&worker, NULL, work, NULL) != 0) die("pthread_create");
  for (int i = 0; i < NSPINNERS; ++i)
    if (pthread_create(&spinners[i], NULL, spin, NULL) != 0) die("pthread_create");
  while (atomic_load(&spinning) < NSPINNERS) {
  }
  atomic_store(&go, 1);
  pthread_join(worker, NULL);
  for (int i = 0; i < NSPINNERS; ++i) pthread_join(spinners[i], NULL);
  return 0;
}
