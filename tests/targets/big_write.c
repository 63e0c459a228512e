/* big_write: buffers longer than the tracer keeps by default.
 *
 *   big_write N AT TEXT   opens /dev/null and writes N bytes to it in one
 *                         write(2): all '.', except TEXT at byte AT
 */
#include "common.h"

#include <fcntl.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  size_t n = (size_t)atol(argv[1]), at = (size_t)atol(argv[2]);
  const char *text = argv[3];
  char *buf = malloc(n);
  if (buf == NULL || at + strlen(text) > n) return 2;
  memset(buf, '.', n);
  memcpy(buf + at, text, strlen(text));
  int fd = open("/dev/null", O_WRONLY);
  if (fd < 0 || write(fd, buf, n) != (ssize_t)n) return 1;
  return 0;
}
