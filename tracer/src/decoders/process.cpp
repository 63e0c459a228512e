// The process family: resource limits and usage, times(), system and host
// information, group lists, scheduling parameters and policies, CPU
// affinity masks, the wait status wait4 writes, and modify_ldt's result.

#include <asm/ldt.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {

std::string clock_t_text(std::uint64_t ticks, XlatStyle style) {
  static const long per_second = ::sysconf(_SC_CLK_TCK);
  std::string out = std::to_string(ticks);
  if (style == XlatStyle::Raw || per_second <= 0 || ticks == 0) return out;
  int digits = 0;
  for (long v = per_second; v > 1 && digits < 9; v /= 10) ++digits;
  const auto tck = static_cast<std::uint64_t>(per_second);
  fmt::format_to(std::back_inserter(out), " /* {}.{:0{}} s */", ticks / tck, ticks % tck, digits);
  return out;
}

namespace {

// times(): "{tms_utime=41 /* 0.41 s */, tms_stime=...}".
bool decode_tms(pid_t tid, ArgValue& v, XlatStyle style) {
  std::uint64_t t[4];
  if (!read_exact(tid, RemotePtr{v.raw}, t, sizeof t)) return false;
  static constexpr FieldName kNames[] = {"tms_utime", "tms_stime", "tms_cutime", "tms_cstime"};
  v.text = "{";
  for (std::size_t i = 0; i < 4; ++i) {
    if (i) v.text += ", ";
    v.text += fmt::format("{}={}", kNames[i].view(), clock_t_text(t[i], style));
    v.fields.push_back({kNames[i], static_cast<std::int64_t>(t[i])});
  }
  v.text += '}';
  return true;
}

std::string rlim_text(std::uint64_t value, XlatStyle style) {
  std::string number = fmt::format("{}", value);
  if (value == ~std::uint64_t{0}) return xlat_styled(number, "RLIM64_INFINITY", style);
  // strace writes a multiple of 1024 above 1024 itself as "N*1024".
  if (value > 1024 && value % 1024 == 0)
    return xlat_styled(number, fmt::format("{}*1024", value / 1024), style);
  return number;
}

bool decode_rlimit(pid_t tid, ArgValue& v, XlatStyle style) {
  std::uint64_t lim[2];
  if (!read_exact(tid, RemotePtr{v.raw}, lim, sizeof lim)) return false;
  v.text = fmt::format("{{rlim_cur={}, rlim_max={}}}", rlim_text(lim[0], style),
                       rlim_text(lim[1], style));
  v.fields.push_back({"rlim_cur", static_cast<std::int64_t>(lim[0])});
  v.fields.push_back({"rlim_max", static_cast<std::int64_t>(lim[1])});
  return true;
}

bool decode_utsname(pid_t tid, ArgValue& v) {
  struct utsname u;
  if (!read_exact(tid, RemotePtr{v.raw}, &u, sizeof u)) return false;
  auto field = [](const char* f) { return std::string_view(f, strnlen(f, sizeof u.sysname)); };
  v.text = fmt::format("{{sysname={}, nodename={}, ...}}",
                       quote_string(field(u.sysname), 65), quote_string(field(u.nodename), 65));
  v.fields.push_back({"sysname", std::string(field(u.sysname))});
  v.fields.push_back({"nodename", std::string(field(u.nodename))});
  v.fields.push_back({"release", std::string(field(u.release))});
  v.fields.push_back({"version", std::string(field(u.version))});
  v.fields.push_back({"machine", std::string(field(u.machine))});
  return true;
}

// sched_getaffinity/sched_setaffinity: "[0 1]", the CPUs in the set.
bool decode_cpu_set(pid_t tid, const SyscallEvent& e, ArgValue& v) {
  std::uint64_t size = e.args[1].raw;
  if (is(e.desc, SysId::sched_getaffinity)) {
    if (e.err || e.result <= 0) return false;
    size = static_cast<std::uint64_t>(e.result);
  }
  size = std::min<std::uint64_t>(size, 1024);
  std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
  if (!bytes.empty() && !read_exact(tid, RemotePtr{v.raw}, bytes.data(), bytes.size())) return false;
  std::string out = "[";
  std::size_t count = 0;
  for (std::size_t cpu = 0; cpu < bytes.size() * 8; ++cpu) {
    if (!(bytes[cpu / 8] >> (cpu % 8) & 1)) continue;
    if (count) out += ' ';
    out += std::to_string(cpu);
    v.fields.push_back({member_name(fmt::format("[{}]", count)), static_cast<std::int64_t>(cpu)});
    ++count;
  }
  v.text = out + "]";
  return true;
}

// struct rusage, abbreviated as strace does to the two times.
// With -v, every member.
// wait4 writes it only for a child it waited for: with none (WNOHANG, a
// result of 0) strace shows the address.
bool decode_rusage(pid_t tid, const SyscallEvent& e, ArgValue& v, bool abbrev) {
  if (e.err) return false;
  if (is(e.desc, SysId::wait4) && e.result <= 0) return false;
  std::int64_t ru[18];
  if (!read_exact(tid, RemotePtr{v.raw}, ru, sizeof ru)) return false;
  v.text = fmt::format("{{ru_utime={{tv_sec={}, tv_usec={}}}, ru_stime={{tv_sec={}, tv_usec={}}}",
                       ru[0], static_cast<std::uint64_t>(ru[1]), ru[2], static_cast<std::uint64_t>(ru[3]));
  if (abbrev) {
    v.text += ", ...}";
  } else {
    static constexpr const char* kRest[] = {"maxrss", "ixrss",  "idrss",  "isrss",  "minflt",
                                            "majflt", "nswap",  "inblock", "oublock", "msgsnd",
                                            "msgrcv", "nsignals", "nvcsw", "nivcsw"};
    for (std::size_t i = 0; i < 14; ++i) v.text += fmt::format(", ru_{}={}", kRest[i], ru[4 + i]);
    v.text += '}';
  }
  static constexpr FieldName kNames[] = {
      "ru_utime.tv_sec", "ru_utime.tv_usec", "ru_stime.tv_sec", "ru_stime.tv_usec", "ru_maxrss",
      "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt", "ru_nswap", "ru_inblock",
      "ru_oublock", "ru_msgsnd", "ru_msgrcv", "ru_nsignals", "ru_nvcsw", "ru_nivcsw"};
  for (std::size_t i = 0; i < 18; ++i) v.fields.push_back({kNames[i], ru[i]});
  return true;
}

bool decode_sysinfo(pid_t tid, ArgValue& v) {
  struct sysinfo_k {
    std::int64_t uptime;
    std::uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    std::uint16_t procs, pad;
    std::uint32_t pad2;
    std::uint64_t totalhigh, freehigh;
    std::uint32_t mem_unit;
  } si;
  if (!read_exact(tid, RemotePtr{v.raw}, &si, sizeof si)) return false;
  v.text = fmt::format(
      "{{uptime={}, loads=[{}, {}, {}], totalram={}, freeram={}, sharedram={}, bufferram={}, "
      "totalswap={}, freeswap={}, procs={}, totalhigh={}, freehigh={}, mem_unit={}}}",
      si.uptime, si.loads[0], si.loads[1], si.loads[2], si.totalram, si.freeram, si.sharedram,
      si.bufferram, si.totalswap, si.freeswap, si.procs, si.totalhigh, si.freehigh, si.mem_unit);
  Out o{v};
  o.field("uptime", si.uptime);
  o.field("totalram", static_cast<std::int64_t>(si.totalram));
  o.field("freeram", static_cast<std::int64_t>(si.freeram));
  o.field("procs", si.procs);
  o.field("mem_unit", si.mem_unit);
  return true;
}

// getgroups/setgroups: "[0, 4, 27]"; getgroups shows as many as it
// returned, whatever its size argument (0 only asks for the count), as
// strace does.
bool decode_gid_array(pid_t tid, const SyscallEvent& e, ArgValue& v, const DecodeLimits& limits) {
  std::uint64_t n = e.args[0].raw & 0xffffffffu;
  constexpr std::uint64_t kNgroupsMax = 65536;  // more than the kernel takes: strace shows the address
  if (is(e.desc, SysId::setgroups) && n > kNgroupsMax) return false;
  if (is(e.desc, SysId::getgroups)) {
    if (e.err || e.result < 0) return false;
    n = static_cast<std::uint64_t>(e.result);
  }
  std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(n, max_elements(limits)));
  std::vector<std::uint32_t> gids(count);
  // Element by element, as strace reads the array: the first that cannot
  // be read ends it with "... /* its address */" (none read: the address).
  std::size_t readable = 0;
  while (readable < count &&
         read_exact(tid, RemotePtr{v.raw + readable * sizeof(std::uint32_t)}, &gids[readable], sizeof(std::uint32_t)))
    ++readable;
  if (count > 0 && readable == 0) return false;
  std::string out = "[";
  for (std::size_t i = 0; i < count; ++i) {
    if (i) out += ", ";
    if (i == readable) {
      v.text = out + fmt::format("... /* {:#x} */]", v.raw + i * sizeof(std::uint32_t));
      v.truncated = true;
      return true;
    }
    out += gids[i] == 0xffffffffu ? std::string("-1") : std::to_string(gids[i]);  // (gid_t)-1, as strace
    v.fields.push_back({member_name(fmt::format("[{}]", i)), gids[i]});
  }
  if (n > count) {
    // strace reads the element after the last it shows: "..." when it is
    // there, "... /* its address */" when it cannot be read.
    std::uint32_t next = 0;
    const std::uint64_t at = v.raw + count * sizeof(std::uint32_t);
    out += count ? ", ..." : "...";
    if (!read_exact(tid, RemotePtr{at}, &next, sizeof next)) out += fmt::format(" /* {:#x} */", at);
    v.truncated = true;
  }
  v.text = out + "]";
  return true;
}

bool decode_sched_param(pid_t tid, ArgValue& v) {
  int prio = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &prio, sizeof prio)) return false;
  v.text = fmt::format("[{}]", prio);
  v.fields.push_back({"sched_priority", prio});
  return true;
}

bool decode_wait_status(pid_t tid, const SyscallEvent& e, ArgValue& v) {
  // The status is written only for a child that was waited for (WNOHANG
  // with none ready returns 0 and writes nothing): the address otherwise.
  if (e.err != 0 || e.result <= 0) return false;
  int status = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &status, sizeof status)) return false;
  if (WIFEXITED(status)) {
    v.text = fmt::format("[{{WIFEXITED(s) && WEXITSTATUS(s) == {}}}]", WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    v.text = fmt::format("[{{WIFSIGNALED(s) && WTERMSIG(s) == {}{}}}]", signal_name(WTERMSIG(status)),
                         WCOREDUMP(status) ? " && WCOREDUMP(s)" : "");
  } else if (WIFSTOPPED(status)) {
    v.text = fmt::format("[{{WIFSTOPPED(s) && WSTOPSIG(s) == {}}}]", signal_name(WSTOPSIG(status)));
  } else if (WIFCONTINUED(status)) {
    v.text = "[{WIFCONTINUED(s)}]";
  } else {
    v.text = fmt::format("[{:#x}]", status);
  }
  v.fields.push_back({"status", status});
  return true;
}

// sched_getscheduler's policy by name: "0 (SCHED_OTHER)".
bool policy_result(std::string& out, const SyscallEvent& e, XlatStyle) {
  if (is(e.desc, SysId::set_thread_area) && e.nargs > 0 && !e.args[0].text_out.empty()) {
    out = fmt::format("{} ({})", e.result, e.args[0].text_out);
    return true;
  }
  if (!is(e.desc, SysId::sched_getscheduler)) return false;
  const Xlat* policies = find_xlat("sched_policies");
  if (policies == nullptr || e.result < 0) return false;
  out += fmt::format("{} ({})", e.result, xlat_format(*policies, static_cast<std::uint64_t>(e.result)));
  return true;
}

std::vector<MemberDesc> rlimit_members() { return {num("rlim_cur"), num("rlim_max")}; }

// A uid_t or gid_t the call writes (getresuid): "[0]", and "[-1]" for
// (uid_t)-1 as strace prints it; an unsigned int (getcpu): "[1]".
bool decode_u32_in_brackets(pid_t tid, ArgValue& v, bool id) {
  std::uint32_t value = 0;
  if (!read_exact(tid, RemotePtr{v.raw}, &value, sizeof value)) return false;
  v.text = id && value == 0xffffffffu ? std::string("[-1]") : fmt::format("[{}]", value);
  v.fields.clear();
  v.fields.push_back({"value", value});
  return true;
}

bool decode_user_desc(const StructRead& r);

const StructDecoder kStructs[] = {
    {"user_desc", decode_user_desc,
     [] {
       return std::vector<MemberDesc>{num("entry_number"), num("base_addr"), num("limit"), num("seg_32bit"),
                                      num("contents"), num("useable")};
     }},
    {"uid", [](const StructRead& r) { return decode_u32_in_brackets(r.tid, r.v, true); },
     [] { return std::vector<MemberDesc>{num("value")}; }},
    {"gid", [](const StructRead& r) { return decode_u32_in_brackets(r.tid, r.v, true); },
     [] { return std::vector<MemberDesc>{num("value")}; }},
    {"uint", [](const StructRead& r) { return decode_u32_in_brackets(r.tid, r.v, false); },
     [] { return std::vector<MemberDesc>{num("value")}; }},
    {"rlimit", [](const StructRead& r) { return decode_rlimit(r.tid, r.v, r.style()); }, rlimit_members},
    {"rlimit64", [](const StructRead& r) { return decode_rlimit(r.tid, r.v, r.style()); }, rlimit_members},
    {"utsname", [](const StructRead& r) { return decode_utsname(r.tid, r.v); },
     [] {
       return std::vector<MemberDesc>{text("sysname"), text("nodename"), text("release"), text("version"),
                                      text("machine")};
     }},
    {"cpu_set", [](const StructRead& r) { return decode_cpu_set(r.tid, r.e, r.v); },
     [] { return std::vector<MemberDesc>{num("[]")}; }},
    {"rusage", [](const StructRead& r) { return decode_rusage(r.tid, r.e, r.v, r.limits.abbrev); },
     [] {
       return std::vector<MemberDesc>{
           num("ru_utime.tv_sec"), num("ru_utime.tv_usec"), num("ru_stime.tv_sec"), num("ru_stime.tv_usec"),
           num("ru_maxrss"), num("ru_ixrss"), num("ru_idrss"), num("ru_isrss"), num("ru_minflt"),
           num("ru_majflt"), num("ru_nswap"), num("ru_inblock"), num("ru_oublock"), num("ru_msgsnd"),
           num("ru_msgrcv"), num("ru_nsignals"), num("ru_nvcsw"), num("ru_nivcsw")};
     }},
    {"tms", [](const StructRead& r) { return decode_tms(r.tid, r.v, r.style()); },
     [] { return std::vector<MemberDesc>{num("tms_utime"), num("tms_stime"), num("tms_cutime"), num("tms_cstime")}; }},
    {"sysinfo", [](const StructRead& r) { return decode_sysinfo(r.tid, r.v); },
     [] {
       return std::vector<MemberDesc>{num("uptime"), num("totalram"), num("freeram"), num("procs"),
                                      num("mem_unit")};
     }},
    {"gid_array", [](const StructRead& r) { return decode_gid_array(r.tid, r.e, r.v, r.limits); },
     [] { return std::vector<MemberDesc>{num("[]")}; }},
    {"sched_param", [](const StructRead& r) { return decode_sched_param(r.tid, r.v); },
     [] { return std::vector<MemberDesc>{num("sched_priority")}; }},
    {"wait_status", [](const StructRead& r) { return decode_wait_status(r.tid, r.e, r.v); },
     [] { return std::vector<MemberDesc>{num("status")}; }},
};

// kcmp compares what its type says: two fds (KCMP_FILE, with their paths
// under -y), an fd and an epoll slot (KCMP_EPOLL_TFD), or nothing more.
enum : std::uint32_t { kKcmpFile = 0, kKcmpEpollTfd = 7 };

void kcmp_after_entry(pid_t tid, SyscallEvent& e, const DecodeLimits& limits) {
  if (!is(e.desc, SysId::kcmp) || e.nargs < 5) return;
  const auto type = static_cast<std::uint32_t>(e.args[2].raw);
  const auto pid1 = static_cast<pid_t>(e.args[0].raw), pid2 = static_cast<pid_t>(e.args[1].raw);
  auto fd = [&limits](pid_t pid, std::uint64_t raw) {
    const int n = static_cast<int>(raw);
    return pid > 0 ? fd_text(pid, n, limits) : std::to_string(n);
  };
  if (type == kKcmpFile) {
    e.args[3].text = fd(pid1, e.args[3].raw);
    e.args[4].text = fd(pid2, e.args[4].raw);
  } else if (type == kKcmpEpollTfd) {
    e.args[3].text = fd(pid1, e.args[3].raw);
    struct {
      std::uint32_t efd, tfd, toff;
    } slot{};
    if (e.args[4].raw == 0) {
      e.args[4].text = "NULL";
    } else if (!read_exact(tid, RemotePtr{e.args[4].raw}, &slot, sizeof slot)) {
      e.args[4].text = fmt::format("{:#x}", e.args[4].raw);
    } else {
      e.args[4].text = fmt::format("{{efd={}, tfd={}, toff={}}}", fd(pid2, slot.efd), fd(pid2, slot.tfd), slot.toff);
    }
  }
}

int kcmp_shown_args(const SyscallEvent& e) {
  if (!is(e.desc, SysId::kcmp)) return -1;
  const auto type = static_cast<std::uint32_t>(e.args[2].raw);
  return type >= 1 && type <= 6 ? 3 : -1;  // KCMP_VM ... KCMP_SYSVSEM compare the processes only
}

bool process_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions&) {
  if (is(e.desc, SysId::kcmp) && (i == 3 || i == 4) && !e.args[i].text.empty()) {
    out += e.args[i].text;
    return true;
  }
  // sethostname reads no name longer than the kernel's 64 bytes: strace
  // shows its address.
  if (is(e.desc, SysId::sethostname) && i == 0 && static_cast<std::uint32_t>(e.args[1].raw) > 64) {
    append_pointer(out, e.args[0].raw);
    return true;
  }
  return false;
}

// struct user_desc, an LDT or TLS entry (modify_ldt with a bytecount of its
// size, set_thread_area), as strace's print_user_desc shows it at entry;
// get_thread_area's, which the kernel fills in, stays an address.
bool decode_user_desc(const StructRead& r) {
  if (is(r.e.desc, SysId::get_thread_area)) return false;
  if (is(r.e.desc, SysId::modify_ldt) && r.e.args[2].raw != sizeof(user_desc)) return false;
  user_desc u;
  if (!read_exact(r.tid, RemotePtr{r.v.raw}, &u, sizeof u)) return false;
  auto hex = [](unsigned v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%#08x", v);  // strace's PRINT_FIELD_0X
    return std::string(buf);
  };
  r.v.text = fmt::format(
      "{{entry_number={}, base_addr={}, limit={}, seg_32bit={}, contents={}, read_exec_only={}, "
      "limit_in_pages={}, seg_not_present={}, useable={}",
      u.entry_number == 0xffffffffu ? std::string("-1") : std::to_string(u.entry_number), hex(u.base_addr),
      hex(u.limit), unsigned{u.seg_32bit}, unsigned{u.contents}, unsigned{u.read_exec_only},
      unsigned{u.limit_in_pages}, unsigned{u.seg_not_present}, unsigned{u.useable});
  if (r.e.abi == Abi::x86_64) r.v.text += fmt::format(", lm={}", unsigned{u.lm});  // ignored for 32-bit processes
  r.v.text += '}';
  Out o{r.v};
  o.field("entry_number", u.entry_number);
  o.field("base_addr", u.base_addr);
  o.field("limit", u.limit);
  o.field("seg_32bit", unsigned{u.seg_32bit});
  o.field("contents", unsigned{u.contents});
  o.field("useable", unsigned{u.useable});
  return true;
}

// modify_ldt returns an int on x86_64, so an error comes back as a
// positive 32-bit value (0xffffffda for -ENOSYS) that the kernel does not
// flag as one: strace takes it for the errno it is, and so does syspect
// ("= 4294967258 ENOSYS (Function not implemented)").
// set_thread_area writes back the entry it chose: strace adds it after
// the result, "= 0 (entry_number=12)".
void process_after_exit(pid_t tid, SyscallEvent& e, const DecodeLimits&) {
  if (is(e.desc, SysId::set_thread_area) && e.nargs > 0 && e.args[0].form == ArgValue::Form::Struct) {
    std::uint32_t entry = 0;
    if (read_exact(tid, RemotePtr{e.args[0].raw}, &entry, sizeof entry))
      e.args[0].text_out = fmt::format("entry_number={}", entry);
    return;
  }
  if (!is(e.desc, SysId::modify_ldt) || e.abi != Abi::x86_64) return;
  const auto value = static_cast<std::uint64_t>(e.result);
  if (value >= 0xfffff000u && value <= 0xffffffffu) e.err = -static_cast<std::int32_t>(value);
}

constexpr SysId kCalls[] = {SysId::sched_getscheduler, SysId::kcmp, SysId::sethostname, SysId::modify_ldt,
                            SysId::set_thread_area};

}  // namespace

const SyscallFamily& process_family() {
  static const SyscallFamily family{
      .name = "process",
      .calls = kCalls,
      .structs = kStructs,
      .after_entry = kcmp_after_entry,
      .after_exit = process_after_exit,
      .shown_args = kcmp_shown_args,
      .format_arg = process_arg,
      .format_result = policy_result};
  return family;
}

}  // namespace syspect::detail
