// The store's syscall behaviour, asserted with syspect: lookups stay in
// memory, saving is atomic, and the kvdump tool reads only its store.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <syspect/gtest.hpp>

#include "kvstore.hpp"

namespace {

using namespace syspect::testing;
using ::testing::_;
using ::testing::Each;
using ::testing::EndsWith;

class KvStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kvstore-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "store.kv").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(KvStoreTest, LookupsMakeNoSyscalls) {
  KvStore store;
  store.put("colour", "blue");
  syspect::FunctionTrace t = syspect::trace_function([&] {
    if (store.get("colour") != "blue") throw std::logic_error("lost a value");
  });
  EXPECT_TRUE(t.returned()) << t.exception();
  EXPECT_THAT(t, NoSyscalls());
}

TEST_F(KvStoreTest, SaveIsAtomic) {
  KvStore store;
  store.put("colour", "blue");
  std::string tmp = path_ + ".tmp";
  syspect::FunctionTrace t = syspect::trace_function([&] { store.save(path_); });
  ASSERT_TRUE(t.returned()) << t.exception();
  EXPECT_THAT(t, InOrder(Syscall("openat", Arg("pathname", tmp), Arg("flags", HasFlag("O_CREAT"))),
                         Syscall("write", Arg("buf", "colour=blue\n")),
                         Syscall("fsync"),
                         Syscall("close", Returns(0)),
                         Syscall("rename", Arg("oldpath", tmp), Arg("newpath", path_), Returns(0))));
  // The store itself is only ever replaced whole, never written in place.
  EXPECT_THAT(t, Never(Syscall("openat", Arg("pathname", path_))));
  EXPECT_THAT(t.syscalls("openat"), Each(Syscall(_, Arg("flags", HasFlag("O_CLOEXEC")))));
  // It ran in a child: the file exists, but nothing changed in this process.
  EXPECT_TRUE(std::filesystem::exists(path_));
}

TEST_F(KvStoreTest, LoadingAMissingStoreIsNotAnError) {
  syspect::FunctionTrace t = syspect::trace_function([&] { (void)KvStore::load(path_); });
  EXPECT_TRUE(t.returned()) << t.exception();
  EXPECT_THAT(t.syscalls(),
              ::testing::ElementsAre(Syscall("openat", Arg("pathname", path_), FailsWith("ENOENT"))));
}

TEST_F(KvStoreTest, KvdumpReadsOnlyItsStore) {
  std::ofstream(path_) << "colour=blue\nsize=3\n";
  syspect::Trace t = syspect::trace({KVDUMP, path_});
  EXPECT_THAT(t, ExitedWith(0));
  EXPECT_THAT(t, Calls(Syscall("openat", Arg("pathname", path_), Arg("flags", HasFlag("O_RDONLY")))));
  EXPECT_THAT(t, Calls(Syscall("write", Arg("fd", 1), Arg("buf", "colour=blue\nsize=3\n"))));
  EXPECT_THAT(t, Never(Syscall("@network")));
  EXPECT_THAT(t, SatisfiesSpec(KVDUMP_SPEC));
}

}  // namespace
