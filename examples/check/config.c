/* config FILE: reads its configuration file, which it must open read-only
 * and close-on-exec. With --sloppy it opens it read-write without
 * O_CLOEXEC (the failing variant). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int sloppy = argc > 2 && strcmp(argv[1], "--sloppy") == 0;
  const char* path = argv[argc - 1];
  if (argc < 2) return 2;
  int fd = open(path, sloppy ? O_RDWR : O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    perror(path);
    return 1;
  }
  char buf[512];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  printf("read %zd bytes of configuration\n", n);
  return 0;
}
