/* spinner: a multi-threaded program that keeps making syscalls until told
 * to stop.
 *
 * Starts 4 threads that call getppid in a loop until SIGUSR1 arrives (the
 * main thread waits for it with sigwait), prints
 *
 *   ready 00012345
 *
 * and once SIGUSR1 came, joins the threads, prints "stopped" and exits 0.
 * A thread left in a ptrace stop by a tracer that detached badly never
 * ends, and neither does the program.
 */
#include "../../targets/common.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#define NTHREADS 4

static atomic_int stop;

static void *spin(void *arg) {
  (void)arg;
  while (!atomic_load(&stop)) syscall(SYS_getppid);
  return NULL;
}

int main(void) {
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  if (pthread_sigmask(SIG_BLOCK, &usr1, NULL) != 0) die("pthread_sigmask");
  pthread_t t[NTHREADS];
  for (int i = 0; i < NTHREADS; ++i)
    if (pthread_create(&t[i], NULL, spin, NULL) != 0) die("pthread_create");
  say("ready %08d\n", (int)getpid());
  int sig;
  while (sigwait(&usr1, &sig) != 0) {
  }
  atomic_store(&stop, 1);
  for (int i = 0; i < NTHREADS; ++i) pthread_join(t[i], NULL);
  say("stopped\n");
  return 0;
}
