// A program whose calls come from known functions, for the tests of stack
// traces (-k). Built with -g -O1; every function is noinline and does work
// after its call, so that each keeps a frame of its own.
//
//   stacks_target deep           opens /dev/null from read_config, three
//                                calls below main (main -> init_app ->
//                                load_settings -> read_config), then
//                                /dev/zero from main itself
//   stacks_target fork           a child opens /dev/null from child_work
//   stacks_target thread         a thread opens /dev/null from thread_work
//   stacks_target exec PROG ARGS opens /dev/zero from before_exec, then execs
//                                PROG ARGS
//   stacks_target dlopen LIB     dlopens LIB and calls its plugin_open()
//   stacks_target mmaps N        opens /dev/null N times from read_config
//                                with a new executable mapping before each

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

NOINLINE int read_config(void) {
  int fd = open("/dev/null", O_RDONLY);
  if (fd >= 0) close(fd);
  return fd;
}

NOINLINE int load_settings(void) {
  int fd = read_config();
  return fd < 0 ? -1 : 0;
}

NOINLINE int init_app(void) {
  int r = load_settings();
  return r == 0 ? 0 : 1;
}

NOINLINE int child_work(void) {
  int fd = open("/dev/null", O_RDONLY);
  return fd < 0;
}

NOINLINE void* thread_work(void* arg) {
  int fd = open("/dev/null", O_RDONLY);
  if (fd >= 0) close(fd);
  return arg;
}

NOINLINE int before_exec(void) {
  int fd = open("/dev/zero", O_RDONLY);
  return fd < 0;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "deep";
  if (strcmp(mode, "deep") == 0) {
    if (init_app() != 0) return 1;
    int fd = open("/dev/zero", O_RDONLY);
    return fd < 0;
  }
  if (strcmp(mode, "fork") == 0) {
    pid_t pid = fork();
    if (pid == 0) _exit(child_work());
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  }
  if (strcmp(mode, "thread") == 0) {
    pthread_t t;
    if (pthread_create(&t, NULL, thread_work, NULL) != 0) return 1;
    return pthread_join(t, NULL) != 0;
  }
  if (strcmp(mode, "exec") == 0 && argc > 2) {
    if (before_exec() != 0) return 1;
    execv(argv[2], argv + 2);
    return 127;
  }
  if (strcmp(mode, "dlopen") == 0 && argc > 2) {
    void* lib = dlopen(argv[2], RTLD_NOW);
    if (!lib) {
      fprintf(stderr, "%s\n", dlerror());
      return 1;
    }
    int (*plugin_open)(void) = (int (*)(void))dlsym(lib, "plugin_open");
    return plugin_open == NULL || plugin_open() != 0;
  }
  if (strcmp(mode, "mmaps") == 0 && argc > 2) {
    int n = atoi(argv[2]);
    for (int i = 0; i < n; ++i) {
      void* p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED || read_config() < 0) return 1;
      munmap(p, 4096);
    }
    return 0;
  }
  fprintf(stderr, "usage: stacks_target deep|fork|thread|exec PROG...|dlopen LIB|mmaps N\n");
  return 2;
}
