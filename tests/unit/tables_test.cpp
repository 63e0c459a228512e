// The syscall tables: lookups by number and name, argument descriptions,
// trace classes and ABI names.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "syscall_ids.hpp"
#include "syspect/syscall_table.hpp"
#include "syspect/xlat.hpp"

namespace {

using syspect::Abi;
using syspect::ArgDir;
using syspect::ArgKind;
using syspect::find_syscall;
using syspect::lookup_syscall;
using syspect::RetKind;
using syspect::SyscallDesc;
using syspect::SysId;
using syspect::syscall_table;

TEST(SyscallLookup, ByNumber) {
  const auto* x = lookup_syscall(Abi::x86_64, 39);
  ASSERT_NE(x, nullptr);
  EXPECT_STREQ(x->name, "getpid");
  const auto* i = lookup_syscall(Abi::i386, 20);
  ASSERT_NE(i, nullptr);
  EXPECT_STREQ(i->name, "getpid");
  EXPECT_STREQ(lookup_syscall(Abi::x86_64, 0)->name, "read");
  EXPECT_STREQ(lookup_syscall(Abi::i386, 0)->name, "restart_syscall");
  EXPECT_STREQ(lookup_syscall(Abi::x86_64, 257)->name, "openat");
  EXPECT_STREQ(lookup_syscall(Abi::i386, 295)->name, "openat");
  EXPECT_STREQ(lookup_syscall(Abi::x86_64, 435)->name, "clone3");
}

TEST(SyscallLookup, UnknownNumbers) {
  EXPECT_EQ(lookup_syscall(Abi::x86_64, -1), nullptr);
  EXPECT_EQ(lookup_syscall(Abi::x86_64, 335), nullptr);  // the gap before 424
  EXPECT_EQ(lookup_syscall(Abi::x86_64, 423), nullptr);
  EXPECT_EQ(lookup_syscall(Abi::x86_64, 1000), nullptr);
  EXPECT_EQ(lookup_syscall(Abi::x86_64, 1L << 40), nullptr);
  EXPECT_EQ(lookup_syscall(Abi::i386, 222), nullptr);  // never assigned
  EXPECT_EQ(lookup_syscall(Abi::i386, 100000), nullptr);
  EXPECT_EQ(lookup_syscall(Abi::x32, 0), nullptr);  // no x32 table
}

TEST(SyscallLookup, ByName) {
  const auto* x = find_syscall(Abi::x86_64, "getpid");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->nr, 39);
  const auto* i = find_syscall(Abi::i386, "getpid");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->nr, 20);
  EXPECT_EQ(find_syscall(Abi::x86_64, "exit_group")->nr, 231);
  EXPECT_EQ(find_syscall(Abi::i386, "exit_group")->nr, 252);
  EXPECT_EQ(find_syscall(Abi::i386, "_llseek")->nr, 140);
  EXPECT_EQ(find_syscall(Abi::i386, "mmap2")->nr, 192);
  EXPECT_EQ(find_syscall(Abi::x86_64, "mmap2"), nullptr);
  EXPECT_EQ(find_syscall(Abi::i386, "newfstatat"), nullptr);
  EXPECT_EQ(find_syscall(Abi::x86_64, ""), nullptr);
  EXPECT_EQ(find_syscall(Abi::x86_64, "no_such_call"), nullptr);
  EXPECT_EQ(find_syscall(Abi::x86_64, "getpi"), nullptr);
  EXPECT_EQ(find_syscall(Abi::x86_64, "getpidx"), nullptr);
}

TEST(SyscallLookup, EveryEntryRoundTrips) {
  for (Abi abi : {Abi::x86_64, Abi::i386}) {
    std::set<std::string> names;
    for (const auto& d : syspect::syscall_table(abi)) {
      EXPECT_EQ(lookup_syscall(abi, d.nr), &d) << d.name;
      EXPECT_EQ(find_syscall(abi, d.name), &d) << d.name;
      EXPECT_TRUE(names.insert(d.name).second) << d.name;
      EXPECT_LE(d.nargs, 6);
    }
  }
  EXPECT_GT(syspect::syscall_table(Abi::x86_64).size(), 350u);
  EXPECT_GT(syspect::syscall_table(Abi::i386).size(), 430u);
  EXPECT_TRUE(syspect::syscall_table(Abi::x32).empty());
}

// One identifier per name, the same on every ABI, and a different one for
// every other name: code that singles out a call by SysId means the call of
// that name on any ABI.
TEST(SysId, OnePerNameOnEveryAbi) {
  std::map<std::string, SysId> by_name;
  std::map<SysId, std::string> by_id;
  for (Abi abi : {Abi::x86_64, Abi::i386}) {
    for (const SyscallDesc& d : syscall_table(abi)) {
      EXPECT_NE(d.id, SysId::unknown) << d.name;
      auto [n, new_name] = by_name.emplace(d.name, d.id);
      EXPECT_EQ(n->second, d.id) << d.name << " has two identifiers";
      auto [i, new_id] = by_id.emplace(d.id, d.name);
      EXPECT_EQ(i->second, d.name) << "two names share an identifier";
    }
  }
  EXPECT_TRUE(is(find_syscall(Abi::x86_64, "openat"), SysId::openat));
  EXPECT_TRUE(is(find_syscall(Abi::i386, "openat"), SysId::openat));
  EXPECT_FALSE(is(find_syscall(Abi::x86_64, "open"), SysId::openat));
  EXPECT_FALSE(is(nullptr, SysId::openat));
}

TEST(SyscallDesc, Openat) {
  const auto* d = find_syscall(Abi::x86_64, "openat");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->ret, RetKind::Fd);
  ASSERT_EQ(d->nargs, 4);
  EXPECT_STREQ(d->args[0].name, "dirfd");
  EXPECT_EQ(d->args[0].kind, ArgKind::DirFd);
  EXPECT_STREQ(d->args[1].name, "pathname");
  EXPECT_EQ(d->args[1].kind, ArgKind::Path);
  EXPECT_EQ(d->args[1].dir, ArgDir::In);
  EXPECT_EQ(d->args[2].kind, ArgKind::Flags);
  ASSERT_NE(d->args[2].xlat, nullptr);
  EXPECT_STREQ(d->args[2].xlat->family, "open_flags");
  EXPECT_EQ(d->args[2].xlat, syspect::find_xlat("open_flags"));
  EXPECT_EQ(d->args[3].kind, ArgKind::Octal);
  EXPECT_EQ(d->classes, syspect::kClassDesc | syspect::kClassFile);
}

TEST(SyscallDesc, BufferLengths) {
  const auto* read = find_syscall(Abi::x86_64, "read");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->args[1].kind, ArgKind::Buf);
  EXPECT_EQ(read->args[1].dir, ArgDir::Out);
  EXPECT_EQ(read->args[1].len_arg, syspect::kLenResult);
  const auto* write = find_syscall(Abi::x86_64, "write");
  ASSERT_NE(write, nullptr);
  EXPECT_EQ(write->args[1].kind, ArgKind::Buf);
  EXPECT_EQ(write->args[1].dir, ArgDir::In);
  EXPECT_EQ(write->args[1].len_arg, 2);
  EXPECT_EQ(write->args[0].len_arg, syspect::kLenNone);
  // Every Buf names a real argument or the result; nothing else has a length.
  for (Abi abi : {Abi::x86_64, Abi::i386}) {
    for (const auto& d : syspect::syscall_table(abi)) {
      for (int i = 0; i < d.nargs; ++i) {
        const auto& a = d.args[i];
        if (a.kind == ArgKind::Buf) {
          EXPECT_TRUE(a.len_arg == syspect::kLenResult || (a.len_arg >= 0 && a.len_arg < d.nargs && a.len_arg != i))
              << d.name << " " << a.name;
        } else {
          EXPECT_EQ(a.len_arg, syspect::kLenNone) << d.name << " " << a.name;
        }
        EXPECT_EQ(a.xlat != nullptr, a.kind == ArgKind::Flags || a.kind == ArgKind::Enum) << d.name << " " << a.name;
        if (a.xlat != nullptr) {
          EXPECT_EQ(a.xlat->kind == syspect::XlatKind::Flags, a.kind == ArgKind::Flags) << d.name << " " << a.name;
        }
        EXPECT_EQ(a.struct_name != nullptr, a.kind == ArgKind::Struct) << d.name << " " << a.name;
        EXPECT_NE(a.name, nullptr);
      }
    }
  }
}

TEST(SyscallDesc, AbiDifferences) {
  // i386 passes clone's tls before child_tid; x86_64 the other way round.
  const auto* c64 = find_syscall(Abi::x86_64, "clone");
  const auto* c32 = find_syscall(Abi::i386, "clone");
  ASSERT_NE(c64, nullptr);
  ASSERT_NE(c32, nullptr);
  EXPECT_EQ(syspect::find_arg(*c64, "child_tid"), 3);
  EXPECT_EQ(syspect::find_arg(*c64, "tls"), 4);
  EXPECT_EQ(syspect::find_arg(*c32, "tls"), 3);
  EXPECT_EQ(syspect::find_arg(*c32, "child_tid"), 4);
  // The old i386 mmap takes one pointer to its arguments.
  const auto* m = lookup_syscall(Abi::i386, 90);
  ASSERT_NE(m, nullptr);
  EXPECT_STREQ(m->name, "mmap");
  EXPECT_EQ(m->nargs, 1);
  EXPECT_EQ(m->args[0].kind, ArgKind::Struct);
  EXPECT_EQ(find_syscall(Abi::i386, "mmap2")->nargs, 6);
  EXPECT_EQ(find_syscall(Abi::i386, "socketcall")->args[0].kind, ArgKind::Enum);
}

TEST(SyscallDesc, ReturnKinds) {
  EXPECT_EQ(find_syscall(Abi::x86_64, "mmap")->ret, RetKind::Hex);
  EXPECT_EQ(find_syscall(Abi::x86_64, "brk")->ret, RetKind::Hex);
  EXPECT_EQ(find_syscall(Abi::x86_64, "exit_group")->ret, RetKind::None);
  EXPECT_EQ(find_syscall(Abi::x86_64, "exit")->ret, RetKind::None);
  EXPECT_EQ(find_syscall(Abi::x86_64, "umask")->ret, RetKind::Octal);
  EXPECT_EQ(find_syscall(Abi::x86_64, "socket")->ret, RetKind::Fd);
  EXPECT_EQ(find_syscall(Abi::x86_64, "getpid")->ret, RetKind::Int);
  EXPECT_EQ(find_syscall(Abi::i386, "mmap2")->ret, RetKind::Hex);
}

TEST(SyscallDesc, ExecveAndPipe) {
  const auto* e = find_syscall(Abi::x86_64, "execve");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->args[0].kind, ArgKind::Path);
  EXPECT_EQ(e->args[1].kind, ArgKind::Argv);
  EXPECT_EQ(e->args[2].kind, ArgKind::Envp);
  EXPECT_EQ(e->classes, syspect::kClassFile | syspect::kClassProcess);
  const auto* p = find_syscall(Abi::x86_64, "pipe2");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->args[0].kind, ArgKind::FdPair);
  EXPECT_EQ(p->args[0].dir, ArgDir::Out);
  const auto* s = find_syscall(Abi::x86_64, "newfstatat");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->args[2].kind, ArgKind::Struct);
  EXPECT_STREQ(s->args[2].struct_name, "stat");
  EXPECT_EQ(s->args[2].dir, ArgDir::Out);
  const auto* k = find_syscall(Abi::x86_64, "kill");
  EXPECT_EQ(k->args[1].kind, ArgKind::Signal);
}

// Each argument carries its C type's width and sign: the kernel reads an
// int from the low 32 bits of its register and a umode_t from the low 16.
TEST(SyscallDesc, CTypeWidths) {
  const auto* creat = find_syscall(Abi::x86_64, "creat");
  ASSERT_NE(creat, nullptr);
  const auto& mode = creat->args[1];
  EXPECT_EQ(mode.bits, 16);
  EXPECT_FALSE(mode.is_signed);
  EXPECT_EQ(syspect::arg_bits(mode, 0xbadc0ded000001a4ull), 0644u);
  const auto* dup3 = find_syscall(Abi::x86_64, "dup3");
  ASSERT_NE(dup3, nullptr);
  EXPECT_EQ(dup3->args[0].bits, 32);
  EXPECT_TRUE(dup3->args[0].is_signed);
  EXPECT_EQ(syspect::arg_value(dup3->args[0], 0xbadc0dedffffffffull), -1);
  EXPECT_EQ(syspect::arg_bits(dup3->args[2], 0xbadc0ded00080000ull), 0x80000u);
  const auto* lseek = find_syscall(Abi::x86_64, "lseek");
  ASSERT_NE(lseek, nullptr);
  EXPECT_EQ(lseek->args[1].bits, 64);  // off_t
  EXPECT_EQ(syspect::arg_value(lseek->args[1], 0xfffffffffffffff6ull), -10);
  const auto* fcntl = find_syscall(Abi::x86_64, "fcntl");
  ASSERT_NE(fcntl, nullptr);
  EXPECT_EQ(fcntl->args[1].bits, 32);  // unsigned int cmd
  EXPECT_EQ(fcntl->args[2].bits, 64);  // unsigned long arg
  // On i386 a long is 32 bits.
  const auto* lseek32 = find_syscall(Abi::i386, "lseek");
  ASSERT_NE(lseek32, nullptr);
  EXPECT_EQ(lseek32->args[1].bits, 32);
  EXPECT_EQ(syspect::arg_value(lseek32->args[1], 0xfffffff6u), -10);
}

TEST(FindArg, ByName) {
  const auto* d = find_syscall(Abi::x86_64, "mmap");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(syspect::find_arg(*d, "addr"), 0);
  EXPECT_EQ(syspect::find_arg(*d, "length"), 1);
  EXPECT_EQ(syspect::find_arg(*d, "prot"), 2);
  EXPECT_EQ(syspect::find_arg(*d, "flags"), 3);
  EXPECT_EQ(syspect::find_arg(*d, "fd"), 4);
  EXPECT_EQ(syspect::find_arg(*d, "offset"), 5);
  EXPECT_EQ(syspect::find_arg(*d, "len"), -1);
  EXPECT_EQ(syspect::find_arg(*d, ""), -1);
  const auto* g = find_syscall(Abi::x86_64, "getpid");
  EXPECT_EQ(syspect::find_arg(*g, "fd"), -1);
}

TEST(TraceClasses, Names) {
  auto names = syspect::trace_class_names();
  ASSERT_EQ(names.size(), 15u);
  EXPECT_EQ(names[0], "file");
  EXPECT_EQ(names[14], "pure");
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto bit = syspect::trace_class_from_name(names[i]);
    ASSERT_TRUE(bit.has_value()) << names[i];
    EXPECT_EQ(*bit, 1u << i);
  }
  EXPECT_EQ(syspect::trace_class_from_name("file"), syspect::kClassFile);
  EXPECT_EQ(syspect::trace_class_from_name("%network"), syspect::kClassNetwork);
  EXPECT_EQ(syspect::trace_class_from_name("%net"), syspect::kClassNetwork);
  EXPECT_EQ(syspect::trace_class_from_name("desc"), syspect::kClassDesc);
  EXPECT_EQ(syspect::trace_class_from_name("fstat"), syspect::kClassFstat);
  EXPECT_EQ(syspect::trace_class_from_name("creds"), syspect::kClassCreds);
  EXPECT_FALSE(syspect::trace_class_from_name("bogus").has_value());
  EXPECT_FALSE(syspect::trace_class_from_name("").has_value());
}

TEST(TraceClasses, AsStraceAssignsThem) {
  auto has = [](const char* name, std::uint32_t cls) {
    const auto* d = find_syscall(Abi::x86_64, name);
    return d != nullptr && (d->classes & cls) != 0;
  };
  EXPECT_TRUE(has("open", syspect::kClassFile));
  EXPECT_TRUE(has("read", syspect::kClassDesc));
  EXPECT_FALSE(has("read", syspect::kClassFile));
  EXPECT_TRUE(has("mmap", syspect::kClassMemory));
  EXPECT_TRUE(has("connect", syspect::kClassNetwork));
  EXPECT_TRUE(has("clone", syspect::kClassProcess));
  EXPECT_TRUE(has("kill", syspect::kClassSignal));
  EXPECT_TRUE(has("shmget", syspect::kClassIpc));
  EXPECT_TRUE(has("stat", syspect::kClassStat));
  EXPECT_TRUE(has("lstat", syspect::kClassLstat));
  EXPECT_TRUE(has("fstat", syspect::kClassFstat));
  EXPECT_TRUE(has("statfs", syspect::kClassStatfs));
  EXPECT_TRUE(has("fstatfs", syspect::kClassFstatfs));
  EXPECT_TRUE(has("setuid", syspect::kClassCreds));
  EXPECT_TRUE(has("clock_gettime", syspect::kClassClock));
  EXPECT_TRUE(has("getpid", syspect::kClassPure));
  EXPECT_FALSE(has("getpgid", syspect::kClassPure));
  EXPECT_EQ(find_syscall(Abi::x86_64, "sched_yield")->classes, 0u);
}

TEST(AbiNames, RoundTrip) {
  for (Abi abi : {Abi::x86_64, Abi::i386, Abi::x32}) {
    auto back = syspect::abi_from_name(syspect::abi_name(abi));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, abi);
  }
  EXPECT_EQ(syspect::abi_name(Abi::x86_64), "x86_64");
  EXPECT_EQ(syspect::abi_name(Abi::i386), "i386");
  EXPECT_FALSE(syspect::abi_from_name("arm64").has_value());
}

}  // namespace
