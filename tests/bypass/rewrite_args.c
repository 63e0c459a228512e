// Rewrites a call's input while the call runs: the main thread opens a FIFO
// (which blocks until a writer comes), and a second thread, once the main
// thread is inside the call, rewrites the path (mode "openat") or the
// open_how struct (mode "openat2") in memory, then opens the FIFO for
// writing so that the call returns. The kernel used what it read at the
// start; the memory at the call's exit differs from it.
//   rewrite_args openat|openat2 DIR
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char path[4096];
static char evil[4096];
static char fifo[4096];
static struct open_how how;
static const char* mode;
static pid_t main_tid;

// Whether thread `tid` is blocked inside syscall `nr`: in it, and asleep
// there ('S'), not stopped at its entry for the tracer ('t'), when the
// kernel has not read its arguments yet.
static int blocked_in(pid_t tid, long nr) {
  char name[64], line[512];
  snprintf(name, sizeof name, "/proc/self/task/%d/syscall", (int)tid);
  FILE* f = fopen(name, "r");
  if (!f) return 0;
  int in = fgets(line, sizeof line, f) != NULL && atol(line) == nr;
  fclose(f);
  if (!in) return 0;
  snprintf(name, sizeof name, "/proc/self/task/%d/stat", (int)tid);
  f = fopen(name, "r");
  if (!f) return 0;
  char state = 0;
  if (fgets(line, sizeof line, f) != NULL) {
    const char* close = strrchr(line, ')');
    if (close && close[1] == ' ') state = close[2];
  }
  fclose(f);
  return state == 'S';
}

static void* rewriter(void* arg) {
  (void)arg;
  long nr = strcmp(mode, "openat") == 0 ? SYS_openat : SYS_openat2;
  while (!blocked_in(main_tid, nr)) sched_yield();
  if (nr == SYS_openat)
    strcpy(path, evil);
  else
    how.flags = O_RDONLY | O_CREAT;
  int w = open(fifo, O_WRONLY);
  if (w >= 0) close(w);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: rewrite_args openat|openat2 DIR\n");
    return 2;
  }
  mode = argv[1];
  snprintf(fifo, sizeof fifo, "%s/fifo", argv[2]);
  snprintf(evil, sizeof evil, "%s/evil", argv[2]);
  strcpy(path, fifo);
  if (mkfifo(fifo, 0600) != 0) {
    perror("mkfifo");
    return 1;
  }
  main_tid = (pid_t)syscall(SYS_gettid);
  pthread_t t;
  pthread_create(&t, NULL, rewriter, NULL);
  long fd;
  if (strcmp(mode, "openat") == 0) {
    fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
  } else {
    how.flags = O_RDONLY;
    fd = syscall(SYS_openat2, AT_FDCWD, fifo, &how, sizeof how);
  }
  pthread_join(t, NULL);
  printf("%s %s\n", mode, fd >= 0 ? "opened" : "failed");
  return fd >= 0 ? 0 : 1;
}
