#include "diff.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "output.hpp"
#include "syspect/duration.hpp"
#include "syspect/format.hpp"
#include "syspect/sinks.hpp"
#include "syspect/trace_diff.hpp"
#include "syspect/trace_file.hpp"
#include "syspect/tracer.hpp"
#include "tracing.hpp"

namespace syspect {
namespace {

constexpr int kDiffEqual = 0;
constexpr int kDiffDifferent = 1;

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "syspect: diff: %s\n", message.c_str());
  return code;
}

bool colour_for(std::FILE* f) {
  const char* no = std::getenv("NO_COLOR");
  if (no != nullptr && *no != '\0') return false;
  return ::isatty(::fileno(f)) != 0;
}

// Whether `path` looks like a trace file: its first bytes are a trace's
// header. Says why not, for the message.
std::string not_a_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fmt::format("cannot open '{}': {}", path, std::strerror(errno));
  char start[12] = {};
  in.read(start, sizeof start - 1);
  if (std::string_view(start).starts_with("{\"syspect\"")) return {};
  return fmt::format("'{}' is not a trace file (no syspect header); to compare with a new run of a "
                     "command, put the command after '--': syspect diff OLD.jsonl -- CMD [ARGS...]",
                     path);
}

}  // namespace

CLI::App* add_diff_command(CLI::App& app, DiffArgs& a) {
  CLI::App* d = app.add_subcommand("diff", "Compare two recorded traces, or a recorded trace with a new run");
  d->add_option("old", a.old_trace, "The trace recorded before (syspect record)")->required();
  d->add_option("new", a.rest, "The trace to compare with it (or, after --, a command to run)")
      ->expected(0, 1);
  d->add_option("-o,--output", a.output, "Write the diff to FILE instead of stdout");
  // One value per occurrence (repeat the option for more), so that the
  // operands after them are never taken as their values.
  d->add_option("--normalize", a.normalize, "Also replace REGEX with REPLACEMENT in every line (repeatable)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  d->add_option("--ignore", a.ignore, "Leave out these syscalls: names and @classes, comma separated")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  d->add_option("-U,--context", a.context, "Lines of context around each change (default 3)")
      ->check(CLI::NonNegativeNumber);
  d->add_flag("--counts", a.counts, "Compare only per-syscall counts and the (syscall, path) pairs");
  d->add_flag("--keep-futex", a.keep_futex,
             "Compare futex calls too (left out by default: they depend on timing)");
  d->add_option("--timeout", a.timeout, "With a command: kill it after DURATION");
  d->footer(
      "Examples: syspect diff v1.jsonl v2.jsonl\n"
      "          syspect diff v1.jsonl -- ./app --once   (the command goes after '--')\n"
      "Before comparing, pids and tids are named by their place in the process tree,\n"
      "addresses become 0xADDR, time() results and random bytes (getrandom, /dev/urandom)\n"
      "are replaced, and futex calls are left out. Exit status: 0 the traces match;\n"
      "1 they differ; 2 bad usage, an unreadable trace, or a diff that cannot be\n"
      "written; 125..127 the command could not be traced. NEW is always a trace file;\n"
      "to compare with a new run, put the command after '--' (and -o FILE keeps the\n"
      "diff apart from the command's output; it is replaced whole).");
  return d;
}

int run_diff(const DiffArgs& a) {
  DiffOptions options;
  options.context = a.context;
  options.keep_futex = a.keep_futex;
  options.colour = (a.output.empty() || a.output == "-") && colour_for(stdout);
  for (const auto& n : a.normalize) {
    auto rule = parse_normalize_rule(n);
    if (!rule) return fail(kExitUsage, rule.error());
    options.normalize.push_back(std::move(*rule));
  }
  if (!a.ignore.empty()) {
    std::string set;
    for (const auto& i : a.ignore) set += (set.empty() ? "" : ",") + i;
    auto filter = SyscallFilter::parse(set);
    if (!filter) return fail(kExitUsage, fmt::format("--ignore {}: {}", set, filter.error()));
    options.ignore = std::move(*filter);
  }

  // Opened before a command runs, so that a path that cannot be written is
  // said at once; written beside the file and renamed over it once whole.
  auto opened = Output::open(a.output == "-" ? std::string() : a.output, Replace::Whole, stdout);
  if (!opened) return fail(kExitUsage, opened.error());
  Output& output = *opened.value();

  auto old_loaded = load_trace(a.old_trace);
  if (!old_loaded) return fail(kExitUsage, old_loaded.error().format());
  options.old_name = a.old_trace;

  // A second operand is a trace, never something to run: a command comes
  // only after `--`.
  if (a.command.empty() && a.rest.empty())
    return fail(kExitUsage, "give the new trace, or a command to run after '--'");
  if (!a.command.empty() && !a.rest.empty())
    return fail(kExitUsage, fmt::format("give either a new trace ('{}') or a command after '--', not both",
                                        a.rest[0]));
  Trace new_trace;
  if (!a.rest.empty()) {
    if (std::string why = not_a_trace(a.rest[0]); !why.empty()) return fail(kExitUsage, why);
    auto loaded = load_trace(a.rest[0]);
    if (!loaded) return fail(kExitUsage, loaded.error().format());
    new_trace = std::move(loaded->trace);
    options.new_name = a.rest[0];
  } else {
    TraceOptions topts;
    if (!a.timeout.empty()) {
      auto d = parse_duration(a.timeout);
      if (!d) return fail(kExitUsage, fmt::format("--timeout {}: {}", a.timeout, d.error()));
      topts.timeout = *d;
    }
    // Through the trace file format, in memory: the new run then holds
    // exactly what a recording of it would.
    char* buffer = nullptr;
    std::size_t size = 0;
    std::FILE* mem = ::open_memstream(&buffer, &size);
    if (mem == nullptr) return fail(kExitCannotTrace, "cannot allocate the trace buffer");
    std::unique_ptr<char, decltype(&std::free)> owned(nullptr, &std::free);
    {
      JsonlSink sink(mem, a.command, FormatOptions{});
      Tracer tracer(topts);
      tracer.add_sink(&sink);
      auto result = tracer.run(a.command);
      int kept = sink.write_error();
      if (std::fclose(mem) != 0 && kept == 0) kept = errno;
      owned.reset(buffer);
      if (!result) return fail(exit_code_for(result.error().kind), result.error().message);
      if (kept != 0)
        return fail(kExitCannotTrace, fmt::format("cannot keep the new run's trace in memory: {}",
                                                  std::strerror(kept)));
    }
    std::istringstream in(std::string(buffer, size));
    auto loaded = read_trace(in, "(run)");
    if (!loaded) return fail(kExitCannotTrace, loaded.error().format());
    new_trace = std::move(loaded->trace);
    options.new_name = "(run) " + shell_quote(a.command);
  }

  DiffResult r = a.counts ? diff_counts(old_loaded->trace, new_trace, options)
                          : diff_traces(old_loaded->trace, new_trace, options);
  output.write(r.text);
  if (int err = output.finish(); err != 0) return fail(kExitUsage, output.failure("the diff", err));
  return r.equal ? kDiffEqual : kDiffDifferent;
}

}  // namespace syspect
