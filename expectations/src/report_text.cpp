// The text report: one block per failed rule, then a summary line.

#include <fmt/format.h>

#include "syspect/format.hpp"
#include "syspect/report.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

struct Paint {
  bool on;
  std::string operator()(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return fmt::format("\033[{}m{}\033[0m", code, text);
  }
};

std::string indent(std::string_view text, std::string_view pad) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    if (start != 0) out += "\n";
    if (start != 0) out += pad;
    out += text.substr(start, nl - start);
    start = nl + 1;
  }
  return out;
}

std::string call_line(const ObservedCall& c) {
  std::string from = c.stack.empty() ? "" : " from " + c.stack;
  if (c.pid == 0) return c.text + from;
  return fmt::format("[pid {}{}] {}{}", c.pid, c.exe.empty() ? "" : " " + c.exe, c.text, from);
}

}  // namespace

std::size_t CheckReport::failed() const {
  std::size_t n = 0;
  for (const auto& r : rules) n += r.passed ? 0 : 1;
  return n;
}

namespace {

// " by SIGTERM", when a signal asked for the stop.
std::string stop_signal(const TraceResult& r) {
  return r.interrupt_signal != 0 ? fmt::format(" by {}", signal_name(r.interrupt_signal)) : "";
}

}  // namespace

std::string describe_status(const TraceResult& r) {
  if (r.timed_out) return "timed out and was killed";
  if (r.detached) return "was detached" + (r.interrupted ? " when syspect was interrupted" + stop_signal(r) : "");
  if (r.interrupted) return "was killed when syspect was interrupted" + stop_signal(r);
  if (!r.started) return "did not start";
  if (!r.exited) return "did not end";
  if (r.signaled) return fmt::format("was killed by {}", signal_name(r.term_signal));
  return fmt::format("exited with {}", r.exit_code);
}

std::string describe_cut_short(const TraceResult& r) {
  if (r.timed_out) return "the timeout fired";
  if (r.detached) return "syspect detached from it" + (r.interrupted ? " when it was interrupted" + stop_signal(r) : "");
  if (r.interrupted) return "syspect was interrupted" + stop_signal(r);
  return "";
}

std::string render_text_block(const CheckReport& r, const RuleOutcome& rule,
                              const TextReportOptions& options) {
  Paint paint{options.colour};
  std::string out;
  out += fmt::format("{} {} ({}:{}, {})\n", paint("1;31", "FAIL"), paint("1", rule.name), r.spec,
                     rule.line, rule.kind);
  std::string required = fmt::format("  required: {}\n", indent(rule.required, "            "));
  if (!rule.groups_first) out += required;
  out += fmt::format("  observed: {}\n", rule.observed);
  for (const auto& h : rule.hints) out += fmt::format("  hint: {}\n", indent(h, "        "));
  for (const auto& g : rule.groups) {
    out += fmt::format("  {}:\n", g.heading);
    for (const auto& c : g.calls) {
      out += fmt::format("    {}\n", call_line(c));
      for (const auto& n : c.notes) out += fmt::format("      {}\n", paint("33", n));
    }
  }
  if (rule.groups_first) out += required;
  return out;
}

std::string render_text(const CheckReport& r, const TextReportOptions& options) {
  Paint paint{options.colour};
  std::string out;
  for (const auto& rule : r.rules) {
    if (rule.passed) continue;
    out += render_text_block(r, rule, options);
    out += "\n";
  }
  std::string command = shell_quote(r.command);
  out += fmt::format("target{} {}\n", command.empty() ? "" : " " + command, describe_status(r.result));
  std::size_t failed = r.failed();
  std::string summary = fmt::format("{} rule{}, {} failed", r.rules.size(), r.rules.size() == 1 ? "" : "s", failed);
  if (!r.complete())
    summary += fmt::format("; INCOMPLETE: the run did not end on its own ({}), so the check does not pass",
                           describe_cut_short(r.result));
  out += paint(r.passed() ? "1;32" : "1;31", summary) + "\n";
  return out;
}

}  // namespace syspect
