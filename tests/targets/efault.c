/* efault: openat with a path pointer that points nowhere.
 *
 * Calls openat(AT_FDCWD, (const char *)1, O_RDONLY), which fails with EFAULT.
 * A tracer must show the path argument as the address 0x1 (unreadable) and
 * the result as -1 EFAULT. Prints "errno EFAULT" when the kernel agrees, and
 * exits 0.
 */
#include "common.h"

int main(void) {
  long fd = syscall(SYS_openat, AT_FDCWD, (const char *)1, O_RDONLY);
  if (fd != -1 || errno != EFAULT) {
    say_fd(2, "efault: openat returned %ld errno %d\n", fd, errno);
    return TARGET_BROKEN;
  }
  say("errno EFAULT\n");
  return 0;
}
