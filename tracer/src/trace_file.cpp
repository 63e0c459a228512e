#include "syspect/trace_file.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <type_traits>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "decode.hpp"
#include "syspect/xlat.hpp"
#include "syscall_ids.hpp"
#include "restart_errno.hpp"

namespace syspect {
namespace {

using nlohmann::json;

// A problem with one line; caught in read_trace and given the line number.
struct LineError {
  std::string message;
};

[[noreturn]] void bad(std::string message) { throw LineError{std::move(message)}; }

const json& field(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) bad(fmt::format("missing \"{}\"", key));
  return *it;
}

std::int64_t int_field(const json& o, const char* key) {
  const json& v = field(o, key);
  if (!v.is_number_integer()) bad(fmt::format("\"{}\" is not an integer", key));
  return v.get<std::int64_t>();
}

// An optional field of a later format revision, or `fallback`.
template <typename T>
T opt_field(const json& o, const char* key, T fallback) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return fallback;
  // A float read as an integer is undefined behaviour once out of range.
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!it->is_number_integer()) bad(fmt::format("\"{}\" is not an integer", key));
  }
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    bad(fmt::format("\"{}\" has the wrong type", key));
  }
}

std::uint64_t raw_of(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  bad("\"raw\" is not an integer");
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A JSON string, or {"hex": "..."} for bytes that are not UTF-8.
std::string bytes_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("hex") && v["hex"].is_string()) {
    const std::string& h = v["hex"].get_ref<const std::string&>();
    if (h.size() % 2 != 0) bad("odd number of hex digits");
    std::string out;
    out.reserve(h.size() / 2);
    for (std::size_t i = 0; i < h.size(); i += 2) {
      int hi = hex_digit(h[i]), lo = hex_digit(h[i + 1]);
      if (hi < 0 || lo < 0) bad("bad hex digit");
      out += static_cast<char>(hi * 16 + lo);
    }
    return out;
  }
  bad("expected a string or {\"hex\": ...}");
}

std::optional<long> parse_long(std::string_view s) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

int errno_from(const json& v) {
  if (v.is_number_integer()) return v.get<int>();
  if (!v.is_string()) bad("\"errno\" is not a name");
  const std::string& name = v.get_ref<const std::string&>();
  if (auto x = xlat_value(errno_names(), name)) return static_cast<int>(*x);
  if (auto n = parse_long(name)) return static_cast<int>(*n);
  bad(fmt::format("unknown errno name \"{}\"", name));
}

// The inverse of signal_name().
int signal_from(std::string_view name) {
  if (auto x = xlat_value(signal_names(), name)) return static_cast<int>(*x);
  if (name == "SIGRTMIN") return 32;
  if (name.starts_with("SIGRT_")) {
    if (auto n = parse_long(name.substr(6))) return 32 + static_cast<int>(*n);
  }
  if (auto n = parse_long(name)) return static_cast<int>(*n);
  bad(fmt::format("unknown signal name \"{}\"", name));
}

// An event's "injected" object (JsonlSink's json_injected()).
void read_injected(const json& v, SyscallEvent& e) {
  if (!v.is_object()) bad("\"injected\" is not an object");
  InjectedFault& f = e.injected;
  std::int64_t rule = opt_field<std::int64_t>(v, "rule", 0);
  if (rule < 0 || rule > 0xffff) bad("\"injected\": \"rule\" is out of range");
  f.rule = static_cast<std::uint16_t>(rule);
  f.skipped = v.contains("error") || v.contains("retval");
  if (auto s = v.find("signal"); s != v.end()) {
    if (!s->is_string()) bad("\"injected\": \"signal\" is not a name");
    f.signal = signal_from(s->get_ref<const std::string&>());
  }
  auto delay = [&](const char* key) {
    std::int64_t us = opt_field<std::int64_t>(v, key, 0);
    if (us < 0 || us > 0xffffffffll) bad(fmt::format("\"injected\": \"{}\" is out of range", key));
    return static_cast<std::uint32_t>(us);
  };
  f.delay_enter_us = delay("delay_enter_us");
  f.delay_exit_us = delay("delay_exit_us");
}

// "si_uid=1000" out of a signal's text, for files that lack the field.
std::optional<std::string> text_value(std::string_view text, std::string_view key) {
  std::string k = std::string(key) + "=";
  auto at = text.find(k);
  if (at == std::string_view::npos) return std::nullopt;
  auto from = at + k.size();
  auto to = text.find_first_of(",} ", from);  // " /* 0.01 s */" may follow
  return std::string(text.substr(from, to == std::string_view::npos ? to : to - from));
}

long text_number(std::string_view text, std::string_view key, long fallback) {
  auto v = text_value(text, key);
  if (!v) return fallback;
  if (v->starts_with("0x")) {
    std::uint64_t x = 0;
    auto [p, ec] = std::from_chars(v->data() + 2, v->data() + v->size(), x, 16);
    return ec == std::errc() ? static_cast<long>(x) : fallback;
  }
  if (auto n = parse_long(*v)) return *n;
  return fallback;
}

using detail::is_restart_errno;

// The syscall table entry a recorded call refers to. Its name must be the
// one the table gives its number on that ABI, or, for a call by number
// only, "syscall_0x..." of that number (SyscallEvent::name()): a name of
// another call, or of none, is a damaged or forged file, never a call
// that checks and policies would see under one name and the kernel under
// another.
const SyscallDesc* desc_for(Abi abi, long nr, const std::string& name) {
  constexpr long kX32Bit = 0x40000000;
  Abi table = abi == Abi::x32 ? Abi::x86_64 : abi;
  const SyscallDesc* d = lookup_syscall(table, abi == Abi::x32 ? nr & ~kX32Bit : nr);
  if (d != nullptr && name == d->name) return d;
  if (name == fmt::format("syscall_{:#x}", static_cast<unsigned long>(nr))) return nullptr;
  std::string nr_is = d != nullptr ? fmt::format("\"nr\" {} is {} on {}", nr, d->name, abi_name(abi))
                                   : fmt::format("\"nr\" {} is no {} syscall", nr, abi_name(abi));
  if (find_syscall(table, name) != nullptr) bad(fmt::format("\"name\" is \"{}\", but {}", name, nr_is));
  bad(fmt::format("unknown syscall name \"{}\" ({})", name, nr_is));
}

class Reader {
 public:
  RecordedTrace out;
  Trace trace;  // built as the lines are read
  std::vector<std::string> command;
  TraceResult result;
  bool ended = false;

  void header(const json& h) {
    auto it = h.find("syspect");
    if (it == h.end()) bad("not a syspect trace: the first line has no \"syspect\" version");
    if (!it->is_number_integer()) bad("\"syspect\" version is not an integer");
    out.version = it->get<int>();
    if (out.version != kTraceFileVersion)
      bad(fmt::format("trace format version {} is not supported (this syspect reads version {})",
                      out.version, kTraceFileVersion));
    const json& c = field(h, "command");
    if (!c.is_array()) bad("\"command\" is not an array");
    for (const json& a : c) command.push_back(bytes_of(a));
    out.start = opt_field<std::string>(h, "start", "");
    out.kept = opt_field<std::string>(h, "trace", "");
    out.redacted_env = opt_field<std::string>(h, "redacted_env", "");
    trace = Trace(command);
  }

  void event(const json& o) {
    if (ended) bad("an event after the \"end\" line");
    const json& t = field(o, "type");
    if (!t.is_string()) bad("\"type\" is not a string");
    const std::string& type = t.get_ref<const std::string&>();
    if (type == "syscall") {
      trace.append(syscall(o));
    } else if (type == "signal") {
      trace.append(signal(o));
    } else if (type == "exec") {
      trace.append(exec(o));
    } else if (type == "exit") {
      trace.append(exit(o));
    } else if (type == "end") {
      end(o);
    } else {
      bad(fmt::format("unknown event type \"{}\"", type));
    }
  }

 private:
  std::unordered_map<std::string, ExePath> exes_;
  std::unordered_map<pid_t, const SyscallDesc*> interrupted_;

  ExePath exe_of(const json& o) {
    auto it = o.find("exe");
    if (it == o.end() || it->is_null()) return nullptr;
    std::string s = bytes_of(*it);
    auto& slot = exes_[s];
    if (!slot) slot = std::make_shared<const std::string>(s);
    return slot;
  }

  static pid_t pid_field(const json& o, const char* key) {
    return static_cast<pid_t>(int_field(o, key));
  }

  // An fd path and whether its file was deleted. A trace written before
  // syspect said so has no "fd_deleted": there, a path that ends in
  // " (deleted)" names a deleted file, as readlink says it.
  std::string fd_path_of(const json& path, const json& o, const char* key, bool& deleted) {
    std::string p = bytes_of(path);
    constexpr std::string_view kDeleted = " (deleted)";
    deleted = opt_field<bool>(o, key, false);
    if (o.find(key) == o.end() && p.size() > kDeleted.size() && std::string_view(p).ends_with(kDeleted)) {
      p.resize(p.size() - kDeleted.size());
      deleted = true;
    }
    return p;
  }

  void arg(const json& a, const ArgDesc* d, SyscallEvent& e, ArgValue& v);

  // record -k: the call's frames, innermost first.
  Stack stack_of(const json& st) {
    if (!st.is_array()) bad("\"stack\" is not an array");
    auto frames = std::make_shared<std::vector<StackFrame>>();
    frames->reserve(st.size());
    for (const json& j : st) {
      if (!j.is_object()) bad("a stack frame is not an object");
      StackFrame f;
      f.address = raw_of(field(j, "address"));
      if (auto m = j.find("module"); m != j.end()) f.module = bytes_of(*m);
      f.module_offset = opt_field<std::uint64_t>(j, "module_offset", 0);
      if (auto m = j.find("symbol"); m != j.end()) f.symbol = bytes_of(*m);
      f.offset = opt_field<std::uint64_t>(j, "offset", 0);
      if (auto m = j.find("file"); m != j.end()) f.file = bytes_of(*m);
      f.line = opt_field<int>(j, "line", 0);
      frames->push_back(std::move(f));
    }
    return frames;
  }

  SyscallEvent syscall(const json& o) {
    SyscallEvent e;
    e.seq = static_cast<std::uint64_t>(opt_field<std::int64_t>(o, "seq", 0));
    e.pid = pid_field(o, "pid");
    e.tid = pid_field(o, "tid");
    const json& abi = field(o, "abi");
    if (!abi.is_string()) bad("\"abi\" is not a string");
    auto a = abi_from_name(abi.get_ref<const std::string&>());
    if (!a) bad(fmt::format("unknown abi \"{}\"", abi.get<std::string>()));
    e.abi = *a;
    e.nr = static_cast<long>(int_field(o, "nr"));
    const json& name = field(o, "name");
    if (!name.is_string()) bad("\"name\" is not a string");
    e.desc = desc_for(e.abi, e.nr, name.get_ref<const std::string&>());

    // The result first: a buffer's length may be the result.
    e.finished = opt_field<bool>(o, "finished", true);
    e.detached = !e.finished && opt_field<bool>(o, "detached", false);
    e.vsyscall = opt_field<bool>(o, "vsyscall", false);
    if (auto it = o.find("changed_args"); it != o.end() && it->is_array()) {
      for (const auto& i : *it)
        if (i.is_number_unsigned() && i.get<unsigned>() < 6) e.changed_args |= static_cast<std::uint8_t>(1u << i.get<unsigned>());
    }
    if (auto p = o.find("fd_path"); p != o.end()) e.fd_path = fd_path_of(*p, o, "fd_deleted", e.fd_deleted);
    const json& errno_v = field(o, "errno");
    const json& result = field(o, "result");
    if (!errno_v.is_null()) {
      e.err = errno_from(errno_v);
      e.result = -e.err;
    } else if (result.is_null()) {
      e.no_return = e.finished;
    } else {
      if (!result.is_number_integer()) bad("\"result\" is not an integer");
      e.result = result.is_number_unsigned() ? static_cast<std::int64_t>(result.get<std::uint64_t>())
                                             : result.get<std::int64_t>();
    }
    e.no_return = opt_field<bool>(o, "no_return", e.no_return);
    e.blocked = opt_field<bool>(o, "blocked", false);
    if (auto in = o.find("injected"); in != o.end()) read_injected(*in, e);

    const json& args = field(o, "args");
    if (!args.is_array()) bad("\"args\" is not an array");
    if (args.size() > 6) bad("more than 6 arguments");
    // Printing a known call reads its table entry for each argument.
    if (e.desc && args.size() != e.desc->nargs)
      bad(fmt::format("{} takes {} arguments, not {}", e.desc->name, e.desc->nargs, args.size()));
    e.nargs = static_cast<std::uint8_t>(args.size());
    // Raw values first: a buffer takes its length from a later argument.
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (!args[i].is_object()) bad("an argument is not an object");
      e.args[i].raw = raw_of(field(args[i], "raw"));
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
      const ArgDesc* d = e.desc && i < e.desc->nargs ? &e.desc->args[i] : nullptr;
      arg(args[i], d, e, e.args[i]);
    }
    if (auto f = o.find("frame"); f != o.end() && args.empty()) arg(*f, nullptr, e, e.args[0]);
    e.exec_old_tid = static_cast<pid_t>(opt_field<std::int64_t>(o, "exec_old_tid", 0));
    if (auto p = o.find("opened_path"); p != o.end()) e.opened_path = bytes_of(*p);
    e.untraced_child_killed = opt_field<bool>(o, "untraced_child_killed", false);
    if (auto st = o.find("stack"); st != o.end()) e.stack = stack_of(*st);
    e.time_ns = opt_field<std::int64_t>(o, "time_ns", 0);
    e.duration_ns = opt_field<std::int64_t>(o, "duration_ns", -1);
    if (e.duration_ns < -1) bad("\"duration_ns\" is negative");
    e.exe = exe_of(o);

    // restart_syscall resumes the call the same thread had interrupted.
    if (auto r = o.find("resumed"); r != o.end() && r->is_string()) {
      e.resumed = find_syscall(e.abi == Abi::x32 ? Abi::x86_64 : e.abi, r->get<std::string>());
      if (e.resumed == nullptr)
        bad(fmt::format("unknown syscall name \"{}\" in \"resumed\"", r->get<std::string>()));
    } else if (is(e.desc, SysId::restart_syscall)) {
      if (auto it = interrupted_.find(e.tid); it != interrupted_.end()) e.resumed = it->second;
    }
    if (e.err && is_restart_errno(e.err)) interrupted_[e.tid] = e.resumed ? e.resumed : e.desc;
    return e;
  }

  SignalEvent signal(const json& o) {
    SignalEvent e;
    e.seq = static_cast<std::uint64_t>(opt_field<std::int64_t>(o, "seq", 0));
    e.pid = pid_field(o, "pid");
    e.tid = pid_field(o, "tid");
    e.signo = static_cast<int>(int_field(o, "signo"));
    e.code = static_cast<int>(opt_field<std::int64_t>(o, "code", 0));
    e.sender_pid = static_cast<pid_t>(opt_field<std::int64_t>(o, "sender_pid", 0));
    e.stopped = opt_field<bool>(o, "stopped", false);
    e.time_ns = opt_field<std::int64_t>(o, "time_ns", 0);
    e.exe = exe_of(o);
    // Fields the text has but older files do not carry on their own.
    std::string text = opt_field<std::string>(o, "text", "");
    e.errno_ = static_cast<int>(opt_field<std::int64_t>(o, "errno", 0));
    e.sender_uid = static_cast<uid_t>(
        opt_field<std::int64_t>(o, "sender_uid", text_number(text, "si_uid", 0)));
    if (auto s = o.find("status"); s != o.end() && s->is_number_integer()) {
      e.status = s->get<int>();
    } else if (auto st = text_value(text, "si_status")) {
      e.status = st->starts_with("SIG") ? signal_from(*st) : static_cast<int>(parse_long(*st).value_or(0));
    }
    e.utime = opt_field<long>(o, "utime", text_number(text, "si_utime", 0));
    e.stime = opt_field<long>(o, "stime", text_number(text, "si_stime", 0));
    e.addr = opt_field<std::uint64_t>(
        o, "addr", static_cast<std::uint64_t>(text_number(text, "si_addr", 0)));
    e.syscall = static_cast<int>(opt_field<std::int64_t>(o, "syscall", 0));
    return e;
  }

  ExecEvent exec(const json& o) {
    ExecEvent e;
    e.seq = static_cast<std::uint64_t>(opt_field<std::int64_t>(o, "seq", 0));
    e.pid = pid_field(o, "pid");
    e.old_tid = static_cast<pid_t>(opt_field<std::int64_t>(o, "old_tid", e.pid));
    e.filename = bytes_of(field(o, "filename"));
    e.exe = o.contains("exe") ? exe_of(o) : exe_of(json{{"exe", e.filename}});
    return e;
  }

  ExitEvent exit(const json& o) {
    ExitEvent e;
    e.seq = static_cast<std::uint64_t>(opt_field<std::int64_t>(o, "seq", 0));
    e.pid = pid_field(o, "pid");
    e.tid = pid_field(o, "tid");
    e.signaled = opt_field<bool>(o, "signaled", false);
    e.code = static_cast<int>(opt_field<std::int64_t>(o, "code", 0));
    if (auto s = o.find("signal"); s != o.end() && s->is_string()) e.signal = signal_from(s->get<std::string>());
    std::string text = opt_field<std::string>(o, "text", "");
    e.core_dumped = opt_field<bool>(o, "core_dumped", text.find("(core dumped)") != std::string::npos);
    e.group_leader = opt_field<bool>(o, "group_leader", e.pid == e.tid);
    e.superseded_by = static_cast<pid_t>(opt_field<std::int64_t>(o, "superseded_by", 0));
    e.time_ns = opt_field<std::int64_t>(o, "time_ns", 0);
    e.exe = exe_of(o);
    return e;
  }

  void end(const json& o) {
    ended = true;
    result.started = !trace.events().empty();
    result.exit_code = static_cast<int>(opt_field<std::int64_t>(o, "exit_code", 0));
    if (auto s = o.find("signal"); s != o.end() && s->is_string()) {
      result.signaled = true;
      result.term_signal = signal_from(s->get<std::string>());
    }
    result.timed_out = opt_field<bool>(o, "timed_out", false);
    result.detached = opt_field<bool>(o, "detached", false);
    result.interrupted = opt_field<bool>(o, "interrupted", false);
    if (auto s = o.find("interrupt_signal"); s != o.end() && s->is_string())
      result.interrupt_signal = signal_from(s->get<std::string>());
    result.exited = !result.detached;
  }
};

void Reader::arg(const json& a, const ArgDesc* d, SyscallEvent& e, ArgValue& v) {
  if (!a.is_object()) bad("an argument is not an object");
  v.raw = raw_of(field(a, "raw"));
  v.unreadable = opt_field<bool>(a, "unreadable", false);
  v.truncated = opt_field<bool>(a, "truncated", false);
  if (auto p = a.find("fd_path"); p != a.end()) v.fd_path = fd_path_of(*p, a, "fd_deleted", v.fd_deleted);
  if (auto p = a.find("fd_path2"); p != a.end())
    v.fd_path2 = fd_path_of(*p, a, "fd_deleted2", v.fd_deleted2);
  if (auto p = a.find("text_out"); p != a.end() && p->is_string()) v.text_out = p->get<std::string>();
  const json& val = field(a, "value");
  ArgKind kind = d ? d->kind : ArgKind::Long;
  if (val.is_null()) {
    v.form = ArgValue::Form::Null;
  } else if (val.is_number()) {
    if (d != nullptr) {
      detail::decode_number(*d, v);
    } else {
      v.form = ArgValue::Form::Number;
      v.num = static_cast<std::int64_t>(v.raw);
    }
  } else if (val.is_object() && val.contains("struct")) {
    v.form = ArgValue::Form::Struct;
    const json& text = val["struct"];
    if (!text.is_string()) bad("\"struct\" is not a string");
    v.text = text.get<std::string>();
    if (auto f = val.find("fields"); f != val.end() && f->is_object()) {
      for (const auto& [name, value] : f->items()) {
        if (value.is_string())
          v.fields.push_back({FieldName::intern(name), value.get<std::string>()});
        else if (value.is_number_integer())
          v.fields.push_back({FieldName::intern(name), value.get<std::int64_t>()});
        else
          bad(fmt::format("struct field \"{}\" is neither an integer nor a string", name));
      }
    }
  } else if (val.is_object() && val.contains("ptr")) {
    v.form = ArgValue::Form::Pointer;
  } else if (val.is_string() || val.is_object()) {
    v.bytes = bytes_of(val);
    if (kind == ArgKind::Path || kind == ArgKind::Str) {
      v.form = ArgValue::Form::String;
    } else {
      v.form = ArgValue::Form::Bytes;
      std::uint64_t len = v.bytes.size();
      if (d && d->len_arg >= 0 && d->len_arg < e.nargs) len = e.args[d->len_arg].raw;
      if (d && d->len_arg == kLenResult && e.result > 0) len = static_cast<std::uint64_t>(e.result);
      v.total_len = opt_field<std::uint64_t>(a, "total_len", std::max<std::uint64_t>(len, v.bytes.size()));
      if (auto t = a.find("decoded"); t != a.end() && t->is_string()) v.text = t->get<std::string>();
    }
  } else if (val.is_array()) {
    if (kind == ArgKind::FdPair) {
      if (val.size() != 2 || !val[0].is_number_integer() || !val[1].is_number_integer())
        bad("an fd pair is not two integers");
      v.form = ArgValue::Form::Pair;
      v.num = val[0].get<std::int64_t>();
      v.num2 = val[1].get<std::int64_t>();
    } else {
      v.form = ArgValue::Form::StringArray;
      for (const json& item : val) v.items.push_back(bytes_of(item));
      v.total_items = opt_field<std::size_t>(a, "total_items", v.items.size());
      // A file does not say which item was cut: any may have been.
      if (v.truncated) v.total_len = 1;
    }
  } else {
    bad("an argument's \"value\" has an unknown form");
  }
}

std::string strip_json_prefix(std::string what) {
  // "[json.exception.parse_error.101] parse error at line 1, column 3: ..."
  if (!what.empty() && what.front() == '[') {
    auto close = what.find("] ");
    if (close != std::string::npos) what.erase(0, close + 2);
  }
  return what;
}

}  // namespace

std::string TraceFileError::format() const {
  if (line == 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}:{}: {}", file, line, message);
}

Result<RecordedTrace, TraceFileError> read_trace(std::istream& in, const std::string& display_name) {
  Reader reader;
  std::string text;
  std::size_t line = 0;
  bool cut = false;  // the last line had no newline
  auto fail = [&](std::string message) {
    return unexpected(TraceFileError{display_name, line, std::move(message)});
  };
  while (std::getline(in, text)) {
    ++line;
    cut = in.eof();
    if (text.empty()) return fail("empty line");
    json o;
    try {
      o = json::parse(text);
    } catch (const json::exception& e) {
      return fail(fmt::format("not valid JSON{}: {}", cut ? " (the file looks truncated)" : "",
                              strip_json_prefix(e.what())));
    }
    if (!o.is_object()) return fail("not a JSON object");
    try {
      if (line == 1) {
        reader.header(o);
      } else {
        reader.event(o);
      }
    } catch (const LineError& e) {
      return fail(e.message);
    } catch (const json::exception& e) {
      return fail(strip_json_prefix(e.what()));
    }
  }
  if (in.bad()) return fail(fmt::format("read error: {}", std::strerror(errno)));
  if (line == 0) {
    return unexpected(TraceFileError{display_name, 0, "empty file, not a syspect trace"});
  }
  if (!reader.ended) {
    return fail("the trace stops before its \"end\" line: the file is truncated, or the "
                "recording was interrupted");
  }
  RecordedTrace out = std::move(reader.out);
  reader.trace.set_result(reader.result);
  reader.trace.shrink_to_fit();
  out.trace = std::move(reader.trace);
  return out;
}

Result<RecordedTrace, TraceFileError> load_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(TraceFileError{path, 0, fmt::format("cannot open: {}", std::strerror(errno))});
  return read_trace(in, path);
}

void replay(const Trace& trace, Sink& sink) {
  for (const Event& ev : trace.events()) {
    std::visit(
        [&sink](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, SyscallEvent>) {
            sink.on_syscall(e);
          } else if constexpr (std::is_same_v<T, SignalEvent>) {
            sink.on_signal(e);
          } else if constexpr (std::is_same_v<T, ExecEvent>) {
            sink.on_exec(e);
          } else {
            sink.on_exit(e);
          }
        },
        ev);
  }
  sink.on_finish(trace.result());
}

}  // namespace syspect
