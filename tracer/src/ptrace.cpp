#include "ptrace.hpp"

#include <sys/ptrace.h>

#include <cstring>

#include <fmt/format.h>

namespace syspect::detail {

long ptrace_raw(int request, pid_t tid, std::uintptr_t addr, std::uintptr_t data) {
  return ::ptrace(static_cast<enum __ptrace_request>(request), tid,
                  reinterpret_cast<void*>(addr), reinterpret_cast<void*>(data));
}

PtraceStatus ptrace_checked(int request, pid_t tid, std::uintptr_t addr,
                            std::uintptr_t data) {
  errno = 0;
  long r = ptrace_raw(request, tid, addr, data);
  if (r != -1 || errno == 0) return PtraceStatus::Ok;
  return errno == ESRCH ? PtraceStatus::Gone : PtraceStatus::Failed;
}

const char* ptrace_request_name(int request) {
  switch (request) {
    case PTRACE_SEIZE: return "PTRACE_SEIZE";
    case PTRACE_INTERRUPT: return "PTRACE_INTERRUPT";
    case PTRACE_SYSCALL: return "PTRACE_SYSCALL";
    case PTRACE_CONT: return "PTRACE_CONT";
    case PTRACE_LISTEN: return "PTRACE_LISTEN";
    case PTRACE_DETACH: return "PTRACE_DETACH";
    case PTRACE_GETEVENTMSG: return "PTRACE_GETEVENTMSG";
    case PTRACE_GETSIGINFO: return "PTRACE_GETSIGINFO";
    case PTRACE_GET_SYSCALL_INFO: return "PTRACE_GET_SYSCALL_INFO";
    case PTRACE_PEEKDATA: return "PTRACE_PEEKDATA";
    case PTRACE_SETOPTIONS: return "PTRACE_SETOPTIONS";
    case PTRACE_GETREGS: return "PTRACE_GETREGS";
    case PTRACE_SETREGS: return "PTRACE_SETREGS";
    case PTRACE_POKEUSER: return "PTRACE_POKEUSER";
    default: return "PTRACE_?";
  }
}

std::string ptrace_error(int request, pid_t tid) {
  return fmt::format("{}({}): {}", ptrace_request_name(request), tid,
                     std::strerror(errno));
}

}  // namespace syspect::detail
