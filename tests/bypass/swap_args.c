// Makes one call whose input a second thread keeps flipping between two
// values ("a" and "b") while the call is made: what syspect read at the
// call's entry, what the kernel used and what the memory holds at the
// call's exit are each either value. The program then prints which value
// the kernel used, as it can tell from the call's effect:
//   swap_args connect DIR   connect() to one of two abstract unix sockets
//                           named from DIR; prints "peer a" or "peer b"
//   swap_args mkdir DIR     mkdir() of DIR/a or DIR/b; prints "made a|b"
//   swap_args exec DIR      execve() of DIR/a or DIR/b (copies of this
//                           program), which print "ran a" or "ran b"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

extern char** environ;

static char value_a[4096], value_b[4096];
static char* target;  // what the call reads, flipped by the flipper
static size_t target_len;
static atomic_int done, flipping;

// With two CPUs or more, the flipper and the caller run on different ones,
// so that the value flips while the call is being made.
static void run_on(int nth) {
  cpu_set_t allowed, one;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2) return;
  for (int cpu = 0, seen = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed) || seen++ != nth) continue;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    sched_setaffinity(0, sizeof one, &one);
    return;
  }
}

static void* flipper(void* arg) {
  (void)arg;
  run_on(1);
  // The values differ in one byte, flipped with volatile stores so that
  // neither store is optimised away.
  size_t at = 0;
  while (at < target_len && value_a[at] == value_b[at]) ++at;
  volatile char* byte = (volatile char*)target + at;
  char a = value_a[at], b = value_b[at];
  atomic_store(&flipping, 1);
  while (!atomic_load_explicit(&done, memory_order_relaxed)) {
    *byte = b;
    *byte = a;
  }
  return NULL;
}

static void start_flipping(void) {
  run_on(0);
  pthread_t t;
  pthread_create(&t, NULL, flipper, NULL);
  pthread_detach(t);
  while (!atomic_load(&flipping)) {
  }
}

static int copy_self(const char* to) {
  int in = open("/proc/self/exe", O_RDONLY);
  int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  if (in < 0 || out < 0) return -1;
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) return -1;
  close(in);
  return close(out);
}

static int listener(const char* name) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  a.sun_path[0] = '\0';
  strncpy(a.sun_path + 1, name, sizeof a.sun_path - 2);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
  if (s < 0 || bind(s, (struct sockaddr*)&a, len) != 0 || listen(s, 4) != 0) return -1;
  return s;
}

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], "whoami") == 0) {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0) return 1;
    exe[n] = '\0';
    printf("ran %s\n", strrchr(exe, '/') + 1);
    return 0;
  }
  if (argc != 3) {
    fprintf(stderr, "usage: swap_args connect|mkdir|exec DIR\n");
    return 2;
  }
  const char* mode = argv[1];
  const char* dir = argv[2];
  snprintf(value_a, sizeof value_a, "%s/a", dir);
  snprintf(value_b, sizeof value_b, "%s/b", dir);
  if (strcmp(mode, "connect") == 0) {
    if (listener(value_a) < 0 || listener(value_b) < 0) return 1;
    // The flipped bytes are the name inside the address.
    static struct sockaddr_un addr = {.sun_family = AF_UNIX};
    target = addr.sun_path + 1;
    target_len = strlen(value_a);
    memcpy(target, value_a, target_len);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + target_len);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    start_flipping();
    int rc = connect(s, (struct sockaddr*)&addr, len);
    atomic_store(&done, 1);
    if (rc != 0) {
      perror("connect");
      return 1;
    }
    struct sockaddr_un peer;
    socklen_t plen = sizeof peer;
    if (getpeername(s, (struct sockaddr*)&peer, &plen) != 0) return 1;
    printf("peer %s\n", peer.sun_path[1 + strlen(dir) + 1] == 'b' ? "b" : "a");
    return 0;
  }
  static char path[4096];
  target = path;
  target_len = strlen(value_a) + 1;
  memcpy(target, value_a, target_len);
  if (strcmp(mode, "mkdir") == 0) {
    start_flipping();
    int rc = mkdir(target, 0700);
    atomic_store(&done, 1);
    if (rc != 0) {
      perror("mkdir");
      return 1;
    }
    struct stat st;
    printf("made %s\n", stat(value_b, &st) == 0 ? "b" : "a");
    return 0;
  }
  if (strcmp(mode, "exec") == 0) {
    if (copy_self(value_a) != 0 || copy_self(value_b) != 0) {
      perror("copy");
      return 1;
    }
    char* args[] = {value_a, "whoami", NULL};
    start_flipping();
    execve(target, args, environ);
    perror("execve");
    return 1;
  }
  fprintf(stderr, "swap_args: unknown mode %s\n", mode);
  return 2;
}
