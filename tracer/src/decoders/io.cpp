// The I/O family: iovec arrays (readv, writev, preadv, pwritev, and inside
// msghdr), and getrandom's random bytes.

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {

// An iovec array: "[{iov_base="ab", iov_len=2}, ...]". `budget` is how many
// bytes the call transferred (the data shown stops there), or nothing for
// an input. Each iov_base is cut at `limit` bytes (-s), and at most `limit`
// elements are shown, as strace does.
std::string iovec_text(pid_t tid, std::uint64_t addr, std::uint64_t count,
                       std::optional<std::uint64_t> budget, ArgValue& v, const std::string& prefix,
                       std::size_t limit, bool addresses, HexStrings hex, const NetlinkIov* netlink,
                       std::string* data_out, std::size_t data_max) {
  struct Iov {
    std::uint64_t base, len;
  };
  std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(count, limit));
  std::vector<Iov> iovs(n);
  // Element by element, as strace reads the array: the first that cannot
  // be read ends it with "... /* its address */" (none read: the address).
  std::size_t readable = 0;
  while (readable < n && read_exact(tid, RemotePtr{addr + readable * sizeof(Iov)}, &iovs[readable], sizeof(Iov)))
    ++readable;
  if (n > 0 && readable == 0) return {};
  std::string out = "[";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    if (i == readable) {
      out += fmt::format("... /* {:#x} */]", addr + i * sizeof(Iov));
      v.truncated = true;
      return out;
    }
    std::uint64_t want = iovs[i].len;
    if (budget) {
      want = std::min(want, *budget);
      *budget -= want;
    }
    std::optional<std::string> messages;
    if (netlink != nullptr && !addresses)
      messages = netlink_text(tid, iovs[i].base, want, netlink->protocol, netlink->limits);
    const std::size_t room = data_out && data_out->size() < data_max ? data_max - data_out->size() : 0;
    std::string data(static_cast<std::size_t>(std::min<std::uint64_t>(want, std::max(limit + 1, room))), '\0');
    long got = messages || addresses || data.empty()
                   ? 0
                   : read_memory(tid, RemotePtr{iovs[i].base}, data.data(), data.size());
    if (messages) {
      out += fmt::format("{{iov_base={}, iov_len={}}}", *messages, iovs[i].len);
    } else if (iovs[i].base == 0) {
      // strace's printstr: a NULL address is "NULL", whatever the length.
      out += fmt::format("{{iov_base=NULL, iov_len={}}}", iovs[i].len);
    } else if (got < 0 || addresses) {
      out += fmt::format("{{iov_base={:#x}, iov_len={}}}", iovs[i].base, iovs[i].len);
    } else {
      data.resize(static_cast<std::size_t>(got));
      if (room != 0) data_out->append(data, 0, std::min(data.size(), room));
      if (data.size() > limit + 1) data.resize(limit + 1);
      out += fmt::format("{{iov_base={}, iov_len={}}}", quote_string(data, limit, want > limit, hex),
                         iovs[i].len);
      if (want > limit) v.truncated = true;  // the data shown is not all of it
    }
    v.fields.push_back({member_name(fmt::format("{}[{}].iov_len", prefix, i)),
                        static_cast<std::int64_t>(iovs[i].len)});
  }
  if (count > n) {
    // strace reads the element after the last it shows: "..." when it is
    // there, "... /* its address */" when it cannot be read.
    Iov next;
    const std::uint64_t at = addr + n * sizeof(Iov);
    out += n ? ", ..." : "...";
    if (!read_exact(tid, RemotePtr{at}, &next, sizeof next)) out += fmt::format(" /* {:#x} */", at);
    v.truncated = true;
  }
  return out + "]";
}

namespace {

bool decode_iovec(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v,
                  const DecodeLimits& limits) {
  int self = -1;
  for (int i = 0; i < e.nargs; ++i) {
    if (&e.desc->args[i] == &d) self = i;
  }
  if (self < 0 || self + 1 >= e.nargs) return false;
  std::optional<std::uint64_t> budget;
  if (d.dir != ArgDir::In) {
    if (e.err || e.result < 0) return false;
    budget = static_cast<std::uint64_t>(e.result);
  }
  // process_vm_readv's and process_vm_writev's remote iovecs are in the
  // other process: strace shows their addresses.
  const bool remote = self == 3 && (is(e.desc, SysId::process_vm_readv) || is(e.desc, SysId::process_vm_writev));
  v.fields.clear();
  v.bytes.clear();
  v.text = iovec_text(tid, v.raw, e.args[self + 1].raw & 0xffffffffu, budget, v, "", limits.struct_string,
                      remote, limits.hex_strings, nullptr, &v.bytes, limits.max_buffer);
  return !v.text.empty();
}

// readv, preadv, preadv2 and process_vm_readv that failed read nothing:
// strace shows their iovecs with each iov_base's address.
bool failed_read_iovecs(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (is(e.desc, SysId::pwritev2)) return false;  // a write: its iovecs were read at entry
  if (e.err == 0 || e.nargs < 3 || e.args[1].raw == 0) return false;
  ArgValue& v = e.args[1];
  v.fields.clear();
  v.text = iovec_text(tid, v.raw, e.args[2].raw & 0xffffffffu, std::nullopt, v, "", limits.struct_string, true,
                      limits.hex_strings);
  if (!v.text.empty()) v.form = ArgValue::Form::Struct;
  return true;
}

// Random bytes: strace shows every byte in hex (QUOTE_FORCE_HEX), even
// when all of them happen to be printable.
bool format_random_bytes(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  const ArgValue& v = e.args[i];
  if (!is(e.desc, SysId::getrandom) || i != 0 || v.form != ArgValue::Form::Bytes) return false;
  out += '"';
  std::size_t n = std::min(v.bytes.size(), options.string_limit);
  for (std::size_t k = 0; k < n; ++k)
    fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned char>(v.bytes[k]));
  out += '"';
  if (v.truncated || v.bytes.size() > n) out += "...";
  return true;
}

// A file offset the call reads, and sendfile also updates: "[0]", and at
// exit of a sendfile that moved bytes "[0] => [35499]", as strace shows it
// (sendfile's unsigned, splice's and copy_file_range's signed).
bool decode_loff(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry) {
  const bool sendfile = e.desc->id == SysId::sendfile;
  if (!at_entry && (!sendfile || e.result == 0)) return v.form == ArgValue::Form::Struct;
  std::int64_t value = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &value, sizeof value)) return false;
  const std::string shown = sendfile ? fmt::format("[{}]", static_cast<std::uint64_t>(value))
                                     : fmt::format("[{}]", value);
  if (at_entry) {
    v.num = value;
    v.text = shown;
  } else {
    if (v.form != ArgValue::Form::Struct) return false;
    v.text += " => " + shown;
  }
  v.fields.clear();
  v.fields.push_back({"value", value});
  return true;
}

const StructDecoder kStructs[] = {
    {"loff_t", [](const StructRead& r) { return decode_loff(r.tid, r.e, r.v, r.at_entry); },
     [] { return std::vector<MemberDesc>{num("value")}; }},
    {"iovec", [](const StructRead& r) { return decode_iovec(r.tid, r.e, r.d, r.v, r.limits); },
     [] { return std::vector<MemberDesc>{num("[].iov_len")}; }},
};

// preadv2 and pwritev2 take the offset in two registers, pos_l and pos_h,
// then the flags (the kernel's six arguments). On x86_64 pos_l holds the
// whole offset and strace leaves pos_h out: "preadv2(3, [...], 1, 0,
// RWF_NOWAIT)". (A rule on `flags` judges the sixth register, as the
// kernel reads it.)
bool vector_rw2_args(std::string& out, const SyscallEvent& e, const FormatOptions& options) {
  if (!(is(e.desc, SysId::preadv2) || is(e.desc, SysId::pwritev2)) || e.abi != Abi::x86_64 || e.nargs != 6)
    return false;
  for (int i : {0, 1, 2, 3, 5}) {
    if (i != 0) out += ", ";
    out += format_arg(e, i, options);
  }
  return true;
}

constexpr SysId kCalls[] = {SysId::getrandom, SysId::readv,     SysId::preadv,
                             SysId::preadv2,   SysId::pwritev2, SysId::process_vm_readv};

}  // namespace

const SyscallFamily& io_family() {
  static const SyscallFamily family{
      .name = "io",
      .calls = kCalls,
      .structs = kStructs,
      .decode_exit = failed_read_iovecs,
      .format_args = vector_rw2_args,
      .format_arg = format_random_bytes};
  return family;
}

}  // namespace syspect::detail
