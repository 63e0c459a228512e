// The checker: holds every rule of a spec against the event stream as it
// arrives. State per rule is bounded (counts, a few examples, a small
// window per sequence); only the fd table grows, with the fds the traced
// processes hold open.

#include "syspect/checker.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <unordered_map>
#include <variant>

#include <fmt/format.h>

#include "syspect/format.hpp"
#include "syspect/stack.hpp"
#include "syscall_ids.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

std::optional<std::string> read_link(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}


struct FdInfo {
  std::string path;
  bool cloexec = false;
};

struct Group {
  std::uint64_t count = 0;
  std::vector<pid_t> pids;  // the first few distinct pids
  bool more_pids = false;
  ObservedCall example;
};

// Offending calls of one rule, grouped by (syscall, executable), and by
// call site when stacks were collected.
struct Offences {
  std::uint64_t count = 0;
  std::map<std::pair<std::string, std::string>, Group> groups;
  std::uint64_t ungrouped = 0;  // beyond the group limit
};

// A syscall that broke the policy: how often, and whether `deny` names it
// (else it is outside `allow`). Keyed by its name as a spec writes it.
struct PolicyBreach {
  std::uint64_t count = 0;
  bool denied = false;
};

// Calls nearest to what a rule wants, nearest first (CheckerLimits::nearest).
using Nearest = std::vector<std::pair<unsigned, ObservedCall>>;

// What an [[expect]] or a [[forbid]] rule saw.
struct CallRuleState {
  std::uint64_t count = 0;
  std::uint64_t undecided = 0;  // forbid: of `count`, calls that could not be judged
  std::vector<ObservedCall> matches;  // expect: the first few
  Nearest nearest;                    // expect: while it has too few
  Offences offences;                  // forbid
};

// How far a [[sequence]] got.
struct SequenceState {
  std::size_t next = 0;
  bool done = false;
  bool broken = false;  // exact: a call out of order
  std::vector<ObservedCall> matched;
  std::optional<ObservedCall> instead;
  Nearest nearest;                                  // for the next step
  std::vector<std::vector<ObservedCall>> partials;  // contiguous
  std::vector<ObservedCall> best;                   // contiguous
};

struct RuleState {
  explicit RuleState(RuleKind kind) {
    if (kind == RuleKind::Sequence) of = SequenceState{};
  }
  std::variant<CallRuleState, SequenceState> of;
  CallRuleState& calls() { return std::get<CallRuleState>(of); }
  const CallRuleState& calls() const { return std::get<CallRuleState>(of); }
  SequenceState& seq() { return std::get<SequenceState>(of); }
  const SequenceState& seq() const { return std::get<SequenceState>(of); }
  // Calls the rule's pattern matched (a sequence: any of its steps), in
  // its processes: how much of a trace the rule is about (`coverage`).
  std::uint64_t hits = 0;
};

std::vector<RuleState> states_for(const Spec& spec) {
  std::vector<RuleState> out;
  out.reserve(spec.rules.size());
  for (const Rule& r : spec.rules) out.emplace_back(r.kind);
  return out;
}

}  // namespace

ProcessInfo proc_process_info() {
  ProcessInfo info;
  info.fd_path = [](pid_t pid, int fd) { return read_link(fmt::format("/proc/{}/fd/{}", pid, fd)); };
  info.exe = [](pid_t pid) { return read_link(fmt::format("/proc/{}/exe", pid)); };
  return info;
}

struct Checker::Impl {
  const Spec& spec;
  ProcessInfo info;
  CheckerLimits limits;
  bool track_fds;
  std::vector<RuleState> states;
  Offences policy;
  std::map<std::string, PolicyBreach> breaches;  // bounded by the syscall tables
  std::optional<TraceResult> result;
  std::unordered_map<pid_t, ExePath> exes;
  std::unordered_map<pid_t, std::map<int, FdInfo>> fds;
  // Paths of the fds a call names, read when it entered (a close would
  // otherwise take them away before the call is seen whole).
  std::unordered_map<pid_t, std::map<int, std::string>> entry_paths;
  FormatOptions fmt_options;

  Impl(const Spec& s, ProcessInfo i, CheckerLimits l)
      : spec(s), info(std::move(i)), limits(l), track_fds(s.uses_fd_path()), states(states_for(s)) {
    fmt_options.align = false;
  }

  std::string exe_of(const SyscallEvent& e) {
    if (e.exe) return *e.exe;
    auto it = exes.find(e.pid);
    if (it != exes.end() && it->second) return *it->second;
    if (info.exe) {
      if (auto x = info.exe(e.pid)) {
        exes[e.pid] = std::make_shared<const std::string>(*x);
        return *x;
      }
    }
    return {};
  }

  ObservedCall observe(const SyscallEvent& e, const std::string& exe) {
    ObservedCall c;
    c.text = format_syscall(e, fmt_options);
    c.pid = e.pid;
    c.exe = exe;
    if (e.stack) {
      c.stack = stack_summary(*e.stack);
      c.frames = *e.stack;
    }
    return c;
  }

  MatchContext context(const SyscallEvent& e) {
    MatchContext ctx;
    if (!track_fds) return ctx;
    ctx.fd_path = [this, pid = e.pid, tid = e.tid](int fd) -> std::optional<std::string> {
      if (auto it = entry_paths.find(tid); it != entry_paths.end())
        if (auto p = it->second.find(fd); p != it->second.end()) return p->second;
      if (auto it = fds.find(pid); it != fds.end())
        if (auto p = it->second.find(fd); p != it->second.end()) return p->second.path;
      if (info.fd_path) return info.fd_path(pid, fd);
      return std::nullopt;
    };
    return ctx;
  }

  // `notes`: why a call that may not match was counted (it could not be
  // judged); such calls are grouped apart from the others.
  void offend(Offences& o, const SyscallEvent& e, const std::string& exe,
              std::vector<std::string> notes = {}) {
    ++o.count;
    auto key = std::make_pair(notes.empty() ? e.name() : e.name() + '\n', exe);
    // With stacks, each call site is a group of its own: the report names
    // every place that offended.
    if (e.stack) key.first += "\x1f" + stack_summary(*e.stack);
    auto it = o.groups.find(key);
    if (it == o.groups.end()) {
      if (o.groups.size() >= limits.groups) {
        ++o.ungrouped;
        return;
      }
      it = o.groups.emplace(key, Group{}).first;
      it->second.example = observe(e, exe);
      it->second.example.notes = std::move(notes);
    }
    Group& g = it->second;
    ++g.count;
    if (std::find(g.pids.begin(), g.pids.end(), e.pid) == g.pids.end()) {
      if (g.pids.size() < 8) g.pids.push_back(e.pid);
      else g.more_pids = true;
    }
  }

  void keep_nearest(Nearest& v, unsigned score,
                    const SyscallEvent& e, const std::string& exe, std::vector<std::string> notes) {
    // Kept nearest first; of calls equally near, the earlier first.
    auto pos = std::upper_bound(v.begin(), v.end(), score,
                                [](unsigned s, const auto& kept) { return s > kept.first; });
    if (pos == v.end() && v.size() >= limits.nearest) return;
    ObservedCall c = observe(e, exe);
    c.notes = std::move(notes);
    v.emplace(pos, score, std::move(c));
    if (v.size() > limits.nearest) v.pop_back();
  }

  Verdict violation_verdict() const {
    switch (spec.policy ? spec.policy->on_violation : OnViolation::Report) {
      case OnViolation::Kill: return Verdict::kill();
      case OnViolation::Errno: return Verdict::fail(spec.policy->err);
      case OnViolation::Report: break;
    }
    return Verdict::allow();
  }

  Verdict entry(const SyscallEvent& e) {
    if (track_fds) {
      auto& paths = entry_paths[e.tid];
      paths.clear();
      if (e.desc && info.fd_path) {
        for (int i = 0; i < e.nargs; ++i) {
          ArgKind k = e.desc->args[i].kind;
          if ((k == ArgKind::Fd || k == ArgKind::DirFd) && e.args[i].num >= 0 &&
              e.args[i].form == ArgValue::Form::Number) {
            int fd = static_cast<int>(e.args[i].num);
            if (auto p = info.fd_path(e.pid, fd)) paths[fd] = *p;
          }
        }
      }
    }
    if (!spec.enforces()) return Verdict::allow();
    if (spec.policy->violates(e)) return violation_verdict();
    std::string exe;
    bool have_exe = false;
    MatchContext ctx = context(e);
    for (const auto& r : spec.rules) {
      if (r.kind != RuleKind::Forbid || !r.pattern.decidable_at_entry()) continue;
      if (r.process.exe_glob) {
        if (!have_exe) exe = exe_of(e), have_exe = true;
        if (!r.process.matches(&exe)) continue;
      }
      // A call that cannot be judged is stopped as one that matches.
      PatternMatch m = match_pattern(r.pattern, e, ctx, false);
      if (m.matched || m.undecided) return violation_verdict();
    }
    return Verdict::allow();
  }

  void syscall(const SyscallEvent& e) {
    if (e.exe) exes[e.pid] = e.exe;
    std::string exe = exe_of(e);
    MatchContext ctx = context(e);
    if (spec.policy && spec.policy->violates(e)) {
      offend(policy, e, exe);
      PolicyBreach& b = breaches[e.abi == Abi::x86_64 ? e.name() : fmt::format("{}:{}", abi_name(e.abi), e.name())];
      ++b.count;
      b.denied = spec.policy->denies(e);
    }
    for (std::size_t i = 0; i < spec.rules.size(); ++i) {
      const Rule& r = spec.rules[i];
      RuleState& s = states[i];
      if (!r.process.matches(&exe)) continue;
      switch (r.kind) {
        case RuleKind::Expect:
          if (expect(r, s.calls(), e, exe, ctx)) ++s.hits;
          break;
        case RuleKind::Forbid:
          if (forbid(r, s.calls(), e, exe, ctx)) ++s.hits;
          break;
        case RuleKind::Sequence:
          for (const auto& step : r.steps) {
            if (step.selector.matches(e) && match_pattern(step, e, ctx, false).matched) {
              ++s.hits;
              break;
            }
          }
          sequence(r, s.seq(), e, exe, ctx);
          break;
        default: break;
      }
    }
    if (track_fds) {
      entry_paths.erase(e.tid);
      track(e);
    }
  }

  // Whether the call matched.
  bool expect(const Rule& r, CallRuleState& s, const SyscallEvent& e, const std::string& exe,
              const MatchContext& ctx) {
    PatternMatch m = match_pattern(r.pattern, e, ctx, true);
    if (!m.selected) return false;
    if (m.matched) {
      ++s.count;
      if (s.matches.size() < limits.examples) s.matches.push_back(observe(e, exe));
      return true;
    } else if (s.count < r.count.min) {
      if (m.mismatches.empty()) m.mismatches.push_back("its arguments do not fit this syscall");
      keep_nearest(s.nearest, m.score, e, exe, std::move(m.mismatches));
    }
    return false;
  }

  // Whether the call matched (one that could not be judged counts as a
  // violation, not as a match).
  bool forbid(const Rule& r, CallRuleState& s, const SyscallEvent& e, const std::string& exe,
              const MatchContext& ctx) {
    PatternMatch m = match_pattern(r.pattern, e, ctx, false);
    // A call whose path changed while it ran breaks every forbid rule
    // about its path: what it really opened is not what was checked.
    if (m.matched || (!e.opened_path.empty() && r.pattern.selector.matches(e) && r.pattern.checks_path_of(e)) ||
        (e.changed_args != 0 && r.pattern.selector.matches(e) &&
         (r.pattern.checked_args(e) & e.changed_args) != 0)) {
      ++s.count;
      offend(s.offences, e, exe);
      return true;
    }
    if (m.undecided) {
      // What could not be judged may be what is forbidden.
      ++s.count;
      ++s.undecided;
      for (auto& n : m.undecided_notes) n += ", so it counts as a violation";
      offend(s.offences, e, exe, std::move(m.undecided_notes));
    }
    return false;
  }

  void sequence(const Rule& r, SequenceState& s, const SyscallEvent& e, const std::string& exe,
                const MatchContext& ctx) {
    if (s.broken) return;
    const std::size_t n = r.steps.size();
    if (n == 0) return;
    if (r.mode == SequenceMode::Contiguous) {
      if (s.done) return;
      std::vector<std::vector<ObservedCall>> next;
      s.partials.emplace_back();  // a run may start here
      for (auto& p : s.partials) {
        if (match_pattern(r.steps[p.size()], e, ctx, false).matched) {
          p.push_back(observe(e, exe));
          p.back().notes.push_back(fmt::format("step {}", p.size()));
          if (p.size() == n) {
            s.done = true;
            s.best = p;
            s.partials.clear();
            return;
          }
          next.push_back(std::move(p));
        } else if (!p.empty() && p.size() >= s.best.size()) {
          s.best = p;
          s.instead = observe(e, exe);
        }
      }
      s.partials = std::move(next);
      return;
    }
    if (r.mode == SequenceMode::Exact) {
      bool relevant = false;
      for (const auto& step : r.steps) relevant = relevant || step.selector.matches(e);
      if (!relevant) return;
      bool fits = !s.done && match_pattern(r.steps[s.next], e, ctx, false).matched;
      // The run starts at the first call that matches step 1.
      if (!fits && s.next == 0) return;
      if (!fits) {
        s.broken = true;
        s.done = false;
        s.instead = observe(e, exe);
        if (s.next < n) {
          PatternMatch m = match_pattern(r.steps[s.next], e, ctx, true);
          s.instead->notes = m.selected ? m.mismatches : std::vector<std::string>{"a different syscall"};
        } else {
          s.instead->notes.push_back("a call after the last step");
        }
        return;
      }
    } else {
      if (s.done) return;
      PatternMatch m = match_pattern(r.steps[s.next], e, ctx, true);
      if (!m.matched) {
        if (m.selected) keep_nearest(s.nearest, m.score, e, exe, std::move(m.mismatches));
        return;
      }
    }
    ObservedCall c = observe(e, exe);
    c.notes.push_back(fmt::format("step {}", s.next + 1));
    s.matched.push_back(std::move(c));
    s.nearest.clear();
    if (++s.next == n) s.done = true;
  }

  void track(const SyscallEvent& e) {
    if (e.failed() || !e.finished || e.blocked || e.desc == nullptr || e.abi != Abi::x86_64) return;
    auto& table = fds[e.pid];
    auto arg_num = [&](int i) { return e.args[i].num; };
    if (is(e.desc, SysId::open) || is(e.desc, SysId::openat) || is(e.desc, SysId::creat) || is(e.desc, SysId::openat2)) {
      int pi = find_arg(*e.desc, "pathname");
      if (pi < 0) pi = find_arg(*e.desc, "filename");
      int fi = find_arg(*e.desc, "flags");
      FdInfo f;
      if (pi >= 0 && e.args[pi].form == ArgValue::Form::String) f.path = e.args[pi].bytes;
      f.cloexec = fi >= 0 && (e.args[fi].raw & O_CLOEXEC);
      // A relative name is resolved against the process's directory when
      // it can still be read; else kept as written.
      if (!f.path.empty() && f.path.front() != '/' && info.fd_path)
        if (auto p = info.fd_path(e.pid, static_cast<int>(e.result))) f.path = *p;
      table[static_cast<int>(e.result)] = f;
    } else if (is(e.desc, SysId::dup)) {
      if (auto it = table.find(static_cast<int>(arg_num(0))); it != table.end())
        table[static_cast<int>(e.result)] = {it->second.path, false};
    } else if (is(e.desc, SysId::dup2) || is(e.desc, SysId::dup3)) {
      int from = static_cast<int>(arg_num(0)), to = static_cast<int>(arg_num(1));
      if (from != to) {
        if (auto it = table.find(from); it != table.end())
          table[to] = {it->second.path, is(e.desc, SysId::dup3) && (e.args[2].raw & O_CLOEXEC)};
        else
          table.erase(to);
      }
    } else if (is(e.desc, SysId::fcntl) && (arg_num(1) == F_DUPFD || arg_num(1) == F_DUPFD_CLOEXEC)) {
      if (auto it = table.find(static_cast<int>(arg_num(0))); it != table.end())
        table[static_cast<int>(e.result)] = {it->second.path, arg_num(1) == F_DUPFD_CLOEXEC};
    } else if (is(e.desc, SysId::close)) {
      table.erase(static_cast<int>(arg_num(0)));
    } else if (is(e.desc, SysId::socket)) {
      table[static_cast<int>(e.result)] = {"socket:", false};
    } else if ((is(e.desc, SysId::pipe) || is(e.desc, SysId::pipe2)) && e.args[0].form == ArgValue::Form::Pair) {
      table[static_cast<int>(e.args[0].num)] = {"pipe:", false};
      table[static_cast<int>(e.args[0].num2)] = {"pipe:", false};
    } else if (is(e.desc, SysId::fork) || is(e.desc, SysId::vfork) || is(e.desc, SysId::clone) || is(e.desc, SysId::clone3)) {
      bool thread = is(e.desc, SysId::clone) && (e.args[0].raw & CLONE_THREAD);
      if (!thread && e.result > 0) {
        auto copy = table;
        fds[static_cast<pid_t>(e.result)] = std::move(copy);
      }
    }
  }

  void exec(const ExecEvent& e) {
    exes[e.pid] = e.exe;
    if (!track_fds) return;
    auto it = fds.find(e.pid);
    if (it == fds.end()) return;
    std::erase_if(it->second, [](const auto& kv) { return kv.second.cloexec; });
  }

  void exit(const ExitEvent& e) {
    entry_paths.erase(e.tid);
    if (!e.group_leader || e.superseded_by != 0) return;
    exes.erase(e.pid);
    fds.erase(e.pid);
  }
};

Checker::Checker(const Spec& spec, ProcessInfo info, CheckerLimits limits)
    : impl_(std::make_unique<Impl>(spec, std::move(info), limits)) {}
Checker::~Checker() = default;

namespace {

// The calls whose strings and buffers a rule examines: read them whole, so
// that no rule judges the first max_buffer bytes as if they were all; and
// read every pointer argument a rule examines again at exit, so that one
// another thread changed while the call ran is never judged as what the
// kernel used.
void add_whole_data(Interest& in, const CallPattern& p) {
  for (const auto& [key, checks] : p.args) {
    const SyscallDesc* d = lookup_syscall(key.first == Abi::x32 ? Abi::x86_64 : key.first, key.second);
    for (const ArgCheck& c : checks) {
      ArgKind k = d != nullptr && c.index < d->nargs ? d->args[c.index].kind : ArgKind::Buf;
      const bool bytes = k == ArgKind::Path || k == ArgKind::Str || k == ArgKind::Buf ||
                         k == ArgKind::Argv || k == ArgKind::Envp;
      if (bytes) in.add_whole_data(key.first, key.second);
      if (bytes || k == ArgKind::Struct) in.add_recheck(key.first, key.second);
    }
  }
}

Interest with_whole_data(Interest in, const Spec& spec) {
  for (const Rule& r : spec.rules) {
    add_whole_data(in, r.pattern);
    for (const CallPattern& step : r.steps) add_whole_data(in, step);
  }
  return in;
}

}  // namespace

Interest Checker::interest() const {
  const Spec& spec = impl_->spec;
  if (impl_->track_fds) return with_whole_data(Interest::all(), spec);
  Interest in = Interest::none();
  const auto result = Interest::Need::Result;
  // Only x86_64 numbers are filtered: calls through other ABIs always arrive.
  auto add = [&](const Selector& selector) {
    for (const SelectorItem& item : selector.items) {
      if (item.abi != Abi::x86_64) continue;
      if (item.nr >= 0) {
        in.add(item.nr, result);
        continue;
      }
      for (const SyscallDesc& d : syscall_table(Abi::x86_64))
        if (d.classes & item.classes) in.add(d.nr, result);
    }
  };
  for (const Rule& r : spec.rules) {
    if (r.kind == RuleKind::Sequence) {
      // Whether a run is unbroken depends on every call in between.
      if (r.mode != SequenceMode::Subsequence) return with_whole_data(Interest::all(), spec);
      for (const CallPattern& step : r.steps) add(step.selector);
    } else {
      add(r.pattern.selector);
    }
  }
  if (spec.policy) {
    SyscallEvent probe;
    probe.abi = Abi::x86_64;
    for (long nr = 0; nr < static_cast<long>(Interest::kNumbers); ++nr) {
      probe.nr = nr;
      probe.desc = lookup_syscall(Abi::x86_64, nr);
      if (spec.policy->violates(probe)) in.add(nr, result);
    }
    // Numbers no table knows break an allowlist.
    if (spec.policy->has_allow) in.add(static_cast<long>(Interest::kNumbers), result);
  }
  return with_whole_data(std::move(in), spec);
}

TraceOptions::Strict strict_allowances(const Spec& spec) {
  TraceOptions::Strict strict;
  if (!spec.policy) return strict;
  constexpr long kX32Bit = 0x40000000;
  SyscallEvent probe;
  probe.abi = Abi::i386;
  for (const SyscallDesc& d : syscall_table(Abi::i386)) {
    probe.nr = d.nr;
    probe.desc = &d;
    if (!spec.policy->violates(probe)) strict.allow_i386.push_back(d.nr);
  }
  probe.abi = Abi::x32;
  for (const SyscallDesc& d : syscall_table(Abi::x86_64)) {
    probe.nr = d.nr | kX32Bit;
    probe.desc = &d;
    if (!spec.policy->violates(probe)) strict.allow_x32.push_back(d.nr | kX32Bit);
  }
  return strict;
}

Verdict Checker::on_entry(const SyscallEvent& e) { return impl_->entry(e); }
void Checker::on_syscall(const SyscallEvent& e) { impl_->syscall(e); }
void Checker::on_exec(const ExecEvent& e) { impl_->exec(e); }
void Checker::on_exit(const ExitEvent& e) { impl_->exit(e); }
void Checker::on_finish(const TraceResult& r) { impl_->result = r; }

std::vector<std::uint64_t> Checker::rule_hits() const {
  std::vector<std::uint64_t> out;
  out.reserve(impl_->states.size());
  for (const auto& s : impl_->states) out.push_back(s.hits);
  return out;
}

namespace {

std::string join_words(const std::vector<std::string>& words) {
  std::string s;
  for (std::size_t i = 0; i < words.size(); ++i) s += (i ? ", " : "") + words[i];
  return s;
}

// A comma-separated list broken into lines of at most about `width`
// characters, at the spaces after its commas.
std::string wrap_list(const std::string& list, std::size_t width) {
  std::string out;
  std::size_t line = 0;
  std::size_t at = 0;
  while (at < list.size()) {
    std::size_t end = list.find(", ", at);
    std::string item = list.substr(at, end == std::string::npos ? std::string::npos : end + 1 - at);
    if (line > 0 && line + 1 + item.size() > width) {
      out += '\n';
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out += item;
    line += item.size();
    if (end == std::string::npos) break;
    at = end + 2;
  }
  return out;
}

std::string plural_of(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string selector_list(const std::vector<SelectorItem>& items) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i].text;
  return s;
}

ObservedGroup offence_group(const Offences& o, std::string heading) {
  ObservedGroup g{std::move(heading), {}};
  std::vector<const Group*> sorted;
  for (const auto& [key, grp] : o.groups) sorted.push_back(&grp);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Group* a, const Group* b) { return a->count > b->count; });
  for (const Group* grp : sorted) {
    ObservedCall c = grp->example;
    c.count = grp->count;
    std::string pids;
    for (std::size_t i = 0; i < grp->pids.size(); ++i) pids += fmt::format("{}{}", i ? ", " : "", grp->pids[i]);
    if (grp->more_pids) pids += ", ...";
    c.notes.push_back(fmt::format("{} call{} by pid{} {}", grp->count, grp->count == 1 ? "" : "s",
                                  grp->pids.size() == 1 && !grp->more_pids ? "" : "s", pids));
    g.calls.push_back(std::move(c));
  }
  if (o.ungrouped) {
    ObservedCall c;
    c.text = fmt::format("... and {} more calls of other syscalls or executables", o.ungrouped);
    c.count = o.ungrouped;
    g.calls.push_back(std::move(c));
  }
  return g;
}

std::string times(std::uint64_t n) {
  return n == 1 ? "once" : fmt::format("{} times", n);
}

std::string processes_of(const Offences& o) {
  std::vector<pid_t> all;
  for (const auto& [k, g] : o.groups)
    for (pid_t p : g.pids)
      if (std::find(all.begin(), all.end(), p) == all.end()) all.push_back(p);
  return fmt::format("{} process{}", all.size(), all.size() == 1 ? "" : "es");
}

}  // namespace

namespace {

std::vector<ObservedCall> calls_of(const Nearest& nearest) {
  std::vector<ObservedCall> out;
  for (const auto& [score, c] : nearest) out.push_back(c);
  return out;
}

std::string with_scope(std::string text, const std::string& scope) {
  if (!scope.empty()) text += ", " + scope;
  return text;
}

void expect_outcome(const Rule& r, const CallRuleState& s, RuleOutcome& o) {
  o.passed = r.count.contains(s.count);
  o.required = with_scope(fmt::format("{}, {}", r.pattern.describe(), r.count.describe()), r.process.describe());
  o.observed = s.count == 0 ? "no matching call" : fmt::format("matched {}", times(s.count));
  if (!o.passed && s.count < r.count.min) {
    if (!s.nearest.empty()) o.groups.push_back({"nearest calls", calls_of(s.nearest)});
    else if (s.count == 0) o.observed += fmt::format("; no call to {} at all", r.pattern.selector.describe());
  }
  if (!o.passed && r.count.max && s.count > *r.count.max)
    o.groups.push_back({fmt::format("matching calls (the first {})", s.matches.size()), s.matches});
}

void forbid_outcome(const Rule& r, const CallRuleState& s, RuleOutcome& o) {
  o.passed = s.count == 0;
  o.required = with_scope(fmt::format("never {}", r.pattern.describe()), r.process.describe());
  o.observed = o.passed ? "no matching call"
                        : fmt::format("happened {} in {}", times(s.count), processes_of(s.offences));
  if (s.undecided != 0)
    o.observed += fmt::format(" ({} could not be judged: an argument was cut when read)",
                              s.count == 1               ? std::string("it")
                              : s.undecided == s.count ? std::string("all of them")
                                                       : fmt::format("{} of them", s.undecided));
  if (!o.passed) o.groups.push_back(offence_group(s.offences, "offending calls"));
}

void sequence_outcome(const Rule& r, const SequenceState& s, RuleOutcome& o) {
  o.passed = s.done && !s.broken;
  std::string scope = r.process.describe();
  std::string mode = r.mode == SequenceMode::Subsequence ? "in this order (other calls may come between)"
                     : r.mode == SequenceMode::Contiguous
                         ? "one right after another, in this order"
                         : "from the first call that matches step 1, exactly these calls of these syscalls, in "
                           "this order, and no more";
  o.required = mode + (scope.empty() ? "" : ", " + scope) + ":";
  for (std::size_t k = 0; k < r.steps.size(); ++k) o.required += fmt::format("\n{}. {}", k + 1, r.steps[k].describe());
  if (o.passed) {
    o.observed = fmt::format("all {} steps", r.steps.size());
    return;
  }
  const auto& done_calls = r.mode == SequenceMode::Contiguous ? s.best : s.matched;
  const std::size_t got = done_calls.size();
  if (r.mode == SequenceMode::Exact && s.broken && s.next == r.steps.size())
    o.observed = fmt::format("all {} steps, then a call too many", r.steps.size());
  else
    o.observed = fmt::format("got through {} of {} steps", got, r.steps.size());
  if (!done_calls.empty()) o.groups.push_back({"matched", done_calls});
  if (s.instead) {
    std::string what = got < r.steps.size() ? fmt::format("instead of step {}", got + 1) : "then";
    o.groups.push_back({what, {*s.instead}});
  } else if (got < r.steps.size()) {
    if (!s.nearest.empty())
      o.groups.push_back({fmt::format("nearest calls for step {}", got + 1), calls_of(s.nearest)});
    else
      o.observed += fmt::format("; no call to {} {}", r.steps[got].selector.describe(),
                                got == 0 ? "at all" : "after that");
  }
}

RuleOutcome policy_outcome(const PolicySpec& p, const Offences& offences,
                           const std::map<std::string, PolicyBreach>& breaches, const std::string& spec_path) {
  RuleOutcome o;
  o.kind = "policy";
  o.name = "policy";
  o.line = p.pos.line;
  o.passed = offences.count == 0;
  o.groups_first = true;
  if (p.has_allow)
    o.required = fmt::format("only syscalls in allow ({} entr{}):\n{}", p.allow.size(),
                             p.allow.size() == 1 ? "y" : "ies", wrap_list(selector_list(p.allow), 72));
  if (!p.deny.empty())
    o.required += fmt::format("{}none in deny ({} entr{}):\n{}", o.required.empty() ? "" : "\n", p.deny.size(),
                              p.deny.size() == 1 ? "y" : "ies", wrap_list(selector_list(p.deny), 72));
  o.required += fmt::format("\non a violation: {}", p.on_violation_text);
  o.observed = o.passed ? "no violation"
                        : fmt::format("violated {} in {}, by {}", times(offences.count), processes_of(offences),
                                      plural_of(breaches.size(), "syscall"));
  if (o.passed) return o;
  // The calls by how often they broke it: what to allow, what is denied.
  std::vector<std::pair<std::string, PolicyBreach>> by_count(breaches.begin(), breaches.end());
  std::stable_sort(by_count.begin(), by_count.end(),
                   [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
  std::vector<std::string> outside, denied;
  for (const auto& [name, b] : by_count) (b.denied ? denied : outside).push_back(fmt::format("\"{}\"", name));
  if (!outside.empty())
    o.hints.push_back(fmt::format("if the program may make {}, add {} to [policy] allow ({}:{}):\n{}",
                                  outside.size() == 1 ? "it" : "them", outside.size() == 1 ? "it" : "them",
                                  spec_path, p.has_allow ? p.allow_pos.line : p.pos.line,
                                  wrap_list(join_words(outside), 72)));
  if (!denied.empty())
    o.hints.push_back(fmt::format("named in [policy] deny ({}:{}): {}", spec_path, p.pos.line, join_words(denied)));
  o.groups.push_back(offence_group(offences, "offending calls"));
  return o;
}

// [run] exit and [run] timeout, judged on how the run ended.
void run_outcomes(const RunSpec& run, const std::optional<TraceResult>& result, std::vector<RuleOutcome>& out) {
  if (run.exit) {
    RuleOutcome o;
    o.kind = "exit";
    o.name = "exit status";
    o.line = run.exit_pos.line;
    o.required = fmt::format("the target exits with {}", *run.exit);
    o.passed = result && result->exited && !result->signaled && result->exit_code == *run.exit;
    o.observed = result ? describe_status(*result) : "the target did not finish";
    out.push_back(std::move(o));
  }
  if (run.timeout) {
    RuleOutcome o;
    o.kind = "timeout";
    o.name = "timeout";
    o.line = run.timeout_pos.line;
    o.required = fmt::format("the target finishes within {}", run.timeout_text);
    o.passed = !(result && result->timed_out);
    o.observed = o.passed ? "finished in time" : "timed out; every traced process was killed";
    out.push_back(std::move(o));
  }
}

}  // namespace

CheckReport Checker::report(std::vector<std::string> command) const {
  const Impl& im = *impl_;
  const Spec& spec = im.spec;
  CheckReport rep;
  rep.spec = spec.path;
  rep.command = std::move(command);
  if (im.result) rep.result = *im.result;

  for (std::size_t i = 0; i < spec.rules.size(); ++i) {
    const Rule& r = spec.rules[i];
    const RuleState& s = im.states[i];
    RuleOutcome o;
    o.kind = std::string(rule_kind_name(r.kind));
    o.name = r.name;
    o.line = r.pos.line;
    switch (r.kind) {
      case RuleKind::Expect: expect_outcome(r, s.calls(), o); break;
      case RuleKind::Forbid: forbid_outcome(r, s.calls(), o); break;
      case RuleKind::Sequence: sequence_outcome(r, s.seq(), o); break;
      default: break;
    }
    rep.rules.push_back(std::move(o));
  }
  if (spec.policy) rep.rules.push_back(policy_outcome(*spec.policy, im.policy, im.breaches, rep.spec));
  run_outcomes(spec.run, im.result, rep.rules);
  std::stable_sort(rep.rules.begin(), rep.rules.end(),
                   [](const RuleOutcome& a, const RuleOutcome& b) { return a.line < b.line; });
  return rep;
}

}  // namespace syspect
