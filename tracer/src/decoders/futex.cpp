// The futex family: which of futex's arguments each operation uses, and
// what it makes of them (a timeout, a count, a bitset, a wake operation);
// futex_waitv's array of struct futex_waitv.

#include <cstring>

#include <fmt/format.h>

#include "array.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

constexpr std::uint32_t kFutexPrivate = 128;
constexpr std::uint32_t kFutexClockRealtime = 256;

// How many of futex's arguments strace shows for an operation.
int futex_shown_args(std::uint32_t op) {
  switch (op & ~(kFutexPrivate | kFutexClockRealtime)) {
    case 0:  // FUTEX_WAIT
      return 4;
    case 1: case 2:  // FUTEX_WAKE, FUTEX_FD
      return 3;
    case 3:  // FUTEX_REQUEUE
      return 5;
    case 4: case 5: case 12:  // FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP, FUTEX_CMP_REQUEUE_PI
      return 6;
    case 6: case 13:  // FUTEX_LOCK_PI, FUTEX_LOCK_PI2
      return 3;
    case 7: case 8:  // FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI
      return 2;
    case 9:  // FUTEX_WAIT_BITSET: uaddr2 is not used
      return 5;
    case 10:  // FUTEX_WAKE_BITSET
      return 4;
    case 11:  // FUTEX_WAIT_REQUEUE_PI
      return 5;
    default:
      return 6;
  }
}

std::string futex_bitset(std::uint32_t bits, XlatStyle style) {
  std::string number = fmt::format("{:#x}", bits);
  return bits == 0xffffffffu ? xlat_styled(number, "FUTEX_BITSET_MATCH_ANY", style) : number;
}

// FUTEX_WAKE_OP's val3: FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_EQ<<24|0.
std::string futex_wake_op(std::uint32_t v, XlatStyle style) {
  static constexpr const char* kOps[] = {"FUTEX_OP_SET", "FUTEX_OP_ADD", "FUTEX_OP_OR",
                                         "FUTEX_OP_ANDN", "FUTEX_OP_XOR"};
  static constexpr const char* kCmps[] = {"FUTEX_OP_CMP_EQ", "FUTEX_OP_CMP_NE", "FUTEX_OP_CMP_LT",
                                          "FUTEX_OP_CMP_LE", "FUTEX_OP_CMP_GT", "FUTEX_OP_CMP_GE"};
  const unsigned op = (v >> 28) & 7, cmp = (v >> 24) & 15;
  std::string out;
  if (v >> 28 & 8) out += xlat_styled("8", "FUTEX_OP_OPARG_SHIFT", style) + "<<28|";
  std::string n = std::to_string(op);
  out += (op < 5 ? xlat_styled(n, kOps[op], style) : n + " /* FUTEX_OP_??? */") + "<<28|";
  out += fmt::format("{}<<12|", (v >> 12) & 0xfff);
  n = std::to_string(cmp);
  out += (cmp < 6 ? xlat_styled(n, kCmps[cmp], style) : n + " /* FUTEX_OP_CMP_??? */") + "<<24|";
  out += fmt::format("{}", v & 0xfff);
  return out;
}

// futex's arguments after uaddr: the operation (FUTEX_CLOCK_REALTIME apart),
// then what that operation makes of the rest.
bool append_futex_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  if (i < 1) return false;
  const ArgValue& v = e.args[i];
  const auto op = static_cast<std::uint32_t>(e.args[1].raw);
  const std::uint32_t cmd = op & ~(kFutexPrivate | kFutexClockRealtime);
  const XlatStyle style = options.xlat_style;
  switch (i) {
    case 1: {
      const Xlat* ops = find_xlat("futex_ops");
      std::string names = ops ? xlat_format(*ops, op & ~kFutexClockRealtime) : std::to_string(op);
      if (op & kFutexClockRealtime) names += "|FUTEX_CLOCK_REALTIME";
      out += xlat_styled(fmt::format("{:#x}", op), names, style);
      return true;
    }
    case 2:
      fmt::format_to(std::back_inserter(out), "{}", static_cast<std::uint32_t>(v.raw));
      return true;
    case 3:
      if (cmd == 0 || cmd == 6 || cmd == 9 || cmd == 11 || cmd == 13) {
        out += v.form == ArgValue::Form::Struct ? v.text : v.raw == 0 ? "NULL" : fmt::format("{:#x}", v.raw);
      } else if (cmd == 10) {
        out += futex_bitset(static_cast<std::uint32_t>(e.args[5].raw), style);
      } else {
        fmt::format_to(std::back_inserter(out), "{}", static_cast<std::uint32_t>(v.raw));
      }
      return true;
    case 4:
      if (cmd == 9) {
        out += futex_bitset(static_cast<std::uint32_t>(e.args[5].raw), style);
      } else {
        out += v.raw == 0 ? "NULL" : fmt::format("{:#x}", v.raw);
      }
      return true;
    default:
      if (cmd == 5) {
        out += futex_wake_op(static_cast<std::uint32_t>(v.raw), style);
      } else {
        fmt::format_to(std::back_inserter(out), "{}", static_cast<std::uint32_t>(v.raw));
      }
      return true;
  }
}

int futex_args(const SyscallEvent& e) {
  return e.nargs == 6 ? futex_shown_args(static_cast<std::uint32_t>(e.args[1].raw)) : -1;
}

// futex_waitv's waiters: "[{val=0, uaddr=0x7f.., flags=FUTEX_32}, ...]",
// at most FUTEX_WAITV_MAX of them (then "...").
bool decode_futex_waitv(const StructRead& r) {
  constexpr unsigned kWaitvMax = 128;
  struct Waiter {
    std::uint64_t val, uaddr;
    std::uint32_t flags, reserved;
  };
  unsigned shown = 0;
  const XlatStyle style = r.style();
  auto text = array_text(r.tid, r.v.raw, static_cast<std::uint32_t>(r.e.args[1].raw), sizeof(Waiter),
                         max_elements(r.limits), [&](const void* elem, std::string& out) {
                           if (shown++ >= kWaitvMax) {
                             out += "...";
                             return false;
                           }
                           Waiter w{};
                           std::memcpy(&w, elem, sizeof w);
                           const std::string at = fmt::format("[{}]", shown - 1);
                           r.v.fields.push_back({member_name(at + ".val"), static_cast<std::int64_t>(w.val)});
                           r.v.fields.push_back({member_name(at + ".uaddr"), static_cast<std::int64_t>(w.uaddr)});
                           r.v.fields.push_back({member_name(at + ".flags"), w.flags});
                           out += fmt::format("{{val={}, uaddr=", c_hex(w.val));
                           append_pointer(out, w.uaddr);
                           out += ", flags=" + xlat_format(xlat_family("futex_waiter_flags"), w.flags, style);
                           if (w.reserved != 0) out += fmt::format(", __reserved={:#x}", w.reserved);
                           out += '}';
                           return true;
                         });
  if (!text) return false;
  r.v.text = std::move(*text);
  return true;
}

const StructDecoder kStructs[] = {
    {"futex_waitv", decode_futex_waitv,
     [] { return std::vector<MemberDesc>{num("[].val"), num("[].uaddr"), num("[].flags", "futex_waiter_flags")}; }},
};

constexpr SysId kCalls[] = {SysId::futex};

}  // namespace

const SyscallFamily& futex_family() {
  static const SyscallFamily family{
      .name = "futex", .calls = kCalls, .structs = kStructs, .shown_args = futex_args, .format_arg = append_futex_arg};
  return family;
}

}  // namespace syspect::detail
