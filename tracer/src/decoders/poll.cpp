// The poll family: poll's pollfds, select's fd sets, epoll's events; what
// poll and select found and the time ppoll and pselect6 had left.

#include <poll.h>
#include <sys/epoll.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

// poll/ppoll: "[{fd=3, events=POLLIN}]" at entry, cut at -s entries (a
// negative fd, which poll skips, is "{fd=-1}"); at exit the entries with
// revents, "[{fd=3, revents=POLLIN}]", shown after the result: every entry
// is looked at, and -s of those with revents are shown.
constexpr std::size_t kMaxPollFds = 4096;  // looked at, at exit

bool decode_pollfds(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry,
                    const DecodeLimits& limits) {
  std::uint64_t nfds = e.args[1].raw & 0xffffffffu;
  std::size_t shown = static_cast<std::size_t>(std::min<std::uint64_t>(nfds, max_elements(limits)));
  std::size_t n = at_entry ? shown : static_cast<std::size_t>(std::min<std::uint64_t>(nfds, kMaxPollFds));
  std::vector<pollfd> fds(n);
  if (n > 0 && !read_exact(tid, RemotePtr{v.raw}, fds.data(), n * sizeof(pollfd))) return false;
  const Xlat& events = xlat_family("poll_events");
  std::string out = "[";
  if (at_entry) {
    v.fields.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (i) out += ", ";
      v.fields.push_back({member_name(fmt::format("[{}].fd", i)), fds[i].fd});
      v.fields.push_back({member_name(fmt::format("[{}].events", i)), fds[i].events});
      if (fds[i].fd < 0) {
        out += fmt::format("{{fd={}}}", fds[i].fd);
        continue;
      }
      out += fmt::format("{{fd={}, events={}}}", fd_text(tid, fds[i].fd, limits),
                         xlat_format(events, static_cast<std::uint16_t>(fds[i].events), limits.xlat_style));
    }
    if (n < nfds) out += n ? ", ..." : "...";
    if (n < nfds) v.truncated = true;  // members of the rest are not kept
    v.text = out + "]";
    return true;
  }
  std::size_t printed = 0;
  if (shown < nfds) v.truncated = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < shown) v.fields.push_back({member_name(fmt::format("[{}].revents", i)), fds[i].revents});
    if (fds[i].revents == 0) continue;
    if (printed == shown) {
      out += printed ? ", ..." : "...";
      break;
    }
    if (printed++) out += ", ";
    out += fmt::format("{{fd={}, revents={}}}", fds[i].fd,
                       xlat_format(events, static_cast<std::uint16_t>(fds[i].revents), limits.xlat_style));
  }
  v.text_out = out + "]";
  return true;
}

// select/pselect6 fd sets: "[0 3]"; at exit "in [3]", "out [4]", "except []".
bool decode_fd_set(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v, bool at_entry,
                   const DecodeLimits& limits) {
  int nfds = static_cast<int>(e.args[0].raw);
  if (nfds < 0) return false;
  nfds = std::min(nfds, 1024);
  std::vector<std::uint64_t> bits(static_cast<std::size_t>((nfds + 63) / 64));
  if (!bits.empty() &&
      !read_exact(tid, RemotePtr{v.raw}, bits.data(), static_cast<std::size_t>((nfds + 7) / 8)))
    return false;
  std::string list = "[";
  std::size_t count = 0;
  if (!at_entry) v.fields.clear();
  for (int fd = 0; fd < nfds; ++fd) {
    if (!(bits[static_cast<std::size_t>(fd / 64)] >> (fd % 64) & 1)) continue;
    if (count) list += ' ';
    list += at_entry ? fd_text(tid, fd, limits) : std::to_string(fd);
    v.fields.push_back({member_name(fmt::format("[{}]", count)), fd});
    ++count;
  }
  list += ']';
  if (at_entry) {
    v.text = list;
  } else if (count > 0) {
    std::string_view name = d.name;
    v.text_out = fmt::format("{} {}", name == "readfds" ? "in" : name == "writefds" ? "out" : "except", list);
  }
  return true;
}

// epoll_event, packed on x86_64: one for epoll_ctl, as many as the result
// for epoll_wait and epoll_pwait.
bool decode_epoll_events(pid_t tid, const SyscallEvent& e, ArgValue& v, const DecodeLimits& limits) {
  const XlatStyle style = limits.xlat_style;
  struct [[gnu::packed]] Event {
    std::uint32_t events;
    std::uint64_t data;
  };
  const bool array = !is(e.desc, SysId::epoll_ctl);
  // EPOLL_CTL_DEL reads no event: strace shows its address.
  if (!array && static_cast<std::uint32_t>(e.args[1].raw) == EPOLL_CTL_DEL) return false;
  std::size_t n = 1;
  if (array) {
    if (e.err || e.result < 0) return false;
    n = std::min(static_cast<std::size_t>(e.result), max_elements(limits));
  }
  std::vector<Event> evs(n);
  if (n > 0 && !read_exact(tid, RemotePtr{v.raw}, evs.data(), n * sizeof(Event))) return false;
  std::string out = array ? "[" : "";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    const std::uint32_t mask = evs[i].events;
    const std::uint64_t data = evs[i].data;
    out += fmt::format("{{events={}, data={{u32={}, u64={}}}}}",
                       xlat_format(xlat_family("epoll_events"), mask, style),
                       static_cast<std::uint32_t>(data), data);
    std::string prefix = array ? fmt::format("[{}].", i) : std::string();
    v.fields.push_back({member_name(prefix + "events"), mask});
    v.fields.push_back({member_name(prefix + "data.u64"), static_cast<std::int64_t>(data)});
  }
  if (array && static_cast<std::size_t>(e.result) > n) out += n ? ", ..." : "...";
  if (array && static_cast<std::size_t>(e.result) > n) v.truncated = true;
  v.text = array ? out + "]" : out;
  return true;
}

// ppoll and pselect6 write the time left back into their timeout.
void time_left(pid_t tid, SyscallEvent& e, const DecodeLimits&) {
  const bool ppoll = is(e.desc, SysId::ppoll);
  if (e.nargs < (ppoll ? 3 : 5)) return;
  ArgValue& t = e.args[ppoll ? 2 : 4];
  std::int64_t ts[2];
  if (t.form == ArgValue::Form::Struct && read_exact(tid, RemotePtr{t.raw}, ts, sizeof ts))
    t.text_out = "left " + timespec_text(ts);
}

// What strace adds after a successful result: what poll and select found,
// the time they had left, or "Timeout".
// select and pselect6 always add one, "()" when the sets read back hold
// no ready fd (the three sets at one address, the last written empty).
bool result_note(std::string& out, const SyscallEvent& e, XlatStyle) {
  if (is(e.desc, SysId::epoll_pwait2)) return false;
  if (e.result == 0) {
    out += "0 (Timeout)";
    return true;
  }
  const bool select = is(e.desc, SysId::select) || is(e.desc, SysId::pselect6);
  std::string note;
  for (int i = 0; i < e.nargs; ++i) {
    if (e.args[i].text_out.empty()) continue;
    if (!note.empty()) note += ", ";
    note += e.args[i].text_out;
  }
  if (note.empty() && !select) return false;
  out += fmt::format("{} ({})", e.result, note);
  return true;
}

// epoll_pwait2 shows its arguments when it returns (strace's
// epoll_pwait_common): a call that failed shows the addresses of its
// timeout and its mask.
bool poll_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions&) {
  if (!is(e.desc, SysId::epoll_pwait2) || (i != 3 && i != 4) || e.err == 0 || !e.finished) return false;
  append_pointer(out, e.args[i].raw);
  return true;
}

const StructDecoder kStructs[] = {
    {"pollfd", [](const StructRead& r) { return decode_pollfds(r.tid, r.e, r.v, r.at_entry, r.limits); },
     [] {
       return std::vector<MemberDesc>{num("[].fd"), num("[].events", "poll_events"),
                                      num("[].revents", "poll_events")};
     }},
    {"fd_set",
     [](const StructRead& r) { return decode_fd_set(r.tid, r.e, r.d, r.v, r.at_entry, r.limits); },
     [] { return std::vector<MemberDesc>{num("[]")}; }},
    {"epoll_event", [](const StructRead& r) { return decode_epoll_events(r.tid, r.e, r.v, r.limits); },
     [] {
       return std::vector<MemberDesc>{num("events", "epoll_events"), num("data.u64"),
                                      num("[].events", "epoll_events"), num("[].data.u64")};
     }},
};

constexpr SysId kCalls[] = {SysId::poll, SysId::ppoll, SysId::select, SysId::pselect6, SysId::epoll_pwait2};

}  // namespace

const SyscallFamily& poll_family() {
  static const SyscallFamily family{.name = "poll",
                                    .calls = kCalls,
                                    .structs = kStructs,
                                    .after_exit = [](pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
                                      if (is(e.desc, SysId::ppoll) || is(e.desc, SysId::pselect6))
                                        time_left(tid, e, limits);
                                    },
                                    .format_arg = poll_arg,
                                    .format_result = result_note};
  return family;
}

}  // namespace syspect::detail
