// Injections in the gtest harness: TraceOptions::injections under trace()
// and trace_function(), and the Injected() matcher.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "syspect/gtest.hpp"

namespace {

using namespace syspect::testing;
using ::testing::Not;

// Writes `text` to `path` through `path`.tmp, renamed into place; a failed
// write removes the temporary. Returns whether the file was saved.
bool careful_save(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  ::close(fd);
  return ::rename(tmp.c_str(), path.c_str()) == 0;
}

std::string temp_path(const char* name) {
  const char* base = std::getenv("TMPDIR");
  return std::string(base && *base ? base : "/tmp") + "/syspect-gtest-" + std::to_string(::getpid()) + "-" + name;
}

TEST(Inject, TraceFunctionFailsTheFunctionsWriteOnly) {
  std::string path = temp_path("saved");
  syspect::TraceOptions options;
  auto parsed = syspect::Injection::parse("write:error=ENOSPC:when=1");
  ASSERT_TRUE(parsed) << parsed.error();
  options.injections.push_back(*parsed);
  // The harness writes before the function starts; the injection counts
  // the function's calls only, so its first write is the one that fails.
  syspect::FunctionTrace t = syspect::trace_function(
      [&] {
        bool saved = careful_save(path, "hello\n");
        EXPECT_FALSE(saved);
      },
      options);
  EXPECT_TRUE(t.returned());
  EXPECT_THAT(t, Calls(Syscall("write", FailsWith("ENOSPC"), Injected())));
  EXPECT_THAT(t, Calls(Syscall("unlink", Arg("pathname", path + ".tmp"))));
  EXPECT_THAT(t, Never(Syscall("rename")));
  EXPECT_NE(::access((path + ".tmp").c_str(), F_OK), 0);
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
}

TEST(Inject, TraceTellsInjectedCallsFromRealOnes) {
  syspect::TraceOptions options;
  syspect::Injection i;
  i.set = "write";
  i.error = EIO;
  i.when = syspect::InjectWhen::only(2);
  options.injections.push_back(i);
  syspect::Trace t = syspect::trace({"/bin/sh", "-c", "echo a; echo b; echo c"}, options);
  EXPECT_THAT(t, CallsTimes(Syscall("write", Injected()), 1));
  EXPECT_THAT(t, Calls(Syscall("write", Returns(2), Not(Injected()))));
}

TEST(Inject, InjectedDescribesItself) {
  EXPECT_EQ(::testing::DescribeMatcher<const syspect::SyscallEvent&>(Syscall("write", Injected())),
            "is a call to write that syspect injected a fault into");
}

}  // namespace
