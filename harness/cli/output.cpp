#include "output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

#include "syspect/spec_parser.hpp"

namespace syspect {
namespace {

bool under_dev_or_proc(std::string_view p) { return p.starts_with("/dev/") || p.starts_with("/proc/"); }

// A regular file that a rename may replace: not one reached through /dev or
// /proc (/dev/stdout names the shell's redirection, which must be written,
// not swapped for a new file). Sets `real` to the file a symlink names, so
// that the link stays a link.
bool replaceable(const std::string& path, const struct stat& st, std::string& real) {
  if (!S_ISREG(st.st_mode)) return false;
  std::error_code ec;
  std::string given = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec || under_dev_or_proc(given)) return false;
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return false;
  real = resolved;
  std::free(resolved);
  return !under_dev_or_proc(real);
}

}  // namespace

Result<std::unique_ptr<Output>, std::string> Output::open(const std::string& path, Replace how,
                                                           std::FILE* fallback) {
  std::unique_ptr<Output> out(new Output);
  if (path.empty()) {
    out->stream_ = fallback;
    return out;
  }
  out->path_ = path;
  auto cannot_open = [&path](int err) {
    return unexpected(fmt::format("cannot open '{}': {}", path, std::strerror(err)));
  };

  struct stat st {};
  bool exists = ::stat(path.c_str(), &st) == 0;
  struct stat lst {};
  bool dangling = !exists && ::lstat(path.c_str(), &lst) == 0;  // fopen creates its target
  std::string real;
  bool whole = how == Replace::Whole && !dangling && (!exists || replaceable(path, st, real));
  if (!whole) {
    out->stream_ = std::fopen(path.c_str(), "we");
    if (out->stream_ == nullptr) return cannot_open(errno);
    out->owned_ = true;
    return out;
  }

  // Only a file that could be written in place may be replaced.
  if (exists && ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) != 0) return cannot_open(errno);
  out->final_ = exists ? real : path;
  std::string dir = ".", base = out->final_;
  if (auto slash = out->final_.rfind('/'); slash != std::string::npos) {
    dir = slash == 0 ? "/" : out->final_.substr(0, slash);
    base = out->final_.substr(slash + 1);
  }
  // Hidden, and short enough for NAME_MAX whatever the name.
  base = base.substr(0, 200);
  int fd = -1;
  for (int n = 0; fd < 0 && n < 100; ++n) {
    out->temporary_ = fmt::format("{}/.{}.{}.{}.tmp", dir, base, ::getpid(), n);
    fd = ::open(out->temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    int err = errno;
    out->temporary_.clear();
    return cannot_open(err);
  }
  if (exists) {
    // The new file keeps the old one's owner where we may give it, and its
    // mode: a report kept private stays private.
    if (st.st_uid != ::geteuid() || st.st_gid != ::getegid()) (void)::fchown(fd, st.st_uid, st.st_gid);
    if (::fchmod(fd, st.st_mode & 07777) != 0) {
      int err = errno;
      ::close(fd);
      out->discard();
      return cannot_open(err);
    }
  }
  out->stream_ = ::fdopen(fd, "w");
  if (out->stream_ == nullptr) {
    int err = errno;
    ::close(fd);
    out->discard();
    return cannot_open(err);
  }
  out->owned_ = true;
  return out;
}

Output::~Output() {
  if (!finished_) {
    if (owned_) std::fclose(stream_);
    discard();
  }
}

void Output::discard() {
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
  temporary_.clear();
}

void Output::set_buffer(std::size_t bytes, int mode) {
  if (!owned_) {
    // stdio uses a standard stream's buffer until its last flush at exit,
    // after every destructor: it is never freed.
    static char standard[1 << 16];
    std::setvbuf(stream_, standard, mode, std::min(bytes, sizeof standard));
    return;
  }
  buffer_ = std::make_unique<char[]>(bytes);
  std::setvbuf(stream_, buffer_.get(), mode, bytes);
}

void Output::write(std::string_view text) {
  if (error_ != 0) return;
  errno = 0;
  if (std::fwrite(text.data(), 1, text.size(), stream_) != text.size()) error_ = errno != 0 ? errno : EIO;
}

void Output::failed(int err) {
  if (error_ == 0) error_ = err;
}

int Output::finish() {
  if (finished_) return error_;
  finished_ = true;
  errno = 0;
  if (error_ == 0 && (std::fflush(stream_) != 0 || std::ferror(stream_))) error_ = errno != 0 ? errno : EIO;
  // A delayed write error (NFS, a quota) shows at fsync or close.
  if (error_ == 0 && !temporary_.empty() && ::fsync(::fileno(stream_)) != 0) error_ = errno;
  if (owned_ && std::fclose(stream_) != 0 && error_ == 0) error_ = errno;
  if (owned_) stream_ = nullptr;
  if (!temporary_.empty()) {
    if (error_ == 0 && ::rename(temporary_.c_str(), final_.c_str()) != 0) error_ = errno;
    if (error_ != 0) discard();
    temporary_.clear();
  }
  return error_;
}

std::string Output::failure(std::string_view what, int err) const {
  std::string where = !path_.empty()         ? fmt::format("'{}'", path_)
                      : stream_ == stdout    ? std::string("stdout")
                                             : std::string("stderr");
  return fmt::format("cannot write {} to {}: {}", what, where, std::strerror(err));
}

void print_spec_errors(const SpecErrors& errors, const std::string& path) {
  std::fputs(errors.format().c_str(), stderr);
  std::size_t n = errors.diagnostics.size();
  std::fprintf(stderr, "syspect: %zu problem%s in %s\n", n, n == 1 ? "" : "s", path.c_str());
}

}  // namespace syspect
