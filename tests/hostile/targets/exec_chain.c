/* exec_chain: a chain of execs, each from a thread that is not the leader.
 *
 *   exec_chain N
 *
 * With N > 0 the leader starts a thread and blocks in pause(); the thread
 * execs this program with N-1 (the kernel kills the leader and gives the
 * thread its tid). With N = 0 it prints
 *
 *   done 00012345
 *
 * (its pid, which is the first image's) and exits 42.
 */
#include "../../targets/common.h"

#include <pthread.h>

static char self_path[4096];
static char next[16];

static void *exec_thread(void *arg) {
  (void)arg;
  char *const args[] = {self_path, next, NULL};
  execv(self_path, args);
  die("execv");
}

int main(int argc, char **argv) {
  if (argc != 2) {
    say_fd(2, "usage: exec_chain N\n");
    return 2;
  }
  int n = atoi(argv[1]);
  if (n == 0) {
    say("done %08d\n", (int)getpid());
    return 42;
  }
  ssize_t len = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (len < 0) die("readlink");
  self_path[len] = '\0';
  snprintf(next, sizeof next, "%d", n - 1);
  pthread_t t;
  if (pthread_create(&t, NULL, exec_thread, NULL) != 0) die("pthread_create");
  for (;;) pause();
}
