/* looper: a multi-threaded process that keeps running until it is killed.
 *
 * Starts one extra thread; both threads loop forever, each round sleeping
 * 10 ms with nanosleep(2) and calling getppid(2). Once the thread is started
 * the program prints
 *
 *   ready 00012345
 *
 * Used to attach to a running process (all its threads), detach, and check
 * that it keeps running untraced.
 */
#include "common.h"

#include <pthread.h>

static void loop(void) {
  for (;;) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
    syscall(SYS_getppid);
  }
}

static void *thread_main(void *arg) {
  (void)arg;
  loop();
  return NULL;
}

int main(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, thread_main, NULL) != 0) die("pthread_create");
  say("ready %08d\n", (int)getpid());
  loop();
}
