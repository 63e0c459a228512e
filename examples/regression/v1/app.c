/* Version 1 of a small tool: reads its settings and says hello.
 * examples/regression/v2/app.c is the next release; `syspect diff` shows
 * what changed in its syscalls (see examples/regression/README.md). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int read_settings(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = '\0';
  return 0;
}

int main(void) {
  char settings[256];
  if (read_settings("app.conf", settings, sizeof settings) != 0) return 1;
  /* Version 1 asks who runs it, and never uses the answer. */
  uid_t uid = getuid();
  (void)uid;
  char line[300];
  int n = snprintf(line, sizeof line, "hello, %s", settings);
  return write(1, line, (size_t)n) == n ? 0 : 1;
}
