#include "kvstore.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

KvStore KvStore::load(const std::string& path) {
  KvStore store;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return store;
    fail("cannot open '" + path + "'");
  }
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      fail("cannot read '" + path + "'");
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos) store.items_[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return store;
}

std::optional<std::string> KvStore::get(const std::string& key) const {
  auto it = items_.find(key);
  if (it == items_.end()) return std::nullopt;
  return it->second;
}

void KvStore::put(const std::string& key, const std::string& value) { items_[key] = value; }

void KvStore::save(const std::string& path) const {
  std::string text;
  for (const auto& [k, v] : items_) text += k + "=" + v + "\n";
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create '" + tmp + "'");
  for (std::size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      fail("cannot write '" + tmp + "'");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) fail("cannot flush '" + tmp + "'");
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename '" + tmp + "'");
}
