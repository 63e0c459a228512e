/* signal_handler: a signal with a handler is delivered.
 *
 * Installs a SIGUSR1 handler, raises SIGUSR1, and the handler prints
 *
 *   handler ran for signal 10
 *
 * then main prints "after raise" and exits 0. Under a tracer that loses or
 * swallows the signal, the first line is missing.
 */
#include "common.h"

#include <signal.h>

static void on_usr1(int sig) { say("handler ran for signal %d\n", sig); }

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGUSR1, &sa, NULL) != 0) die("sigaction");
  if (raise(SIGUSR1) != 0) die("raise");
  say("after raise\n");
  return 0;
}
