// The `syspect` command line.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "check.hpp"
#include "coverage.hpp"
#include "inject_option.hpp"
#include "summary.hpp"
#include "sweep.hpp"
#include "diff.hpp"
#include "display_options.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "policy.hpp"
#include "record.hpp"
#include "syspect/diagnostic.hpp"
#include "syspect/duration.hpp"
#include "syspect/filter.hpp"
#include "syspect/sinks.hpp"
#include "syspect/tracer.hpp"
#include "tracing.hpp"

namespace {

using namespace syspect;

[[noreturn]] void fail(int code, const std::string& message) {
  std::fprintf(stderr, "syspect: %s\n", message.c_str());
  std::exit(code);
}

struct TraceArgs {
  std::string output;
  std::size_t string_limit = 32;
  std::string format = "text";
  std::vector<std::string> exprs;
  pid_t pid = 0;
  bool no_follow = false;
  bool follow = false;
  std::string timeout;
  std::string cpu = "auto";
  bool no_seccomp = false;
  bool strict = false;
  bool decode_fds = false;
  std::string xlat = "abbrev";
  std::vector<std::string> command;
  std::vector<std::string> injects;  // --inject
  int stacks = 0;  // -k (1), -kk (2)
  // strace's timing options: -t (1), -tt (2), -ttt (3); -r; -T; and their
  // long forms, with a value when given one ("unix,us", "ms").
  int abs_ts = 0;
  bool rel_ts = false;
  bool syscall_times = false;
  std::vector<std::string> abs_long;  // each given, in order
  std::string rel_long, times_long;
  bool summary_only = false, summary = false, wall_clock = false;  // -c, -C, -w
  std::string sort_by = "time";                                    // -S
  DisplayArgs display;  // -x, -v, -i, -n, -a, -e abbrev/verbose/read/write=
  FilterArgs filters;   // --signal, --status, -z, -Z, -P, -q, --quiet
};

// strace's timing options into `o`; false (with `error`) for a bad value.
bool timing_options(const TraceArgs& a, const CLI::App& trace, FormatOptions& o, std::string& error) {
  using Ts = FormatOptions::Timestamps;
  auto precision = [&](std::string_view what, std::string_view text, int& digits) {
    digits = precision_digits(text);
    if (digits < 0) error = fmt::format("invalid {} argument: '{}'", what, text);
    return digits >= 0;
  };
  if (a.abs_ts > 0) {
    o.absolute = a.abs_ts >= 3 ? Ts::Unix : Ts::Time;
    o.absolute_digits = a.abs_ts >= 2 ? 6 : 0;
  }
  if (trace.count("--absolute-timestamps") > 0) {
    // [[format:]FORMAT][,[precision:]PRECISION], as strace 6.1 reads it;
    // given again, each part overrides that part only.
    o.absolute = Ts::Time;
    o.absolute_digits = 0;
    for (const std::string& given : a.abs_long) {
      std::string_view rest = given;
      while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        bool fmt_key = item.starts_with("format:"), prec_key = item.starts_with("precision:");
        std::string_view value = item.substr(fmt_key ? 7 : prec_key ? 10 : 0);
        if (!prec_key && (value == "none" || value == "time" || value == "unix")) {
          o.absolute = value == "none" ? Ts::None : value == "time" ? Ts::Time : Ts::Unix;
        } else if (fmt_key || !precision("--absolute-timestamps", value, o.absolute_digits)) {
          error = fmt::format("invalid --absolute-timestamps argument: '{}'", given);
          return false;
        }
      }
    }
  }
  o.relative = a.rel_ts || trace.count("--relative-timestamps") > 0;
  if (!a.rel_long.empty() && !precision("--relative-timestamps", a.rel_long, o.relative_digits)) return false;
  o.syscall_times = a.syscall_times || trace.count("--syscall-times") > 0;
  if (!a.times_long.empty() && !precision("--syscall-times", a.times_long, o.syscall_times_digits)) return false;
  return true;
}

int run_trace(const TraceArgs& a, const CLI::App& trace_app) {
  if (a.pid == 0 && a.command.empty())
    fail(kExitUsage, "trace: give a command after '--', or -p PID");
  if (a.pid != 0 && !a.command.empty())
    fail(kExitUsage, "trace: give either a command or -p PID, not both");

  // -z, -Z, --status, -v... and -e's qualifiers, the last of a kind winning.
  const std::vector<std::string> qualifiers = qualifiers_in_order(trace_app);
  auto shown = make_filters(a.filters, qualifiers);
  if (!shown) fail(kExitUsage, shown.error());
  const DisplayFilter& filter = shown->filter;

  TraceOptions options;
  if (auto injections = collect_injections(a.exprs, a.injects); !injections)
    fail(kExitUsage, injections.error());
  else
    options.injections = std::move(*injections);
  options.follow = !a.no_follow;
  options.seccomp = !a.no_seccomp;
  if (a.strict) {
    if (a.pid != 0) fail(kExitUsage, "trace: --strict applies to a command syspect starts, not to -p");
    options.strict = TraceOptions::Strict{};
  }
  options.decode_fds = a.decode_fds;
  options.stacks = a.stacks > 0;
  options.stack_lines = a.stacks > 1;  // -kk
  options.xlat_style = parse_xlat_style(a.xlat).value_or(XlatStyle::Abbrev);
  options.struct_string_limit = a.string_limit;
  // -s N shows up to N bytes of every string and buffer, as strace: read
  // them that far (one byte more, to know whether a string goes on).
  options.max_string = std::max(options.max_string, a.string_limit + 1);
  options.max_buffer = std::max(options.max_buffer, a.string_limit + 1);
  options.cpu = a.cpu == "same"   ? CpuPlacement::Same
                : a.cpu == "none" ? CpuPlacement::None
                                  : CpuPlacement::Auto;
  if (!a.timeout.empty()) {
    auto d = parse_duration(a.timeout);
    if (!d) fail(kExitUsage, fmt::format("--timeout {}: {}", a.timeout, d.error()));
    options.timeout = *d;
  }

  // A live trace streams into its file, which can be followed as it grows.
  auto opened = Output::open(a.output, Replace::InPlace, stderr);
  if (!opened) fail(kExitUsage, opened.error());
  Output& output = *opened.value();
  std::FILE* out = output.stream();
  // A file takes whole blocks; stderr a line at a time, so that the trace
  // interleaves sensibly with what the program itself prints there.
  output.set_buffer(1 << 16, a.output.empty() ? _IOLBF : _IOFBF);

  FormatOptions fmt_options;
  fmt_options.string_limit = a.string_limit;
  fmt_options.xlat_style = options.xlat_style;
  fmt_options.stacks = std::min(a.stacks, 2);
  if (std::string error; !timing_options(a, trace_app, fmt_options, error)) fail(kExitUsage, "trace: " + error);
  auto sort_by = SummarySink::parse_sort(a.sort_by);
  if (!sort_by) fail(kExitUsage, fmt::format("trace: invalid sortby: '{}'", a.sort_by));
  if ((a.summary_only || a.summary) && a.format == "jsonl")
    fail(kExitUsage, "trace: -c and -C print strace's table, not JSON Lines");
  if (auto display = apply_display_options(a.display, qualifiers, options, fmt_options); !display)
    fail(kExitUsage, display.error());
  std::vector<std::string> command = a.command;
  if (a.pid != 0) command = {fmt::format("-p {}", a.pid)};
  std::unique_ptr<JsonlSink> jsonl;
  std::unique_ptr<TextSink> text;
  if (a.format == "jsonl") {
    jsonl = std::make_unique<JsonlSink>(out, command, fmt_options);
  } else if (!a.summary_only) {
    PidPrefix prefix = !options.follow        ? PidPrefix::None
                       : a.output.empty() ? PidPrefix::WhenMany
                                              : PidPrefix::Always;
    text = std::make_unique<TextSink>(out, fmt_options, prefix);
    text->set_quiet(shown->quiet & kQuietExit, shown->quiet & kQuietPersonality,
                    shown->quiet & kQuietThreadExecve);
  }
  std::unique_ptr<SummarySink> summary;  // -c, -C: after the trace, in the same place
  if (a.summary_only || a.summary) summary = std::make_unique<SummarySink>(out, *sort_by);
  Sink* sink = jsonl ? static_cast<Sink*>(jsonl.get()) : text ? static_cast<Sink*>(text.get()) : summary.get();
  FilteringSink filtered(filter, sink);
  FilteringSink filtered_summary(filter, summary.get());

  Tracer tracer(options);
  tracer.add_sink(filter.selects_all() ? sink : static_cast<Sink*>(&filtered));
  if (summary && sink != summary.get())
    tracer.add_sink(filter.selects_all() ? summary.get() : static_cast<Sink*>(&filtered_summary));
  AttachNotices notices;
  if (a.pid != 0 && !(shown->quiet & kQuietAttach)) tracer.add_sink(&notices);
  StopOnSignals stop_on_signals(tracer);
  auto result = a.pid != 0 ? tracer.attach(a.pid) : tracer.run(a.command);
  if (!result) fail(exit_code_for(result.error().kind), result.error().message);
  // A write that failed stopped the trace there: the file is incomplete,
  // whatever the command's own status says.
  output.failed(jsonl ? jsonl->write_error() : text ? text->write_error() : 0);
  if (summary) output.failed(summary->write_error());
  int write_error = output.finish();
  if (write_error != 0) std::fprintf(stderr, "syspect: %s\n", output.failure("the trace", write_error).c_str());
  if (result->timed_out) {
    std::fprintf(stderr, "syspect: timeout after %s, killed the traced processes\n",
                 a.timeout.c_str());
    return kExitTimeout;
  }
  // Detached by a signal, as strace: 128 + the signal (130 for SIGINT).
  if (result->detached && result->interrupted) return exit_code_for_interrupt(*result);
  if (result->interrupted) {
    std::fprintf(stderr, "syspect: %s, killed the traced processes; the trace is incomplete\n",
                 describe_interrupt(*result).c_str());
    return exit_code_for_interrupt(*result);
  }
  if (write_error != 0) return kExitCannotTrace;
  if (result->detached) return 0;
  return result->status();
}

// Where the command to run starts in `argv`, for a verb that runs one: like
// strace, at the first argument that is neither an option of `sub`, nor an
// option's value, nor one of the verb's first `operands` plain arguments
// (check's SPEC); or right after `--`. When `after_dashdash_only`, plain
// arguments are all operands (diff's NEW trace) and only `--` starts a
// command. `start` is argc when there is no command.
struct CommandSplit {
  int start;
  bool dashdash;  // the command came after `--`
};

CommandSplit command_start(const CLI::App& sub, int argc, char** argv, int from, int operands,
                           bool after_dashdash_only) {
  int seen = 0;
  for (int i = from; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") return {i + 1, true};
    if (a.size() < 2 || a[0] != '-') {
      if (after_dashdash_only || seen < operands) {
        ++seen;
        continue;
      }
      return {i, false};
    }
    bool long_form = a.substr(0, 2) == "--";
    std::size_t eq = a.find('=');
    std::string name = long_form ? std::string(a.substr(0, eq)) : std::string(a.substr(0, 2));
    bool value_attached = long_form ? eq != std::string_view::npos : a.size() > 2;
    const CLI::Option* opt = sub.get_option_no_throw(name);
    if (opt != nullptr && opt->get_expected_min() > 0 && !value_attached) ++i;
  }
  return {argc, false};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"syspect: syscall assertions for tests, on Linux x86_64"};
  app.require_subcommand(1);
  app.footer("'syspect COMMAND --help' shows a command's options and an example.");
  app.set_version_flag("--version", "syspect 0.1.0");

  TraceArgs ta;
  CLI::App* trace = app.add_subcommand("trace", "Run a command (or attach to a process) and print its syscalls as strace does");
  trace->add_option("-o,--output", ta.output, "Write the trace to FILE instead of stderr");
  trace->add_option("-s,--string-limit", ta.string_limit, "Show at most N bytes of each string (default 32)")
      ->check(CLI::Range(0u, 1u << 30));
  trace->add_option("--format", ta.format, "Output format: text (strace) or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}));
  trace->add_option("-e", ta.exprs,
                    "Which syscalls to show: trace=SET (names, !name, @class); signal=SET, "
                    "status=SET, quiet=SET as strace; inject=SET:ACTION fails or delays calls (see "
                    "--inject); abbrev=SET, verbose=SET; read=FDS, write=FDS dump the data read or "
                    "written in hex")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  trace->add_option("-p,--pid", ta.pid, "Attach to a running process and all its threads")
      ->check(CLI::PositiveNumber);
  trace->add_flag("-f,--follow", ta.follow, "Follow threads and children (the default)");
  trace->add_flag("--no-follow", ta.no_follow, "Trace only the first process, not its threads or children");
  trace->add_option("--timeout", ta.timeout, "Kill the whole traced tree after DURATION (10s, 500ms, 2m)");
  trace->add_option("--cpu", ta.cpu,
                    "Where the tracer and the traced tree run: same (one CPU for both), none "
                    "(no pinning), auto (same when every syscall stops; the default)")
      ->check(CLI::IsMember({"auto", "same", "none"}));
  trace->add_flag("--no-seccomp", ta.no_seccomp,
                  "Stop at every syscall even with -e trace=SET (no seccomp-bpf filter)");
  trace->add_flag("--strict", ta.strict,
                  "Also install a seccomp filter that kills the target at any i386 (int $0x80) "
                  "or x32 call, even one the tracer could miss");
  add_inject_option(trace, ta.injects);
  add_filter_options(trace, ta.filters);
  trace->add_flag("-y,--decode-fds", ta.decode_fds,
                  "Print the path each fd argument and fd result refers to: 3</etc/hostname>");
  trace->add_option("-X", ta.xlat,
                    "How constants print: abbrev (names, the default), raw (numbers), "
                    "verbose (numbers and names)")
      ->check(CLI::IsMember({"abbrev", "raw", "verbose"}));
  trace->add_flag("-k,--stack-trace", ta.stacks,
                  "Print the user-space stack of each call shown, as strace -k; -kk adds "
                  "source files and lines where debug info exists");
  trace->add_flag("-t", ta.abs_ts, "Print the time of day of each line; -tt with microseconds; -ttt as "
                  "seconds since the epoch");
  trace->add_flag("-r", ta.rel_ts, "Print the time since the previous line before each line");
  trace->add_flag("-T", ta.syscall_times, "Print the time spent in each call after it: <0.000123>");
  trace->add_option("--absolute-timestamps", ta.abs_long,
                    "As -t: [[format:]none|time|unix][,[precision:]s|ms|us|ns]")
      ->expected(0, 1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  trace->add_option("--relative-timestamps", ta.rel_long, "As -r, to PRECISION (s, ms, us, ns)")
      ->expected(0, 1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  trace->add_option("--syscall-times", ta.times_long, "As -T, to PRECISION (s, ms, us, ns)")
      ->expected(0, 1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  trace->add_flag("-c,--summary-only", ta.summary_only,
                  "Print a table of the calls (time, calls, errors per syscall) instead of the trace");
  trace->add_flag("-C,--summary", ta.summary, "Print the trace and then the table of -c");
  trace->add_flag("-w,--summary-wall-clock", ta.wall_clock,
                  "The table's times are each call's wall-clock latency (syspect's only kind)");
  trace->add_option("-S,--summary-sort-by", ta.sort_by,
                    "Sort the table by time (default), min-time, max-time, avg-time, calls, errors, "
                    "name or nothing");
  add_display_options(trace, ta.display);
  trace->footer(
      "Examples: syspect trace -e trace=@file -- ls /tmp   (the command goes after the\n"
      "          options, or after '--')\n"
      "          syspect trace -p 1234 -o app.trace\n"
      "Exit status: the command's own (128+N when killed by signal N); 2 for bad usage;\n"
      "124 on --timeout; 125 when it cannot be traced, or the trace cannot be written;\n"
      "126 not executable; 127 not found; 130/143/129 when SIGINT/SIGTERM/SIGHUP stopped\n"
      "syspect before the command ended. -o FILE streams: it can be followed as it grows.");

  CheckArgs ca;
  CLI::App* check = add_check_command(app, ca);
  RecordArgs ra;
  CLI::App* record = add_record_command(app, ra);
  DiffArgs da;
  CLI::App* diff = add_diff_command(app, da);
  PolicyArgs pa;
  CLI::App* policy = add_policy_command(app, pa);
  CoverageArgs cva;
  CLI::App* coverage = add_coverage_command(app, cva);
  SweepArgs swa;
  CLI::App* sweep = add_sweep_command(app, swa);

  // A verb that runs a command takes it as everything from where it starts,
  // so that the command's own options are never read as syspect's; the
  // command may follow the options without `--`, except in diff, whose
  // second operand is a trace file unless `--` comes first.
  struct Runs {
    CLI::App* app;
    int operands;
    bool after_dashdash_only;
    std::vector<std::string>* command;
  };
  // sweep's SPEC.toml is an operand when it comes first: options may follow it.
  int sweep_operands = 0;
  if (argc > 2 && std::string_view(argv[1]) == "sweep") {
    CommandSplit first = command_start(*sweep, argc, argv, 2, 0, false);
    std::string_view word = first.start < argc ? std::string_view(argv[first.start]) : std::string_view();
    if (!first.dashdash && word.size() > 5 && word.ends_with(".toml")) sweep_operands = 1;
  }
  const std::vector<std::pair<std::string_view, Runs>> runs = {
      {"trace", {trace, 0, false, &ta.command}},
      {"record", {record, 0, false, &ra.command}},
      {"check", {check, 1, false, &ca.command}},
      {"diff", {diff, 2, true, &da.command}},
      {"sweep", {sweep, sweep_operands, false, &swa.command}},
  };
  std::vector<std::string_view> verbs;
  for (const CLI::App* sub : app.get_subcommands({})) verbs.push_back(sub->get_name());
  if (argc > 1 && argv[1][0] != '-' &&
      std::find(verbs.begin(), verbs.end(), std::string_view(argv[1])) == verbs.end()) {
    std::string list;
    for (std::string_view v : verbs) list += fmt::format("{}{}", list.empty() ? "" : ", ", v);
    std::fprintf(stderr, "syspect: unknown command '%s'%s\n", argv[1],
                 did_you_mean(argv[1], verbs).c_str());
    std::fprintf(stderr, "syspect: the commands are %s; 'syspect --help' says more\n", list.c_str());
    return kExitUsage;
  }
  int parse_argc = argc;
  std::vector<std::string> command;
  for (const auto& [name, verb] : runs) {
    if (argc < 2 || std::string_view(argv[1]) != name) continue;
    CommandSplit split = command_start(*verb.app, argc, argv, 2, verb.operands, verb.after_dashdash_only);
    for (int i = split.start; i < argc; ++i) command.emplace_back(argv[i]);
    parse_argc = split.dashdash ? split.start - 1 : split.start;
  }

  try {
    app.parse(parse_argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "syspect: %s\n", e.what());
    std::fprintf(stderr, "Run 'syspect --help' for usage.\n");
    return kExitUsage;
  }
  // Set after parsing, which leaves the command alone.
  for (const auto& [name, verb] : runs)
    if (verb.app->parsed()) *verb.command = command;
  if (trace->parsed()) return run_trace(ta, *trace);
  if (check->parsed()) return run_check(ca);
  if (record->parsed()) return run_record(ra);
  if (diff->parsed()) return run_diff(da);
  if (policy->parsed()) return run_policy(pa);
  if (coverage->parsed()) return run_coverage(cva);
  if (sweep->parsed()) return run_sweep(swa);
  return kExitUsage;
}
