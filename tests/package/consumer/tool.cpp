// A program of the consumer project that its expectation files check:
// prints the file named by its argument.
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  int fd = ::open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 1;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    if (::write(1, buf, static_cast<size_t>(n)) != n) return 1;
  ::close(fd);
  return n < 0 ? 1 : 0;
}
