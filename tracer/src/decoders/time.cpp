// The time family: timespec, timeval, itimerspec, itimerval, utimensat's
// pair, timer_create's sigevent and timer id; nanosleep's and
// clock_nanosleep's remaining time.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <time.h>

#include <ctime>

#include <fmt/format.h>

#include "../memory.hpp"
#include "../restart_errno.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {

// tv_nsec (and tv_usec below) print unsigned, as strace prints them: an
// invalid -1 shows as 18446744073709551615.
std::string timespec_text(const std::int64_t ts[2]) {
  return fmt::format("{{tv_sec={}, tv_nsec={}}}", ts[0], static_cast<std::uint64_t>(ts[1]));
}

namespace {

// A time as strace's sprinttime_ex() shows it, "2026-12-03T04:01:22+0000",
// in the tracer's local time, with the fraction `part` of a second in
// `width` digits when there is one; nothing for zero or for a fraction
// above `max_part` (an invalid tv_nsec or tv_usec).
std::string time_text(std::int64_t sec, std::uint64_t part = 0, std::uint64_t max_part = 0, int width = 0) {
  if ((sec == 0 && part == 0) || part > max_part) return {};
  const time_t t = static_cast<time_t>(sec);
  struct tm tm {};
  if (::localtime_r(&t, &tm) == nullptr) return {};
  char when[64], zone[16];
  if (std::strftime(when, sizeof when, "%FT%T", &tm) == 0 || std::strftime(zone, sizeof zone, "%z", &tm) == 0)
    return {};
  return part > 0 ? fmt::format("{}.{:0{}}{}", when, part, width, zone) : fmt::format("{}{}", when, zone);
}

std::string comment(const std::string& when) { return when.empty() ? when : " /* " + when + " */"; }

// " /* 2026-12-03T04:01:22.123456789+0000 */" after a timespec.
std::string time_comment(std::int64_t sec, std::int64_t nsec) {
  return comment(time_text(sec, static_cast<std::uint64_t>(nsec), 999999999, 9));
}

// utimes's and futimesat's two timevals, each with its date when valid:
// "[{tv_sec=1492358607, tv_usec=345678} /* 2017-04-16T16:03:27.345678+0000 */, ...]".
bool decode_timeval_pair(pid_t tid, ArgValue& v) {
  std::int64_t tv[4];
  if (!read_exact(tid, RemotePtr{v.raw}, tv, sizeof tv)) return false;
  auto one = [](const std::int64_t* t) {
    return fmt::format("{{tv_sec={}, tv_usec={}}}", t[0], static_cast<std::uint64_t>(t[1])) +
           comment(time_text(t[0], static_cast<std::uint64_t>(t[1]), 999999, 6));
  };
  v.text = fmt::format("[{}, {}]", one(tv), one(tv + 2));
  v.fields.push_back({"[0].tv_sec", tv[0]});
  v.fields.push_back({"[0].tv_usec", tv[1]});
  v.fields.push_back({"[1].tv_sec", tv[2]});
  v.fields.push_back({"[1].tv_usec", tv[3]});
  return true;
}

// time()'s written time: "[1796274106 /* 2026-12-03T05:01:46+0000 */]".
bool decode_time_t(pid_t tid, ArgValue& v) {
  std::int64_t t = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &t, sizeof t)) return false;
  v.text = fmt::format("[{}{}]", t, comment(time_text(t)));
  v.fields.push_back({"value", t});
  return true;
}

// utime's struct utimbuf: "{actime=1492350678 /* 2017-04-16T13:51:18+0000 */, modtime=...}".
bool decode_utimbuf(pid_t tid, ArgValue& v) {
  std::int64_t t[2];
  if (!read_exact(tid, RemotePtr{v.raw}, t, sizeof t)) return false;
  v.text = fmt::format("{{actime={}{}, modtime={}{}}}", t[0], comment(time_text(t[0])), t[1],
                       comment(time_text(t[1])));
  v.fields.push_back({"actime", t[0]});
  v.fields.push_back({"modtime", t[1]});
  return true;
}

// time()'s result with its date: "1796272829 (2026-12-03T04:40:29+0000)".
// adjtimex and clock_adjtime return the clock's state: "5 (TIME_ERROR)",
// shown as strace does when the struct was read.
bool adjtimex_result(std::string& out, const SyscallEvent& e) {
  const int at = is(e.desc, SysId::clock_adjtime) ? 1 : 0;
  if (at >= e.nargs || e.args[at].form != ArgValue::Form::Struct) return false;
  const char* state = xlat_name(xlat_family("adjtimex_state"), static_cast<std::uint64_t>(e.result));
  out = state == nullptr ? std::to_string(e.result) : fmt::format("{} ({})", e.result, state);
  return true;
}

bool time_result(std::string& out, const SyscallEvent& e, XlatStyle) {
  if (is(e.desc, SysId::adjtimex) || is(e.desc, SysId::clock_adjtime)) return adjtimex_result(out, e);
  if (e.desc->id != SysId::time) return false;
  const std::string when = time_text(e.result);
  out = when.empty() ? std::to_string(e.result) : fmt::format("{} ({})", e.result, when);
  return true;
}

bool decode_timespec(pid_t tid, ArgValue& v) {
  std::int64_t ts[2];
  if (!read_exact(tid, RemotePtr{v.raw}, ts, sizeof ts)) return false;
  v.text = timespec_text(ts);
  v.fields.push_back({"tv_sec", ts[0]});
  v.fields.push_back({"tv_nsec", ts[1]});
  return true;
}

// timer_create/mq_notify: struct sigevent, as strace shows it. The value
// only when it is set; the signal by name when the notification is one,
// else the number unsigned (strace's %u).
bool decode_sigevent(pid_t tid, ArgValue& v, XlatStyle style) {
  struct {
    std::uint64_t value;  // union sigval
    std::int32_t signo;
    std::int32_t notify;
    std::uint64_t un[2];  // sigev_notify_thread_id, or function and attributes
  } sev;
  if (!read_exact(tid, RemotePtr{v.raw}, &sev, sizeof sev)) return false;
  std::string out = "{";
  if (sev.value != 0) {
    out += fmt::format("sigev_value={{sival_int={}, sival_ptr={:#x}}}, ",
                       static_cast<std::int32_t>(sev.value), sev.value);
    v.fields.push_back({"sigev_value.sival_int", static_cast<std::int32_t>(sev.value)});
  }
  const bool signals = sev.notify == SIGEV_SIGNAL || sev.notify == SIGEV_THREAD ||
                       sev.notify == SIGEV_THREAD_ID;
  out += fmt::format("sigev_signo={}, sigev_notify={}",
                     signals ? signal_format(sev.signo, style) : std::to_string(static_cast<std::uint32_t>(sev.signo)),
                     xlat_format(xlat_family("sigev_notify"), static_cast<std::uint32_t>(sev.notify), style));
  v.fields.push_back({"sigev_signo", sev.signo});
  v.fields.push_back({"sigev_notify", sev.notify});
  if (sev.notify == SIGEV_THREAD_ID) {
    const auto thread = static_cast<std::int32_t>(sev.un[0]);
    out += fmt::format(", sigev_notify_thread_id={}", thread);
    v.fields.push_back({"sigev_notify_thread_id", thread});
  } else if (sev.notify == SIGEV_THREAD) {
    out += fmt::format(", sigev_notify_function={}, sigev_notify_attributes={}",
                       sev.un[0] ? fmt::format("{:#x}", sev.un[0]) : std::string("NULL"),
                       sev.un[1] ? fmt::format("{:#x}", sev.un[1]) : std::string("NULL"));
  }
  v.text = out + "}";
  return true;
}

// timer_create's result: the new timer's id, "[0]".
bool decode_timer_id(pid_t tid, ArgValue& v) {
  std::int32_t id = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &id, sizeof id)) return false;
  v.text = fmt::format("[{}]", id);
  v.fields.push_back({"value", id});
  return true;
}

// A timeval read at entry (select's timeout, settimeofday's), or one the
// call wrote (gettimeofday's, `output`); select's own at its exit is the time
// it had left.
bool decode_timeval(pid_t tid, ArgValue& v, bool at_entry, bool output) {
  std::int64_t tv[2];
  if (!read_exact(tid, RemotePtr{v.raw}, tv, sizeof tv)) return false;
  std::string text = fmt::format("{{tv_sec={}, tv_usec={}}}", tv[0], static_cast<std::uint64_t>(tv[1]));
  if (at_entry || output) {
    v.text = text;
    v.fields.push_back({"tv_sec", tv[0]});
    v.fields.push_back({"tv_usec", tv[1]});
  } else {
    v.text_out = "left " + text;
  }
  return true;
}

bool decode_itimerspec(pid_t tid, ArgValue& v) {
  std::int64_t its[4];
  if (!read_exact(tid, RemotePtr{v.raw}, its, sizeof its)) return false;
  v.text = fmt::format("{{it_interval={}, it_value={}}}", timespec_text(its), timespec_text(its + 2));
  v.fields.push_back({"it_interval.tv_sec", its[0]});
  v.fields.push_back({"it_interval.tv_nsec", its[1]});
  v.fields.push_back({"it_value.tv_sec", its[2]});
  v.fields.push_back({"it_value.tv_nsec", its[3]});
  return true;
}

bool decode_itimerval(pid_t tid, ArgValue& v) {
  std::int64_t it[4];
  if (!read_exact(tid, RemotePtr{v.raw}, it, sizeof it)) return false;
  v.text = fmt::format("{{it_interval={{tv_sec={}, tv_usec={}}}, it_value={{tv_sec={}, tv_usec={}}}}}",
                       it[0], static_cast<std::uint64_t>(it[1]), it[2], static_cast<std::uint64_t>(it[3]));
  v.fields.push_back({"it_interval.tv_sec", it[0]});
  v.fields.push_back({"it_interval.tv_usec", it[1]});
  v.fields.push_back({"it_value.tv_sec", it[2]});
  v.fields.push_back({"it_value.tv_usec", it[3]});
  return true;
}

// utimensat's two times: "[UTIME_NOW, UTIME_OMIT]" or "[{tv_sec=..}, ...]".
bool decode_timespec_pair(pid_t tid, ArgValue& v, XlatStyle style) {
  std::int64_t ts[4];
  if (!read_exact(tid, RemotePtr{v.raw}, ts, sizeof ts)) return false;
  auto one = [style](const std::int64_t* t) -> std::string {
    std::string number = timespec_text(t);
    if (t[1] == UTIME_NOW) return xlat_styled(number, "UTIME_NOW", style);
    if (t[1] == UTIME_OMIT) return xlat_styled(number, "UTIME_OMIT", style);
    return number + time_comment(t[0], t[1]);
  };
  v.text = fmt::format("[{}, {}]", one(ts), one(ts + 2));
  v.fields.push_back({"[0].tv_sec", ts[0]});
  v.fields.push_back({"[0].tv_nsec", ts[1]});
  v.fields.push_back({"[1].tv_sec", ts[2]});
  v.fields.push_back({"[1].tv_nsec", ts[3]});
  return true;
}

// nanosleep and clock_nanosleep write the time that remains only when a
// signal interrupts them (and clock_nanosleep only for a relative time):
// strace shows it then, and the bare address otherwise. They write nothing
// else.
bool remaining_time(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (!is(e.desc, SysId::nanosleep) && !is(e.desc, SysId::clock_nanosleep)) return false;  // generic reads
  const int remain = is(e.desc, SysId::nanosleep) ? 1 : 3;
  const bool relative = remain != 3 || !(e.args[1].raw & TIMER_ABSTIME);
  if (remain < e.nargs && relative && e.err != 0 && is_restart_errno(e.err))
    decode_one(tid, e, e.desc->args[remain], e.args[remain], limits);
  return true;
}

// struct timex, read when the call returns (strace shows it once, as the
// kernel left it): "{modes=0, offset=0, ..., status=STA_UNSYNC, ...,
// time={tv_sec=1, tv_usec=2}, ..., tai=0}".
bool decode_timex(const StructRead& r) {
  if (r.at_entry) return false;
  struct timex tx;
  static_assert(sizeof tx == 208);
  if (!read_exact(r.tid, RemotePtr{r.v.raw}, &tx, sizeof tx)) return false;
  const XlatStyle style = r.style();
  r.v.text = fmt::format(
      "{{modes={}, offset={}, freq={}, maxerror={}, esterror={}, status={}, constant={}, precision={}, "
      "tolerance={}, time={{tv_sec={}, tv_usec={}}}, tick={}, ppsfreq={}, jitter={}, shift={}, stabil={}, "
      "jitcnt={}, calcnt={}, errcnt={}, stbcnt={}, tai={}}}",
      xlat_format(xlat_family("adjtimex_modes"), tx.modes, style), tx.offset, tx.freq, tx.maxerror,
      tx.esterror, xlat_format(xlat_family("adjtimex_status"), static_cast<std::uint32_t>(tx.status), style),
      tx.constant, tx.precision, tx.tolerance, tx.time.tv_sec, static_cast<std::uint64_t>(tx.time.tv_usec),
      tx.tick, tx.ppsfreq, tx.jitter, tx.shift, tx.stabil, tx.jitcnt, tx.calcnt, tx.errcnt, tx.stbcnt, tx.tai);
  Out o{r.v};
  o.field("modes", tx.modes);
  o.field("offset", tx.offset);
  o.field("freq", tx.freq);
  o.field("maxerror", tx.maxerror);
  o.field("esterror", tx.esterror);
  o.field("status", tx.status);
  o.field("constant", tx.constant);
  o.field("precision", tx.precision);
  o.field("tolerance", tx.tolerance);
  o.field("time.tv_sec", tx.time.tv_sec);
  o.field("time.tv_usec", tx.time.tv_usec);
  o.field("tick", tx.tick);
  o.field("tai", tx.tai);
  return true;
}

const StructDecoder kStructs[] = {
    {"timex", decode_timex,
     [] {
       return std::vector<MemberDesc>{num("modes", "adjtimex_modes"), num("offset"), num("freq"), num("maxerror"),
                                      num("esterror"), num("status", "adjtimex_status"), num("constant"),
                                      num("precision"), num("tolerance"), num("time.tv_sec"), num("time.tv_usec"),
                                      num("tick"), num("tai")};
     }},
    {"timespec", [](const StructRead& r) { return decode_timespec(r.tid, r.v); },
     [] { return std::vector<MemberDesc>{num("tv_sec"), num("tv_nsec")}; }},
    {"timeval",
     [](const StructRead& r) { return decode_timeval(r.tid, r.v, r.at_entry, r.d.dir == ArgDir::Out); },
     [] { return std::vector<MemberDesc>{num("tv_sec"), num("tv_usec")}; }},
    {"itimerspec", [](const StructRead& r) { return decode_itimerspec(r.tid, r.v); },
     [] {
       return std::vector<MemberDesc>{num("it_interval.tv_sec"), num("it_interval.tv_nsec"),
                                      num("it_value.tv_sec"), num("it_value.tv_nsec")};
     }},
    {"itimerval", [](const StructRead& r) { return decode_itimerval(r.tid, r.v); },
     [] {
       return std::vector<MemberDesc>{num("it_interval.tv_sec"), num("it_interval.tv_usec"),
                                      num("it_value.tv_sec"), num("it_value.tv_usec")};
     }},
    {"timeval_pair", [](const StructRead& r) { return decode_timeval_pair(r.tid, r.v); },
     [] { return std::vector<MemberDesc>{num("[].tv_sec"), num("[].tv_usec")}; }},
    {"time_t", [](const StructRead& r) { return decode_time_t(r.tid, r.v); },
     [] { return std::vector<MemberDesc>{num("value")}; }},
    {"utimbuf", [](const StructRead& r) { return decode_utimbuf(r.tid, r.v); },
     [] { return std::vector<MemberDesc>{num("actime"), num("modtime")}; }},
    {"timespec_pair", [](const StructRead& r) { return decode_timespec_pair(r.tid, r.v, r.style()); },
     [] { return std::vector<MemberDesc>{num("[].tv_sec"), num("[].tv_nsec")}; }},
    {"sigevent", [](const StructRead& r) { return decode_sigevent(r.tid, r.v, r.style()); },
     [] {
       return std::vector<MemberDesc>{sig("sigev_signo"), num("sigev_notify", "sigev_notify"),
                                      num("sigev_value.sival_int"), num("sigev_notify_thread_id")};
     }},
    {"timer_t", [](const StructRead& r) { return decode_timer_id(r.tid, r.v); },
     [] { return std::vector<MemberDesc>{num("value")}; }},
};

constexpr SysId kCalls[] = {SysId::nanosleep, SysId::clock_nanosleep, SysId::time, SysId::adjtimex,
                            SysId::clock_adjtime};

}  // namespace

const SyscallFamily& time_family() {
  static const SyscallFamily family{
      .name = "time",
      .calls = kCalls,
      .structs = kStructs,
      .decode_exit = remaining_time,
      .format_result = time_result};
  return family;
}

}  // namespace syspect::detail
