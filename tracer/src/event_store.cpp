#include "syspect/event_store.hpp"

#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace syspect {

// Every member of the event types is written below. A member added to one
// of them changes its size: this stops the build until the codec knows it.
// (The instruction pointers, SyscallEvent::ip and SignalEvent::ip, are for
// the live text of -i only and are not kept.)
static_assert(sizeof(ArgValue) == 288, "ArgValue changed: encode the new member in event_store.cpp");
static_assert(sizeof(SyscallEvent) == 1960,
              "SyscallEvent changed: encode the new member in event_store.cpp");
static_assert(sizeof(SignalEvent) == 104, "SignalEvent changed: encode it in event_store.cpp");
static_assert(sizeof(ExecEvent) == 64, "ExecEvent changed: encode it in event_store.cpp");
static_assert(sizeof(ExitEvent) == 64, "ExitEvent changed: encode it in event_store.cpp");

namespace {

enum Tag : std::uint8_t { kSyscall, kSignal, kExec, kExit };

constexpr unsigned kHasStack = 1u << 13;  // a SyscallEvent flag
constexpr unsigned kHasDuration = 1u << 14;  // a SyscallEvent flag

void put(std::string& out, std::uint64_t v) {  // LEB128
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void put_signed(std::string& out, std::int64_t v) {  // zigzag
  put(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}
void put_str(std::string& out, std::string_view s) {
  put(out, s.size());
  out += s;
}

struct Reader {
  const char* p;
  const char* end;
  std::uint64_t get() {
    std::uint64_t v = 0;
    for (int shift = 0; p < end && shift < 64; shift += 7) {
      auto b = static_cast<std::uint8_t>(*p++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw std::logic_error("EventStore: truncated record");
  }
  std::int64_t get_signed() {
    std::uint64_t v = get();
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::uint8_t byte() {
    if (p >= end) throw std::logic_error("EventStore: truncated record");
    return static_cast<std::uint8_t>(*p++);
  }
  std::string str() {
    std::uint64_t n = get();
    if (static_cast<std::uint64_t>(end - p) < n) throw std::logic_error("EventStore: truncated record");
    std::string s(p, n);
    p += n;
    return s;
  }
};

// A table entry as (table, index): 0 for none.
std::uint64_t desc_code(const SyscallDesc* d) {
  if (d == nullptr) return 0;
  for (Abi abi : {Abi::x86_64, Abi::i386}) {
    auto t = syscall_table(abi);
    if (!t.empty() && d >= t.data() && d < t.data() + t.size())
      return (static_cast<std::uint64_t>(d - t.data()) + 1) * 2 + (abi == Abi::i386 ? 1 : 0);
  }
  throw std::logic_error("EventStore: a syscall description from no table");
}
const SyscallDesc* desc_of(std::uint64_t code) {
  if (code == 0) return nullptr;
  auto t = syscall_table(code & 1 ? Abi::i386 : Abi::x86_64);
  return &t[code / 2 - 1];
}

bool is_default(const ArgValue& v) {
  return v.raw == 0 && v.form == ArgValue::Form::Number && !v.truncated && !v.unreadable &&
         !v.fd_deleted && !v.fd_deleted2 &&
         v.num == 0 && v.num2 == 0 && v.total_len == 0 && v.total_items == 0 && v.bytes.empty() &&
         v.items.empty() && v.text.empty() && v.fields.empty() && v.text_out.empty() &&
         v.fd_path.empty() && v.fd_path2.empty() && v.fd_file.empty();
}

}  // namespace

struct EventStore::Tables {
  std::string arena_;
  std::vector<std::uint64_t> offsets_;
  // Interned: executables (by content) and struct member names (by address;
  // a FieldName outlives every trace).
  std::vector<ExePath> exes_;
  std::map<std::string, std::uint32_t, std::less<>> exe_index_;
  std::vector<FieldName> names_;
  std::map<const char*, std::uint32_t> name_index_;
  // Interned: stacks (by address: the unwinder shares one per call site).
  std::vector<Stack> stacks_;
  std::map<const void*, std::uint64_t> stack_index_;
  // Event times are kept as the difference from the first one stored.
  std::int64_t time_base_ = 0;
};

struct EventCodec {
  EventStore::Tables& s;

  std::uint64_t exe(const ExePath& e) {
    if (!e) return 0;
    auto it = s.exe_index_.find(*e);
    if (it == s.exe_index_.end()) {
      it = s.exe_index_.emplace(*e, static_cast<std::uint32_t>(s.exes_.size())).first;
      s.exes_.push_back(e);
    }
    return it->second + 1;
  }
  // Stacks are shared by the events of a call site (the unwinder hands out
  // one Stack per site): interned by address.
  std::uint64_t stack(const Stack& st) {
    auto it = s.stack_index_.find(st.get());
    if (it == s.stack_index_.end()) {
      it = s.stack_index_.emplace(st.get(), s.stacks_.size()).first;
      s.stacks_.push_back(st);
    }
    return it->second;
  }
  // A time (ns since the epoch, 0 for none) as its distance from the first
  // one stored, a few bytes rather than nine.
  void time(std::string& o, std::int64_t t) {
    if (t == 0) {
      put(o, 0);
      return;
    }
    if (s.time_base_ == 0) s.time_base_ = t;
    std::int64_t d = t - s.time_base_;
    put(o, ((static_cast<std::uint64_t>(d) << 1) ^ static_cast<std::uint64_t>(d >> 63)) + 1);
  }
  std::int64_t time(Reader& r) const {
    std::uint64_t v = r.get();
    if (v == 0) return 0;
    --v;
    return s.time_base_ + static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::uint64_t name(FieldName n) {
    auto it = s.name_index_.find(n.c_str());
    if (it == s.name_index_.end()) {
      it = s.name_index_.emplace(n.c_str(), static_cast<std::uint32_t>(s.names_.size())).first;
      s.names_.push_back(n);
    }
    return it->second;
  }

  void arg(std::string& o, const ArgValue& v) {
    o += static_cast<char>(static_cast<unsigned>(v.form) | (v.fd_deleted ? 0x10u : 0u) |
                           (v.fd_deleted2 ? 0x20u : 0u) | (v.truncated ? 0x40u : 0u) |
                           (v.unreadable ? 0x80u : 0u));
    bool num_is_raw = v.num == static_cast<std::int64_t>(v.raw);
    unsigned have = (v.raw ? 1u : 0u) | (num_is_raw ? 0u : 2u) | (v.num2 ? 4u : 0u) |
                    (v.total_len ? 8u : 0u) | (v.total_items ? 16u : 0u) |
                    (v.bytes.empty() ? 0u : 32u) | (v.items.empty() ? 0u : 64u) |
                    (v.text.empty() ? 0u : 128u) | (v.fields.empty() ? 0u : 256u) |
                    (v.fd_path.empty() ? 0u : 512u) | (v.fd_path2.empty() ? 0u : 1024u) |
                    (v.text_out.empty() ? 0u : 2048u) | (v.fd_file.empty() ? 0u : 4096u);
    put(o, have);
    if (have & 1) put(o, v.raw);
    if (have & 2) put_signed(o, v.num);
    if (have & 4) put_signed(o, v.num2);
    if (have & 8) put(o, v.total_len);
    if (have & 16) put(o, v.total_items);
    if (have & 32) put_str(o, v.bytes);
    if (have & 64) {
      put(o, v.items.size());
      for (const auto& item : v.items) put_str(o, item);
    }
    if (have & 128) put_str(o, v.text);
    if (have & 256) {
      put(o, v.fields.size());
      for (const auto& f : v.fields) {
        put(o, name(f.name) * 2 + (f.is_text ? 1 : 0));
        if (f.is_text)
          put_str(o, f.str);
        else
          put_signed(o, f.value);
      }
    }
    if (have & 512) put_str(o, v.fd_path);
    if (have & 1024) put_str(o, v.fd_path2);
    if (have & 2048) put_str(o, v.text_out);
    if (have & 4096) put_str(o, v.fd_file);
  }

  ArgValue arg(Reader& r) const {
    ArgValue v;
    std::uint8_t form = r.byte();
    v.form = static_cast<ArgValue::Form>(form & 0x0f);
    v.fd_deleted = form & 0x10;
    v.fd_deleted2 = form & 0x20;
    v.truncated = form & 0x40;
    v.unreadable = form & 0x80;
    std::uint64_t have = r.get();
    if (have & 1) v.raw = r.get();
    v.num = (have & 2) ? r.get_signed() : static_cast<std::int64_t>(v.raw);
    if (have & 4) v.num2 = r.get_signed();
    if (have & 8) v.total_len = r.get();
    if (have & 16) v.total_items = r.get();
    if (have & 32) v.bytes = r.str();
    if (have & 64) {
      v.items.resize(r.get());
      for (auto& item : v.items) item = r.str();
    }
    if (have & 128) v.text = r.str();
    if (have & 256) {
      std::size_t n = r.get();
      v.fields.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t key = r.get();
        const FieldName field = s.names_.at(key / 2);
        if (key & 1)
          v.fields.emplace_back(field, r.str());
        else
          v.fields.emplace_back(field, r.get_signed());
      }
    }
    if (have & 512) v.fd_path = r.str();
    if (have & 1024) v.fd_path2 = r.str();
    if (have & 2048) v.text_out = r.str();
    if (have & 4096) v.fd_file = r.str();
    return v;
  }

  void encode(std::string& o, const SyscallEvent& e) {
    o += static_cast<char>(kSyscall);
    put(o, e.seq);
    put(o, static_cast<std::uint64_t>(e.pid));
    put_signed(o, static_cast<std::int64_t>(e.tid) - e.pid);
    o += static_cast<char>(e.abi);
    put_signed(o, e.nr);
    put(o, desc_code(e.desc));
    put_signed(o, e.result);
    put(o, static_cast<std::uint64_t>(e.err));
    unsigned flags = (e.finished ? 1u : 0u) | (e.no_return ? 2u : 0u) | (e.blocked ? 4u : 0u) |
                     (e.untraced_child_killed ? 8u : 0u) | (e.exec_old_tid ? 16u : 0u) |
                     (e.resumed ? 32u : 0u) | (e.opened_path.empty() ? 0u : 64u) |
                     (e.fd_path.empty() ? 0u : 128u) | (e.detached ? 256u : 0u) | (e.vsyscall ? 512u : 0u) |
                     (e.changed_args ? 1024u : 0u) | (e.fd_deleted ? 2048u : 0u) |
                     (e.injected.any() ? 4096u : 0u) | (e.stack ? kHasStack : 0u) |
                     (e.duration_ns >= 0 ? kHasDuration : 0u);
    put(o, flags);
    time(o, e.time_ns);
    if (flags & kHasDuration) put(o, static_cast<std::uint64_t>(e.duration_ns));
    if (flags & 16) put(o, static_cast<std::uint64_t>(e.exec_old_tid));
    if (flags & 32) put(o, desc_code(e.resumed));
    if (flags & 64) put_str(o, e.opened_path);
    if (flags & 128) put_str(o, e.fd_path);
    if (flags & 1024) put(o, e.changed_args);
    if (flags & 4096) {
      put(o, (e.injected.skipped ? 1u : 0u) | (static_cast<std::uint64_t>(e.injected.rule) << 1));
      put(o, static_cast<std::uint64_t>(e.injected.signal));
      put(o, e.injected.delay_enter_us);
      put(o, e.injected.delay_exit_us);
    }
    if (flags & kHasStack) put(o, stack(e.stack));
    put(o, exe(e.exe));
    o += static_cast<char>(e.nargs);
    std::size_t n = e.args.size();
    while (n > 0 && is_default(e.args[n - 1])) --n;
    o += static_cast<char>(n);
    for (std::size_t i = 0; i < n; ++i) arg(o, e.args[i]);
  }

  SyscallEvent syscall(Reader& r) const {
    SyscallEvent e;
    e.seq = r.get();
    e.pid = static_cast<pid_t>(r.get());
    e.tid = static_cast<pid_t>(e.pid + r.get_signed());
    e.abi = static_cast<Abi>(r.byte());
    e.nr = static_cast<long>(r.get_signed());
    e.desc = desc_of(r.get());
    e.result = r.get_signed();
    e.err = static_cast<int>(r.get());
    std::uint64_t flags = r.get();
    e.finished = flags & 1;
    e.no_return = flags & 2;
    e.blocked = flags & 4;
    e.untraced_child_killed = flags & 8;
    e.detached = flags & 256;
    e.vsyscall = flags & 512;
    e.fd_deleted = flags & 2048;
    e.time_ns = time(r);
    if (flags & kHasDuration) e.duration_ns = static_cast<std::int64_t>(r.get());
    if (flags & 16) e.exec_old_tid = static_cast<pid_t>(r.get());
    if (flags & 32) e.resumed = desc_of(r.get());
    if (flags & 64) e.opened_path = r.str();
    if (flags & 128) e.fd_path = r.str();
    if (flags & 1024) e.changed_args = static_cast<std::uint8_t>(r.get());
    if (flags & 4096) {
      std::uint64_t v = r.get();
      e.injected.skipped = v & 1;
      e.injected.rule = static_cast<std::uint16_t>(v >> 1);
      e.injected.signal = static_cast<int>(r.get());
      e.injected.delay_enter_us = static_cast<std::uint32_t>(r.get());
      e.injected.delay_exit_us = static_cast<std::uint32_t>(r.get());
    }
    if (flags & kHasStack) e.stack = s.stacks_.at(r.get());
    e.exe = exe_at(r.get());
    e.nargs = r.byte();
    std::size_t n = r.byte();
    for (std::size_t i = 0; i < n && i < e.args.size(); ++i) e.args[i] = arg(r);
    return e;
  }

  ExePath exe_at(std::uint64_t code) const { return code == 0 ? nullptr : s.exes_.at(code - 1); }

  void encode(std::string& o, const SignalEvent& e) {
    o += static_cast<char>(kSignal);
    put(o, e.seq);
    put(o, static_cast<std::uint64_t>(e.pid));
    put_signed(o, static_cast<std::int64_t>(e.tid) - e.pid);
    for (std::int64_t v : {std::int64_t{e.signo}, std::int64_t{e.code}, std::int64_t{e.errno_},
                           std::int64_t{e.sender_pid}, std::int64_t{e.sender_uid},
                           std::int64_t{e.status}, std::int64_t{e.utime}, std::int64_t{e.stime},
                           static_cast<std::int64_t>(e.addr), std::int64_t{e.syscall},
                           std::int64_t{e.stopped}})
      put_signed(o, v);
    time(o, e.time_ns);
    put(o, exe(e.exe));
  }
  SignalEvent signal(Reader& r) const {
    SignalEvent e;
    e.seq = r.get();
    e.pid = static_cast<pid_t>(r.get());
    e.tid = static_cast<pid_t>(e.pid + r.get_signed());
    e.signo = static_cast<int>(r.get_signed());
    e.code = static_cast<int>(r.get_signed());
    e.errno_ = static_cast<int>(r.get_signed());
    e.sender_pid = static_cast<pid_t>(r.get_signed());
    e.sender_uid = static_cast<uid_t>(r.get_signed());
    e.status = static_cast<int>(r.get_signed());
    e.utime = static_cast<long>(r.get_signed());
    e.stime = static_cast<long>(r.get_signed());
    e.addr = static_cast<std::uint64_t>(r.get_signed());
    e.syscall = static_cast<int>(r.get_signed());
    e.stopped = r.get_signed() != 0;
    e.time_ns = time(r);
    e.exe = exe_at(r.get());
    return e;
  }

  void encode(std::string& o, const ExecEvent& e) {
    o += static_cast<char>(kExec);
    put(o, e.seq);
    put(o, static_cast<std::uint64_t>(e.pid));
    put(o, static_cast<std::uint64_t>(e.old_tid));
    put_str(o, e.filename);
    put(o, exe(e.exe));
  }
  ExecEvent exec(Reader& r) const {
    ExecEvent e;
    e.seq = r.get();
    e.pid = static_cast<pid_t>(r.get());
    e.old_tid = static_cast<pid_t>(r.get());
    e.filename = r.str();
    e.exe = exe_at(r.get());
    return e;
  }

  void encode(std::string& o, const ExitEvent& e) {
    o += static_cast<char>(kExit);
    put(o, e.seq);
    put(o, static_cast<std::uint64_t>(e.pid));
    put_signed(o, static_cast<std::int64_t>(e.tid) - e.pid);
    put(o, (e.signaled ? 1u : 0u) | (e.core_dumped ? 2u : 0u) | (e.group_leader ? 4u : 0u));
    put_signed(o, e.code);
    put_signed(o, e.signal);
    put(o, static_cast<std::uint64_t>(e.superseded_by));
    time(o, e.time_ns);
    put(o, exe(e.exe));
  }
  ExitEvent exit(Reader& r) const {
    ExitEvent e;
    e.seq = r.get();
    e.pid = static_cast<pid_t>(r.get());
    e.tid = static_cast<pid_t>(e.pid + r.get_signed());
    std::uint64_t flags = r.get();
    e.signaled = flags & 1;
    e.core_dumped = flags & 2;
    e.group_leader = flags & 4;
    e.code = static_cast<int>(r.get_signed());
    e.signal = static_cast<int>(r.get_signed());
    e.superseded_by = static_cast<pid_t>(r.get());
    e.time_ns = time(r);
    e.exe = exe_at(r.get());
    return e;
  }
};

EventStore::EventStore() = default;
EventStore::~EventStore() = default;
EventStore::EventStore(const EventStore& other)
    : t_(other.t_ ? std::make_unique<Tables>(*other.t_) : nullptr) {}
EventStore& EventStore::operator=(const EventStore& other) {
  if (this != &other) t_ = other.t_ ? std::make_unique<Tables>(*other.t_) : nullptr;
  return *this;
}
EventStore::EventStore(EventStore&& other) noexcept = default;
EventStore& EventStore::operator=(EventStore&& other) noexcept = default;

std::size_t EventStore::size() const { return t_ ? t_->offsets_.size() : 0; }

void EventStore::push_back(const Event& e) {
  if (!t_) t_ = std::make_unique<Tables>();
  t_->offsets_.push_back(t_->arena_.size());
  EventCodec codec{*t_};
  std::visit([&](const auto& ev) { codec.encode(t_->arena_, ev); }, e);
}

Event EventStore::operator[](std::size_t i) const {
  if (i >= size()) throw std::out_of_range("EventStore: no such event");
  const Tables& t = *t_;
  std::size_t from = t.offsets_[i];
  std::size_t to = i + 1 < t.offsets_.size() ? t.offsets_[i + 1] : t.arena_.size();
  Reader r{t.arena_.data() + from, t.arena_.data() + to};
  EventCodec codec{*t_};
  switch (r.byte()) {
    case kSyscall: return codec.syscall(r);
    case kSignal: return codec.signal(r);
    case kExec: return codec.exec(r);
    case kExit: return codec.exit(r);
    default: throw std::logic_error("EventStore: bad record");
  }
}

void EventStore::shrink_to_fit() {
  if (!t_) return;
  t_->arena_.shrink_to_fit();
  t_->offsets_.shrink_to_fit();
}

std::size_t EventStore::bytes_used() const {
  if (!t_) return 0;
  const Tables& t = *t_;
  std::size_t n = sizeof(Tables) + t.arena_.capacity() + t.offsets_.capacity() * sizeof(std::uint64_t) +
                  t.names_.capacity() * sizeof(FieldName) + t.name_index_.size() * 48;
  for (const auto& [path, index] : t.exe_index_) n += path.capacity() + 64;
  for (const Stack& st : t.stacks_) {
    n += sizeof(*st) + 64 + st->capacity() * sizeof(StackFrame);
    for (const StackFrame& f : *st) n += f.module.capacity() + f.symbol.capacity() + f.file.capacity();
  }
  return n + t.exes_.capacity() * sizeof(ExePath) + t.stack_index_.size() * 48;
}

}  // namespace syspect
