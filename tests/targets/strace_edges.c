/* strace_edges: calls whose text strace 6.1 prints in a particular way.
 *
 *   - gettimeofday: the time it wrote, "{tv_sec=..., tv_usec=...}", and
 *     with both arguments NULL;
 *   - chdir with a path longer than PATH_MAX: strace reads at most
 *     PATH_MAX - 1 (4095) bytes of a path and marks it cut with "...";
 *   - fchmod on a file whose name ends in " (deleted)", before and after
 *     it is unlinked, and on an ordinary file after it is unlinked: under
 *     -y strace shows "3</dir/x (deleted)>" for the first (the name is the
 *     file's own) and "3</dir/x>(deleted)" once a file is gone.
 *
 * Works in the current directory (the files it makes are removed) and
 * exits 0. The fidelity test compares the trace with strace's.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include "common.h"

int main(void) {
  struct timeval tv;
  syscall(SYS_gettimeofday, &tv, NULL);
  syscall(SYS_gettimeofday, NULL, NULL);

  static char long_path[5000];
  memset(long_path, 'a', sizeof long_path - 1);
  syscall(SYS_chdir, long_path);

  static const char plain[] = "edges_sample";
  static const char named[] = "edges_sample (deleted)";
  int fd = open(plain, O_CREAT | O_RDONLY | O_CLOEXEC, 0600);
  int fd_named = open(named, O_CREAT | O_RDONLY | O_CLOEXEC, 0600);
  if (fd < 0 || fd_named < 0) die("open");
  syscall(SYS_fchmod, fd, 0600);
  syscall(SYS_fchmod, fd_named, 0600);
  if (unlink(plain) != 0 || unlink(named) != 0) die("unlink");
  syscall(SYS_fchmod, fd, 0400);
  syscall(SYS_fchmod, fd_named, 0400);
  say("done\n");
  return 0;
}
