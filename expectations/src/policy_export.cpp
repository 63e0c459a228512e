#include "syspect/policy_export.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace syspect {
namespace {

std::string plural(std::uint64_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

struct Entry {
  std::string text;     // "@stat", "openat", "i386:getpid"
  std::string comment;  // "12 calls: fstat 4, newfstatat 8"
};

// The classes every x86_64 syscall of which was used, with their members.
std::vector<std::pair<std::string, std::vector<std::string>>> whole_classes(const SyscallUsage& u) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  auto names = trace_class_names();
  for (std::size_t bit = 0; bit < names.size(); ++bit) {
    std::vector<std::string> members;
    bool all = true;
    for (const SyscallDesc& d : syscall_table(Abi::x86_64)) {
      if ((d.classes & (1u << bit)) == 0) continue;
      members.emplace_back(d.name);
      if (!u.counts.count({Abi::x86_64, d.name})) all = false;
    }
    // A class of one is its syscall's name: no shorter, less plain.
    if (all && members.size() >= 2) out.emplace_back(fmt::format("@{}", names[bit]), std::move(members));
  }
  return out;
}

constexpr AlwaysAllowed kAlwaysAllowed[] = {
    {"rt_sigreturn", "returns from a signal handler", true},
    {"sigreturn", "returns from a signal handler", true},
    {"restart_syscall", "resumes a sleep or poll that a stop interrupted", true},
    {"exit", "ends a thread", true},
    {"exit_group", "ends the process", true},
    {"madvise", "glibc releases the stack of a thread that ends", false},
};

std::set<Abi> abis_of(const SyscallUsage& u) {
  std::set<Abi> abis = {Abi::x86_64};
  for (const auto& [key, n] : u.counts) abis.insert(key.first);
  return abis;
}

// The always-allowed calls the traces did not show, for each ABI they used
// that has them.
std::vector<std::pair<Abi, const AlwaysAllowed*>> always_allowed_unseen(const SyscallUsage& u) {
  std::vector<std::pair<Abi, const AlwaysAllowed*>> out;
  for (Abi abi : abis_of(u))
    for (const AlwaysAllowed& a : kAlwaysAllowed)
      if (find_syscall(abi, a.name) != nullptr && !u.counts.count({abi, a.name})) out.emplace_back(abi, &a);
  return out;
}

std::string arch_of(Abi abi) {
  switch (abi) {
    case Abi::x86_64: return "SCMP_ARCH_X86_64";
    case Abi::i386: return "SCMP_ARCH_X86";
    case Abi::x32: return "SCMP_ARCH_X32";
  }
  return "SCMP_ARCH_X86_64";
}

}  // namespace

std::span<const AlwaysAllowed> always_allowed() { return kAlwaysAllowed; }

const std::vector<PathRuleKind>& path_rule_kinds() {
  static const std::vector<PathRuleKind> kinds = [] {
    std::vector<PathRuleKind> out = {
        {"open", "pathname", {"open", "openat", "openat2", "creat"}, "opens only the paths the recordings opened",
         "open", false},
        {"exec", "pathname", {"execve", "execveat"}, "runs only the programs the recordings ran", "exec", false},
    };
    const std::size_t special = out.size();
    auto is_special = [&out, special](std::string_view name) {
      for (std::size_t k = 0; k < special; ++k)
        if (std::find(out[k].syscalls.begin(), out[k].syscalls.end(), name) != out[k].syscalls.end()) return true;
      return false;
    };
    for (const SyscallDesc& d : syscall_table(Abi::x86_64)) {
      if (is_special(d.name)) continue;
      for (std::size_t i = 0; i < d.nargs; ++i) {
        const ArgDesc& a = d.args[i];
        if (a.kind != ArgKind::Path || a.dir != ArgDir::In) continue;  // getcwd's buf is written, not resolved
        auto it = std::find_if(out.begin() + static_cast<std::ptrdiff_t>(special), out.end(),
                               [&a](const PathRuleKind& k) { return k.arg == a.name; });
        if (it == out.end()) {
          out.push_back({a.name, a.name, {}, fmt::format("uses as {} only the paths the recordings used", a.name),
                         "call", true});
          it = std::prev(out.end());
        }
        it->syscalls.emplace_back(d.name);
      }
    }
    return out;
  }();
  return kinds;
}

namespace {

// Syscall name → (path argument, PathRuleKind::key) for each of its path
// arguments a --paths rule reads.
const std::map<std::string, std::vector<std::pair<std::string, std::string>>, std::less<>>& path_args_of() {
  static const auto lookup = [] {
    std::map<std::string, std::vector<std::pair<std::string, std::string>>, std::less<>> out;
    for (const PathRuleKind& k : path_rule_kinds())
      for (const auto& name : k.syscalls) out[name].emplace_back(k.arg, k.key);
    return out;
  }();
  return lookup;
}

}  // namespace

void SyscallUsage::add(const Trace& trace, const std::string& source) {
  std::string command;
  for (const auto& w : trace.command()) command += (command.empty() ? "" : " ") + w;
  sources.push_back(command.empty() ? source : source + ": " + command);
  for (const Event& ev : trace.events()) {
    const auto* e = std::get_if<SyscallEvent>(&ev);
    if (e == nullptr) continue;
    if (e->desc == nullptr) {
      ++unknown[e->name()];
      continue;
    }
    ++counts[{e->abi, e->desc->name}];
    auto kinds = path_args_of().find(e->desc->name);
    if (kinds == path_args_of().end()) continue;
    for (const auto& [arg, key] : kinds->second) {
      int i = find_arg(*e->desc, arg);
      if (i < 0 || i >= e->nargs) continue;
      const ArgValue& v = e->args[static_cast<std::size_t>(i)];
      if (v.form != ArgValue::Form::String || v.truncated) continue;
      ++paths[key][v.bytes];
    }
  }
}

std::string policy_toml(const SyscallUsage& u) {
  std::vector<Entry> entries;
  std::set<std::string> covered;
  for (const auto& [cls, members] : whole_classes(u)) {
    std::uint64_t total = 0;
    std::string detail;
    for (const auto& m : members) {
      std::uint64_t n = u.counts.at({Abi::x86_64, m});
      total += n;
      detail += fmt::format("{}{} {}", detail.empty() ? "" : ", ", m, n);
      covered.insert(m);
    }
    entries.push_back({cls, fmt::format("{}: {}", plural(total, "call"), detail)});
  }
  for (const auto& [key, n] : u.counts) {
    const auto& [abi, name] = key;
    if (abi == Abi::x86_64 && covered.count(name)) continue;
    std::string text = abi == Abi::x86_64 ? name : fmt::format("{}:{}", abi_name(abi), name);
    entries.push_back({text, plural(n, "call")});
  }
  for (const auto& [abi, a] : always_allowed_unseen(u)) {
    std::string text = abi == Abi::x86_64 ? a->name : fmt::format("{}:{}", abi_name(abi), a->name);
    entries.push_back({text, fmt::format("not seen; any process may need it: {}", a->why)});
  }
  // Classes first, then names, each in alphabetical order.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    bool ca = a.text[0] == '@', cb = b.text[0] == '@';
    if (ca != cb) return ca;
    return a.text < b.text;
  });

  std::string out = "# The syscalls these traces made, and nothing else (syspect policy):\n";
  for (const auto& s : u.sources) out += "#   " + s + "\n";
  out += "# Check a run against it: syspect check THIS.toml -- CMD [ARGS...]\n";
  out += "# Calls marked \"not seen\" are allowed because a run that gets a signal or ends a\n";
  out += "# thread makes them, whether or not these traces did.\n";
  if (!u.unknown.empty()) {
    out += "# Calls by number only, which no allow entry can name (they will be reported):\n";
    for (const auto& [name, n] : u.unknown) out += fmt::format("#   {} ({})\n", name, plural(n, "call"));
  }
  out += "version = 1\n\n[policy]\nallow = [\n";
  std::size_t width = 0;
  for (const auto& e : entries) width = std::max(width, e.text.size() + 3);
  for (const auto& e : entries)
    out += fmt::format("  {:<{}} # {}\n", "\"" + e.text + "\",", width, e.comment);
  out += "]\n";
  return out;
}

namespace {

// runc loads the profile before it drops capabilities when the container
// may gain privileges (Docker's default), so all of finalizeNamespace()
// runs under it; crun does the same steps in C. Then both exec the program.
constexpr RuntimeCall kRuntimeCalls[] = {
    {"capget", "reads the capabilities it is about to drop"},
    {"capset", "drops the capabilities the container does not keep"},
    {"prctl", "drops the bounding set, sets keep-caps and the ambient set, names the process"},
    {"setgroups", "sets the container user's supplementary groups"},
    {"setresgid", "switches to the container user's group"},
    {"setresuid", "switches to the container user"},
    {"setgid", "switches group (the call runtimes use where setresgid is absent)"},
    {"setuid", "switches user (likewise)"},
    {"chdir", "enters the container's working directory"},
    {"fchdir", "enters it through a descriptor"},
    {"openat", "lists /proc/self/fd to close what the program must not inherit"},
    {"getdents64", "reads that list"},
    {"newfstatat", "checks the descriptors it closes"},
    {"fstat", "checks the descriptors it closes"},
    {"fcntl", "marks inherited descriptors close-on-exec"},
    {"close_range", "closes or marks inherited descriptors at once"},
    {"close", "closes descriptors"},
    {"read", "waits on its synchronisation pipe with the runtime"},
    {"write", "reports to the runtime over the synchronisation pipe"},
    {"execve", "starts the program"},
    {"execveat", "starts the program from a descriptor (runc's protected binary)"},
    {"futex", "runc's Go runtime: locks and thread wake-ups"},
    {"nanosleep", "runc's Go runtime: its scheduler's sleeps"},
    {"sched_yield", "runc's Go runtime: its scheduler"},
    {"mmap", "runc's Go runtime: its heap"},
    {"munmap", "runc's Go runtime: its heap"},
    {"madvise", "runc's Go runtime: returns memory"},
    {"rt_sigaction", "runc's Go runtime: its signal handlers"},
    {"rt_sigprocmask", "runc's Go runtime: signal masks of its threads"},
    {"sigaltstack", "runc's Go runtime: signal stacks"},
    {"gettid", "runc's Go runtime: thread ids"},
    {"getpid", "runc's Go runtime: signals to itself"},
    {"tgkill", "runc's Go runtime: preempts its threads"},
    {"epoll_pwait", "runc's Go runtime: its poller"},
    {"epoll_ctl", "runc's Go runtime: its poller"},
    {"clone", "runc's Go runtime: a new thread"},
};

}  // namespace

std::span<const RuntimeCall> container_runtime_calls() { return kRuntimeCalls; }

std::string policy_seccomp(const SyscallUsage& u, bool for_container) {
  std::set<std::string> names;
  for (const auto& [key, n] : u.counts) names.insert(key.second);
  std::set<std::string> always;
  for (const auto& [abi, a] : always_allowed_unseen(u))
    if (a->seccomp && !names.count(a->name)) always.insert(a->name);
  std::set<Abi> abis = abis_of(u);
  nlohmann::ordered_json profile;
  profile["defaultAction"] = "SCMP_ACT_ERRNO";
  profile["defaultErrnoRet"] = 1;  // EPERM
  nlohmann::ordered_json arches = nlohmann::ordered_json::array();
  for (Abi a : abis) arches.push_back(arch_of(a));
  profile["architectures"] = arches;
  auto allow = [&profile](const std::set<std::string>& calls, const char* comment) {
    nlohmann::ordered_json rule;
    rule["names"] = calls;
    rule["action"] = "SCMP_ACT_ALLOW";
    rule["comment"] = comment;
    profile["syscalls"].push_back(rule);
  };
  profile["syscalls"] = nlohmann::ordered_json::array();
  allow(names, "the syscalls syspect saw the traced program make");
  if (!always.empty())
    allow(always, "not seen, but any process may need them: to return from a signal handler, "
                  "resume a call after a stop, end a thread");
  if (for_container) {
    std::set<std::string> runtime;
    for (const RuntimeCall& c : kRuntimeCalls)
      if (!names.count(c.name) && !always.count(c.name)) runtime.insert(c.name);
    if (!runtime.empty())
      allow(runtime, "not the program's: what the container runtime does after it loads this "
                     "profile and before it starts the program (listed in syspect's docs/diff.md)");
  }
  return profile.dump(2) + "\n";
}

namespace {

// Where the allow array that starts at `open` (its '[') ends, and where its
// last item ends: a small scanner of TOML values that knows strings,
// comments and nested arrays.
struct ArrayExtent {
  std::size_t close = std::string::npos;     // its ']'
  std::size_t last_end = std::string::npos;  // one past its last item; npos when empty
  bool trailing_comma = false;               // a ',' follows the last item
};

ArrayExtent scan_array(const std::string& t, std::size_t open) {
  ArrayExtent x;
  int depth = 0;
  for (std::size_t i = open; i < t.size(); ++i) {
    char c = t[i];
    if (c == '#') {
      while (i < t.size() && t[i] != '\n') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      bool triple = t.compare(i, 3, std::string(3, c)) == 0;
      std::size_t j = i + (triple ? 3 : 1);
      while (j < t.size()) {
        if (c == '"' && t[j] == '\\') {
          j += 2;
          continue;
        }
        if (triple ? t.compare(j, 3, std::string(3, c)) == 0 : t[j] == c) break;
        ++j;
      }
      i = j + (triple ? 2 : 0);
      if (depth == 1) {
        x.last_end = i + 1;
        x.trailing_comma = false;
      }
      continue;
    }
    if (c == '[') {
      ++depth;
    } else if (c == ']') {
      if (--depth == 0) {
        x.close = i;
        return x;
      }
      if (depth == 1) x.last_end = i + 1, x.trailing_comma = false;
    } else if (c == ',' && depth == 1) {
      x.trailing_comma = true;
    } else if (depth == 1 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      x.last_end = i + 1;  // a bare value (not expected in an allow list, kept whole)
      x.trailing_comma = false;
    }
  }
  return x;
}

std::size_t line_start(const std::string& t, std::uint32_t line) {
  std::size_t at = 0;
  for (std::uint32_t l = 1; l < line && at != std::string::npos; ++l) {
    at = t.find('\n', at);
    if (at != std::string::npos) ++at;
  }
  return at;
}

// `text` with `items` (each an item as written, and its comment) added at
// the end of the array whose '[' is at `open`, one a line, in the
// indentation of its first item, each comment ending "added by syspect
// policy --merge". Nothing when the array does not end.
std::optional<std::string> append_to_array(const std::string& text, std::size_t open, const std::vector<Entry>& items) {
  ArrayExtent x = scan_array(text, open);
  if (x.close == std::string::npos) return std::nullopt;
  // The items' indentation: the first item's, when it starts a line.
  std::string indent = "  ";
  if (std::size_t nl = text.find('\n', open); nl != std::string::npos && nl < x.close) {
    std::size_t first = text.find_first_not_of(" \t", nl + 1);
    if (first != std::string::npos && first < x.close && text[first] != '\n' && text[first] != ']')
      indent = text.substr(nl + 1, first - nl - 1);
  }
  std::size_t width = 0;
  for (const auto& e : items) width = std::max(width, e.text.size() + 1);
  std::string lines;
  for (const auto& e : items)
    lines += fmt::format("{}{:<{}} # {}, added by syspect policy --merge\n", indent, e.text + ",", width, e.comment);
  // Before the ']': at the start of its line when it starts one, else on
  // lines of their own before it.
  std::size_t close_line = text.rfind('\n', x.close);
  close_line = close_line == std::string::npos ? 0 : close_line + 1;
  bool close_starts_line = text.find_first_not_of(" \t", close_line) == x.close;
  std::size_t insert_at = close_starts_line ? close_line : x.close;
  if (!close_starts_line) lines.insert(lines.begin(), '\n');
  bool comma = x.last_end != std::string::npos && !x.trailing_comma;
  std::size_t comma_at = comma ? x.last_end : insert_at;
  std::string result;
  result.reserve(text.size() + lines.size() + 1);
  result.append(text, 0, comma_at);
  if (comma) result.push_back(',');
  result.append(text, comma_at, insert_at - comma_at);
  result.append(lines);
  result.append(text, insert_at, std::string::npos);
  return result;
}

}  // namespace

Result<PolicyMerge, std::string> policy_merge(const std::string& text, const Spec& spec, const SyscallUsage& u) {
  if (!spec.policy || !spec.policy->has_allow)
    return unexpected(std::string("it has no [policy] allow list to add to (write one with 'syspect policy TRACE...')"));
  const PolicySpec& policy = *spec.policy;
  PolicyMerge out;
  std::vector<Entry> entries;
  for (const auto& [key, n] : u.counts) {
    const auto& [abi, name] = key;
    const SyscallDesc* d = find_syscall(abi, name);
    if (d == nullptr) continue;
    SyscallEvent e;
    e.abi = abi;
    e.nr = d->nr;
    e.desc = d;
    std::string shown = abi == Abi::x86_64 ? name : fmt::format("{}:{}", abi_name(abi), name);
    if (policy.denies(e)) {
      out.denied.push_back(shown);
      continue;
    }
    if (!policy.violates(e)) continue;
    entries.push_back({shown, plural(n, "call")});
  }
  out.text = text;
  if (entries.empty()) return out;

  std::size_t ls = line_start(text, policy.allow_pos.line);
  std::size_t open = ls == std::string::npos ? ls : text.find('[', ls + (policy.allow_pos.column - 1));
  if (open == std::string::npos) return unexpected(std::string("cannot find the start of its allow list"));
  for (auto& e : entries) {
    out.added.push_back(fmt::format("{} ({})", e.text, e.comment));
    e.text = fmt::format("\"{}\"", e.text);
  }
  auto appended = append_to_array(text, open, entries);
  if (!appended) return unexpected(std::string("cannot find the end of its allow list"));
  out.text = std::move(*appended);
  return out;
}

namespace {

// A path as a glob that matches only itself.
std::string glob_literal(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::size_t depth_of(std::string_view dir) {
  return static_cast<std::size_t>(std::count(dir.begin(), dir.end(), '/'));
}

std::string parent_of(std::string_view path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

bool under(std::string_view path, std::string_view dir) {
  return path.size() > dir.size() + 1 && path.starts_with(dir) && path[dir.size()] == '/';
}

struct PathEntry {
  std::string glob;
  std::uint64_t calls = 0;
  std::size_t files = 0;
  bool is_dir = false;
};

// The paths as globs: see policy_paths_toml().
std::vector<PathEntry> generalise(const std::map<std::string, std::uint64_t>& paths, std::size_t min_files) {
  // The entries (files or directories) through which each directory holds
  // an opened path.
  std::map<std::string, std::set<std::string>> entries;
  for (const auto& [p, n] : paths) {
    if (p.empty() || p[0] != '/') continue;
    for (std::string child = p, d = parent_of(p); child != "/"; child = d, d = parent_of(d))
      entries[d].insert(child);
  }
  // The deepest directory, two levels down or more, with enough entries.
  std::set<std::string> dirs;
  for (const auto& [p, n] : paths) {
    if (p.empty() || p[0] != '/') continue;
    for (std::string d = parent_of(p); depth_of(d) >= 2; d = parent_of(d))
      if (entries[d].size() >= min_files) {
        dirs.insert(d);
        break;
      }
  }
  // A directory three levels down or more that holds two of them stands for both.
  for (bool changed = true; changed;) {
    changed = false;
    std::map<std::string, std::size_t> children;
    for (const auto& d : dirs)
      if (depth_of(parent_of(d)) >= 3) ++children[parent_of(d)];
    for (const auto& [parent, n] : children)
      if (n >= 2) {
        dirs.insert(parent);
        changed = true;
      }
    for (auto it = dirs.begin(); it != dirs.end();) {
      bool covered = false;
      for (const auto& other : dirs) covered = covered || under(*it, other);
      it = covered ? dirs.erase(it) : std::next(it);
    }
  }
  std::vector<PathEntry> out;
  std::map<std::string, PathEntry> globbed;
  for (const auto& [p, n] : paths) {
    const std::string* dir = nullptr;
    for (const auto& d : dirs)
      if (under(p, d)) dir = &d;
    if (dir == nullptr) {
      out.push_back({glob_literal(p), n, 1, false});
      continue;
    }
    PathEntry& e = globbed[*dir];
    e.glob = glob_literal(*dir) + "/**";
    e.calls += n;
    ++e.files;
    e.is_dir = true;
  }
  for (auto& [d, e] : globbed) out.push_back(std::move(e));
  std::sort(out.begin(), out.end(), [](const PathEntry& a, const PathEntry& b) { return a.glob < b.glob; });
  return out;
}

std::string comment_of(const PathEntry& e, const std::string& verb) {
  std::string comment = plural(e.calls, verb.c_str());
  if (e.is_dir) comment += fmt::format(" of {}", plural(e.files, "path"));
  return comment;
}

std::vector<Entry> glob_entries(const std::vector<PathEntry>& paths, const std::string& verb) {
  std::vector<Entry> out;
  for (const auto& e : paths) out.push_back({toml_string(e.glob), comment_of(e, verb)});
  return out;
}

// `syscall = [...]`: on one line when it is short, else wrapped.
std::string syscall_list(const std::vector<std::string>& names) {
  std::string one;
  for (const auto& n : names) one += (one.empty() ? "" : ", ") + toml_string(n);
  if (one.size() <= 70) return "syscall = [" + one + "]\n";
  std::string out = "syscall = [\n", line;
  for (const auto& n : names) {
    std::string item = toml_string(n) + ",";
    if (!line.empty() && line.size() + 1 + item.size() > 78) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "  " : " ") + item;
  }
  return out + line + "\n]\n";
}

// One --paths rule: `kind`'s calls, outside `entries`, are forbidden.
std::string forbid_outside(const PathRuleKind& kind, const std::vector<Entry>& entries, const char* note) {
  std::string out = fmt::format("\n[[forbid]]\nname = {}\n", toml_string(kind.name)) + syscall_list(kind.syscalls);
  if (kind.strings_only)
    out += fmt::format("[forbid.args.{0}]\nprefix = \"\"  # a path: a NULL {0} (a call on a descriptor) names none\n",
                       kind.arg);
  out += fmt::format("[forbid.args.{}.not]\nglob = [\n", kind.arg);
  std::size_t width = 0;
  for (const auto& e : entries) width = std::max(width, e.text.size() + 1);
  for (const auto& e : entries) out += fmt::format("  {:<{}} # {}{}\n", e.text + ",", width, e.comment, note);
  return out + "]\n";
}

// The rule of `spec` that is `kind`'s: a [[forbid]] whose `syscall` names
// exactly the kind's calls and whose `args` are about the kind's argument.
const Rule* path_rule_of(const Spec& spec, const PathRuleKind& kind) {
  std::set<std::string> wanted(kind.syscalls.begin(), kind.syscalls.end());
  for (const Rule& r : spec.rules) {
    if (r.kind != RuleKind::Forbid) continue;
    std::set<std::string> named;
    bool plain = true;
    for (const SelectorItem& item : r.pattern.selector.items) {
      plain = plain && item.abi == Abi::x86_64 && item.nr >= 0;
      named.insert(item.text);
    }
    if (!plain || named != wanted) continue;
    // rename's oldpath and newpath rules name the same calls: the argument tells them apart.
    bool reads_arg = !r.pattern.args.empty();
    for (const auto& [call, checks] : r.pattern.args)
      for (const ArgCheck& c : checks) {
        const SyscallDesc* d = lookup_syscall(call.first, call.second);
        reads_arg = reads_arg && d != nullptr && c.index == find_arg(*d, kind.arg);
      }
    if (reads_arg) return &r;
  }
  return nullptr;
}

// Whether `rule` forbids a call of `kind` on `path`.
bool forbids(const Rule& rule, const PathRuleKind& kind, const std::string& path) {
  const SyscallDesc* d = find_syscall(Abi::x86_64, kind.syscalls.front());
  if (d == nullptr) return true;
  int i = find_arg(*d, kind.arg);
  if (i < 0) return true;
  SyscallEvent e;
  e.abi = Abi::x86_64;
  e.nr = d->nr;
  e.desc = d;
  e.nargs = d->nargs;
  ArgValue& v = e.args[static_cast<std::size_t>(i)];
  v.form = ArgValue::Form::String;
  v.bytes = path;
  PatternMatch m = match_pattern(rule.pattern, e, MatchContext{}, false);
  return m.matched || m.undecided;
}

// Where the glob list of `rule` (`[forbid.args.ARG.not]` then `glob = [`,
// as --paths writes it) opens in `text`: its '['.
std::optional<std::size_t> glob_list_of(const std::string& text, const Rule& rule, const PathRuleKind& kind) {
  std::size_t from = line_start(text, rule.pos.line);
  if (from == std::string::npos) return std::nullopt;
  std::size_t limit = text.find("\n[[", from);  // the next rule
  std::string header = fmt::format("\n[forbid.args.{}.not]", kind.arg);
  std::size_t at = text.find(header, from == 0 ? 0 : from - 1);
  if (at == std::string::npos || at >= limit) return std::nullopt;
  std::size_t key = text.find_first_not_of(" \t\r\n", at + header.size());
  if (key == std::string::npos || text.compare(key, 4, "glob") != 0) return std::nullopt;
  std::size_t eq = text.find_first_not_of(" \t", key + 4);
  if (eq == std::string::npos || text[eq] != '=') return std::nullopt;
  std::size_t open = text.find_first_not_of(" \t", eq + 1);
  if (open == std::string::npos || text[open] != '[' || open >= limit) return std::nullopt;
  return open;
}

}  // namespace

std::string policy_paths_toml(const SyscallUsage& u, std::size_t min_files) {
  std::string out =
      "\n# Paths (syspect policy --paths): a run that opens a path, runs a program, or\n"
      "# names a path to another call (stat, unlink, mkdir, rename...) that these traces\n"
      "# did not fails the rules below. DIR/** stands for a directory under which many\n"
      "# paths were used; a relative path is matched as it was written.\n";
  for (const PathRuleKind& kind : path_rule_kinds()) {
    auto used = u.paths.find(kind.key);
    if (used == u.paths.end() || used->second.empty()) continue;
    out += forbid_outside(kind, glob_entries(generalise(used->second, min_files), kind.verb), "");
  }
  return out;
}

Result<PathsMerge, std::string> policy_merge_paths(const std::string& text, const Spec& spec,
                                                   const SyscallUsage& u, std::size_t min_files) {
  PathsMerge out;
  std::vector<std::pair<std::size_t, std::vector<Entry>>> edits;  // at each list's '['
  std::string rules;                                              // new rules, for the end
  for (const PathRuleKind& kind : path_rule_kinds()) {
    auto used = u.paths.find(kind.key);
    if (used == u.paths.end()) continue;
    const Rule* rule = path_rule_of(spec, kind);
    std::map<std::string, std::uint64_t> missing;
    for (const auto& [path, n] : used->second)
      if (rule == nullptr || forbids(*rule, kind, path)) missing[path] = n;
    if (missing.empty()) continue;
    std::vector<PathEntry> paths = generalise(missing, min_files);
    for (const auto& e : paths)
      out.added.push_back(fmt::format("{}: {} ({})", kind.name, e.glob, comment_of(e, kind.verb)));
    if (rule == nullptr) {
      rules += forbid_outside(kind, glob_entries(paths, kind.verb), ", added by syspect policy --merge");
      continue;
    }
    auto open = glob_list_of(text, *rule, kind);
    if (!open)
      return unexpected(fmt::format(
          "{}:{}: error: cannot add paths to the rule {}: its paths are not a [forbid.args.{}.not] glob = "
          "[...] list as 'syspect policy --paths' writes it",
          rule->pos.line, rule->pos.column, toml_string(rule->name), kind.arg));
    edits.emplace_back(*open, glob_entries(paths, kind.verb));
  }
  // From the end of the file back, so that each position still holds.
  std::sort(edits.begin(), edits.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  out.text = text;
  for (const auto& [open, entries] : edits) {
    auto appended = append_to_array(out.text, open, entries);
    if (!appended) return unexpected(std::string("cannot find the end of a glob list"));
    out.text = std::move(*appended);
  }
  if (!rules.empty()) {
    if (!out.text.empty() && out.text.back() != '\n') out.text += '\n';
    out.text += "\n# Paths of kinds this file had no rule for (syspect policy --merge --paths):\n";
    out.text += rules;
  }
  return out;
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04X}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace syspect
