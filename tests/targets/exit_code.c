/* exit_code: ends in the way it is asked to.
 *
 *   exit_code N          exits with status N
 *   exit_code signal N   sends itself signal N with kill(2) (e.g. 15, SIGTERM)
 *   exit_code segv       writes through a NULL pointer (SIGSEGV), with core
 *                        dumps disabled so that none is written
 *
 * Also the plain program for "first event is the target's execve" tests: it
 * makes no calls of its own before ending.
 */
#include "common.h"

#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "segv") == 0) {
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    /* argc is 2 here: a NULL the compiler cannot see coming. */
    volatile int *p = (volatile int *)(uintptr_t)(argc - 2);
    *p = 1;
    return TARGET_BROKEN;
  }
  if (argc == 3 && strcmp(argv[1], "signal") == 0) {
    int sig = atoi(argv[2]);
    kill(getpid(), sig);
    say_fd(2, "exit_code: still alive after signal %d\n", sig);
    return TARGET_BROKEN;
  }
  if (argc == 2) return atoi(argv[1]);
  say_fd(2, "usage: exit_code N | signal N | segv\n");
  return 2;
}
