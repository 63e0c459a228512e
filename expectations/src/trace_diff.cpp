#include "syspect/trace_diff.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "syscall_ids.hpp"

namespace syspect {
namespace {

bool named(const SyscallEvent& e, std::initializer_list<SysId> ids) {
  if (e.desc == nullptr) return false;
  for (SysId id : ids)
    if (e.desc->id == id) return true;
  return false;
}

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool left_out(const SyscallEvent& e, const DiffOptions& o) {
  if (!o.keep_futex && named(e, {SysId::futex})) return true;
  return o.ignore && o.ignore->matches(e);
}

// Arguments that hold a pid or tid, by the name the table gives them.
bool is_pid_arg(const ArgDesc& d) {
  return (d.kind == ArgKind::Int || d.kind == ArgKind::Long) &&
         (std::strcmp(d.name, "pid") == 0 || std::strcmp(d.name, "tgid") == 0 ||
          std::strcmp(d.name, "tid") == 0 || std::strcmp(d.name, "pgid") == 0);
}

// Calls whose successful result is a pid or tid.
bool returns_pid(const SyscallEvent& e) {
  return named(e, {SysId::clone, SysId::clone3, SysId::fork, SysId::vfork, SysId::getpid, SysId::gettid, SysId::getppid, SysId::wait4, SysId::set_tid_address, SysId::getpgid, SysId::getpgrp, SysId::getsid, SysId::setsid});
}

bool creates_task(const SyscallEvent& e) {
  return named(e, {SysId::clone, SysId::clone3, SysId::fork, SysId::vfork}) && e.finished && !e.err && e.result > 0;
}

// A pid argument is replaced by this plus its label's index before the call
// is formatted, and the number by the label after: the formatter stays the
// one strace-compatible renderer.
constexpr std::int64_t kPidMark = 1999000000;
// syspect's own patterns, which compile.
Regex fixed_regex(std::string_view pattern) { return std::move(Regex::compile(pattern)).value(); }

const Regex& pid_mark_regex() {
  static const Regex r = fixed_regex("1999(\\d{6})");
  return r;
}
const Regex& address_regex() {
  static const Regex r = fixed_regex("0x[0-9a-f]{6,}");
  return r;
}
// Timestamps and durations in decoded structs (timespec, timeval).
const Regex& time_regex() {
  static const Regex r = fixed_regex("(tv_(?:sec|nsec|usec))=[0-9]+");
  return r;
}
// Pids inside decoded structs: a netlink port id in an address or a
// message header (the pid for a process's first netlink socket, a negative
// number the kernel draws at random for the others), the tid clone3 wrote
// to parent_tid.
const Regex& struct_pid_regex() {
  static const Regex r = fixed_regex("\\b(nl_pid=|nlmsg_pid=|parent_tid=\\[)(-?\\d+)");
  return r;
}
// Netlink sequence numbers: programs often start them at the time of day
// (iproute2 does).
const Regex& netlink_seq_regex() {
  static const Regex r = fixed_regex("\\bnlmsg_seq=(\\d+)");
  return r;
}
// A port the kernel picked: bound to 0, or the local end of a connection.
// Linux picks them from 32768..60999 by default; ports programs choose
// are mostly below.
const Regex& port_regex() {
  static const Regex r = fixed_regex("(sin6?_port)=htons\\(([0-9]+)\\)");
  return r;
}
constexpr long kFirstEphemeralPort = 32768;
// What the state of the whole machine gives: sysinfo's clock, load, memory
// and process count; statfs's free blocks and inodes.
const Regex& sysinfo_regex() {
  static const Regex r =
      fixed_regex("\\b(uptime|loads|freeram|sharedram|bufferram|freeswap|procs|freehigh)=(\\[[^\\]]*\\]|[0-9]+)");
  return r;
}
const Regex& statfs_regex() {
  static const Regex r = fixed_regex("\\b(f_bfree|f_bavail|f_ffree)=[0-9]+");
  return r;
}

std::string group(const Regex::Match& m, std::size_t i) { return std::string(m.groups[i]); }

// The number a run of digits spells, when it fits: a program may put any
// number of digits in a path.
std::optional<long> number(std::string_view digits) {
  long n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return n;
}

bool digit(char c) { return c >= '0' && c <= '9'; }

// /proc/PID and /proc/PID/task/TID as a path, alone or followed by more of
// one (not followed by a character of a name: /proc/12x is no pid), with
// `f` making each pid's replacement.
template <typename F>
std::string replace_proc_pids(const std::string& text, F f) {
  auto name_char = [&text](std::size_t i) {
    if (i >= text.size()) return false;
    char c = text[i];
    return digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '.' || c == '-';
  };
  auto digits_at = [&text](std::size_t i) {
    std::size_t end = i;
    while (end < text.size() && digit(text[end])) ++end;
    return end - i;
  };
  constexpr std::string_view kProc = "/proc/", kTask = "/task/";
  std::string out;
  std::size_t last = 0;
  for (std::size_t at = text.find(kProc); at != std::string::npos; at = text.find(kProc, at + 1)) {
    const std::size_t pid_at = at + kProc.size(), pid_len = digits_at(pid_at);
    if (pid_len == 0) continue;
    const std::size_t pid_end = pid_at + pid_len;
    std::size_t end = std::string::npos;
    std::string replaced;
    if (std::string_view(text).substr(pid_end, kTask.size()) == kTask) {
      const std::size_t tid_at = pid_end + kTask.size(), tid_len = digits_at(tid_at);
      if (tid_len != 0 && !name_char(tid_at + tid_len)) {
        end = tid_at + tid_len;
        replaced = std::string(kProc) + f(text.substr(pid_at, pid_len)) + std::string(kTask) +
                   f(text.substr(tid_at, tid_len));
      }
    }
    if (end == std::string::npos && !name_char(pid_end)) {
      end = pid_end;
      replaced = std::string(kProc) + f(text.substr(pid_at, pid_len));
    }
    if (end == std::string::npos) continue;
    out.append(text, last, at - last);
    out += replaced;
    last = end;
    at = end - 1;
  }
  out.append(text, last);
  return out;
}

bool is_random_device(const std::string& path) {
  return path == "/dev/urandom" || path == "/dev/random";
}

struct Labels {
  std::unordered_map<pid_t, std::string> known;  // tid → "1.2"
  std::unordered_map<pid_t, std::string> outside;  // pids not traced: "x1"
  std::vector<std::string> table;  // index → label, for kPidMark
  std::unordered_map<long, std::string> ports;  // random netlink port ids: "<port 1>"

  std::string port(long id) {
    auto [it, added] = ports.try_emplace(id, "");
    if (added) it->second = fmt::format("<port {}>", ports.size());
    return it->second;
  }

  std::string label(pid_t pid) {
    if (auto it = known.find(pid); it != known.end()) return "<pid " + it->second + ">";
    auto [it, added] = outside.try_emplace(pid, "");
    if (added) it->second = fmt::format("x{}", outside.size());
    return "<pid " + it->second + ">";
  }
  std::int64_t mark(pid_t pid) {
    table.push_back(label(pid));
    return kPidMark + static_cast<std::int64_t>(table.size() - 1);
  }
};

class Normalizer {
 public:
  Normalizer(const Trace& t, const DiffOptions& o) : trace_(t), options_(o) {}

  std::vector<NormalizedTask> run() {
    build_tree();
    std::vector<NormalizedTask> out(order_.size());
    std::unordered_map<pid_t, std::size_t> index;
    for (std::size_t i = 0; i < order_.size(); ++i) {
      index[order_[i]] = i;
      out[i].position = labels_.known[order_[i]];
    }
    for (const Event& ev : trace_.events()) {
      if (const auto* s = std::get_if<SyscallEvent>(&ev)) {
        NormalizedTask& task = out[index.at(s->tid)];
        if (s->exe) task.exe = *s->exe;
        track_fds(*s);
        if (left_out(*s, options_)) continue;
        task.lines.push_back(syscall_line(*s));
        task.names.push_back(s->name());
      } else if (const auto* g = std::get_if<SignalEvent>(&ev)) {
        SignalEvent copy = *g;
        copy.utime = copy.stime = 0;  // durations
        std::string text = format_signal(copy);
        if (copy.sender_pid > 0) {
          std::string was = fmt::format("si_pid={},", copy.sender_pid);
          if (auto at = text.find(was); at != std::string::npos)
            text.replace(at, was.size(), "si_pid=" + labels_.label(copy.sender_pid) + ",");
        }
        out[index.at(g->tid)].signals.push_back(finish(std::move(text)));
      } else if (const auto* x = std::get_if<ExitEvent>(&ev)) {
        NormalizedTask& task = out[index.at(x->tid)];
        std::string text = format_exit(*x);
        if (x->superseded_by) text = "+++ superseded by execve in " + labels_.label(x->superseded_by) + " +++";
        task.lines.push_back(finish(std::move(text)));
        task.names.emplace_back();
      } else if (const auto* e = std::get_if<ExecEvent>(&ev)) {
        out[index.at(e->pid)].exe = e->filename;
      }
    }
    return out;
  }

 private:
  const Trace& trace_;
  const DiffOptions& options_;
  Labels labels_;
  std::vector<pid_t> order_;  // tasks in tree order (breadth first)
  // Descriptors of random devices, per process.
  std::map<pid_t, std::set<std::int64_t>> random_fds_;
  // The first netlink sequence number of each process.
  std::unordered_map<pid_t, long> seq_base_;

  static pid_t tid_of(const Event& ev) {
    return std::visit(
        [](const auto& e) -> pid_t {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, ExecEvent>) {
            return e.pid;
          } else {
            return e.tid;
          }
        },
        ev);
  }

  // Tasks named by their place in the tree: the root is "1", the second
  // task it creates "1.2". Creation order is the order of a task's own
  // clone/fork calls, which does not depend on scheduling.
  void build_tree() {
    std::vector<pid_t> seen;
    std::unordered_map<pid_t, std::vector<pid_t>> children;
    std::set<pid_t> has_parent, known;
    for (const Event& ev : trace_.events()) {
      pid_t tid = tid_of(ev);
      if (known.insert(tid).second) seen.push_back(tid);
      if (const auto* s = std::get_if<SyscallEvent>(&ev); s && creates_task(*s)) {
        auto child = static_cast<pid_t>(s->result);
        children[s->tid].push_back(child);
        has_parent.insert(child);
      }
    }
    std::deque<pid_t> queue;
    std::size_t roots = 0;
    for (pid_t t : seen) {
      if (has_parent.count(t)) continue;
      labels_.known[t] = fmt::format("{}", ++roots);
      queue.push_back(t);
    }
    while (!queue.empty()) {
      pid_t t = queue.front();
      queue.pop_front();
      if (!known.count(t)) continue;  // created, never seen (untraced)
      order_.push_back(t);
      std::size_t n = 0;
      for (pid_t c : children[t]) {
        labels_.known[c] = fmt::format("{}.{}", labels_.known[t], ++n);
        queue.push_back(c);
      }
    }
    // Tasks whose creator was not seen, and creators' children seen before
    // the cycle broke: anything left, in order of appearance.
    for (pid_t t : seen) {
      if (std::find(order_.begin(), order_.end(), t) != order_.end()) continue;
      if (!labels_.known.count(t)) labels_.known[t] = fmt::format("{}", ++roots);
      order_.push_back(t);
    }
  }

  void track_fds(const SyscallEvent& e) {
    if (!e.finished || e.err || e.desc == nullptr) return;
    if (named(e, {SysId::open, SysId::openat, SysId::openat2})) {
      int path_at = named(e, {SysId::open}) ? 0 : 1;
      const ArgValue& p = e.args[path_at];
      if (p.form == ArgValue::Form::String && is_random_device(p.bytes)) random_fds_[e.pid].insert(e.result);
    } else if (named(e, {SysId::close})) {
      random_fds_[e.pid].erase(e.args[0].num);
    }
  }

  bool reads_random(const SyscallEvent& e) {
    if (named(e, {SysId::getrandom})) return true;
    if (!named(e, {SysId::read, SysId::pread64})) return false;
    auto it = random_fds_.find(e.pid);
    return it != random_fds_.end() && it->second.count(e.args[0].num);
  }

  std::string syscall_line(const SyscallEvent& original) {
    SyscallEvent e = original;
    std::optional<std::string> result;
    labels_.table.clear();
    if (e.desc != nullptr) {
      for (int i = 0; i < e.nargs; ++i) {
        const ArgDesc& d = e.desc->args[i];
        ArgValue& v = e.args[i];
        // A negative pid names a process group (kill, wait4): -<pid 1>.
        if (is_pid_arg(d) && v.form == ArgValue::Form::Number && (v.num > 0 || v.num < -1)) {
          std::int64_t mark = labels_.mark(static_cast<pid_t>(v.num > 0 ? v.num : -v.num));
          v.num = v.num > 0 ? mark : -mark;
          v.raw = static_cast<std::uint64_t>(v.num);
        }
        if (d.kind == ArgKind::Buf && v.form == ArgValue::Form::Bytes && reads_random(e)) {
          // Shown as written, whatever quoting the call's bytes get
          // (getrandom's are always in hex).
          v.form = ArgValue::Form::Struct;
          v.text = "\"<random>\"";
          v.bytes.clear();
          v.truncated = false;
        }
      }
      if (e.finished && !e.err && !e.no_return) {
        if (returns_pid(e) && e.result > 0) {
          result = labels_.label(static_cast<pid_t>(e.result));
        } else if (named(e, {SysId::time})) {
          result = "<time>";
        } else if (named(e, {SysId::times})) {
          result = "<clock ticks>";
        } else if (named(e, {SysId::rt_sigreturn, SysId::sigreturn})) {
          // What the interrupted code had in rax (often the result of the
          // call the signal came after), not something the return does.
          result = "<restored>";
        }
      }
    }
    std::string text = format_syscall(e, options_.format);
    if (result) {
      auto eq = text.rfind(" = ");
      if (eq != std::string::npos) text = text.substr(0, eq + 3) + *result;
    }
    if (!labels_.table.empty()) {
      text = pid_mark_regex().replace_each(text, [this](const Regex::Match& m) {
        auto i = number(m.groups[1]);  // six digits
        if (!i || static_cast<std::size_t>(*i) >= labels_.table.size()) return group(m, 0);
        return labels_.table[static_cast<std::size_t>(*i)];
      });
    }
    if (text.find("nlmsg_seq=") != std::string::npos) text = netlink_seq(e.pid, text);
    if (named(e, {SysId::sysinfo})) text = sysinfo_regex().replace(text, "$1=N");
    if (named(e, {SysId::statfs, SysId::fstatfs})) text = statfs_regex().replace(text, "$1=N");
    return finish(std::move(text));
  }

  // A netlink sequence number as its distance from the first one the
  // process sent or received: <seq>, <seq+1>, ... Runs in different
  // seconds then agree, and a change in how a program numbers its
  // requests still shows.
  std::string netlink_seq(pid_t pid, const std::string& text) {
    return netlink_seq_regex().replace_each(text, [this, pid](const Regex::Match& m) {
      auto n = number(m.groups[1]);
      if (!n) return group(m, 0);
      auto [base, added] = seq_base_.try_emplace(pid, *n);
      long delta = *n - base->second;
      if (delta == 0) return std::string("nlmsg_seq=<seq>");
      return fmt::format("nlmsg_seq=<seq{:+}>", delta);
    });
  }

  // What every line gets: /proc/PID paths, pids in structs, ports the
  // kernel picked, addresses, the user's patterns.
  std::string finish(std::string text) {
    if (text.find("/proc/") != std::string::npos) {
      text = replace_proc_pids(text, [this](const std::string& n) {
        auto pid = number(n);
        if (!pid || *pid > std::numeric_limits<pid_t>::max()) return n;
        return labels_.known.count(static_cast<pid_t>(*pid)) ? labels_.label(static_cast<pid_t>(*pid)) : n;
      });
    }
    if (text.find("nl_pid=") != std::string::npos || text.find("nlmsg_pid=") != std::string::npos ||
        text.find("parent_tid=[") != std::string::npos) {
      text = struct_pid_regex().replace_each(text, [this](const Regex::Match& m) {
        auto pid = number(m.groups[2]);
        if (pid && *pid < 0) return group(m, 1) + labels_.port(*pid);
        return pid && *pid > 0 && *pid <= std::numeric_limits<pid_t>::max()
                   ? group(m, 1) + labels_.label(static_cast<pid_t>(*pid))
                   : group(m, 0);
      });
    }
    if (text.find("_port=htons(") != std::string::npos) {
      text = port_regex().replace_each(text, [](const Regex::Match& m) {
        auto port = number(m.groups[2]);
        return port && *port >= kFirstEphemeralPort ? group(m, 1) + "=htons(<ephemeral>)" : group(m, 0);
      });
    }
    text = address_regex().replace(text, "0xADDR");
    if (text.find("tv_") != std::string::npos) text = time_regex().replace(text, "$1=N");
    for (const NormalizeRule& r : options_.normalize) text = r.pattern.replace(text, r.replacement);
    return text;
  }
};

// ---- output ----

struct Paint {
  bool on;
  std::string operator()(const char* code, const std::string& s) const {
    return on ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  }
};

// Pairs of task indexes (old, new); a missing side is npos.
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

std::vector<std::pair<std::size_t, std::size_t>> pair_tasks(const std::vector<NormalizedTask>& a,
                                                            const std::vector<NormalizedTask>& b) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  std::vector<bool> used_a(a.size()), used_b(b.size());
  // Same place in the tree and the same program.
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = 0; j < b.size(); ++j) {
      if (used_b[j] || a[i].position != b[j].position) continue;
      if (basename_of(a[i].exe) != basename_of(b[j].exe)) continue;
      pairs.emplace_back(i, j);
      used_a[i] = used_b[j] = true;
      break;
    }
  }
  // Then the same program, in tree order.
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (used_a[i]) continue;
    for (std::size_t j = 0; j < b.size(); ++j) {
      if (used_b[j] || basename_of(a[i].exe) != basename_of(b[j].exe)) continue;
      pairs.emplace_back(i, j);
      used_a[i] = used_b[j] = true;
      break;
    }
  }
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!used_a[i]) pairs.emplace_back(i, kNone);
  for (std::size_t j = 0; j < b.size(); ++j)
    if (!used_b[j]) pairs.emplace_back(kNone, j);
  // In the old trace's tree order, new-only tasks last.
  auto key = [&a](const std::pair<std::size_t, std::size_t>& p) {
    return p.first == kNone ? a.size() + p.second : p.first;
  };
  std::stable_sort(pairs.begin(), pairs.end(),
                   [&key](const auto& x, const auto& y) { return key(x) < key(y); });
  return pairs;
}

std::string task_title(const NormalizedTask* a, const NormalizedTask* b) {
  auto one = [](const NormalizedTask& t) {
    return fmt::format("pid {} ({})", t.position, t.exe.empty() ? "?" : basename_of(t.exe));
  };
  if (a && b) {
    std::string x = one(*a), y = one(*b);
    return x == y ? x : x + " -> " + y;
  }
  if (a) return one(*a) + ", only in the old trace";
  return one(*b) + ", only in the new trace";
}

std::string range(std::size_t start, std::size_t count) {
  // Unified diff: "start,count", 1-based; an empty range names the line before.
  if (count == 0) return fmt::format("{},0", start);
  if (count == 1) return fmt::format("{}", start + 1);
  return fmt::format("{},{}", start + 1, count);
}

// Hunks of one task pair, with `context` lines around each change.
void render_hunks(std::string& out, const std::vector<std::string>& a, const std::vector<std::string>& b,
                  const std::vector<Edit>& edits, const std::string& title, const DiffOptions& o) {
  Paint paint{o.colour};
  std::size_t i = 0;
  const std::size_t n = edits.size();
  while (i < n) {
    while (i < n && edits[i].op == EditOp::Keep) ++i;
    if (i == n) break;
    std::size_t start = i >= o.context ? i - o.context : 0;
    // Extend while the next change is within 2 * context of this one.
    std::size_t end = i;
    while (true) {
      while (end < n && edits[end].op != EditOp::Keep) ++end;
      std::size_t keep = end;
      while (keep < n && edits[keep].op == EditOp::Keep) ++keep;
      if (keep < n && keep - end <= 2 * o.context) {
        end = keep;
        continue;
      }
      end = std::min(n, end + o.context);
      break;
    }
    std::size_t old_start = 0, new_start = 0, old_count = 0, new_count = 0;
    bool first = true;
    for (std::size_t k = start; k < end; ++k) {
      const Edit& e = edits[k];
      if (first) {
        // The position before this hunk, in each sequence.
        old_start = e.old_index;
        new_start = e.new_index;
        first = false;
      }
      if (e.op != EditOp::Add) ++old_count;
      if (e.op != EditOp::Remove) ++new_count;
    }
    out += paint("36", fmt::format("@@ -{} +{} @@", range(old_start, old_count), range(new_start, new_count)));
    out += ' ';
    out += title;
    out += '\n';
    for (std::size_t k = start; k < end; ++k) {
      const Edit& e = edits[k];
      switch (e.op) {
        case EditOp::Keep: out += " " + a[e.old_index] + "\n"; break;
        case EditOp::Remove: out += paint("31", "-" + a[e.old_index]) + "\n"; break;
        case EditOp::Add: out += paint("32", "+" + b[e.new_index]) + "\n"; break;
      }
    }
    i = end;
  }
}

std::map<std::string, std::size_t> count_names(const std::vector<NormalizedTask>& tasks) {
  std::map<std::string, std::size_t> counts;
  for (const auto& t : tasks)
    for (const auto& n : t.names)
      if (!n.empty()) ++counts[n];
  return counts;
}

void render_count_table(std::string& out, const std::map<std::string, std::size_t>& a,
                        const std::map<std::string, std::size_t>& b, const Paint& paint) {
  std::set<std::string> names;
  for (const auto& [n, c] : a) names.insert(n);
  for (const auto& [n, c] : b) names.insert(n);
  std::vector<std::array<std::string, 4>> rows;
  for (const auto& n : names) {
    auto x = a.count(n) ? a.at(n) : 0, y = b.count(n) ? b.at(n) : 0;
    if (x == y) continue;
    auto delta = static_cast<long long>(y) - static_cast<long long>(x);
    rows.push_back({n, fmt::format("{}", x), fmt::format("{}", y), fmt::format("{:+}", delta)});
  }
  if (rows.empty()) return;
  std::size_t w = 7;
  for (const auto& r : rows) w = std::max(w, r[0].size());
  out += fmt::format("{:<{}}  {:>7}  {:>7}  {:>7}\n", "syscall", w, "old", "new", "change");
  for (const auto& r : rows) {
    std::string line = fmt::format("{:<{}}  {:>7}  {:>7}  {:>7}", r[0], w, r[1], r[2], r[3]);
    out += paint(r[3][0] == '+' ? "32" : "31", line) + "\n";
  }
}

std::string header(const DiffOptions& o) {
  Paint paint{o.colour};
  return paint("1", "--- " + o.old_name) + "\n" + paint("1", "+++ " + o.new_name) + "\n";
}

}  // namespace

Result<NormalizeRule, std::string> parse_normalize_rule(const std::string& text) {
  auto eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0)
    return unexpected(fmt::format("--normalize '{}': expected REGEX=REPLACEMENT", text));
  auto re = Regex::compile(std::string_view(text).substr(0, eq));
  if (!re) return unexpected(fmt::format("--normalize '{}': bad regular expression: {}", text, re.error()));
  return NormalizeRule{text, std::move(*re), text.substr(eq + 1)};
}

std::vector<NormalizedTask> normalize_trace(const Trace& trace, const DiffOptions& options) {
  return Normalizer(trace, options).run();
}

std::vector<Edit> align(const std::vector<std::string>& a, const std::vector<std::string>& b,
                        bool* minimal) {
  if (minimal != nullptr) *minimal = true;
  // Lines as numbers, so that comparisons are cheap.
  std::unordered_map<std::string, int> ids;
  auto intern = [&ids](const std::vector<std::string>& v) {
    std::vector<int> out;
    out.reserve(v.size());
    for (const auto& s : v) out.push_back(ids.emplace(s, static_cast<int>(ids.size())).first->second);
    return out;
  };
  std::vector<int> x = intern(a), y = intern(b);
  std::vector<Edit> edits;
  // The common head and tail need no search.
  std::size_t head = 0;
  while (head < x.size() && head < y.size() && x[head] == y[head]) ++head;
  std::size_t tail = 0;
  while (tail < x.size() - head && tail < y.size() - head &&
         x[x.size() - 1 - tail] == y[y.size() - 1 - tail])
    ++tail;
  for (std::size_t i = 0; i < head; ++i) edits.push_back({EditOp::Keep, i, i});

  const long n = static_cast<long>(x.size() - head - tail);
  const long m = static_cast<long>(y.size() - head - tail);
  auto X = [&](long i) { return x[head + static_cast<std::size_t>(i)]; };
  auto Y = [&](long j) { return y[head + static_cast<std::size_t>(j)]; };
  std::vector<Edit> middle;
  if (n == 0 || m == 0) {
    // Only removals or only additions: nothing to search.
    for (long r = 0; r < n; ++r) middle.push_back({EditOp::Remove, head + static_cast<std::size_t>(r), head});
    for (long r = 0; r < m; ++r) middle.push_back({EditOp::Add, head, head + static_cast<std::size_t>(r)});
  } else {
    // Past kMaxAlignDistance differences the search stops (below).
    const long max = std::min(n + m, kMaxAlignDistance);
    std::vector<long> v(static_cast<std::size_t>(2 * max + 3), 0);
    const long off = max + 1;
    // v as it was before each round d, kept for the way back: rounds
    // -d..d only, so the memory is O(D^2).
    std::vector<std::vector<long>> history;
    long found = -1;
    for (long d = 0; d <= max && found < 0; ++d) {
      history.emplace_back(v.begin() + (off - d - 1), v.begin() + (off + d + 2));
      for (long k = -d; k <= d; k += 2) {
        long i;
        if (k == -d || (k != d && v[static_cast<std::size_t>(off + k - 1)] < v[static_cast<std::size_t>(off + k + 1)])) {
          i = v[static_cast<std::size_t>(off + k + 1)];
        } else {
          i = v[static_cast<std::size_t>(off + k - 1)] + 1;
        }
        long j = i - k;
        while (i < n && j < m && X(i) == Y(j)) ++i, ++j;
        v[static_cast<std::size_t>(off + k)] = i;
        if (i >= n && j >= m) {
          found = d;
          break;
        }
      }
    }
    if (found < 0) {
      // More differences than searched for: all of the middle removed, then
      // all of it added. Correct, not minimal.
      if (minimal != nullptr) *minimal = false;
      for (long r = 0; r < n; ++r)
        middle.push_back({EditOp::Remove, head + static_cast<std::size_t>(r), head});
      for (long r = 0; r < m; ++r)
        middle.push_back({EditOp::Add, head + static_cast<std::size_t>(n), head + static_cast<std::size_t>(r)});
      edits.insert(edits.end(), middle.begin(), middle.end());
      for (std::size_t t = 0; t < tail; ++t)
        edits.push_back({EditOp::Keep, x.size() - tail + t, y.size() - tail + t});
      return edits;
    }
    long i = n, j = m;
    for (long d = found; d > 0; --d) {
      const std::vector<long>& h = history[static_cast<std::size_t>(d)];
      auto at = [&](long k) { return h[static_cast<std::size_t>(k + d + 1)]; };
      long k = i - j;
      long pk = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
      long pi = at(pk), pj = pi - pk;
      while (i > pi && j > pj) {
        --i, --j;
        middle.push_back({EditOp::Keep, head + static_cast<std::size_t>(i), head + static_cast<std::size_t>(j)});
      }
      if (i == pi) {
        --j;
        middle.push_back({EditOp::Add, head + static_cast<std::size_t>(i), head + static_cast<std::size_t>(j)});
      } else {
        --i;
        middle.push_back({EditOp::Remove, head + static_cast<std::size_t>(i), head + static_cast<std::size_t>(j)});
      }
      i = pi, j = pj;
    }
    while (i > 0 && j > 0) {
      --i, --j;
      middle.push_back({EditOp::Keep, head + static_cast<std::size_t>(i), head + static_cast<std::size_t>(j)});
    }
    std::reverse(middle.begin(), middle.end());
  }
  edits.insert(edits.end(), middle.begin(), middle.end());
  for (std::size_t t = 0; t < tail; ++t)
    edits.push_back({EditOp::Keep, x.size() - tail + t, y.size() - tail + t});
  return edits;
}

DiffResult diff_traces(const Trace& old_trace, const Trace& new_trace, const DiffOptions& o) {
  std::vector<NormalizedTask> a = normalize_trace(old_trace, o), b = normalize_trace(new_trace, o);
  std::string body;
  Paint paint{o.colour};
  bool all_minimal = true;
  for (auto [i, j] : pair_tasks(a, b)) {
    const NormalizedTask* ta = i == kNone ? nullptr : &a[i];
    const NormalizedTask* tb = j == kNone ? nullptr : &b[j];
    static const std::vector<std::string> none;
    const auto& la = ta ? ta->lines : none;
    const auto& lb = tb ? tb->lines : none;
    std::string title = task_title(ta, tb);
    bool minimal = true;
    std::vector<Edit> edits = align(la, lb, &minimal);
    if (!minimal) {
      all_minimal = false;
      body += Paint{o.colour}("36", fmt::format("@@ note @@ {}: more than {} differences; this part of the diff "
                                                "is correct but not minimal", title, kMaxAlignDistance)) + "\n";
    }
    render_hunks(body, la, lb, edits, title, o);
    // Signals: compared as a list apart from the calls, since where one
    // lands among them is a matter of timing.
    const auto& sa = ta ? ta->signals : none;
    const auto& sb = tb ? tb->signals : none;
    std::vector<Edit> se = align(sa, sb);
    if (std::any_of(se.begin(), se.end(), [](const Edit& e) { return e.op != EditOp::Keep; })) {
      body += paint("36", "@@ signals @@") + " " + title + "\n";
      for (const Edit& e : se) {
        if (e.op == EditOp::Remove) body += paint("31", "-" + sa[e.old_index]) + "\n";
        if (e.op == EditOp::Add) body += paint("32", "+" + sb[e.new_index]) + "\n";
      }
    }
  }
  DiffResult r;
  r.equal = body.empty();
  r.minimal = all_minimal;
  if (r.equal) return r;
  r.text = header(o) + body;
  std::string table;
  render_count_table(table, count_names(a), count_names(b), paint);
  if (!table.empty()) r.text += "\n" + table;
  return r;
}

DiffResult diff_counts(const Trace& old_trace, const Trace& new_trace, const DiffOptions& o) {
  Paint paint{o.colour};
  auto pairs_of = [&o](const Trace& t) {
    std::set<std::pair<std::string, std::string>> out;
    for (const Event& ev : t.events()) {
      const auto* s = std::get_if<SyscallEvent>(&ev);
      if (s == nullptr || s->desc == nullptr) continue;
      if (left_out(*s, o)) continue;
      for (int i = 0; i < s->nargs; ++i) {
        if (s->desc->args[i].kind != ArgKind::Path || s->args[i].form != ArgValue::Form::String) continue;
        std::string path = s->args[i].bytes;
        for (const NormalizeRule& r : o.normalize) path = r.pattern.replace(path, r.replacement);
        out.emplace(s->name(), path);
      }
    }
    return out;
  };
  std::vector<NormalizedTask> a = normalize_trace(old_trace, o), b = normalize_trace(new_trace, o);
  std::string body;
  render_count_table(body, count_names(a), count_names(b), paint);
  auto pa = pairs_of(old_trace), pb = pairs_of(new_trace);
  std::string paths;
  for (const auto& p : pa)
    if (!pb.count(p)) paths += paint("31", fmt::format("-{} {}", p.first, quote_string(p.second, p.second.size()))) + "\n";
  for (const auto& p : pb)
    if (!pa.count(p)) paths += paint("32", fmt::format("+{} {}", p.first, quote_string(p.second, p.second.size()))) + "\n";
  if (!paths.empty()) {
    if (!body.empty()) body += "\n";
    body += paths;
  }
  DiffResult r;
  r.equal = body.empty();
  if (!r.equal) r.text = header(o) + body;
  return r;
}

}  // namespace syspect
