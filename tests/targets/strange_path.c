/* strange_path: openat of a path with awkward bytes.
 *
 * Calls openat(AT_FDCWD, PATH, O_RDONLY) where PATH is
 *
 *   "/nonexistent-syspect/new\nline \"quoted\" \xff end"
 *
 * (a newline, two double quotes and a byte 0xff that is not valid UTF-8).
 * The directory does not exist, so the call fails with ENOENT. A tracer must
 * keep the exact bytes and escape them as strace does in text output.
 * Exits 0.
 */
#include "common.h"

static const char kPath[] = "/nonexistent-syspect/new\nline \"quoted\" \xff end";

int main(void) {
  long fd = syscall(SYS_openat, AT_FDCWD, kPath, O_RDONLY);
  if (fd >= 0) {
    say_fd(2, "strange_path: the path exists\n");
    return TARGET_BROKEN;
  }
  return 0;
}
