#pragma once
// Hand-built events and traces for the golden tests of the matchers' words,
// and gmock's Describe/DescribeNegation/Explain helpers.

#include <fcntl.h>

#include <cerrno>
#include <cstdint>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>

#include "syspect/event.hpp"
#include "syspect/syscall_table.hpp"
#include "syspect/trace.hpp"

namespace syspect_gt {

inline syspect::ArgValue num(std::int64_t v) {
  syspect::ArgValue a;
  a.raw = static_cast<std::uint64_t>(v);
  a.num = v;
  return a;
}

inline syspect::ArgValue str(std::string s, std::uint64_t address = 0x55d0c0de0000) {
  syspect::ArgValue a;
  a.raw = address;
  a.form = syspect::ArgValue::Form::String;
  a.bytes = std::move(s);
  return a;
}

inline syspect::ArgValue bytes(std::string s) {
  syspect::ArgValue a;
  a.raw = 0x7ffc00001000;
  a.form = syspect::ArgValue::Form::Bytes;
  a.total_len = s.size();
  a.bytes = std::move(s);
  return a;
}

// A finished x86_64 call: `result` when err is 0, else -1 with errno `err`.
inline syspect::SyscallEvent call(std::string_view name, std::initializer_list<syspect::ArgValue> args,
                                  std::int64_t result, int err = 0, syspect::Abi abi = syspect::Abi::x86_64) {
  syspect::SyscallEvent e;
  e.pid = e.tid = 4242;
  e.abi = abi;
  e.desc = syspect::find_syscall(abi, name);
  e.nr = e.desc ? e.desc->nr : -1;
  e.nargs = e.desc ? e.desc->nargs : 0;
  std::size_t i = 0;
  for (const auto& a : args) e.args[i++] = a;
  e.err = err;
  e.result = err ? -err : result;
  return e;
}

inline syspect::SyscallEvent openat(std::string path, int flags, std::int64_t result, int err = 0) {
  return call("openat", {num(AT_FDCWD), str(std::move(path)), num(flags), num(0)}, result, err);
}

inline syspect::SyscallEvent close_call(int fd) { return call("close", {num(fd)}, 0); }

inline syspect::Trace trace_of(std::vector<syspect::SyscallEvent> calls, int exit_code = 0) {
  std::vector<syspect::Event> events;
  std::uint64_t seq = 0;
  for (auto& c : calls) {
    c.seq = seq++;
    events.emplace_back(c);
  }
  syspect::TraceResult r;
  r.started = r.exited = true;
  r.exit_code = exit_code;
  return syspect::Trace({"prog"}, std::move(events), r);
}

template <typename T, typename M>
std::string Describe(const M& m) {
  ::testing::Matcher<T> mm = ::testing::MatcherCast<T>(m);
  std::ostringstream os;
  mm.DescribeTo(&os);
  return os.str();
}

template <typename T, typename M>
std::string DescribeNegation(const M& m) {
  ::testing::Matcher<T> mm = ::testing::MatcherCast<T>(m);
  std::ostringstream os;
  mm.DescribeNegationTo(&os);
  return os.str();
}

template <typename T, typename M, typename V>
std::string Explain(const M& m, const V& value) {
  ::testing::Matcher<T> mm = ::testing::MatcherCast<T>(m);
  ::testing::StringMatchResultListener listener;
  mm.MatchAndExplain(value, &listener);
  return listener.str();
}

}  // namespace syspect_gt
