#include "check.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "inject_option.hpp"
#include "output.hpp"
#include "syspect/checker.hpp"
#include "syspect/filter.hpp"
#include "syspect/report.hpp"
#include "syspect/spec_parser.hpp"
#include "syspect/trace_file.hpp"
#include "syspect/tracer.hpp"
#include "tracing.hpp"

extern char** environ;

namespace syspect {
namespace {

constexpr int kCheckPassed = 0;
constexpr int kCheckFailed = 1;
constexpr int kCheckBadSpec = 2;
constexpr int kCheckCannotTrace = 3;
constexpr int kCheckCannotWrite = 3;  // the report: syspect, not the target, failed

int usage_error(const std::string& message) {
  std::fprintf(stderr, "syspect: check: %s\n", message.c_str());
  return kCheckBadSpec;
}

}  // namespace

// A path written in the spec is relative to the spec's directory.
std::string from_spec_dir(const Spec& spec, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return std::filesystem::absolute(std::filesystem::path(spec.dir) / p).lexically_normal().string();
}

std::vector<std::string> environment_with(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::map<std::string, std::string> env;
  std::vector<std::string> order;
  for (char** e = environ; *e; ++e) {
    std::string s(*e);
    auto eq = s.find('=');
    std::string key = s.substr(0, eq);
    if (!env.count(key)) order.push_back(key);
    env[key] = eq == std::string::npos ? "" : s.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) {
    if (!env.count(k)) order.push_back(k);
    env[k] = v;
  }
  std::vector<std::string> out;
  for (const auto& k : order) out.push_back(k + "=" + env[k]);
  return out;
}

namespace {

// Now, as UTC "YYYY-MM-DDTHH:MM:SS".
std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

bool colour_for(std::FILE* f) {
  const char* no = std::getenv("NO_COLOR");
  if (no != nullptr && *no != '\0') return false;
  return ::isatty(::fileno(f)) != 0;
}

// A call of `abi` numbered `nr`, as the filter of a recording sees it.
bool kept_call(const SyscallFilter& filter, Abi abi, const SyscallDesc& d) {
  SyscallEvent e;
  e.abi = abi;
  e.nr = d.nr;
  e.desc = &d;
  return filter.matches(e);
}

// The first syscall that `item` names and the recording did not keep.
const SyscallDesc* unkept(const SyscallFilter& filter, const SelectorItem& item) {
  if (item.nr >= 0) {
    const SyscallDesc* d = lookup_syscall(item.abi, item.nr);
    return d != nullptr && !kept_call(filter, item.abi, *d) ? d : nullptr;
  }
  for (const SyscallDesc& d : syscall_table(item.abi))
    if ((d.classes & item.classes) != 0 && !kept_call(filter, item.abi, d)) return &d;
  return nullptr;
}

// A trace recorded with `-e trace=SET` cannot judge a rule about a call it
// did not keep (an [[expect]] would fail, a [[forbid]] pass, for want of
// the calls): the first such rule, as "SPEC:LINE:COL: ...".
std::optional<std::string> rule_about_unkept_calls(const Spec& spec, const std::string& spec_path,
                                                   const RecordedTrace& recorded, const std::string& trace_path) {
  if (recorded.kept.empty()) return std::nullopt;
  auto filter = SyscallFilter::parse(recorded.kept);
  if (!filter) return fmt::format("{}: its header's \"trace\" set is not valid: {}", trace_path, filter.error());
  auto refuse = [&](const SourcePos& pos, const std::string& what) {
    return fmt::format("{}:{}:{}: {}: it was recorded with -e trace={}. Record it again keeping them, "
                       "or check it without this rule",
                       spec_path, pos.line, pos.column, what, recorded.kept);
  };
  for (const Rule& r : spec.rules) {
    std::vector<const CallPattern*> patterns;
    if (r.kind == RuleKind::Sequence) {
      for (const CallPattern& p : r.steps) patterns.push_back(&p);
    } else if (r.kind == RuleKind::Expect || r.kind == RuleKind::Forbid) {
      patterns.push_back(&r.pattern);
    }
    for (const CallPattern* p : patterns)
      for (const SelectorItem& item : p->selector.items)
        if (const SyscallDesc* d = unkept(*filter, item))
          return refuse(item.pos, fmt::format("rule '{}' is about {} calls, which {} does not hold",
                                          r.name, d->name, trace_path));
  }
  if (spec.policy) {
    // Every call the recording left out would have to be allowed.
    for (Abi abi : {Abi::x86_64, Abi::i386})
      for (const SyscallDesc& d : syscall_table(abi)) {
        SyscallEvent e;
        e.abi = abi;
        e.nr = d.nr;
        e.desc = &d;
        if (!filter->matches(e) && spec.policy->violates(e))
          return refuse(spec.policy->pos,
                        fmt::format("the [policy] judges every call, and {} does not hold the {} calls",
                                    trace_path, d.name));
      }
  }
  return std::nullopt;
}

}  // namespace

CLI::App* add_check_command(CLI::App& app, CheckArgs& a) {
  CLI::App* c = app.add_subcommand("check", "Run a command under the tracer and check it against an expectation file");
  c->add_option("spec", a.spec, "The expectation file (TOML, version 1)")->required();
  c->add_option("--report", a.report, "Report format: text, json or junit")
      ->check(CLI::IsMember({"text", "json", "junit"}));
  c->add_option("--report-file", a.report_file, "Write the report to FILE ('-' for stdout; default stderr)");
  c->add_option("--trace", a.trace, "Check a trace saved by 'syspect record' instead of running a command");
  c->add_option("command", a.command,
                "The command to run, after SPEC and the options or after -- (overrides [run] command)");
  c->add_flag("--also-text", a.also_text,
              "With --report json|junit and a --report-file: also print the text report on stderr "
              "(what a person reads in a CI log or under ctest --output-on-failure)");
  c->add_flag("--strict", a.strict,
              "Also install a seccomp filter that kills the target at any i386 or x32 call "
              "the [policy] does not allow (fails closed without the tracer)");
  c->add_option("-e", a.exprs, "inject=SET:ACTION: inject a fault, as --inject (after the spec's [[inject]] rules)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  add_inject_option(c, a.injects);
  c->add_flag("-k,--stack-trace", a.stacks,
              "Show the user-space stack of each offending call in the report (as [run] "
              "stacks = true): only the calls a rule is about are unwound");
  c->footer(
      "Examples: syspect check app.toml -- ./app --once   (the command goes after SPEC and\n"
      "          the options, or after '--'; without one, [run] command is run)\n"
      "          syspect check app.toml --trace run.jsonl\n"
      "Exit status: 0 every rule held; 1 some rule failed, or the checked run did not end\n"
      "on its own; 2 bad usage or a bad spec; 3 the target could not be traced, or the\n"
      "report could not be written; 130/143/129 SIGINT/SIGTERM/SIGHUP stopped syspect\n"
      "before the target ended (never a pass). The report file is replaced whole.");
  return c;
}

int run_check(const CheckArgs& a) {
  auto loaded = load_spec(a.spec);
  if (!loaded) {
    print_spec_errors(loaded.error(), a.spec);
    return kCheckBadSpec;
  }
  const Spec& spec = *loaded;

  std::optional<RecordedTrace> recorded;
  if (!a.trace.empty()) {
    if (!a.command.empty()) return usage_error("give either --trace or a command after '--', not both");
    auto r = load_trace(a.trace);
    if (!r) return usage_error(r.error().format());
    recorded = std::move(*r);
    if (auto why = rule_about_unkept_calls(spec, a.spec, *recorded, a.trace)) return usage_error(*why);
  }

  std::vector<std::string> argv = recorded ? recorded->trace.command() : a.command;
  if (argv.empty() && !recorded) {
    argv = spec.run.command;
    if (argv.empty())
      return usage_error(fmt::format("no command to run: give [run] command in {} or a command after '--'",
                                     a.spec));
    // "./prog" in a spec means the prog beside the spec.
    if (argv[0].find('/') != std::string::npos) argv[0] = from_spec_dir(spec, argv[0]);
  }

  TraceOptions options;
  options.timeout = spec.run.timeout;
  if (!spec.run.env.empty()) options.env = environment_with(spec.run.env);
  if (spec.run.cwd) options.cwd = from_spec_dir(spec, *spec.run.cwd);
  if (a.strict) {
    if (recorded) return usage_error("--strict applies to a run, not to a recorded --trace");
    options.strict = strict_allowances(spec);
  }
  // The spec's [[inject]] rules, then -e inject= and --inject.
  options.injections = spec_injections(spec);
  for (const auto& e : a.exprs)
    if (!is_inject_expr(e)) return usage_error(fmt::format("-e {}: check takes only inject=SET:ACTION", e));
  if (auto more = collect_injections(a.exprs, a.injects); !more) return usage_error(more.error());
  else for (auto& i : *more) options.injections.push_back(std::move(i));
  if (recorded && (!a.exprs.empty() || !a.injects.empty()))
    return usage_error("-e inject= and --inject apply to a run, not to a recorded --trace");
  options.stacks = a.stacks || spec.run.stacks;

  // The report is written beside its file and renamed over it once whole:
  // a check that cannot start or cannot write leaves an earlier report as
  // it was, and two checks writing one file leave one whole report.
  auto opened = Output::open(a.report_file == "-" ? std::string() : a.report_file, Replace::Whole,
                             a.report_file == "-" ? stdout : stderr);
  if (!opened) return usage_error(opened.error());
  Output& output = *opened.value();

  Checker checker(spec, recorded ? ProcessInfo{} : proc_process_info());
  std::string started;
  double seconds = 0;
  if (recorded) {
    replay(recorded->trace, checker);
    started = recorded->start.substr(0, 19);  // the header's "...Z", to the second
  } else {
    started = utc_now();
    Tracer tracer(options);
    tracer.add_sink(&checker);
    // Interrupted, the tree is killed and the report still printed.
    StopOnSignals stop_on_signals(tracer);
    auto t0 = std::chrono::steady_clock::now();
    auto result = tracer.run(argv);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!result) {
      // The tracer's message names the program when it is about it.
      const std::string& why = result.error().message;
      if (why.find("'" + argv[0] + "'") != std::string::npos)
        std::fprintf(stderr, "syspect: check: %s\n", why.c_str());
      else
        std::fprintf(stderr, "syspect: check: cannot trace '%s': %s\n", argv[0].c_str(), why.c_str());
      return kCheckCannotTrace;
    }
  }
  CheckReport report = checker.report(argv);
  report.started = started;
  report.seconds = seconds;
  std::string text;
  if (a.report == "json") {
    text = render_json(report);
  } else if (a.report == "junit") {
    text = render_junit(report);
  } else {
    TextReportOptions to;
    to.colour = colour_for(output.stream());
    text = render_text(report, to);
  }
  // The text report is on stderr already when it is the report itself.
  bool also_text = a.also_text && !(a.report == "text" && output.stream() == stderr);
  output.write(text);
  int write_error = output.finish();
  if (also_text) {
    TextReportOptions to;
    to.colour = colour_for(stderr);
    std::fputs(render_text(report, to).c_str(), stderr);
  }
  if (write_error != 0)
    std::fprintf(stderr, "syspect: check: %s\n", output.failure("the report", write_error).c_str());
  if (!recorded && report.result.interrupted) {
    std::fprintf(stderr, "syspect: check: %s before the target ended; the check does not pass\n",
                 describe_interrupt(report.result).c_str());
    return exit_code_for_interrupt(report.result);
  }
  // Whatever the rules said, a report that is not there is no pass.
  if (write_error != 0) return kCheckCannotWrite;
  return report.passed() ? kCheckPassed : kCheckFailed;
}

}  // namespace syspect
