#include "syspect/policy_export.hpp"

#include <algorithm>
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

void SyscallUsage::add(const Trace& trace, const std::string& source) {
  std::string command;
  for (const auto& w : trace.command()) command += (command.empty() ? "" : " ") + w;
  sources.push_back(command.empty() ? source : source + ": " + command);
  for (const Event& ev : trace.events()) {
    const auto* e = std::get_if<SyscallEvent>(&ev);
    if (e == nullptr) continue;
    if (e->desc == nullptr) {
      ++unknown[e->name()];
    } else {
      ++counts[{e->abi, e->desc->name}];
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

std::string policy_seccomp(const SyscallUsage& u) {
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
  nlohmann::ordered_json rule;
  rule["names"] = names;
  rule["action"] = "SCMP_ACT_ALLOW";
  rule["comment"] = "the syscalls syspect saw the traced program make";
  profile["syscalls"] = nlohmann::ordered_json::array({rule});
  if (!always.empty()) {
    nlohmann::ordered_json extra;
    extra["names"] = always;
    extra["action"] = "SCMP_ACT_ALLOW";
    extra["comment"] = "not seen, but any process may need them: to return from a signal handler, "
                       "resume a call after a stop, end a thread";
    profile["syscalls"].push_back(extra);
  }
  return profile.dump(2) + "\n";
}

}  // namespace syspect
