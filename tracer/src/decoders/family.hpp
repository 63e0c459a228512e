#pragma once
// One place for each syscall family: everything syspect knows about a
// family's calls beyond their line in the syscall table. A family declares
// the calls it covers, the structs it reads (each with the members it keeps,
// the schema expectation files and Member() validate against), the
// arguments whose constant family depends on another argument, and hooks
// the generic decoder and formatter call for its calls: what is read at
// entry and at exit, how many arguments strace shows, how an argument or
// the result is shown. A hook left null means the generic behaviour.
//
// Adding a decoder: its family file under tracer/src/decoders/, the table
// line in tracer/syscalls/*.in, and a row in tests/unit/struct_decoder_test.cpp
// (docs/architecture.md walks through one).

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../decode.hpp"
#include "syscall_ids.hpp"
#include "syspect/event.hpp"
#include "syspect/format.hpp"
#include "syspect/struct_schema.hpp"

namespace syspect::detail {

// One read of a struct argument `v` (described by `d`) of call `e`.
// `at_entry` is true for the read at syscall entry of an in/out argument.
struct StructRead {
  pid_t tid;
  const SyscallEvent& e;
  const ArgDesc& d;
  ArgValue& v;
  bool at_entry;
  const DecodeLimits& limits;
  XlatStyle style() const { return limits.xlat_style; }
};

struct StructDecoder {
  const char* name;  // as the syscall table's struct(NAME)
  // Read and decode; false when the memory cannot be read or the struct is
  // not shown at this stop (the argument then stays a pointer).
  bool (*decode)(const StructRead&);
  // The members `decode` puts in ArgValue::fields.
  std::vector<MemberDesc> (*members)();
  // A call that failed wrote nothing: what an in/out argument read at entry
  // shows then (socklen_t's "[16]"). Null: its address.
  bool (*on_failure)(ArgValue&) = nullptr;
};

// An argument whose constant family depends on another (the public
// DependentFamily, with the call by identifier).
struct DependentRule {
  SysId call;
  int arg;
  int on_arg;
  std::uint64_t on_value;
  const char* family;
};

struct SyscallFamily {
  const char* name;
  std::span<const SysId> calls;
  std::span<const StructDecoder> structs = {};
  std::span<const DependentRule> dependent = {};
  // At entry, once every argument's raw value is cut to its C type: true
  // when the hook decoded the arguments itself (the generic reads are
  // skipped). `sp` is the stack pointer.
  bool (*decode_entry)(pid_t, SyscallEvent&, std::uint64_t sp, const DecodeLimits&) = nullptr;
  // After the generic entry decoding.
  void (*after_entry)(pid_t, SyscallEvent&, const DecodeLimits&) = nullptr;
  // At exit, result set, before the outputs are read: true when the hook
  // read the outputs itself.
  bool (*decode_exit)(pid_t, SyscallEvent&, const DecodeLimits&) = nullptr;
  // After the generic exit decoding of a call that succeeded.
  void (*after_exit)(pid_t, SyscallEvent&, const DecodeLimits&) = nullptr;
  // How many arguments strace shows, or -1 for all of them.
  int (*shown_args)(const SyscallEvent&) = nullptr;
  // All arguments at once (clone, rt_sigreturn): true when written.
  bool (*format_args)(std::string&, const SyscallEvent&, const FormatOptions&) = nullptr;
  // Argument `i`, when the family shows it its own way: true when written.
  bool (*format_arg)(std::string&, const SyscallEvent&, int, const FormatOptions&) = nullptr;
  // The result of a call that succeeded, when shown its own way.
  bool (*format_result)(std::string&, const SyscallEvent&, XlatStyle) = nullptr;
};

// Every family, in no particular order.
std::span<const SyscallFamily* const> syscall_families();

// The family of `desc`'s call, or nullptr.
const SyscallFamily* family_of(const SyscallDesc* desc);

// The decoder of the struct named `name`, or nullptr.
const StructDecoder* struct_decoder(std::string_view name);

// Read and decode the struct `v` points to. False when the struct is not
// known, the pointer is NULL, or the memory cannot be read: the argument
// then stays a pointer.
bool decode_struct(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v, bool at_entry,
                   const DecodeLimits& limits);

// The families, one function each (tracer/src/decoders/*.cpp).
const SyscallFamily& clone_family();
const SyscallFamily& fcntl_family();
const SyscallFamily& fs_family();
const SyscallFamily& futex_family();
const SyscallFamily& io_family();
const SyscallFamily& ioctl_family();
const SyscallFamily& io_uring_family();
const SyscallFamily& ipc_family();
const SyscallFamily& landlock_family();
const SyscallFamily& mman_family();
const SyscallFamily& netlink_family();
const SyscallFamily& mount_family();
const SyscallFamily& numa_family();
const SyscallFamily& open_family();
const SyscallFamily& poll_family();
const SyscallFamily& prctl_family();
const SyscallFamily& process_family();
const SyscallFamily& signal_family();
const SyscallFamily& socket_family();
const SyscallFamily& stat_family();
const SyscallFamily& syslog_family();
const SyscallFamily& system_family();
const SyscallFamily& time_family();

}  // namespace syspect::detail
