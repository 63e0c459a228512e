// bench workload: stat/open/read/close over small files in a directory
// (argv[1]), `rounds` times (argv[2]). The files are made first.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : "/tmp/syspect-bench-files";
  int rounds = argc > 2 ? atoi(argv[2]) : 100;
  enum { kFiles = 100 };
  char path[4096];
  mkdir(dir, 0755);
  for (int i = 0; i < kFiles; ++i) {
    snprintf(path, sizeof path, "%s/f%03d", dir, i);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return 1;
    if (write(fd, "syspect bench\n", 14) != 14) return 1;
    close(fd);
  }
  char buf[256];
  for (int r = 0; r < rounds; ++r) {
    for (int i = 0; i < kFiles; ++i) {
      snprintf(path, sizeof path, "%s/f%03d", dir, i);
      struct stat st;
      if (stat(path, &st) != 0) return 1;
      int fd = open(path, O_RDONLY);
      if (fd < 0) return 1;
      while (read(fd, buf, sizeof buf) > 0) {
      }
      close(fd);
    }
  }
  return 0;
}
