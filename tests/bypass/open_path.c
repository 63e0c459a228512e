/* open_path: opens each of its arguments with openat(AT_FDCWD, path,
 * O_RDONLY) from the argv buffer itself, and prints "PATH -> FD" for each
 * (FD is -1 on failure). The tracer's tests rewrite the buffer while the
 * call is stopped at its entry, as a racing thread could.
 */
#include "../targets/common.h"

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    long fd = syscall(SYS_openat, AT_FDCWD, argv[i], O_RDONLY);
    say("%s -> %ld\n", argv[i], fd);
  }
  return 0;
}
