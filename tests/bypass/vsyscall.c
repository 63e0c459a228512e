// Calls time, gettimeofday and getcpu through the legacy vsyscall page,
// which the kernel emulates without syscall-entry or -exit stops, then
// getppid twice. Prints "no-vsyscall" when the page is not executable here
// (vsyscall=none, or xonly absent).
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int vsyscall_page_executable(void) {
  FILE* maps = fopen("/proc/self/maps", "r");
  char line[512];
  int found = 0;
  while (maps && fgets(line, sizeof line, maps)) {
    char range[128], perms[8];
    if (strstr(line, "[vsyscall]") && sscanf(line, "%127s %7s", range, perms) == 2)
      found = perms[2] == 'x';
  }
  if (maps) fclose(maps);
  return found;
}

int main(void) {
  if (!vsyscall_page_executable()) {
    puts("no-vsyscall");
    return 0;
  }
  typedef long (*gettimeofday_fn)(struct timeval*, void*);
  typedef long (*time_fn)(time_t*);
  typedef long (*getcpu_fn)(unsigned*, unsigned*, void*);
  struct timeval tv;
  unsigned cpu = 0;
  long gtod = ((gettimeofday_fn)0xffffffffff600000)(&tv, NULL);
  long t = ((time_fn)0xffffffffff600400)(NULL);
  long gc = ((getcpu_fn)0xffffffffff600800)(&cpu, NULL, NULL);
  syscall(SYS_getppid);
  syscall(SYS_getppid);
  printf("vsyscall gettimeofday=%ld time=%s getcpu=%ld\n", gtod, t > 0 ? "ok" : t == -1 ? "-1" : "?", gc);
  return 0;
}
