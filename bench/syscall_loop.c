// bench workload: a tight loop of cheap syscalls (getppid), N times (argv[1]).
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 200000;
  for (long i = 0; i < n; ++i) syscall(SYS_getppid);
  return 0;
}
