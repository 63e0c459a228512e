// The members each struct decoder keeps, and the families of arguments that
// depend on another argument. structs.cpp fills exactly these members
// (tests/unit/struct_schema_test.cpp checks it on real calls); format.cpp
// prints the dependent arguments with dependent_family().

#include "syspect/struct_schema.hpp"

#include <fcntl.h>
#include <linux/prctl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <initializer_list>
#include <set>

#include "syspect/syscall_table.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

MemberDesc num(const char* name, const char* family = nullptr) { return {name, false, family, false}; }
MemberDesc text(const char* name) { return {name, true, nullptr, false}; }
MemberDesc sig(const char* name) { return {name, false, nullptr, true}; }

// Names made by joining a prefix to members, kept for the program's life
// (only made while the schemas are built, once).
const char* joined(std::string name) {
  static std::set<std::string, std::less<>> names;
  return names.insert(std::move(name)).first->c_str();
}

std::vector<MemberDesc> prefixed(const std::string& prefix, const std::vector<MemberDesc>& members) {
  std::vector<MemberDesc> out;
  for (MemberDesc m : members) {
    m.name = joined(prefix + m.name);
    out.push_back(m);
  }
  return out;
}

std::vector<MemberDesc> cat(std::initializer_list<std::vector<MemberDesc>> parts) {
  std::vector<MemberDesc> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<MemberDesc> sockaddr_members() {
  return {num("sa_family", "address_families"),
          num("sin_port"),
          text("sin_addr"),
          num("sin6_port"),
          num("sin6_flowinfo"),
          text("sin6_addr"),
          num("sin6_scope_id"),
          text("sun_path"),
          num("nl_pid"),
          num("nl_groups")};
}

std::vector<MemberDesc> msghdr_members() {
  return cat({prefixed("msg_name.", sockaddr_members()),
              {num("msg_iov[].iov_len"), num("msg_namelen"), num("msg_iovlen"),
               num("msg_controllen"), num("msg_flags", "msg_flags")}});
}

std::vector<StructSchema> make_schemas() {
  std::vector<StructSchema> s = {
      {"stat",
       {num("st_mode", "file_modes"), num("st_size"), num("st_uid"), num("st_gid"), num("st_ino"),
        num("st_nlink"), num("st_dev"), num("st_rdev"), num("st_blksize"), num("st_blocks")}},
      {"statx",
       {num("stx_mask", "statx_mask"), num("stx_mode", "file_modes"), num("stx_size"), num("stx_uid"),
        num("stx_gid"), num("stx_attributes", "statx_attrs"), num("stx_ino"), num("stx_nlink"),
        num("stx_blocks"), num("stx_rdev_major"), num("stx_rdev_minor")}},
      {"statfs",
       {num("f_type", "fs_magics"), num("f_bsize"), num("f_blocks"), num("f_bfree"), num("f_bavail"),
        num("f_files"), num("f_ffree"), num("f_fsid.val[]"), num("f_namelen"),
        num("f_frsize"), num("f_flags", "statfs_flags")}},
      {"sockaddr", sockaddr_members()},
      {"pollfd", {num("[].fd"), num("[].events", "poll_events"), num("[].revents", "poll_events")}},
      {"fd_set", {num("[]")}},
      {"cpu_set", {num("[]")}},
      {"gid_array", {num("[]")}},
      {"epoll_event",
       {num("events", "epoll_events"), num("data.u64"), num("[].events", "epoll_events"),
        num("[].data.u64")}},
      {"itimerspec",
       {num("it_interval.tv_sec"), num("it_interval.tv_nsec"), num("it_value.tv_sec"),
        num("it_value.tv_nsec")}},
      {"itimerval",
       {num("it_interval.tv_sec"), num("it_interval.tv_usec"), num("it_value.tv_sec"),
        num("it_value.tv_usec")}},
      {"timespec", {num("tv_sec"), num("tv_nsec")}},
      {"timespec_pair", {num("[].tv_sec"), num("[].tv_nsec")}},
      {"timeval", {num("tv_sec"), num("tv_usec")}},
      {"sigaction",
       {num("sa_handler"), num("sa_mask"), num("sa_flags", "sa_flags"), num("sa_restorer")}},
      {"sigset", {num("mask")}},
      {"sigset_pack", {num("sigmask"), num("sigsetsize")}},
      {"sigevent",
       {sig("sigev_signo"), num("sigev_notify", "sigev_notify"), num("sigev_value.sival_int"),
        num("sigev_notify_thread_id")}},
      {"timer_t", {num("value")}},
      {"rlimit", {num("rlim_cur"), num("rlim_max")}},
      {"rlimit64", {num("rlim_cur"), num("rlim_max")}},
      {"open_how",
       {num("flags", "open_flags"), num("mode"), num("resolve", "resolve_flags")}},
      {"clone_args",
       {num("flags", "clone_flags"), sig("exit_signal"), num("stack"), num("stack_size"), num("tls")}},
      {"ioctl_arg",
       {num("value"), num("pgrp"), num("ws_row"), num("ws_col"), num("ws_xpixel"), num("ws_ypixel"),
        num("c_iflag", "termios_iflags"), num("c_oflag", "termios_oflags"), num("c_cflag"),
        num("c_lflag", "termios_lflags")}},
      {"sockopt", {num("value"), num("l_onoff"), num("l_linger")}},
      {"socklen_t", {num("value")}},
      {"iovec", {num("[].iov_len")}},
      {"msghdr", msghdr_members()},
      {"mmsghdr", cat({prefixed("[].msg_hdr.", msghdr_members()), {num("[].msg_len")}})},
      {"stack_t", {num("ss_sp"), num("ss_flags", "sigaltstack_flags"), num("ss_size")}},
      {"rusage",
       {num("ru_utime.tv_sec"), num("ru_utime.tv_usec"), num("ru_stime.tv_sec"),
        num("ru_stime.tv_usec"), num("ru_maxrss"), num("ru_ixrss"), num("ru_idrss"), num("ru_isrss"),
        num("ru_minflt"), num("ru_majflt"), num("ru_nswap"), num("ru_inblock"), num("ru_oublock"),
        num("ru_msgsnd"), num("ru_msgrcv"), num("ru_nsignals"), num("ru_nvcsw"), num("ru_nivcsw")}},
      {"sysinfo", {num("uptime"), num("totalram"), num("freeram"), num("procs"), num("mem_unit")}},
      {"utsname", {text("sysname"), text("nodename"), text("release"), text("version"), text("machine")}},
      {"sched_param", {num("sched_priority")}},
      {"linux_dirent64", {num("entries")}},
      {"wait_status", {num("status")}},
  };
  std::sort(s.begin(), s.end(), [](const StructSchema& a, const StructSchema& b) {
    return std::string_view(a.struct_name) < std::string_view(b.struct_name);
  });
  return s;
}

// "[12].fd" -> "[].fd": indices written as "[]".
std::string generic(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    out += name[i];
    if (name[i] != '[') continue;
    std::size_t j = i + 1;
    while (j < name.size() && name[j] >= '0' && name[j] <= '9') ++j;
    if (j > i + 1 && j < name.size() && name[j] == ']') i = j - 1;
  }
  return out;
}

constexpr DependentFamily kDependent[] = {
    {"setsockopt", 2, 1, SOL_SOCKET, "socket_options"},
    {"setsockopt", 2, 1, IPPROTO_TCP, "tcp_options"},
    {"getsockopt", 2, 1, SOL_SOCKET, "socket_options"},
    {"getsockopt", 2, 1, IPPROTO_TCP, "tcp_options"},
    {"fcntl", 2, 1, F_SETFD, "fd_flags"},
    {"fcntl", 2, 1, F_SETFL, "open_flags"},
    {"prctl", 1, 0, PR_SET_PDEATHSIG, "signals"},
    {"prctl", 1, 0, PR_SET_DUMPABLE, "suid_dump_modes"},
    {"prctl", 1, 0, PR_CAPBSET_READ, "capabilities"},
    {"prctl", 1, 0, PR_CAPBSET_DROP, "capabilities"},
    {"prctl", 1, 0, PR_SET_SECCOMP, "seccomp_modes"},
    {"prctl", 1, 0, PR_CAP_AMBIENT, "cap_ambient_ops"},
    {"prctl", 2, 1, PR_CAP_AMBIENT_IS_SET, "capabilities"},
    {"prctl", 2, 1, PR_CAP_AMBIENT_RAISE, "capabilities"},
    {"prctl", 2, 1, PR_CAP_AMBIENT_LOWER, "capabilities"},
    {"socket", 2, 0, AF_NETLINK, "netlink_protocols"},
    {"socket", 2, 0, AF_INET, "ip_protocols"},
    {"socket", 2, 0, AF_INET6, "ip_protocols"},
};

}  // namespace

std::span<const StructSchema> struct_schemas() {
  static const std::vector<StructSchema> schemas = make_schemas();
  return schemas;
}

const StructSchema* struct_schema(std::string_view struct_name) {
  for (const StructSchema& s : struct_schemas())
    if (struct_name == s.struct_name) return &s;
  return nullptr;
}

const MemberDesc* find_member(const StructSchema& schema, std::string_view name) {
  std::string g = generic(name);
  for (const MemberDesc& m : schema.members)
    if (g == m.name) return &m;
  return nullptr;
}

std::vector<std::string> member_names(const StructSchema& schema) {
  std::vector<std::string> out;
  for (const MemberDesc& m : schema.members) {
    std::string n;
    for (const char* p = m.name; *p; ++p) {
      n += *p;
      if (*p == '[' && p[1] == ']') n += '0';
    }
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<DependentFamily> dependent_families(const SyscallDesc& desc, int arg) {
  std::vector<DependentFamily> out;
  for (const DependentFamily& d : kDependent)
    if (d.arg == arg && std::string_view(d.syscall) == desc.name) out.push_back(d);
  return out;
}

const Xlat* dependent_family(const SyscallDesc& desc, int arg, std::uint64_t value) {
  for (const DependentFamily& d : kDependent)
    if (d.arg == arg && d.on_value == value && std::string_view(d.syscall) == desc.name)
      return find_xlat(d.family);
  return nullptr;
}

}  // namespace syspect
