/* with_server CLIENT [ARGS...]: starts a one-shot TCP server on
 * 127.0.0.1 (any free port), runs CLIENT ARGS... PORT, prints what the
 * client sent, and exits with the client's status. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (bind(l, (struct sockaddr*)&sa, sizeof sa) != 0 || listen(l, 1) != 0 ||
      getsockname(l, (struct sockaddr*)&sa, &len) != 0) {
    perror("server");
    return 1;
  }
  char port[16];
  snprintf(port, sizeof port, "%d", ntohs(sa.sin_port));
  pid_t pid = fork();
  if (pid == 0) {
    char* args[64];
    int n = 0;
    for (int i = 1; i < argc && n < 62; ++i) args[n++] = argv[i];
    args[n++] = port;
    args[n] = NULL;
    execv(args[0], args);
    perror(args[0]);
    _exit(127);
  }
  int c = accept(l, NULL, NULL);
  char buf[256];
  ssize_t got = c >= 0 ? read(c, buf, sizeof buf - 1) : -1;
  if (got > 0) {
    buf[got] = '\0';
    printf("server got: %s", buf);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
