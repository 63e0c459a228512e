// Selectors, call patterns and the other small parts of the spec model.

#include <fmt/format.h>

#include "syspect/format.hpp"
#include "syspect/names.hpp"
#include "syspect/spec.hpp"
#include "syspect/xlat.hpp"

namespace syspect {

namespace {

bool item_matches(const SelectorItem& item, const SyscallEvent& e) {
  if (e.abi != item.abi || e.desc == nullptr) return false;
  if (item.nr >= 0) return e.desc->nr == item.nr;
  return (e.desc->classes & item.classes) != 0;
}

std::string errno_list(const std::vector<int>& errnos) {
  std::string s;
  for (std::size_t i = 0; i < errnos.size(); ++i) {
    if (i) s += " or ";
    const char* n = errno_name(errnos[i]);
    s += n ? n : std::to_string(errnos[i]);
  }
  return s;
}

}  // namespace

bool Selector::matches(const SyscallEvent& e) const {
  for (const auto& item : items)
    if (item_matches(item, e)) return true;
  return false;
}

std::string Selector::describe() const {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += i + 1 == items.size() ? " or " : ", ";
    s += items[i].text;
  }
  return s;
}

bool CallPattern::decidable_at_entry() const {
  if (result || !errnos.empty() || duration) return false;
  for (const auto& [key, checks] : args)
    for (const auto& c : checks)
      if (c.output) return false;
  return true;
}

bool CallPattern::checks_path_of(const SyscallEvent& e) const {
  if (!has_args || e.desc == nullptr) return false;
  auto it = args.find({e.abi, e.desc->nr});
  if (it == args.end()) return false;
  for (const auto& c : it->second)
    if (c.index < e.desc->nargs && e.desc->args[c.index].kind == ArgKind::Path) return true;
  return false;
}

std::uint8_t CallPattern::checked_args(const SyscallEvent& e) const {
  if (!has_args || e.desc == nullptr) return 0;
  auto it = args.find({e.abi, e.desc->nr});
  if (it == args.end()) return 0;
  std::uint8_t mask = 0;
  for (const auto& c : it->second)
    if (c.index >= 0 && c.index < 8) mask |= static_cast<std::uint8_t>(1u << c.index);
  return mask;
}

bool CallPattern::uses_fd_path() const {
  for (const auto& [key, checks] : args)
    for (const auto& c : checks)
      if (c.matcher->uses_fd_path()) return true;
  return false;
}

std::string CallPattern::describe() const {
  std::string s = "a call to " + selector.describe();
  if (has_args && !args_text.empty()) s += " with " + args_text;
  if (result) s += ", whose result " + result->describe();
  if (!errnos.empty()) s += ", failing with " + errno_list(errnos);
  if (duration) s += ", taking " + duration_text;
  return s;
}

PatternMatch match_pattern(const CallPattern& p, const SyscallEvent& e, const MatchContext& ctx,
                           bool explain) {
  PatternMatch m;
  if (!p.selector.matches(e)) return m;
  m.selected = true;
  bool ok = true;
  std::vector<std::string> undecided;
  if (p.has_args) {
    auto it = p.args.find({e.abi, e.desc->nr});
    if (it == p.args.end()) return m;  // its arguments do not fit this syscall
    for (const auto& check : it->second) {
      const ArgValue& v = e.args[static_cast<std::size_t>(check.index)];
      // The path changed while the call ran: what was decoded is not what
      // was opened, and no path check may pass on it.
      bool swapped = !e.opened_path.empty() && check.index < e.nargs &&
                     e.desc->args[check.index].kind == ArgKind::Path;
      if (swapped) {
        ok = false;
        if (!explain) return m;
        m.mismatches.push_back(fmt::format(
            "{} was {}, but the file opened was {} (the path changed during the call)", check.name,
            quote_string(v.bytes, 256), quote_string(e.opened_path, 256)));
        continue;
      }
      // Its memory changed while the call ran: what was decoded may not be
      // what the kernel used, and no check may pass on it.
      if (check.index < 8 && (e.changed_args >> check.index) & 1u) {
        ok = false;
        if (!explain) return m;
        m.mismatches.push_back(fmt::format(
            "{} changed while the call ran (another thread rewrote it): what the kernel used is not known",
            check.name));
        continue;
      }
      const ArgDesc* d = check.index < e.desc->nargs ? &e.desc->args[check.index] : nullptr;
      const Judgement j = check.index < e.nargs ? check.matcher->judge(v, ctx) : Judgement::No;
      if (j == Judgement::Yes) {
        m.score += 1000 * near_miss_weight(d);
        continue;
      }
      if (j == Judgement::Undecided) {
        undecided.push_back(fmt::format("{} {}: cannot be judged ({})", check.name,
                                        cut_description(v), check.matcher->describe()));
        if (explain) m.mismatches.push_back(undecided.back());
        continue;
      }
      ok = false;
      if (!explain) return m;
      if (check.index < e.nargs) m.score += check.matcher->likeness(v);
      FormatOptions shown_as;
      shown_as.align = false;
      shown_as.string_limit = 64;
      std::string shown = check.index < e.nargs ? format_arg(e, check.index, shown_as) : "(not passed)";
      if (check.matcher->uses_fd_path() && ctx.fd_path && v.form == ArgValue::Form::Number) {
        auto path = ctx.fd_path(static_cast<int>(v.num));
        shown += path ? fmt::format(" ({})", quote_string(*path, 256)) : " (file unknown)";
      }
      m.mismatches.push_back(
          fmt::format("{} was {}; wanted: {}", check.name, shown, check.matcher->describe()));
    }
  }
  if (p.result) {
    ArgValue r;
    r.form = ArgValue::Form::Number;
    r.num = e.result;
    r.raw = static_cast<std::uint64_t>(e.result);
    if (e.finished && p.result->matches(r, ctx)) {
      m.score += 1000;
    } else {
      ok = false;
      if (!explain) return m;
      m.mismatches.push_back(fmt::format("result was {}; wanted: {}",
                                         e.finished ? format_result(e) : "?",
                                         p.result->describe()));
    }
  }
  if (!p.errnos.empty()) {
    bool hit = false;
    for (int err : p.errnos) hit = hit || err == e.err;
    if (hit) {
      m.score += 1000;
    } else {
      ok = false;
      if (!explain) return m;
      const char* n = errno_name(e.err);
      std::string was = e.err == 0 ? "none (it succeeded)" : n ? n : std::to_string(e.err);
      m.mismatches.push_back(fmt::format("errno was {}; wanted: {}", was, errno_list(p.errnos)));
    }
  }
  if (p.duration) {
    ArgValue d;
    d.form = ArgValue::Form::Number;
    d.num = e.duration_ns;
    d.raw = static_cast<std::uint64_t>(e.duration_ns);
    if (e.duration_ns >= 0 && p.duration->matches(d, ctx)) {
      m.score += 1000;
    } else {
      ok = false;
      if (!explain) return m;
      m.mismatches.push_back(
          e.duration_ns < 0
              ? fmt::format("its duration was not measured (no exit seen); wanted: {}", p.duration_text)
              : fmt::format("it took {}s; wanted: {}", format_seconds(e.duration_ns, 6), p.duration_text));
    }
  }
  m.matched = ok && undecided.empty();
  m.undecided = ok && !undecided.empty();
  if (m.undecided) m.undecided_notes = std::move(undecided);
  return m;
}

std::string CountRange::describe() const {
  auto times = [](std::uint64_t n) {
    return n == 1 ? std::string("once") : n == 2 ? std::string("twice") : fmt::format("{} times", n);
  };
  if (max && *max == min) return min == 0 ? "never" : "exactly " + times(min);
  if (!max) return "at least " + times(min);
  if (min == 0) return "at most " + times(*max);
  return fmt::format("between {} and {} times", min, *max);
}

bool ProcessScope::matches(const std::string* exe) const {
  if (!exe_glob) return true;
  return exe != nullptr && glob_match(*exe_glob, *exe);
}

std::string ProcessScope::describe() const {
  if (!exe_glob) return "";
  return fmt::format("in processes whose executable matches {}", quote_string(*exe_glob, 4096));
}

std::string_view rule_kind_name(RuleKind k) {
  switch (k) {
    case RuleKind::Expect: return "expect";
    case RuleKind::Forbid: return "forbid";
    case RuleKind::Sequence: return "sequence";
    case RuleKind::Policy: return "policy";
    case RuleKind::Exit: return "exit";
    case RuleKind::Timeout: return "timeout";
  }
  return "?";
}

bool PolicySpec::denies(const SyscallEvent& e) const {
  for (const auto& item : deny)
    if (item_matches(item, e)) return true;
  return false;
}

bool PolicySpec::violates(const SyscallEvent& e) const {
  if (denies(e)) return true;
  if (!has_allow) return false;
  for (const auto& item : allow)
    if (item_matches(item, e)) return false;
  return true;
}

bool Spec::uses_fd_path() const {
  for (const auto& r : rules) {
    if (r.pattern.uses_fd_path()) return true;
    for (const auto& s : r.steps)
      if (s.uses_fd_path()) return true;
  }
  return false;
}

}  // namespace syspect
