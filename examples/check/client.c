/* client [--close-early] PORT: connects to 127.0.0.1:PORT, says hello, and
 * closes the connection. With --close-early it closes before writing (the
 * failing variant); the write then fails with EBADF. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int early = argc > 2 && strcmp(argv[1], "--close-early") == 0;
  if (argc < 2) return 2;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)atoi(argv[argc - 1]));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr*)&sa, sizeof sa) != 0) {
    perror("connect");
    return 1;
  }
  if (early) close(s);
  const char msg[] = "hello\n";
  if (write(s, msg, sizeof msg - 1) < 0) perror("write");
  if (!early) close(s);
  return 0;
}
