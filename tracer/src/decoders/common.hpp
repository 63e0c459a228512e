#pragma once
// What the family files share: recording members, naming constants,
// arrays cut at -s, fds shown with -y, and a few texts more than one
// family prints.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../decode.hpp"
#include "syspect/event.hpp"
#include "syspect/struct_schema.hpp"
#include "syspect/xlat.hpp"

namespace syspect::detail {

// Adds a member to a decoded struct argument.
struct Out {
  ArgValue& v;
  void field(FieldName name, std::int64_t value) { v.fields.push_back({name, value}); }
};

// The constant family `name`, or an empty one (names nothing).
const Xlat& xlat_family(const char* name);

// A member name made at run time ("[2].fd"), kept for the life of the
// program (FieldName::intern).
FieldName member_name(const std::string& name);

// Arrays are shown and kept up to -s elements, as strace does (then "...").
inline std::size_t max_elements(const DecodeLimits& limits) { return limits.struct_string; }

// An fd inside a struct, with its path under -y: "3</etc/passwd>".
std::string fd_text(pid_t tid, int fd, const DecodeLimits& limits);

// "[1]": an int the call reads or writes, kept as member `field`.
bool decode_int_in_brackets(pid_t tid, ArgValue& v, FieldName field);

// A number as C's "%#x" prints it: "0x1f", and "0" for zero (strace's
// PRINT_FIELD_X), where fmt's "{:#x}" would write "0x0".
std::string c_hex(std::uint64_t v);

// "NULL" or "0x7ffc...".
void append_pointer(std::string& out, std::uint64_t v);

// A value of an enum family, or for a value it does not name the number in
// hex and `unknown` ("SUID_DUMP_???") in a comment, as strace does.
std::string enum_text(const char* family, std::uint64_t value, const char* unknown, XlatStyle style);

// "{tv_sec=1, tv_nsec=500}", as strace shows a struct timespec (time.cpp).
std::string timespec_text(const std::int64_t ts[2]);

// A clock_t in ticks, with the seconds in a comment unless raw, as strace's
// print_clock_t: "41 /* 0.41 s */" at 100 ticks per second (process.cpp).
std::string clock_t_text(std::uint64_t ticks, XlatStyle style);

// "[CHLD]", "~[RTMIN RT_1]" (signal.cpp).
std::string sigset_text(std::uint64_t set, unsigned nsig, XlatStyle style);

// How iovecs hold netlink messages: the socket's protocol, the limits.
struct NetlinkIov {
  int protocol;
  const DecodeLimits& limits;
};

// An iovec array at `addr`: "[{iov_base="ab", iov_len=2}, ...]" (io.cpp).
// `budget` is how many bytes the call transferred (the data shown stops
// there), or nothing for an input; members go to `v.fields` under `prefix`.
// `addresses`: each iov_base as its address, not its data (a read that
// failed, as strace shows it). `netlink`: each iov_base's data as netlink
// messages of that protocol (-1: unknown), as strace shows a msghdr whose
// msg_name is an AF_NETLINK address; nullptr: as a string. `data`: where
// the data of the iovecs shown goes, each iovec's up to the bytes
// transferred, up to `data_max` bytes in all (what -e read= and -e write=
// dump, buffer by buffer as their iov_len members and the result say).
std::string iovec_text(pid_t tid, std::uint64_t addr, std::uint64_t count,
                       std::optional<std::uint64_t> budget, ArgValue& v, const std::string& prefix,
                       std::size_t limit, bool addresses = false,
                       HexStrings hex = HexStrings::None, const NetlinkIov* netlink = nullptr,
                       std::string* data = nullptr, std::size_t data_max = 0);

// Netlink messages as strace shows them (netlink.cpp): `protocol` is the
// socket's (NETLINK_ROUTE...), -1 when unknown. From bytes, or read from
// the tracee (nothing when they cannot be read; "NULL" for address 0).
std::string netlink_text(std::string_view bytes, int protocol, const DecodeLimits& limits);
std::optional<std::string> netlink_text(pid_t tid, std::uint64_t addr, std::uint64_t len, int protocol,
                                        const DecodeLimits& limits);
// The netlink protocol of `fd` in `tid`, or -1 when it is not a netlink socket.
int netlink_protocol(pid_t tid, int fd);

// What follows a struct's known members when the call says it is longer
// (openat2's size, clone3's), as strace's print_nonzero_bytes shows it:
// nothing when those bytes are zero, ", ???" when they cannot be read,
// else ", /* bytes 24..31 */ "\x01..."" (at most `limit` bytes shown).
std::string struct_tail(pid_t tid, std::uint64_t addr, std::uint64_t known, std::uint64_t size,
                        std::size_t limit);

// Members for a schema: a number (named by `family`), text, a signal.
inline MemberDesc num(const char* name, const char* family = nullptr) { return {name, false, family, false}; }
inline MemberDesc text(const char* name) { return {name, true, nullptr, false}; }
inline MemberDesc sig(const char* name) { return {name, false, nullptr, true}; }

// `members` with `prefix` before each name ("msg_name." + "sa_family").
std::vector<MemberDesc> prefixed(const std::string& prefix, const std::vector<MemberDesc>& members);

}  // namespace syspect::detail

namespace syspect::detail {

// A path at `v.raw` where the table has a pointer (fsconfig's value,
// quotactl's quota file), as strace's printpath shows it: whole up to
// PATH_MAX - 1 bytes, cut there with "..."; a Struct with that text and
// member `value`. NULL for 0; the address when it cannot be read.
//
// A string of at most `len` bytes at `v.raw`, as strace's printstr_ex shows
// it (reboot's RESTART2 argument, fsconfig's key and value): -s bytes at
// most; `zero_terminated`: it stops at a NUL, and "..." follows when none
// came within what was shown; else `len` bytes, "..." when more than -s.
// NULL for 0; the address when the bytes cannot be read. `v` becomes the
// String of the bytes shown, or with `force_hex` (every byte as \xNN) a
// Struct with that text and member `value`.
void decode_path_text(pid_t tid, ArgValue& v, const DecodeLimits& limits);

void decode_bounded_string(pid_t tid, ArgValue& v, std::uint64_t len, bool zero_terminated,
                           const DecodeLimits& limits, bool force_hex = false);

}  // namespace syspect::detail
