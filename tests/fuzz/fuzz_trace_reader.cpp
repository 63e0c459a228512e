// libFuzzer target: the JSON Lines trace reader. A trace file comes from
// anywhere (a CI artifact, an edited copy): reading it must end in a trace or
// in an error naming a line, never in a crash. A trace that was read must
// print as strace would and write back out as JSON Lines that reads again.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "syspect/format.hpp"
#include "syspect/sinks.hpp"
#include "syspect/trace_file.hpp"

namespace {

// Prints every event the way the text output would.
struct PrintingSink : syspect::Sink {
  std::size_t bytes = 0;
  syspect::FormatOptions options;
  void on_syscall(const syspect::SyscallEvent& e) override {
    bytes += syspect::format_syscall(e, options).size();
  }
  void on_signal(const syspect::SignalEvent& e) override { bytes += syspect::format_signal(e).size(); }
  void on_exit(const syspect::ExitEvent& e) override { bytes += syspect::format_exit(e).size(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto read = syspect::read_trace(in, "fuzz.jsonl");
  if (!read) {
    (void)read.error().format();
    return 0;
  }
  const syspect::Trace& trace = read.value().trace;
  PrintingSink printer;
  syspect::replay(trace, printer);

  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* out = ::open_memstream(&buf, &len);
  if (out == nullptr) return 0;
  {
    syspect::JsonlSink writer(out, trace.command(), syspect::FormatOptions{});
    syspect::replay(trace, writer);
  }
  std::fclose(out);
  std::istringstream again(std::string(buf, len));
  std::free(buf);
  auto reread = syspect::read_trace(again, "rewritten.jsonl");
  if (!reread) {
    std::fprintf(stderr, "a trace syspect wrote does not read back: %s\n",
                 reread.error().format().c_str());
    std::abort();
  }
  if (reread.value().trace.events().size() != trace.events().size()) {
    std::fprintf(stderr, "%zu events written, %zu read back\n", trace.events().size(),
                 reread.value().trace.events().size());
    std::abort();
  }
  return 0;
}
