/* thread_exec: a thread that is not the group leader calls execve.
 *
 *   thread_exec            the leader starts a thread and blocks in pause();
 *                          the thread execs this same program with "after"
 *   thread_exec after      (the new image) prints its pid and exits 0
 *
 * Before the exec the program prints, zero-padded for fixed-length lines,
 *
 *   leader 00012345 thread 00012346
 *
 * and the new image prints
 *
 *   after 00012345 tid 00012345
 *
 * The kernel kills the leader, gives the exec'ing thread the leader's tid,
 * and the new image runs as pid == the old leader's pid. A tracer must
 * report the execve under that pid (with the old tid noted), and the new
 * image's calls under it too, never under the vanished thread's tid.
 */
#include "common.h"

#include <pthread.h>

static char self_path[4096];

static void *exec_thread(void *arg) {
  (void)arg;
  say("leader %08d thread %08d\n", (int)getpid(), (int)sys_gettid());
  char *const args[] = {self_path, "after", NULL};
  execv(self_path, args);
  die("execv");
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "after") == 0) {
    say("after %08d tid %08d\n", (int)getpid(), (int)sys_gettid());
    return 0;
  }
  ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (n < 0) die("readlink");
  self_path[n] = '\0';
  pthread_t t;
  if (pthread_create(&t, NULL, exec_thread, NULL) != 0) die("pthread_create");
  /* The exec ends this thread; pause() never returns. */
  for (;;) pause();
}
