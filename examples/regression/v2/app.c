/* Version 2 of examples/regression/v1/app.c: it no longer calls getuid(),
 * and it reads a second settings file, local.conf, when there is one. */
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
  char local[256];
  if (read_settings("app.conf", settings, sizeof settings) != 0) return 1;
  if (read_settings("local.conf", local, sizeof local) != 0) local[0] = '\0';
  char line[300];
  int n = snprintf(line, sizeof line, "hello, %s", settings);
  return write(1, line, (size_t)n) == n ? 0 : 1;
}
