/* affinity: prints the CPUs it is told it may run on, as a program learns
 * them through sched_getaffinity(2), from every place a program asks:
 *
 *   main CPUS          the first thread
 *   thread CPUS        a thread it starts (pthread_getaffinity_np too)
 *   child CPUS         a child it forks
 *   grandchild CPUS    a thread of that child
 *   set C CPUS         after sched_setaffinity(0, {C}), C its last CPU
 *   set-thread CPUS    a thread started after that
 *   reset CPUS         after sched_setaffinity(0, <the mask it started with>)
 *   raw CPUS           sched_getaffinity as a raw syscall with a short
 *                      buffer (8 bytes): what the kernel writes is what counts
 *   held CPUS          the mask where it runs, from /proc/self/status
 *                      (Cpus_allowed_list), which a tracer cannot rewrite
 *
 * CPUS is a list like "0 1". With an argument N it first makes N getppid
 * calls (a trace that watches getppid moves a tree that stops that often
 * onto one CPU), and it prints "held" both before and after them.
 */
#include "common.h"

#include <pthread.h>
#include <sys/wait.h>

static void print_mask(const char *what, const cpu_set_t *set) {
  char buf[400];
  size_t n = 0;
  buf[0] = '\0';
  for (int cpu = 0; cpu < CPU_SETSIZE && n + 8 < sizeof buf; ++cpu) {
    if (!CPU_ISSET(cpu, set)) continue;
    n += (size_t)snprintf(buf + n, sizeof buf - n, n ? " %d" : "%d", cpu);
  }
  say("%s %s\n", what, buf);
}

static void print_own(const char *what) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) die("sched_getaffinity");
  print_mask(what, &set);
}

static void print_held(const char *what) {
  char status[4096];
  if (read_small_file("/proc/self/status", status, sizeof status) < 0) die("/proc/self/status");
  const char *line = strstr(status, "Cpus_allowed_list:");
  if (line == NULL) die("Cpus_allowed_list");
  line += strlen("Cpus_allowed_list:");
  while (*line == ' ' || *line == '\t') ++line;
  size_t len = strcspn(line, "\n");
  say("%s %.*s\n", what, (int)len, line);
}

static void *thread_main(void *arg) {
  const char *what = arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  int err = pthread_getaffinity_np(pthread_self(), sizeof set, &set);
  if (err != 0) {
    errno = err;
    die("pthread_getaffinity_np");
  }
  print_mask(what, &set);
  return NULL;
}

static void in_thread(const char *what) {
  pthread_t t;
  int err = pthread_create(&t, NULL, thread_main, (void *)what);
  if (err != 0) {
    errno = err;
    die("pthread_create");
  }
  pthread_join(t, NULL);
}

int main(int argc, char **argv) {
  long calls = argc > 1 ? atol(argv[1]) : 0;
  if (calls > 0) {
    print_held("held-before");
    for (long i = 0; i < calls; ++i) syscall(SYS_getppid);
  }
  print_own("main");
  in_thread("thread");

  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    print_own("child");
    in_thread("grandchild");
    _exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    die("child");

  cpu_set_t start;
  CPU_ZERO(&start);
  if (sched_getaffinity(0, sizeof start, &start) != 0) die("sched_getaffinity");
  int last = -1;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &start)) last = cpu;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(last, &one);
  if (sched_setaffinity(0, sizeof one, &one) != 0) die("sched_setaffinity");
  char what[32];
  snprintf(what, sizeof what, "set %d", last);
  print_own(what);
  in_thread("set-thread");
  if (sched_setaffinity(0, sizeof start, &start) != 0) die("sched_setaffinity");
  print_own("reset");

  unsigned char raw[8];
  memset(raw, 0, sizeof raw);
  long n = syscall(SYS_sched_getaffinity, 0, sizeof raw, raw);
  if (n <= 0) die("raw sched_getaffinity");
  cpu_set_t got;
  CPU_ZERO(&got);
  memcpy(&got, raw, (size_t)n);
  print_mask("raw", &got);
  print_held("held");
  return 0;
}
