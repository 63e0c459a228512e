/* page_edge: strings that run into a page the process may not read.
 *
 * Maps two pages and makes the second PROT_NONE. Then
 *  - puts "/nonexistent/page-edge" so that its NUL is the last byte of the
 *    first page, and opens it (ENOENT: the string is readable whole);
 *  - puts "/nonul/x" so that its last byte is the last byte of the first
 *    page, with no NUL, and opens it (EFAULT: the kernel cannot read it
 *    either; strace shows the address).
 * Prints the two addresses
 *
 *   edge 0x7f0000000fe9 nonul 0x7f0000000ff8
 *
 * and exits 0.
 */
#include "../../targets/common.h"

#include <sys/mman.h>

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char *m = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) die("mmap");
  if (mprotect(m + page, (size_t)page, PROT_NONE) != 0) die("mprotect");
  static const char edge_path[] = "/nonexistent/page-edge";
  char *edge = m + page - sizeof edge_path;
  memcpy(edge, edge_path, sizeof edge_path);
  if (syscall(SYS_openat, AT_FDCWD, edge, O_RDONLY) != -1 || errno != ENOENT) die("openat edge");
  char *nonul = m + page - 8;
  memcpy(nonul, "/nonul/x", 8);
  if (syscall(SYS_openat, AT_FDCWD, nonul, O_RDONLY) != -1 || errno != EFAULT) die("openat nonul");
  say("edge %p nonul %p\n", (void *)edge, (void *)nonul);
  return 0;
}
