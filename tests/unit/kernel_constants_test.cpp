// Families whose names only the kernel's uapi headers define, and which
// cannot share a translation unit with the libc headers check_xlat.cpp uses
// (<linux/ipc.h> redefines glibc's struct ipc_perm).

#include <linux/ipc.h>
#include <linux/rseq.h>

#include <gtest/gtest.h>

#include <string>

#include "syspect/xlat.hpp"

namespace {

std::uint64_t value_of(const char* family, const char* name) {
  const syspect::Xlat* x = syspect::find_xlat(family);
  if (x == nullptr) {
    ADD_FAILURE() << "no family " << family;
    return ~0ull;
  }
  auto v = syspect::xlat_value(*x, name);
  if (!v) {
    ADD_FAILURE() << family << " has no " << name;
    return ~0ull;
  }
  return *v;
}

TEST(KernelConstants, IpcCalls) {
  EXPECT_EQ(value_of("ipc_calls", "SEMOP"), static_cast<std::uint64_t>(SEMOP));
  EXPECT_EQ(value_of("ipc_calls", "SEMGET"), static_cast<std::uint64_t>(SEMGET));
  EXPECT_EQ(value_of("ipc_calls", "SEMCTL"), static_cast<std::uint64_t>(SEMCTL));
  EXPECT_EQ(value_of("ipc_calls", "SEMTIMEDOP"), static_cast<std::uint64_t>(SEMTIMEDOP));
  EXPECT_EQ(value_of("ipc_calls", "MSGSND"), static_cast<std::uint64_t>(MSGSND));
  EXPECT_EQ(value_of("ipc_calls", "MSGRCV"), static_cast<std::uint64_t>(MSGRCV));
  EXPECT_EQ(value_of("ipc_calls", "MSGGET"), static_cast<std::uint64_t>(MSGGET));
  EXPECT_EQ(value_of("ipc_calls", "MSGCTL"), static_cast<std::uint64_t>(MSGCTL));
  EXPECT_EQ(value_of("ipc_calls", "SHMAT"), static_cast<std::uint64_t>(SHMAT));
  EXPECT_EQ(value_of("ipc_calls", "SHMDT"), static_cast<std::uint64_t>(SHMDT));
  EXPECT_EQ(value_of("ipc_calls", "SHMGET"), static_cast<std::uint64_t>(SHMGET));
  EXPECT_EQ(value_of("ipc_calls", "SHMCTL"), static_cast<std::uint64_t>(SHMCTL));
  EXPECT_EQ(syspect::find_xlat("ipc_calls")->entries.size(), 12u);
}

TEST(KernelConstants, RseqFlags) {
  EXPECT_EQ(value_of("rseq_flags", "RSEQ_FLAG_UNREGISTER"), static_cast<std::uint64_t>(RSEQ_FLAG_UNREGISTER));
}

// The kernel's include/linux/syslog.h is not exported to user space; its
// values are those documented in syslog(2).
TEST(KernelConstants, SyslogActions) {
  const syspect::Xlat* x = syspect::find_xlat("syslog_actions");
  ASSERT_NE(x, nullptr);
  ASSERT_EQ(x->entries.size(), 11u);
  for (std::size_t i = 0; i < x->entries.size(); ++i) {
    EXPECT_EQ(x->entries[i].value, i) << x->entries[i].name;
  }
  EXPECT_EQ(syspect::xlat_format(*x, 10), "SYSLOG_ACTION_SIZE_BUFFER");
}

}  // namespace
