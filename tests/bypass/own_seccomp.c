/* own_seccomp: a tracee that installs seccomp filters of its own.
 *
 * Usage: own_seccomp errno | notify
 *
 * errno: a thread T is started and waits; the main thread installs, with
 *   SECCOMP_FILTER_FLAG_TSYNC, a filter that fails getppid with ENOTTY.
 *   Then the main thread, T, and a forked child each call getppid once
 *   (3 calls, each -1 ENOTTY) and the program prints "errno 3".
 * notify: a filter with SECCOMP_FILTER_FLAG_NEW_LISTENER sends getppid to
 *   user space; a supervisor thread answers 4242. The main thread calls
 *   getppid twice and prints "notify 4242 4242".
 * The kernel runs these filters' verdicts before a tracer's seccomp trap,
 * so a tracer relying on its own filter alone would see none of these calls.
 */
#include "../targets/common.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static long install(unsigned int flags, unsigned int action) {
  struct sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, action),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof code / sizeof code[0], code};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("PR_SET_NO_NEW_PRIVS");
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (r < 0) die("seccomp");
  return r;
}

static int go[2];

static void *waiter(void *arg) {
  (void)arg;
  char c;
  if (read(go[0], &c, 1) != 1) die("read");
  long r = syscall(SYS_getppid);
  return (void *)(intptr_t)(r == -1 && errno == ENOTTY);
}

static int notify_fd;

static void *supervisor(void *arg) {
  (void)arg;
  for (int i = 0; i < 2; ++i) {
    struct seccomp_notif req;
    struct seccomp_notif_resp resp;
    memset(&req, 0, sizeof req);
    if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) die("NOTIF_RECV");
    memset(&resp, 0, sizeof resp);
    resp.id = req.id;
    resp.val = 4242;
    if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0) die("NOTIF_SEND");
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "errno") == 0) {
    if (pipe(go) != 0) die("pipe");
    pthread_t t;
    if (pthread_create(&t, NULL, waiter, NULL) != 0) die("pthread_create");
    install(SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_RET_ERRNO | ENOTTY);
    int failed = 0;
    long r = syscall(SYS_getppid);
    failed += r == -1 && errno == ENOTTY;
    if (write(go[1], "x", 1) != 1) die("write");
    void *res;
    pthread_join(t, &res);
    failed += (int)(intptr_t)res;
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
      r = syscall(SYS_getppid);
      _exit(r == -1 && errno == ENOTTY ? 0 : 1);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) die("waitpid");
    failed += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    say("errno %d\n", failed);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "notify") == 0) {
    notify_fd = (int)install(SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_RET_USER_NOTIF);
    pthread_t t;
    if (pthread_create(&t, NULL, supervisor, NULL) != 0) die("pthread_create");
    long a = syscall(SYS_getppid);
    long b = syscall(SYS_getppid);
    pthread_join(t, NULL);
    say("notify %ld %ld\n", a, b);
    return 0;
  }
  say_fd(2, "usage: own_seccomp errno|notify\n");
  return 2;
}
