// Saves three lines to FILE the careless way: into FILE.tmp, renamed over
// FILE, no result checked. A failed write goes unnoticed: it exits 0.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char* const kLines[] = {"alpha\n", "beta\n", "gamma\n"};

// Its own function, so that `sweep -k` has a caller to name.
__attribute__((noinline)) static void put_line(int fd, const char* line) {
  (void)!write(fd, line, strlen(line));
  __asm__ volatile("" ::: "memory");  // not a tail call: put_line stays on the stack
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  for (unsigned i = 0; i < sizeof kLines / sizeof kLines[0]; ++i)
    put_line(fd, kLines[i]);
  close(fd);
  rename(tmp, argv[1]);
  return 0;
}
