#include "record.hpp"


#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "syspect/duration.hpp"
#include "syspect/sinks.hpp"
#include "syspect/tracer.hpp"
#include "tracing.hpp"

namespace syspect {
namespace {

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "syspect: record: %s\n", message.c_str());
  return code;
}

}  // namespace

CLI::App* add_record_command(CLI::App& app, RecordArgs& a) {
  CLI::App* r = app.add_subcommand("record", "Run a command under the tracer and save its trace as JSON Lines");
  r->add_option("-o,--output", a.output, "The trace file to write")->required();
  r->add_option("-s,--string-limit", a.string_limit,
                "Show at most N bytes of each string in the saved text, and keep at least that much of each value (default 32; 4096 are always kept)")
      ->check(CLI::NonNegativeNumber);
  r->add_option("--timeout", a.timeout, "Kill the whole traced tree after DURATION (10s, 500ms, 2m)");
  r->add_option("command", a.command, "The command to run (after the options, or after --)");
  r->footer(
      "The file can be checked (syspect check SPEC --trace FILE), compared (syspect diff)\n"
      "and turned into a policy (syspect policy). Exit status: the command's own; 2 for\n"
      "bad usage; 124 on --timeout; 125 when it cannot be traced; 126/127 not executable/found;\n"
      "130/143/129 when SIGINT/SIGTERM/SIGHUP stopped syspect before the command ended (the\n"
      "file then says \"interrupted\":true on its end line).");
  return r;
}

int run_record(const RecordArgs& a) {
  if (a.command.empty()) return fail(kExitUsage, "give the command to record after the options (or after '--')");
  TraceOptions options;
  options.struct_string_limit = a.string_limit;
  // The file keeps strings and buffers as far as -s shows them.
  if (a.string_limit < (std::size_t{1} << 30)) {
    options.max_string = std::max(options.max_string, a.string_limit + 1);
    options.max_buffer = std::max(options.max_buffer, a.string_limit + 1);
  }
  if (!a.timeout.empty()) {
    auto d = parse_duration(a.timeout);
    if (!d) return fail(kExitUsage, fmt::format("--timeout {}: {}", a.timeout, d.error()));
    options.timeout = *d;
  }
  // Not inherited by the target.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(a.output.c_str(), "we"), &std::fclose);
  if (!file) return fail(kExitUsage, fmt::format("cannot open '{}': {}", a.output, std::strerror(errno)));
  std::vector<char> buffer(1 << 16);
  std::setvbuf(file.get(), buffer.data(), _IOFBF, buffer.size());

  FormatOptions fmt_options;
  fmt_options.string_limit = a.string_limit;
  JsonlSink sink(file.get(), a.command, fmt_options);
  Tracer tracer(options);
  tracer.add_sink(&sink);
  StopOnSignals stop_on_signals(tracer);
  auto result = tracer.run(a.command);
  if (!result) {
    file.reset();
    std::remove(a.output.c_str());  // a header alone is not a trace
    return fail(exit_code_for(result.error().kind), result.error().message);
  }
  if (std::fflush(file.get()) != 0 || std::ferror(file.get()))
    return fail(kExitCannotTrace, fmt::format("cannot write '{}': {}", a.output, std::strerror(errno)));
  if (result->timed_out) {
    std::fprintf(stderr, "syspect: timeout after %s, killed the traced processes\n", a.timeout.c_str());
    return kExitTimeout;
  }
  if (result->interrupted) {
    std::fprintf(stderr, "syspect: record: %s, killed the traced processes; %s holds only part of the run\n",
                 describe_interrupt(*result).c_str(), a.output.c_str());
    return exit_code_for_interrupt(*result);
  }
  return result->status();
}

}  // namespace syspect
