// Reads the first line of FILE with fopen and never checks fopen's result:
// when the open fails it reads through a NULL FILE* and dies of SIGSEGV.
#include <stdio.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  FILE* f = fopen(argv[1], "r");
  // The bug under test: no check of f. A volatile read so that it happens.
  int fileno_of_f = *(volatile int*)&f->_fileno;
  char line[256];
  if (fgets(line, sizeof line, f) == NULL) return 1;
  fclose(f);
  return fileno_of_f < 0;
}
