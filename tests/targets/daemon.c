/* daemon: the double fork of a classic daemon.
 *
 *   daemon PATH
 *
 * The parent makes a pipe and forks; the child calls setsid(2) and forks
 * again, then exits; the parent waits for the child, closes the pipe's write
 * end and exits 0. The grandchild (now an orphan) closes its own copy of the
 * write end and reads the pipe until end of file, which comes only once both
 * the child and the parent have let go of it. Then, since the parent may
 * still be on its way out, it waits (bounded polling of /proc) until the
 * parent has ended (gone or a zombie). Only then does it open PATH with
 * openat(AT_FDCWD, PATH, O_RDONLY), close it and exit 0.
 *
 * A tracer must go on following the grandchild after the process it started
 * has ended, report its openat of PATH, and end only after the grandchild
 * exits.
 */
#include "common.h"

#include <sys/wait.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    say_fd(2, "usage: daemon PATH\n");
    return 2;
  }
  int p[2];
  if (pipe(p) != 0) die("pipe");
  pid_t root = getpid();
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    if (setsid() < 0) die("setsid");
    pid_t grandchild = fork();
    if (grandchild < 0) die("fork");
    if (grandchild == 0) {
      close(p[1]);
      char c;
      ssize_t n;
      while ((n = read(p[0], &c, 1)) != 0) {
        if (n < 0 && errno != EINTR) die("read");
      }
      await_gone(root);
      int fd = (int)syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY);
      if (fd >= 0) close(fd);
      _exit(0);
    }
    _exit(0);
  }
  int status;
  if (waitpid(child, &status, 0) != child) die("waitpid");
  close(p[1]);
  return 0;
}
