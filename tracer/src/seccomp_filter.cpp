#include "seccomp_filter.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <seccomp.h>

namespace syspect::detail {
namespace {

constexpr std::uint32_t kX32Bit = 0x40000000;

std::uint32_t trace_action(Interest::Need need) {
  switch (need) {
    case Interest::Need::None: return SCMP_ACT_ALLOW;
    case Interest::Need::Entry: return SCMP_ACT_TRACE(static_cast<std::uint16_t>(TraceData::Entry));
    case Interest::Need::Result: break;
  }
  return SCMP_ACT_TRACE(static_cast<std::uint16_t>(TraceData::Result));
}

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};

// libseccomp checks the architecture but lets x32 numbers (0x40000000 and
// up, same AUDIT_ARCH) fall through to the x86_64 rules; these must never
// run unseen, so this guard goes in front.
std::vector<sock_filter> abi_guard() {
  const std::uint32_t trap = SECCOMP_RET_TRACE | static_cast<std::uint16_t>(TraceData::Result);
  return {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 2),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, kX32Bit, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, trap),
  };
}

}  // namespace

Result<SeccompProgram, std::string> build_seccomp_program(const Interest& interest) {
  const std::uint32_t fallback = trace_action(interest.beyond());
  std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(fallback));
  if (!ctx) return unexpected(std::string("seccomp_init failed"));
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH,
                                trace_action(Interest::Need::Result));
      rc < 0)
    return unexpected(fmt::format("seccomp_attr_set: {}", std::strerror(-rc)));
  // A binary search over the numbers rather than a linear chain, for the
  // long lists a negated set ("!write") produces.
  (void)seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
  for (std::size_t nr = 0; nr < Interest::kNumbers; ++nr) {
    std::uint32_t action = trace_action(interest.need(static_cast<long>(nr)));
    if (action == fallback) continue;
    if (int rc = seccomp_rule_add(ctx.get(), action, static_cast<int>(nr), 0); rc < 0)
      return unexpected(fmt::format("seccomp_rule_add({}): {}", nr, std::strerror(-rc)));
  }
  // libseccomp writes the program to a file descriptor.
  int fd = ::memfd_create("syspect-seccomp", MFD_CLOEXEC);
  if (fd < 0) return unexpected(fmt::format("memfd_create: {}", std::strerror(errno)));
  int rc = seccomp_export_bpf(ctx.get(), fd);
  off_t size = ::lseek(fd, 0, SEEK_END);
  SeccompProgram program;
  program.code = abi_guard();
  std::size_t guard = program.code.size();
  if (rc == 0 && size > 0 && size % static_cast<off_t>(sizeof(sock_filter)) == 0) {
    program.code.resize(guard + static_cast<std::size_t>(size) / sizeof(sock_filter));
    if (::pread(fd, program.code.data() + guard, static_cast<std::size_t>(size), 0) != size) rc = -EIO;
  } else if (rc == 0) {
    rc = -EIO;
  }
  ::close(fd);
  if (rc < 0) return unexpected(fmt::format("seccomp_export_bpf: {}", std::strerror(-rc)));
  return program;
}

int install_seccomp_program(const SeccompProgram& program) {
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(program.code.size());
  prog.filter = const_cast<sock_filter*>(program.code.data());
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0) return 0;
  if (errno != EACCES) return errno;
  // Without CAP_SYS_ADMIN the kernel wants no_new_privs first.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0) return 0;
  return errno;
}

}  // namespace syspect::detail
