// strace's timing options through the real `syspect` CLI, compared with
// strace 6.1 itself on the same program; the times in JSON Lines, read back;
// and `duration` in expectation files. Nothing here depends on how fast
// anything runs: times are compared by their shape, digits masked.

#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

#include "helpers.hpp"
#include "syspect/trace_file.hpp"

namespace syspect_it {
namespace {

// Every digit as 'D': the shape of a line, its widths and spaces kept.
std::string masked(std::string line) {
  for (char& c : line)
    if (c >= '0' && c <= '9') c = 'D';
  return line;
}

// The lines from the first that contains `from` to the end, masked.
std::vector<std::string> tail_from(const std::string& text, std::string_view from) {
  std::vector<std::string> out;
  bool on = false;
  for (const auto& l : lines_of(text)) {
    if (l.empty()) continue;
    on = on || contains(l, from);
    if (on) out.push_back(masked(l));
  }
  return out;
}

std::string joined_lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& l : v) s += l + "\n";
  return s;
}

// The first line with `needle`, masked, cut just after `needle`'s start.
std::string head_of(const std::string& text, std::string_view needle) {
  for (const auto& l : lines_of(text))
    if (auto at = l.find(needle); at != std::string::npos) return masked(l.substr(0, at + needle.size()));
  return "(no line with " + std::string(needle) + ")";
}

struct Outputs {
  std::string strace, syspect;
};

// strace -f -o FILE OPTIONS and syspect trace -o FILE OPTIONS on the same
// program: both name each line's pid as "PID  ".
Outputs both(const std::vector<std::string>& options, const std::vector<std::string>& command) {
  TempDir dir;
  std::vector<std::string> s = {"strace", "-f", "-o", dir.file("strace.txt")};
  s.insert(s.end(), options.begin(), options.end());
  s.push_back("--");
  s.insert(s.end(), command.begin(), command.end());
  ProcResult sr = run(s);
  EXPECT_EQ(sr.status(), 0) << describe(sr);
  std::vector<std::string> y = {"trace", "-o", dir.file("syspect.txt")};
  y.insert(y.end(), options.begin(), options.end());
  y.push_back("--");
  y.insert(y.end(), command.begin(), command.end());
  ProcResult yr = run_cli(y);
  EXPECT_EQ(yr.status(), 0) << describe(yr);
  return {read_file(dir.file("strace.txt")), read_file(dir.file("syspect.txt"))};
}

class TimingOptions : public ::testing::TestWithParam<std::vector<std::string>> {};

// The program raises SIGUSR1, handles it, writes and exits: the lines from
// the signal on (a signal line, calls, an exit_group with no result, the
// exit line) are the same as strace's once digits are masked: where each
// timestamp goes, its width and digits, the " <0.000012>" after a call, the
// column of " = ". The execve line shows the first timestamp.
TEST_P(TimingOptions, SameShapeAsStrace) {
  Outputs o = both(GetParam(), {target("signal_handler")});
  auto theirs = tail_from(o.strace, "--- SIGUSR1");
  auto ours = tail_from(o.syspect, "--- SIGUSR1");
  ASSERT_GE(theirs.size(), 4u) << o.strace;
  EXPECT_EQ(joined_lines(ours), joined_lines(theirs)) << "strace:\n" << o.strace << "\nsyspect:\n" << o.syspect;
  EXPECT_EQ(head_of(o.syspect, "execve("), head_of(o.strace, "execve("));
}

INSTANTIATE_TEST_SUITE_P(
    Cli, TimingOptions,
    ::testing::Values(std::vector<std::string>{"-t"}, std::vector<std::string>{"-tt"},
                      std::vector<std::string>{"-ttt"}, std::vector<std::string>{"-r"},
                      std::vector<std::string>{"-T"}, std::vector<std::string>{"-tt", "-T"},
                      std::vector<std::string>{"-r", "-T"}, std::vector<std::string>{"-t", "-r"},
                      std::vector<std::string>{"--absolute-timestamps"},
                      std::vector<std::string>{"--absolute-timestamps=unix,ns"},
                      std::vector<std::string>{"--absolute-timestamps=format:time,precision:ms"},
                      std::vector<std::string>{"--absolute-timestamps=precision:ns",
                                               "--absolute-timestamps=format:unix"},
                      std::vector<std::string>{"--relative-timestamps=ns"},
                      std::vector<std::string>{"--syscall-times"},
                      std::vector<std::string>{"--syscall-times=ms"},
                      std::vector<std::string>{"--syscall-times=s"}));

// A bad precision is refused, as strace refuses it.
TEST(Timing, BadPrecisionIsAUsageError) {
  for (const char* bad : {"--syscall-times=xs", "--relative-timestamps=0", "--absolute-timestamps=unixx"}) {
    ProcResult r = run_cli({"trace", bad, "--", "/bin/true"});
    EXPECT_EQ(r.status(), 2) << bad << ": " << describe(r);
    EXPECT_TRUE(contains(r.err, "invalid --")) << r.err;
  }
}

// JSON Lines carry each call's entry time and duration, and each signal's and
// exit's time; read back, the events have them again.
TEST(Timing, JsonLinesRoundTrip) {
  TempDir dir;
  std::string path = dir.file("t.jsonl");
  ProcResult r = run_cli({"record", "-o", path, "--", target("signal_handler")});
  ASSERT_EQ(r.status(), 0) << describe(r);
  JsonTrace j = read_jsonl(path);
  std::vector<std::int64_t> times, durations;
  for (const auto& e : j.events) {
    std::string type = e.value("type", "");
    if (type == "exec") continue;
    ASSERT_TRUE(e.contains("time_ns")) << e.dump();
    times.push_back(e["time_ns"].get<std::int64_t>());
    EXPECT_GT(times.back(), 1'600'000'000'000'000'000) << e.dump();  // after 2020
    bool returns = type == "syscall" && !e["result"].is_null();
    EXPECT_EQ(e.contains("duration_ns"), returns) << e.dump();
    durations.push_back(e.value("duration_ns", std::int64_t{-1}));
    if (returns) {
      EXPECT_GE(durations.back(), 0) << e.dump();
    }
  }
  ASSERT_GT(times.size(), 5u);
  auto loaded = syspect::load_trace(path);
  ASSERT_TRUE(loaded) << loaded.error().format();
  std::vector<std::int64_t> times_back, durations_back;
  for (std::size_t i = 0; i < loaded->trace.events().size(); ++i) {
    syspect::Event ev = loaded->trace.events()[i];
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, syspect::SyscallEvent>) {
            times_back.push_back(e.time_ns);
            durations_back.push_back(e.duration_ns);
          } else if constexpr (!std::is_same_v<T, syspect::ExecEvent>) {
            times_back.push_back(e.time_ns);
            durations_back.push_back(-1);
          }
        },
        ev);
  }
  EXPECT_EQ(times_back, times);
  EXPECT_EQ(durations_back, durations);
}

// duration = "..." in a rule: a forbid of calls over an hour never fires, one
// of calls under an hour does, live and on a recorded trace; a bad duration
// is an error at its file:line:column.
TEST(Timing, DurationInRules) {
  TempDir dir;
  write_file(dir.file("long.toml"),
             "version = 1\n\n[[forbid]]\nsyscall = \"write\"\nduration = \"> 1h\"\n");
  write_file(dir.file("short.toml"),
             "version = 1\n\n[[forbid]]\nsyscall = \"write\"\nduration = \"< 1h\"\n");
  write_file(dir.file("range.toml"),
             "version = 1\n\n[[expect]]\nsyscall = \"write\"\ncount = 2\nduration = \"0ns..1h\"\n");
  write_file(dir.file("typo.toml"),
             "version = 1\n\n[[expect]]\nsyscall = \"write\"\nduration = \"< 10mss\"\n");
  std::string trace = dir.file("t.jsonl");
  ASSERT_EQ(run_cli({"record", "-o", trace, "--", target("signal_handler")}).status(), 0);
  for (bool live : {true, false}) {
    auto check = [&](const std::string& spec) {
      std::vector<std::string> args = {"check", dir.file(spec)};
      if (live) {
        args.insert(args.end(), {"--", target("signal_handler")});
      } else {
        args.insert(args.end(), {"--trace", trace});
      }
      return run_cli(args);
    };
    ProcResult never = check("long.toml");
    EXPECT_EQ(never.status(), 0) << describe(never);
    ProcResult fires = check("short.toml");
    EXPECT_EQ(fires.status(), 1) << describe(fires);
    EXPECT_TRUE(contains(fires.err + fires.out, "write(")) << describe(fires);
    ProcResult range = check("range.toml");
    EXPECT_EQ(range.status(), 0) << describe(range);
  }
  ProcResult typo = run_cli({"check", dir.file("typo.toml"), "--", "/bin/true"});
  EXPECT_EQ(typo.status(), 2) << describe(typo);
  EXPECT_TRUE(contains(typo.err, "typo.toml:5:12: error: bad duration \"10mss\"")) << typo.err;
  EXPECT_TRUE(contains(typo.err, "unknown unit 'mss'")) << typo.err;
  write_file(dir.file("key.toml"),
             "version = 1\n\n[[forbid]]\nsyscall = \"write\"\ndurationn = \"< 1s\"\n");
  ProcResult key = run_cli({"check", dir.file("key.toml"), "--", "/bin/true"});
  EXPECT_EQ(key.status(), 2) << describe(key);
  EXPECT_TRUE(contains(key.err, "key.toml:5:1: error: unknown key 'durationn'")) << key.err;
  EXPECT_TRUE(contains(key.err, "did you mean 'duration'")) << key.err;
}

}  // namespace
}  // namespace syspect_it

namespace syspect_it {
namespace {

// The table of -c: its header and rules as they are; each row's columns at
// strace's widths, as (name, calls, errors) in order.
std::string_view trim_blanks_of(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

struct Table {
  std::vector<std::string> frame;  // header, rules
  std::vector<std::string> rows;   // "name calls errors"
  std::vector<std::string> bad;    // lines of the table in no known shape
  std::size_t first_line = 0;      // where the header is
};

Table table_of(const std::string& text) {
  static const std::regex row(R"(^[ \d.]{6} [ \d.]{11} [ \d]{11} [ \d]{9} [ \d]{9} (\S+)$)");
  Table t;
  auto lines = lines_of(text);
  bool in = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.starts_with("% time")) {
      in = true;
      t.first_line = i;
    }
    if (!in || l.empty()) continue;
    if (l.starts_with("% time") || l.starts_with("------")) {
      t.frame.push_back(l);
      continue;
    }
    std::smatch m;
    if (!std::regex_match(l, m, row)) {
      t.bad.push_back(l);
      continue;
    }
    std::istringstream fields(l);
    std::string percent, seconds, avg, calls, errors;
    fields >> percent >> seconds >> avg >> calls;
    errors = l.substr(40, 9);
    t.rows.push_back(m[1].str() + " " + calls + " " + std::string(trim_blanks_of(errors)));
  }
  return t;
}

// As strace -c -S name and -C -S name on the same program: the same table
// frame, the same rows (name, calls, errors) in the same order, at the same
// widths; -C after the trace, whose lines are as without it.
TEST(Timing, SummaryTableAsStrace) {
  for (const char* mode : {"-c", "-C"}) {
    Outputs o = both({mode, "-S", "name"}, {target("signal_handler")});
    Table theirs = table_of(o.strace), ours = table_of(o.syspect);
    ASSERT_EQ(theirs.frame.size(), 3u) << o.strace;
    EXPECT_EQ(ours.frame, theirs.frame) << o.syspect;
    EXPECT_TRUE(ours.bad.empty()) << o.syspect;
    EXPECT_TRUE(theirs.bad.empty()) << o.strace;
    EXPECT_EQ(joined_lines(ours.rows), joined_lines(theirs.rows)) << "strace:\n" << o.strace << "\nsyspect:\n" << o.syspect;
    EXPECT_EQ(ours.first_line, theirs.first_line) << mode << "\nstrace:\n" << o.strace << "\nsyspect:\n" << o.syspect;
  }
  // -S calls: most calls first; -w is taken; a bad key is refused as strace refuses it.
  Outputs o = both({"-c", "-w", "-S", "calls"}, {target("signal_handler")});
  Table ours = table_of(o.syspect);
  std::vector<int> calls;
  for (const auto& r : ours.rows) calls.push_back(std::stoi(r.substr(r.find(' ') + 1)));
  ASSERT_GT(calls.size(), 3u) << o.syspect;
  EXPECT_TRUE(std::is_sorted(calls.begin(), calls.end() - 1, std::greater<>())) << o.syspect;
  ProcResult bad = run_cli({"trace", "-c", "-S", "bogus", "--", "/bin/true"});
  EXPECT_EQ(bad.status(), 2) << describe(bad);
  EXPECT_TRUE(contains(bad.err, "invalid sortby: 'bogus'")) << bad.err;
}

}  // namespace
}  // namespace syspect_it
