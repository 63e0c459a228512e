#include "kernel_view.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <limits.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "syscall_ids.hpp"

namespace syspect::detail {
namespace {

// A path argument as decoded: whole, or nothing.
const std::string* whole_path(const SyscallEvent& e, int i) {
  if (i < 0 || i >= e.nargs) return nullptr;
  const ArgValue& v = e.args[i];
  if (v.form != ArgValue::Form::String || v.truncated || v.bytes.empty()) return nullptr;
  return &v.bytes;
}

int dirfd_arg(const SyscallEvent& e, int i) {
  return i < 0 ? AT_FDCWD : static_cast<int>(e.args[i].raw);
}

std::optional<struct stat> look_up(pid_t tgid, pid_t tid, int dirfd, std::string_view path,
                                   bool follow) {
  auto where = tracer_path(tgid, tid, dirfd, path);
  struct stat st {};
  if (!where || ::fstatat(AT_FDCWD, where->c_str(), &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
    return std::nullopt;
  return st;
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// What a call does to a name: makes it (it must be new), takes it away,
// keeps it (it must exist before and after) or makes it or replaces it.
enum class Effect : std::uint8_t { Create, Remove, Keep, Replace };

struct NameArg {
  int path;   // the path argument
  int dirfd;  // its directory argument, or -1
  Effect effect;
};

// The names a call creates or removes. Empty for other calls.
std::vector<NameArg> names_of(const SyscallEvent& e) {
  if (e.desc == nullptr) return {};
  switch (e.desc->id) {
    case SysId::mkdir:
    case SysId::mknod:
      return {{0, -1, Effect::Create}};
    case SysId::mkdirat:
    case SysId::mknodat:
      return {{1, 0, Effect::Create}};
    case SysId::symlink:
      return {{1, -1, Effect::Create}};
    case SysId::symlinkat:
      return {{2, 1, Effect::Create}};
    case SysId::link:
      return {{0, -1, Effect::Keep}, {1, -1, Effect::Create}};
    case SysId::linkat:
      return {{1, 0, Effect::Keep}, {3, 2, Effect::Create}};
    case SysId::unlink:
    case SysId::rmdir:
      return {{0, -1, Effect::Remove}};
    case SysId::unlinkat:
      return {{1, 0, Effect::Remove}};
    case SysId::rename:
      return {{0, -1, Effect::Remove}, {1, -1, Effect::Replace}};
    case SysId::renameat:
      return {{1, 0, Effect::Remove}, {3, 2, Effect::Replace}};
    case SysId::renameat2: {
      std::uint64_t flags = e.args[4].raw & 0xffffffffu;
      if (flags & RENAME_EXCHANGE) return {{1, 0, Effect::Keep}, {3, 2, Effect::Keep}};
      if (flags & RENAME_NOREPLACE) return {{1, 0, Effect::Remove}, {3, 2, Effect::Create}};
      return {{1, 0, Effect::Remove}, {3, 2, Effect::Replace}};
    }
    default:
      return {};
  }
}

// The remote descriptor `fd` of process `tgid`, duplicated into the tracer.
int duplicate_fd(pid_t tgid, int fd) {
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, tgid, 0));
  if (pidfd < 0) return -1;
  int local = static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd, fd, 0));
  ::close(pidfd);
  return local;
}

// The peer of a TCP socket whose connect is still in progress, from the
// process's /proc/PID/net/tcp or tcp6 (getpeername says ENOTCONN then).
bool pending_peer(pid_t tgid, int family, ino_t inode, sockaddr_storage& out) {
  std::ifstream in(fmt::format("/proc/{}/net/{}", tgid, family == AF_INET ? "tcp" : "tcp6"));
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retr, uid, timeout;
    unsigned long long ino = 0;
    if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >>
          ino) ||
        ino != inode)
      continue;
    auto colon = remote.find(':');
    if (colon == std::string::npos) return false;
    std::string addr = remote.substr(0, colon);
    auto port = static_cast<std::uint16_t>(std::stoul(remote.substr(colon + 1), nullptr, 16));
    out = {};
    // Each 32-bit word of the address is printed as the host reads it.
    std::uint32_t words[4] = {};
    std::size_t n = addr.size() / 8;
    if (n != (family == AF_INET ? 1u : 4u)) return false;
    for (std::size_t i = 0; i < n; ++i)
      words[i] = static_cast<std::uint32_t>(std::stoul(addr.substr(i * 8, 8), nullptr, 16));
    if (family == AF_INET) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&out);
      sin->sin_family = AF_INET;
      sin->sin_port = htons(port);
      std::memcpy(&sin->sin_addr, words, 4);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(port);
      std::memcpy(&sin6->sin6_addr, words, 16);
    }
    return true;
  }
  return false;
}

const StructField* field(const ArgValue& v, std::string_view name) {
  for (const auto& f : v.fields)
    if (name == f.name) return &f;
  return nullptr;
}

std::vector<std::string> nul_separated(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start < all.size()) {
    std::size_t end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    items.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

// A script's "#!" line as the kernel splits it: the interpreter and at most
// one argument (the rest of the line, trimmed). Nothing when not a script.
std::optional<std::vector<std::string>> shebang(const std::string& where) {
  std::ifstream in(where, std::ios::binary);
  char buf[256] = {};
  in.read(buf, sizeof buf - 1);
  std::string_view head(buf, static_cast<std::size_t>(in.gcount()));
  if (!head.starts_with("#!")) return std::nullopt;
  head.remove_prefix(2);
  head = head.substr(0, head.find('\n'));
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!head.empty() && blank(head.front())) head.remove_prefix(1);
  while (!head.empty() && blank(head.back())) head.remove_suffix(1);
  std::size_t end = 0;
  while (end < head.size() && !blank(head[end])) ++end;
  std::vector<std::string> out{std::string(head.substr(0, end))};
  std::string_view rest = head.substr(end);
  while (!rest.empty() && blank(rest.front())) rest.remove_prefix(1);
  if (!rest.empty()) out.emplace_back(rest);
  return out;
}

}  // namespace

std::optional<std::string> tracer_path(pid_t tgid, pid_t tid, int dirfd, std::string_view path) {
  if (path.empty()) return std::nullopt;
  // Names that mean the tracee itself would name the tracer here.
  struct Own {
    std::string_view name;
    std::string mine;
  };
  const Own own[] = {
      {"/proc/self", fmt::format("/proc/{}", tgid)},
      {"/proc/thread-self", fmt::format("/proc/{}/task/{}", tgid, tid)},
      {"/dev/fd", fmt::format("/proc/{}/fd", tid)},
      {"/dev/stdin", fmt::format("/proc/{}/fd/0", tid)},
      {"/dev/stdout", fmt::format("/proc/{}/fd/1", tid)},
      {"/dev/stderr", fmt::format("/proc/{}/fd/2", tid)},
  };
  // A relative name is looked up in the directory the tracee holds: "self"
  // in /proc (lscpu opens it so) is an own name too.
  std::string joined;
  if (path[0] != '/') {
    char dir[PATH_MAX];
    std::string link = dirfd == AT_FDCWD ? fmt::format("/proc/{}/cwd", tid) : fmt::format("/proc/{}/fd/{}", tid, dirfd);
    ssize_t n = ::readlink(link.c_str(), dir, sizeof dir);
    if (n > 0 && dir[0] == '/') {
      joined.assign(dir, static_cast<std::size_t>(n));
      if (joined != "/") joined += '/';
      joined.append(path);
    }
  }
  const std::string_view full = joined.empty() ? path : std::string_view(joined);
  for (const Own& o : own) {
    if (full.starts_with(o.name) && (full.size() == o.name.size() || full[o.name.size()] == '/')) {
      std::string out = o.mine;
      out.append(full.substr(o.name.size()));
      return out;
    }
  }
  std::string out;
  if (path[0] == '/') {
    out = fmt::format("/proc/{}/root", tid);
  } else if (dirfd == AT_FDCWD) {
    out = fmt::format("/proc/{}/cwd/", tid);
  } else {
    out = fmt::format("/proc/{}/fd/{}/", tid, dirfd);
  }
  out.append(path);
  return out;
}

NamesAtEntry names_at_entry(pid_t tgid, pid_t tid, const SyscallEvent& e) {
  NamesAtEntry at;
  std::optional<struct stat> found[2];
  int k = 0;
  for (const NameArg& n : names_of(e)) {
    const std::string* path = whole_path(e, n.path);
    if (path == nullptr) continue;
    at.checked |= static_cast<std::uint8_t>(1u << n.path);
    found[k] = look_up(tgid, tid, dirfd_arg(e, n.dirfd), *path, false);
    if (found[k]) at.existed |= static_cast<std::uint8_t>(1u << n.path);
    ++k;
  }
  // rename() of a name onto another link of the same file does nothing.
  at.same_file = found[0] && found[1] && same_file(*found[0], *found[1]);
  return at;
}

std::uint8_t names_without_effect(pid_t tgid, pid_t tid, const SyscallEvent& e,
                                  const NamesAtEntry& before) {
  std::uint8_t differs = 0;
  for (const NameArg& n : names_of(e)) {
    auto bit = static_cast<std::uint8_t>(1u << n.path);
    if (!(before.checked & bit)) continue;
    bool existed = before.existed & bit;
    bool exists = look_up(tgid, tid, dirfd_arg(e, n.dirfd), *whole_path(e, n.path), false).has_value();
    bool fine = true;
    switch (n.effect) {
      case Effect::Create: fine = !existed && exists; break;
      case Effect::Remove: fine = existed && (!exists || before.same_file); break;
      case Effect::Keep: fine = existed && exists; break;
      case Effect::Replace: fine = exists; break;
    }
    if (!fine) differs |= bit;
  }
  return differs;
}

std::uint8_t peer_differs(pid_t tgid, pid_t tid, const SyscallEvent& e) {
  if (!is(e.desc, SysId::connect) || e.nargs < 2) return 0;
  const ArgValue& addr = e.args[1];
  const StructField* fam = field(addr, "sa_family");
  if (addr.form != ArgValue::Form::Struct || fam == nullptr) return 0;
  int family = static_cast<int>(fam->value);
  if (family != AF_INET && family != AF_INET6 && family != AF_UNIX) return 0;
  int fd = duplicate_fd(tgid, static_cast<int>(e.args[0].raw));
  if (fd < 0) return 0;
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  bool known = ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0;
  if (!known && e.err == EINPROGRESS && family != AF_UNIX) {
    struct stat st {};
    if (::fstat(fd, &st) == 0) known = pending_peer(tgid, family, st.st_ino, peer);
    len = sizeof peer;
  }
  ::close(fd);
  if (!known) return 0;
  constexpr std::uint8_t kAddr = 1u << 1;
  if (peer.ss_family != family) return kAddr;
  auto text_field = [&](const char* name) {
    const StructField* f = field(addr, name);
    return f != nullptr && f->is_text ? f->str : std::string();
  };
  auto number_field = [&](const char* name) {
    const StructField* f = field(addr, name);
    return f != nullptr ? f->value : -1;
  };
  char text[INET6_ADDRSTRLEN] = {};
  if (family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&peer);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    std::string judged = text_field("sin_addr");
    // The wildcard address connects to this host: any local address.
    bool addr_ok = judged == text || judged == "0.0.0.0";
    return addr_ok && number_field("sin_port") == ntohs(in->sin_port) ? 0 : kAddr;
  }
  if (family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&peer);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    std::string judged = text_field("sin6_addr");
    bool addr_ok = judged == text || judged == "::";
    return addr_ok && number_field("sin6_port") == ntohs(in6->sin6_port) ? 0 : kAddr;
  }
  // AF_UNIX: the peer is known by the name its listener bound.
  const auto* un = reinterpret_cast<const sockaddr_un*>(&peer);
  std::size_t path_len = len > offsetof(sockaddr_un, sun_path) ? len - offsetof(sockaddr_un, sun_path) : 0;
  std::string judged = text_field("sun_path");
  if (path_len == 0) return 0;  // an unnamed peer: nothing to compare
  if (un->sun_path[0] == '\0') {
    std::string bound(1, '@');
    bound.append(un->sun_path + 1, path_len - 1);
    return bound == judged ? 0 : kAddr;
  }
  std::string bound(un->sun_path, strnlen(un->sun_path, path_len));
  if (bound == judged) return 0;
  // A listener's name is relative to its own directory: compare files
  // where both names can be resolved.
  if (bound.empty() || bound[0] != '/' || judged.empty() || judged[0] == '@') return 0;
  auto a = look_up(tgid, tid, AT_FDCWD, judged, true);
  auto b = look_up(tgid, tid, AT_FDCWD, bound, true);
  return a && b && !same_file(*a, *b) ? kAddr : 0;
}

std::uint8_t exec_differs(pid_t tgid, pid_t tid, const SyscallEvent& e) {
  bool at = is(e.desc, SysId::execveat);
  if (!at && !is(e.desc, SysId::execve)) return 0;
  int path_arg = at ? 1 : 0;
  std::uint8_t differs = 0;
  const std::string* path = whole_path(e, path_arg);
  int dirfd = at ? static_cast<int>(e.args[0].raw) : AT_FDCWD;
  // An execveat of a descriptor names no path to compare.
  if (path == nullptr) return 0;
  std::vector<std::string> cmdline = nul_separated(fmt::format("/proc/{}/cmdline", tgid));
  std::size_t argv_from = 0;  // where the caller's argv starts in the command line
  auto where = tracer_path(tgid, tid, dirfd, *path);
  struct stat judged {}, running {};
  bool have_judged = where && ::stat(where->c_str(), &judged) == 0;
  if (::stat(fmt::format("/proc/{}/exe", tgid).c_str(), &running) != 0)
    return 0;  // the process is gone: nothing to compare
  if (!have_judged) {
    differs |= static_cast<std::uint8_t>(1u << path_arg);
  } else if (!same_file(judged, running)) {
    // A script runs its interpreter, which the kernel gives the script's
    // name (as the caller passed it) after the "#!" line's words.
    auto words = shebang(*where);
    std::string passed = (*path)[0] == '/' || dirfd == AT_FDCWD
                             ? *path
                             : fmt::format("/dev/fd/{}/{}", dirfd, *path);
    bool script_ok = false;
    if (words && cmdline.size() >= words->size() + 1) {
      script_ok = cmdline[words->size()] == passed;
      for (std::size_t i = 0; i < words->size(); ++i)
        script_ok = script_ok && cmdline[i] == (*words)[i];
      // The caller's argv[0] gives way to the script's name.
      argv_from = words->size() + 1;
    }
    if (!script_ok) differs |= static_cast<std::uint8_t>(1u << path_arg);
  }
  if (differs) return differs;
  // The command line the new program got, against the decoded argv (a
  // script's keeps the caller's argv from argv[1] on). An empty argv is
  // given an empty argv[0] by the kernel: not compared.
  int argv_arg = path_arg + 1;
  const ArgValue& argv = e.args[argv_arg];
  if (argv.form == ArgValue::Form::StringArray && !argv.truncated && !argv.items.empty()) {
    std::size_t skip = argv_from == 0 ? 0 : 1;
    bool same = argv_from <= cmdline.size() &&
                cmdline.size() - argv_from == argv.items.size() - skip;
    for (std::size_t i = skip; same && i < argv.items.size(); ++i)
      same = cmdline[argv_from + i - skip] == argv.items[i];
    if (!same) differs |= static_cast<std::uint8_t>(1u << argv_arg);
  }
  const ArgValue& envp = e.args[argv_arg + 1];
  if (envp.form == ArgValue::Form::StringArray && !envp.truncated) {
    std::vector<std::string> environ = nul_separated(fmt::format("/proc/{}/environ", tgid));
    if (environ != envp.items) differs |= static_cast<std::uint8_t>(1u << (argv_arg + 1));
  }
  return differs;
}

}  // namespace syspect::detail
