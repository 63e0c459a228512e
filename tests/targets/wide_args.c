/* wide_args: calls whose 32-bit arguments carry garbage in the upper half of
 * their registers, and times whose tv_nsec/tv_usec are invalid.
 *
 * The kernel reads an int, unsigned int or umode_t argument from the low
 * bits of its register only: creat(path, 0xbadc0ded000001a4) creates a file
 * of mode 0644 (after the umask). A tracer must show, and match, what the
 * kernel read; strace 6.1 shows "creat(\"wide_creat\", 0644)". Each call
 * below is made through syscall() with such a value; the fidelity test
 * compares the whole trace with strace's. Works in the current directory
 * (the files it makes are removed) and exits 0.
 */
#include <signal.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "common.h"

/* The upper half of a 64-bit register, which a 32-bit argument ignores. */
#define HI 0xbadc0ded00000000UL
#define W(x) (HI | (unsigned int)(x))

int main(void) {
  long fd = syscall(SYS_creat, "wide_creat", HI | 0644);
  if (fd < 0) die("creat");
  syscall(SYS_fchmod, W(fd), HI | 0600);
  /* uid_t and gid_t are unsigned: strace shows them so, and -1 as -1. */
  syscall(SYS_fchown, W(fd), W(-1), W(-1));
  syscall(SYS_fchown, W(fd), W(0xffff0000u), W(getgid()));
  syscall(SYS_chmod, "wide_creat", 0xffffffffffff0640UL);
  syscall(SYS_fchmodat, W(AT_FDCWD), "wide_creat", HI | 0604);
  syscall(SYS_umask, HI | 022);
  syscall(SYS_umask, HI | 027);
  syscall(SYS_mkdir, "wide_dir", HI | 0755);
  syscall(SYS_rmdir, "wide_dir");
  syscall(SYS_mkdirat, W(AT_FDCWD), "wide_dir", HI | 0700);
  syscall(SYS_unlinkat, W(AT_FDCWD), "wide_dir", W(AT_REMOVEDIR));
  long ro = syscall(SYS_openat, W(AT_FDCWD), "wide_creat", W(O_RDONLY | O_CLOEXEC), HI | 0666);
  syscall(SYS_fcntl, W(ro), W(F_GETFD));
  syscall(SYS_fcntl, W(ro), W(F_SETFD), W(FD_CLOEXEC));
  syscall(SYS_lseek, W(ro), 0L, W(SEEK_END));
  syscall(SYS_flock, W(ro), W(LOCK_SH));
  syscall(SYS_flock, W(ro), W(LOCK_UN));
  syscall(SYS_dup3, W(ro), W(40), W(O_CLOEXEC));
  syscall(SYS_dup2, W(ro), W(41));
  syscall(SYS_close_range, W(40), W(41), W(0));
  int p[2];
  syscall(SYS_pipe2, p, W(O_CLOEXEC | O_NONBLOCK));
  syscall(SYS_faccessat, W(AT_FDCWD), "wide_creat", W(R_OK | W_OK));
  syscall(SYS_linkat, W(AT_FDCWD), "wide_creat", W(AT_FDCWD), "wide_link", W(0));
  syscall(SYS_unlinkat, W(AT_FDCWD), "wide_link", W(0));
  /* (protocol without garbage: strace 6.1 shows all 64 bits of it.) */
  syscall(SYS_socket, W(AF_UNIX), W(SOCK_STREAM | SOCK_CLOEXEC), 0L);
  syscall(SYS_shutdown, W(ro), W(SHUT_RDWR));
  syscall(SYS_accept4, W(ro), NULL, NULL, W(SOCK_CLOEXEC));
  long ep = syscall(SYS_epoll_create1, W(EPOLL_CLOEXEC));
  struct epoll_event ev = {.events = EPOLLIN, .data = {.u64 = 7}};
  syscall(SYS_epoll_ctl, W(ep), W(EPOLL_CTL_ADD), W(p[0]), &ev);
  syscall(SYS_epoll_ctl, W(ep), W(EPOLL_CTL_DEL), W(p[0]), NULL);
  syscall(SYS_timerfd_create, W(CLOCK_MONOTONIC), W(TFD_CLOEXEC));
  syscall(SYS_inotify_init1, W(IN_CLOEXEC));
  struct timespec res;
  syscall(SYS_clock_getres, W(CLOCK_MONOTONIC), &res);
  struct rlimit rl;
  syscall(SYS_getrlimit, W(RLIMIT_NOFILE), &rl);
  syscall(SYS_prlimit64, W(0), W(RLIMIT_NOFILE), NULL, &rl);
  syscall(SYS_getpriority, W(PRIO_PROCESS), W(0));
  syscall(SYS_sched_get_priority_max, W(SCHED_FIFO));
  syscall(SYS_sched_get_priority_min, W(SCHED_RR));
  syscall(SYS_wait4, W(-1), NULL, W(WNOHANG), NULL);
  sigset_t old;
  syscall(SYS_rt_sigprocmask, W(SIG_BLOCK), NULL, &old, 8L);
  /* Invalid times: strace shows tv_nsec and tv_usec unsigned. */
  struct timespec bad_ts = {.tv_sec = 0, .tv_nsec = -1};
  syscall(SYS_nanosleep, &bad_ts, NULL);
  syscall(SYS_clock_nanosleep, W(CLOCK_MONOTONIC), W(0), &bad_ts, NULL);
  struct timeval bad_tv = {.tv_sec = 0, .tv_usec = -1};
  syscall(SYS_select, 0L, NULL, NULL, NULL, &bad_tv);
  syscall(SYS_unlinkat, W(AT_FDCWD), "wide_creat", W(0));
  say("done\n");
  return 0;
}
