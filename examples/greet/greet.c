/* A small program to trace: it reads a name from a config file (or the
 * hostname when there is none), and greets it. Run it under syspect:
 *
 *   syspect trace -- ./greet examples/greet/greet.conf
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "/etc/hostname";
  char name[256] = "world";
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, name, sizeof name - 1);
    if (n > 0) {
      name[n] = '\0';
      name[strcspn(name, "\n")] = '\0';
    }
    close(fd);
  }
  printf("hello, %s\n", name);
  return fd >= 0 ? 0 : 1;
}
