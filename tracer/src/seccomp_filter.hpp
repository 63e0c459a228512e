#pragma once
// The seccomp-bpf program that lets the calls no sink needs run without a
// stop. Built in the tracer (with libseccomp) before fork; the child only
// installs it, with calls that are safe between fork and exec.

#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

#include "syspect/result.hpp"
#include "syspect/tracer.hpp"

namespace syspect::detail {

// SECCOMP_RET_TRACE data: what the tracer must do at the seccomp stop.
enum class TraceData : std::uint16_t {
  Entry = 1,   // decide the verdict, then let the call run unwatched
  Result = 2,  // watch it to its exit stop
};

struct SeccompProgram {
  std::vector<sock_filter> code;
};

// A program that traps every x86_64 call `interest` needs (with its Need as
// the trace data) and every call through another ABI (i386, x32), and allows
// the rest.
// With `follow`, a clone with CLONE_UNTRACED in its flags also stops at its
// entry (the tracer clears the flag there).
Result<SeccompProgram, std::string> build_seccomp_program(const Interest& interest, bool follow);

// The --strict backstop: kill the process at any call through the i386 ABI
// or with the x32 bit, except the listed numbers.
Result<SeccompProgram, std::string> build_strict_program(const TraceOptions::Strict& strict);

// In the child, between fork and exec: install `program`. Sets
// no_new_privs first when the caller lacks CAP_SYS_ADMIN. Returns 0 or an
// errno. Async-signal-safe.
int install_seccomp_program(const SeccompProgram& program);

}  // namespace syspect::detail
