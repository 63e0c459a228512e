// The struct decoders on this process's own memory: the tracer reads a
// tracee with process_vm_readv, which reads the caller's memory as well.
// Every expected string is what strace 6.1 prints for the same call.

#include <signal.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "decode.hpp"
#include "hand_made.hpp"
#include "structs.hpp"

namespace syspect {
namespace {

using testing_events::call;

std::uint64_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

// The iovec argument of `name` over `buffers`, decoded with -s `limit`.
std::string iovecs(const char* name, std::vector<std::string>& buffers, std::int64_t result,
                   std::size_t limit) {
  std::vector<iovec> iov;
  for (std::string& b : buffers) iov.push_back({b.data(), b.size()});
  SyscallEvent e = call(name, {1, address(iov.data()), iov.size()}, result);
  detail::DecodeLimits limits;
  limits.struct_string = limit;
  ArgValue& v = e.args[1];
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[1], v, false, limits));
  return v.text;
}

TEST(DecodeIovec, DataStopsAtTheStringLimit) {
  std::vector<std::string> out = {std::string(50, 'a'), std::string(10, 'b'), "c", "d"};
  // python3 -c "import os; os.writev(1,[b'a'*50, b'b'*10, b'c', b'd'])"
  EXPECT_EQ(iovecs("writev", out, 62, 32),
            "[{iov_base=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"..., iov_len=50}, {iov_base=\"bbbbbbbbbb\", "
            "iov_len=10}, {iov_base=\"c\", iov_len=1}, {iov_base=\"d\", iov_len=1}]");
  EXPECT_EQ(iovecs("writev", out, 62, 100),
            fmt::format("[{{iov_base=\"{}\", iov_len=50}}, {{iov_base=\"bbbbbbbbbb\", iov_len=10}}, "
                        "{{iov_base=\"c\", iov_len=1}}, {{iov_base=\"d\", iov_len=1}}]",
                        std::string(50, 'a')));
  EXPECT_EQ(iovecs("writev", out, 62, 5),
            "[{iov_base=\"aaaaa\"..., iov_len=50}, {iov_base=\"bbbbb\"..., iov_len=10}, "
            "{iov_base=\"c\", iov_len=1}, {iov_base=\"d\", iov_len=1}]");
  // -s also bounds how many elements are shown.
  EXPECT_EQ(iovecs("writev", out, 62, 2),
            "[{iov_base=\"aa\"..., iov_len=50}, {iov_base=\"bb\"..., iov_len=10}, ...]");
}

TEST(DecodeIovec, ReadDataStopsAtTheResult) {
  std::vector<std::string> in = {std::string(40, 'x'), std::string(40, 'x')};
  EXPECT_EQ(iovecs("readv", in, 45, 32),
            "[{iov_base=\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"..., iov_len=40}, {iov_base=\"xxxxx\", "
            "iov_len=40}]");
  EXPECT_EQ(iovecs("readv", in, 3, 32), "[{iov_base=\"xxx\", iov_len=40}, {iov_base=\"\", iov_len=40}]");
  EXPECT_EQ(iovecs("readv", in, 45, 50),
            fmt::format("[{{iov_base=\"{}\", iov_len=40}}, {{iov_base=\"xxxxx\", iov_len=40}}]",
                        std::string(40, 'x')));
}

// pselect6's sixth argument.
std::string pselect_sigmask(const void* pack) {
  SyscallEvent e = call("pselect6", {1, 0, 0, 0, 0, address(pack)});
  detail::DecodeLimits limits;
  ArgValue& v = e.args[5];
  EXPECT_TRUE(detail::decode_struct(getpid(), e, e.desc->args[5], v, true, limits));
  return v.text;
}

TEST(DecodePselect6, PackedSigmask) {
  std::uint64_t mask = (1u << (SIGINT - 1)) | (1u << (SIGTERM - 1));
  struct {
    std::uint64_t ss, ss_len;
  } pack{address(&mask), 8};
  EXPECT_EQ(pselect_sigmask(&pack), "{sigmask=[INT TERM], sigsetsize=8}");
  pack.ss_len = 3;  // not the kernel's size: the address
  EXPECT_EQ(pselect_sigmask(&pack), fmt::format("{{sigmask={:#x}, sigsetsize=3}}", address(&mask)));
  pack = {0, 8};
  EXPECT_EQ(pselect_sigmask(&pack), "{sigmask=NULL, sigsetsize=8}");
}

}  // namespace
}  // namespace syspect
