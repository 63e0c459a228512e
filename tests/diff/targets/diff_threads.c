/* Two threads that each do the same work every run: the same program traced
 * twice must give an empty `syspect diff`. Only pthread_join's futex wait
 * depends on timing, and diff leaves futex calls out. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void *worker(void *arg) {
  const char *name = arg;
  char line[64];
  int n = snprintf(line, sizeof line, "worker %s\n", name);
  if (write(1, line, (size_t)n) != n) return (void *)1;
  return NULL;
}

int main(void) {
  pthread_t a, b;
  void *ra = NULL, *rb = NULL;
  if (pthread_create(&a, NULL, worker, "a") != 0) return 99;
  if (pthread_join(a, &ra) != 0) return 99;
  if (pthread_create(&b, NULL, worker, "b") != 0) return 99;
  if (pthread_join(b, &rb) != 0) return 99;
  return ra == NULL && rb == NULL ? 0 : 1;
}
