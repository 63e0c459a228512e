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
#include "diff.hpp"
#include "exit_codes.hpp"
#include "policy.hpp"
#include "record.hpp"
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
};

int run_trace(const TraceArgs& a) {
  if (a.pid == 0 && a.command.empty())
    fail(kExitUsage, "trace: give a command after '--', or -p PID");
  if (a.pid != 0 && !a.command.empty())
    fail(kExitUsage, "trace: give either a command or -p PID, not both");

  SyscallFilter filter;
  for (const auto& e : a.exprs) {
    std::string_view expr = e;
    std::string_view set = expr;
    if (auto eq = expr.find('='); eq != std::string_view::npos) {
      std::string_view key = expr.substr(0, eq);
      if (key != "trace" && key != "t")
        fail(kExitUsage, fmt::format("-e {}: only 'trace=SET' is supported", e));
      set = expr.substr(eq + 1);
    }
    auto parsed = SyscallFilter::parse(set);
    if (!parsed) fail(kExitUsage, fmt::format("-e {}: {}", e, parsed.error()));
    filter = std::move(*parsed);
  }

  TraceOptions options;
  options.follow = !a.no_follow;
  options.seccomp = !a.no_seccomp;
  if (a.strict) {
    if (a.pid != 0) fail(kExitUsage, "trace: --strict applies to a command syspect starts, not to -p");
    options.strict = TraceOptions::Strict{};
  }
  options.decode_fds = a.decode_fds;
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

  std::FILE* out = stderr;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  if (!a.output.empty()) {
    file.reset(std::fopen(a.output.c_str(), "we"));  // not inherited by the target
    if (!file) fail(kExitUsage, fmt::format("cannot open '{}': {}", a.output, std::strerror(errno)));
    out = file.get();
  }
  // A file takes whole blocks; stderr a line at a time, so that the trace
  // interleaves sensibly with what the program itself prints there.
  std::vector<char> buffer(1 << 16);
  std::setvbuf(out, buffer.data(), file ? _IOFBF : _IOLBF, buffer.size());

  FormatOptions fmt_options;
  fmt_options.string_limit = a.string_limit;
  fmt_options.xlat_style = options.xlat_style;
  std::unique_ptr<Sink> sink;
  std::vector<std::string> command = a.command;
  if (a.pid != 0) command = {fmt::format("-p {}", a.pid)};
  if (a.format == "jsonl") {
    sink = std::make_unique<JsonlSink>(out, command, fmt_options);
  } else {
    PidPrefix prefix = !options.follow        ? PidPrefix::None
                       : a.output.empty() ? PidPrefix::WhenMany
                                              : PidPrefix::Always;
    sink = std::make_unique<TextSink>(out, fmt_options, prefix);
  }
  FilteringSink filtered(filter, sink.get());

  Tracer tracer(options);
  tracer.add_sink(filter.selects_all() ? sink.get() : static_cast<Sink*>(&filtered));
  install_stop_handlers();
  auto result = a.pid != 0 ? tracer.attach(a.pid) : tracer.run(a.command);
  std::fflush(out);
  if (!result) fail(exit_code_for(result.error().kind), result.error().message);
  if (result->timed_out) {
    std::fprintf(stderr, "syspect: timeout after %s, killed the traced processes\n",
                 a.timeout.c_str());
    return kExitTimeout;
  }
  if (result->detached) return 0;
  return result->status();
}

// Where the traced command starts in `argv`: like strace, at the first
// argument that is neither an option of `sub` nor an option's value, or
// right after `--`. Returns argc when there is no command.
int command_start(const CLI::App& sub, int argc, char** argv, int from) {
  for (int i = from; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") return i + 1;
    if (a.size() < 2 || a[0] != '-') return i;
    bool long_form = a.substr(0, 2) == "--";
    std::size_t eq = a.find('=');
    std::string name = long_form ? std::string(a.substr(0, eq)) : std::string(a.substr(0, 2));
    bool value_attached = long_form ? eq != std::string_view::npos : a.size() > 2;
    const CLI::Option* opt = sub.get_option_no_throw(name);
    if (opt != nullptr && opt->get_expected_min() > 0 && !value_attached) ++i;
  }
  return argc;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"syspect: syscall assertions for tests, on Linux x86_64"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "syspect 0.1.0");

  TraceArgs ta;
  CLI::App* trace = app.add_subcommand("trace", "Run a command (or attach to a process) and print its syscalls as strace does");
  trace->add_option("-o,--output", ta.output, "Write the trace to FILE instead of stderr");
  trace->add_option("-s,--string-limit", ta.string_limit, "Show at most N bytes of each string (default 32)")
      ->check(CLI::Range(0u, 1u << 30));
  trace->add_option("--format", ta.format, "Output format: text (strace) or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}));
  trace->add_option("-e", ta.exprs, "Which syscalls to show: trace=SET (names, !name, @class)")
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
  trace->add_flag("-y,--decode-fds", ta.decode_fds,
                  "Print the path each fd argument and fd result refers to: 3</etc/hostname>");
  trace->add_option("-X", ta.xlat,
                    "How constants print: abbrev (names, the default), raw (numbers), "
                    "verbose (numbers and names)")
      ->check(CLI::IsMember({"abbrev", "raw", "verbose"}));
  trace->footer(
      "Exit status: the command's own (128+N when killed by signal N); 2 for bad usage;\n"
      "124 on --timeout; 125 when it cannot be traced; 126 not executable; 127 not found.");

  CheckArgs ca;
  CLI::App* check = add_check_command(app, ca);
  RecordArgs ra;
  CLI::App* record = add_record_command(app, ra);
  DiffArgs da;
  CLI::App* diff = add_diff_command(app, da);
  PolicyArgs pa;
  CLI::App* policy = add_policy_command(app, pa);

  // `trace` takes the command as everything from its name on, so that the
  // command's own options are never read as syspect's.
  int parse_argc = argc;
  if (argc > 1 && std::string_view(argv[1]) == "trace") {
    int start = command_start(*trace, argc, argv, 2);
    for (int i = start; i < argc; ++i) ta.command.emplace_back(argv[i]);
    parse_argc = start > 2 && std::string_view(argv[start - 1]) == "--" ? start - 1 : start;
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
  if (trace->parsed()) return run_trace(ta);
  if (check->parsed()) return run_check(ca);
  if (record->parsed()) return run_record(ra);
  if (diff->parsed()) return run_diff(da);
  if (policy->parsed()) return run_policy(pa);
  return kExitUsage;
}
