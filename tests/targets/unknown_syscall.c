/* unknown_syscall: a system call number the kernel does not know.
 *
 * Calls syscall(1000, 1, 2, 3, 4, 5, 6), which fails with ENOSYS, and prints
 * "errno ENOSYS" when it did. A tracer shows it by number, as strace does:
 * syscall_0x3e8(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (...).
 * Exits 0.
 */
#include "common.h"

int main(void) {
  long r = syscall(1000, 1L, 2L, 3L, 4L, 5L, 6L);
  if (r != -1 || errno != ENOSYS) {
    say_fd(2, "unknown_syscall: got %ld errno %d\n", r, errno);
    return TARGET_BROKEN;
  }
  say("errno ENOSYS\n");
  return 0;
}
