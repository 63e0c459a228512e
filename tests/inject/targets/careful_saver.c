// Saves three lines to FILE the careful way: into FILE.tmp, every result
// checked; a write that fails removes FILE.tmp and exits 1; else the
// temporary is renamed over FILE. Prints nothing.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char* const kLines[] = {"alpha\n", "beta\n", "gamma\n"};

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return 1;
  for (unsigned i = 0; i < sizeof kLines / sizeof kLines[0]; ++i) {
    size_t n = strlen(kLines[i]);
    if (write(fd, kLines[i], n) != (ssize_t)n) {
      close(fd);
      unlink(tmp);
      return 1;
    }
  }
  if (close(fd) != 0) {
    unlink(tmp);
    return 1;
  }
  if (rename(tmp, argv[1]) != 0) {
    unlink(tmp);
    return 1;
  }
  return 0;
}
