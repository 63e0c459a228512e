#include "record.hpp"


#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "inject_option.hpp"
#include "output.hpp"
#include "redact.hpp"
#include "syspect/duration.hpp"
#include "syspect/filter.hpp"
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
  r->add_option("-e", a.exprs,
                 "Keep only some calls: trace=SET (names, !name, @class); the file's header says "
                 "which, and 'check --trace' refuses rules about the others; inject=SET:ACTION "
                 "fails or delays calls (see --inject). trace's -P, signal=, status= are not taken: the "
                 "file keeps every signal and every call of the set, for check and diff")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  add_inject_option(r, a.injects);
  r->add_option("--redact-env", a.redact_env,
                "Replace the values of these environment variables in execve's envp with <redacted>: "
                "all, none, or names and globs separated by commas, any case (default: "
                "*TOKEN*,*SECRET*,*PASSWORD*,*KEY*)");
  r->add_flag("-k,--stack-trace", a.stacks,
              "Keep each call's user-space stack in the file (module, symbol, offset, address, "
              "and source file and line where debug info exists)");
  r->add_option("command", a.command, "The command to run (after the options, or after --)");
  r->footer(
      "Example: syspect record -o ls.jsonl -e trace=@file -- ls /tmp   (the command goes\n"
      "after the options, or after '--')\n"
      "The file can be checked (syspect check SPEC --trace FILE), compared (syspect diff)\n"
      "and turned into a policy (syspect policy). It is put in place whole when the run\n"
      "ends; a run that fails leaves an earlier FILE as it was. Exit status: the command's\n"
      "own; 2 for bad usage; 124 on --timeout; 125 when it cannot be traced, or the trace\n"
      "cannot be written; 126/127 not executable/found; 130/143/129 when SIGINT/SIGTERM/\n"
      "SIGHUP stopped syspect before the command ended (the file then says\n"
      "\"interrupted\":true on its end line).");
  return r;
}

int run_record(const RecordArgs& a) {
  if (a.command.empty()) return fail(kExitUsage, "give the command to record after the options (or after '--')");
  TraceOptions options;
  options.struct_string_limit = a.string_limit;
  options.stacks = a.stacks;
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
  // Written beside the file and renamed over it once whole: a run that
  // cannot start, or cannot be saved, leaves any earlier recording as it
  // was, and a reader never sees half of one.
  SyscallFilter filter;
  std::string kept;
  if (auto injections = collect_injections(a.exprs, a.injects); !injections)
    return fail(kExitUsage, injections.error());
  else
    options.injections = std::move(*injections);
  for (const auto& e : a.exprs) {
    if (is_inject_expr(e)) continue;
    auto parsed = parse_trace_expr(e);
    if (!parsed) return fail(kExitUsage, parsed.error());
    filter = std::move(*parsed);
    kept = e.substr(e.find('=') == std::string::npos ? 0 : e.find('=') + 1);
  }
  auto redaction = EnvRedaction::parse(a.redact_env);
  if (!redaction) return fail(kExitUsage, redaction.error());
  std::vector<std::pair<std::string, std::string>> header;
  if (!filter.selects_all()) header.emplace_back("trace", kept);
  if (!redaction->none()) header.emplace_back("redacted_env", redaction->description());

  auto opened = Output::open(a.output, Replace::Whole, stdout);
  if (!opened) return fail(kExitUsage, opened.error());
  Output& output = *opened.value();
  output.set_buffer(1 << 16, _IOFBF);

  FormatOptions fmt_options;
  fmt_options.string_limit = a.string_limit;
  JsonlSink sink(output.stream(), a.command, fmt_options, header);
  RedactingSink redacting(std::move(*redaction), sink);
  FilteringSink filtered(filter, &redacting);
  Tracer tracer(options);
  tracer.add_sink(filter.selects_all() ? static_cast<Sink*>(&redacting) : &filtered);
  StopOnSignals stop_on_signals(tracer);
  auto result = tracer.run(a.command);
  // A header alone is not a trace: nothing is put in place.
  if (!result) return fail(exit_code_for(result.error().kind), result.error().message);
  output.failed(sink.write_error());
  int write_error = output.finish();
  if (write_error != 0) fail(kExitCannotTrace, output.failure("the trace", write_error));
  if (result->timed_out) {
    std::fprintf(stderr, "syspect: timeout after %s, killed the traced processes\n", a.timeout.c_str());
    return kExitTimeout;
  }
  if (result->interrupted) {
    std::string saved = write_error != 0 ? std::string("nothing was saved")
                                         : fmt::format("{} holds only part of the run", a.output);
    std::fprintf(stderr, "syspect: record: %s, killed the traced processes; %s\n",
                 describe_interrupt(*result).c_str(), saved.c_str());
    return exit_code_for_interrupt(*result);
  }
  if (write_error != 0) return kExitCannotTrace;
  return result->status();
}

}  // namespace syspect
