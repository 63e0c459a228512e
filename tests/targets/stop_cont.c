/* stop_cont: a multi-threaded program for SIGSTOP/SIGCONT tests.
 *
 *   stop_cont OUTFD INFD
 *
 * Starts 3 worker threads that block reading an internal pipe, then writes
 *
 *   ready PID
 *
 * to OUTFD and blocks reading a line from INFD. The test stops the process
 * with SIGSTOP, writes a line to INFD while it is stopped (a stopped process
 * cannot answer it), and sends SIGCONT. The main thread then writes
 *
 *   got LINE
 *
 * to OUTFD, releases the workers, joins them and exits 0.
 */
#include "common.h"

#include <pthread.h>

#define NWORKERS 3

static int work_pipe[2];

static void *worker(void *arg) {
  (void)arg;
  read_byte_or_die(work_pipe[0], "worker read");
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    say_fd(2, "usage: stop_cont OUTFD INFD\n");
    return 2;
  }
  int out = atoi(argv[1]);
  int in = atoi(argv[2]);
  if (pipe(work_pipe) != 0) die("pipe");
  pthread_t t[NWORKERS];
  for (int i = 0; i < NWORKERS; ++i) {
    if (pthread_create(&t[i], NULL, worker, NULL) != 0) die("pthread_create");
  }
  say_fd(out, "ready %d\n", (int)getpid());
  char line[128];
  size_t len = 0;
  while (len < sizeof line - 1) {
    ssize_t n = read(in, line + len, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) die("read INFD");
    if (line[len] == '\n') break;
    ++len;
  }
  line[len] = '\0';
  say_fd(out, "got %s\n", line);
  char release[NWORKERS] = {0};
  if (write(work_pipe[1], release, sizeof release) != (ssize_t)sizeof release) die("write");
  for (int i = 0; i < NWORKERS; ++i) pthread_join(t[i], NULL);
  return 0;
}
