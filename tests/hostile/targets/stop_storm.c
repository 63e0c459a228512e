/* stop_storm: a multi-threaded program that another process stops and
 * continues many times over.
 *
 *   stop_storm OUTFD INFD
 *
 * Starts 4 threads that each make 2000 getppid calls and then block reading
 * an internal pipe, writes
 *
 *   ready 00012345
 *
 * to OUTFD and blocks reading a line from INFD. The test sends SIGSTOP and
 * SIGCONT pairs meanwhile, then a line. The main thread releases the
 * threads, joins them, writes "done" to OUTFD and exits 0. Every thread
 * makes exactly 2000 getppid calls however often it was stopped.
 */
#include "../../targets/common.h"

#include <pthread.h>

#define NTHREADS 4
#define NCALLS 2000

static int work_pipe[2];

static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < NCALLS; ++i) syscall(SYS_getppid);
  read_byte_or_die(work_pipe[0], "worker read");
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    say_fd(2, "usage: stop_storm OUTFD INFD\n");
    return 2;
  }
  int out = atoi(argv[1]);
  int in = atoi(argv[2]);
  if (pipe(work_pipe) != 0) die("pipe");
  pthread_t t[NTHREADS];
  for (int i = 0; i < NTHREADS; ++i)
    if (pthread_create(&t[i], NULL, worker, NULL) != 0) die("pthread_create");
  say_fd(out, "ready %08d\n", (int)getpid());
  char c = 0;
  while (c != '\n') {
    ssize_t n = read(in, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n != 1) die("read");
  }
  if (write(work_pipe[1], "xxxx", NTHREADS) != NTHREADS) die("write");
  for (int i = 0; i < NTHREADS; ++i) pthread_join(t[i], NULL);
  say_fd(out, "done\n");
  return 0;
}
