/* syscaller: makes the syscalls its arguments name, in order, so that a test
 * can say exactly what a tracee does. Operations:
 *
 *   open PATH FLAGS   openat(AT_FDCWD, PATH, ...); FLAGS letters: r read-only,
 *                     w write-only, c O_CREAT, x O_CLOEXEC, t O_TRUNC
 *   close             close the last fd opened
 *   read              read up to 64 bytes from the last fd
 *   write TEXT        write TEXT to the last fd (stdout when none)
 *   bigwrite N AT TEXT  one write of N bytes ('.' each) to the last fd (stdout
 *                     when none), with TEXT at byte AT
 *   execlong N TEXT   execve /bin/true with one argument of N bytes ('.'
 *                     each) ending in TEXT (the process is replaced)
 *   socket            socket(AF_INET, SOCK_STREAM, 0)
 *   connect PORT      connect the last fd (a socket) to 127.0.0.1:PORT
 *   mkdir PATH        mkdir(PATH, 0755)
 *   widecreat PATH    creat(PATH, 0644) with garbage in the upper half of the
 *                     mode's register (0xbadc0ded000001a4)
 *   wideopen PATH     openat(AT_FDCWD, PATH, O_RDONLY|O_CLOEXEC), garbage in
 *                     the upper halves of dirfd's and flags' registers
 *   fchown-1          fchown(last fd, -1, -1): change nothing
 *   getpid | getppid
 *   int80             getpid through the i386 ABI (int 0x80)
 *   spread P T N      fork P children; in each, T threads call getppid N times
 *   stat PATH         newfstatat(AT_FDCWD, PATH, ...)
 *   reuseaddr         setsockopt(last fd, SOL_SOCKET, SO_REUSEADDR, [1])
 *   openat2 PATH      openat2(AT_FDCWD, PATH, {flags=O_WRONLY|O_CREAT, mode=0644})
 *   nonblock          fcntl(last fd, F_SETFL, O_NONBLOCK)
 *   nodump            prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE)
 *   echo TEXT         print TEXT and a newline on stdout
 *   exit N            exit with status N
 *
 * A failed call prints "OP failed: ERROR" on stderr and goes on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int last_fd = -1;

static void report(const char* op, long rc) {
  if (rc < 0) fprintf(stderr, "%s failed: %s\n", op, strerror(errno));
}

static long getpid_int80(void) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
  return ret;
}

static int per_thread_calls;

static void* caller(void* arg) {
  (void)arg;
  for (int i = 0; i < per_thread_calls; ++i) syscall(SYS_getppid);
  return NULL;
}

static void spread(int procs, int threads, int calls) {
  per_thread_calls = calls;
  for (int p = 0; p < procs; ++p) {
    pid_t pid = fork();
    if (pid < 0) {
      report("fork", -1);
      continue;
    }
    if (pid == 0) {
      pthread_t t[64];
      int n = threads > 64 ? 64 : threads;
      for (int i = 0; i < n; ++i) pthread_create(&t[i], NULL, caller, NULL);
      for (int i = 0; i < n; ++i) pthread_join(t[i], NULL);
      _exit(0);
    }
  }
  while (wait(NULL) > 0) {
  }
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const char* op = argv[i];
    const char* a1 = i + 1 < argc ? argv[i + 1] : "";
    if (!strcmp(op, "open")) {
      const char* f = i + 2 < argc ? argv[i + 2] : "r";
      int flags = strchr(f, 'w') ? O_WRONLY : O_RDONLY;
      if (strchr(f, 'c')) flags |= O_CREAT;
      if (strchr(f, 'x')) flags |= O_CLOEXEC;
      if (strchr(f, 't')) flags |= O_TRUNC;
      last_fd = (int)syscall(SYS_openat, AT_FDCWD, a1, flags, 0644);
      report("open", last_fd);
      i += 2;
    } else if (!strcmp(op, "close")) {
      report("close", close(last_fd));
      last_fd = -1;
    } else if (!strcmp(op, "read")) {
      char buf[64];
      report("read", read(last_fd, buf, sizeof buf));
    } else if (!strcmp(op, "write")) {
      report("write", write(last_fd >= 0 ? last_fd : 1, a1, strlen(a1)));
      ++i;
    } else if (!strcmp(op, "bigwrite")) {
      if (i + 3 >= argc) return 2;
      size_t n = (size_t)atol(argv[i + 1]), at = (size_t)atol(argv[i + 2]);
      const char* text = argv[i + 3];
      char* buf = malloc(n);
      if (buf == NULL || at + strlen(text) > n) return 2;
      memset(buf, '.', n);
      memcpy(buf + at, text, strlen(text));
      report("bigwrite", write(last_fd >= 0 ? last_fd : 1, buf, n));
      free(buf);
      i += 3;
    } else if (!strcmp(op, "execlong")) {
      if (i + 2 >= argc) return 2;
      size_t n = (size_t)atol(argv[i + 1]);
      const char* text = argv[i + 2];
      char* arg = malloc(n + 1);
      if (arg == NULL || strlen(text) > n) return 2;
      memset(arg, '.', n);
      memcpy(arg + n - strlen(text), text, strlen(text));
      arg[n] = '\0';
      char* args[] = {(char*)"true", arg, NULL};
      execv("/bin/true", args);
      report("execlong", -1);
      return 1;
    } else if (!strcmp(op, "socket")) {
      last_fd = socket(AF_INET, SOCK_STREAM, 0);
      report("socket", last_fd);
    } else if (!strcmp(op, "connect")) {
      struct sockaddr_in sa;
      memset(&sa, 0, sizeof sa);
      sa.sin_family = AF_INET;
      sa.sin_port = htons((unsigned short)atoi(a1));
      sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      report("connect", connect(last_fd, (struct sockaddr*)&sa, sizeof sa));
      ++i;
    } else if (!strcmp(op, "mkdir")) {
      report("mkdir", mkdir(a1, 0755));
      ++i;
    } else if (!strcmp(op, "widecreat")) {
      /* Garbage in the upper bits, which the kernel does not read. */
      long fd = syscall(SYS_creat, a1, 0xbadc0ded000001a4UL);
      report("widecreat", fd);
      if (fd >= 0) last_fd = (int)fd;
      ++i;
    } else if (!strcmp(op, "wideopen")) {
      long fd = syscall(SYS_openat, 0xbadc0ded00000000UL | (unsigned)AT_FDCWD, a1,
                        0xbadc0ded00000000UL | O_RDONLY | O_CLOEXEC);
      report("wideopen", fd);
      if (fd >= 0) last_fd = (int)fd;
      ++i;
    } else if (!strcmp(op, "fchown-1")) {
      report("fchown-1", syscall(SYS_fchown, last_fd, (uid_t)-1, (gid_t)-1));
    } else if (!strcmp(op, "getpid")) {
      syscall(SYS_getpid);
    } else if (!strcmp(op, "getppid")) {
      syscall(SYS_getppid);
    } else if (!strcmp(op, "int80")) {
      getpid_int80();
    } else if (!strcmp(op, "spread")) {
      if (i + 3 >= argc) return 2;
      spread(atoi(argv[i + 1]), atoi(argv[i + 2]), atoi(argv[i + 3]));
      i += 3;
    } else if (!strcmp(op, "stat")) {
      struct stat st;
      report("stat", syscall(SYS_newfstatat, AT_FDCWD, a1, &st, 0));
      ++i;
    } else if (!strcmp(op, "reuseaddr")) {
      int one = 1;
      report("reuseaddr", setsockopt(last_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    } else if (!strcmp(op, "openat2")) {
      struct open_how how;
      memset(&how, 0, sizeof how);
      how.flags = O_WRONLY | O_CREAT;
      how.mode = 0644;
      last_fd = (int)syscall(SYS_openat2, AT_FDCWD, a1, &how, sizeof how);
      report("openat2", last_fd);
      ++i;
    } else if (!strcmp(op, "nonblock")) {
      report("nonblock", fcntl(last_fd, F_SETFL, O_NONBLOCK));
    } else if (!strcmp(op, "nodump")) {
      report("nodump", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
    } else if (!strcmp(op, "echo")) {
      printf("%s\n", a1);
      fflush(stdout);
      ++i;
    } else if (!strcmp(op, "exit")) {
      return atoi(a1);
    } else {
      fprintf(stderr, "syscaller: unknown operation '%s'\n", op);
      return 2;
    }
  }
  return 0;
}
