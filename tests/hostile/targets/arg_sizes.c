/* arg_sizes: prints how many arguments it got and their total length.
 *
 *   argc 1025 bytes 1048600
 *
 * (bytes counts every argument's characters, argv[0] included, without
 * NULs) and exits 0.
 */
#include "../../targets/common.h"

int main(int argc, char **argv) {
  size_t bytes = 0;
  for (int i = 0; i < argc; ++i) bytes += strlen(argv[i]);
  say("argc %d bytes %zu\n", argc, bytes);
  return 0;
}
