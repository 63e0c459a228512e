#pragma once
// Two layers over ptrace(2): the raw request, and checked wrappers that treat
// ESRCH (the tracee died under us) as an expected outcome rather than an
// error, and name the request when anything else goes wrong.

#include <sys/types.h>

#include <cerrno>
#include <cstdint>
#include <string>

namespace syspect::detail {

// Retry a call while it fails with EINTR.
template <typename F>
auto retry_eintr(F&& f) {
  for (;;) {
    auto r = f();
    if (r != -1 || errno != EINTR) return r;
  }
}

// The outcome of a request on a tracee that may vanish at any moment.
enum class PtraceStatus { Ok, Gone, Failed };

long ptrace_raw(int request, pid_t tid, std::uintptr_t addr, std::uintptr_t data);

// ESRCH -> Gone; other failures -> Failed (errno kept).
PtraceStatus ptrace_checked(int request, pid_t tid, std::uintptr_t addr,
                            std::uintptr_t data);

const char* ptrace_request_name(int request);

// "PTRACE_SEIZE(1234): Operation not permitted" for the current errno.
std::string ptrace_error(int request, pid_t tid);

}  // namespace syspect::detail
