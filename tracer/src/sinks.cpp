#include "syspect/sinks.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <optional>

#include <fmt/format.h>

#include "syscall_ids.hpp"
#include "syspect/stack.hpp"
#include "syspect/xlat.hpp"

namespace syspect {

// ---- SinkOutput ----

void SinkOutput::write(std::string_view bytes) {
  if (error_ != 0) return;
  errno = 0;
  if (std::fwrite(bytes.data(), 1, bytes.size(), out_) != bytes.size()) error_ = errno != 0 ? errno : EIO;
}

void SinkOutput::flush() {
  if (error_ != 0) return;
  errno = 0;
  if (std::fflush(out_) != 0 || std::ferror(out_)) error_ = errno != 0 ? errno : EIO;
}

// ---- TextSink ----

namespace {

// strace's dumpstr(): 16 bytes a line, " | 00010  6a 6b ...  jk... |".
void append_hex_dump(std::string& out, std::string_view data) {
  for (std::size_t at = 0; at < data.size(); at += 16) {
    fmt::format_to(std::back_inserter(out), " | {:05x}  ", at);
    std::string ascii;
    for (std::size_t j = 0; j < 16; ++j) {
      if (at + j < data.size()) {
        const auto c = static_cast<unsigned char>(data[at + j]);
        fmt::format_to(std::back_inserter(out), "{:02x} ", c);
        ascii += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.';
      } else {
        out += "   ";
        ascii += ' ';
      }
      if (j == 7) out += ' ';
    }
    out += ' ';
    out += ascii;
    out += " |\n";
  }
}

// A numeric member of a decoded struct, or null.
const StructField* member(const ArgValue& v, const std::string& name) {
  for (const StructField& f : v.fields) {
    if (!f.is_text && name == f.name) return &f;
  }
  return nullptr;
}

// The data of an iovec array (readv, writev, vmsplice, msg_iov of sendmsg
// and recvmsg) as strace's dumpiov_upto() shows it: each buffer's bytes,
// up to `budget` in all, as " * 3 bytes in buffer 0" and its dump; it
// stops at the first buffer with none. The decoder keeps the data in
// `v.bytes`, each buffer's up to `kept` bytes in all (what the call
// transferred, or all of an input), read here from `data`; each iov_len is
// member "PREFIX[i].iov_len".
std::string iovec_dump(const ArgValue& v, std::string_view prefix, std::uint64_t budget, std::uint64_t kept,
                       std::string_view& data) {
  std::string out;
  bool dumping = true;
  for (std::size_t i = 0;; ++i) {
    const StructField* len = member(v, fmt::format("{}[{}].iov_len", prefix, i));
    if (len == nullptr) break;
    const auto iov_len = static_cast<std::uint64_t>(len->value);
    const std::uint64_t here_kept = std::min(iov_len, kept);
    kept -= here_kept;
    const std::string_view chunk = data.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(here_kept, data.size())));
    data.remove_prefix(chunk.size());
    const std::uint64_t n = std::min(iov_len, budget);
    if (n == 0) dumping = false;
    if (!dumping) continue;
    budget -= n;
    fmt::format_to(std::back_inserter(out), " * {} bytes in buffer {}\n", n, i);
    append_hex_dump(out, chunk.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(n, chunk.size()))));
  }
  return out;
}

// sendmmsg's and recvmmsg's messages, as strace's dumpiov_in_mmsghdr():
// " = 2 buffers in vector 0", then its iovecs up to its msg_len.
std::string mmsghdr_dump(const ArgValue& v, bool reads) {
  std::string out;
  std::string_view data = v.bytes;
  for (std::size_t i = 0;; ++i) {
    const StructField* len = member(v, fmt::format("[{}].msg_len", i));
    const StructField* iovlen = member(v, fmt::format("[{}].msg_hdr.msg_iovlen", i));
    if (len == nullptr || iovlen == nullptr) break;
    const auto msg_len = static_cast<std::uint64_t>(len->value);
    fmt::format_to(std::back_inserter(out), " = {} buffers in vector {}\n",
                   static_cast<std::uint64_t>(iovlen->value), i);
    out += iovec_dump(v, fmt::format("[{}].msg_hdr.msg_iov", i), msg_len, reads ? msg_len : ~std::uint64_t{0},
                      data);
  }
  return out;
}

// The vector calls: where the iovecs are, whether they are read or
// written, and their members' prefix (null: mmsghdrs).
struct VectorIo {
  int arg;
  bool reads;
  const char* prefix;
};

std::optional<VectorIo> vector_io(const SyscallEvent& e) {
  switch (e.desc->id) {
    case SysId::readv: case SysId::preadv: case SysId::preadv2: return VectorIo{1, true, ""};
    case SysId::writev: case SysId::pwritev: case SysId::pwritev2: case SysId::vmsplice:
      return VectorIo{1, false, ""};
    case SysId::recvmsg: return VectorIo{1, true, "msg_iov"};
    case SysId::sendmsg: return VectorIo{1, false, "msg_iov"};
    case SysId::recvmmsg: return VectorIo{1, true, nullptr};
    case SysId::sendmmsg: return VectorIo{1, false, nullptr};
    default: return std::nullopt;
  }
}

// What -e read=SET and -e write=SET dump of a call that succeeded: the
// data read (up to the result) or written (up to the count), when its fd
// is in the set; empty otherwise.
std::string data_dump(const SyscallEvent& e, const FormatOptions& o) {
  if (e.desc == nullptr || e.err != 0 || !e.finished || e.nargs < 3) return {};
  if (auto vec = vector_io(e)) {
    const auto& in_set = vec->reads ? o.dump_read : o.dump_write;
    const ArgValue& v = e.args[vec->arg];
    if (!in_set || e.args[0].num < 0 || !in_set(e.args[0].num) || v.form != ArgValue::Form::Struct) return {};
    if (vec->prefix == nullptr) return mmsghdr_dump(v, vec->reads);
    const std::uint64_t budget = vec->reads ? static_cast<std::uint64_t>(e.result) : ~std::uint64_t{0};
    std::string_view data = v.bytes;
    return iovec_dump(v, vec->prefix, budget, budget, data);
  }
  const bool reads = is(e.desc, SysId::read) || is(e.desc, SysId::pread64) || is(e.desc, SysId::recvfrom);
  const bool writes = is(e.desc, SysId::write) || is(e.desc, SysId::pwrite64) || is(e.desc, SysId::sendto);
  const auto& in_set = reads ? o.dump_read : o.dump_write;
  if ((!reads && !writes) || !in_set || !in_set(e.args[0].num)) return {};
  const std::string& bytes = e.args[1].bytes;
  const std::uint64_t len = reads ? static_cast<std::uint64_t>(e.result) : e.args[2].raw;
  std::string out;
  append_hex_dump(out, std::string_view(bytes).substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(len, bytes.size()))));
  return out;
}

}  // namespace

TextSink::TextSink(std::FILE* out, FormatOptions options, PidPrefix prefix)
    : out_(out), options_(options), prefix_(prefix) {}

void TextSink::start_line(pid_t tid, std::int64_t time_ns, const std::uint64_t* ip, const Abi* abi) {
  line_.clear();
  live_.insert(tid);
  if (prefix_ == PidPrefix::Always) {
    fmt::format_to(std::back_inserter(line_), "{:<5} ", tid);
  } else if (prefix_ == PidPrefix::WhenMany && live_.size() > 1) {
    fmt::format_to(std::back_inserter(line_), "[pid {:>5}] ", tid);
  }
  if (options_.absolute != FormatOptions::Timestamps::None || options_.relative) {
    line_ += format_timestamp(time_ns, last_time_, options_);
    last_time_ = time_ns;
  }
  if (options_.syscall_numbers) {
    auto it = last_nr_.find(tid);
    if (it == last_nr_.end()) {
      line_ += "[????] ";
    } else {
      fmt::format_to(std::back_inserter(line_), "[{:4}] ", it->second);
    }
  }
  if (options_.instruction_pointer) {
    // As wide as the tracee's word, as strace: 8 digits in i386 and x32 mode.
    Abi mode = Abi::x86_64;
    if (abi != nullptr) {
      mode = *abi;
    } else if (auto it = personality_.find(tid); it != personality_.end()) {
      mode = it->second;
    }
    const bool narrow = mode != Abi::x86_64;
    if (ip == nullptr) {
      line_ += narrow ? "[????????] " : "[????????????????] ";
    } else {
      fmt::format_to(std::back_inserter(line_), "[{:0{}x}] ", *ip, narrow ? 8 : 16);
    }
  }
}

void TextSink::end_line() {
  line_ += '\n';
  out_.write(line_);
}

void TextSink::on_syscall(const SyscallEvent& e) {
  if (e.abi != Abi::x86_64 || !personality_.empty()) {
    auto it = personality_.find(e.tid);
    Abi before = it == personality_.end() ? Abi::x86_64 : it->second;
    if (before != e.abi) {
      if (!quiet_personality_) {
        start_line(e.tid, e.time_ns, &e.ip, &e.abi);
        fmt::format_to(std::back_inserter(line_), "[ Process PID={} runs in {} mode. ]", e.pid,
                       e.abi == Abi::i386 ? "32 bit" : e.abi == Abi::x32 ? "x32" : "64 bit");
        end_line();
      }
      if (e.abi == Abi::x86_64) {
        personality_.erase(it);
      } else {
        personality_[e.tid] = e.abi;
      }
    }
  }
  if (options_.syscall_numbers) last_nr_[e.tid] = e.nr;
  start_line(e.tid, e.time_ns, &e.ip, &e.abi);
  std::size_t column = line_.size();
  line_ += format_syscall(e, options_, column);
  end_line();
  if (options_.dump_read || options_.dump_write) out_.write(data_dump(e, options_));
  if (options_.stacks && e.stack) out_.write(format_stack(*e.stack, options_.stacks > 1));
}

void TextSink::on_signal(const SignalEvent& e) {
  start_line(e.tid, e.time_ns, &e.ip);
  line_ += format_signal(e, options_.xlat_style);
  end_line();
}

void TextSink::on_exec(const ExecEvent&) {}

void TextSink::on_exit(const ExitEvent& e) {
  if (!(e.superseded_by != 0 ? quiet_superseded_ : quiet_exits_)) {
    start_line(e.tid, e.time_ns);
    line_ += format_exit(e);
    end_line();
  }
  live_.erase(e.tid);
  personality_.erase(e.tid);
  last_nr_.erase(e.tid);
  // The thread that exec'd now goes by the leader's tid.
  if (e.superseded_by) live_.erase(e.superseded_by);
}

void TextSink::on_attached(pid_t, const std::vector<pid_t>& tids) {
  live_.insert(tids.begin(), tids.end());
}

void TextSink::on_detached(pid_t tid) {
  live_.erase(tid);
  personality_.erase(tid);
}

void TextSink::on_finish(const TraceResult&) { out_.flush(); }

// ---- JsonlSink ----

namespace {

// The length of the well-formed UTF-8 sequence at s[i] (Unicode 15, table
// 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or 0. JSON
// readers reject anything else in a string.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto at = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if ((at(i + k) >> 6) != 2) return 0;
  return n;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0, n; i < s.size(); i += n)
    if ((n = utf8_sequence(s, i)) == 0) return false;
  return true;
}

// Text as a JSON string; a byte that is not part of well-formed UTF-8
// becomes U+FFFD, so that the line stays valid JSON. Bytes that must come
// back as they were go through json_bytes.
void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t n = utf8_sequence(s, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s, i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

// Bytes as a JSON string when they are UTF-8, else {"hex": "..."}.
void json_bytes(std::string& out, std::string_view s) {
  if (valid_utf8(s)) {
    json_string(out, s);
    return;
  }
  out += "{\"hex\":\"";
  for (char ch : s) fmt::format_to(std::back_inserter(out), "{:02x}", static_cast<unsigned char>(ch));
  out += "\"}";
}

// An fd path, and whether its file was deleted: "fd_deleted":true, or
// false said aloud for a live file whose own name ends in " (deleted)"
// (a trace without the key keeps the older meaning of that ending).
void json_fd_path(std::string& out, std::string_view key, std::string_view path, bool deleted) {
  fmt::format_to(std::back_inserter(out), ",\"{}\":", key);
  json_bytes(out, path);
  const std::string_view flag = key == "fd_path2" ? "fd_deleted2" : "fd_deleted";
  if (deleted || path.ends_with(" (deleted)"))
    fmt::format_to(std::back_inserter(out), ",\"{}\":{}", flag, deleted);
}

void json_value(std::string& out, const ArgValue& v, const ArgDesc* d) {
  switch (v.form) {
    case ArgValue::Form::Number:
      if (d && (d->kind == ArgKind::Ulong || d->kind == ArgKind::Hex ||
                d->kind == ArgKind::Flags || d->kind == ArgKind::Octal)) {
        fmt::format_to(std::back_inserter(out), "{}", v.raw);
      } else {
        fmt::format_to(std::back_inserter(out), "{}", v.num);
      }
      return;
    case ArgValue::Form::Null:
      out += "null";
      return;
    case ArgValue::Form::Pointer:
    case ArgValue::Form::Unavailable:
      fmt::format_to(std::back_inserter(out), "{{\"ptr\":\"{:#x}\"}}", v.raw);
      return;
    case ArgValue::Form::String:
    case ArgValue::Form::Bytes:
      json_bytes(out, v.bytes);
      return;
    case ArgValue::Form::StringArray:
      out += '[';
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ',';
        json_bytes(out, v.items[i]);
      }
      out += ']';
      return;
    case ArgValue::Form::Pair:
      fmt::format_to(std::back_inserter(out), "[{},{}]", v.num, v.num2);
      return;
    case ArgValue::Form::Struct:
      fmt::format_to(std::back_inserter(out), "{{\"ptr\":\"{:#x}\",\"struct\":", v.raw);
      json_string(out, v.text);
      out += ",\"fields\":{";
      for (std::size_t i = 0; i < v.fields.size(); ++i) {
        if (i) out += ',';
        fmt::format_to(std::back_inserter(out), "\"{}\":", v.fields[i].name.view());
        if (v.fields[i].is_text)
          json_string(out, v.fields[i].str);
        else
          fmt::format_to(std::back_inserter(out), "{}", v.fields[i].value);
      }
      out += "}}";
      return;
  }
}

// "injected":{"rule":0,"error":"ENOSPC"}: what an injection did to the
// call (the result or errno it wrote, a signal after it, delays).
void json_injected(std::string& out, const SyscallEvent& e) {
  const InjectedFault& f = e.injected;
  fmt::format_to(std::back_inserter(out), ",\"injected\":{{\"rule\":{}", f.rule);
  if (f.skipped && e.err) {
    const char* name = errno_name(e.err);
    out += ",\"error\":";
    json_string(out, name ? name : fmt::format("{}", e.err));
  } else if (f.skipped) {
    fmt::format_to(std::back_inserter(out), ",\"retval\":{}", e.result);
  }
  if (f.signal) {
    out += ",\"signal\":";
    json_string(out, signal_name(f.signal));
  }
  if (f.delay_enter_us) fmt::format_to(std::back_inserter(out), ",\"delay_enter_us\":{}", f.delay_enter_us);
  if (f.delay_exit_us) fmt::format_to(std::back_inserter(out), ",\"delay_exit_us\":{}", f.delay_exit_us);
  out += '}';
}

void json_exe(std::string& out, const ExePath& exe) {
  out += ",\"exe\":";
  if (exe) {
    json_bytes(out, *exe);
  } else {
    out += "null";
  }
}

}  // namespace

JsonlSink::JsonlSink(std::FILE* out, const std::vector<std::string>& command,
                     FormatOptions options, const std::vector<std::pair<std::string, std::string>>& header)
    : out_(out), options_(options) {
  line_ = "{\"syspect\":1,\"command\":[";
  for (std::size_t i = 0; i < command.size(); ++i) {
    if (i) line_ += ',';
    json_bytes(line_, command[i]);
  }
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  line_ += "],\"start\":\"";
  line_ += stamp;
  line_ += '"';
  for (const auto& [name, value] : header) {
    line_ += ',';
    json_string(line_, name);
    line_ += ':';
    json_string(line_, value);
  }
  line_ += "}\n";
  out_.write(line_);
}

// "stack":[{"address":..,"module":"..","module_offset":..,"symbol":"..",
// "offset":..,"file":"..","line":..}]: the members that are known.
void json_stack(std::string& out, const std::vector<StackFrame>& frames) {
  out += ",\"stack\":[";
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const StackFrame& f = frames[i];
    if (i) out += ',';
    fmt::format_to(std::back_inserter(out), "{{\"address\":{}", f.address);
    if (!f.module.empty()) {
      out += ",\"module\":";
      json_bytes(out, f.module);
      fmt::format_to(std::back_inserter(out), ",\"module_offset\":{}", f.module_offset);
    }
    if (!f.symbol.empty()) {
      out += ",\"symbol\":";
      json_bytes(out, f.symbol);
      fmt::format_to(std::back_inserter(out), ",\"offset\":{}", f.offset);
    }
    if (!f.file.empty()) {
      out += ",\"file\":";
      json_bytes(out, f.file);
      fmt::format_to(std::back_inserter(out), ",\"line\":{}", f.line);
    }
    out += '}';
  }
  out += ']';
}

void JsonlSink::on_syscall(const SyscallEvent& e) {
  line_.clear();
  fmt::format_to(std::back_inserter(line_),
                 "{{\"type\":\"syscall\",\"seq\":{},\"pid\":{},\"tid\":{},\"abi\":\"{}\",\"name\":\"{}\","
                 "\"nr\":{},\"args\":[",
                 e.seq, e.pid, e.tid, abi_name(e.abi), e.name(), e.nr);
  for (int i = 0; i < e.nargs; ++i) {
    if (i) line_ += ',';
    const ArgDesc* d = e.desc ? &e.desc->args[i] : nullptr;
    line_ += "{\"name\":";
    if (d) {
      json_string(line_, d->name);
    } else {
      fmt::format_to(std::back_inserter(line_), "\"{}\"", i);
    }
    fmt::format_to(std::back_inserter(line_), ",\"raw\":{},\"value\":", e.args[i].raw);
    json_value(line_, e.args[i], d);
    if (e.args[i].unreadable) line_ += ",\"unreadable\":true";
    if (e.args[i].truncated) line_ += ",\"truncated\":true";
    if (!e.args[i].fd_path.empty()) json_fd_path(line_, "fd_path", e.args[i].fd_path, e.args[i].fd_deleted);
    if (e.args[i].form == ArgValue::Form::Bytes && !e.args[i].text.empty()) {
      line_ += ",\"decoded\":";
      json_string(line_, e.args[i].text);
    }
    if (!e.args[i].text_out.empty()) {
      line_ += ",\"text_out\":";
      json_string(line_, e.args[i].text_out);
    }
    if (!e.args[i].fd_path2.empty())
      json_fd_path(line_, "fd_path2", e.args[i].fd_path2, e.args[i].fd_deleted2);
    line_ += '}';
  }
  line_ += "],\"result\":";
  if (e.finished && !e.no_return) {
    fmt::format_to(std::back_inserter(line_), "{}", e.err ? -1 : e.result);
  } else {
    line_ += "null";
  }
  line_ += ",\"errno\":";
  if (e.err) {
    const char* name = errno_name(e.err);
    json_string(line_, name ? name : fmt::format("{}", e.err));
  } else {
    line_ += "null";
  }
  if (!e.fd_path.empty()) json_fd_path(line_, "fd_path", e.fd_path, e.fd_deleted);
  if (e.nargs == 0 && e.args[0].form == ArgValue::Form::Struct) {
    // rt_sigreturn: the signal frame's mask, which strace shows as its argument.
    fmt::format_to(std::back_inserter(line_), ",\"frame\":{{\"raw\":{},\"value\":", e.args[0].raw);
    json_value(line_, e.args[0], nullptr);
    line_ += '}';
  }
  fmt::format_to(std::back_inserter(line_), ",\"finished\":{}", e.finished ? "true" : "false");
  if (e.detached) line_ += ",\"detached\":true";
  if (e.vsyscall) line_ += ",\"vsyscall\":true";
  if (e.changed_args != 0) {
    line_ += ",\"changed_args\":[";
    bool first = true;
    for (int i = 0; i < 6; ++i) {
      if (!(e.changed_args & (1u << i))) continue;
      if (!first) line_ += ',';
      first = false;
      fmt::format_to(std::back_inserter(line_), "{}", i);
    }
    line_ += ']';
  }
  if (e.injected.any()) json_injected(line_, e);
  if (e.exec_old_tid) fmt::format_to(std::back_inserter(line_), ",\"exec_old_tid\":{}", e.exec_old_tid);
  if (!e.opened_path.empty()) {
    line_ += ",\"opened_path\":";
    json_bytes(line_, e.opened_path);
  }
  if (e.untraced_child_killed) line_ += ",\"untraced_child_killed\":true";
  if (e.stack) json_stack(line_, *e.stack);
  if (e.time_ns != 0) fmt::format_to(std::back_inserter(line_), ",\"time_ns\":{}", e.time_ns);
  if (e.duration_ns >= 0) fmt::format_to(std::back_inserter(line_), ",\"duration_ns\":{}", e.duration_ns);
  json_exe(line_, e.exe);
  line_ += ",\"text\":";
  FormatOptions plain = options_;
  plain.align = false;
  plain.syscall_times = false;
  json_string(line_, format_syscall(e, plain));
  line_ += "}\n";
  out_.write(line_);
}

void JsonlSink::on_signal(const SignalEvent& e) {
  line_.clear();
  fmt::format_to(std::back_inserter(line_),
                 "{{\"type\":\"signal\",\"seq\":{},\"pid\":{},\"tid\":{},\"signo\":{},\"signal\":\"{}\","
                 "\"code\":{},\"sender_pid\":{},\"stopped\":{}",
                 e.seq, e.pid, e.tid, e.signo, signal_name(e.signo), e.code, e.sender_pid,
                 e.stopped ? "true" : "false");
  if (e.time_ns != 0) fmt::format_to(std::back_inserter(line_), ",\"time_ns\":{}", e.time_ns);
  json_exe(line_, e.exe);
  line_ += ",\"text\":";
  json_string(line_, format_signal(e));
  line_ += "}\n";
  out_.write(line_);
}

void JsonlSink::on_exec(const ExecEvent& e) {
  line_.clear();
  fmt::format_to(std::back_inserter(line_),
                 "{{\"type\":\"exec\",\"seq\":{},\"pid\":{},\"old_tid\":{},\"filename\":", e.seq,
                 e.pid, e.old_tid);
  json_bytes(line_, e.filename);
  line_ += "}\n";
  out_.write(line_);
}

void JsonlSink::on_exit(const ExitEvent& e) {
  line_.clear();
  fmt::format_to(std::back_inserter(line_),
                 "{{\"type\":\"exit\",\"seq\":{},\"pid\":{},\"tid\":{},\"signaled\":{},\"code\":{},"
                 "\"signal\":",
                 e.seq, e.pid, e.tid, e.signaled ? "true" : "false", e.code);
  if (e.signaled) {
    json_string(line_, signal_name(e.signal));
  } else {
    line_ += "null";
  }
  if (e.superseded_by) fmt::format_to(std::back_inserter(line_), ",\"superseded_by\":{}", e.superseded_by);
  if (e.time_ns != 0) fmt::format_to(std::back_inserter(line_), ",\"time_ns\":{}", e.time_ns);
  json_exe(line_, e.exe);
  line_ += ",\"text\":";
  json_string(line_, format_exit(e));
  line_ += "}\n";
  out_.write(line_);
}

void JsonlSink::on_finish(const TraceResult& r) {
  line_.clear();
  fmt::format_to(std::back_inserter(line_),
                 "{{\"type\":\"end\",\"status\":{},\"exit_code\":{},\"signal\":", r.status(),
                 r.exit_code);
  if (r.signaled) {
    json_string(line_, signal_name(r.term_signal));
  } else {
    line_ += "null";
  }
  fmt::format_to(std::back_inserter(line_),
                 ",\"timed_out\":{},\"detached\":{},\"interrupted\":{},\"interrupt_signal\":",
                 r.timed_out ? "true" : "false", r.detached ? "true" : "false",
                 r.interrupted ? "true" : "false");
  if (r.interrupted && r.interrupt_signal != 0) {
    json_string(line_, signal_name(r.interrupt_signal));
  } else {
    line_ += "null";
  }
  line_ += "}\n";
  out_.write(line_);
  out_.flush();
}

}  // namespace syspect
