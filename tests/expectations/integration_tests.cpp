// The checker against real tracees, through the library and through the
// real `syspect check`: each rule kind and matcher passing and failing,
// enforcement (the violating call provably did not run), exact violation
// counts in a multi-threaded, multi-process target, exit statuses and the
// report formats.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <memory>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "helpers.hpp"
#include "syspect/checker.hpp"
#include "syspect/report.hpp"
#include "syspect/sinks.hpp"
#include "syspect/spec_parser.hpp"
#include "syspect/struct_schema.hpp"
#include "syspect/tracer.hpp"

namespace {

using namespace syspect_it;
using syspect::CheckReport;
using syspect::RuleOutcome;

std::string syscaller() { return target("syscaller"); }

struct Checked {
  CheckReport report;
  std::string out;  // the target's stdout
  bool traced = false;
};

// Parses `spec`, runs argv under a Checker, returns its report.
Checked check_lib(const std::string& spec_text, const std::vector<std::string>& argv) {
  Checked c;
  auto spec = syspect::parse_spec(spec_text, "spec.toml");
  if (!spec) {
    ADD_FAILURE() << spec.error().format();
    return c;
  }
  int out = memfd("target-stdout");
  syspect::TraceOptions options;
  options.timeout = spec->run.timeout;
  options.before_exec = [out] { ::dup2(out, 1); };
  syspect::Checker checker(*spec, syspect::proc_process_info());
  syspect::Tracer tracer(options);
  tracer.add_sink(&checker);
  auto r = tracer.run(argv);
  c.traced = r.has_value();
  c.report = checker.report(argv);
  c.out = slurp_fd(out);
  ::close(out);
  return c;
}

const RuleOutcome& rule(const CheckReport& r, const std::string& name) {
  for (const auto& o : r.rules)
    if (o.name == name) return o;
  static RuleOutcome none;
  ADD_FAILURE() << "no rule named " << name;
  return none;
}

std::string text(const CheckReport& r) { return syspect::render_text(r); }

// A listening TCP socket on 127.0.0.1, for clients to connect to.
struct Listener {
  int fd = -1;
  int port = 0;
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 16) != 0)
      throw std::runtime_error("listen failed");
    socklen_t len = sizeof sa;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
    port = ntohs(sa.sin_port);
  }
  ~Listener() { ::close(fd); }
};

// ---- expect, with each value matcher ----------------------------------

TEST(CheckLib, ExpectWithStringAndFlagMatchers) {
  TempDir d;
  write_file(d.file("app.conf"), "x=1\n");
  std::string conf = d.file("app.conf");
  std::string spec = R"(version = 1
[[expect]]
name = "exact path, O_RDONLY|O_CLOEXEC"
syscall = "openat"
args = { dirfd = "AT_FDCWD", pathname = ")" + conf + R"(", flags = "O_RDONLY|O_CLOEXEC" }
result = ">= 0"
count = 1
[[expect]]
name = "glob and has/lacks"
syscall = ["open", "openat"]
args = { pathname = { glob = "/**/app.conf" }, flags = { has = ["O_CLOEXEC"], lacks = ["O_WRONLY", "O_RDWR"] } }
[[expect]]
name = "regex prefix suffix contains"
syscall = "@file"
args = { pathname = { regex = "app\\.conf$", prefix = "/", suffix = ".conf", contains = "app" } }
[[expect]]
name = "not"
syscall = "openat"
args = { pathname = { not = { prefix = "/home" } } }
[[expect]]
name = "by index"
syscall = "openat"
args = { "1" = ")" + conf + R"(", "2" = { has = "O_CLOEXEC" } }
[[expect]]
name = "fd path"
syscall = "read"
args = { fd = { path = ")" + conf + R"(" }, count = "1..4096" }
result = 4
[[expect]]
name = "close by fd path"
syscall = "close"
args = { fd = { path = { suffix = "/app.conf" } } }
)";
  auto c = check_lib(spec, {syscaller(), "open", conf, "rx", "read", "close"});
  ASSERT_TRUE(c.traced);
  EXPECT_TRUE(c.report.passed()) << text(c.report);
  EXPECT_EQ(c.report.rules.size(), 7u);
}

// Constants wherever strace prints a name: an argument whose family another
// one selects (optname by level, fcntl's arg by cmd, prctl's by option), and
// the members of a struct by their own family (open_how's flags).
TEST(CheckLib, ConstantsWhereverStracePrintsAName) {
  TempDir d;
  std::string spec = R"(version = 1
[[expect]]
name = "reuseaddr"
syscall = "setsockopt"
args = { level = "SOL_SOCKET", optname = "SO_REUSEADDR", optval = { value = 1 } }
[[expect]]
name = "nonblock"
syscall = "fcntl"
args = { cmd = "F_SETFL", arg = { has = "O_NONBLOCK", lacks = "O_APPEND" } }
[[expect]]
name = "nodump"
syscall = "prctl"
args = { option = "PR_SET_DUMPABLE", arg2 = "SUID_DUMP_DISABLE" }
[[expect]]
name = "how has"
syscall = "openat2"
args = { how = { flags = { has = ["O_WRONLY", "O_CREAT"] } } }
[[expect]]
name = "how exact"
syscall = "openat2"
args = { how = { flags = "O_WRONLY|O_CREAT", resolve = 0 } }
[[expect]]
name = "stat members"
syscall = "newfstatat"
args = { statbuf = { st_size = 4, st_mode = { has = "S_IFREG" } } }
[[expect]]
name = "wrong optname"
syscall = "setsockopt"
args = { level = "SOL_SOCKET", optname = "SO_KEEPALIVE" }
[[expect]]
name = "wrong dumpable"
syscall = "prctl"
args = { option = "PR_SET_DUMPABLE", arg2 = "SUID_DUMP_USER" }
[[expect]]
name = "how read-only"
syscall = "openat2"
args = { how = { flags = "O_RDONLY" } }
[[expect]]
name = "how lacks creat"
syscall = "openat2"
args = { how = { flags = { lacks = "O_CREAT" } } }
[[forbid]]
name = "empty file stat"
syscall = "newfstatat"
args = { statbuf = { st_size = 0 } }
)";
  write_file(d.file("four"), "abcd");
  auto c = check_lib(spec, {syscaller(), "stat", d.file("four"), "socket", "reuseaddr", "nonblock",
                            "openat2", d.file("new"), "nodump"});
  ASSERT_TRUE(c.traced);
  for (const char* held : {"reuseaddr", "nonblock", "nodump", "how has", "how exact", "stat members",
                           "empty file stat"})
    EXPECT_TRUE(rule(c.report, held).passed) << held << "\n" << text(c.report);
  for (const char* failed : {"wrong optname", "wrong dumpable", "how read-only", "how lacks creat"})
    EXPECT_FALSE(rule(c.report, failed).passed) << failed << "\n" << text(c.report);
}

// The members the decoders fill are the ones they declare: on real calls,
// every member of every decoded struct is in the schema that the spec
// parser and the gtest matchers check names against.
TEST(Schema, EveryMemberTheDecodersFillIsDeclared) {
  TempDir d;
  write_file(d.file("four"), "abcd");
  Listener server;
  std::vector<std::vector<std::string>> commands = {
      {syscaller(), "stat", d.file("four"), "socket", "reuseaddr", "connect",
       std::to_string(server.port), "nonblock", "openat2", d.file("new"), "nodump"},
      {"ls", "-la", "/"},
      {"sh", "-c", "echo x | cat; sleep 0 & wait"},
  };
  if (::access("/usr/bin/python3", X_OK) == 0)
    commands.push_back({"/usr/bin/python3", "-c",
                        "import os, select, socket, signal, time, resource\n"
                        "r, w = os.pipe()\n"
                        "select.select([r], [w], [], 0)\n"
                        "p = select.poll(); p.register(w, select.POLLOUT); p.poll(0)\n"
                        "e = select.epoll(); e.register(w, select.EPOLLOUT); e.poll(0)\n"
                        "signal.setitimer(signal.ITIMER_REAL, 10, 0); signal.setitimer(signal.ITIMER_REAL, 0, 0)\n"
                        "resource.getrlimit(resource.RLIMIT_NOFILE); resource.getrusage(resource.RUSAGE_SELF)\n"
                        "os.uname(); os.sched_getaffinity(0); os.getgroups(); os.statvfs('/')\n"
                        "a, b = socket.socketpair(); a.sendmsg([b'hi']); b.recvmsg(10)\n"
                        "time.sleep(0.001)\n"});
  std::set<std::string> kinds;
  std::size_t members = 0;
  for (const auto& argv : commands) {
    syspect::MemorySink sink;
    syspect::TraceOptions options;
    options.before_exec = [] {
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
    };
    syspect::Tracer tracer(options);
    tracer.add_sink(&sink);
    ASSERT_TRUE(tracer.run(argv).has_value()) << argv[0];
    for (const auto& ev : sink.events) {
      const auto* e = std::get_if<syspect::SyscallEvent>(&ev);
      if (e == nullptr || e->desc == nullptr) continue;
      for (int i = 0; i < e->nargs; ++i) {
        const syspect::ArgValue& v = e->args[static_cast<std::size_t>(i)];
        const char* kind = e->desc->args[i].struct_name;
        if (v.form != syspect::ArgValue::Form::Struct || kind == nullptr) continue;
        const syspect::StructSchema* schema = syspect::struct_schema(kind);
        ASSERT_NE(schema, nullptr) << kind << " has members but no schema";
        kinds.insert(kind);
        for (const syspect::StructField& f : v.fields) {
          ++members;
          const syspect::MemberDesc* m = syspect::find_member(*schema, f.name);
          ASSERT_NE(m, nullptr) << e->name() << "'s " << kind << " has member " << f.name
                                << ", which its schema does not declare";
          EXPECT_EQ(m->is_text, f.is_text) << kind << "." << f.name;
        }
      }
    }
  }
  EXPECT_GE(kinds.size(), 6u);
  EXPECT_GE(members, 30u);
}

TEST(CheckLib, UnmetExpectShowsTheNearestCallAndWhatDiffered) {
  TempDir d;
  write_file(d.file("app.conf"), "x=1\n");
  std::string conf = d.file("app.conf");
  std::string spec = R"(version = 1
[[expect]]
name = "config read-only with O_CLOEXEC"
syscall = "openat"
args = { pathname = ")" + conf + R"(", flags = { has = ["O_CLOEXEC"] } }
)";
  auto c = check_lib(spec, {syscaller(), "open", conf, "r", "close"});
  ASSERT_EQ(c.report.rules.size(), 1u);
  const auto& o = c.report.rules[0];
  EXPECT_FALSE(o.passed);
  std::string t = text(c.report);
  EXPECT_TRUE(contains(t, "FAIL config read-only with O_CLOEXEC (spec.toml:2, expect)")) << t;
  EXPECT_TRUE(contains(t, "flags was O_RDONLY; wanted: has O_CLOEXEC")) << t;
  EXPECT_TRUE(contains(t, "openat(AT_FDCWD, \"" + conf + "\", O_RDONLY) = ")) << t;
  EXPECT_TRUE(contains(t, "/syscaller] openat(")) << t;
  EXPECT_TRUE(contains(t, "1 rule, 1 failed")) << t;
}

TEST(CheckLib, FailingMatchersFail) {
  TempDir d;
  write_file(d.file("f"), "abc");
  std::string f = d.file("f");
  const char* wrong[] = {
      R"(args = { pathname = { glob = "/nowhere/*" } })",
      R"(args = { pathname = { regex = "^f$" } })",
      R"(args = { pathname = { suffix = ".conf" } })",
      R"(args = { pathname = { not = { prefix = "/" } } })",
      R"(args = { flags = "O_WRONLY" })",
      R"(args = { flags = { lacks = "O_CLOEXEC" } })",
      R"(args = { dirfd = ">= 0" })",
      R"(result = "< 0")",
      R"(errno = "ENOENT")",
      R"(result = "10..20")",
  };
  for (const char* w : wrong) {
    std::string spec = std::string("version = 1\n[[expect]]\nsyscall = \"openat\"\n") +
                       "args = { pathname = \"" + f + "\" }\n";
    std::string line = w;
    if (line.starts_with("args"))
      spec = std::string("version = 1\n[[expect]]\nsyscall = \"openat\"\n") + line + "\n";
    else
      spec += line + "\n";
    auto c = check_lib(spec, {syscaller(), "open", f, "rx", "close"});
    ASSERT_EQ(c.report.rules.size(), 1u) << w;
    EXPECT_FALSE(c.report.rules[0].passed) << w << "\n" << text(c.report);
  }
}

// An argument is matched as the kernel read it: the mode of creat is a
// umode_t, openat's dirfd and flags are ints, and what the upper bits of
// their registers hold is not part of the call.
TEST(CheckLib, ArgumentsAreMatchedAtTheWidthOfTheirCType) {
  TempDir d;
  const std::string made = d.file("made");
  std::string spec = R"(version = 1
[[expect]]
name = "mode as the kernel read it"
syscall = "creat"
args = { mode = 0o644 }
count = 1
[[expect]]
name = "exact flags, dirfd"
syscall = "openat"
args = { dirfd = "AT_FDCWD", pathname = ")" + made + R"(", flags = "O_RDONLY|O_CLOEXEC" }
count = 1
[[forbid]]
name = "no mode wider than 16 bits"
syscall = "creat"
args = { mode = "> 65535" }
[[expect]]
name = "uid_t -1, written as strace shows it"
syscall = "fchown"
args = { owner = -1, group = "-1" }
count = 1
)";
  auto c = check_lib(spec, {syscaller(), "widecreat", made, "wideopen", made, "fchown-1"});
  ASSERT_TRUE(c.traced);
  EXPECT_TRUE(c.report.passed()) << text(c.report);
}

TEST(CheckLib, ErrnoAndCount) {
  TempDir d;
  std::string missing = d.file("missing");
  std::string spec = R"(version = 1
[[expect]]
name = "fails with ENOENT twice"
syscall = "openat"
args = { pathname = ")" + missing + R"(" }
errno = "ENOENT"
result = -2
count = 2
[[expect]]
name = "three getpids"
syscall = "getpid"
count = "3"
[[expect]]
name = "at least four getpids"
syscall = "getpid"
count = ">= 4"
[[expect]]
name = "at most 3"
syscall = "getpid"
count = "<= 3"
)";
  auto c = check_lib(spec, {syscaller(), "open", missing, "r", "open", missing, "r", "getpid", "getpid",
                            "getpid"});
  EXPECT_TRUE(rule(c.report, "fails with ENOENT twice").passed) << text(c.report);
  EXPECT_TRUE(rule(c.report, "three getpids").passed) << text(c.report);
  EXPECT_FALSE(rule(c.report, "at least four getpids").passed);
  EXPECT_EQ(rule(c.report, "at least four getpids").observed, "matched 3 times");
  EXPECT_TRUE(rule(c.report, "at most 3").passed);
}

TEST(CheckLib, ProcessScope) {
  std::string spec = R"(version = 1
[[expect]]
name = "in syscaller"
syscall = "getppid"
process = { exe = "**/syscaller" }
[[expect]]
name = "in another program"
syscall = "getppid"
process = { exe = "*/other" }
)";
  auto c = check_lib(spec, {syscaller(), "getppid"});
  EXPECT_TRUE(rule(c.report, "in syscaller").passed) << text(c.report);
  EXPECT_FALSE(rule(c.report, "in another program").passed);
}

// ---- forbid --------------------------------------------------------------

TEST(CheckLib, ForbidReportsOffendersWithPidsAndCounts) {
  TempDir d;
  std::string spec = R"(version = 1
[[forbid]]
name = "no mkdir under the temp dir"
syscall = "mkdir"
args = { pathname = { prefix = ")" + d.path() + R"(/" } }
[[forbid]]
name = "no network"
syscall = "@network"
)";
  auto c = check_lib(spec, {syscaller(), "mkdir", d.file("a"), "mkdir", d.file("b"), "mkdir", "/proc/nope"});
  const auto& o = rule(c.report, "no mkdir under the temp dir");
  EXPECT_FALSE(o.passed);
  EXPECT_EQ(o.observed, "happened 2 times in 1 process");
  ASSERT_EQ(o.groups.size(), 1u);
  ASSERT_EQ(o.groups[0].calls.size(), 1u);
  EXPECT_EQ(o.groups[0].calls[0].count, 2u);
  EXPECT_TRUE(rule(c.report, "no network").passed);
}

// ---- sequences -------------------------------------------------------------

std::string client_spec(const std::string& mode, int port) {
  return R"(version = 1
[[sequence]]
name = "socket, connect, write, close"
mode = ")" + mode + R"("
steps = [
  { syscall = "socket", args = { domain = "AF_INET" } },
  { syscall = "connect", args = { sockfd = { path = { prefix = "socket:" } } } },
  { syscall = "write", args = { buf = "hello" } },
  { syscall = "close", result = 0 },
]
[[expect]]
name = "connect succeeds"
syscall = "connect"
result = 0
)" + "# port " + std::to_string(port) + "\n";
}

TEST(CheckLib, SequenceModesPass) {
  Listener l;
  std::vector<std::string> argv = {syscaller(), "socket", "connect", std::to_string(l.port), "write",
                                   "hello", "close"};
  for (std::string mode : {"subsequence", "contiguous", "exact"}) {
    auto c = check_lib(client_spec(mode, l.port), argv);
    EXPECT_TRUE(c.report.passed()) << mode << "\n" << text(c.report);
  }
}

TEST(CheckLib, SequenceSubsequenceReportsHowFarItGot) {
  Listener l;
  // Writes something else: the sequence stops before step 3.
  auto c = check_lib(client_spec("subsequence", l.port),
                     {syscaller(), "socket", "connect", std::to_string(l.port), "write", "bye", "close"});
  const auto& o = rule(c.report, "socket, connect, write, close");
  EXPECT_FALSE(o.passed);
  std::string t = text(c.report);
  EXPECT_TRUE(contains(o.observed, "got through 2 of 4 steps")) << t;
  EXPECT_TRUE(contains(t, "nearest calls for step 3")) << t;
  EXPECT_TRUE(contains(t, "buf was \"bye\"; wanted: is \"hello\"")) << t;
}

TEST(CheckLib, SequenceContiguousBreaksOnACallBetween) {
  Listener l;
  auto c = check_lib(client_spec("contiguous", l.port),
                     {syscaller(), "socket", "connect", std::to_string(l.port), "getpid", "write", "hello",
                      "close"});
  const auto& o = rule(c.report, "socket, connect, write, close");
  EXPECT_FALSE(o.passed);
  std::string t = text(c.report);
  EXPECT_TRUE(contains(t, "got through 2 of 4 steps")) << t;
  EXPECT_TRUE(contains(t, "instead of step 3")) << t;
  EXPECT_TRUE(contains(t, "getpid()")) << t;
}

TEST(CheckLib, SequenceExactFailsOnAnExtraCall) {
  Listener l;
  auto c = check_lib(client_spec("exact", l.port),
                     {syscaller(), "socket", "connect", std::to_string(l.port), "write", "hello", "write",
                      "again", "close"});
  const auto& o = rule(c.report, "socket, connect, write, close");
  EXPECT_FALSE(o.passed);
  std::string t = text(c.report);
  EXPECT_TRUE(contains(t, "instead of step 4")) << t;
  EXPECT_TRUE(contains(t, "\"again\"")) << t;
}

// ---- policy ------------------------------------------------------------------

TEST(CheckLib, PolicyCountsEveryViolationInThreadsAndProcesses) {
  // 3 processes x 4 threads x 25 calls.
  std::string spec = R"(version = 1
[policy]
deny = ["getppid"]
)";
  auto c = check_lib(spec, {syscaller(), "spread", "3", "4", "25"});
  const auto& o = rule(c.report, "policy");
  EXPECT_FALSE(o.passed);
  EXPECT_EQ(o.observed, "violated 300 times in 3 processes, by 1 syscall") << text(c.report);
  ASSERT_EQ(o.hints.size(), 1u) << text(c.report);
  EXPECT_EQ(o.hints[0], "named in [policy] deny (spec.toml:2): \"getppid\"");
  std::uint64_t total = 0;
  for (const auto& call : o.groups.at(0).calls) total += call.count;
  EXPECT_EQ(total, 300u);
}

TEST(CheckLib, OtherAbiNeverMatchesAnX86_64AllowEntry) {
  SKIP_WITHOUT_IA32();
  // Allow everything the program does through the x86_64 ABI.
  auto t = trace_lib({syscaller(), "getpid"});
  std::set<std::string> names;
  for (const auto& e : t.syscalls())
    if (e.abi == syspect::Abi::x86_64) names.insert(e.name());
  names.insert("getpid");
  std::string allow;
  for (const auto& n : names) allow += "\"" + n + "\", ";
  auto spec = [&](const std::string& extra) {
    return "version = 1\n[policy]\nallow = [" + allow + extra + "]\n";
  };
  auto plain = check_lib(spec(""), {syscaller(), "getpid"});
  EXPECT_TRUE(plain.report.passed()) << text(plain.report);
  auto int80 = check_lib(spec(""), {syscaller(), "int80"});
  const auto& o = rule(int80.report, "policy");
  EXPECT_FALSE(o.passed);
  EXPECT_EQ(o.observed, "violated once in 1 process, by 1 syscall") << text(int80.report);
  auto named = check_lib(spec("\"i386:getpid\""), {syscaller(), "int80"});
  EXPECT_TRUE(named.report.passed()) << text(named.report);
}

// ---- enforcement ---------------------------------------------------------------

TEST(Enforce, KillStopsTheTreeBeforeTheCallRuns) {
  TempDir d;
  std::string dir = d.file("made");
  std::string spec = R"(version = 1
[policy]
deny = ["mkdir"]
on_violation = "kill"
)";
  auto c = check_lib(spec, {syscaller(), "echo", "before", "mkdir", dir, "echo", "after"});
  EXPECT_FALSE(std::filesystem::exists(dir)) << "the mkdir ran";
  EXPECT_EQ(c.out, "before\n");
  EXPECT_TRUE(c.report.result.signaled);
  EXPECT_FALSE(rule(c.report, "policy").passed);
  EXPECT_TRUE(contains(text(c.report), "mkdir(\"" + dir + "\"")) << text(c.report);
}

TEST(Enforce, KillAlsoAppliesToForbidRules) {
  TempDir d;
  std::string file = d.file("created");
  std::string spec = R"(version = 1
[policy]
deny = ["mkdir"]
on_violation = "kill"
[[forbid]]
name = "no writes into the temp dir"
syscall = "openat"
args = { pathname = { prefix = ")" + d.path() + R"(" }, flags = { has = "O_CREAT" } }
)";
  auto c = check_lib(spec, {syscaller(), "open", file, "wc", "echo", "after"});
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(c.out, "");
  EXPECT_FALSE(rule(c.report, "no writes into the temp dir").passed);
}

TEST(Enforce, ErrnoFailsTheCallAndTheProgramGoesOn) {
  TempDir d;
  std::string file = d.file("created");
  std::string spec = R"(version = 1
[policy]
deny = ["mkdir"]
on_violation = "errno:EACCES"
[[forbid]]
name = "no creating files"
syscall = "openat"
args = { flags = { has = "O_CREAT" } }
)";
  auto c = check_lib(spec, {syscaller(), "open", file, "wc", "mkdir", d.file("dir"), "echo", "after"});
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(d.file("dir")));
  EXPECT_EQ(c.out, "after\n");
  EXPECT_TRUE(c.report.result.exited);
  EXPECT_EQ(c.report.result.exit_code, 0);
  std::string t = text(c.report);
  EXPECT_TRUE(contains(t, "= -1 EACCES (Permission denied)")) << t;
  EXPECT_FALSE(rule(c.report, "policy").passed);
  EXPECT_FALSE(rule(c.report, "no creating files").passed);
}

// ---- the CLI -------------------------------------------------------------------

SpawnOptions in_dir(const std::string& dir) {
  SpawnOptions o;
  o.cwd = dir;
  return o;
}

std::string write_spec(const TempDir& d, const std::string& body, const std::string& name = "spec.toml") {
  write_file(d.file(name), body);
  return d.file(name);
}

TEST(CheckCli, ExitStatuses) {
  TempDir d;
  std::string pass = write_spec(d, "version = 1\n[[expect]]\nsyscall = \"getpid\"\n", "pass.toml");
  std::string fail = write_spec(d, "version = 1\n[[expect]]\nsyscall = \"getppid\"\n", "fail.toml");
  std::string bad = write_spec(d, "version = 1\n[[expect]]\nsyscall = \"getpdi\"\n", "bad.toml");

  auto r0 = run_cli({"check", pass, "--", syscaller(), "getpid"});
  EXPECT_EQ(r0.code, 0) << describe(r0);
  EXPECT_TRUE(contains(r0.err, "1 rule, 0 failed")) << describe(r0);

  auto r1 = run_cli({"check", fail, "--", syscaller(), "getpid"});
  EXPECT_EQ(r1.code, 1) << describe(r1);
  EXPECT_TRUE(contains(r1.err, "FAIL expect at line 2 (" + fail + ":2, expect)")) << describe(r1);
  EXPECT_TRUE(contains(r1.err, "no call to getppid at all")) << describe(r1);

  auto r2 = run_cli({"check", bad, "--", syscaller()});
  EXPECT_EQ(r2.code, 2) << describe(r2);
  EXPECT_TRUE(contains(r2.err, bad + ":3:11: error: unknown syscall 'getpdi'; did you mean 'getpid'?"))
      << describe(r2);

  auto r3 = run_cli({"check", pass, "--", d.file("no-such-program")});
  EXPECT_EQ(r3.code, 3) << describe(r3);
  EXPECT_TRUE(contains(r3.err, "syspect: check: cannot run '" + d.file("no-such-program") + "': No such file or directory")) << describe(r3);

  auto usage = run_cli({"check", pass, "--report", "xml"});
  EXPECT_EQ(usage.code, 2) << describe(usage);
  auto nocmd = run_cli({"check", pass});
  EXPECT_EQ(nocmd.code, 2) << describe(nocmd);
  auto missing = run_cli({"check", d.file("missing.toml")});
  EXPECT_EQ(missing.code, 2) << describe(missing);
}

// cat opens its file without O_CLOEXEC and the loader's files with it: the
// nearest call to a rule naming the file and the flag is the file's open,
// whatever came before it, with the condition it misses.
TEST(CheckCli, NearestCallIsTheOneWithThePathEvenWhenAFlagDiffers) {
  TempDir d;
  write_file(d.file("hostname"), "h\n");
  std::string spec = write_spec(d, "version = 1\n[[expect]]\nsyscall = \"openat\"\n"
                                   "args = { pathname = \"" + d.file("hostname") +
                                   "\", flags = { has = \"O_CLOEXEC\" } }\n");
  auto r = run_cli({"check", spec, "--", "cat", d.file("hostname")});
  EXPECT_EQ(r.code, 1) << describe(r);
  std::string first = "  nearest calls:\n    [pid ";
  auto at = r.err.find(first);
  ASSERT_NE(at, std::string::npos) << describe(r);
  std::string rest = r.err.substr(at + first.size());
  EXPECT_TRUE(rest.find("] openat(AT_FDCWD, \"" + d.file("hostname") +
                        "\", O_RDONLY) = 3\n      flags was O_RDONLY; wanted: has O_CLOEXEC\n") <
              rest.find('\n'))
      << describe(r);
}

// A broken policy reads violations first: which calls, a hint that says
// where to allow them, then the allowlist wrapped; the command is quoted as
// a shell would read it back.
TEST(CheckCli, PolicyReportShowsViolationsFirstWithAHint) {
  TempDir d;
  std::string made = d.file("a b");
  std::vector<std::string> argv = {syscaller(), "mkdir", made, "getppid"};
  std::set<std::string> names;
  for (const auto& e : trace_lib(argv).syscalls()) names.insert(e.name());
  ::rmdir(made.c_str());
  ASSERT_EQ(names.count("mkdir"), 1u);
  names.erase("mkdir");
  names.erase("getppid");
  std::string allow;
  for (const auto& n : names) allow += "\"" + n + "\", ";
  std::string spec = write_spec(d, "version = 1\n[policy]\n\nallow = [" + allow + "]\n");
  std::vector<std::string> args = {"check", spec, "--"};
  args.insert(args.end(), argv.begin(), argv.end());
  auto r = run_cli(args);
  EXPECT_EQ(r.code, 1) << describe(r);
  const std::string head = "FAIL policy (" + spec + ":2, policy)\n"
                           "  observed: violated 2 times in 1 process, by 2 syscalls\n"
                           "  hint: if the program may make them, add them to [policy] allow (" + spec + ":4):\n"
                           "        \"getppid\", \"mkdir\"\n"
                           "  offending calls:\n";
  EXPECT_TRUE(r.err.starts_with(head)) << describe(r);
  auto required = r.err.find("  required: only syscalls in allow (" + std::to_string(names.size()) + " entries):\n");
  EXPECT_NE(required, std::string::npos) << describe(r);
  EXPECT_GT(required, r.err.find("mkdir(\"" + made + "\", 0755)")) << describe(r);
  // The allowlist is wrapped.
  if (required != std::string::npos) {
    for (const auto& line : lines_of(r.err.substr(required, r.err.find("\n\n", required) - required)))
      EXPECT_LE(line.size(), 90u) << line;
  }
  EXPECT_TRUE(contains(r.err, "\ntarget " + syscaller() + " mkdir '" + made + "' getppid exited with 0\n"))
      << describe(r);
  args.insert(args.begin() + 2, {"--report", "json"});
  auto j = run_cli(args);
  auto doc = nlohmann::json::parse(j.err.substr(j.err.find('{')), nullptr, false);
  ASSERT_TRUE(doc.is_object()) << describe(j);
  EXPECT_EQ(doc["rules"][0]["hints"].size(), 1u) << doc.dump();
}

// The exit signal in clone's flags is named as strace prints it.
TEST(CheckCli, CloneExitSignalIsAFlagValue) {
  TempDir d;
  std::string spec = write_spec(d, "version = 1\n[[expect]]\nsyscall = \"clone\"\n"
                                   "args = { flags = { has = \"SIGCHLD\" } }\n"
                                   "[[expect]]\nsyscall = \"clone\"\n"
                                   "args = { flags = \"CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD\" }\n"
                                   "[[forbid]]\nsyscall = \"clone\"\n"
                                   "args = { flags = { has = \"SIGUSR1\" } }\n");
  auto r = run_cli({"check", spec, "--", "sh", "-c", "/bin/true | /bin/true"});
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_TRUE(contains(r.err, "3 rules, 0 failed")) << describe(r);
}

TEST(CheckCli, BrokenSpecDiagnosticsMatchTheGoldenFile) {
  std::string dir = SYSPECT_BAD_SPECS_DIR;
  auto r = run_cli({"check", "several.toml", "--", "true"}, 60s, in_dir(dir));
  EXPECT_EQ(r.code, 2) << describe(r);
  std::string golden = read_file(dir + "/several.expected");
  EXPECT_TRUE(r.err.starts_with(golden)) << describe(r);
}

// A forbid on a member that does not exist used to pass (it could never
// match); now the spec is refused before anything runs.
TEST(CheckCli, AMisspelledMemberIsASpecErrorNotAForbidThatNeverFails) {
  TempDir d;
  std::string spec = write_spec(d, R"(version = 1
[[forbid]]
syscall = "newfstatat"
args = { statbuf = { st_szie = 0 } }
)");
  write_file(d.file("empty"), "");
  auto r = run_cli({"check", spec, "--", syscaller(), "stat", d.file("empty")});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, spec + ":4:22: error: 'statbuf': struct stat has no member 'st_szie'; "
                                     "did you mean 'st_size'?"))
      << describe(r);
  // Spelled right, the same forbid sees the empty file's stat and fails.
  std::string right = write_spec(d, R"(version = 1
[[forbid]]
syscall = "newfstatat"
args = { statbuf = { st_size = 0 } }
)", "right.toml");
  auto r1 = run_cli({"check", right, "--", syscaller(), "stat", d.file("empty")});
  EXPECT_EQ(r1.code, 1) << describe(r1);
}

TEST(CheckCli, RunSectionCommandRelativeToSpecExitAndEnv) {
  TempDir d;
  std::filesystem::copy_file(syscaller(), d.file("prog"));
  std::filesystem::permissions(d.file("prog"), std::filesystem::perms::owner_all);
  std::string spec = write_spec(d, R"(version = 1
[run]
command = ["./prog", "getpid", "exit", "3"]
timeout = "30s"
exit = 3
[[expect]]
syscall = "getpid"
)");
  // Run from elsewhere: "./prog" is the one beside the spec.
  auto r = run_cli({"check", spec}, 60s, in_dir("/"));
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_TRUE(contains(r.err, "exited with 3")) << describe(r);
  EXPECT_TRUE(contains(r.err, "3 rules, 0 failed")) << describe(r);

  std::string wrong = write_spec(d, "version = 1\n[run]\ncommand = [\"./prog\"]\nexit = 1\n", "wrong.toml");
  auto w = run_cli({"check", wrong});
  EXPECT_EQ(w.code, 1) << describe(w);
  EXPECT_TRUE(contains(w.err, "the target exits with 1")) << describe(w);
}

TEST(CheckCli, TargetOutputPassesThroughAndReportGoesWhereAsked) {
  TempDir d;
  std::string spec = write_spec(d, "version = 1\n[[expect]]\nsyscall = \"write\"\n");
  auto r = run_cli({"check", spec, "--report-file", d.file("report.txt"), "--", syscaller(), "echo", "hi"});
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(r.out, "hi\n");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(contains(read_file(d.file("report.txt")), "1 rule, 0 failed"));
  EXPECT_FALSE(contains(read_file(d.file("report.txt")), "\033[")) << "no colour in a file";
}

// A JUnit file for the CI server and the text report in the log, as
// syspect_add_check() runs it under ctest.
TEST(CheckCli, AlsoTextPrintsTheTextReportBesideAnotherFormat) {
  TempDir d;
  std::string spec = write_spec(d, "version = 1\n[[forbid]]\nname = \"no mkdir\"\nsyscall = \"mkdir\"\n");
  auto r = run_cli({"check", spec, "--report", "junit", "--report-file", d.file("junit.xml"), "--also-text",
                    "--", syscaller(), "mkdir", d.file("x"), "getpid"});
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_TRUE(contains(r.err, "FAIL no mkdir")) << describe(r);
  EXPECT_TRUE(contains(r.err, "1 rule, 1 failed")) << describe(r);
  EXPECT_TRUE(contains(r.err, "mkdir(\"" + d.file("x") + "\"")) << describe(r);
  EXPECT_FALSE(contains(r.err, "<testcase")) << describe(r);
  EXPECT_TRUE(contains(read_file(d.file("junit.xml")), "<failure message=")) << read_file(d.file("junit.xml"));

  // Without another format, the text report is printed once.
  auto once = run_cli({"check", spec, "--also-text", "--", syscaller(), "getpid"});
  EXPECT_EQ(once.code, 0) << describe(once);
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = once.err.find("1 rule, 0 failed", pos)) != std::string::npos; ++pos) ++n;
  EXPECT_EQ(n, 1u) << describe(once);
}

TEST(CheckCli, JsonReport) {
  TempDir d;
  std::string spec = write_spec(d, R"(version = 1
[[expect]]
name = "gets its pid"
syscall = "getpid"
[[forbid]]
name = "no mkdir"
syscall = "mkdir"
)");
  auto r = run_cli({"check", spec, "--report", "json", "--report-file", "-", "--", syscaller(), "mkdir",
                    d.file("x"), "getpid"});
  EXPECT_EQ(r.code, 1) << describe(r);
  json j = json::parse(r.out);
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["summary"]["rules"], 2);
  EXPECT_EQ(j["summary"]["failed"], 1);
  EXPECT_EQ(j["target"]["exit_code"], 0);
  ASSERT_EQ(j["rules"].size(), 2u);
  EXPECT_EQ(j["rules"][0]["name"], "gets its pid");
  EXPECT_EQ(j["rules"][0]["passed"], true);
  EXPECT_EQ(j["rules"][1]["kind"], "forbid");
  EXPECT_EQ(j["rules"][1]["line"], 5);
  auto call = j["rules"][1]["groups"][0]["calls"][0];
  EXPECT_TRUE(contains(call["text"].get<std::string>(), "mkdir(\"" + d.file("x") + "\""));
  EXPECT_TRUE(contains(call["exe"].get<std::string>(), "syscaller"));
  EXPECT_GT(call["pid"].get<int>(), 0);
}

// A minimal structural check of the JUnit document: the elements and
// attributes CI servers require, in the right nesting.
void check_junit_structure(const std::string& xml, std::size_t tests, std::size_t failures) {
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  EXPECT_TRUE(contains(xml, fmt::format("<testsuites name=\"syspect\" tests=\"{}\" failures=\"{}\"", tests, failures)));
  EXPECT_TRUE(contains(xml, fmt::format("tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\"", tests, failures)));
  std::size_t cases = 0, pos = 0;
  while ((pos = xml.find("<testcase name=\"", pos)) != std::string::npos) ++cases, ++pos;
  EXPECT_EQ(cases, tests);
  std::size_t fails = 0;
  pos = 0;
  while ((pos = xml.find("<failure message=\"", pos)) != std::string::npos) ++fails, ++pos;
  EXPECT_EQ(fails, failures);
  EXPECT_TRUE(xml.ends_with("</testsuite>\n</testsuites>\n"));
}

TEST(CheckCli, JunitReportValidatesAgainstTheSchema) {
  TempDir d;
  std::string spec = write_spec(d, R"(version = 1
[[expect]]
name = "gets <its> pid & \"more\""
syscall = "getpid"
[[forbid]]
name = "no mkdir"
syscall = "mkdir"
[policy]
deny = ["@network"]
)");
  auto r = run_cli({"check", spec, "--report", "junit", "--report-file", d.file("junit.xml"), "--", syscaller(),
                    "mkdir", d.file("x<&>"), "getpid"});
  EXPECT_EQ(r.code, 1) << describe(r);
  std::string xml = read_file(d.file("junit.xml"));
  check_junit_structure(xml, 3, 1);
  // The run's real start (today, in UTC) and duration, as CI servers show them.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(xml, m, std::regex(R"re(<testsuite [^>]* time="([0-9.]+)"[^>]* timestamp="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")re")))
      << xml;
  EXPECT_GT(std::stod(m[1].str()), 0.0) << xml;
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char today[16];
  std::strftime(today, sizeof today, "%Y-%m-%d", &tm);
  EXPECT_TRUE(m[2].str().starts_with(today) || m[2].str() < today) << m[2].str() << " vs " << today;
  EXPECT_FALSE(contains(xml, "1970-01-01")) << xml;
  EXPECT_TRUE(contains(xml, "<testcase name=\"gets &lt;its&gt; pid &amp; &quot;more&quot;\""));
  EXPECT_TRUE(contains(xml, "<testcase name=\"no mkdir\" classname=\"syspect.spec\" time=\"0\">\n"
                            "      <failure message=\"happened once in 1 process\" type=\"forbid\">FAIL no mkdir"));
  std::string xmllint = SYSPECT_XMLLINT;
  if (xmllint.empty() || xmllint.ends_with("NOTFOUND")) GTEST_SKIP() << "xmllint not installed";
  auto v = run({xmllint, "--noout", "--schema", SYSPECT_JUNIT_XSD, d.file("junit.xml")});
  EXPECT_EQ(v.code, 0) << describe(v);
}

// A check whose run syspect was told to stop (SIGTERM, SIGINT) never passes:
// the target was killed before it could break the rule, and the report, in
// every format, says the run was cut short. The same run left to end fails.
// The target says "ready", then blocks opening a FIFO nobody writes to until
// the test decides; only after that does it make the forbidden mkdir.
class CheckInterrupted : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0) << std::strerror(errno);
    spec_ = write_spec(d_, "version = 1\n[[forbid]]\nname = \"makes no directory\"\nsyscall = \"mkdir\"\n");
  }
  // `syspect check` with `extra` options on the blocking target, once it is
  // ready.
  std::unique_ptr<Child> start(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {cli(), "check", spec_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::vector<std::string> command = {"--", syscaller(), "echo", "ready", "open", fifo_, "r", "mkdir", made_};
    argv.insert(argv.end(), command.begin(), command.end());
    SpawnOptions so;
    so.stdout_pipe = true;
    auto c = std::make_unique<Child>(argv, so);
    auto line = c->read_line(20s);
    EXPECT_EQ(line, std::optional<std::string>("ready")) << "the target never said it was ready";
    return c;
  }
  ProcResult interrupt(const std::vector<std::string>& extra, int sig) {
    auto c = start(extra);
    EXPECT_EQ(::kill(c->pid(), sig), 0);
    auto r = c->wait(30s);
    EXPECT_FALSE(r.timed_out) << "syspect did not stop";
    EXPECT_FALSE(std::filesystem::exists(made_)) << "the target got past the FIFO";
    return r;
  }
  TempDir d_;
  std::string fifo_ = d_.file("go");
  std::string made_ = d_.file("made");
  std::string spec_;
};

TEST_F(CheckInterrupted, TheSameRunLeftToEndFails) {
  auto c = start({});
  {
    // Lets the target's open return: it goes on to the mkdir.
    int w = ::open(fifo_.c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(w, 0) << std::strerror(errno);
    ::close(w);
  }
  auto r = c->wait(30s);
  EXPECT_EQ(r.status(), 1) << describe(r);
  EXPECT_TRUE(contains(r.err, "FAIL makes no directory")) << describe(r);
  EXPECT_TRUE(std::filesystem::exists(made_));
}

TEST_F(CheckInterrupted, SigtermIs143AndTheTextReportSaysSo) {
  auto r = interrupt({}, SIGTERM);
  EXPECT_EQ(r.status(), 128 + SIGTERM) << describe(r);
  EXPECT_TRUE(contains(r.err, "was killed when syspect was interrupted by SIGTERM\n")) << describe(r);
  EXPECT_TRUE(contains(r.err, "1 rule, 0 failed; INCOMPLETE: the run did not end on its own (syspect was "
                              "interrupted by SIGTERM), so the check does not pass\n"))
      << describe(r);
  EXPECT_TRUE(contains(r.err, "syspect: check: interrupted by SIGTERM before the target ended; the check "
                              "does not pass\n"))
      << describe(r);
}

TEST_F(CheckInterrupted, SigintIs130AndTheJsonReportSaysSo) {
  std::string report = d_.file("report.json");
  auto r = interrupt({"--report", "json", "--report-file", report}, SIGINT);
  EXPECT_EQ(r.status(), 128 + SIGINT) << describe(r);
  json j = json::parse(read_file(report));
  EXPECT_EQ(j["passed"], false) << j.dump(2);
  EXPECT_EQ(j["complete"], false) << j.dump(2);
  EXPECT_EQ(j["cut_short"], "syspect was interrupted by SIGINT") << j.dump(2);
  EXPECT_EQ(j["summary"]["failed"], 0) << j.dump(2);
  EXPECT_EQ(j["target"]["interrupted"], true) << j.dump(2);
  EXPECT_EQ(j["target"]["interrupt_signal"], "SIGINT") << j.dump(2);
  EXPECT_EQ(j["target"]["description"], "was killed when syspect was interrupted by SIGINT") << j.dump(2);
}

TEST_F(CheckInterrupted, JunitReportHasTheRunInError) {
  std::string report = d_.file("junit.xml");
  auto r = interrupt({"--report", "junit", "--report-file", report}, SIGTERM);
  EXPECT_EQ(r.status(), 128 + SIGTERM) << describe(r);
  std::string xml = read_file(report);
  EXPECT_TRUE(contains(xml, "<testsuites name=\"syspect\" tests=\"2\" failures=\"0\" errors=\"1\"")) << xml;
  EXPECT_TRUE(contains(xml, "<testcase name=\"the run ends on its own\" classname=\"syspect.spec\" time=\"0\">\n"
                            "      <error message=\"the run did not end on its own: syspect was interrupted by "
                            "SIGTERM\" type=\"incomplete\">"))
      << xml;
  std::string xmllint = SYSPECT_XMLLINT;
  if (xmllint.empty() || xmllint.ends_with("NOTFOUND")) GTEST_SKIP() << "xmllint not installed";
  auto v = run({xmllint, "--noout", "--schema", SYSPECT_JUNIT_XSD, report});
  EXPECT_EQ(v.code, 0) << describe(v);
}

TEST(CheckCli, KillEnforcementThroughTheCli) {
  TempDir d;
  std::string dir = d.file("made");
  std::string spec = write_spec(d, "version = 1\n[policy]\ndeny = [\"mkdir\"]\non_violation = \"kill\"\n");
  auto r = run_cli({"check", spec, "--", syscaller(), "echo", "before", "mkdir", dir, "echo", "after"});
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_EQ(r.out, "before\n");
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_TRUE(contains(r.err, "was killed by SIGKILL")) << describe(r);
}

}  // namespace

namespace {

// `syspect check SPEC -- syscaller ARGS...`
ProcResult check_syscaller(const std::string& spec, std::vector<std::string> args) {
  std::vector<std::string> argv = {"check", spec, "--", syscaller()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_cli(argv);
}

}  // namespace

// A rule sees all of what it judges: an 8192-byte write whose SECRET is at
// byte 5000 (past the 4096 bytes a trace keeps by default) breaks a forbid
// rule on its data and meets an expect rule; an argv item of 6000 bytes is
// judged whole too.
TEST(CheckCli, RulesJudgeWholeBuffersAndArgvItems) {
  TempDir d;
  const std::vector<std::string> big = {"open", "/dev/null", "w", "bigwrite", "8192", "5000", "SECRET"};
  std::string forbid = write_spec(d, R"(version = 1
[[forbid]]
name = "no secret written"
syscall = "write"
args = { buf = { contains = "SECRET" } }
)", "forbid.toml");
  auto r = check_syscaller(forbid, big);
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_TRUE(contains(r.err, "FAIL no secret written")) << describe(r);
  EXPECT_FALSE(contains(r.err, "cannot be judged")) << describe(r);

  std::string expect = write_spec(d, R"(version = 1
[[expect]]
name = "secret written once, as the buffer's end says"
syscall = "write"
args = { buf = { contains = "SECRET", suffix = "..." }, count = 8192 }
count = 1
)", "expect.toml");
  r = check_syscaller(expect, big);
  EXPECT_EQ(r.code, 0) << describe(r);

  std::string argv = write_spec(d, R"(version = 1
[[forbid]]
name = "no secret in an argument"
syscall = "execve"
args = { argv = { suffix = ".SECRET" } }
)", "argv.toml");
  r = check_syscaller(argv, {"execlong", "6000", "SECRET"});
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_TRUE(contains(r.err, "FAIL no secret in an argument")) << describe(r);
}

// Past the hard limit (16 MiB) a buffer is still cut: a rule that must
// judge the rest does not guess. A forbid rule counts the call as a
// violation (and stops it when enforcing), an expect rule does not count
// it; each says why.
TEST(CheckCli, ABufferCutAtTheHardLimitCannotBeJudged) {
  TempDir d;
  const std::vector<std::string> huge = {"open", "/dev/null", "w", "bigwrite", "17000000", "16900000", "SECRET"};
  std::string forbid = write_spec(d, R"(version = 1
[[forbid]]
name = "no secret written"
syscall = "write"
args = { buf = { contains = "SECRET" } }
)", "forbid.toml");
  auto r = check_syscaller(forbid, huge);
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_TRUE(contains(r.err, "FAIL no secret written")) << describe(r);
  EXPECT_TRUE(contains(r.err, "buf is a buffer of 17000000 bytes cut at 16777216: cannot be judged "
                              "(contains \"SECRET\"), so it counts as a violation"))
      << describe(r);
  EXPECT_TRUE(contains(r.err, "happened once in 1 process (it could not be judged: an argument was "
                              "cut when read)")) << describe(r);

  // What the part read settles is settled: SECRET in the first 16 MiB.
  r = check_syscaller(forbid, {"open", "/dev/null", "w", "bigwrite", "17000000", "1000", "SECRET"});
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_FALSE(contains(r.err, "cannot be judged")) << describe(r);

  std::string expect = write_spec(d, R"(version = 1
[[expect]]
name = "secret written"
syscall = "write"
args = { buf = { contains = "SECRET" } }
)", "expect.toml");
  r = check_syscaller(expect, huge);
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_TRUE(contains(r.err, "buf is a buffer of 17000000 bytes cut at 16777216: cannot be judged"))
      << describe(r);

  std::string enforce = write_spec(d, R"(version = 1
[policy]
on_violation = "errno:EPERM"
deny = ["ptrace"]
[[forbid]]
syscall = "write"
args = { buf = { not = { contains = "SECRET" } } }
)", "enforce.toml");
  r = check_syscaller(enforce, huge);
  EXPECT_EQ(r.code, 1) << describe(r);
  // The write did not run: it failed with the policy's errno.
  EXPECT_TRUE(contains(r.err, ", 17000000) = -1 EPERM (Operation not permitted)\n      buf is a buffer"))
      << describe(r);
}

namespace {

// Two forbid rules a backtracking matcher takes exponential time over on a
// path that almost matches: a glob of many stars and the regex (a+)+$
// each try every way to share a run of a's out among the stars or groups.
std::string hostile_spec(const TempDir& d) {
  std::string stars = "/";
  for (int i = 0; i < 24; ++i) stars += "a*";
  return write_spec(d, "version = 1\n"
                       "[[forbid]]\nname = \"starry\"\nsyscall = \"openat\"\n"
                       "args = { pathname = { glob = \"" + stars + "b\" } }\n"
                       "[[forbid]]\nname = \"nested\"\nsyscall = \"openat\"\n"
                       "args = { pathname = { regex = \"(a+)+$\" } }\n");
}

const std::string kRunOfA = "/" + std::string(10000, 'a');

}  // namespace

// Matching takes time linear in what the traced program chose, whatever
// the pattern: each rule is judged at once, on a path that almost matches
// it and on one that matches. The limit is only a backstop; each check
// takes a fraction of a second.
TEST(CheckCli, HostilePatternsOnAHostilePathAreJudgedAtOnce) {
  TempDir d;
  std::string spec = hostile_spec(d);
  auto almost = run_cli({"check", spec, "--", syscaller(), "open", kRunOfA + "!", "r"}, 20s);
  EXPECT_FALSE(almost.timed_out) << "the check did not end";
  EXPECT_EQ(almost.code, 0) << describe(almost);

  auto starry = run_cli({"check", spec, "--", syscaller(), "open", kRunOfA + "b", "r"}, 20s);
  EXPECT_FALSE(starry.timed_out) << "the check did not end";
  EXPECT_EQ(starry.code, 1) << describe(starry);
  EXPECT_TRUE(contains(starry.err, "FAIL starry")) << describe(starry);
  EXPECT_FALSE(contains(starry.err, "FAIL nested")) << describe(starry);

  auto nested = run_cli({"check", spec, "--", syscaller(), "open", kRunOfA, "r"}, 20s);
  EXPECT_FALSE(nested.timed_out) << "the check did not end";
  EXPECT_EQ(nested.code, 1) << describe(nested);
  EXPECT_TRUE(contains(nested.err, "FAIL nested")) << describe(nested);
  EXPECT_FALSE(contains(nested.err, "FAIL starry")) << describe(nested);
}

// While check judges call after call with those rules, SIGTERM still stops
// it at once: no judgement takes long. The target opens the path again and
// again, and says so after each open, once the call has been judged.
TEST(CheckCli, SigtermStopsACheckBusyJudgingHostileCalls) {
  TempDir d;
  std::vector<std::string> argv = {cli(), "check", hostile_spec(d), "--", "/bin/sh", "-c",
                                   "while :; do \"$0\" open \"$1\" r echo judged; done", syscaller(),
                                   kRunOfA + "!"};
  SpawnOptions so;
  so.stdout_pipe = true;
  Child c(argv, so);
  ASSERT_EQ(c.read_line(20s), std::optional<std::string>("judged")) << "no call was judged";
  ASSERT_EQ(::kill(c.pid(), SIGTERM), 0);
  auto r = c.wait(20s);
  EXPECT_FALSE(r.timed_out) << "syspect did not stop";
  EXPECT_EQ(r.status(), 128 + SIGTERM) << describe(r);
}
