#include "sweep.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "check.hpp"
#include "inject_option.hpp"
#include "output.hpp"
#include "syspect/checker.hpp"
#include "syspect/duration.hpp"
#include "syspect/filter.hpp"
#include "syspect/format.hpp"
#include "syspect/spec_parser.hpp"
#include "syspect/stack.hpp"
#include "syspect/tracer.hpp"
#include "tracing.hpp"

extern char** environ;

namespace syspect {
namespace {

constexpr int kSweepHandled = 0;
constexpr int kSweepNotHandled = 1;
constexpr int kSweepUsage = 2;
constexpr int kSweepCannot = 3;

using json = nlohmann::ordered_json;

int usage_error(const std::string& message) {
  std::fprintf(stderr, "syspect: sweep: %s\n", message.c_str());
  return kSweepUsage;
}

int cannot(const std::string& message) {
  std::fprintf(stderr, "syspect: sweep: %s\n", message.c_str());
  return kSweepCannot;
}

// How one run ended, once its k-th selected call failed.
enum class Outcome { Handled, Unnoticed, Crashed, Hung, RulesFailed, NotReached };

constexpr std::pair<Outcome, std::string_view> kOutcomeNames[] = {
    {Outcome::Handled, "handled"},        {Outcome::Unnoticed, "unnoticed"},
    {Outcome::Crashed, "crashed"},        {Outcome::Hung, "hung"},
    {Outcome::RulesFailed, "rules failed"}, {Outcome::NotReached, "not reached"},
};

std::string_view outcome_name(Outcome o) {
  for (const auto& [k, v] : kOutcomeNames)
    if (k == o) return v;
  return "?";
}

std::optional<Outcome> outcome_from(std::string_view name) {
  for (const auto& [k, v] : kOutcomeNames)
    if (v == name) return k;
  return std::nullopt;
}

struct RunRecord {
  std::uint64_t k = 0;
  Outcome outcome = Outcome::Handled;
  std::string how;   // "exited 1", "killed by SIGSEGV", "timed out after 5s"
  std::string call;  // the failed call as strace -y prints it
  std::string where;  // with -k: who made it, "save (saver.c:12) ← main"
  std::vector<std::string> failed_rules;
  std::string output;  // the end of what the program wrote on stdout and stderr
  double seconds = 0;
};

struct SweepReport {
  std::string inject;  // as written, or the [[inject]] rule's name
  std::vector<std::string> command;
  std::string spec;
  std::uint64_t calls = 0;  // selected calls in the clean run
  std::vector<std::string> shards;  // "K/N" of each shard this report holds
  std::vector<RunRecord> runs;      // by k
  double seconds = 0;

  bool handled() const {
    return std::all_of(runs.begin(), runs.end(), [](const RunRecord& r) { return r.outcome == Outcome::Handled; });
  }
  std::size_t count(Outcome o) const {
    return static_cast<std::size_t>(
        std::count_if(runs.begin(), runs.end(), [o](const RunRecord& r) { return r.outcome == o; }));
  }
};

// ---- one run ---------------------------------------------------------------

struct Plan {
  std::vector<std::string> argv;
  TraceOptions options;
  Injection injection;
  const Spec* spec = nullptr;
  std::string setup;
};

// The first injected call, as strace -y prints it, and who made it. With
// stacks on it asks for the calls the injection selects (the tracer
// unwinds only the calls a sink is interested in); otherwise for none.
class InjectedCall : public Sink {
 public:
  explicit InjectedCall(Interest interest) : interest_(std::move(interest)) {}
  Interest interest() const override { return interest_; }
  void on_syscall(const SyscallEvent& e) override {
    if (!e.injected.any() || !text.empty()) return;
    FormatOptions o;
    o.align = false;
    text = format_syscall(e, o);
    if (e.stack) where = stack_summary(*e.stack);
  }
  std::string text;
  std::string where;

 private:
  Interest interest_;
};

// `sh -c CMD`, waited for; its exit status, or a message.
Result<int, std::string> run_setup(const std::string& cmd) {
  const char* args[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = 0;
  int err = ::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(args), environ);
  if (err != 0) return unexpected(fmt::format("cannot run --setup: {}", std::strerror(err)));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return unexpected(fmt::format("--setup: waitpid: {}", std::strerror(errno)));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read_tail(int fd, std::size_t max) {
  off_t size = ::lseek(fd, 0, SEEK_END);
  if (size <= 0) return {};
  off_t from = size > static_cast<off_t>(max) ? size - static_cast<off_t>(max) : 0;
  std::string out(static_cast<std::size_t>(size - from), '\0');
  ssize_t n = ::pread(fd, out.data(), out.size(), from);
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

struct Counted {
  RunRecord record;
  std::uint64_t selected = 0;  // how many calls the injection selected
};

// k = 0: the clean run, which only counts.
Result<Counted, std::string> run_one(const Plan& plan, std::uint64_t k) {
  if (!plan.setup.empty()) {
    auto st = run_setup(plan.setup);
    if (!st) return unexpected(st.error());
    if (*st != 0) return unexpected(fmt::format("--setup exited {} before run {}", *st, k));
  }
  TraceOptions options = plan.options;
  Injection inj = plan.injection;
  if (k == 0) {
    inj.error.reset();
    inj.retval.reset();
    inj.signal = 0;
    inj.delay_enter = inj.delay_exit = {};
  } else {
    inj.when = InjectWhen::only(k);
  }
  options.injections = {inj};
  // The program's stdout and stderr, kept apart for each run.
  int out = ::memfd_create("syspect-sweep-output", MFD_CLOEXEC);
  if (out >= 0) {
    options.before_exec = [out] {
      ::dup2(out, 1);
      ::dup2(out, 2);
    };
  }
  Interest wanted = Interest::none();
  if (options.stacks) {
    auto set = SyscallFilter::parse(inj.set);
    wanted = set ? set->interest() : Interest::all();
  }
  InjectedCall call(std::move(wanted));
  std::optional<Checker> checker;
  Tracer tracer(options);
  tracer.add_sink(&call);
  if (plan.spec) {
    checker.emplace(*plan.spec, proc_process_info());
    tracer.add_sink(&*checker);
  }
  auto t0 = std::chrono::steady_clock::now();
  auto result = tracer.run(plan.argv);
  Counted c;
  RunRecord& r = c.record;
  r.k = k;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (out >= 0) {
    r.output = read_tail(out, 400);
    ::close(out);
  }
  if (!result) return unexpected(result.error().message);
  const TraceResult& tr = *result;
  c.selected = tr.injection_counts.empty() ? 0 : tr.injection_counts[0];
  r.call = call.text;
  r.where = call.where;
  if (tr.timed_out) {
    r.outcome = Outcome::Hung;
    r.how = fmt::format("timed out after {}s and was killed", options.timeout ? options.timeout->count() / 1000.0 : 0.0);
  } else if (tr.signaled) {
    r.outcome = Outcome::Crashed;
    r.how = fmt::format("killed by {}{}", signal_name(tr.term_signal), "");
  } else {
    r.how = fmt::format("exited {}", tr.exit_code);
    if (checker) {
      CheckReport report = checker->report(plan.argv);
      for (const RuleOutcome& o : report.rules)
        if (!o.passed) r.failed_rules.push_back(o.name);
      r.outcome = !r.failed_rules.empty() ? (tr.exit_code == 0 ? Outcome::Unnoticed : Outcome::RulesFailed)
                                          : Outcome::Handled;
    } else {
      r.outcome = tr.exit_code != 0 ? Outcome::Handled : Outcome::Unnoticed;
    }
    if (r.outcome == Outcome::Unnoticed && !checker) r.how = "exited 0 as if the call had not failed";
  }
  if (k != 0 && r.call.empty() && r.outcome != Outcome::Crashed && r.outcome != Outcome::Hung) {
    r.outcome = Outcome::NotReached;
    r.how += fmt::format("; the run made {} selected calls, not {}", c.selected, k);
  }
  return c;
}

// ---- reports ---------------------------------------------------------------

std::string indent(std::string_view text, std::string_view pad) {
  std::string out;
  bool start = true;
  for (char ch : text) {
    if (start) out += pad;
    start = ch == '\n';
    out += ch;
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

std::string render_text(const SweepReport& s) {
  std::string out = fmt::format("syspect sweep: {} in {}\n", s.inject, shell_quote(s.command));
  if (!s.spec.empty()) out += fmt::format("judged by {}\n", s.spec);
  out += fmt::format("the clean run made {} selected call{}", s.calls, s.calls == 1 ? "" : "s");
  if (!(s.shards.size() == 1 && s.shards[0] == "1/1"))
    out += fmt::format("; shard{} {}", s.shards.size() == 1 ? "" : "s", fmt::join(s.shards, ", "));
  out += s.calls == 0 ? ": nothing to sweep\n" : "\n";
  for (const RunRecord& r : s.runs) {
    if (r.outcome == Outcome::Handled) continue;
    std::string name(outcome_name(r.outcome));
    std::transform(name.begin(), name.end(), name.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
    out += fmt::format("\nrun {} of {}: {}: {}\n", r.k, s.calls, name, r.how);
    if (!r.call.empty()) out += fmt::format("  failed call: {}\n", r.call);
    if (!r.where.empty()) out += fmt::format("  made by: {}\n", r.where);
    for (const auto& rule : r.failed_rules) out += fmt::format("  rule failed: {}\n", rule);
    if (!r.output.empty()) out += "  output (its end):\n" + indent(r.output, "    | ");
  }
  out += fmt::format("\n{} run{}: {} handled, {} unnoticed, {} crashed, {} hung", s.runs.size(),
                     s.runs.size() == 1 ? "" : "s", s.count(Outcome::Handled), s.count(Outcome::Unnoticed),
                     s.count(Outcome::Crashed), s.count(Outcome::Hung));
  if (std::size_t n = s.count(Outcome::RulesFailed)) out += fmt::format(", {} broke the spec's rules", n);
  if (std::size_t n = s.count(Outcome::NotReached)) out += fmt::format(", {} did not reach their call", n);
  out += s.handled() ? "\n" : "; FAILED\n";
  return out;
}

json to_json(const SweepReport& s) {
  json j;
  j["sweep"] = 1;
  j["inject"] = s.inject;
  j["command"] = s.command;
  if (!s.spec.empty()) j["spec"] = s.spec;
  j["calls"] = s.calls;
  j["shards"] = s.shards;
  j["seconds"] = s.seconds;
  j["handled"] = s.handled();
  json runs = json::array();
  for (const RunRecord& r : s.runs) {
    json o;
    o["k"] = r.k;
    o["outcome"] = std::string(outcome_name(r.outcome));
    o["how"] = r.how;
    o["call"] = r.call;
    if (!r.where.empty()) o["where"] = r.where;
    if (!r.failed_rules.empty()) o["failed_rules"] = r.failed_rules;
    o["output"] = r.output;
    o["seconds"] = r.seconds;
    runs.push_back(std::move(o));
  }
  j["runs"] = std::move(runs);
  return j;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += fmt::format("&#x{:x};", int(c));
        else out += c;
    }
  }
  return out;
}

std::string render_junit(const SweepReport& s) {
  std::size_t failed = s.runs.size() - s.count(Outcome::Handled);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites tests=\"{}\" failures=\"{}\">\n", s.runs.size(), failed);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n",
                     xml_escape("sweep " + s.inject + " in " + shell_quote(s.command)), s.runs.size(), failed,
                     s.seconds);
  for (const RunRecord& r : s.runs) {
    out += fmt::format("    <testcase classname=\"syspect.sweep\" name=\"{}\" time=\"{:.3f}\"",
                       xml_escape(fmt::format("call {} of {}", r.k, s.calls)), r.seconds);
    if (r.outcome == Outcome::Handled) {
      out += "/>\n";
      continue;
    }
    std::string body = r.how + "\n";
    if (!r.call.empty()) body += "failed call: " + r.call + "\n";
    if (!r.where.empty()) body += "made by: " + r.where + "\n";
    for (const auto& rule : r.failed_rules) body += "rule failed: " + rule + "\n";
    if (!r.output.empty()) body += "output (its end):\n" + r.output;
    out += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                       xml_escape(fmt::format("{}: {}", outcome_name(r.outcome), r.how)),
                       xml_escape(std::string(outcome_name(r.outcome))), xml_escape(body));
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

int write_report(const SweepArgs& a, const SweepReport& s) {
  std::string text = a.report == "json"    ? to_json(s).dump(2) + "\n"
                     : a.report == "junit" ? render_junit(s)
                                           : render_text(s);
  auto opened = Output::open(a.report_file == "-" ? std::string() : a.report_file, Replace::Whole,
                             a.report_file == "-" ? stdout : stderr);
  if (!opened) return usage_error(opened.error());
  Output& output = *opened.value();
  output.write(text);
  if (int err = output.finish()) return cannot(output.failure("the report", err));
  return s.handled() ? kSweepHandled : kSweepNotHandled;
}

// ---- --merge ---------------------------------------------------------------

Result<SweepReport, std::string> read_report(const std::string& path) {
  std::ifstream in(path);
  if (!in) return unexpected(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  json j;
  try {
    j = json::parse(in);
    if (j.value("sweep", 0) != 1) return unexpected(fmt::format("'{}' is not a JSON report of syspect sweep", path));
    SweepReport s;
    s.inject = j.at("inject").get<std::string>();
    s.command = j.at("command").get<std::vector<std::string>>();
    s.spec = j.value("spec", "");
    s.calls = j.at("calls").get<std::uint64_t>();
    s.shards = j.at("shards").get<std::vector<std::string>>();
    s.seconds = j.value("seconds", 0.0);
    for (const auto& o : j.at("runs")) {
      RunRecord r;
      r.k = o.at("k").get<std::uint64_t>();
      auto outcome = outcome_from(o.at("outcome").get<std::string>());
      if (!outcome) return unexpected(fmt::format("'{}': unknown outcome {}", path, o.at("outcome").dump()));
      r.outcome = *outcome;
      r.how = o.value("how", "");
      r.call = o.value("call", "");
      r.where = o.value("where", "");
      r.failed_rules = o.value("failed_rules", std::vector<std::string>{});
      r.output = o.value("output", "");
      r.seconds = o.value("seconds", 0.0);
      s.runs.push_back(std::move(r));
    }
    return s;
  } catch (const json::exception& e) {
    return unexpected(fmt::format("'{}' is not a JSON report of syspect sweep: {}", path, e.what()));
  }
}

int run_merge(SweepArgs a) {
  // The reports are operands; --report and --report-file may follow them.
  std::vector<std::string> files;
  for (std::size_t i = 0; i < a.command.size(); ++i) {
    const std::string& w = a.command[i];
    for (auto [name, value] : {std::pair{"--report", &a.report}, std::pair{"--report-file", &a.report_file}}) {
      std::string n(name);
      if (w == n && i + 1 < a.command.size()) {
        *value = a.command[++i];
        goto next;
      }
      if (w.starts_with(n + "=")) {
        *value = w.substr(n.size() + 1);
        goto next;
      }
    }
    files.push_back(w);
  next:;
  }
  if (a.report != "text" && a.report != "json" && a.report != "junit")
    return usage_error(fmt::format("--report {}: write text, json or junit", a.report));
  a.command = files;
  if (a.command.empty()) return usage_error("--merge needs the JSON reports to merge");
  SweepReport all;
  for (std::size_t i = 0; i < a.command.size(); ++i) {
    auto s = read_report(a.command[i]);
    if (!s) return usage_error(s.error());
    if (i == 0) {
      all = *s;
      continue;
    }
    if (s->inject != all.inject || s->command != all.command || s->calls != all.calls)
      return usage_error(fmt::format("'{}' is a report of another sweep ({} in {}, {} calls) than '{}'",
                                     a.command[i], s->inject, shell_quote(s->command), s->calls, a.command[0]));
    for (const auto& shard : s->shards) {
      if (std::find(all.shards.begin(), all.shards.end(), shard) != all.shards.end())
        return usage_error(fmt::format("shard {} is in two of the reports", shard));
      all.shards.push_back(shard);
    }
    all.seconds += s->seconds;
    for (auto& r : s->runs) all.runs.push_back(std::move(r));
  }
  std::sort(all.runs.begin(), all.runs.end(), [](const RunRecord& x, const RunRecord& y) { return x.k < y.k; });
  return write_report(a, all);
}

// ---- the sweep -------------------------------------------------------------

bool is_spec_path(const std::string& word) {
  return word.size() > 5 && word.compare(word.size() - 5, 5, ".toml") == 0;
}

}  // namespace

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& a) {
  CLI::App* s = app.add_subcommand(
      "sweep", "Fail each call a set selects, one run per call, and report the runs that did not cope");
  s->add_option("spec", a.spec,
                "An expectation file (*.toml) with one [[inject]] rule and no when; its rules judge each run");
  s->add_option("-e", a.exprs, "inject=SET:ACTION (no when=): the calls to fail and how, as strace's -e inject=")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  add_inject_option(s, a.injects);
  s->add_option("--timeout", a.timeout,
                "A run still going after DURATION is killed and reported hung (default: ten times the clean "
                "run, at least 5s)");
  s->add_option("-j,--jobs", a.jobs, "Runs at once (default: the CPU count)")->check(CLI::Range(1u, 1024u));
  s->add_option("--report", a.report, "Report format: text, json or junit")
      ->check(CLI::IsMember({"text", "json", "junit"}));
  s->add_option("--report-file", a.report_file, "Write the report to FILE ('-' for stdout; default stderr)");
  s->add_option("--shard", a.shard, "K/N: run only calls K, K+N, K+2N... (merge the shards' JSON reports with --merge)");
  s->add_option("--setup", a.setup, "A shell command run before each run (and the clean one), to reset what the program changes");
  s->add_flag("-k,--stack-trace", a.stacks,
              "Say who made each failed call that was not handled (its callers, from its user-space "
              "stack); -kk adds source files and lines where debug info exists");
  s->add_flag("--merge", a.merge, "Join the JSON reports given as operands (one per shard) into one report");
  s->footer(
      "Examples: syspect sweep -e inject=write:error=ENOSPC -- ./saver out.txt\n"
      "          syspect sweep saver.toml   (its one [[inject]] rule, its [run] command)\n"
      "          syspect sweep --shard 2/4 --report json --report-file s2.json -e inject=@file:error=EIO -- ./app\n"
      "          syspect sweep --merge s1.json s2.json s3.json s4.json\n"
      "One clean run counts the selected calls; then run k fails only call k. A run is handled\n"
      "when it exits non-zero (with a spec: when its rules hold), unnoticed when it exits 0\n"
      "as if nothing failed, crashed when a signal kills it, hung when --timeout does.\n"
      "Runs start from the working directory as it is: use --setup to reset files.\n"
      "Exit status: 0 every run handled; 1 some run was not; 2 bad usage; 3 the program\n"
      "could not be traced, its clean run did not end on its own, or the report could not\n"
      "be written.");
  return s;
}

int run_sweep(const SweepArgs& a) {
  if (a.merge) return run_merge(a);
  std::vector<std::string> argv = a.command;
  std::optional<Spec> spec;
  std::string spec_path = a.spec;
  if (spec_path.empty() && !argv.empty() && is_spec_path(argv[0])) {
    spec_path = argv[0];
    argv.erase(argv.begin());
    if (!argv.empty() && argv[0] == "--") argv.erase(argv.begin());
  }
  if (!spec_path.empty()) {
    auto loaded = load_spec(spec_path);
    if (!loaded) {
      print_spec_errors(loaded.error(), spec_path);
      return kSweepUsage;
    }
    spec = std::move(*loaded);
  }
  Plan plan;
  plan.setup = a.setup;
  for (const auto& e : a.exprs)
    if (!is_inject_expr(e)) return usage_error(fmt::format("-e {}: sweep takes only inject=SET:ACTION", e));
  auto injections = collect_injections(a.exprs, a.injects);
  if (!injections) return usage_error(injections.error());
  if (spec) {
    if (!spec->injects.empty()) {
      if (spec->injects.size() > 1 || !injections->empty())
        return usage_error(fmt::format("a sweep fails one kind of call: {} has {} [[inject]] rules{}", spec_path,
                                       spec->injects.size(), injections->empty() ? "" : ", and -e inject= adds more"));
      if (spec->injects[0].has_when)
        return usage_error(fmt::format("{}:{}:{}: a sweep chooses which call fails: leave 'when' out", spec_path,
                                       spec->injects[0].pos.line, spec->injects[0].pos.column));
      *injections = spec_injections(*spec);
    }
    if (argv.empty()) {
      argv = spec->run.command;
      if (!argv.empty() && argv[0].find('/') != std::string::npos) argv[0] = from_spec_dir(*spec, argv[0]);
    }
    plan.options.timeout = spec->run.timeout;
    if (!spec->run.env.empty()) plan.options.env = environment_with(spec->run.env);
    if (spec->run.cwd) plan.options.cwd = from_spec_dir(*spec, *spec->run.cwd);
    plan.spec = &*spec;
  }
  if (injections->size() != 1)
    return usage_error(injections->empty() ? "give the calls to fail: -e inject=SET:error=ERRNO (or a spec with one [[inject]])"
                                           : "give one -e inject=: a sweep fails one kind of call");
  plan.injection = std::move((*injections)[0]);
  if (!plan.injection.when.text().empty())
    return usage_error(fmt::format("-e inject={}: a sweep chooses which call fails: leave when= out",
                                   plan.injection.text));
  if (argv.empty()) return usage_error("give the command to sweep after the options (or after '--')");
  plan.argv = argv;
  plan.options.decode_fds = true;  // the failed call as strace -y shows it
  plan.options.stacks = a.stacks > 0 || (spec && spec->run.stacks);
  // Indexing source lines costs most of a second per run: only with -kk.
  plan.options.stack_lines = a.stacks > 1;

  std::uint64_t shard_k = 1, shard_n = 1;
  if (!a.shard.empty()) {
    auto slash = a.shard.find('/');
    auto num = [](std::string_view s) -> std::uint64_t {
      std::uint64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      return ec == std::errc() && p == s.data() + s.size() ? v : 0;
    };
    if (slash != std::string::npos) {
      shard_k = num(std::string_view(a.shard).substr(0, slash));
      shard_n = num(std::string_view(a.shard).substr(slash + 1));
    }
    if (slash == std::string::npos || shard_k == 0 || shard_n == 0 || shard_k > shard_n)
      return usage_error(fmt::format("--shard {}: write K/N with 1 <= K <= N, as 2/4", a.shard));
  }
  std::optional<std::chrono::milliseconds> timeout;
  if (!a.timeout.empty()) {
    auto d = parse_duration(a.timeout);
    if (!d) return usage_error(fmt::format("--timeout {}: {}", a.timeout, d.error()));
    timeout = *d;
  }
  if (timeout) plan.options.timeout = timeout;

  auto t0 = std::chrono::steady_clock::now();
  auto clean = run_one(plan, 0);
  if (!clean) {
    // The tracer's message names the program when it is about it.
    if (clean.error().find("'" + argv[0] + "'") != std::string::npos) return cannot(clean.error());
    return cannot(fmt::format("cannot trace '{}': {}", argv[0], clean.error()));
  }
  const RunRecord& cr = clean->record;
  if (cr.outcome == Outcome::Crashed || cr.outcome == Outcome::Hung)
    return cannot(fmt::format("the clean run, with no call failed, did not end on its own: it {}", cr.how));
  if (!timeout && !plan.options.timeout) {
    auto ten = std::chrono::milliseconds(static_cast<long long>(cr.seconds * 10'000));
    plan.options.timeout = std::max(ten, std::chrono::milliseconds(5000));
  }

  SweepReport report;
  report.inject = plan.injection.text;
  report.command = argv;
  report.spec = spec_path;
  report.calls = clean->selected;
  report.shards = {fmt::format("{}/{}", shard_k, shard_n)};
  std::vector<std::uint64_t> ks;
  for (std::uint64_t k = shard_k; k <= report.calls; k += shard_n) ks.push_back(k);
  report.runs.resize(ks.size());

  unsigned jobs = a.jobs ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(ks.size(), 1)));
  std::atomic<std::size_t> next{0};
  std::mutex m;
  std::size_t done = 0;
  std::optional<std::string> failure;
  bool tty = ::isatty(2) == 1;
  auto progress = [&] {
    if (!tty) return;
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "\rsyspect sweep: %zu of %zu runs, %.1fs ", done, ks.size(), elapsed);
    std::fflush(stderr);
  };
  progress();
  // Each worker is a thread of its own, with no children but its tracees:
  // its Tracer waits for those only.
  auto worker = [&] {
    for (std::size_t i; (i = next++) < ks.size();) {
      auto r = run_one(plan, ks[i]);
      std::lock_guard lock(m);
      if (!r) {
        if (!failure) failure = r.error();
        next = ks.size();
        return;
      }
      report.runs[i] = std::move(r->record);
      ++done;
      progress();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (tty) std::fprintf(stderr, "\r\033[K");
  if (failure) return cannot(*failure);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return write_report(a, report);
}

}  // namespace syspect
