// The differential test: the same command traced by the installed strace
// (6.1) and by syspect, both with address-space randomisation off
// (`setarch x86_64 -R`), must show, thread by thread, the same sequence of
// (syscall name, return value) and the same ends.
//
// strace's -f text output is parsed (its "<unfinished ...>" / "<... resumed>"
// halves merged); syspect's is read from --format jsonl. Thread ids are
// numbered in order of creation (the root first, then in the order the
// creating clone/fork/vfork returned), and return values that are pids are
// mapped through the same numbering. Signal lines ("---") are not compared:
// where a signal lands between two calls depends on timing.
//
// Not compared, or compared loosely, because they differ from one run to
// the next even under the same tracer:
//   - futex: whether a thread sleeps on a lock depends on scheduling;
//   - rt_sigreturn: a handler of an asynchronous signal (the shell's
//     SIGCHLD) runs wherever the signal lands, and its "return value" is
//     whatever register it restores;
//   - the pid wait4 returns when it waits for any child (-1): which child
//     ends first is a race, so any traced pid counts as the same;
//   - for a command that handles asynchronous signals (the shell), calls
//     that such a signal interrupted (ERESTART* results) and that then run
//     again.
// Everything else, including mmap/brk addresses (equal with ASLR off), is
// compared exactly.

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <regex>

#include "helpers.hpp"

namespace syspect_it {
namespace {

struct Record {
  pid_t tid = 0;
  bool is_exit = false;
  std::string name;  // syscall name, or the exit text ("exited with 0")
  bool has_ret = false;
  std::int64_t ret = 0;
  std::string err;  // errno name when the call failed
};

struct Parsed {
  std::vector<Record> records;           // in order of each call's start
  std::vector<pid_t> created;            // children, in the order their creation returned
  int exit_status = -1;
};

bool creates_task(const std::string& name) {
  return name == "clone" || name == "clone3" || name == "fork" || name == "vfork";
}

// ---- strace's text -------------------------------------------------------

// From just after an opening parenthesis at `depth`, the text after the
// matching closing one, or nothing when the line ends first.
std::optional<std::string_view> after_args(std::string_view s, int depth) {
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
      continue;
    }
    switch (c) {
      case '"': quoted = true; break;
      case '(': case '[': case '{': ++depth; break;
      case ')': case ']': case '}':
        if (--depth == 0) return s.substr(i + 1);
        break;
      default: break;
    }
  }
  return std::nullopt;
}

// " = 3", " = -1 ENOENT (...)", " = ? ERESTARTSYS (...)", " = 0x7ffff7fc1000"
void parse_return(std::string_view rest, Record& r) {
  std::size_t eq = rest.find("= ");
  if (eq == std::string_view::npos) return;
  std::istringstream in{std::string(rest.substr(eq + 2))};
  std::string value, err;
  in >> value >> err;
  if (!err.empty() && err[0] != 'E') err.clear();
  r.err = err;
  if (value == "?") return;
  errno = 0;
  char* end = nullptr;
  if (value.rfind("0x", 0) == 0) {
    r.ret = static_cast<std::int64_t>(std::strtoull(value.c_str(), &end, 16));
  } else {
    r.ret = std::strtoll(value.c_str(), &end, 10);
  }
  r.has_ret = end && *end == '\0' && errno == 0;
}

Parsed parse_strace(const std::string& text) {
  Parsed p;
  std::map<pid_t, std::size_t> pending;  // tid -> index of its unfinished call
  static const std::regex line_re(R"(^(\d+) +(.*)$)");
  static const std::regex resumed_re(R"(^<\.\.\. ([a-z0-9_]+) resumed>(.*)$)");
  static const std::regex call_re(R"(^([a-z0-9_?]+)\((.*)$)");
  for (const auto& line : lines_of(text)) {
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) continue;
    pid_t tid = static_cast<pid_t>(std::stol(m[1]));
    std::string body = m[2];
    if (body.rfind("+++ ", 0) == 0) {
      Record r;
      r.tid = tid;
      r.is_exit = true;
      r.name = body.substr(4, body.size() >= 8 ? body.size() - 8 : 0);
      p.records.push_back(r);
      continue;
    }
    if (body.rfind("---", 0) == 0 || body.rfind("[", 0) == 0) continue;
    std::smatch c;
    if (std::regex_match(body, c, resumed_re)) {
      auto it = pending.find(tid);
      if (it == pending.end()) {
        ADD_FAILURE() << "strace: resumed without a start: " << line;
        continue;
      }
      Record& r = p.records[it->second];
      pending.erase(it);
      std::string rest = c[2];
      if (rest.rfind(" <unfinished ...>", 0) == 0) continue;  // died inside it
      auto tail = after_args(rest, 1);
      if (tail) parse_return(*tail, r);
      if (creates_task(r.name) && r.has_ret && r.ret > 0) p.created.push_back(static_cast<pid_t>(r.ret));
      continue;
    }
    if (!std::regex_match(body, c, call_re)) {
      ADD_FAILURE() << "strace: unparsed line: " << line;
      continue;
    }
    Record r;
    r.tid = tid;
    r.name = c[1];
    std::string rest = c[2];
    const std::string unfinished = "<unfinished ...>";
    if (rest.size() >= unfinished.size() &&
        rest.compare(rest.size() - unfinished.size(), unfinished.size(), unfinished) == 0) {
      pending[tid] = p.records.size();
      p.records.push_back(r);
      continue;
    }
    auto tail = after_args(rest, 1);
    if (!tail) {
      ADD_FAILURE() << "strace: no end of arguments: " << line;
      continue;
    }
    parse_return(*tail, r);
    if (creates_task(r.name) && r.has_ret && r.ret > 0) p.created.push_back(static_cast<pid_t>(r.ret));
    p.records.push_back(r);
  }
  return p;
}

// ---- syspect's JSON Lines -------------------------------------------------

Parsed parse_syspect(const JsonTrace& t) {
  Parsed p;
  for (const auto& e : t.events) {
    std::string type = e.value("type", "");
    Record r;
    r.tid = e.value("tid", 0);
    if (type == "exit") {
      r.is_exit = true;
      std::string text = e.value("text", "");
      r.name = text.size() >= 8 ? text.substr(4, text.size() - 8) : text;
      p.records.push_back(r);
      continue;
    }
    if (type != "syscall") continue;
    r.name = e.value("name", "");
    if (e.contains("errno") && e["errno"].is_string()) r.err = e["errno"];
    if (e.contains("result") && e["result"].is_number()) {
      r.has_ret = true;
      r.ret = e["result"].is_number_unsigned()
                  ? static_cast<std::int64_t>(e["result"].get<std::uint64_t>())
                  : e["result"].get<std::int64_t>();
    }
    if (creates_task(r.name) && r.has_ret && r.ret > 0) p.created.push_back(static_cast<pid_t>(r.ret));
    p.records.push_back(r);
  }
  if (t.end.is_object()) p.exit_status = t.end.value("status", -1);
  return p;
}

// ---- normalising and comparing --------------------------------------------

using Sequences = std::map<int, std::vector<std::string>>;  // task number -> items

bool returns_pid(const std::string& name) {
  static const std::set<std::string> names = {
      "clone", "clone3", "fork", "vfork", "getpid", "gettid", "getppid", "set_tid_address",
      "getpgid", "getpgrp", "getsid", "setsid", "wait4", "waitid"};
  return names.count(name) != 0;
}

bool is_restart_code(const std::string& err) { return err.rfind("ERESTART", 0) == 0; }

Sequences normalise(const Parsed& p, bool drop_restarts) {
  std::map<pid_t, int> ids;
  if (!p.records.empty()) ids[p.records.front().tid] = 0;
  for (pid_t c : p.created) ids.emplace(c, static_cast<int>(ids.size()));
  for (const auto& r : p.records) ids.emplace(r.tid, static_cast<int>(ids.size()));

  Sequences out;
  for (const auto& r : p.records) {
    if (r.name == "futex" || r.name == "rt_sigreturn") continue;
    if (drop_restarts && is_restart_code(r.err)) continue;
    std::string item;
    if (r.is_exit) {
      item = "+++ " + r.name;
    } else {
      item = r.name + " = ";
      if (!r.err.empty()) {
        item += r.err;
      } else if (!r.has_ret) {
        item += "?";
      } else if (returns_pid(r.name) && r.ret > 0) {
        auto it = ids.find(static_cast<pid_t>(r.ret));
        if (it == ids.end()) item += "<outside pid>";
        else if (r.name == "wait4" || r.name == "waitid") item += "<traced pid>";
        else item += "<task " + std::to_string(it->second) + ">";
      } else if (r.ret > 0xffff || r.ret < -0xffff) {
        std::ostringstream os;
        os << "0x" << std::hex << static_cast<std::uint64_t>(r.ret);
        item += os.str();
      } else {
        item += std::to_string(r.ret);
      }
    }
    out[ids[r.tid]].push_back(item);
  }
  return out;
}

std::string side_by_side(const std::vector<std::string>& a, const std::vector<std::string>& b,
                         std::size_t first_diff) {
  std::ostringstream os;
  std::size_t from = first_diff > 15 ? first_diff - 15 : 0;
  std::size_t to = std::min(std::max(a.size(), b.size()), first_diff + 25);
  os << std::left << "      " << std::setw(48) << "strace" << "  syspect\n";
  for (std::size_t i = from; i < to; ++i) {
    std::string l = i < a.size() ? a[i] : "";
    std::string r = i < b.size() ? b[i] : "";
    os << (l == r ? "  " : "=>") << std::right << std::setw(4) << i << std::left << " "
       << std::setw(48) << l.substr(0, 48) << "  " << r << "\n";
  }
  os << "(" << a.size() << " items from strace, " << b.size() << " from syspect)\n";
  return os.str();
}

// A command's output with the pids the targets print (8 digits) blanked and
// the lines sorted: threads print in any order.
std::string comparable_output(const std::string& out) {
  static const std::regex pid(R"(\b\d{8}\b)");
  auto lines = lines_of(std::regex_replace(out, pid, "PID"));
  std::sort(lines.begin(), lines.end());
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

struct Case {
  std::string label;
  std::vector<std::string> command;
  bool root_only = false;  // compare only the first process (others poll /proc)
  // The command handles asynchronous signals (the shell's SIGCHLD): a call
  // they happen to interrupt ends with a restart code and runs again, so
  // those interrupted halves are left out.
  bool async_signals = false;
};

void differential(const Case& c) {
  TempDir dir;
  std::string strace_out = dir.file("strace.txt");
  std::string syspect_out = dir.file("syspect.jsonl");
  std::vector<std::string> s_argv = {"setarch", "x86_64", "-R", "strace", "-f", "-o", strace_out, "--"};
  s_argv.insert(s_argv.end(), c.command.begin(), c.command.end());
  std::vector<std::string> y_argv = {"setarch", "x86_64", "-R", cli(), "trace", "--format", "jsonl",
                                     "-o", syspect_out, "--"};
  y_argv.insert(y_argv.end(), c.command.begin(), c.command.end());

  auto s_run = run(s_argv, 60s);
  ASSERT_FALSE(s_run.timed_out) << describe(s_run);
  auto y_run = run(y_argv, 60s);
  ASSERT_FALSE(y_run.timed_out) << describe(y_run);
  EXPECT_EQ(y_run.status(), s_run.status()) << "exit status\nstrace: " << describe(s_run)
                                            << "\nsyspect: " << describe(y_run);
  EXPECT_EQ(comparable_output(y_run.out), comparable_output(s_run.out))
      << "the command's own output";

  Parsed s = parse_strace(read_file(strace_out));
  Parsed y = parse_syspect(read_jsonl(syspect_out));
  ASSERT_FALSE(s.records.empty()) << "strace wrote nothing: " << s_run.err;
  ASSERT_FALSE(y.records.empty()) << "syspect wrote nothing: " << y_run.err;
  EXPECT_EQ(y.exit_status, y_run.status());

  Sequences ss = normalise(s, c.async_signals);
  Sequences ys = normalise(y, c.async_signals);
  if (c.root_only) {
    ss = Sequences{{0, ss[0]}};
    ys = Sequences{{0, ys[0]}};
  }
  auto items = [](const Sequences& q) {
    std::size_t n = 0;
    for (const auto& [k, v] : q) n += v.size();
    return n;
  };
  std::cout << "[   diff   ] " << c.label << ": strace " << items(ss) << " items in " << ss.size()
            << " tasks, syspect " << items(ys) << " items in " << ys.size() << " tasks\n";

  std::set<int> ids;
  for (const auto& [k, v] : ss) ids.insert(k);
  for (const auto& [k, v] : ys) ids.insert(k);
  int reported = 0;
  for (int id : ids) {
    const auto& a = ss[id];
    const auto& b = ys[id];
    if (a == b) continue;
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    if (reported++ == 0) {
      ADD_FAILURE() << c.label << ": task " << id << " differs at item " << i << "\n"
                    << side_by_side(a, b, i);
    } else {
      ADD_FAILURE() << c.label << ": task " << id << " differs too, at item " << i << ": strace '"
                    << (i < a.size() ? a[i] : "(end)") << "', syspect '"
                    << (i < b.size() ? b[i] : "(end)") << "'";
    }
  }
}

TEST(Differential, Threads) { differential({"threads", {target("threads")}}); }

TEST(Differential, ForkExec) {
  differential({"fork_exec fork", {target("fork_exec"), "fork", target("exit_code"), "3"}});
}

TEST(Differential, VforkExec) {
  differential({"fork_exec vfork", {target("fork_exec"), "vfork", target("exit_code"), "0"}});
}

TEST(Differential, StrangePath) { differential({"strange_path", {target("strange_path")}}); }

TEST(Differential, Efault) { differential({"efault", {target("efault")}}); }

TEST(Differential, RestartParent) {
  differential({"restart (parent only)", {target("restart")}, true});
}

TEST(Differential, SigkillParent) {
  differential({"sigkill (parent only)", {target("sigkill")}, true});
}

TEST(Differential, Cat) {
  TempDir dir;
  std::string file = dir.file("hostname");
  write_file(file, "syspect-test-host\n");
  differential({"cat", {"cat", file}});
}

TEST(Differential, LsLong) {
  TempDir dir;
  write_file(dir.file("a.txt"), "a");
  write_file(dir.file("b.txt"), "bb");
  std::filesystem::create_directory(dir.file("sub"));
  differential({"ls -l", {"ls", "-l", dir.path()}});
}

TEST(Differential, ShellPipeline) {
  differential({"sh -c 'echo hi | wc -c'", {"sh", "-c", "echo hi | wc -c"}, false, true});
}

// Programs that size themselves from their CPU set: nproc prints it, sort
// sizes its buffers and threads from it. Under syspect they must learn what
// they learn under strace (which does not move them), whatever CPU the
// tracer placed them on.
TEST(Differential, Nproc) { differential({"nproc", {"nproc"}}); }

TEST(Differential, SortSizesItselfAsUnderStrace) {
  differential({"sh -c 'printf ... | sort | tr a-z A-Z'",
                {"sh", "-c", "printf 'b\\na\\nc\\n' | sort | tr a-z A-Z"}, false, true});
}

}  // namespace
}  // namespace syspect_it
