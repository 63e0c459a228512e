// MatchesRecording: a trace against a recorded one, under `syspect diff`'s
// normalisation, and the one way a recording is written from a test.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "syspect/matchers.hpp"
#include "syspect/result.hpp"
#include "syspect/format.hpp"
#include "syspect/sinks.hpp"
#include "syspect/trace_diff.hpp"
#include "syspect/trace_file.hpp"

namespace syspect::testing {
namespace detail {
namespace {

constexpr const char* kUpdateVariable = "SYSPECT_UPDATE_RECORDINGS";
constexpr const char* kEnvCountRule = R"(/\* [0-9]+ vars \*/=/* N vars */)";

bool updating() {
  const char* v = std::getenv(kUpdateVariable);
  return v != nullptr && std::string_view(v) == "1";
}

// The trace as `syspect record` would have saved it: JSON Lines, in memory.
Result<std::string, std::string> to_jsonl(const Trace& t) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* mem = ::open_memstream(&buffer, &size);
  if (mem == nullptr) return unexpected(fmt::format("cannot allocate a buffer: {}", std::strerror(errno)));
  int error = 0;
  {
    JsonlSink sink(mem, t.command(), FormatOptions{});
    replay(t, sink);
    error = sink.write_error();
  }
  if (std::fclose(mem) != 0 && error == 0) error = errno;
  std::unique_ptr<char, decltype(&std::free)> owned(buffer, &std::free);
  if (error != 0) return unexpected(fmt::format("cannot write the trace in memory: {}", std::strerror(error)));
  return std::string(buffer, size);
}

// Writes `text` to `path` whole: beside it under a temporary name, then
// renamed over it, so that an interrupted test leaves the old recording.
// The error, or "" once written.
std::string write_whole(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return fmt::format("cannot create '{}': {}", target.parent_path().string(), ec.message());
  }
  std::string tmp = (target.parent_path() / fmt::format(".{}.{}.tmp", target.filename().string(), ::getpid()))
                        .string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fmt::format("cannot write '{}': {}", tmp, std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fmt::format("cannot write '{}': {}", path, std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  int err = ::fsync(fd) != 0 ? errno : 0;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return fmt::format("cannot write '{}': {}", path, std::strerror(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    ::unlink(tmp.c_str());
    return fmt::format("cannot rename '{}' to '{}': {}", tmp, path, std::strerror(err));
  }
  return {};
}

class MatchesRecordingMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  MatchesRecordingMatcher(std::string path, const std::vector<std::string>& normalize) : path_(std::move(path)) {
    // The environment a test runs in differs from machine to machine (a
    // developer's shell, CI), and SYSPECT_UPDATE_RECORDINGS itself is in it
    // when a recording is made: execve's count of variables is not the
    // program's doing.
    std::vector<std::string> rules = {kEnvCountRule};
    rules.insert(rules.end(), normalize.begin(), normalize.end());
    for (const auto& n : rules) {
      auto rule = parse_normalize_rule(n);
      if (!rule) throw std::invalid_argument(fmt::format("MatchesRecording: {}", rule.error()));
      options_.normalize.push_back(std::move(*rule));
    }
  }

  bool MatchAndExplain(const Trace& t, ::testing::MatchResultListener* listener) const override {
    // The trace goes through the file format, as `syspect diff -- CMD`
    // does: it then holds exactly what a recording of it would.
    auto jsonl = to_jsonl(t);
    if (!jsonl) {
      *listener << "which cannot be compared: " << jsonl.error();
      return false;
    }
    std::istringstream in(*jsonl);
    auto live = read_trace(in, "(this test)");
    if (!live) {
      *listener << "which cannot be compared: " << live.error().format();
      return false;
    }

    std::error_code ec;
    bool exists = std::filesystem::exists(path_, ec);
    std::optional<RecordedTrace> recorded;
    std::string load_error;
    if (exists) {
      auto loaded = load_trace(path_);
      if (loaded) recorded = std::move(*loaded);
      else load_error = loaded.error().format();
    } else {
      load_error = fmt::format("there is no recording '{}'", path_);
    }

    DiffResult diff;
    if (recorded) {
      DiffOptions options = options_;
      options.old_name = path_;
      options.new_name = t.command().empty() ? "(this test)" : "(this test) " + shell_quote(t.command());
      diff = diff_traces(recorded->trace, live->trace, options);
    }
    if (recorded && diff.equal) {
      *listener << "which matches it";
      if (updating()) say(fmt::format("recording '{}' matches; left as it is", path_));
      return true;
    }

    if (updating()) {
      std::string error = write_whole(path_, *jsonl);
      if (!error.empty()) {
        *listener << "which could not be recorded: " << error;
        return false;
      }
      std::string what = recorded ? "rewrote" : "wrote";
      say(fmt::format("{} recording '{}' ({}=1); review it with git diff before committing it", what, path_,
                      kUpdateVariable));
      *listener << "which is recorded now (" << kUpdateVariable << "=1)";
      return true;
    }
    if (!recorded) {
      *listener << "which cannot be compared: " << load_error << ". To record it, run the test with "
                << kUpdateVariable << "=1 in the environment, then review and commit the file";
      return false;
    }
    *listener << "which differs from it (" << kUpdateVariable << "=1 rewrites the recording):\n" << diff.text;
    return false;
  }

  void DescribeTo(std::ostream* os) const override { *os << "matches the recording \"" << path_ << "\""; }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "doesn't match the recording \"" << path_ << "\"";
  }

 private:
  // A line in the test's output, beside gtest's own.
  static void say(const std::string& line) {
    std::fprintf(stdout, "[ syspect ] %s\n", line.c_str());
    std::fflush(stdout);
  }

  std::string path_;
  DiffOptions options_;
};

}  // namespace
}  // namespace detail

TraceMatcher MatchesRecording(const std::string& path, const std::vector<std::string>& normalize) {
  return ::testing::MakeMatcher(new detail::MatchesRecordingMatcher(path, normalize));
}

}  // namespace syspect::testing
