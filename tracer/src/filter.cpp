#include "syspect/filter.hpp"

#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <strings.h>

#include <fmt/format.h>

#include "syscall_ids.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// strace's spellings of the classes with '%', and their old short names.
std::string_view class_alias(std::string_view name) {
  if (name == "net") return "network";
  return name;
}

// strace's class names from before '%': `-e trace=network` is the class,
// as strace reads it (a class name wins over a syscall of the same name:
// `signal` is the class).
std::optional<std::uint32_t> legacy_class(std::string_view name) {
  for (std::string_view old : {"desc", "file", "memory", "process", "signal", "ipc", "network"})
    if (name == old) return trace_class_from_name(name);
  return std::nullopt;
}

}  // namespace

Result<SyscallFilter, std::string> SyscallFilter::parse(std::string_view set) {
  SyscallFilter f;
  set = trim(set);
  if (!set.empty() && set.front() == '!') {
    f.negate_ = true;
    set.remove_prefix(1);
  }
  f.all_ = false;
  if (set == "all") {
    f.all_ = !f.negate_;
    f.negate_ = false;
    return f;
  }
  if (set == "none" || set.empty()) {
    f.all_ = f.negate_;
    f.negate_ = false;
    return f;
  }
  while (!set.empty()) {
    std::size_t comma = set.find(',');
    std::string_view item = trim(set.substr(0, comma));
    set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
    if (item.empty()) continue;
    if (item.front() == '@' || item.front() == '%') {
      auto bits = trace_class_from_name(class_alias(item.substr(1)));
      if (!bits) return unexpected(fmt::format("unknown syscall class '{}'", item));
      f.classes_ |= *bits;
      continue;
    }
    if (auto bits = legacy_class(item)) {
      f.classes_ |= *bits;
      continue;
    }
    bool found = false;
    if (const SyscallDesc* d = find_syscall(Abi::x86_64, item)) {
      f.x86_64_.set(static_cast<std::size_t>(d->nr));
      found = true;
    }
    if (const SyscallDesc* d = find_syscall(Abi::i386, item)) {
      f.i386_.set(static_cast<std::size_t>(d->nr));
      found = true;
    }
    if (!found) return unexpected(fmt::format("unknown syscall '{}'", item));
  }
  return f;
}

bool SyscallFilter::matches(const SyscallEvent& e) const {
  if (all_) return true;
  bool hit = false;
  if (e.desc != nullptr) {
    if (e.desc->classes & classes_) {
      hit = true;
    } else {
      const auto& bits = e.abi == Abi::i386 ? i386_ : x86_64_;
      std::size_t nr = static_cast<std::size_t>(e.desc->nr);
      hit = nr < bits.size() && bits.test(nr);
    }
  }
  return hit != negate_;
}

Interest SyscallFilter::interest() const {
  if (all_) return Interest::all();
  Interest in = Interest::none();
  for (std::size_t nr = 0; nr <= Interest::kNumbers; ++nr) {
    SyscallEvent e;
    e.abi = Abi::x86_64;
    e.nr = static_cast<long>(nr);
    e.desc = lookup_syscall(Abi::x86_64, e.nr);
    // kNumbers itself stands for every number beyond the table.
    if (matches(e)) in.add(e.nr, Interest::Need::Result);
  }
  return in;
}

// ---- -e signal=, -e status=, -e quiet= ----

namespace {

// strace's qualify_tokens(): leading '!'s invert, "all" and "none" alone,
// else comma-separated tokens, each one a number `to_number` gives (or
// nullopt: "invalid WHAT 'TOKEN'"). Returns the tokens' numbers and
// whether the set is inverted.
template <typename ToNumber>
Result<std::pair<std::vector<unsigned>, bool>, std::string> qualify_tokens(std::string_view set,
                                                                             std::string_view what,
                                                                             ToNumber to_number) {
  bool negate = false;
  while (!set.empty() && set.front() == '!') {
    negate = !negate;
    set.remove_prefix(1);
  }
  if (set == "none") return std::pair{std::vector<unsigned>{}, negate};
  if (set == "all") return std::pair{std::vector<unsigned>{}, !negate};
  std::vector<unsigned> numbers;
  std::string_view rest = set;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view token = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (token.empty()) continue;
    std::optional<unsigned> n = to_number(token);
    if (!n) return unexpected(fmt::format("invalid {} '{}'", what, token));
    numbers.push_back(*n);
  }
  if (numbers.empty()) return unexpected(fmt::format("invalid {} '{}'", what, set));
  return std::pair{std::move(numbers), negate};
}

std::optional<unsigned> small_number(std::string_view s, unsigned max) {
  unsigned n = 0;
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<unsigned>(c - '0');
    if (n > max) return std::nullopt;
  }
  return n;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// strace's sigstr_to_uint(): a number up to 255, or a name with or
// without SIG, in any case.
std::optional<unsigned> signal_number(std::string_view s) {
  if (s.front() >= '0' && s.front() <= '9') return small_number(s, 255);
  if (s.size() >= 3 && iequal(s.substr(0, 3), "SIG")) s.remove_prefix(3);
  for (int sig = 1; sig <= 255; ++sig) {
    std::string name = signal_name(sig);
    if (name.size() > 3 && name.compare(0, 3, "SIG") == 0 && iequal(std::string_view(name).substr(3), s))
      return static_cast<unsigned>(sig);
  }
  return std::nullopt;
}

template <typename T>
std::optional<unsigned> from_names(std::string_view s, std::initializer_list<std::pair<std::string_view, T>> names) {
  for (const auto& [name, bit] : names)
    if (s == name) return static_cast<unsigned>(bit);
  return std::nullopt;
}

unsigned as_mask(const std::pair<std::vector<unsigned>, bool>& tokens, unsigned all) {
  unsigned mask = 0;
  for (unsigned bit : tokens.first) mask |= bit;
  return tokens.second ? all & ~mask : mask;
}

}  // namespace

Result<SignalSet, std::string> SignalSet::parse(std::string_view set) {
  auto tokens = qualify_tokens(set, "signal", signal_number);
  if (!tokens) return unexpected(tokens.error());
  SignalSet s;
  s.negate_ = tokens->second;
  for (unsigned sig : tokens->first) s.bits_.set(sig);
  return s;
}

Result<unsigned, std::string> parse_status_set(std::string_view set) {
  auto tokens = qualify_tokens(set, "status", [](std::string_view s) {
    return from_names<CallStatus>(s, {{"successful", kStatusSuccessful},
                                      {"failed", kStatusFailed},
                                      {"unfinished", kStatusUnfinished},
                                      {"unavailable", kStatusUnavailable},
                                      {"detached", kStatusDetached}});
  });
  if (!tokens) return unexpected(tokens.error());
  return as_mask(*tokens, kStatusAll);
}

unsigned call_status(const SyscallEvent& e) {
  if (!e.finished || e.no_return) return e.detached ? kStatusDetached : kStatusUnfinished;
  return e.failed() ? kStatusFailed : kStatusSuccessful;
}

Result<unsigned, std::string> parse_quiet_set(std::string_view set) {
  auto tokens = qualify_tokens(set, "quiet", [](std::string_view s) {
    return from_names<QuietMessage>(s, {{"attach", kQuietAttach},
                                        {"exit", kQuietExit},
                                        {"exits", kQuietExit},
                                        {"path-resolution", kQuietPathResolution},
                                        {"personality", kQuietPersonality},
                                        {"superseded", kQuietThreadExecve},
                                        {"thread-execve", kQuietThreadExecve}});
  });
  if (!tokens) return unexpected(tokens.error());
  return as_mask(*tokens, kQuietAll);
}

// ---- -P PATH ----

std::optional<std::string> PathSet::add(const std::string& path) {
  if (!has(path)) paths_.push_back(path);
  char* real = ::realpath(path.c_str(), nullptr);
  if (real == nullptr) return std::nullopt;
  std::string resolved = real;
  ::free(real);
  if (resolved == path) return std::nullopt;
  if (!has(resolved)) paths_.push_back(resolved);
  return resolved;
}

bool PathSet::has(std::string_view path) const {
  return std::find(paths_.begin(), paths_.end(), path) != paths_.end();
}

namespace {

// The file behind fd `fd` of thread `tid`, as strace's getfdpath(): the
// readlink of /proc/TID/fd/N, less the " (deleted)" of a file deleted.
std::optional<std::string> fd_file(pid_t tid, int fd) {
  if (fd < 0) return std::nullopt;
  char buf[PATH_MAX + 1];
  std::string link = fmt::format("/proc/{}/fd/{}", tid, fd);
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n < 0) return std::nullopt;
  std::string path(buf, static_cast<std::size_t>(n));
  constexpr std::string_view kDeleted = " (deleted)";
  if (path.ends_with(kDeleted) && ::access(path.c_str(), F_OK) != 0) path.resize(path.size() - kDeleted.size());
  return path;
}

bool read_tracee(pid_t tid, std::uint64_t addr, void* out, std::size_t len) {
  iovec local{out, len};
  iovec remote{reinterpret_cast<void*>(addr), len};
  return ::process_vm_readv(tid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(len);
}

// How strace 6.1's pathtrace_match_set() looks at a call's arguments: 'f'
// an fd, 'p' a path, 'x' neither; "" nothing to look at; absent, the
// first argument by the call's class.
std::optional<std::string_view> path_args(const SyscallDesc* d) {
  static constexpr std::pair<SysId, std::string_view> kCalls[] = {
      {SysId::dup2, "ff"}, {SysId::dup3, "ff"}, {SysId::kexec_file_load, "ff"}, {SysId::sendfile, "ff"}, {SysId::sendfile64, "ff"},
      {SysId::tee, "ff"},
      {SysId::execveat, "fp"}, {SysId::faccessat, "fp"}, {SysId::faccessat2, "fp"}, {SysId::fchmodat, "fp"},
      {SysId::fchownat, "fp"}, {SysId::fspick, "fp"}, {SysId::fstatat64, "fp"}, {SysId::futimesat, "fp"},
      {SysId::inotify_add_watch, "fp"}, {SysId::mkdirat, "fp"}, {SysId::mknodat, "fp"}, {SysId::mount_setattr, "fp"},
      {SysId::name_to_handle_at, "fp"}, {SysId::newfstatat, "fp"}, {SysId::open_tree, "fp"}, {SysId::openat, "fp"},
      {SysId::openat2, "fp"}, {SysId::readlinkat, "fp"}, {SysId::statx, "fp"}, {SysId::unlinkat, "fp"},
      {SysId::utimensat, "fp"}, {SysId::utimensat_time64, "fp"},
      {SysId::link, "pp"}, {SysId::mount, "pp"}, {SysId::pivot_root, "pp"},
      {SysId::quotactl, "xp"}, {SysId::symlink, "xp"},
      {SysId::linkat, "fpfp"}, {SysId::move_mount, "fpfp"}, {SysId::renameat2, "fpfp"}, {SysId::renameat, "fpfp"},
      {SysId::mmap, "xxxxf"}, {SysId::mmap2, "xxxxf"},
      {SysId::symlinkat, "xfp"},
      {SysId::copy_file_range, "fxf"}, {SysId::splice, "fxf"},
      {SysId::epoll_ctl, "xxf"},
      {SysId::accept4, ""}, {SysId::accept, ""}, {SysId::bpf, ""}, {SysId::epoll_create, ""}, {SysId::epoll_create1, ""},
      {SysId::eventfd2, ""}, {SysId::eventfd, ""}, {SysId::fanotify_init, ""}, {SysId::fsmount, ""}, {SysId::fsopen, ""},
      {SysId::inotify_init, ""}, {SysId::inotify_init1, ""}, {SysId::io_uring_enter, ""}, {SysId::io_uring_register, ""},
      {SysId::io_uring_setup, ""}, {SysId::landlock_add_rule, ""}, {SysId::landlock_create_ruleset, ""},
      {SysId::landlock_restrict_self, ""}, {SysId::memfd_create, ""}, {SysId::memfd_secret, ""},
      {SysId::mq_getsetattr, ""}, {SysId::mq_notify, ""}, {SysId::mq_open, ""}, {SysId::mq_timedreceive, ""},
      {SysId::mq_timedsend, ""}, {SysId::perf_event_open, ""}, {SysId::pidfd_open, ""}, {SysId::pipe, ""}, {SysId::pipe2, ""},
      {SysId::signalfd4, ""}, {SysId::signalfd, ""}, {SysId::socket, ""}, {SysId::socketpair, ""}, {SysId::timerfd_create, ""},
      {SysId::timerfd_gettime, ""}, {SysId::timerfd_settime, ""}, {SysId::userfaultfd, ""},
  };
  for (const auto& [id, args] : kCalls)
    if (is(d, id)) return args;
  return std::nullopt;
}

}  // namespace

bool PathSet::fd_is(pid_t tid, const ArgValue& fd) const {
  auto file = fd_file(tid, static_cast<int>(fd.raw));
  return file && has(*file);
}

bool PathSet::matches(const SyscallEvent& e) const {
  const SyscallDesc* d = e.desc;
  if (d == nullptr || (d->classes & (kClassFile | kClassDesc | kClassNetwork)) == 0) return false;
  auto path_is = [&](std::size_t i) {
    const ArgValue& v = e.args[i];
    return v.form == ArgValue::Form::String && has(v.bytes);
  };
  if (is(d, SysId::select) || is(d, SysId::pselect6) || is(d, SysId::_newselect)) {
    int nfds = static_cast<int>(e.args[0].raw);
    if (nfds <= 0) return false;
    nfds = std::min(nfds, 1024 * 1024);
    std::vector<unsigned char> set((static_cast<std::size_t>(nfds) + 63) / 64 * 8);
    for (std::size_t i = 1; i <= 3; ++i) {
      if (e.args[i].raw == 0 || !read_tracee(e.tid, e.args[i].raw, set.data(), set.size())) continue;
      for (int fd = 0; fd < nfds; ++fd)
        if ((set[static_cast<std::size_t>(fd) / 8] >> (fd % 8)) & 1) {
          auto file = fd_file(e.tid, fd);
          if (file && has(*file)) return true;
        }
    }
    return false;
  }
  if (is(d, SysId::poll) || is(d, SysId::ppoll)) {
    unsigned nfds = std::min(static_cast<unsigned>(e.args[1].raw), 1024u * 1024u);
    for (unsigned i = 0; i < nfds; ++i) {
      pollfd p{};
      if (!read_tracee(e.tid, e.args[0].raw + i * sizeof p, &p, sizeof p)) break;
      auto file = fd_file(e.tid, p.fd);
      if (file && has(*file)) return true;
    }
    return false;
  }
  if (is(d, SysId::fanotify_mark)) return fd_is(e.tid, e.args[3]) || path_is(4);
  if (is(d, SysId::fsconfig)) {
    unsigned cmd = static_cast<unsigned>(e.args[1].raw);
    if (cmd == 3 || cmd == 4) return fd_is(e.tid, e.args[4]) || path_is(3);
    return cmd == 5 && fd_is(e.tid, e.args[4]);
  }
  if (auto args = path_args(d)) {
    for (std::size_t i = 0; i < args->size(); ++i) {
      if ((*args)[i] == 'f' && fd_is(e.tid, e.args[i])) return true;
      if ((*args)[i] == 'p' && path_is(i)) return true;
    }
    return false;
  }
  if (d->classes & kClassFile) return path_is(0);
  return fd_is(e.tid, e.args[0]);
}

// ---- FilteringSink ----

Verdict FilteringSink::on_entry(const SyscallEvent& e) {
  if (!filter_.paths.empty()) {
    if (filter_.calls.matches(e) && filter_.paths.matches(e))
      path_hits_.insert(e.tid);
    else
      path_hits_.erase(e.tid);
  }
  return Verdict::allow();
}

void FilteringSink::on_syscall(const SyscallEvent& e) {
  if (!filter_.calls.matches(e)) return;
  if ((filter_.statuses & call_status(e)) == 0) return;
  if (!filter_.paths.empty() && path_hits_.erase(e.tid) == 0) return;
  next_->on_syscall(e);
}

}  // namespace syspect
