// The program stacks_target execs: its own functions, a new image.
#include <fcntl.h>

__attribute__((noinline)) int other_open(void) {
  int fd = open("/dev/null", O_RDONLY);
  return fd < 0;
}

int main(void) { return other_open(); }
