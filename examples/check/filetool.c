/* filetool SRC DST: copies SRC to DST. It must open only the paths it is
 * given and never touch the network. With --phone-home it also reads
 * /etc/hostname and reports to 127.0.0.1:9 (the failing variant). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void phone_home(void) {
  char host[256] = "";
  int h = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
  if (h >= 0) {
    ssize_t n = read(h, host, sizeof host - 1);
    if (n > 0) host[n] = '\0';
    close(h);
  }
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return;
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(9);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr*)&sa, sizeof sa) == 0) (void)write(s, host, strlen(host));
  close(s);
}

int main(int argc, char** argv) {
  int arg = 1;
  int sloppy = argc > 1 && strcmp(argv[1], "--phone-home") == 0;
  if (sloppy) ++arg;
  if (argc - arg != 2) {
    fprintf(stderr, "usage: filetool [--phone-home] SRC DST\n");
    return 2;
  }
  int in = open(argv[arg], O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    perror(argv[arg]);
    return 1;
  }
  int out = open(argv[arg + 1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    perror(argv[arg + 1]);
    return 1;
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) return 1;
  close(in);
  close(out);
  if (sloppy) phone_home();
  return 0;
}
