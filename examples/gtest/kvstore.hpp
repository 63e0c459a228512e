#pragma once
// A tiny key-value store kept in a file of "key=value" lines: the library
// that kvstore_test.cpp tests with syspect.

#include <map>
#include <optional>
#include <string>

class KvStore {
 public:
  // The store saved at `path`; an empty one when there is no such file.
  static KvStore load(const std::string& path);

  // Lookups and updates touch memory only.
  std::optional<std::string> get(const std::string& key) const;
  void put(const std::string& key, const std::string& value);

  // Writes the store to `path` atomically: a temporary file beside it,
  // flushed to disk, then renamed over `path`.
  void save(const std::string& path) const;

 private:
  std::map<std::string, std::string> items_;
};
