#include "decode.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <vector>

#include "memory.hpp"
#include "decoders/common.hpp"
#include "decoders/family.hpp"
#include "syscall_ids.hpp"

namespace syspect::detail {

std::string fd_path(pid_t tid, std::int64_t fd, bool* deleted) {
  if (deleted != nullptr) *deleted = false;
  if (fd < 0 && fd != AT_FDCWD) return {};
  std::string link = fd == AT_FDCWD ? fmt::format("/proc/{}/cwd", tid)
                                    : fmt::format("/proc/{}/fd/{}", tid, fd);
  char buf[PATH_MAX];
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n <= 0) return {};
  std::string path(buf, static_cast<std::size_t>(n));
  // The kernel adds " (deleted)" to the name of a file that is gone; a file
  // may also be named so. It is gone when the name no longer leads to the
  // file the fd holds (strace's test).
  constexpr std::string_view kDeleted = " (deleted)";
  if (path.size() <= kDeleted.size() || !std::string_view(path).ends_with(kDeleted)) return path;
  struct stat held {}, named {};
  if (::stat(link.c_str(), &held) != 0) return path;
  if (::lstat(path.c_str(), &named) == 0 && named.st_ino == held.st_ino && named.st_dev == held.st_dev)
    return path;
  path.resize(path.size() - kDeleted.size());
  if (deleted != nullptr) *deleted = true;
  return path;
}

void decode_number(const ArgDesc& d, ArgValue& v) {
  v.form = ArgValue::Form::Number;
  // `raw` holds the bits the kernel read (decode_entry() cut it to the C
  // type's width); a signed C type's value is sign-extended. Flags, enums,
  // octal and hex values are bit patterns: kept unsigned, as shown.
  switch (d.kind) {
    case ArgKind::Flags:
    case ArgKind::Hex:
    case ArgKind::Octal:
      v.num = static_cast<std::int64_t>(arg_bits(d, v.raw));
      break;
    default:
      v.num = arg_value(d, v.raw);
      break;
  }
}

namespace {

void decode_pointer(ArgValue& v) {
  v.form = v.raw == 0 ? ArgValue::Form::Null : ArgValue::Form::Pointer;
}

}  // namespace

void decode_string(pid_t tid, ArgValue& v, std::size_t limit) {
  if (v.raw == 0) {
    v.form = ArgValue::Form::Null;
    return;
  }
  auto s = read_string(tid, RemotePtr{v.raw}, limit);
  if (!s) {
    v.form = ArgValue::Form::Pointer;
    v.unreadable = true;
    return;
  }
  v.form = ArgValue::Form::String;
  v.bytes = std::move(s->bytes);
  v.truncated = s->truncated;
}

namespace {

void decode_buffer(pid_t tid, ArgValue& v, std::uint64_t len, std::size_t limit, std::size_t shown) {
  if (v.raw == 0) {
    v.form = ArgValue::Form::Null;
    return;
  }
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(len, limit));
  v.total_len = len;
  v.bytes.resize(want);
  long n = want == 0 ? 0 : read_memory(tid, RemotePtr{v.raw}, v.bytes.data(), want);
  // strace reads the bytes it shows (-s + 1) in one piece: a buffer that
  // ends in unmapped memory before them is shown as its address.
  if (n < 0 || static_cast<std::size_t>(n) < std::min<std::uint64_t>(want, shown + 1)) {
    v.bytes.clear();
    v.form = ArgValue::Form::Pointer;
    v.unreadable = true;
    return;
  }
  v.bytes.resize(static_cast<std::size_t>(n));
  v.form = ArgValue::Form::Bytes;
  v.truncated = v.bytes.size() < len;
}

// A NULL-terminated array of string pointers (argv, envp).
void decode_string_array(pid_t tid, ArgValue& v, Abi abi, const DecodeLimits& limits,
                         bool keep_items) {
  if (v.raw == 0) {
    v.form = ArgValue::Form::Null;
    return;
  }
  const std::size_t width = abi == Abi::x86_64 ? 8 : 4;
  std::vector<std::uint64_t> ptrs;
  std::uint64_t addr = v.raw;
  bool complete = false;
  unsigned char chunk[512];
  while (!complete) {
    long n = read_memory(tid, RemotePtr{addr}, chunk, sizeof chunk);
    if (n < static_cast<long>(width)) break;
    for (long off = 0; off + static_cast<long>(width) <= n; off += static_cast<long>(width)) {
      std::uint64_t p = 0;
      std::memcpy(&p, chunk + off, width);
      if (p == 0) {
        complete = true;
        break;
      }
      ptrs.push_back(p);
    }
    addr += static_cast<std::uint64_t>(n - n % static_cast<long>(width));
  }
  if (ptrs.empty() && !complete) {
    v.form = ArgValue::Form::Pointer;
    v.unreadable = true;
    return;
  }
  v.form = ArgValue::Form::StringArray;
  v.total_items = ptrs.size();
  v.truncated = !complete;
  // No NULL before memory that cannot be read: strace shows the array
  // "unterminated", ending "... /* the address */".
  v.unreadable = !complete;
  if (!keep_items) return;
  std::size_t keep = std::min(ptrs.size(), limits.max_argv);
  v.items.reserve(keep);
  for (std::size_t i = 0; i < keep; ++i) {
    auto s = read_string(tid, RemotePtr{ptrs[i]}, limits.max_string);
    // strace reads -s + 1 bytes of each: one that runs into unmapped
    // memory after them is shown cut.
    if (!s) {
      auto cut = read_string(tid, RemotePtr{ptrs[i]}, limits.struct_string + 1);
      if (cut && cut->truncated) s = std::move(cut);
    }
    // An item cut at max_string (or unreadable) is not the item: the array
    // is marked, with total_len one past the first such item.
    if ((!s || s->truncated) && v.total_len == 0) v.total_len = i + 1;
    // An item that cannot be read is shown as its address: member "[i]".
    if (!s) v.fields.push_back({member_name(fmt::format("[{}]", i)), static_cast<std::int64_t>(ptrs[i])});
    v.items.push_back(s ? std::move(s->bytes) : std::string());
  }
  if (keep < ptrs.size() || v.total_len != 0) v.truncated = true;
}

void decode_fd_pair(pid_t tid, ArgValue& v, const DecodeLimits& limits) {
  int fds[2];
  if (v.raw == 0 || !read_exact(tid, RemotePtr{v.raw}, fds, sizeof fds)) {
    decode_pointer(v);
    v.unreadable = v.raw != 0;
    return;
  }
  v.form = ArgValue::Form::Pair;
  v.num = fds[0];
  v.num2 = fds[1];
  if (limits.fd_paths) {
    v.fd_path = fd_path(tid, fds[0], &v.fd_deleted);
    v.fd_path2 = fd_path(tid, fds[1], &v.fd_deleted2);
  }
}

std::uint64_t length_of(const SyscallEvent& e, const ArgDesc& d) {
  if (d.len_arg == kLenResult) return e.result < 0 ? 0 : static_cast<std::uint64_t>(e.result);
  if (d.len_arg >= 0 && d.len_arg < e.nargs) return e.args[d.len_arg].raw;
  return 0;
}

}  // namespace

void decode_one(pid_t tid, const SyscallEvent& e, const ArgDesc& d, ArgValue& v,
                const DecodeLimits& limits) {
  switch (d.kind) {
    case ArgKind::Path:
    case ArgKind::Str:
      decode_string(tid, v, limits.max_string);
      if (v.unreadable && d.kind == ArgKind::Str) {
        // strace reads -s + 1 bytes of a string (and a path up to
        // PATH_MAX): one that runs into unmapped memory after them is
        // shown cut ("0123..."...), not as its address.
        auto s = read_string(tid, RemotePtr{v.raw}, limits.struct_string + 1);
        if (s && s->truncated) {
          v.form = ArgValue::Form::String;
          v.bytes = std::move(s->bytes);
          v.truncated = true;
          v.unreadable = false;
        }
      }
      break;
    case ArgKind::Buf:
      decode_buffer(tid, v, length_of(e, d), limits.max_buffer, limits.struct_string);
      break;
    case ArgKind::Argv:
    case ArgKind::Envp:
      // -e verbose=SET without this call: its arrays as addresses, as strace.
      if (limits.dereference) {
        decode_string_array(tid, v, e.abi, limits, true);
      } else {
        decode_pointer(v);
      }
      break;
    case ArgKind::FdPair:
      decode_fd_pair(tid, v, limits);
      break;
    case ArgKind::Struct:
      if (!limits.dereference || !decode_struct(tid, e, d, v, false, limits)) decode_pointer(v);
      break;
    case ArgKind::Ptr:
      decode_pointer(v);
      break;
    case ArgKind::Fd:
    case ArgKind::DirFd:
      decode_number(d, v);
      // AT_FDCWD names the cwd only where the call takes a directory fd:
      // strace shows a plain fd argument of -100 as the number.
      if (limits.fd_paths && (d.kind == ArgKind::DirFd || v.num >= 0))
        v.fd_path = fd_path(tid, v.num, &v.fd_deleted);
      break;
    default:
      decode_number(d, v);
      break;
  }
}

void decode_entry(pid_t tid, SyscallEvent& e, const std::uint64_t raw[6], std::uint64_t sp,
                  const DecodeLimits& limits) {
  const bool narrow = e.abi == Abi::i386;
  if (e.desc == nullptr) {
    e.nargs = 6;
    for (int i = 0; i < 6; ++i) {
      ArgValue& v = e.args[i];
      v.raw = narrow ? (raw[i] & 0xffffffffu) : raw[i];
      v.form = ArgValue::Form::Number;
      v.num = static_cast<std::int64_t>(v.raw);
    }
    return;
  }
  e.nargs = e.desc->nargs;
  // The kernel reads an argument at the width of its C type: the upper half
  // of the register is not part of an int (nor of anything on i386), and a
  // umode_t is 16 bits. Each value is cut once, here, so that the text, the
  // arguments that depend on others and the matchers all see what the
  // kernel used. All raw values first: a buffer takes its length from a
  // later argument.
  for (int i = 0; i < e.nargs; ++i)
    e.args[i].raw = arg_bits(e.desc->args[i], narrow ? (raw[i] & 0xffffffffu) : raw[i]);
  const SyscallFamily* family = family_of(e.desc);
  if (family != nullptr && family->decode_entry != nullptr && family->decode_entry(tid, e, sp, limits))
    return;
  for (int i = 0; i < e.nargs; ++i) {
    ArgValue& v = e.args[i];
    const ArgDesc& d = e.desc->args[i];
    if (d.dir == ArgDir::In) {
      decode_one(tid, e, d, v, limits);
    } else {
      // In/out structs are shown as they were before the call (pollfd,
      // fd_set), or keep their value for the exit (socklen_t).
      if (d.dir == ArgDir::InOut && d.kind == ArgKind::Struct && d.struct_name != nullptr &&
          limits.dereference && decode_struct(tid, e, d, v, true, limits)) {
        v.form = ArgValue::Form::Struct;
        continue;
      }
      decode_pointer(v);  // until the call returns
      if (d.kind != ArgKind::Ptr && d.kind != ArgKind::Struct && d.kind != ArgKind::Buf &&
          d.kind != ArgKind::FdPair && d.kind != ArgKind::Path && d.kind != ArgKind::Str)
        decode_number(d, v);
    }
  }
  if (family != nullptr && family->after_entry != nullptr) family->after_entry(tid, e, limits);
}

void decode_exit(pid_t tid, SyscallEvent& e, std::int64_t rval, bool is_error,
                 const DecodeLimits& limits) {
  if (e.abi == Abi::i386) rval = static_cast<std::int32_t>(rval);
  e.result = rval;
  e.err = is_error ? static_cast<int>(-rval) : 0;
  if (e.desc == nullptr) return;
  const SyscallFamily* family = family_of(e.desc);
  if (family != nullptr && family->decode_exit != nullptr && family->decode_exit(tid, e, limits)) return;
  if (is_error) {
    // A failed call wrote nothing; an in/out argument read at entry may
    // still show what it held (socklen_t's "[16]").
    for (int i = 0; i < e.nargs; ++i) {
      ArgValue& v = e.args[i];
      const ArgDesc& d = e.desc->args[i];
      if (d.dir != ArgDir::InOut || d.kind != ArgKind::Struct || d.struct_name == nullptr) continue;
      const StructDecoder* decoder = struct_decoder(d.struct_name);
      if (decoder != nullptr && decoder->on_failure != nullptr && decoder->on_failure(v))
        v.form = ArgValue::Form::Struct;
    }
    return;
  }
  if (limits.fd_paths && e.desc->ret == RetKind::Fd && rval >= 0)
    e.fd_path = fd_path(tid, rval, &e.fd_deleted);
  for (int i = 0; i < e.nargs; ++i) {
    const ArgDesc& d = e.desc->args[i];
    if (d.dir == ArgDir::In) continue;
    decode_one(tid, e, d, e.args[i], limits);
  }
  if (family != nullptr && family->after_exit != nullptr) family->after_exit(tid, e, limits);
}

}  // namespace syspect::detail
