/* restart: blocking calls interrupted by signals, and how they come back.
 *
 * The parent makes three pipes A, B, C, installs handlers and forks a child
 * that interrupts it three times, each time only once /proc shows the parent
 * blocked in the call (bounded polling; no timing guesses):
 *
 * 1. read(A) interrupted by SIGUSR1, whose handler has SA_RESTART and writes
 *    one byte to A: the kernel returns ERESTARTSYS at syscall exit, the
 *    handler runs, the read is restarted and returns 1.
 * 2. read(B) interrupted by SIGUSR2, whose handler has no SA_RESTART: the
 *    read ends with ERESTARTSYS at syscall exit and the program sees EINTR
 *    (rt_sigreturn returns -1 EINTR).
 * 3. poll(C, no timeout) interrupted by SIGSTOP, then continued by SIGCONT
 *    once the parent has taken the SIGSTOP (a SIGCONT sent while it is still
 *    pending would discard it) and stopped
 *    (neither has a handler): the poll ends with ERESTART_RESTARTBLOCK and is
 *    resumed through restart_syscall, which the child lets finish by writing
 *    one byte to C once /proc shows the parent in restart_syscall.
 *
 * The parent prints
 *
 *   read A 1
 *   read B -1 EINTR
 *   poll C 1
 *
 * waits for the child and exits 0.
 */
#include "common.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

static int pipe_a[2], pipe_b[2], pipe_c[2];

static void on_usr1(int sig) {
  (void)sig;
  char c = 'a';
  if (write(pipe_a[1], &c, 1) != 1) _exit(TARGET_BROKEN);
}

static void on_usr2(int sig) { (void)sig; }

static void handle(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = flags;
  if (sigaction(sig, &sa, NULL) != 0) die("sigaction");
}

static void child(pid_t parent) {
  await_syscall(parent, parent, SYS_read, pipe_a[0]);
  if (kill(parent, SIGUSR1) != 0) die("kill SIGUSR1");
  await_syscall(parent, parent, SYS_read, pipe_b[0]);
  if (kill(parent, SIGUSR2) != 0) die("kill SIGUSR2");
  await_syscall(parent, parent, SYS_poll, -1);
  if (kill(parent, SIGSTOP) != 0) die("kill SIGSTOP");
  await_stopped_by(parent, parent, SIGSTOP);
  if (kill(parent, SIGCONT) != 0) die("kill SIGCONT");
  await_syscall(parent, parent, SYS_restart_syscall, -1);
  char c = 'c';
  if (write(pipe_c[1], &c, 1) != 1) die("write C");
  _exit(0);
}

int main(void) {
  if (pipe(pipe_a) != 0 || pipe(pipe_b) != 0 || pipe(pipe_c) != 0) die("pipe");
  handle(SIGUSR1, on_usr1, SA_RESTART);
  handle(SIGUSR2, on_usr2, 0);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) child(parent);

  char c;
  ssize_t n = read(pipe_a[0], &c, 1);
  say("read A %zd\n", n);
  n = read(pipe_b[0], &c, 1);
  say("read B %zd %s\n", n, n < 0 && errno == EINTR ? "EINTR" : "?");
  struct pollfd pfd = {.fd = pipe_c[0], .events = POLLIN, .revents = 0};
  int r = (int)syscall(SYS_poll, &pfd, 1, -1);
  say("poll C %d\n", r);
  int status;
  if (waitpid(pid, &status, 0) != pid) die("waitpid");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    say_fd(2, "restart: the child failed\n");
    return TARGET_BROKEN;
  }
  return 0;
}
