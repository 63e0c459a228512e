#include "seccomp_filter.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <seccomp.h>

#include "syspect/syscall_table.hpp"

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

Result<SeccompProgram, std::string> build_seccomp_program(const Interest& interest, bool follow) {
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
    // A clone that may run unseen still stops when it asks for
    // CLONE_UNTRACED (below); libseccomp cannot add that condition next to
    // an unconditional rule, so then clone stops at every entry.
    if (follow && nr == SYS_clone && action == SCMP_ACT_ALLOW && fallback != SCMP_ACT_ALLOW)
      action = trace_action(Interest::Need::Entry);
    if (action == fallback) continue;
    if (int rc = seccomp_rule_add(ctx.get(), action, static_cast<int>(nr), 0); rc < 0)
      return unexpected(fmt::format("seccomp_rule_add({}): {}", nr, std::strerror(-rc)));
  }
  // A clone that asks for CLONE_UNTRACED would leave its child unseen: it
  // stops at its entry, where the tracer clears the flag. (clone3 keeps the
  // flags in memory, out of the filter's reach: the tracer asks for every
  // clone3.)
  if (follow && trace_action(interest.need(SYS_clone)) == SCMP_ACT_ALLOW && fallback == SCMP_ACT_ALLOW) {
    if (int rc = seccomp_rule_add(ctx.get(), trace_action(Interest::Need::Entry), SCMP_SYS(clone), 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_UNTRACED, CLONE_UNTRACED));
        rc < 0)
      return unexpected(fmt::format("seccomp_rule_add(clone): {}", std::strerror(-rc)));
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

namespace {

// The numbers of one ABI's table from `first` to `last`: returns whichever
// is shorter of "allow these, kill the rest" and "kill these (and anything
// above `last`), allow the rest" as BPF, with the number loaded in A. Each
// comparison has its own return right after it, so no jump goes far.
void emit_number_block(std::vector<sock_filter>& code, std::vector<long> allowed, long first,
                       long last) {
  const std::uint32_t kill = SECCOMP_RET_KILL_PROCESS, allow = SECCOMP_RET_ALLOW;
  std::sort(allowed.begin(), allowed.end());
  std::vector<long> denied;
  for (long nr = first; nr <= last; ++nr)
    if (!std::binary_search(allowed.begin(), allowed.end(), nr)) denied.push_back(nr);
  bool list_allowed = allowed.size() <= denied.size();
  if (!list_allowed) {
    code.push_back(BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, static_cast<std::uint32_t>(last), 0, 1));
    code.push_back(BPF_STMT(BPF_RET | BPF_K, kill));
  }
  for (long nr : list_allowed ? allowed : denied) {
    code.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(nr), 0, 1));
    code.push_back(BPF_STMT(BPF_RET | BPF_K, list_allowed ? allow : kill));
  }
  code.push_back(BPF_STMT(BPF_RET | BPF_K, list_allowed ? kill : allow));
}

long highest_nr(Abi abi) {
  long high = 0;
  for (const SyscallDesc& d : syscall_table(abi)) high = std::max(high, static_cast<long>(d.nr));
  return high;
}

}  // namespace

Result<SeccompProgram, std::string> build_strict_program(const TraceOptions::Strict& strict) {
  std::vector<sock_filter> code;
  code.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  code.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 1));
  std::size_t to_x86 = code.size();
  code.push_back(BPF_STMT(BPF_JMP | BPF_JA, 0));  // patched below
  // i386 (anything else is killed).
  code.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 1, 0));
  code.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  code.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  emit_number_block(code, strict.allow_i386, 0, highest_nr(Abi::i386));
  // x86_64: plain numbers run; x32 numbers (the 0x40000000 bit) as listed.
  code[to_x86].k = static_cast<std::uint32_t>(code.size() - to_x86 - 1);
  code.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  code.push_back(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, kX32Bit, 1, 0));
  code.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  emit_number_block(code, strict.allow_x32, kX32Bit, kX32Bit + highest_nr(Abi::x86_64));
  if (code.size() > BPF_MAXINSNS)
    return unexpected(fmt::format("the --strict filter is too long ({} instructions)", code.size()));
  SeccompProgram program;
  program.code = std::move(code);
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
