/* abi_calls: system calls through the ABIs other than x86_64.
 *
 * Usage: abi_calls x32 | ptrace | io_uring
 *
 * x32: getpid with the x32 bit (0x40000000 | 39). Kernels built without
 *   x32 support fail it with ENOSYS; either way it enters the kernel.
 *   Prints "x32 RESULT ERRNO", then makes one ordinary getppid.
 * ptrace: PTRACE_TRACEME (fails with EPERM under a tracer), then one
 *   getppid; prints "ptrace RESULT ERRNO".
 * io_uring: io_uring_setup(4, &params) (a ring, or an error where io_uring
 *   is disabled), then one getppid; prints "io_uring OK|ERRNO". What the
 *   ring does afterwards never passes through a system call.
 */
#include "../targets/common.h"

#include <sys/ptrace.h>

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "x32") == 0) {
    errno = 0;
    long r = syscall(0x40000000L | SYS_getpid);
    say("x32 %ld %d\n", r, r < 0 ? errno : 0);
    syscall(SYS_getppid);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "ptrace") == 0) {
    errno = 0;
    long r = ptrace(PTRACE_TRACEME, 0, 0, 0);
    say("ptrace %ld %d\n", r, r < 0 ? errno : 0);
    syscall(SYS_getppid);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "io_uring") == 0) {
    unsigned char params[120];
    memset(params, 0, sizeof params);
    long fd = syscall(SYS_io_uring_setup, 4, params);
    if (fd >= 0) {
      say("io_uring OK\n");
      close((int)fd);
    } else {
      say("io_uring %d\n", errno);
    }
    syscall(SYS_getppid);
    return 0;
  }
  say_fd(2, "usage: abi_calls x32|ptrace|io_uring\n");
  return 2;
}
