#pragma once
// Checking the names a user writes (constants, flags, struct members, globs)
// against what exists, with the same words wherever they are written: in an
// expectation file or in a gtest matcher. Each check gives the value, or a
// message that says what is wrong ("unknown constant 'O_CLOEXC' for 'flags'
// (open_flags); did you mean 'O_CLOEXEC'?").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "syspect/result.hpp"

namespace syspect {

struct ArgDesc;
struct Xlat;
struct StructSchema;

// The value of a constant of family `x` for the argument `arg`: a name
// ("AF_INET"), a number, or for a flag family names and numbers joined by
// '|' ("O_RDONLY|O_CLOEXEC"). Two values of one field of the family (the
// access mode: "O_RDONLY|O_WRONLY") contradict each other and are an error.
Result<std::uint64_t, std::string> constant_value(const Xlat& x, std::string_view text,
                                                  std::string_view arg);

// One flag name (or number) of family `x`, as `has`/`lacks` take it.
Result<std::uint64_t, std::string> flag_value(const Xlat& x, std::string_view name,
                                              std::string_view arg);

// Why flags that must all be present (`has`) can never be: two different
// values of the family's field ("O_RDONLY" and "O_WRONLY"); nothing when
// they can.
std::optional<std::string> conflicting_flags(const Xlat& x,
                                             const std::vector<std::pair<std::string, std::uint64_t>>& flags);

// Why `member` is no member of the struct `struct_name` whose schema is
// `schema` (nullptr: syspect does not read its members), with a "did you
// mean"; nothing when it is one.
std::optional<std::string> member_problem(std::string_view struct_name, const StructSchema* schema,
                                          std::string_view member);

// Why `member` is a member of no struct syspect decodes; nothing when some
// struct has it.
std::optional<std::string> member_of_none(std::string_view member);

// Why `name` is the name of no syscall argument; nothing when some syscall
// has an argument so named (or it is an index "0".."5").
std::optional<std::string> argument_of_none(std::string_view name);

// Why `name` is in no constant family; nothing when some family has it.
std::optional<std::string> constant_of_none(std::string_view name);

// `s` without the blanks (spaces, tabs) around it.
std::string_view trim_blanks(std::string_view s);

// An integer as a spec writes it (decimal, 0x hex, 0 octal; blanks around
// it allowed); values above INT64_MAX (flag words) wrap, as the kernel's
// registers hold them. Nothing when `s` is not wholly a number.
std::optional<std::int64_t> parse_integer(std::string_view s);

// Ranking near misses, the same in `syspect check` and the gtest matchers.
// How much a condition on the argument `arg` counts when it holds (1 for
// a result, an errno, or an argument not known):
// an argument that tells one call from another (a path, an fd, an address,
// a string, a buffer, a struct) weighs more than a flag, a mode or a size.
unsigned near_miss_weight(const ArgDesc* arg);
// How nearly the string `seen` is the string `wanted`: how much of its
// beginning and its end the two share, below 1000.
unsigned string_likeness(std::string_view wanted, std::string_view seen);

}  // namespace syspect
