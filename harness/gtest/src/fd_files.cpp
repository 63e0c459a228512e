#include "fd_files.hpp"

#include <limits.h>
#include <unistd.h>

#include <fmt/format.h>

namespace syspect::detail {
namespace {

std::string file_of(pid_t tid, std::int64_t fd) {
  char buf[PATH_MAX];
  std::string link = fmt::format("/proc/{}/fd/{}", tid, fd);
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n <= 0) return {};
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace

Verdict FdFileSink::on_entry(const SyscallEvent& entry) {
  std::array<std::string, 6>& files = at_entry_[entry.tid];
  for (std::size_t i = 0; i < files.size(); ++i) {
    files[i].clear();
    if (entry.desc == nullptr || static_cast<int>(i) >= entry.desc->nargs) continue;
    ArgKind k = entry.desc->args[i].kind;
    const ArgValue& v = entry.args[i];
    if ((k == ArgKind::Fd || k == ArgKind::DirFd) && v.form == ArgValue::Form::Number && v.num >= 0 &&
        v.num <= INT_MAX)
      files[i] = file_of(entry.tid, v.num);
  }
  return next_.on_entry(entry);
}

void FdFileSink::on_syscall(const SyscallEvent& e) {
  auto it = at_entry_.find(e.tid);
  if (it == at_entry_.end()) return next_.on_syscall(e);
  SyscallEvent filled = e;
  for (std::size_t i = 0; i < it->second.size(); ++i) filled.args[i].fd_file = std::move(it->second[i]);
  at_entry_.erase(it);
  next_.on_syscall(filled);
}

}  // namespace syspect::detail
