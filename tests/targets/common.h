/* Helpers shared by the tracee programs in tests/targets.
 *
 * The targets are small programs that each exercise one tracing case. They
 * must be deterministic: when one process has to wait for another to reach
 * a kernel state (blocked in a given syscall, stopped), it polls /proc with
 * a bounded loop instead of sleeping for a guessed time.
 */
#ifndef SYSPECT_TARGETS_COMMON_H
#define SYSPECT_TARGETS_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Exit status of a target that found its environment broken (as opposed to
 * the status a test asks for). */
#define TARGET_BROKEN 99

/* One write(2) of a formatted line, so that lines from several threads or
 * processes never interleave. */
__attribute__((format(printf, 2, 3))) static inline void say_fd(int fd, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof buf) n = (int)sizeof buf - 1;
  ssize_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, buf + done, (size_t)(n - done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    done += w;
  }
}
#define say(...) say_fd(1, __VA_ARGS__)

static inline _Noreturn void die(const char *what) {
  say_fd(2, "target: %s: %s\n", what, strerror(errno));
  _exit(TARGET_BROKEN);
}

static inline pid_t sys_gettid(void) { return (pid_t)syscall(SYS_gettid); }

/* One byte from fd (a pipe used as a go signal), read again when a signal
 * interrupts; anything else than one byte ends the program. */
static inline char read_byte_or_die(int fd, const char *what) {
  char c;
  ssize_t n;
  do {
    n = read(fd, &c, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) die(what);
  return c;
}

/* Read a small /proc file whole into buf (NUL-terminated). Returns the length
 * or -1. */
static inline ssize_t read_small_file(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = '\0';
  return n;
}

/* One step of a bounded wait: yield for the first rounds, then sleep a
 * millisecond so that a slow machine is not spun on. Returns 0 once the
 * budget (about 20 s) is spent. */
static inline int wait_step(unsigned *round) {
  ++*round;
  if (*round < 1000) {
    sched_yield();
    return 1;
  }
  if (*round > 1000 + 20000) return 0;
  struct timespec ts = {0, 1000000};
  nanosleep(&ts, NULL);
  return 1;
}

/* Whether thread `tid` of process `pid` is inside syscall `nr` (as shown by
 * /proc/PID/task/TID/syscall: "NR ARG0 ARG1 ..."), with first argument `arg0`
 * unless arg0 is -1. */
static inline int in_syscall(pid_t pid, pid_t tid, long nr, long arg0) {
  char path[96], buf[256];
  snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
  if (read_small_file(path, buf, sizeof buf) < 0) return 0;
  char *end;
  long got = strtol(buf, &end, 10);
  if (end == buf || got != nr) return 0;
  if (arg0 == -1) return 1;
  long a0 = (long)strtoul(end, NULL, 16);
  return a0 == arg0;
}

/* Wait until thread `tid` of `pid` is in syscall `nr` (see in_syscall).
 * Exits the calling process when it never happens. */
static inline void await_syscall(pid_t pid, pid_t tid, long nr, long arg0) {
  unsigned round = 0;
  while (!in_syscall(pid, tid, nr, arg0)) {
    if (!wait_step(&round)) {
      say_fd(2, "target: %d/%d never entered syscall %ld\n", (int)pid, (int)tid, nr);
      _exit(TARGET_BROKEN);
    }
  }
}

/* The one-letter state of a thread from /proc/PID/task/TID/stat, or 0. */
static inline char thread_state(pid_t pid, pid_t tid) {
  char path[96], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
  if (read_small_file(path, buf, sizeof buf) < 0) return 0;
  const char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ') return 0;
  return p[2];
}

/* Wait until thread `tid` of `pid` is in one of the states in `states`
 * ("tT" for stopped or traced). */
static inline void await_state(pid_t pid, pid_t tid, const char *states) {
  unsigned round = 0;
  for (;;) {
    char s = thread_state(pid, tid);
    if (s && strchr(states, s)) return;
    if (!wait_step(&round)) {
      say_fd(2, "target: %d/%d never reached state [%s]\n", (int)pid, (int)tid, states);
      _exit(TARGET_BROKEN);
    }
  }
}

/* Whether signal `sig` is pending for thread `tid` of `pid`, on the thread
 * or on its process (SigPnd and ShdPnd in /proc/PID/task/TID/status). */
static inline int signal_pending(pid_t pid, pid_t tid, int sig) {
  char path[96], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/task/%d/status", (int)pid, (int)tid);
  if (read_small_file(path, buf, sizeof buf) < 0) return 0;
  static const char *const keys[] = {"SigPnd:", "ShdPnd:"};
  unsigned long long bit = 1ULL << (sig - 1);
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; ++i) {
    const char *p = strstr(buf, keys[i]);
    if (p && (strtoull(p + strlen(keys[i]), NULL, 16) & bit)) return 1;
  }
  return 0;
}

/* Wait until thread `tid` of `pid` has taken `sig` (a stop signal) and
 * stopped. A traced thread shows 't' at any ptrace stop, the exit of an
 * interrupted call included, while the signal may still be pending: a
 * SIGCONT sent then would discard it. */
static inline void await_stopped_by(pid_t pid, pid_t tid, int sig) {
  unsigned round = 0;
  for (;;) {
    char s = thread_state(pid, tid);
    if (s && strchr("tT", s) && !signal_pending(pid, tid, sig)) return;
    if (!wait_step(&round)) {
      say_fd(2, "target: %d/%d never stopped by signal %d\n", (int)pid, (int)tid, sig);
      _exit(TARGET_BROKEN);
    }
  }
}

/* Wait until process `pid` has ended: gone, or a zombie its parent has not
 * reaped yet. */
static inline void await_gone(pid_t pid) {
  unsigned round = 0;
  for (;;) {
    char s = thread_state(pid, pid);
    if (s == 0 || s == 'Z' || s == 'X') return;
    if (!wait_step(&round)) {
      say_fd(2, "target: %d never ended\n", (int)pid);
      _exit(TARGET_BROKEN);
    }
  }
}

#endif
