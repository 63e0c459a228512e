/* int80: i386 system calls made with `int $0x80` from a 64-bit program.
 *
 * 1. getpid through the i386 table (eax = 20); prints
 *      i386 getpid 00012345
 *    A tracer must report abi i386, name getpid, result == the pid.
 * 2. write through the i386 table (eax = 4) with ebx = 1, ecx = a buffer in
 *    the low 4 GiB, edx = its length, and garbage in the upper 32 bits of
 *    rbx, rcx and rdx. The kernel only looks at the low halves, so this
 *    writes "int80 write\n" to stdout; a tracer must decode fd 1 and the
 *    string, not the 64-bit register values.
 * Then exits 0 through the normal 64-bit path.
 */
#include "common.h"

#include <stdint.h>
#include <sys/mman.h>

#define GARBAGE 0xdeadbeef00000000ull

static long int80(long nr, uint64_t b, uint64_t c, uint64_t d) {
  long ret;
  __asm__ volatile("int $0x80"
                   : "=a"(ret)
                   : "a"(nr), "b"(b), "c"(c), "d"(d)
                   : "r8", "r9", "r10", "r11", "memory", "cc");
  return ret;
}

int main(void) {
  long pid = int80(20, 0, 0, 0);
  if (pid != (long)getpid()) {
    say_fd(2, "int80: i386 getpid returned %ld\n", pid);
    return TARGET_BROKEN;
  }
  say("i386 getpid %08ld\n", pid);

  static const char msg[] = "int80 write\n";
  char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED) die("mmap MAP_32BIT");
  memcpy(low, msg, sizeof msg - 1);
  long n = int80(4, GARBAGE | 1u, GARBAGE | (uint64_t)(uintptr_t)low, GARBAGE | (sizeof msg - 1));
  if (n != (long)(sizeof msg - 1)) {
    say_fd(2, "int80: i386 write returned %ld\n", n);
    return TARGET_BROKEN;
  }
  return 0;
}
