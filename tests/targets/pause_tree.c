/* pause_tree: a parent and a child that both wait forever.
 *
 * The parent forks; each process prints its pid on a line of its own,
 *
 *   parent 00012345
 *   child 00012346
 *
 * (in either order) and then blocks in pause(2) forever. Used to check that
 * a timeout, or the death of the tracer, takes the whole traced tree down:
 * the test reads the two pids and checks both processes are gone.
 */
#include "common.h"

int main(void) {
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    say("child %08d\n", (int)getpid());
  } else {
    say("parent %08d\n", (int)getpid());
  }
  for (;;) pause();
}
