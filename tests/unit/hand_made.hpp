#pragma once
// Hand-made x86_64 events for the notation tests: numbers as the registers
// hold them, strings and structs set afterwards.

#include <cstdint>
#include <initializer_list>
#include <string>

#include <gtest/gtest.h>

#include "syspect/event.hpp"
#include "syspect/syscall_table.hpp"

namespace syspect::testing_events {

// An event for `name` with numeric arguments: an int argument is its low 32
// bits, signed; a pointer or struct argument an address (NULL for 0).
inline SyscallEvent call(const char* name, std::initializer_list<std::uint64_t> raw,
                         std::int64_t result = 0, int err = 0) {
  SyscallEvent e;
  e.desc = find_syscall(Abi::x86_64, name);
  EXPECT_NE(e.desc, nullptr) << name;
  e.nr = e.desc ? e.desc->nr : -1;
  e.nargs = e.desc ? e.desc->nargs : 0;
  int i = 0;
  for (std::uint64_t r : raw) {
    ArgValue& v = e.args[i];
    const ArgKind kind = e.desc ? e.desc->args[i].kind : ArgKind::Long;
    v.raw = r;
    v.num = kind == ArgKind::Int ? static_cast<std::int32_t>(r) : static_cast<std::int64_t>(r);
    if (kind == ArgKind::Ptr || kind == ArgKind::Struct)
      v.form = r ? ArgValue::Form::Pointer : ArgValue::Form::Null;
    ++i;
  }
  e.result = err ? -err : result;
  e.err = err;
  return e;
}

inline void set_string(SyscallEvent& e, int i, std::string s) {
  e.args[i].form = ArgValue::Form::String;
  e.args[i].bytes = std::move(s);
}

inline void set_struct(SyscallEvent& e, int i, std::string text, std::string text_out = {}) {
  e.args[i].form = ArgValue::Form::Struct;
  e.args[i].text = std::move(text);
  e.args[i].text_out = std::move(text_out);
}

}  // namespace syspect::testing_events
