// A library stacks_target dlopens: a call made from a module loaded late.
#include <fcntl.h>

__attribute__((noinline)) int plugin_helper(void) {
  int fd = open("/dev/null", O_RDONLY);
  return fd < 0;
}

int plugin_open(void) {
  int r = plugin_helper();
  return r != 0;
}
