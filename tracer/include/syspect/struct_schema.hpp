#pragma once
// What the decoders declare they keep: for each struct they read (by its
// name in the syscall table), the members they put in ArgValue::fields, and
// for each member whether it is a number or text and which constant family
// names its values. For the arguments whose constant family depends on
// another argument (setsockopt's optname on its level, fcntl's arg on its
// cmd, prctl's arguments on its option), which family applies when. The
// expectation parser, the gtest matchers and the docs read these lists; a
// test checks every member the decoders fill against them.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace syspect {

struct Xlat;
struct SyscallDesc;

struct MemberDesc {
  // The C name as strace shows it; nested members are dotted
  // ("it_value.tv_sec"), array elements are written "[]" here and "[N]"
  // in a value ("[].fd" is "[0].fd", "[1].fd" ...).
  const char* name;
  bool is_text;        // text (sin_addr, sun_path) rather than a number
  const char* family;  // the constant family its values are named by, or nullptr
  bool is_signal;      // a signal number (SIGTERM)
};

struct StructSchema {
  const char* struct_name;  // as in the syscall table: "stat", "sockaddr"
  std::vector<MemberDesc> members;
};

// Every struct the decoders read into members, by name.
std::span<const StructSchema> struct_schemas();

// The schema of the struct named `struct_name`, or nullptr when syspect
// does not decode it into members.
const StructSchema* struct_schema(std::string_view struct_name);

// The member `name` of `schema` ("st_size", "[3].fd"), or nullptr.
const MemberDesc* find_member(const StructSchema& schema, std::string_view name);

// The member names of a schema, as a user writes them ("[0].fd" for "[].fd").
std::vector<std::string> member_names(const StructSchema& schema);

// An argument whose constant family depends on another one: argument `arg`
// of `syscall` takes its names from `family` when argument `on_arg` is
// `on_value` ("signals" means signal names).
struct DependentFamily {
  const char* syscall;
  int arg;
  int on_arg;
  std::uint64_t on_value;
  const char* family;
};

// The families argument `arg` of `desc` may take its names from, each with
// the condition that selects it; empty when the argument's family does not
// depend on another argument.
std::vector<DependentFamily> dependent_families(const SyscallDesc& desc, int arg);

// The family a dependent argument takes when argument `on_arg` holds
// `value`, or nullptr.
const Xlat* dependent_family(const SyscallDesc& desc, int arg, std::uint64_t value);

}  // namespace syspect
