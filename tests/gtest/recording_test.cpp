// MatchesRecording on real traces and real recordings: a run against its
// recording, the diff a mismatch explains itself with (the one `syspect
// diff` prints), and SYSPECT_UPDATE_RECORDINGS, the only way a recording
// is written.

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "syspect/gtest.hpp"
#include "syspect/trace_file.hpp"

namespace {

using namespace syspect_it;
using namespace syspect::testing;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The variable is set only inside the scope of one of these.
class UpdateRecordings {
 public:
  explicit UpdateRecordings(const char* value) { ::setenv("SYSPECT_UPDATE_RECORDINGS", value, 1); }
  ~UpdateRecordings() { ::unsetenv("SYSPECT_UPDATE_RECORDINGS"); }
  UpdateRecordings(const UpdateRecordings&) = delete;
  UpdateRecordings& operator=(const UpdateRecordings&) = delete;
};

struct Outcome {
  bool matched;
  std::string explanation;
};

Outcome match(const TraceMatcher& m, const syspect::Trace& t) {
  ::testing::StringMatchResultListener listener;
  bool matched = m.MatchAndExplain(t, &listener);
  return {matched, listener.str()};
}

class Recording : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("SYSPECT_UPDATE_RECORDINGS");
    write_file(dir_.file("one"), "same\n");
    write_file(dir_.file("two"), "same\n");
  }
  syspect::Trace cat(const std::string& file) {
    syspect::Trace t = syspect::trace({"/bin/cat", dir_.file(file)}, quiet());
    EXPECT_THAT(t, ExitedWith(0));
    return t;
  }
  static syspect::TraceOptions quiet() {
    syspect::TraceOptions o;
    o.before_exec = [] {
      int fd = ::open("/dev/null", O_WRONLY);
      ::dup2(fd, 1);
      if (fd > 1) ::close(fd);
    };
    return o;
  }
  TempDir dir_;
};

TEST_F(Recording, AMissingRecordingFailsAndIsNotWritten) {
  std::string path = dir_.file("recordings/cat.jsonl");
  Outcome o = match(MatchesRecording(path), cat("one"));
  EXPECT_FALSE(o.matched);
  EXPECT_THAT(o.explanation, HasSubstr("there is no recording '" + path + "'"));
  EXPECT_THAT(o.explanation, HasSubstr("run the test with SYSPECT_UPDATE_RECORDINGS=1"));
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(::testing::DescribeMatcher<const syspect::Trace&>(MatchesRecording(path)),
            "matches the recording \"" + path + "\"");

  // Only "1" writes.
  for (const char* value : {"0", "yes", ""}) {
    UpdateRecordings update(value);
    EXPECT_FALSE(match(MatchesRecording(path), cat("one")).matched) << value;
    EXPECT_FALSE(std::filesystem::exists(path)) << value;
  }
}

TEST_F(Recording, UpdateWritesARecordingThatLaterRunsMatch) {
  std::string path = dir_.file("recordings/cat.jsonl");
  {
    UpdateRecordings update("1");
    // Traced before stdout is captured: the capture holds an fd open,
    // which the traced command would inherit.
    syspect::Trace t = cat("one");
    ::testing::internal::CaptureStdout();
    Outcome o = match(MatchesRecording(path), t);
    std::string said = ::testing::internal::GetCapturedStdout();
    EXPECT_TRUE(o.matched) << o.explanation;
    EXPECT_THAT(o.explanation, HasSubstr("which is recorded now (SYSPECT_UPDATE_RECORDINGS=1)"));
    EXPECT_THAT(said, HasSubstr("[ syspect ] wrote recording '" + path + "'"));
  }
  // A recording as `syspect record` writes it.
  auto loaded = syspect::load_trace(path);
  ASSERT_TRUE(loaded) << loaded.error().format();
  EXPECT_EQ(loaded->trace.command(), (std::vector<std::string>{"/bin/cat", dir_.file("one")}));

  // Later runs match it: pids, addresses and times differ, and so does
  // the environment (SYSPECT_UPDATE_RECORDINGS is no longer in it).
  for (int run = 0; run < 3; ++run) {
    Outcome o = match(MatchesRecording(path), cat("one"));
    EXPECT_TRUE(o.matched) << o.explanation;
  }
  EXPECT_THAT(cat("one"), MatchesRecording(path));

  // With the variable set, a recording that matches is left as it is.
  std::string before = read_file(path);
  struct stat st_before {};
  ASSERT_EQ(::stat(path.c_str(), &st_before), 0);
  {
    UpdateRecordings update("1");
    syspect::Trace t = cat("one");
    ::testing::internal::CaptureStdout();
    EXPECT_TRUE(match(MatchesRecording(path), t).matched);
    EXPECT_THAT(::testing::internal::GetCapturedStdout(), HasSubstr("matches; left as it is"));
  }
  struct stat st_after {};
  ASSERT_EQ(::stat(path.c_str(), &st_after), 0);
  EXPECT_EQ(read_file(path), before);
  EXPECT_EQ(st_before.st_ino, st_after.st_ino);
}

// The explanation is `syspect diff`'s output for the same two traces: its
// -/+ lines and its count table.
TEST_F(Recording, AMismatchExplainsItselfWithSyspectDiffsDiff) {
  std::string recorded = dir_.file("one.jsonl");
  ProcResult r1 = run_cli({"record", "-o", recorded, "--", "/bin/cat", dir_.file("one")});
  ASSERT_EQ(r1.status(), 0) << describe(r1);
  std::string other = dir_.file("two.jsonl");
  ProcResult r2 = run_cli({"record", "-o", other, "--", "/bin/cat", dir_.file("two")});
  ASSERT_EQ(r2.status(), 0) << describe(r2);
  auto loaded = syspect::load_trace(other);
  ASSERT_TRUE(loaded) << loaded.error().format();

  Outcome o = match(MatchesRecording(recorded), loaded->trace);
  EXPECT_FALSE(o.matched);
  EXPECT_THAT(o.explanation, StartsWith("which differs from it (SYSPECT_UPDATE_RECORDINGS=1 rewrites the "
                                        "recording):\n--- " + recorded + "\n+++ (this test) /bin/cat "));
  // MatchesRecording adds one rule of its own: the count of environment
  // variables execve shows.
  ProcResult diff = run_cli({"diff", "--normalize", R"(/\* [0-9]+ vars \*/=/* N vars */)", recorded, other});
  ASSERT_EQ(diff.status(), 1) << describe(diff);
  // Everything after the two header lines, byte for byte.
  auto body = [](const std::string& text) {
    std::size_t at = text.find("\n@@");
    return at == std::string::npos ? text : text.substr(at + 1);
  };
  EXPECT_EQ(body(o.explanation), body(diff.out));
  EXPECT_THAT(o.explanation, HasSubstr("-openat(AT_FDCWD, \"" + dir_.file("one") + "\""));
  EXPECT_THAT(o.explanation, HasSubstr("+openat(AT_FDCWD, \"" + dir_.file("two") + "\""));

  // A --normalize-style pattern makes the two runs one.
  EXPECT_THAT(loaded->trace, MatchesRecording(recorded, {"/(one|two)\"=/FILE\""}));
  EXPECT_THAT(loaded->trace, Not(MatchesRecording(recorded, {"/(one|zzz)\"=/FILE\""})));
  EXPECT_THROW(MatchesRecording(recorded, {"([=x"}), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir_.file("recordings")));
}

TEST_F(Recording, UpdateRewritesARecordingThatDiffers) {
  std::string path = dir_.file("cat.jsonl");
  ProcResult r = run_cli({"record", "-o", path, "--", "/bin/cat", dir_.file("one")});
  ASSERT_EQ(r.status(), 0) << describe(r);
  EXPECT_FALSE(match(MatchesRecording(path), cat("two")).matched);
  {
    UpdateRecordings update("1");
    syspect::Trace t = cat("two");
    ::testing::internal::CaptureStdout();
    Outcome o = match(MatchesRecording(path), t);
    std::string said = ::testing::internal::GetCapturedStdout();
    EXPECT_TRUE(o.matched) << o.explanation;
    EXPECT_THAT(said, HasSubstr("rewrote recording '" + path + "'"));
  }
  EXPECT_THAT(cat("two"), MatchesRecording(path));
  EXPECT_THAT(cat("one"), Not(MatchesRecording(path)));
  // No temporary file is left beside it.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_.path())) ++files;
  EXPECT_EQ(files, 3u);  // one, two, cat.jsonl
}

TEST_F(Recording, AnUnreadableRecordingFailsWithItsLine) {
  std::string path = dir_.file("broken.jsonl");
  write_file(path, "{\"syspect\":1,\"command\":[\"x\"],\"start\":\"2026-01-01T00:00:00Z\"}\nnot json\n");
  Outcome o = match(MatchesRecording(path), cat("one"));
  EXPECT_FALSE(o.matched);
  EXPECT_THAT(o.explanation, HasSubstr(path + ":2:"));
}

}  // namespace
