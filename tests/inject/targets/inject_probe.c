// A probe for injected results: prints getpid()'s value as the kernel (or
// syspect) returned it, then "after" once write returned.
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  long pid = syscall(SYS_getpid);
  char buf[64];
  int n = snprintf(buf, sizeof buf, "getpid %ld\n", pid);
  if (write(1, buf, (size_t)n) != n) return 1;
  if (write(1, "after\n", 6) != 6) return 1;
  return 0;
}
