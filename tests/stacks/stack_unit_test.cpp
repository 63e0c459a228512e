// Stacks without a tracee: the notations (strace -k's frame lines, the
// report's summary), an in-memory trace keeping them, and a trace file
// writing them and reading them back.

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "syspect/event_store.hpp"
#include "syspect/sinks.hpp"
#include "syspect/stack.hpp"
#include "syspect/trace_file.hpp"

namespace {

using syspect::StackFrame;
using ::testing::HasSubstr;

StackFrame frame(std::string module, std::uint64_t module_offset, std::string symbol = {},
                 std::uint64_t offset = 0, std::string file = {}, int line = 0) {
  StackFrame f;
  f.address = 0x7f0000000000 + module_offset;
  f.module = std::move(module);
  f.module_offset = module_offset;
  f.symbol = std::move(symbol);
  f.offset = offset;
  f.file = std::move(file);
  f.line = line;
  return f;
}

const char* kLibc = "/usr/lib/x86_64-linux-gnu/libc.so.6";

std::vector<StackFrame> deep_stack() {
  return {frame(kLibc, 0xf8011, "__open", 0x51, "../sysdeps/unix/sysv/linux/open64.c", 41),
          frame("/srv/app", 0x1151, "read_config", 0x9, "/src/config.c", 9),
          frame("/srv/app", 0x1161, "init", 0x9, "/src/config.c", 15),
          frame("/srv/app", 0x118f, "main", 0x6, "/src/main.c", 4),
          frame(kLibc, 0x2724a, "__libc_start_call_main", 0x7a),
          frame(kLibc, 0x27305, "__libc_start_main", 0x85),
          frame("/srv/app", 0x1071, "_start", 0x21)};
}

TEST(StackText, FramesAsStraceShowsThem) {
  auto s = deep_stack();
  EXPECT_EQ(syspect::format_stack_frame(s[0], false),
            " > /usr/lib/x86_64-linux-gnu/libc.so.6(__open+0x51) [0xf8011]");
  EXPECT_EQ(syspect::format_stack_frame(s[1], true), " > /srv/app(read_config+0x9) [0x1151] /src/config.c:9");
  // Without debug info, -kk adds nothing.
  EXPECT_EQ(syspect::format_stack_frame(s[4], true),
            " > /usr/lib/x86_64-linux-gnu/libc.so.6(__libc_start_call_main+0x7a) [0x2724a]");
  EXPECT_EQ(syspect::format_stack_frame(frame("/srv/stripped", 0x1187), true), " > /srv/stripped() [0x1187]");
  StackFrame nowhere;
  nowhere.address = 0xdead;
  EXPECT_EQ(syspect::format_stack_frame(nowhere, false), " > backtracing_error [0xdead]");
  std::string all = syspect::format_stack(s, false);
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 7);
  EXPECT_TRUE(all.starts_with(" > /usr/lib/x86_64-linux-gnu/libc.so.6(__open+0x51) [0xf8011]\n"));
}

TEST(StackText, SummaryFromTheProgramsOwnFrameToMain) {
  EXPECT_EQ(syspect::stack_summary(deep_stack()),
            "read_config (config.c:9) ← init (config.c:15) ← main (main.c:4)");
  // A stripped program: module and offset.
  EXPECT_EQ(syspect::stack_summary({frame(kLibc, 0xf8011, "__open", 0x51), frame("/srv/stripped", 0x1187),
                                    frame("/srv/stripped", 0x1071)}),
            "stripped+0x1187 ← stripped+0x1071");
  // Only the C library's frames (the loader's own calls): all of them.
  EXPECT_EQ(syspect::stack_summary({frame("/lib64/ld-linux-x86-64.so.2", 0x20b1d, "__open_nocancel", 0x2d),
                                    frame("/lib64/ld-linux-x86-64.so.2", 0x1ab78, "_start", 0x8)}),
            "__open_nocancel ← _start");
  // At most max_frames.
  std::vector<StackFrame> recursion(20, frame("/srv/app", 0x1200, "walk", 0x10));
  EXPECT_EQ(syspect::stack_summary(recursion, 3), "walk ← walk ← walk ← ...");
  EXPECT_EQ(syspect::stack_summary({}), "");
}

syspect::SyscallEvent getpid_with(syspect::Stack stack) {
  syspect::SyscallEvent e;
  e.pid = e.tid = 42;
  e.nr = SYS_getpid;
  e.desc = syspect::lookup_syscall(syspect::Abi::x86_64, SYS_getpid);
  e.result = 42;
  e.stack = std::move(stack);
  return e;
}

TEST(StackStore, AnInMemoryTraceKeepsTheStackOncePerCallSite) {
  auto stack = std::make_shared<const std::vector<StackFrame>>(deep_stack());
  syspect::EventStore store;
  store.push_back(getpid_with(nullptr));
  std::size_t before = store.bytes_used();
  for (int i = 0; i < 1000; ++i) store.push_back(getpid_with(stack));
  syspect::Event last = store[1000];  // decoded, by value
  const auto& back = std::get<syspect::SyscallEvent>(last);
  ASSERT_TRUE(back.stack);
  EXPECT_EQ(back.stack.get(), stack.get());  // shared, not copied
  syspect::Event first = store[0];
  EXPECT_FALSE(std::get<syspect::SyscallEvent>(first).stack);
  // A thousand events of one call site: the frames once, a few bytes each.
  EXPECT_LT(store.bytes_used() - before, 1000u * 64 + 4096) << store.bytes_used();
}

std::string temp_file(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))).string();
}

TEST(StackFile, WrittenAndReadBack) {
  std::string path = temp_file("syspect-stack-unit.jsonl");
  {
    std::FILE* out = std::fopen(path.c_str(), "w");
    ASSERT_NE(out, nullptr);
    syspect::JsonlSink sink(out, {"app"}, syspect::FormatOptions{});
    auto stack = std::make_shared<const std::vector<StackFrame>>(deep_stack());
    sink.on_syscall(getpid_with(stack));
    sink.on_syscall(getpid_with(nullptr));
    syspect::TraceResult r;
    r.started = r.exited = true;
    sink.on_finish(r);
    std::fclose(out);
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr(R"("stack":[{"address":139637977743377,"module":"/usr/lib/x86_64-linux-gnu/libc.so.6","module_offset":1015825,"symbol":"__open","offset":81,"file":"../sysdeps/unix/sysv/linux/open64.c","line":41},)"));
  EXPECT_THAT(text.str(), HasSubstr(R"({"address":139637976731761,"module":"/srv/app","module_offset":4209,"symbol":"_start","offset":33}])"));

  auto loaded = syspect::load_trace(path);
  ASSERT_TRUE(loaded) << loaded.error().format();
  auto calls = loaded->trace.syscalls();
  ASSERT_EQ(calls.size(), 2u);
  ASSERT_TRUE(calls[0].stack);
  EXPECT_FALSE(calls[1].stack);
  auto want = deep_stack();
  ASSERT_EQ(calls[0].stack->size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const StackFrame& a = (*calls[0].stack)[i];
    EXPECT_EQ(a.address, want[i].address);
    EXPECT_EQ(a.module, want[i].module);
    EXPECT_EQ(a.module_offset, want[i].module_offset);
    EXPECT_EQ(a.symbol, want[i].symbol);
    EXPECT_EQ(a.offset, want[i].offset);
    EXPECT_EQ(a.file, want[i].file);
    EXPECT_EQ(a.line, want[i].line);
  }

  // A "stack" that is not a list of frames is an error at its line.
  std::string bad = text.str();
  bad.replace(bad.find("\"stack\":["), 9, "\"stack\":{},\"x\":[");
  std::ofstream(path) << bad;
  auto broken = syspect::load_trace(path);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().line, 2u);
  EXPECT_THAT(broken.error().message, HasSubstr("\"stack\" is not an array"));
  std::filesystem::remove(path);
}

}  // namespace
