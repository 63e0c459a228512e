#include "coverage.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "exit_codes.hpp"
#include "output.hpp"
#include "syspect/checker.hpp"
#include "syspect/spec_parser.hpp"
#include "syspect/syscall_table.hpp"
#include "syspect/trace_file.hpp"

namespace syspect {
namespace {

constexpr int kCoverageUnused = 1;

int fail(const std::string& message) {
  std::fprintf(stderr, "syspect: coverage: %s\n", message.c_str());
  return kExitUsage;
}

// One [policy] allow entry and the calls it matched.
struct EntryUse {
  const SelectorItem* item;
  Selector selector;  // the entry alone
  std::uint64_t calls = 0;
  // A class entry: every syscall of the class in the entry's ABI, by the
  // name a spec writes, with the calls it made.
  std::map<std::string, std::uint64_t> names;
};

struct RuleUse {
  const Rule* rule;
  std::uint64_t calls = 0;
};

// How a spec writes a syscall of `abi`.
std::string spec_name(Abi abi, std::string_view name) {
  return abi == Abi::x86_64 ? std::string(name) : fmt::format("{}:{}", abi_name(abi), name);
}

std::string where(const Spec& spec, SourcePos pos) {
  return pos.column ? fmt::format("{}:{}:{}", spec.path, pos.line, pos.column)
                    : fmt::format("{}:{}", spec.path, pos.line);
}

std::string rule_title(const Rule& r) { return fmt::format("{} \"{}\"", rule_kind_name(r.kind), r.name); }

std::string render_text(const Spec& spec, const std::vector<std::string>& traces, std::uint64_t total,
                        const std::vector<EntryUse>& entries, const std::vector<RuleUse>& rules) {
  std::string out = fmt::format("coverage of {} by {} trace{} ({} call{}): {}\n", spec.path, traces.size(),
                                traces.size() == 1 ? "" : "s", total, total == 1 ? "" : "s",
                                fmt::join(traces, ", "));
  std::size_t width = 5;
  for (const auto& e : entries) {
    width = std::max(width, e.item->text.size());
    for (const auto& [name, n] : e.names)
      if (n > 0) width = std::max(width, name.size() + 2);
  }
  for (const auto& r : rules) width = std::max(width, rule_title(*r.rule).size());

  std::vector<std::string> unused;
  if (!spec.policy || !spec.policy->has_allow) {
    out += "\nno [policy] allow list\n";
  } else {
    out += fmt::format("\n{:<{}}  {:>9}  where\n", "[policy] allow", width, "calls");
    for (const auto& e : entries) {
      out += fmt::format("{:<{}}  {:>9}  {}{}\n", e.item->text, width, e.calls, where(spec, e.item->pos),
                         e.calls == 0 ? "  UNUSED" : "");
      if (e.calls == 0) unused.push_back(e.item->text);
      std::size_t idle = 0;
      for (const auto& [name, n] : e.names) {
        if (n == 0) {
          ++idle;
          continue;
        }
        out += fmt::format("  {:<{}}  {:>9}\n", name, width - 2, n);
      }
      if (!e.names.empty() && idle > 0)
        out += fmt::format("  ({} of the {} names of {} made no call)\n", idle, e.names.size(), e.item->text);
    }
  }
  if (!rules.empty()) {
    out += fmt::format("\n{:<{}}  {:>9}  where\n", "rule", width, "calls");
    for (const auto& r : rules)
      out += fmt::format("{:<{}}  {:>9}  {}\n", rule_title(*r.rule), width, r.calls, where(spec, r.rule->pos));
  }
  if (spec.policy && spec.policy->has_allow) {
    if (unused.empty())
      out += fmt::format("\nevery allow entry matched a call\n");
    else
      out += fmt::format("\nUNUSED: {} of {} allow entr{} matched no call: {}\n", unused.size(), entries.size(),
                         entries.size() == 1 ? "y" : "ies", fmt::join(unused, ", "));
  }
  return out;
}

std::string render_json(const Spec& spec, const std::vector<std::string>& traces, std::uint64_t total,
                        const std::vector<EntryUse>& entries, const std::vector<RuleUse>& rules) {
  nlohmann::ordered_json j;
  j["spec"] = spec.path;
  j["traces"] = traces;
  j["calls"] = total;
  j["has_allow"] = spec.policy && spec.policy->has_allow;
  nlohmann::ordered_json allow = nlohmann::ordered_json::array();
  std::vector<std::string> unused;
  for (const auto& e : entries) {
    nlohmann::ordered_json a;
    a["entry"] = e.item->text;
    a["line"] = e.item->pos.line;
    a["column"] = e.item->pos.column;
    a["calls"] = e.calls;
    a["unused"] = e.calls == 0;
    if (e.calls == 0) unused.push_back(e.item->text);
    if (!e.names.empty()) {
      nlohmann::ordered_json names = nlohmann::ordered_json::array();
      for (const auto& [name, n] : e.names) names.push_back({{"name", name}, {"calls", n}});
      a["names"] = std::move(names);
    }
    allow.push_back(std::move(a));
  }
  j["allow"] = std::move(allow);
  nlohmann::ordered_json rs = nlohmann::ordered_json::array();
  for (const auto& r : rules) {
    rs.push_back({{"kind", std::string(rule_kind_name(r.rule->kind))},
                  {"name", r.rule->name},
                  {"line", r.rule->pos.line},
                  {"calls", r.calls}});
  }
  j["rules"] = std::move(rs);
  j["unused"] = unused;
  return j.dump(2) + "\n";
}

}  // namespace

CLI::App* add_coverage_command(CLI::App& app, CoverageArgs& a) {
  CLI::App* c = app.add_subcommand(
      "coverage", "Count, over recorded traces, the calls each [policy] allow entry and each rule matched");
  c->add_option("spec", a.spec, "The expectation file (TOML, version 1)")->required();
  c->add_option("traces", a.traces, "Traces saved by 'syspect record' (a test suite's runs)")->required();
  c->add_flag("--fail-unused", a.fail_unused, "Exit with 1 when an allow entry matched no call");
  c->add_option("--report", a.report, "Report format: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  c->add_option("-o,--output", a.output, "Write the report to FILE instead of stdout");
  c->footer(
      "Every [policy] allow entry (and each syscall of a class entry) and every rule is\n"
      "listed with the calls of the traces it matched; an allow entry that matched none\n"
      "is UNUSED: the allowlist is wider than what the programs do. Rules are matched as\n"
      "'syspect check --trace' matches them (a sequence counts the calls of any step).\n"
      "Example: syspect record -o runs/a.jsonl -- ./app; syspect coverage app.toml runs/*.jsonl\n"
      "Exit status: 0; 1 with --fail-unused when some allow entry is unused; 2 bad usage,\n"
      "a bad spec, an unreadable trace, or a report that cannot be written.");
  return c;
}

int run_coverage(const CoverageArgs& a) {
  auto loaded = load_spec(a.spec);
  if (!loaded) {
    print_spec_errors(loaded.error(), a.spec);
    return kExitUsage;
  }
  const Spec& spec = *loaded;
  // Opened first: a path that cannot be written is said before the work.
  auto opened = Output::open(a.output == "-" ? std::string() : a.output, Replace::Whole, stdout);
  if (!opened) return fail(opened.error());
  Output& output = *opened.value();

  std::vector<EntryUse> entries;
  if (spec.policy && spec.policy->has_allow) {
    for (const auto& item : spec.policy->allow) {
      EntryUse e{&item, Selector{{item}}, 0, {}};
      if (item.nr < 0) {
        Abi table = item.abi == Abi::i386 ? Abi::i386 : Abi::x86_64;
        for (const auto& d : syscall_table(table))
          if (d.classes & item.classes) e.names[spec_name(item.abi, d.name)] = 0;
      }
      entries.push_back(std::move(e));
    }
  }
  std::vector<RuleUse> rules;
  for (const auto& r : spec.rules) rules.push_back({&r, 0});

  std::uint64_t total = 0;
  for (const auto& path : a.traces) {
    auto trace = load_trace(path);
    if (!trace) return fail(trace.error().format());
    for (const Event& ev : trace->trace.events()) {
      const auto* s = std::get_if<SyscallEvent>(&ev);
      if (s == nullptr) continue;
      ++total;
      for (auto& e : entries) {
        if (!e.selector.matches(*s)) continue;
        ++e.calls;
        if (!e.names.empty()) ++e.names[spec_name(s->abi, s->name())];
      }
    }
    // The rules see each trace as `check --trace` would.
    Checker checker(spec);
    replay(trace->trace, checker);
    std::vector<std::uint64_t> hits = checker.rule_hits();
    for (std::size_t i = 0; i < rules.size() && i < hits.size(); ++i) rules[i].calls += hits[i];
  }

  std::string text = a.report == "json" ? render_json(spec, a.traces, total, entries, rules)
                                        : render_text(spec, a.traces, total, entries, rules);
  output.write(text);
  if (int err = output.finish(); err != 0) return fail(output.failure("the report", err));
  bool any_unused = std::any_of(entries.begin(), entries.end(), [](const EntryUse& e) { return e.calls == 0; });
  return a.fail_unused && any_unused ? kCoverageUnused : 0;
}

}  // namespace syspect
