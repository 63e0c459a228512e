// The words of every matcher: descriptions, negations and explanations,
// against golden strings, on hand-built calls and traces.

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>

#include <cerrno>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "events.hpp"
#include "syspect/gtest.hpp"

namespace {

using namespace syspect::testing;
using namespace syspect_gt;
using ::testing::_;
using ::testing::AllOf;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::Lt;
using ::testing::Not;
using ::testing::StartsWith;
using Ev = const syspect::SyscallEvent&;
using Tr = const syspect::Trace&;

const syspect::SyscallEvent kHosts = openat("/etc/hosts", O_RDONLY | O_CLOEXEC, 3);
const syspect::SyscallEvent kMissing = openat("/etc/nope", O_RDONLY, 0, ENOENT);

// ---- one call ----

TEST(Words, SyscallByName) {
  EXPECT_EQ(Describe<Ev>(Syscall("openat")), "is a call to openat");
  EXPECT_EQ(DescribeNegation<Ev>(Syscall("openat")), "isn't a call to openat");
  EXPECT_EQ(Explain<Ev>(Syscall("close"), kHosts), "which is a call to openat");
  EXPECT_EQ(Explain<Ev>(Syscall("openat"), kHosts), "");
}

TEST(Words, SyscallByClassAndAbi) {
  EXPECT_EQ(Describe<Ev>(Syscall("@file")), "is a call in class @file");
  EXPECT_EQ(Describe<Ev>(Syscall("i386:getpid")), "is a call to i386:getpid");
  auto i386_getpid = call("getpid", {}, 7, 0, syspect::Abi::i386);
  EXPECT_EQ(Explain<Ev>(Syscall("getpid"), i386_getpid), "which is a call to i386:getpid");
  EXPECT_TRUE(::testing::Matches(Syscall("i386:getpid"))(i386_getpid));
  EXPECT_FALSE(::testing::Matches(Syscall("getpid"))(i386_getpid));
}

TEST(Words, SyscallByNameMatcher) {
  EXPECT_EQ(Describe<Ev>(Syscall(_)), "is a call");
  EXPECT_EQ(Describe<Ev>(Syscall(HasSubstr("stat"))),
            "is a call to a syscall whose name has substring \"stat\"");
  EXPECT_EQ(Explain<Ev>(Syscall(HasSubstr("stat")), kHosts), "which is a call to openat");
}

TEST(Words, UnknownNamesAreLoud) {
  try {
    (void)Syscall("opnat");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Syscall(\"opnat\"): unknown syscall 'opnat'; did you mean 'openat'?");
  }
  EXPECT_THROW((void)FailsWith("ENOENTT"), std::invalid_argument);
  EXPECT_THROW((void)OnlySyscalls({"read", "wirte"}), std::invalid_argument);
}

TEST(Words, SyscallWithArgs) {
  auto m = Syscall("openat", Arg("pathname", "/etc/hostname"), Arg("flags", HasFlag("O_CLOEXEC")));
  EXPECT_EQ(Describe<Ev>(m),
            "is a call to openat whose pathname is equal to \"/etc/hostname\" and whose flags has "
            "O_CLOEXEC");
  EXPECT_EQ(DescribeNegation<Ev>(m),
            "isn't a call to openat whose pathname is equal to \"/etc/hostname\" and whose flags "
            "has O_CLOEXEC");
  EXPECT_EQ(Explain<Ev>(m, kHosts), "whose pathname is \"/etc/hosts\"");
  EXPECT_EQ(Explain<Ev>(m, kMissing),
            "whose pathname is \"/etc/nope\" and whose flags is O_RDONLY");
}

TEST(Words, ArgAlone) {
  EXPECT_EQ(Describe<Ev>(Arg("pathname", StartsWith("/etc/"))),
            "is a call whose pathname starts with \"/etc/\"");
  EXPECT_EQ(Describe<Ev>(Arg(0, AT_FDCWD)), "is a call whose argument 0 is equal to -100");
  EXPECT_EQ(Explain<Ev>(Arg("pathname", "/x"), close_call(3)),
            "which is a call to close, without pathname");
  EXPECT_EQ(Describe<Ev>(Arg("dirfd", "AT_FDCWD")), "is a call whose dirfd is equal to \"AT_FDCWD\"");
  EXPECT_TRUE(::testing::Matches(Arg("dirfd", "AT_FDCWD"))(kHosts));
  EXPECT_TRUE(::testing::Matches(Arg("flags", "O_RDONLY|O_CLOEXEC"))(kHosts));
  EXPECT_TRUE(::testing::Matches(Arg("fd", Lt(10)))(close_call(3)));
  EXPECT_TRUE(::testing::Matches(Arg("fd", 3))(close_call(3)));
}

TEST(Words, HasFlag) {
  EXPECT_EQ(Describe<Ev>(Arg("flags", Not(HasFlag("O_CLOEXEC")))),
            "is a call whose flags doesn't have O_CLOEXEC");
  EXPECT_TRUE(::testing::Matches(Arg("flags", HasFlag("O_RDONLY")))(kHosts));
  EXPECT_FALSE(::testing::Matches(Arg("flags", HasFlag("O_WRONLY")))(kHosts));
  // A name of no family at all can only be a mistake: it throws.
  EXPECT_THROW((void)HasFlag("O_BOGUS"), std::invalid_argument);
  // A name of another family is a flag this argument does not have.
  EXPECT_EQ(Explain<Ev>(Arg("flags", HasFlag("MAP_SHARED")), kHosts),
            "whose flags is O_RDONLY|O_CLOEXEC, which has no flag named MAP_SHARED (its family is "
            "open_flags)");
  EXPECT_EQ(Explain<Ev>(Arg("pathname", HasFlag("O_RDONLY")), kHosts),
            "whose pathname is \"/etc/hosts\", which is not a flag argument");
}

// What the exception of a matcher that names something that does not exist
// says; "no exception" when it was built.
template <typename F>
std::string thrown(F make) {
  try {
    make();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

// Each of these used to be built and to match nothing, so that Never() held
// whatever the trace: a name that does not exist is an error, in the words
// of the expectation checker.
TEST(Words, NamesThatDoNotExistThrow) {
  EXPECT_EQ(thrown([] { (void)Never(Syscall("openat", Arg("path", StartsWith("/etc")))); }),
            "Arg(\"path\"): 'openat' has no argument 'path'; did you mean 'pathname'? (its arguments: "
            "dirfd, pathname, flags, mode)");
  EXPECT_EQ(thrown([] { (void)Never(Syscall("openat", Arg("flags", HasFlag("O_DIRECTROY")))); }),
            "HasFlag(\"O_DIRECTROY\"): no constant family has a name 'O_DIRECTROY'; did you mean "
            "'O_DIRECTORY'?");
  EXPECT_EQ(thrown([] { (void)Never(Syscall("openat", Arg("flags", "O_RDONLY|O_CLOEXC"))); }),
            "Arg(\"flags\", \"O_RDONLY|O_CLOEXC\"): no constant family has a name 'O_CLOEXC'; did you "
            "mean 'O_CLOEXEC'?");
  EXPECT_EQ(thrown([] { (void)Never(Syscall("openat", Arg(7, 0))); }),
            "Arg(\"7\"): argument index 7 is out of range (a syscall has at most 6 arguments: 0..5)");
  EXPECT_EQ(thrown([] { (void)Never(Syscall("close", Arg(3, 0))); }),
            "Arg(\"3\"): 'close' has 1 argument; index 3 is out of range");
  EXPECT_EQ(thrown([] { (void)Never(Syscall("newfstatat", Arg("statbuf", Member("st_szie", 0)))); }),
            "Member(\"st_szie\"): no struct syspect decodes has a member 'st_szie'; did you mean "
            "'st_size'?");
  // The same typos in Calls() throw too, instead of failing with a "nearest"
  // call that is exactly the one meant.
  EXPECT_THROW((void)Calls(Syscall("openat", Arg("flags", "O_RDONLY|O_CLOEXC"))), std::invalid_argument);
  // Without a syscall to check against: a name of no syscall, family or struct.
  EXPECT_EQ(thrown([] { (void)Arg("flags", "O_RDONLY|O_CLOEXC"); }),
            "Arg(\"flags\", \"O_RDONLY|O_CLOEXC\"): no constant family has a name 'O_CLOEXC'; did you "
            "mean 'O_CLOEXEC'?");
  EXPECT_EQ(thrown([] { (void)Arg("pathnme", "/etc/hosts"); }),
            "Arg(\"pathnme\"): no syscall has an argument 'pathnme'; did you mean 'pathname'?");
  // With the syscall known, names of another argument or struct are errors.
  EXPECT_EQ(thrown([] { (void)Syscall("openat", Arg("flags", HasFlag("MAP_SHARED"))); }),
            "Arg(\"flags\"): on openat: HasFlag(\"MAP_SHARED\"): unknown flag 'MAP_SHARED' for 'flags' "
            "(open_flags)");
  EXPECT_EQ(thrown([] { (void)Syscall("connect", Arg("addr", Member("st_size", 0))); }),
            "Arg(\"addr\"): on connect: Member(\"st_size\"): struct sockaddr has no member 'st_size' "
            "(its members: sa_family, sin_port, sin_addr, sin6_port, sin6_flowinfo, sin6_addr, "
            "sin6_scope_id, sun_path, nl_pid, nl_groups)");
  EXPECT_EQ(thrown([] { (void)Syscall("openat2", Arg("how", Member("flags", "O_WRONLY|O_CRAET"))); }),
            "Arg(\"how\"): on openat2: Member(\"flags\", \"O_WRONLY|O_CRAET\"): unknown constant "
            "'O_CRAET' for 'flags' (open_flags); did you mean 'O_CREAT'?");
  // Flags that contradict each other can never be seen.
  EXPECT_EQ(thrown([] { (void)Syscall("openat", Arg("flags", "O_RDONLY|O_WRONLY")); }),
            "Arg(\"flags\", \"O_RDONLY|O_WRONLY\"): contradictory flags \"O_RDONLY|O_WRONLY\" "
            "for 'flags': O_RDONLY and O_WRONLY are two values of one field (mask 03 of open_flags); a "
            "call has only one");
  EXPECT_THROW((void)Arg("flags", "O_RDONLY|O_WRONLY"), std::invalid_argument);
  // What exists is still accepted.
  EXPECT_EQ(thrown([] { (void)Syscall("openat", Arg("pathname", "/x"), Arg("flags", "O_RDONLY|O_CLOEXEC"),
                                      Arg("dirfd", "AT_FDCWD"), Arg(3, 0)); }),
            "no exception");
  EXPECT_EQ(thrown([] { (void)Syscall("@file", Arg("flags", HasFlag("O_CLOEXEC"))); }), "no exception");
}

// Constants work wherever strace prints a name: an argument whose family
// another argument selects, and struct members with a family of their own.
TEST(Words, ConstantsWhereverStracePrintsAName) {
  auto sso = call("setsockopt", {num(3), num(SOL_SOCKET), num(SO_REUSEADDR), num(0), num(4)}, 0);
  EXPECT_TRUE(::testing::Matches(Syscall("setsockopt", Arg("optname", "SO_REUSEADDR")))(sso));
  EXPECT_FALSE(::testing::Matches(Syscall("setsockopt", Arg("optname", "SO_KEEPALIVE")))(sso));
  EXPECT_EQ(thrown([] { (void)Syscall("setsockopt", Arg("optname", "SO_REUSEADR")); }),
            "Arg(\"optname\", \"SO_REUSEADR\"): no constant family has a name 'SO_REUSEADR'; did "
            "you mean 'SO_REUSEADDR'?");
  EXPECT_EQ(thrown([] { (void)Syscall("setsockopt", Arg("optname", "O_CLOEXEC")); }),
            "Arg(\"optname\", \"O_CLOEXEC\"): unknown constant 'O_CLOEXEC' for 'optname' "
            "(socket_options)");
  auto setfl = call("fcntl", {num(3), num(F_SETFL), num(O_NONBLOCK)}, 0);
  EXPECT_TRUE(::testing::Matches(Syscall("fcntl", Arg("arg", HasFlag("O_NONBLOCK"))))(setfl));
  EXPECT_FALSE(::testing::Matches(Syscall("fcntl", Arg("arg", HasFlag("O_APPEND"))))(setfl));
  syspect::ArgValue how = num(0);
  how.raw = 0x7ffc00002000;
  how.form = syspect::ArgValue::Form::Struct;
  how.text = "{flags=O_WRONLY|O_CREAT, mode=0644, resolve=0}";
  how.fields.push_back({"flags", O_WRONLY | O_CREAT});
  how.fields.push_back({"mode", 0644});
  how.fields.push_back({"resolve", 0});
  auto o2 = call("openat2", {num(AT_FDCWD), str("/tmp/x"), how, num(24)}, 3);
  EXPECT_TRUE(::testing::Matches(Syscall("openat2", Arg("how", Member("flags", "O_WRONLY|O_CREAT"))))(o2));
  EXPECT_FALSE(::testing::Matches(Syscall("openat2", Arg("how", Member("flags", "O_WRONLY"))))(o2));
  EXPECT_TRUE(::testing::Matches(Syscall("openat2", Arg("how", Member("mode", 0644))))(o2));
}

TEST(Words, ReturnsAndFails) {
  EXPECT_EQ(Describe<Ev>(Returns(3)), "is a call returning 3");
  EXPECT_EQ(Describe<Ev>(Returns(Ge(0))), "is a call returning a value that is >= 0");
  EXPECT_EQ(Describe<Ev>(Fails(ENOENT)), "is a call failing with ENOENT");
  EXPECT_EQ(Describe<Ev>(FailsWith("EACCES")), "is a call failing with EACCES");
  EXPECT_EQ(Describe<Ev>(Fails()), "is a call failing");
  EXPECT_EQ(Describe<Ev>(Syscall("openat", Fails(ENOENT))), "is a call to openat failing with ENOENT");
  EXPECT_EQ(Explain<Ev>(Returns(Ge(0)), kMissing), "which failed with ENOENT");
  EXPECT_EQ(Explain<Ev>(Returns(4), kHosts), "which returned 3");
  EXPECT_EQ(Explain<Ev>(FailsWith("EACCES"), kMissing), "which failed with ENOENT");
  EXPECT_EQ(Explain<Ev>(Fails(), kHosts), "which returned 3");
  auto unfinished = kHosts;
  unfinished.finished = false;
  EXPECT_EQ(Explain<Ev>(Returns(3), unfinished), "which never returned");
}

TEST(Words, GmockMatchersInsideSyscall) {
  auto m = Syscall("openat", ::testing::Truly([](Ev e) { return e.result > 5; }));
  EXPECT_EQ(Describe<Ev>(m), "is a call to openat that satisfies the given predicate");
  EXPECT_EQ(Explain<Ev>(m, kHosts), "didn't satisfy the given predicate");
}

// ---- printing ----

TEST(Words, PrintsAsStrace) {
  EXPECT_EQ(::testing::PrintToString(kHosts),
            "openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY|O_CLOEXEC) = 3");
  EXPECT_EQ(fmt::format("{}", kMissing),
            "openat(AT_FDCWD, \"/etc/nope\", O_RDONLY) = -1 ENOENT (No such file or directory)");
  EXPECT_EQ(::testing::PrintToString(trace_of({kHosts, close_call(3)})),
            "trace of \"prog\": 2 syscalls in 1 process, exited with 0");
  EXPECT_EQ(syspect::arg_of(kHosts, "flags").text(), "O_RDONLY|O_CLOEXEC");
  EXPECT_EQ(syspect::arg_of(kHosts, "pathname").str(), "/etc/hosts");
  EXPECT_EQ(syspect::arg_of(kHosts, "dirfd").number(), AT_FDCWD);
  EXPECT_THROW(syspect::arg_of(kHosts, "fd"), std::out_of_range);
}

// ---- a whole trace ----

const syspect::Trace kTrace = trace_of({
    openat("/etc/ld.so.cache", O_RDONLY | O_CLOEXEC, 3),
    close_call(3),
    openat("/etc/hosts", O_RDONLY | O_CLOEXEC, 3),
    call("read", {num(3), bytes("127.0.0.1 localhost\n"), num(4096)}, 20),
    close_call(3),
    openat("/etc/nope", O_RDONLY, 0, ENOENT),
});

TEST(Words, Calls) {
  auto m = Calls(Syscall("openat", Arg("pathname", "/etc/hostname")));
  EXPECT_EQ(Describe<Tr>(m), "makes a call to openat whose pathname is equal to \"/etc/hostname\"");
  EXPECT_EQ(DescribeNegation<Tr>(m),
            "makes no call to openat whose pathname is equal to \"/etc/hostname\"");
  EXPECT_EQ(Explain<Tr>(m, kTrace),
            "which made 3 calls to openat, none whose pathname is equal to \"/etc/hostname\"; nearest:\n"
            "  openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY|O_CLOEXEC) = 3\n"
            "    pathname was \"/etc/hosts\"; wanted: is equal to \"/etc/hostname\"\n"
            "  openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3\n"
            "    pathname was \"/etc/ld.so.cache\"; wanted: is equal to \"/etc/hostname\"\n"
            "  openat(AT_FDCWD, \"/etc/nope\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
            "    pathname was \"/etc/nope\"; wanted: is equal to \"/etc/hostname\"");
  EXPECT_EQ(Explain<Tr>(Calls(Syscall("connect")), kTrace), "which made no call to connect");
  EXPECT_EQ(Explain<Tr>(Calls(Syscall("close")), kTrace),
            "which made 2 such calls, the first: close(3) = 0");
}

TEST(Words, CallsRanksNearMisses) {
  auto m = Calls(Syscall("openat", Arg("pathname", "/etc/hosts"), Arg("flags", HasFlag("O_CREAT"))));
  EXPECT_EQ(Explain<Tr>(m, kTrace),
            "which made 3 calls to openat, none whose pathname is equal to \"/etc/hosts\" and whose "
            "flags has O_CREAT; nearest:\n"
            "  openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY|O_CLOEXEC) = 3\n"
            "    flags was O_RDONLY|O_CLOEXEC; wanted: has O_CREAT\n"
            "  openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3\n"
            "    pathname was \"/etc/ld.so.cache\"; wanted: is equal to \"/etc/hosts\"\n"
            "    flags was O_RDONLY|O_CLOEXEC; wanted: has O_CREAT\n"
            "  openat(AT_FDCWD, \"/etc/nope\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
            "    pathname was \"/etc/nope\"; wanted: is equal to \"/etc/hosts\"\n"
            "    flags was O_RDONLY; wanted: has O_CREAT");
  auto one = Calls(Syscall("read", Returns(0)));
  EXPECT_EQ(Explain<Tr>(one, kTrace),
            "which made 1 call to read, none returning 0; nearest:\n  read(3, \"127.0.0.1 "
            "localhost\\n\", 4096) = 20\n    result was 20; wanted: is equal to 0");
}

// `cat /etc/hostname`: the one open of the file, differing only in its
// flags, is the nearest; the library opens that share the flags are not.
TEST(Words, NearestIsTheCallThatDiffersOnlyInAFlag) {
  const syspect::Trace cat = trace_of({
      openat("/etc/ld.so.cache", O_RDONLY | O_CLOEXEC, 3),
      openat("/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY | O_CLOEXEC, 3),
      openat("/usr/lib/locale/locale-archive", O_RDONLY | O_CLOEXEC, 3),
      openat("/etc/hostname", O_RDONLY, 3),
  });
  auto m = Calls(Syscall("openat", Arg("pathname", "/etc/hostname"), Arg("flags", HasFlag("O_CLOEXEC"))));
  EXPECT_EQ(Explain<Tr>(m, cat),
            "which made 4 calls to openat, none whose pathname is equal to \"/etc/hostname\" and "
            "whose flags has O_CLOEXEC; nearest:\n"
            "  openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY) = 3\n"
            "    flags was O_RDONLY; wanted: has O_CLOEXEC\n"
            "  openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3\n"
            "    pathname was \"/etc/ld.so.cache\"; wanted: is equal to \"/etc/hostname\"\n"
            "  openat(AT_FDCWD, \"/usr/lib/locale/locale-archive\", O_RDONLY|O_CLOEXEC) = 3\n"
            "    pathname was \"/usr/lib/locale/locale-archive\"; wanted: is equal to \"/etc/hostname\"");
  // An fd outweighs a result; among strings, the one sharing more of the
  // wanted one's ends comes first, whatever the order of the calls.
  const syspect::Trace reads = trace_of({
      call("read", {num(4), bytes("x"), num(1)}, 1),
      call("read", {num(3), bytes("y"), num(1)}, 1),
  });
  EXPECT_EQ(Explain<Tr>(Calls(Syscall("read", Arg("fd", 3), Returns(0))), reads),
            "which made 2 calls to read, none whose fd is equal to 3 and returning 0; nearest:\n"
            "  read(3, \"y\", 1) = 1\n"
            "    result was 1; wanted: is equal to 0\n"
            "  read(4, \"x\", 1) = 1\n"
            "    fd was 4; wanted: is equal to 3\n"
            "    result was 1; wanted: is equal to 0");
  const syspect::Trace opens = trace_of({
      openat("/etc/passwd", O_RDONLY, 3),
      openat("/run/hostname", O_RDONLY, 3),
  });
  EXPECT_THAT(Explain<Tr>(Calls(Syscall("openat", Arg("pathname", "/etc/hostname"))), opens),
              HasSubstr("nearest:\n  openat(AT_FDCWD, \"/run/hostname\""));
}

TEST(Words, CallsWithGmockMatcher) {
  auto m = Calls(::testing::Truly([](Ev e) { return e.result == 99; }));
  EXPECT_EQ(Describe<Tr>(m), "makes a call that satisfies the given predicate");
  EXPECT_EQ(Explain<Tr>(m, kTrace), "which made 6 calls, none that satisfies the given predicate");
}

TEST(Words, CallsTimes) {
  EXPECT_EQ(Describe<Tr>(CallsTimes(Syscall("close"), 2)), "makes a call to close exactly 2 times");
  EXPECT_EQ(Describe<Tr>(CallsTimes(Syscall("close"), Ge(3))),
            "makes a call to close a number of times that is >= 3");
  EXPECT_EQ(DescribeNegation<Tr>(CallsTimes(Syscall("close"), 1)),
            "doesn't make a call to close exactly 1 time");
  EXPECT_EQ(Explain<Tr>(CallsTimes(Syscall("close"), 1), kTrace),
            "which made it 2 times:\n  close(3) = 0\n  close(3) = 0");
  EXPECT_TRUE(::testing::Matches(CallsTimes(Syscall("openat"), 3))(kTrace));
  EXPECT_TRUE(::testing::Matches(CallsTimes(Syscall("connect"), 0))(kTrace));
}

TEST(Words, Never) {
  EXPECT_EQ(Describe<Tr>(Never(Syscall("openat", Fails()))), "never makes a call to openat failing");
  EXPECT_EQ(DescribeNegation<Tr>(Never(Syscall("connect"))), "makes a call to connect");
  EXPECT_EQ(Explain<Tr>(Never(Syscall("openat", Fails())), kTrace),
            "which made 1 such call: openat(AT_FDCWD, \"/etc/nope\", O_RDONLY) = -1 ENOENT (No "
            "such file or directory)");
  EXPECT_EQ(Explain<Tr>(Never(Syscall("close")), kTrace),
            "which made 2 such calls:\n  close(3) = 0\n  close(3) = 0");
}

TEST(Words, OnlySyscalls) {
  auto m = OnlySyscalls({"@file", "read"});
  EXPECT_EQ(Describe<Tr>(m), "makes only syscalls in [@file, read]");
  EXPECT_EQ(DescribeNegation<Tr>(m), "makes some syscall not in [@file, read]");
  EXPECT_EQ(Explain<Tr>(m, kTrace),
            "which made 2 calls outside it:\n  close(3) = 0  (and 1 more like it)");
  EXPECT_EQ(Explain<Tr>(OnlySyscalls({"@file", "@desc"}), kTrace), "whose 6 calls are all in it");
  EXPECT_FALSE(::testing::Matches(OnlySyscalls({"i386:openat", "close", "read"}))(kTrace));
}

TEST(Words, InOrder) {
  auto m = InOrder(Syscall("openat", Arg("pathname", "/etc/hosts")), Syscall("read"), Syscall("close"));
  EXPECT_EQ(Describe<Tr>(m),
            "makes in order: a call to openat whose pathname is equal to \"/etc/hosts\", then a call "
            "to read, then a call to close");
  EXPECT_EQ(Explain<Tr>(m, kTrace), "which made them as calls #3, #4, #5");
  auto broken = InOrder(Syscall("read"), Syscall("openat", Returns(Ge(0))));
  EXPECT_EQ(Explain<Tr>(broken, kTrace),
            "which made the first step, as read(3, \"127.0.0.1 localhost\\n\", 4096) = 20; "
            "after it, made 1 call to openat, none returning a value that is >= 0; nearest:\n  "
            "openat(AT_FDCWD, \"/etc/nope\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
            "    result was -1 ENOENT (No such file or directory); wanted: is >= 0");
  EXPECT_EQ(Explain<Tr>(InOrder(Syscall("write")), kTrace), "which made no call to write");
}

TEST(Words, NoSyscalls) {
  EXPECT_EQ(Describe<Tr>(NoSyscalls()), "makes no syscalls");
  EXPECT_EQ(DescribeNegation<Tr>(NoSyscalls()), "makes at least one syscall");
  EXPECT_EQ(Explain<Tr>(NoSyscalls(), trace_of({close_call(4)})), "which made 1 call: close(4) = 0");
  EXPECT_EQ(Explain<Tr>(NoSyscalls(), trace_of({})), "");
  EXPECT_EQ(Explain<Tr>(NoSyscalls(), kTrace),
            "which made 6 calls:\n"
            "  openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3\n"
            "  close(3) = 0\n"
            "  openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY|O_CLOEXEC) = 3\n"
            "  read(3, \"127.0.0.1 localhost\\n\", 4096) = 20\n"
            "  close(3) = 0\n"
            "  ... and 1 more");
}

// ---- how the run ended ----

syspect::Trace ended(void (*set)(syspect::TraceResult&)) {
  syspect::Trace t = trace_of({close_call(3)});
  syspect::TraceResult r = t.result();
  set(r);
  t.set_result(r);
  return t;
}

const syspect::Trace kExited3 = ended([](syspect::TraceResult& r) { r.exit_code = 3; });
const syspect::Trace kSegv = ended([](syspect::TraceResult& r) {
  r.signaled = true;
  r.term_signal = SIGSEGV;
});
const syspect::Trace kTimedOut = ended([](syspect::TraceResult& r) {
  r.signaled = true;
  r.term_signal = SIGKILL;
  r.timed_out = true;
});
const syspect::Trace kInterrupted = ended([](syspect::TraceResult& r) {
  r.signaled = true;
  r.term_signal = SIGKILL;
  r.interrupted = true;
  r.interrupt_signal = SIGTERM;
});

TEST(Words, AccessorsNeverReadACutShortRunOrACrashAsAnExit) {
  EXPECT_EQ(kExited3.exit_code(), 3);
  EXPECT_EQ(kExited3.status(), 3);
  EXPECT_EQ(kSegv.exit_code(), std::nullopt);
  EXPECT_EQ(kSegv.term_signal(), SIGSEGV);
  EXPECT_EQ(kSegv.status(), 128 + SIGSEGV);
  for (const syspect::Trace* t : {&kTimedOut, &kInterrupted}) {
    EXPECT_FALSE(t->finished());
    EXPECT_EQ(t->exit_code(), std::nullopt);
    EXPECT_EQ(t->term_signal(), std::nullopt);
    EXPECT_FALSE(t->signaled());
    EXPECT_EQ(t->status(), std::nullopt);
  }
}

TEST(Words, ExitedWith) {
  EXPECT_EQ(Describe<Tr>(ExitedWith(0)), "exits with 0");
  EXPECT_EQ(DescribeNegation<Tr>(ExitedWith(0)), "doesn't exit with 0");
  EXPECT_EQ(Describe<Tr>(ExitedWith(Ge(2))), "exits with a status that is >= 2");
  EXPECT_EQ(Explain<Tr>(ExitedWith(0), kExited3), "which exited with 3");
  EXPECT_EQ(Explain<Tr>(ExitedWith(0), kSegv), "which was killed by SIGSEGV");
  EXPECT_EQ(Explain<Tr>(ExitedWith(0), kTimedOut), "which timed out and was killed");
  EXPECT_EQ(Explain<Tr>(ExitedWith(0), kInterrupted), "which was killed when syspect was interrupted by SIGTERM");
  EXPECT_TRUE(::testing::Matches(ExitedWith(3))(kExited3));
  EXPECT_TRUE(::testing::Matches(ExitedWith(Ge(2)))(kExited3));
  EXPECT_FALSE(::testing::Matches(ExitedWith(_))(kSegv));
  EXPECT_FALSE(::testing::Matches(ExitedWith(_))(kTimedOut));
  EXPECT_FALSE(::testing::Matches(ExitedWith(_))(kInterrupted));
  // An exit status is 0 to 255: any other could never match, and
  // Not(ExitedWith(256)) would hold by accident.
  EXPECT_THROW((void)ExitedWith(256), std::invalid_argument);
  EXPECT_THROW((void)ExitedWith(-1), std::invalid_argument);
}

TEST(Words, KilledBySignal) {
  EXPECT_EQ(Describe<Tr>(KilledBySignal(SIGSEGV)), "is killed by SIGSEGV");
  EXPECT_EQ(DescribeNegation<Tr>(KilledBySignal(SIGSEGV)), "isn't killed by SIGSEGV");
  EXPECT_EQ(Describe<Tr>(KilledBySignal()), "is killed by a signal");
  EXPECT_EQ(Explain<Tr>(KilledBySignal(SIGABRT), kSegv), "which was killed by SIGSEGV");
  EXPECT_EQ(Explain<Tr>(KilledBySignal(SIGSEGV), kExited3), "which exited with 3");
  EXPECT_TRUE(::testing::Matches(KilledBySignal(SIGSEGV))(kSegv));
  EXPECT_TRUE(::testing::Matches(KilledBySignal())(kSegv));
  EXPECT_FALSE(::testing::Matches(KilledBySignal())(kExited3));
  // The SIGKILL that ends a cut-short run is syspect's, not the program's.
  EXPECT_FALSE(::testing::Matches(KilledBySignal(SIGKILL))(kTimedOut));
  EXPECT_FALSE(::testing::Matches(KilledBySignal(SIGKILL))(kInterrupted));
  EXPECT_THROW((void)KilledBySignal(0), std::invalid_argument);
  EXPECT_THROW((void)KilledBySignal(65), std::invalid_argument);
}

TEST(Words, TimedOut) {
  EXPECT_EQ(Describe<Tr>(TimedOut()), "times out and is killed");
  EXPECT_EQ(DescribeNegation<Tr>(TimedOut()), "doesn't time out");
  EXPECT_EQ(Explain<Tr>(TimedOut(), kExited3), "which exited with 3");
  EXPECT_TRUE(::testing::Matches(TimedOut())(kTimedOut));
  EXPECT_FALSE(::testing::Matches(TimedOut())(kInterrupted));
}

TEST(Words, PrintedTracesSayHowTheRunEnded) {
  EXPECT_EQ(::testing::PrintToString(kSegv), "trace of \"prog\": 1 syscall in 1 process, was killed by SIGSEGV");
  EXPECT_EQ(::testing::PrintToString(kInterrupted),
            "trace of \"prog\": 1 syscall in 1 process, was killed when syspect was interrupted by SIGTERM");
}

TEST(Words, ComposesWithGmock) {
  EXPECT_THAT(kTrace, AllOf(Calls(Syscall("read")), Not(Calls(Syscall("write")))));
  EXPECT_THAT(kTrace.syscalls("openat"), ::testing::Each(Syscall(_, Arg("dirfd", "AT_FDCWD"))));
  EXPECT_THAT(kTrace.syscalls(), ::testing::Contains(Syscall("read", Returns(20))));
  EXPECT_THAT(kTrace.syscalls("close"), ::testing::ElementsAre(Arg("fd", 3), Arg("fd", Ge(0))));
  EXPECT_EQ(Explain<const std::vector<syspect::SyscallEvent>&>(
                ::testing::Each(Syscall(_, Arg("flags", HasFlag("O_CLOEXEC")))),
                kTrace.syscalls("openat")),
            "whose element #2 doesn't match, whose flags is O_RDONLY");
}

}  // namespace
