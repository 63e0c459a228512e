/* policy_signals: a program that lives through signals and a thread exit
 * that a recording of it never saw.
 *
 * It installs a SIGUSR1 handler, starts a worker thread that blocks reading
 * an internal pipe (and waits until the worker has said so), wakes a futex
 * nobody waits on (joining a thread waits on one: the recording allows it),
 * prints "ready", then polls stdin without a timeout, going back to poll
 * when a signal interrupts it. Once stdin is readable it reads it: when a
 * byte came, the worker is let go and joined (a thread exit). Then it prints
 * "ok SIGNALS THREADS" (handled SIGUSR1s, joined threads) and exits 0.
 *
 * With stdin at /dev/null, as recorded, no signal comes and no thread exits.
 * Run with stdin a pipe, a test can stop and continue it inside poll (which
 * comes back through restart_syscall), send it SIGUSR1 (its handler returns
 * through rt_sigreturn), and write a byte to make the worker exit.
 */
#include "../../targets/common.h"

#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

static int to_worker[2], from_worker[2];
static volatile sig_atomic_t handled;

static void on_usr1(int sig) {
  (void)sig;
  ++handled;
}

static void *worker(void *arg) {
  (void)arg;
  char c = 's';
  if (write(from_worker[1], &c, 1) != 1) die("write started");
  read_byte_or_die(to_worker[0], "read go");
  return NULL;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, NULL) != 0) die("sigaction");
  if (pipe(to_worker) != 0 || pipe(from_worker) != 0) die("pipe");
  pthread_t t;
  if (pthread_create(&t, NULL, worker, NULL) != 0) die("pthread_create");
  read_byte_or_die(from_worker[0], "read started");
  static unsigned word;
  if (syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) < 0) die("futex");
  say("ready %d\n", (int)getpid());

  struct pollfd p = {0, POLLIN, 0};
  for (;;) {
    int n = poll(&p, 1, -1);
    if (n == 1) break;
    if (n < 0 && errno == EINTR) continue;
    die("poll");
  }
  char buf[16];
  ssize_t got = read(0, buf, sizeof buf);
  if (got < 0) die("read stdin");
  int joined = 0;
  if (got > 0) {
    char c = 'g';
    if (write(to_worker[1], &c, 1) != 1) die("write go");
    if (pthread_join(t, NULL) != 0) die("pthread_join");
    joined = 1;
  }
  say("ok %d %d\n", (int)handled, joined);
  return 0;
}
