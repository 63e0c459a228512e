// Unit tests of the expectation file format: golden diagnostics for a corpus
// of broken specs, and the matchers and rules on hand-made events.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "syspect/checker.hpp"
#include "syspect/regex.hpp"
#include "syspect/spec_parser.hpp"
#include "syspect/value_matcher.hpp"

namespace {

using namespace syspect;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Each specs/bad/NAME.toml has its diagnostics in NAME.expected. Set
// SYSPECT_UPDATE_GOLDEN=1 to rewrite them (then review the diff).
TEST(Diagnostics, GoldenCorpus) {
  const bool update = std::getenv("SYSPECT_UPDATE_GOLDEN") != nullptr;
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SYSPECT_BAD_SPECS_DIR)) {
    if (entry.path().extension() != ".toml") continue;
    ++seen;
    std::string name = entry.path().filename().string();
    auto r = parse_spec(slurp(entry.path()), name);
    ASSERT_FALSE(r.has_value()) << name << " parsed without errors";
    std::string got = r.error().format();
    auto golden = entry.path();
    golden.replace_extension(".expected");
    if (update) {
      std::ofstream(golden) << got;
      continue;
    }
    EXPECT_EQ(got, slurp(golden)) << "diagnostics of " << name;
  }
  EXPECT_GE(seen, 15u);
}

TEST(Diagnostics, SeveralProblemsAllReportedInOrder) {
  auto r = parse_spec(slurp(std::filesystem::path(SYSPECT_BAD_SPECS_DIR) / "several.toml"), "several.toml");
  ASSERT_FALSE(r.has_value());
  const auto& d = r.error().diagnostics;
  EXPECT_GE(d.size(), 10u);
  for (std::size_t i = 1; i < d.size(); ++i) {
    EXPECT_TRUE(d[i - 1].pos.line < d[i].pos.line ||
                (d[i - 1].pos.line == d[i].pos.line && d[i - 1].pos.column <= d[i].pos.column));
  }
}

TEST(Glob, ComponentsAndDoubleStar) {
  EXPECT_TRUE(glob_match("/etc/*.conf", "/etc/a.conf"));
  EXPECT_FALSE(glob_match("/etc/*.conf", "/etc/x/a.conf"));
  EXPECT_TRUE(glob_match("/home/**", "/home/u/a/b"));
  EXPECT_TRUE(glob_match("/a/**/b", "/a/b"));
  EXPECT_TRUE(glob_match("/a/**/b", "/a/x/y/b"));
  EXPECT_TRUE(glob_match("/tmp/f?.[ch]", "/tmp/f1.c"));
  EXPECT_FALSE(glob_match("/tmp/f?.[!ch]", "/tmp/f1.c"));
  EXPECT_FALSE(glob_match("?", "/"));
  EXPECT_TRUE(glob_match("*/server", "/usr/bin/server") == false);
  EXPECT_TRUE(glob_match("**/server", "/usr/bin/server"));
}

TEST(Glob, EscapesClassesAndWhatTheyNeverTake) {
  EXPECT_TRUE(glob_match("/a\\*b", "/a*b"));
  EXPECT_FALSE(glob_match("/a\\*b", "/axb"));
  EXPECT_TRUE(glob_match("/a\\**", "/a*bc"));
  EXPECT_TRUE(glob_match("a\\", "a\\"));  // a trailing backslash is itself
  EXPECT_TRUE(glob_match("/x[", "/x["));   // unclosed: literal (a spec refuses it)
  EXPECT_TRUE(glob_match("/[]]", "/]"));
  EXPECT_TRUE(glob_match("/[a-c]x", "/bx"));
  EXPECT_FALSE(glob_match("/[!a-c]x", "/bx"));
  EXPECT_TRUE(glob_match("/[^a-c]x", "/dx"));
  EXPECT_FALSE(glob_match("/a[/]b", "/a/b"));  // no class takes '/'
  EXPECT_FALSE(glob_match("/a[!x]b", "/a/b"));
  EXPECT_TRUE(glob_match("/[\x80-\xff]", "/\xe9"));  // ranges are by byte value
  EXPECT_TRUE(glob_match("/\xc3\xa9*", "/\xc3\xa9t\xc3\xa9"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("", "x"));
  EXPECT_TRUE(glob_match("/a/***", "/a/b/c"));
}

// "**/" is no directory at all, or any that ends in '/'.
TEST(Glob, DoubleStarSlashMayBeNothing) {
  EXPECT_TRUE(glob_match("**/x", "x"));
  EXPECT_TRUE(glob_match("**/x", "a/b/x"));
  EXPECT_FALSE(glob_match("**/x", "ax"));
  EXPECT_TRUE(glob_match("/a/**/", "/a/"));
  EXPECT_TRUE(glob_match("/a/**/", "/a/b/c/"));
  EXPECT_FALSE(glob_match("/a/**/", "/a/b"));
  EXPECT_FALSE(glob_match("**/", "?"));
}

// Each byte of the text meets each step of the pattern at most once: a
// glob of many stars against a long path that almost matches is judged at
// once (trying each way to share the path out among the stars would take
// longer than any test runs).
TEST(Glob, ManyStarsOnALongPathTakeTimeLinearInThePath) {
  std::string stars = "/";
  for (int i = 0; i < 40; ++i) stars += "a*";
  const std::string path = "/" + std::string(10000, 'a');
  EXPECT_FALSE(glob_match(stars + "b", path));
  EXPECT_TRUE(glob_match(stars, path));
  EXPECT_FALSE(glob_match(stars + "b", path + "/b"));  // '*' stays in its component
  std::string double_stars;
  for (int i = 0; i < 40; ++i) double_stars += "**a";
  EXPECT_FALSE(glob_match(double_stars + "b", std::string(10000, 'a') + "/a"));
  EXPECT_TRUE(glob_match(double_stars + "b", std::string(10000, 'a') + "/ab"));
}

TEST(Regex, SearchesAnywhereByteByByte) {
  auto conf = Regex::compile("app\\.conf$");
  ASSERT_TRUE(conf) << conf.error();
  EXPECT_TRUE(conf->search("/etc/app.conf"));
  EXPECT_FALSE(conf->search("/etc/app.conf.bak"));
  auto shadow = Regex::compile("^/etc/.*shadow$");
  ASSERT_TRUE(shadow) << shadow.error();
  EXPECT_TRUE(shadow->search("/etc/\xff\xfe/../shadow"));  // '.' takes a byte that is no UTF-8
  EXPECT_FALSE(shadow->search("/etc/\n/shadow"));           // but not a newline
  auto e_acute = Regex::compile("^/caf\xc3\xa9$");
  ASSERT_TRUE(e_acute) << e_acute.error();
  EXPECT_TRUE(e_acute->search("/caf\xc3\xa9"));
}

// (a+)+$ makes a backtracking matcher take time exponential in the length
// of a run of a's that is not at the end; RE2 takes one pass.
TEST(Regex, NestedRepetitionTakesTimeLinearInTheText) {
  auto re = Regex::compile("(a+)+$");
  ASSERT_TRUE(re) << re.error();
  const std::string as(100000, 'a');
  EXPECT_FALSE(re->search(as + "!"));
  EXPECT_TRUE(re->search("!" + as));
}

TEST(Regex, WhatRe2LeavesOutIsRefusedSayingWhy) {
  auto why = [](const char* pattern) {
    auto re = Regex::compile(pattern);
    return re ? std::string("compiled") : re.error();
  };
  const std::string linear = ": regexes are RE2 syntax, matched in time linear in the text";
  EXPECT_EQ(why("(a)\\1"), "backreferences like \\1 are not supported" + linear);
  EXPECT_EQ(why("(?P<n>a)\\k<n>"), "backreferences like \\k<name> are not supported" + linear);
  EXPECT_EQ(why("a(?=b)"), "lookahead (?=...) is not supported" + linear);
  EXPECT_EQ(why("a(?!b)"), "lookahead (?!...) is not supported" + linear);
  EXPECT_EQ(why("(?<=a)b"), "lookbehind (?<=...) is not supported" + linear);
  EXPECT_EQ(why("(?<!a)b"), "lookbehind (?<!...) is not supported" + linear);
  EXPECT_EQ(why("(?<n>a)"), "a named group is written (?P<name>...) in RE2 syntax");
  EXPECT_EQ(why("(?P<n>a)"), "compiled");
  EXPECT_EQ(why("a("), "a '(' opens a group that is never closed with ')' (a literal '(' is \\()");
  EXPECT_EQ(why("a)"), "a ')' closes no group (a literal ')' is \\))");
  EXPECT_EQ(why("[a"), "a '[' opens a class that is never closed with ']' (a literal '[' is \\[)");
  EXPECT_EQ(why("a\\"), "it ends in a lone '\\' (a literal '\\' is \\\\)");
  EXPECT_EQ(why("a{1001}"), "invalid repetition size: {1001} (a count is at most 1000)");
}

// The replacement of `syspect diff --normalize` reads as std::regex_replace
// and ECMAScript read it.
TEST(Regex, ReplacementFormat) {
  auto replace = [](const char* pattern, const char* text, const char* format) {
    auto re = Regex::compile(pattern);
    return re ? re->replace(text, format) : "error: " + re.error();
  };
  EXPECT_EQ(replace("(o+)(x)?", "foo box", "[$1|$2|$&|$$]"), "f[oo||oo|$] b[o|x|ox|$]");
  EXPECT_EQ(replace("b", "abc", "[$`|$']"), "a[a|c]c");
  EXPECT_EQ(replace("b*", "abc", "-"), "-a--c-");
  EXPECT_EQ(replace("x", "x", "$9$x"), "$x");  // no group 9; a '$' before nothing it names is itself
  EXPECT_EQ(replace("/proc/[0-9]+", "/proc/12/fd /proc/345", "/proc/PID"), "/proc/PID/fd /proc/PID");
}

Spec parse_ok(const std::string& text) {
  auto r = parse_spec(text, "t.toml");
  if (!r) ADD_FAILURE() << r.error().format();
  return r ? std::move(r).value() : Spec{};
}

// A hand-made openat call.
SyscallEvent openat_event(const std::string& path, std::uint64_t flags, std::int64_t result) {
  SyscallEvent e;
  e.pid = e.tid = 100;
  e.desc = find_syscall(Abi::x86_64, "openat");
  e.nr = e.desc->nr;
  e.nargs = e.desc->nargs;
  e.args[0].form = ArgValue::Form::Number;
  e.args[0].num = -100;
  e.args[0].raw = static_cast<std::uint64_t>(-100);
  e.args[1].form = ArgValue::Form::String;
  e.args[1].bytes = path;
  e.args[2].form = ArgValue::Form::Number;
  e.args[2].raw = flags;
  e.args[2].num = static_cast<std::int64_t>(flags);
  e.result = result;
  e.err = result < 0 ? static_cast<int>(-result) : 0;
  e.exe = std::make_shared<const std::string>("/usr/bin/tool");
  return e;
}

bool matches(const std::string& args, const SyscallEvent& e) {
  Spec s = parse_ok("version = 1\n[[expect]]\nsyscall = \"openat\"\nargs = " + args + "\n");
  if (s.rules.empty()) return false;
  return match_pattern(s.rules[0].pattern, e, {}, false).matched;
}

TEST(Matchers, StringsAndConstants) {
  auto e = openat_event("/etc/app/app.conf", 02000000, 3);  // O_RDONLY|O_CLOEXEC
  EXPECT_TRUE(matches(R"({ pathname = "/etc/app/app.conf" })", e));
  EXPECT_FALSE(matches(R"({ pathname = "/etc/app" })", e));
  EXPECT_TRUE(matches(R"({ pathname = { glob = "/etc/*/*.conf" } })", e));
  EXPECT_FALSE(matches(R"({ pathname = { glob = "/etc/*.conf" } })", e));
  EXPECT_TRUE(matches(R"({ pathname = { glob = "/etc/**" } })", e));
  EXPECT_TRUE(matches(R"({ pathname = { regex = "app\\.conf$" } })", e));
  EXPECT_FALSE(matches(R"({ pathname = { regex = "^app" } })", e));
  EXPECT_TRUE(matches(R"({ pathname = { prefix = "/etc/" } })", e));
  EXPECT_TRUE(matches(R"({ pathname = { suffix = ".conf" } })", e));
  EXPECT_FALSE(matches(R"({ pathname = { suffix = ".ini" } })", e));
  EXPECT_TRUE(matches(R"({ pathname = { contains = "app/" } })", e));
  EXPECT_TRUE(matches(R"({ pathname = { not = { prefix = "/home" } } })", e));
  EXPECT_FALSE(matches(R"({ pathname = { not = { prefix = "/etc" } } })", e));
  EXPECT_TRUE(matches(R"({ dirfd = "AT_FDCWD" })", e));
  EXPECT_TRUE(matches(R"({ "0" = "AT_FDCWD", "1" = { prefix = "/etc" } })", e));
  EXPECT_FALSE(matches(R"({ dirfd = ">= 0" })", e));
  EXPECT_TRUE(matches(R"({ dirfd = "< 0" })", e));
}

TEST(Matchers, FlagSets) {
  auto e = openat_event("/x", 02000000, 3);
  EXPECT_TRUE(matches(R"({ flags = "O_RDONLY|O_CLOEXEC" })", e));
  EXPECT_FALSE(matches(R"({ flags = "O_RDONLY" })", e));
  EXPECT_TRUE(matches(R"({ flags = { has = ["O_CLOEXEC", "O_RDONLY"] } })", e));
  EXPECT_FALSE(matches(R"({ flags = { has = "O_WRONLY" } })", e));
  EXPECT_TRUE(matches(R"({ flags = { lacks = ["O_CREAT", "O_WRONLY", "O_RDWR"] } })", e));
  EXPECT_FALSE(matches(R"({ flags = { lacks = "O_CLOEXEC" } })", e));
  EXPECT_FALSE(matches(R"({ flags = { lacks = "O_RDONLY" } })", e));
  auto w = openat_event("/x", 01 | 0100, 3);  // O_WRONLY|O_CREAT
  EXPECT_FALSE(matches(R"({ flags = { has = "O_RDONLY" } })", w));
  EXPECT_TRUE(matches(R"({ flags = { has = ["O_WRONLY", "O_CREAT"], lacks = "O_CLOEXEC" } })", w));
}

TEST(Matchers, IntegersAndRanges) {
  Spec s = parse_ok(
      "version = 1\n"
      "[[expect]]\nsyscall = \"openat\"\nresult = \">= 0\"\n"
      "[[expect]]\nsyscall = \"openat\"\nresult = \"3..5\"\n"
      "[[expect]]\nsyscall = \"openat\"\nresult = \"!= 3\"\n"
      "[[expect]]\nsyscall = \"openat\"\nresult = 3\n"
      "[[expect]]\nsyscall = \"openat\"\nerrno = \"ENOENT\"\n"
      "[[expect]]\nsyscall = \"openat\"\nresult = { not = \"< 0\" }\n");
  ASSERT_EQ(s.rules.size(), 6u);
  auto ok = openat_event("/x", 0, 3);
  auto bad = openat_event("/x", 0, -2);
  std::vector<bool> want_ok = {true, true, false, true, false, true};
  std::vector<bool> want_bad = {false, false, true, false, true, false};
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    EXPECT_EQ(match_pattern(s.rules[i].pattern, ok, {}, false).matched, want_ok[i]) << "rule " << i;
    EXPECT_EQ(match_pattern(s.rules[i].pattern, bad, {}, false).matched, want_bad[i]) << "rule " << i;
  }
}

TEST(Matchers, NearMissesSayWhichArgumentDiffered) {
  Spec s = parse_ok(
      "version = 1\n[[expect]]\nsyscall = \"openat\"\n"
      "args = { pathname = \"/etc/app.conf\", flags = { has = \"O_CLOEXEC\" } }\n");
  auto e = openat_event("/etc/app.conf", 0, 3);
  auto m = match_pattern(s.rules[0].pattern, e, {}, true);
  EXPECT_TRUE(m.selected);
  EXPECT_FALSE(m.matched);
  EXPECT_EQ(m.score, 4000u);  // the pathname held: an identifying argument
  ASSERT_EQ(m.mismatches.size(), 1u);
  EXPECT_EQ(m.mismatches[0], "flags was O_RDONLY; wanted: has O_CLOEXEC");
}

// A hand-made connect(3, {AF_INET, 127.0.0.1:8080}, 16) and a newfstatat
// with its stat struct: struct members as the decoder fills them.
SyscallEvent struct_event(const char* name) {
  SyscallEvent e;
  e.pid = e.tid = 100;
  e.desc = find_syscall(Abi::x86_64, name);
  e.nr = e.desc->nr;
  e.nargs = e.desc->nargs;
  for (int i = 0; i < e.nargs; ++i) e.args[i].form = ArgValue::Form::Number;
  ArgValue& s = e.args[std::string(name) == "connect" ? 1 : 2];
  s.form = ArgValue::Form::Struct;
  if (std::string(name) == "connect") {
    s.fields.emplace_back("sa_family", 2);  // AF_INET
    s.fields.emplace_back("sin_port", 8080);
    s.fields.emplace_back("sin_addr", std::string("127.0.0.1"));
  } else {
    s.fields.emplace_back("st_size", 41687);
    s.fields.emplace_back("it_value.tv_sec", 7);  // a nested member, by its dotted name
  }
  return e;
}

bool struct_matches(const char* name, const std::string& args, const SyscallEvent& e) {
  Spec s = parse_ok(std::string("version = 1\n[[expect]]\nsyscall = \"") + name + "\"\nargs = " + args + "\n");
  if (s.rules.empty()) return false;
  return match_pattern(s.rules[0].pattern, e, {}, false).matched;
}

TEST(Matchers, StructMembersByName) {
  auto c = struct_event("connect");
  EXPECT_TRUE(struct_matches("connect", R"({ addr = { sin_port = 8080 } })", c));
  EXPECT_FALSE(struct_matches("connect", R"({ addr = { sin_port = 80 } })", c));
  EXPECT_TRUE(struct_matches("connect", R"({ addr = { sin_port = ">= 1024", sin_addr = "127.0.0.1" } })", c));
  EXPECT_FALSE(struct_matches("connect", R"({ addr = { sin_addr = "10.0.0.1" } })", c));
  EXPECT_TRUE(struct_matches("connect", R"({ addr = { sin_addr = { prefix = "127." } } })", c));
  EXPECT_TRUE(struct_matches("connect", R"({ addr = { sa_family = "AF_INET" } })", c));
  EXPECT_FALSE(struct_matches("connect", R"({ addr = { sa_family = "AF_INET6" } })", c));
  EXPECT_FALSE(struct_matches("connect", R"({ addr = { sin6_port = 8080 } })", c)) << "no such member";
  EXPECT_TRUE(struct_matches("connect", R"({ addr = { not = { sin_port = 80 } } })", c));
  auto st = struct_event("newfstatat");
  EXPECT_TRUE(struct_matches("newfstatat", R"({ statbuf = { st_size = 41687 } })", st));
  EXPECT_TRUE(struct_matches("newfstatat", R"({ statbuf = { st_size = "> 4096" } })", st));
  EXPECT_FALSE(struct_matches("newfstatat", R"({ statbuf = { st_size = "< 4096" } })", st));
  auto ts = struct_event("timer_settime");
  EXPECT_TRUE(struct_matches("timer_settime", R"({ new_value = { it_value = { tv_sec = 7 } } })", ts));
  EXPECT_FALSE(struct_matches("timer_settime", R"({ new_value = { it_value = { tv_sec = 8 } } })", ts));
  // A member the struct's decoder does not fill is an error, not a miss.
  auto nested = parse_spec("version = 1\n[[expect]]\nsyscall = \"newfstatat\"\n"
                           "args = { statbuf = { it_value = { tv_sec = 7 } } }\n", "t.toml");
  ASSERT_FALSE(nested.has_value());
  EXPECT_NE(nested.error().format().find("struct stat has no member 'it_value.tv_sec'"), std::string::npos)
      << nested.error().format();
  // Not decoded (a pointer): no member matches.
  auto raw = struct_event("newfstatat");
  raw.args[2].form = ArgValue::Form::Pointer;
  raw.args[2].fields.clear();
  EXPECT_FALSE(struct_matches("newfstatat", R"({ statbuf = { st_size = 41687 } })", raw));
  // A member of a non-struct argument is an unknown matcher.
  auto bad = parse_spec("version = 1\n[[expect]]\nsyscall = \"connect\"\nargs = { sockfd = { st_size = 1 } }\n", "t.toml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().format().find("t.toml:4:"), std::string::npos) << bad.error().format();
}

// A value cut when read is never judged as if it were whole: the part read
// settles what it can ("contains" found in it, "prefix" decided by it, a
// length that rules out "equals"), and the rest is undecided, also through
// `not` and inside a table of several keys.
TEST(Matchers, ACutValueIsJudgedOnlyAsFarAsItWasRead) {
  auto judge = [](const std::string& spec_args, const ArgValue& v) {
    Spec s = parse_ok("version = 1\n[[expect]]\nsyscall = \"write\"\nargs = { buf = " + spec_args + " }\n");
    SyscallEvent e;
    e.desc = find_syscall(Abi::x86_64, "write");
    e.nr = e.desc->nr;
    e.nargs = e.desc->nargs;
    e.args[1] = v;
    e.args[2].form = ArgValue::Form::Number;
    e.args[2].num = static_cast<std::int64_t>(v.total_len);
    PatternMatch m = match_pattern(s.rules.at(0).pattern, e, {}, true);
    return m.matched ? "yes" : m.undecided ? "undecided" : "no";
  };
  ArgValue cut;
  cut.form = ArgValue::Form::Bytes;
  cut.bytes = "GET /index.html HTTP/1.1";
  cut.total_len = 8192;
  cut.truncated = true;
  EXPECT_STREQ(judge(R"({ contains = "index" })", cut), "yes");
  EXPECT_STREQ(judge(R"({ contains = "SECRET" })", cut), "undecided");
  EXPECT_STREQ(judge(R"({ prefix = "GET /" })", cut), "yes");
  EXPECT_STREQ(judge(R"({ prefix = "POST" })", cut), "no");
  EXPECT_STREQ(judge(R"({ prefix = "GET /index.html HTTP/1.1 and more" })", cut), "undecided");
  EXPECT_STREQ(judge(R"("GET /index.html HTTP/1.1")", cut), "no") << "8192 bytes are not 24";
  EXPECT_STREQ(judge(R"({ suffix = "1.1" })", cut), "undecided");
  EXPECT_STREQ(judge(R"({ regex = "^GET" })", cut), "undecided");
  EXPECT_STREQ(judge(R"({ glob = "GET*" })", cut), "undecided");
  EXPECT_STREQ(judge(R"({ not = { contains = "SECRET" } })", cut), "undecided");
  EXPECT_STREQ(judge(R"({ not = { contains = "index" } })", cut), "no");
  EXPECT_STREQ(judge(R"({ prefix = "GET", contains = "SECRET" })", cut), "undecided");
  EXPECT_STREQ(judge(R"({ prefix = "PUT", contains = "SECRET" })", cut), "no");
  cut.truncated = false;
  cut.total_len = cut.bytes.size();
  EXPECT_STREQ(judge(R"({ contains = "SECRET" })", cut), "no");
  EXPECT_STREQ(judge(R"({ not = { contains = "SECRET" } })", cut), "yes");
}

TEST(Matchers, AnArgvItemCutWhenReadIsUndecided) {
  Spec s = parse_ok(
      "version = 1\n[[forbid]]\nsyscall = \"execve\"\nargs = { argv = { suffix = \".SECRET\" } }\n"
      "[[expect]]\nsyscall = \"execve\"\nargs = { argv = [\"true\", \"x\"] }\n");
  SyscallEvent e;
  e.desc = find_syscall(Abi::x86_64, "execve");
  e.nr = e.desc->nr;
  e.nargs = e.desc->nargs;
  ArgValue& argv = e.args[1];
  argv.form = ArgValue::Form::StringArray;
  argv.items = {"true", std::string(4096, '.')};
  argv.total_items = 2;
  argv.truncated = true;
  argv.total_len = 2;  // item 1 was cut
  PatternMatch m = match_pattern(s.rules.at(0).pattern, e, {}, true);
  EXPECT_FALSE(m.matched);
  EXPECT_TRUE(m.undecided);
  ASSERT_EQ(m.undecided_notes.size(), 1u);
  EXPECT_EQ(m.undecided_notes[0],
            "argv is an array of 2 strings whose item 1 was cut at 4096 bytes: cannot be judged "
            "(ends with \".SECRET\")");
  m = match_pattern(s.rules.at(1).pattern, e, {}, false);
  EXPECT_FALSE(m.matched);
  EXPECT_FALSE(m.undecided) << "item 1 starts with '.', not 'x'";
  argv.items[1] = "x";
  argv.total_len = 2;
  EXPECT_TRUE(match_pattern(s.rules.at(1).pattern, e, {}, false).undecided);
}

TEST(Selectors, AbisNamesAndClasses) {
  Spec s = parse_ok(
      "version = 1\n[policy]\nallow = [\"@file\", \"getpid\", \"i386:getppid\"]\n");
  ASSERT_TRUE(s.policy);
  auto e = openat_event("/x", 0, 3);
  EXPECT_FALSE(s.policy->violates(e));
  SyscallEvent g;
  g.desc = find_syscall(Abi::x86_64, "getpid");
  g.nr = g.desc->nr;
  EXPECT_FALSE(s.policy->violates(g));
  g.abi = Abi::i386;
  g.desc = find_syscall(Abi::i386, "getpid");
  g.nr = g.desc->nr;
  EXPECT_TRUE(s.policy->violates(g)) << "an i386 call never matches an x86_64 entry";
  g.desc = find_syscall(Abi::i386, "getppid");
  g.nr = g.desc->nr;
  EXPECT_FALSE(s.policy->violates(g));
}

long nr_of(const char* name) { return find_syscall(Abi::x86_64, name)->nr; }

// The calls whose strings and buffers a rule examines are asked for whole.
TEST(Checker, InterestAsksForTheWholeDataOfWhatRulesExamine) {
  Spec s = parse_ok(
      "version = 1\n"
      "[[forbid]]\nsyscall = \"write\"\nargs = { buf = { contains = \"x\" } }\n"
      "[[expect]]\nsyscall = \"read\"\nargs = { fd = 0 }\n"
      "[[sequence]]\nsteps = [{ syscall = \"openat\", args = { pathname = \"/a\" } }]\n");
  Interest in = Checker(s).interest();
  EXPECT_TRUE(in.whole_data(Abi::x86_64, nr_of("write")));
  EXPECT_TRUE(in.whole_data(Abi::x86_64, nr_of("openat")));
  EXPECT_FALSE(in.whole_data(Abi::x86_64, nr_of("read"))) << "only its fd is examined";
  EXPECT_FALSE(in.whole_data(Abi::x86_64, nr_of("getpid")));
  EXPECT_FALSE(in.whole_data(Abi::i386, 4));
}

TEST(Checker, InterestIsWhatTheRulesMention) {
  using Need = Interest::Need;
  Spec s = parse_ok(
      "version = 1\n"
      "[[expect]]\nsyscall = \"openat\"\n"
      "[[forbid]]\nsyscall = \"@network\"\n"
      "[[sequence]]\nsteps = [{ syscall = \"read\" }, { syscall = [\"write\", \"i386:getpid\"] }]\n");
  Interest in = Checker(s).interest();
  EXPECT_EQ(in.need(nr_of("openat")), Need::Result);
  EXPECT_EQ(in.need(nr_of("connect")), Need::Result) << "@network";
  EXPECT_EQ(in.need(nr_of("read")), Need::Result);
  EXPECT_EQ(in.need(nr_of("write")), Need::Result);
  EXPECT_EQ(in.need(nr_of("getppid")), Need::None);
  EXPECT_EQ(in.need(nr_of("mmap")), Need::None);
  EXPECT_EQ(in.beyond(), Need::None);
}

TEST(Checker, InterestOfAPolicyIsWhatItForbids) {
  using Need = Interest::Need;
  Interest allow = Checker(parse_ok("version = 1\n[policy]\nallow = [\"@memory\", \"read\"]\n")).interest();
  EXPECT_EQ(allow.need(nr_of("mmap")), Need::None);
  EXPECT_EQ(allow.need(nr_of("read")), Need::None);
  EXPECT_EQ(allow.need(nr_of("openat")), Need::Result) << "not allowed: a violation to see";
  EXPECT_EQ(allow.need(1000), Need::Result) << "unknown numbers break an allowlist";
  EXPECT_EQ(allow.beyond(), Need::Result);

  Interest deny = Checker(parse_ok("version = 1\n[policy]\ndeny = [\"connect\"]\n")).interest();
  EXPECT_EQ(deny.need(nr_of("connect")), Need::Result);
  EXPECT_EQ(deny.need(nr_of("openat")), Need::None);
  EXPECT_EQ(deny.beyond(), Need::None);
}

TEST(Checker, InterestIsEverythingWhenARuleNeedsEveryCall) {
  EXPECT_TRUE(Checker(parse_ok("version = 1\n[[sequence]]\nmode = \"contiguous\"\n"
                               "steps = [{ syscall = \"read\" }, { syscall = \"write\" }]\n"))
                  .interest()
                  .is_all());
  EXPECT_TRUE(Checker(parse_ok("version = 1\n[[expect]]\nsyscall = \"read\"\n"
                               "args = { fd = { path = \"/etc/hostname\" } }\n"))
                  .interest()
                  .is_all());
}

TEST(Checker, CountsAndSequencesOnHandMadeEvents) {
  Spec s = parse_ok(
      "version = 1\n"
      "[[expect]]\nname = \"twice\"\nsyscall = \"openat\"\ncount = 2\n"
      "[[forbid]]\nname = \"no home\"\nsyscall = \"openat\"\nargs = { pathname = { glob = \"/home/**\" } }\n"
      "[[sequence]]\nname = \"a then b\"\nsteps = [{ syscall = \"openat\", args = { pathname = \"/a\" } },"
      " { syscall = \"openat\", args = { pathname = \"/b\" } }]\n"
      "[[sequence]]\nname = \"exact\"\nmode = \"exact\"\nsteps = [{ syscall = \"openat\", args = { pathname = \"/a\" } },"
      " { syscall = \"openat\", args = { pathname = \"/b\" } }]\n"
      "[[sequence]]\nname = \"contiguous\"\nmode = \"contiguous\"\nsteps = [{ syscall = \"openat\", args = { pathname = \"/a\" } },"
      " { syscall = \"openat\", args = { pathname = \"/b\" } }]\n");
  Checker c(s);
  for (const char* p : {"/a", "/x", "/b", "/home/u/f"}) c.on_syscall(openat_event(p, 0, 3));
  CheckReport r = c.report();
  ASSERT_EQ(r.rules.size(), 5u);
  EXPECT_FALSE(r.rules[0].passed) << "4 calls, count 2";
  EXPECT_FALSE(r.rules[1].passed);
  EXPECT_EQ(r.rules[1].observed, "happened once in 1 process");
  EXPECT_TRUE(r.rules[2].passed);
  EXPECT_FALSE(r.rules[3].passed) << "/x came between";
  EXPECT_FALSE(r.rules[4].passed);
  EXPECT_EQ(r.failed(), 4u);
}

}  // namespace
