// CPU placement must not show: whatever CPUs the tracer and the tree share
// to make stops cheap, a traced program learns through its syscalls the
// CPUs it would have untraced (its own, or those the user gave syspect with
// taskset), in every mode of every command; and the placement still happens
// (/proc/PID/status, which a tracer cannot rewrite, shows it).

#include <sched.h>

#include "helpers.hpp"

namespace {

using namespace syspect_it;

std::string cpu_list(const cpu_set_t& set) {
  std::string out;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &set)) continue;
    if (!out.empty()) out += ' ';
    out += std::to_string(cpu);
  }
  return out;
}

cpu_set_t own_mask() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) throw std::runtime_error("sched_getaffinity");
  return set;
}

int last_cpu(const cpu_set_t& set) {
  int last = -1;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) last = cpu;
  return last;
}

// What tests/targets/affinity prints untraced, but for its "held" lines.
std::map<std::string, std::string> expected_views(const cpu_set_t& mask) {
  cpu_set_t first64;
  CPU_ZERO(&first64);
  for (int cpu = 0; cpu < 64; ++cpu)
    if (CPU_ISSET(cpu, &mask)) CPU_SET(cpu, &first64);
  std::string all = cpu_list(mask);
  std::string last = std::to_string(last_cpu(mask));
  return {{"main", all},       {"thread", all},     {"child", all},
          {"grandchild", all}, {"set " + last, last}, {"set-thread", last},
          {"reset", all},      {"raw", cpu_list(first64)}};
}

// "main 0 1" -> {"main": "0 1"}; the first word is the view, except for
// "set C", whose name is two words.
std::map<std::string, std::string> views_of(const std::string& out) {
  std::map<std::string, std::string> views;
  for (const std::string& line : lines_of(out)) {
    std::size_t sep = line.rfind(' ', line.find_first_of("0123456789") - 1);
    if (line.starts_with("set ")) sep = line.find(' ', 4);
    if (sep == std::string::npos) {
      views[line] = "";
      continue;
    }
    views[line.substr(0, sep)] = line.substr(sep + 1);
  }
  return views;
}

// How many CPUs a Cpus_allowed_list such as "0-1" or "3" names.
int cpus_in_list(const std::string& list) {
  int n = 0;
  std::stringstream ss(list);
  std::string part;
  while (std::getline(ss, part, ',')) {
    auto dash = part.find('-');
    n += dash == std::string::npos ? 1 : std::stoi(part.substr(dash + 1)) - std::stoi(part) + 1;
  }
  return n;
}

struct Mode {
  std::string name;
  std::vector<std::string> args;  // before `--`; "SPEC" and "OUT" are filled in
  bool pinned_at_start;           // the tree starts on one CPU
  bool pinned_at_end;             // ...or has been moved onto one by the end
};

std::vector<Mode> modes() {
  return {
      {"trace (full)", {"trace", "-o", "OUT"}, true, true},
      {"trace --no-seccomp", {"trace", "-o", "OUT", "--no-seccomp"}, true, true},
      {"trace --format jsonl", {"trace", "-o", "OUT", "--format", "jsonl"}, true, true},
      {"trace -e trace=getppid (filtered; moved after many stops)",
       {"trace", "-o", "OUT", "-e", "trace=getppid"}, false, true},
      {"trace -e trace=openat (filtered; few stops)", {"trace", "-o", "OUT", "-e", "trace=openat"},
       false, false},
      {"trace --cpu=same -e trace=openat", {"trace", "-o", "OUT", "--cpu=same", "-e", "trace=openat"},
       true, true},
      {"trace --cpu=none", {"trace", "-o", "OUT", "--cpu=none"}, false, false},
      {"trace --no-follow", {"trace", "-o", "OUT", "--no-follow"}, true, true},
      {"record", {"record", "-o", "OUT"}, true, true},
      {"check (a rule on getppid: filtered)", {"check", "SPEC"}, false, true},
  };
}

TEST(Placement, EveryModeShowsTheProgramItsOwnCpus) {
  cpu_set_t mask = own_mask();
  auto expected = expected_views(mask);
  for (const Mode& mode : modes()) {
    SCOPED_TRACE(mode.name);
    TempDir dir;
    std::string spec = dir.file("spec.toml");
    write_file(spec, "version = 1\n[[expect]]\nsyscall = \"getppid\"\ncount = \">= 300\"\n");
    std::vector<std::string> args;
    for (const std::string& a : mode.args)
      args.push_back(a == "OUT" ? dir.file("out") : a == "SPEC" ? spec : a);
    args.push_back("--");
    args.push_back(target("affinity"));
    args.push_back("300");  // stops enough for the filtered auto placement to move the tree
    ProcResult r = run_cli(args);
    ASSERT_EQ(r.status(), 0) << describe(r);
    auto views = views_of(r.out);
    for (const auto& [view, cpus] : expected)
      EXPECT_EQ(views[view], cpus) << "view: " << view << "\n" << r.out;
    // The placement is still made where it should be (its speed is the
    // point): /proc shows where the threads really run.
    if (CPU_COUNT(&mask) >= 2) {
      EXPECT_EQ(cpus_in_list(views["held-before"]) == 1, mode.pinned_at_start) << r.out;
      EXPECT_EQ(cpus_in_list(views["held"]) == 1, mode.pinned_at_end) << r.out;
    }
  }
}

TEST(Placement, TraceShowsTheMaskTheProgramGot) {
  cpu_set_t mask = own_mask();
  CliTrace t = cli_trace({"-e", "trace=sched_getaffinity"}, {"nproc"}, /*jsonl=*/false);
  ASSERT_EQ(t.proc.status(), 0) << describe(t.proc);
  EXPECT_EQ(t.proc.out, std::to_string(CPU_COUNT(&mask)) + "\n");
  EXPECT_TRUE(contains(t.output, "[" + cpu_list(mask) + "]")) << t.output;
}

TEST(Placement, NprocAndPythonCountWhatTheyCountUntraced) {
  ProcResult plain = run({"nproc"});
  ASSERT_EQ(plain.status(), 0);
  EXPECT_EQ(run_cli({"trace", "-o", "/dev/null", "--", "nproc"}).out, plain.out);
  ProcResult py = run({"python3", "-c", "import os; print(len(os.sched_getaffinity(0)))"});
  ASSERT_EQ(py.status(), 0) << describe(py);
  EXPECT_EQ(run_cli({"trace", "-o", "/dev/null", "--", "python3", "-c",
                     "import os; print(len(os.sched_getaffinity(0)))"})
                .out,
            py.out);
}

// A restriction the user made for syspect holds for the program too.
TEST(Placement, TasksetRestrictionReachesTheProgram) {
  cpu_set_t mask = own_mask();
  std::string cpu = std::to_string(last_cpu(mask));
  ProcResult r = run({"taskset", "-c", cpu, cli(), "trace", "-o", "/dev/null", "--", target("affinity")});
  ASSERT_EQ(r.status(), 0) << describe(r);
  auto views = views_of(r.out);
  EXPECT_EQ(views["main"], cpu) << r.out;
  EXPECT_EQ(views["child"], cpu) << r.out;
  EXPECT_EQ(views["reset"], cpu) << r.out;
  ProcResult n = run({"taskset", "-c", cpu, cli(), "trace", "-o", "/dev/null", "--", "nproc"});
  EXPECT_EQ(n.out, "1\n") << describe(n);
}

}  // namespace
