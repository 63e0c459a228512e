/* Reads random bytes from /dev/urandom and from getrandom(2): the bytes
 * differ every run, the normalised trace must not. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  unsigned char buf[16];
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 99;
  if (read(fd, buf, sizeof buf) != (ssize_t)sizeof buf) return 99;
  close(fd);
  if (getrandom(buf, sizeof buf, 0) != (ssize_t)sizeof buf) return 99;
  (void)time(NULL);
  return write(1, "ok\n", 3) == 3 ? 0 : 1;
}
