/* nondumpable: a program that makes itself non-dumpable, then opens a path.
 *
 * After prctl(PR_SET_DUMPABLE, 0) only a tracer with CAP_SYS_PTRACE may read
 * its memory (process_vm_readv and PTRACE_PEEKDATA alike): such a tracer
 * must still read its strings; one without shows their addresses, as strace
 * does. Opens
 *
 *   /nonexistent/syspect-nondumpable/<200 times 'p'>
 *
 * (which fails with ENOENT), writes "written while non-dumpable\n" to
 * stdout and exits 0.
 */
#include "../../targets/common.h"

#include <sys/prctl.h>

int main(void) {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) die("prctl");
  char path[512] = "/nonexistent/syspect-nondumpable/";
  size_t len = strlen(path);
  memset(path + len, 'p', 200);
  path[len + 200] = '\0';
  if (syscall(SYS_openat, AT_FDCWD, path, O_RDONLY) != -1 || errno != ENOENT) {
    say_fd(2, "nondumpable: openat did not fail with ENOENT\n");
    return TARGET_BROKEN;
  }
  say("written while non-dumpable\n");
  return 0;
}
