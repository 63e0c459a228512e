#include "tracing.hpp"

#include "display_options.hpp"

#include <signal.h>

#include <atomic>
#include <map>
#include <cstdio>
#include <string_view>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "inject_option.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

std::atomic<Tracer*> g_tracer{nullptr};

void on_stop_signal(int sig) {
  // The tracer wakes its own loop; nothing else here is interrupted.
  if (Tracer* t = g_tracer.load()) t->request_stop(sig);
}

}  // namespace

StopOnSignals::StopOnSignals(Tracer& tracer) {
  g_tracer.store(&tracer);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  // SA_RESTART: a write that the signal lands in (the trace, a report)
  // carries on rather than failing with EINTR.
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGHUP, &sa, nullptr);
}

// The handlers stay (a late signal then does nothing rather than kill the
// process mid-report); only the tracer they would stop is gone.
StopOnSignals::~StopOnSignals() { g_tracer.store(nullptr); }

void AttachNotices::on_attached(pid_t pid, const std::vector<pid_t>& tids) {
  if (tids.size() > 1)
    std::fprintf(stderr, "syspect: Process %d attached with %zu threads\n", static_cast<int>(pid), tids.size());
  else
    std::fprintf(stderr, "syspect: Process %d attached\n", static_cast<int>(pid));
}

void AttachNotices::on_detached(pid_t tid) {
  std::fprintf(stderr, "syspect: Process %d detached\n", static_cast<int>(tid));
}

int exit_code_for_interrupt(const TraceResult& r) {
  return 128 + (r.interrupt_signal != 0 ? r.interrupt_signal : SIGINT);
}

std::string describe_interrupt(const TraceResult& r) {
  return r.interrupt_signal != 0 ? fmt::format("interrupted by {}", signal_name(r.interrupt_signal))
                                 : std::string("interrupted");
}

Result<SyscallFilter, std::string> parse_trace_expr(const std::string& e) {
  std::string_view expr = e;
  std::string_view set = expr;
  if (auto eq = expr.find('='); eq != std::string_view::npos) {
    std::string_view key = expr.substr(0, eq);
    if (key == "signal" || key == "signals" || key == "s" || key == "status" || key == "quiet")
      return unexpected(fmt::format("-e {}: a trace file keeps every signal, and every call of -e trace=SET, "
                                    "so that check and diff see them all; {}= filters what 'syspect trace' shows",
                                    e, key));
    if (key != "trace" && key != "t") return unexpected(fmt::format("-e {}: only 'trace=SET' and 'inject=SET:ACTION' are supported", e));
    set = expr.substr(eq + 1);
  }
  auto parsed = SyscallFilter::parse(set);
  if (!parsed) return unexpected(fmt::format("-e {}: {}", e, parsed.error()));
  return std::move(*parsed);
}

void add_filter_options(CLI::App* verb, FilterArgs& a) {
  verb->add_option("--signal", a.signals, "As -e signal=SET: the signals whose delivery is shown (names, numbers, all, none, !)");
  verb->add_option("--status", a.statuses,
                   "As -e status=SET: show only calls that ended so: successful, failed, unfinished, "
                   "unavailable, detached (all, none, !)");
  verb->add_flag("-z,--successful-only", a.successful_only,
                 "Show only calls that succeeded (status=successful); the last of -z, -Z, --status wins");
  verb->add_flag("-Z,--failed-only", a.failed_only,
                 "Show only calls that failed (status=failed); the last of -z, -Z, --status wins");
  verb->add_option("-P,--trace-path", a.paths,
                   "Show only calls that access PATH (a path argument, or an fd open on it), as strace -P; "
                   "repeatable")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  verb->add_flag("-q", a.q, "Leave out attach/detach notices; -qq also '+++ exited +++' lines; -qqq all");
  verb->add_option("--quiet,--silent,--silence", a.quiets,
                   "As -e quiet=SET: messages left out: attach, exit, personality, thread-execve, "
                   "path-resolution (all, none, !); without SET, as -q")
      ->expected(0, 1);
}

std::vector<std::string> qualifiers_in_order(const CLI::App& verb) {
  std::map<const CLI::Option*, std::size_t> seen;
  std::vector<std::string> out;
  for (const CLI::Option* o : verb.parse_order()) {
    // The k-th time an option is given is its k-th result.
    const std::size_t k = seen[o]++;
    const std::vector<std::string>& results = o->results();
    const std::string value = k < results.size() ? results[k] : std::string();
    if (o->check_name("-e")) {
      out.push_back(value);
    } else if (o->check_name("-z")) {
      out.emplace_back("status=successful");
    } else if (o->check_name("-Z")) {
      out.emplace_back("status=failed");
    } else if (o->check_name("--status")) {
      out.push_back("status=" + value);
    } else if (o->check_name("--signal")) {
      out.push_back("signal=" + value);
    } else if (o->check_name("--quiet")) {
      out.push_back("quiet=" + (value.empty() ? std::string("attach,personality") : value));
    } else if (o->check_name("-v")) {
      out.emplace_back("abbrev=none");
    }
  }
  return out;
}

Result<ShownFilter, std::string> make_filters(const FilterArgs& a, const std::vector<std::string>& exprs) {
  ShownFilter d;
  std::vector<std::string> signals, statuses, quiets;
  for (const auto& e : exprs) {
    if (is_inject_expr(e) || is_display_expr(e)) continue;  // injections; -x, -v's -e keys
    std::size_t eq = e.find('=');
    std::string key = eq == std::string::npos ? std::string() : e.substr(0, eq);
    std::string set = eq == std::string::npos ? e : e.substr(eq + 1);
    if (key == "signal" || key == "signals" || key == "s") {
      signals.push_back(set);
    } else if (key == "status") {
      statuses.push_back(set);
    } else if (key == "quiet" || key == "silent" || key == "silence" || key == "q") {
      quiets.push_back(set);
    } else if (key.empty() || key == "trace" || key == "t") {
      auto parsed = SyscallFilter::parse(set);
      if (!parsed) return unexpected(fmt::format("-e {}: {}", e, parsed.error()));
      d.filter.calls = std::move(*parsed);
    } else {
      return unexpected(fmt::format(
          "-e {}: only trace=, signal=, status=, quiet=, abbrev=, verbose=, read=, write= and inject= are supported", e));
    }
  }
  for (const auto& set : signals) {
    auto parsed = SignalSet::parse(set);
    if (!parsed) return unexpected(fmt::format("signal={}: {}", set, parsed.error()));
    d.filter.signals = *parsed;
  }
  if (a.successful_only + a.failed_only > 1)
    std::fprintf(stderr, "syspect: Only the last of -z/--successful-only/-Z/--failed-only options will "
                         "take effect. See status qualifier for more complex filters.\n");
  for (const auto& set : statuses) {
    auto parsed = parse_status_set(set);
    if (!parsed) return unexpected(fmt::format("status={}: {}", set, parsed.error()));
    d.filter.statuses = *parsed;
  }
  if (a.q > 0 && !quiets.empty())
    return unexpected(std::string("-q and -e quiet/--quiet cannot be provided simultaneously"));
  if (a.q > 0) d.quiet = a.q == 1 ? kQuietAttach | kQuietPersonality
                         : a.q == 2 ? kQuietAttach | kQuietPersonality | kQuietExit
                                    : kQuietAll;
  for (const auto& set : quiets) {
    auto parsed = parse_quiet_set(set);
    if (!parsed) return unexpected(fmt::format("quiet={}: {}", set, parsed.error()));
    d.quiet = *parsed;
  }
  for (const auto& path : a.paths) {
    auto resolved = d.filter.paths.add(path);
    if (resolved && !(d.quiet & kQuietPathResolution))
      std::fprintf(stderr, "syspect: Requested path \"%s\" resolved into \"%s\"\n", path.c_str(),
                   resolved->c_str());
  }
  return d;
}

int exit_code_for(StartError e) {
  switch (e) {
    case StartError::NotFound: return kExitNotFound;
    case StartError::NotExecutable: return kExitNotExecutable;
    case StartError::NotPermitted:
    case StartError::Other: break;
  }
  return kExitCannotTrace;
}

}  // namespace syspect
