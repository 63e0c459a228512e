/* leader_exit: the thread-group leader exits while its threads go on.
 *
 * Starts 4 threads, prints
 *
 *   leader 00012345 thread 00012346 thread ...
 *
 * and ends the leader with a raw exit(3) (SYS_exit: this thread only). Each
 * thread waits until the leader is a zombie and makes 100 getppid calls;
 * the last one to finish ends the process with exit_group(7), the others
 * end with a raw exit(0). The process's exit status is 7.
 */
#include "../../targets/common.h"

#include <pthread.h>
#include <stdatomic.h>

#define NTHREADS 4
#define NCALLS 100

static pid_t leader;
static pthread_barrier_t started;
static pid_t tids[NTHREADS];
static atomic_int running = NTHREADS;

static void *worker(void *arg) {
  tids[(long)arg] = sys_gettid();
  pthread_barrier_wait(&started);
  await_state(leader, leader, "Z");
  for (int i = 0; i < NCALLS; ++i) syscall(SYS_getppid);
  if (atomic_fetch_sub(&running, 1) == 1) syscall(SYS_exit_group, 7);
  /* Not pthread_exit: glibc ends the process with exit(0) in the last
   * thread that leaves through it. */
  syscall(SYS_exit, 0);
  return NULL;
}

int main(void) {
  leader = getpid();
  pthread_barrier_init(&started, NULL, NTHREADS + 1);
  for (long i = 0; i < NTHREADS; ++i) {
    pthread_t t;
    if (pthread_create(&t, NULL, worker, (void *)i) != 0) die("pthread_create");
  }
  pthread_barrier_wait(&started);
  char line[256];
  int len = snprintf(line, sizeof line, "leader %08d", (int)leader);
  for (int i = 0; i < NTHREADS; ++i)
    len += snprintf(line + len, sizeof line - (size_t)len, " thread %08d", (int)tids[i]);
  say("%s\n", line);
  syscall(SYS_exit, 3);
  return TARGET_BROKEN;
}
