// An expectation file's [[inject]] rules as the tracer's injections.

#include <unistd.h>

#include <memory>

#include <fmt/format.h>

#include "syspect/spec.hpp"

namespace syspect {
namespace {

std::optional<std::string> fd_target(pid_t pid, int fd) {
  char buf[4096];
  std::string link = fmt::format("/proc/{}/fd/{}", pid, fd);
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n <= 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

// The -e trace= set that holds every call the selector names: its x86_64
// names and classes; "all" when an item names another ABI (the condition
// then selects).
std::string set_of(const Selector& s) {
  std::string set;
  for (const SelectorItem& item : s.items) {
    if (item.abi != Abi::x86_64) return "all";
    std::string word;
    if (item.nr >= 0) {
      const SyscallDesc* d = lookup_syscall(Abi::x86_64, item.nr);
      if (!d) return "all";
      word = d->name;
    } else {
      word = item.text;
    }
    if (!set.empty()) set += ',';
    set += word;
  }
  return set.empty() ? "none" : set;
}

}  // namespace

std::vector<Injection> spec_injections(const Spec& spec) {
  std::vector<Injection> out;
  for (const InjectRule& r : spec.injects) {
    Injection inj = r.injection;
    inj.set = set_of(r.pattern.selector);
    auto pattern = std::make_shared<const CallPattern>(r.pattern);
    bool fds = r.pattern.uses_fd_path();
    inj.condition = [pattern, fds](const SyscallEvent& e) {
      MatchContext ctx;
      // The thread is stopped at the call's entry: its fds are as it sees them.
      if (fds) ctx.fd_path = [pid = e.pid](int fd) { return fd_target(pid, fd); };
      return match_pattern(*pattern, e, ctx, false).matched;
    };
    out.push_back(std::move(inj));
  }
  return out;
}

}  // namespace syspect
