// bench workload: `procs` children (argv[1]) that each exec /bin/true, then
// `threads` threads (argv[2]) that each make `calls` syscalls (argv[3]).
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long calls;

static void* worker(void* arg) {
  (void)arg;
  for (long i = 0; i < calls; ++i) syscall(SYS_getppid);
  return NULL;
}

int main(int argc, char** argv) {
  int procs = argc > 1 ? atoi(argv[1]) : 20;
  int threads = argc > 2 ? atoi(argv[2]) : 8;
  calls = argc > 3 ? atol(argv[3]) : 2000;
  for (int i = 0; i < procs; ++i) {
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
      execl("/bin/true", "true", (char*)NULL);
      _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return 1;
  }
  pthread_t t[64];
  if (threads > 64) threads = 64;
  for (int i = 0; i < threads; ++i)
    if (pthread_create(&t[i], NULL, worker, NULL) != 0) return 1;
  for (int i = 0; i < threads; ++i) pthread_join(t[i], NULL);
  return 0;
}
