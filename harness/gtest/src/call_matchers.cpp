// Matchers of one call: Syscall, Arg, HasFlag, Returns, Fails, FailsWith.

#include <algorithm>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "call_condition.hpp"
#include "syspect/diagnostic.hpp"
#include "syspect/format.hpp"
#include "syspect/matchers.hpp"
#include "syspect/names.hpp"
#include "syspect/spec.hpp"
#include "syspect/struct_schema.hpp"
#include "syspect/xlat.hpp"

namespace syspect::testing {
namespace detail {
namespace {

template <typename M>
std::string describe(const M& m) {
  std::ostringstream os;
  m.DescribeTo(&os);
  return os.str();
}

template <typename M>
std::string describe_negation(const M& m) {
  std::ostringstream os;
  m.DescribeNegationTo(&os);
  return os.str();
}

// "getpid", or "i386:getpid" for a call through another ABI.
std::string qualified_name(const SyscallEvent& e) {
  if (e.abi == Abi::x86_64) return e.name();
  return fmt::format("{}:{}", abi_name(e.abi), e.name());
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

bool is_index(std::string_view name) {
  return !name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos;
}

// The argument `name` (or index) of `call`, or -1.
int arg_index(const SyscallDesc& call, std::string_view name) {
  if (is_index(name)) {
    int i = name.size() == 1 ? name[0] - '0' : 99;
    return i < call.nargs ? i : -1;
  }
  return find_arg(call, name);
}

// "'openat' has no argument 'path'; did you mean 'pathname'? (its
// arguments: dirfd, pathname, flags, mode)", as an expectation file says it.
std::string no_such_arg(const SyscallDesc& call, std::string_view name) {
  std::vector<std::string_view> names;
  std::string list;
  for (int j = 0; j < call.nargs; ++j) {
    names.emplace_back(call.args[j].name);
    list += fmt::format("{}{}", j ? ", " : "", call.args[j].name);
  }
  if (is_index(name))
    return fmt::format("'{}' has {} argument{}; index {} is out of range", call.name, call.nargs,
                       call.nargs == 1 ? "" : "s", name);
  return fmt::format("'{}' has no argument '{}'{}{}", call.name, name, did_you_mean(name, names),
                     list.empty() ? " (it takes none)" : fmt::format(" (its arguments: {})", list));
}

// Whether `s` reads as constants: names ("O_RDONLY") or numbers joined by
// '|', at least one a name.
bool looks_constant(std::string_view s) {
  bool named = false;
  while (true) {
    auto bar = s.find('|');
    std::string_view part = s.substr(0, bar);
    if (part.empty()) return false;
    bool upper = part[0] >= 'A' && part[0] <= 'Z';
    for (char c : part)
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || (!upper && (c == 'x' || (c >= 'a' && c <= 'f')))))
        return false;
    named = named || upper;
    if (bar == std::string_view::npos) break;
    s = s.substr(bar + 1);
  }
  return named;
}

// Why the string `literal`, compared with argument `i` of `call` as strace
// shows it, can never be what strace shows: a constant its family does not
// have, two values of one field. Nothing when it may be.
std::optional<std::string> literal_problem(const SyscallDesc& call, int i, std::string_view literal) {
  const ArgDesc& d = call.args[i];
  if (literal.find(" or ") != std::string_view::npos) return std::nullopt;  // ioctl's double names
  if ((d.kind == ArgKind::Flags || d.kind == ArgKind::Enum) && d.xlat != nullptr) {
    auto v = constant_value(*d.xlat, literal, d.name);
    if (!v) return v.error();
    return std::nullopt;
  }
  if (!looks_constant(literal)) return std::nullopt;
  if (d.kind == ArgKind::Signal) {
    if (literal.starts_with("SIGRT")) return std::nullopt;
    auto v = constant_value(signal_names(), literal, d.name);
    if (!v) return v.error();
    return std::nullopt;
  }
  if (d.kind == ArgKind::DirFd) {
    if (literal == "AT_FDCWD") return std::nullopt;
    return fmt::format("a dirfd is a number or \"AT_FDCWD\", not \"{}\"{}", literal,
                       did_you_mean(literal, {"AT_FDCWD"}));
  }
  std::vector<DependentFamily> deps = dependent_families(call, i);
  if (deps.empty()) return std::nullopt;
  std::string first;
  for (const DependentFamily& f : deps) {
    const Xlat* x = find_xlat(f.family);
    if (x == nullptr) continue;
    auto v = constant_value(*x, literal, d.name);
    if (v) return std::nullopt;
    if (first.empty()) first = v.error();
  }
  return first;
}

class ForeignCondition : public CallCondition {
 public:
  explicit ForeignCondition(::testing::Matcher<const SyscallEvent&> m) : m_(std::move(m)) {}
  bool check(const SyscallEvent& e, std::string* why) const override {
    ::testing::StringMatchResultListener listener;
    bool ok = m_.MatchAndExplain(e, &listener);
    if (!ok && why) {
      *why = listener.str().empty() ? "which " + describe_negation(m_) : listener.str();
    }
    return ok;
  }
  std::string noun() const override { return "call that " + describe(m_); }
  std::string clause() const override { return "that " + describe(m_); }

 private:
  ::testing::Matcher<const SyscallEvent&> m_;
};

// The name part of Syscall(): an expectation file's selector.
class SelectorCondition : public CallCondition {
 public:
  explicit SelectorCondition(Selector s) : s_(std::move(s)) {}
  bool check(const SyscallEvent& e, std::string* why) const override {
    bool ok = s_.matches(e);
    if (!ok && why) *why = "which is a call to " + qualified_name(e);
    return ok;
  }
  std::string noun() const override { return selection(false); }
  bool selects(const SyscallEvent& e) const override { return s_.matches(e); }
  bool narrows() const override { return true; }
  std::string selection(bool plural) const override {
    const SelectorItem& item = s_.items.front();
    if (item.nr < 0) return fmt::format("{} in class {}", plural ? "calls" : "call", item.text);
    return fmt::format("{} to {}", plural ? "calls" : "call", item.text);
  }
  std::string refinement() const override { return {}; }
  std::vector<const SyscallDesc*> named_calls() const override {
    std::vector<const SyscallDesc*> out;
    for (const SelectorItem& item : s_.items) {
      Abi table = item.abi == Abi::x32 ? Abi::x86_64 : item.abi;
      if (item.nr >= 0) {
        if (const SyscallDesc* d = lookup_syscall(table, item.nr)) out.push_back(d);
      } else {
        for (const SyscallDesc& d : syscall_table(table))
          if (d.classes & item.classes) out.push_back(&d);
      }
    }
    return out;
  }

 private:
  Selector s_;
};

// The name part of Syscall() as a string matcher; `_` selects every call.
class NameMatcherCondition : public CallCondition {
 public:
  explicit NameMatcherCondition(::testing::Matcher<const std::string&> m)
      : m_(std::move(m)), anything_(describe(m_) == "is anything") {}
  bool check(const SyscallEvent& e, std::string* why) const override {
    bool ok = m_.Matches(e.name());
    if (!ok && why) *why = "which is a call to " + qualified_name(e);
    return ok;
  }
  std::string noun() const override { return selection(false); }
  bool selects(const SyscallEvent& e) const override { return m_.Matches(e.name()); }
  bool narrows() const override { return !anything_; }
  std::string selection(bool plural) const override {
    std::string n = plural ? "calls" : "call";
    if (anything_) return n;
    return n + " to a syscall whose name " + describe(m_);
  }
  std::string refinement() const override { return {}; }

 private:
  ::testing::Matcher<const std::string&> m_;
  bool anything_;
};

class SyscallCondition : public CallCondition {
 public:
  SyscallCondition(CallConditionPtr name, std::vector<CallConditionPtr> parts)
      : name_(std::move(name)), parts_(std::move(parts)) {
    // With the syscall known, every name in the parts must exist for it.
    std::vector<const SyscallDesc*> calls = name_->named_calls();
    if (!calls.empty())
      for (const auto& p : parts_) p->validate(calls);
  }
  bool check(const SyscallEvent& e, std::string* why) const override {
    if (!name_->check(e, why)) return false;
    std::vector<std::string> whys;
    bool ok = true;
    for (const auto& p : parts_) {
      std::string w;
      if (!p->check(e, why ? &w : nullptr)) {
        ok = false;
        if (!why) break;
        whys.push_back(std::move(w));
      }
    }
    if (!ok && why) *why = join(whys, " and ");
    return ok;
  }
  std::string noun() const override {
    std::string r = refinement();
    return r.empty() ? name_->noun() : name_->noun() + " " + r;
  }
  bool selects(const SyscallEvent& e) const override { return name_->selects(e); }
  bool narrows() const override { return name_->narrows(); }
  std::string selection(bool plural) const override { return name_->selection(plural); }
  std::string refinement() const override {
    std::vector<std::string> clauses;
    for (const auto& p : parts_) clauses.push_back(p->clause());
    return join(clauses, " and ");
  }
  unsigned closeness(const SyscallEvent& e) const override {
    unsigned n = 0;
    for (const auto& p : parts_) n += p->check(e, nullptr) ? 1000 * p->weight(e) : p->likeness(e);
    return n;
  }
  std::vector<std::string> misses(const SyscallEvent& e) const override {
    if (!name_->check(e, nullptr)) return name_->misses(e);
    std::vector<std::string> out;
    for (const auto& p : parts_)
      for (auto& m : p->misses(e)) out.push_back(std::move(m));
    return out;
  }
  // Undecided when no part fails outright and some part is undecided.
  std::optional<std::string> undecided(const SyscallEvent& e) const override {
    if (!name_->check(e, nullptr)) return std::nullopt;
    std::vector<std::string> whys;
    for (const auto& p : parts_) {
      if (p->check(e, nullptr)) continue;
      auto why = p->undecided(e);
      if (!why) return std::nullopt;
      whys.push_back(std::move(*why));
    }
    if (whys.empty()) return std::nullopt;
    return join(whys, " and ");
  }

 private:
  CallConditionPtr name_;
  std::vector<CallConditionPtr> parts_;
};

class ArgCondition : public CallCondition {
 public:
  ArgCondition(std::string name, ::testing::Matcher<const SyscallArg&> m,
               std::optional<std::string> literal)
      : name_(std::move(name)), m_(std::move(m)), literal_(std::move(literal)) {
    bool numeric = !name_.empty() && name_.find_first_not_of("0123456789") == std::string::npos;
    shown_ = numeric ? "argument " + name_ : name_;
    if (auto why = argument_of_none(name_)) throw std::invalid_argument(fmt::format("Arg(\"{}\"): {}", name_, *why));
    if (literal_ && looks_constant(*literal_)) check_literal_anywhere();
  }
  void validate(const std::vector<const SyscallDesc*>& calls) const override {
    std::optional<std::string> problem;
    bool any_ok = false;
    const auto* names = dynamic_cast<const ArgNameCheck*>(m_.GetDescriber());
    for (const SyscallDesc* c : calls) {
      int i = arg_index(*c, name_);
      if (i < 0) {
        if (calls.size() == 1) problem = no_such_arg(*c, name_);
        continue;
      }
      std::optional<std::string> why;
      if (literal_) why = literal_problem(*c, i, *literal_);
      if (!why && names != nullptr) {
        try {
          names->check_names(*c, i);
        } catch (const std::invalid_argument& e) {
          why = e.what();
        }
      }
      if (!why) {
        any_ok = true;
        break;
      }
      if (!problem) problem = fmt::format("on {}: {}", c->name, *why);
    }
    if (any_ok) return;
    if (!problem)
      problem = fmt::format("no syscall of the selection has an argument '{}'", name_);
    throw std::invalid_argument(fmt::format("Arg(\"{}\"{}): {}", name_,
                                            literal_ ? fmt::format(", \"{}\"", *literal_) : "", *problem));
  }
  bool check(const SyscallEvent& e, std::string* why) const override {
    std::optional<SyscallArg> a = find_arg(e, name_);
    if (!a) {
      if (why) *why = fmt::format("which is a call to {}, without {}", qualified_name(e), shown_);
      return false;
    }
    // A value cut when read is not shown to the matcher: what it says of
    // the part that was read would be taken for the whole.
    if (a->value().truncated) {
      if (why) *why = *undecided(e);
      return false;
    }
    ::testing::StringMatchResultListener listener;
    bool ok = m_.MatchAndExplain(*a, &listener);
    if (!ok && why) {
      *why = fmt::format("whose {} is {}", shown_, a->text());
      if (!listener.str().empty()) *why += ", " + listener.str();
    }
    return ok;
  }
  std::string noun() const override { return "call " + clause(); }
  std::string clause() const override { return fmt::format("whose {} {}", shown_, describe(m_)); }
  bool selects(const SyscallEvent& e) const override { return find_arg(e, name_).has_value(); }
  unsigned closeness(const SyscallEvent& e) const override {
    return check(e, nullptr) ? 1000 * weight(e) : likeness(e);
  }
  unsigned weight(const SyscallEvent& e) const override {
    std::optional<SyscallArg> a = find_arg(e, name_);
    return a ? near_miss_weight(a->desc()) : 1;
  }
  unsigned likeness(const SyscallEvent& e) const override {
    std::optional<SyscallArg> a = find_arg(e, name_);
    if (!a || !literal_) return 0;
    return string_likeness(*literal_, a->str());
  }
  std::vector<std::string> misses(const SyscallEvent& e) const override {
    if (check(e, nullptr)) return {};
    std::optional<SyscallArg> a = find_arg(e, name_);
    if (!a) return {fmt::format("it has no {}", shown_)};
    if (a->value().truncated) return {*undecided(e)};
    std::string was = a->text();
    // An fd judged by its file: which file, as `syspect check` says it.
    if (dynamic_cast<const FdPathMatcher*>(m_.GetDescriber()) != nullptr && a->value().fd_path.empty()) {
      std::optional<std::string> file = a->file();
      was += file ? " (" + ::testing::PrintToString(*file) + ")" : " (file unknown)";
    }
    return {fmt::format("{} was {}; wanted: {}", shown_, was, describe(m_))};
  }
  bool narrows() const override { return true; }
  std::string selection(bool plural) const override {
    return fmt::format("{} with {}", plural ? "calls" : "call", shown_);
  }
  std::optional<std::string> undecided(const SyscallEvent& e) const override {
    std::optional<SyscallArg> a = find_arg(e, name_);
    if (!a || !a->value().truncated) return std::nullopt;
    const ArgValue& v = a->value();
    const char* limit = v.form == ArgValue::Form::Bytes    ? "TraceOptions::max_buffer"
                        : v.form == ArgValue::Form::Struct ? "TraceOptions::struct_string_limit"
                        : v.form == ArgValue::Form::StringArray && v.total_len == 0
                            ? "TraceOptions::max_argv"
                            : "TraceOptions::max_string";
    return fmt::format("whose {} {} ({}), so it cannot be judged", shown_, cut_description(v), limit);
  }

 private:
  // A literal of constants given with no syscall to check it against: each
  // name must exist in some family, and some syscall with this argument
  // must take the whole of it.
  void check_literal_anywhere() const {
    std::string_view rest = *literal_;
    while (true) {
      auto bar = rest.find('|');
      std::string_view part = rest.substr(0, bar);
      if (auto why = constant_of_none(part))
        throw std::invalid_argument(fmt::format("Arg(\"{}\", \"{}\"): {}", name_, *literal_, *why));
      if (bar == std::string_view::npos) break;
      rest = rest.substr(bar + 1);
    }
    std::optional<std::string> problem;
    for (const SyscallDesc& c : syscall_table(Abi::x86_64)) {
      int i = arg_index(c, name_);
      if (i < 0) continue;
      const ArgDesc& d = c.args[i];
      if (d.kind == ArgKind::Path || d.kind == ArgKind::Str || d.kind == ArgKind::Buf ||
          d.kind == ArgKind::Argv || d.kind == ArgKind::Envp || d.kind == ArgKind::Struct)
        return;  // a string may be anything
      bool named = d.kind == ArgKind::Flags || d.kind == ArgKind::Enum || d.kind == ArgKind::Signal ||
                   d.kind == ArgKind::DirFd || !dependent_families(c, i).empty();
      if (!named) continue;  // shown as a number: never these names
      auto why = literal_problem(c, i, *literal_);
      if (!why) return;
      // Prefer the words of a family that has every name (a contradiction).
      if (!problem || why->starts_with("contradictory")) problem = *why;
    }
    if (!problem) problem = fmt::format("no syscall shows its argument '{}' with names", name_);
    throw std::invalid_argument(fmt::format("Arg(\"{}\", \"{}\"): {}", name_, *literal_, *problem));
  }

  std::string name_;
  std::string shown_;
  ::testing::Matcher<const SyscallArg&> m_;
  std::optional<std::string> literal_;
};

std::string errno_text(int err) {
  const char* name = errno_name(err);
  return name ? name : std::to_string(err);
}

// The result as strace ends the line: "3", "-1 ENOENT (...)", "?".
std::string result_text(const SyscallEvent& e) {
  if (!e.finished || e.no_return) return "?";
  return format_result(e);
}

// "which returned 3", "which failed with ENOENT", "which never returned".
std::string outcome_of(const SyscallEvent& e) {
  if (!e.finished) return "which never returned";
  if (e.no_return) return "which does not return";
  if (e.failed()) {
    const char* name = errno_name(e.err);
    return fmt::format("which failed with {}", name ? name : std::to_string(e.err));
  }
  return "which returned " + format_result(e);
}

class ReturnsCondition : public CallCondition {
 public:
  ReturnsCondition(::testing::Matcher<std::int64_t> m, bool literal)
      : m_(std::move(m)), literal_(literal) {}
  bool check(const SyscallEvent& e, std::string* why) const override {
    bool ok = e.finished && !e.no_return && !e.failed() && m_.Matches(e.result);
    if (!ok && why) *why = outcome_of(e);
    return ok;
  }
  std::vector<std::string> misses(const SyscallEvent& e) const override {
    if (check(e, nullptr)) return {};
    return {fmt::format("result was {}; wanted: {}", result_text(e), describe(m_))};
  }
  std::string noun() const override { return "call " + clause(); }
  std::string clause() const override {
    std::string d = describe(m_);
    if (literal_ && d.rfind("is equal to ", 0) == 0) return "returning " + d.substr(12);
    return "returning a value that " + d;
  }

 private:
  ::testing::Matcher<std::int64_t> m_;
  bool literal_;
};

class FailsCondition : public CallCondition {
 public:
  explicit FailsCondition(int err) : err_(err) {}
  bool check(const SyscallEvent& e, std::string* why) const override {
    bool ok = e.finished && e.failed() && (err_ == 0 || e.err == err_);
    if (!ok && why) *why = outcome_of(e);
    return ok;
  }
  std::vector<std::string> misses(const SyscallEvent& e) const override {
    if (check(e, nullptr)) return {};
    if (!e.finished || e.no_return || !e.failed())
      return {fmt::format("result was {}; wanted: a failure{}", result_text(e),
                          err_ == 0 ? "" : " with " + errno_text(err_))};
    return {fmt::format("errno was {}; wanted: {}", errno_text(e.err), errno_text(err_))};
  }
  std::string noun() const override { return "call " + clause(); }
  std::string clause() const override {
    if (err_ == 0) return "failing";
    const char* name = errno_name(err_);
    return fmt::format("failing with {}", name ? name : std::to_string(err_));
  }

 private:
  int err_;
};

class HasFlagMatcher : public ::testing::MatcherInterface<const SyscallArg&>, public ArgNameCheck {
 public:
  explicit HasFlagMatcher(std::string flag) : flag_(std::move(flag)) {
    if (auto why = constant_of_none(flag_))
      throw std::invalid_argument(fmt::format("HasFlag(\"{}\"): {}", flag_, *why));
  }
  void check_names(const SyscallDesc& call, int arg) const override {
    const ArgDesc& d = call.args[arg];
    if (d.xlat != nullptr) {
      auto v = flag_value(*d.xlat, flag_, d.name);
      if (!v) throw std::invalid_argument(fmt::format("HasFlag(\"{}\"): {}", flag_, v.error()));
      return;
    }
    for (const DependentFamily& f : dependent_families(call, arg))
      if (const Xlat* x = find_xlat(f.family); x && xlat_value(*x, flag_)) return;
    throw std::invalid_argument(fmt::format("HasFlag(\"{}\"): '{}' of {} is not a flag argument",
                                            flag_, d.name, call.name));
  }
  bool MatchAndExplain(const SyscallArg& a, ::testing::MatchResultListener* listener) const override {
    std::optional<bool> has = a.has_flag(flag_);
    if (!has) {
      const ArgDesc* d = a.desc();
      if (d && d->xlat)
        *listener << fmt::format("which has no flag named {} (its family is {})", flag_,
                                 d->xlat->family);
      else
        *listener << "which is not a flag argument";
      return false;
    }
    return *has;
  }
  void DescribeTo(std::ostream* os) const override { *os << "has " << flag_; }
  void DescribeNegationTo(std::ostream* os) const override { *os << "doesn't have " << flag_; }

 private:
  std::string flag_;
};

}  // namespace

bool CallMatcherImpl::MatchAndExplain(const SyscallEvent& e,
                                      ::testing::MatchResultListener* listener) const {
  std::string why;
  bool ok = c_->check(e, listener->IsInterested() ? &why : nullptr);
  if (!why.empty()) *listener << why;
  return ok;
}

void CallMatcherImpl::DescribeTo(std::ostream* os) const { *os << "is a " << c_->noun(); }

void CallMatcherImpl::DescribeNegationTo(std::ostream* os) const {
  *os << "isn't a " << c_->noun();
}

bool FdPathMatcher::MatchAndExplain(const SyscallArg& arg, ::testing::MatchResultListener* listener) const {
  std::optional<std::string> file = arg.file();
  if (!file) {
    const ArgDesc* d = arg.desc();
    if (d != nullptr && d->kind != ArgKind::Fd && d->kind != ArgKind::DirFd)
      *listener << "which is not a descriptor";
    else
      *listener << fmt::format("whose file is not known (fd {} was not open, or the trace was read "
                               "from a recording made without -y)", arg.number());
    return false;
  }
  *listener << "whose file is " << ::testing::PrintToString(*file);
  ::testing::StringMatchResultListener inner;
  bool ok = path_.MatchAndExplain(*file, &inner);
  if (!inner.str().empty()) *listener << ", " << inner.str();
  return ok;
}

void FdPathMatcher::DescribeTo(std::ostream* os) const {
  *os << "refers to a file whose path ";
  path_.DescribeTo(os);
}

void FdPathMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "doesn't refer to a file whose path ";
  path_.DescribeTo(os);
}

void FdPathMatcher::check_names(const SyscallDesc& call, int arg) const {
  const ArgDesc& d = call.args[arg];
  if (d.kind != ArgKind::Fd && d.kind != ArgKind::DirFd)
    throw std::invalid_argument(fmt::format("FdPath(): '{}' of {} is not a file descriptor", d.name, call.name));
}

MemberMatcher::MemberMatcher(std::string name, ::testing::Matcher<const StructMember&> inner,
                             std::optional<std::string> literal)
    : name_(std::move(name)), inner_(std::move(inner)), literal_(std::move(literal)) {
  if (auto why = member_of_none(name_))
    throw std::invalid_argument(fmt::format("Member(\"{}\"): {}", name_, *why));
}

void MemberMatcher::check_names(const SyscallDesc& call, int arg) const {
  const ArgDesc& d = call.args[arg];
  if (d.kind != ArgKind::Struct || d.struct_name == nullptr)
    throw std::invalid_argument(
        fmt::format("Member(\"{}\"): '{}' of {} is not a struct", name_, d.name, call.name));
  const StructSchema* schema = struct_schema(d.struct_name);
  if (auto why = member_problem(d.struct_name, schema, name_))
    throw std::invalid_argument(fmt::format("Member(\"{}\"): {}", name_, *why));
  const MemberDesc* m = find_member(*schema, name_);
  if (!literal_ || m->is_text || !looks_constant(*literal_)) return;
  const Xlat* x = m->is_signal ? &signal_names() : m->family ? find_xlat(m->family) : nullptr;
  if (x == nullptr)
    throw std::invalid_argument(fmt::format("Member(\"{}\", \"{}\"): {} is a number with no named values",
                                            name_, *literal_, name_));
  auto v = constant_value(*x, *literal_, name_);
  if (!v) throw std::invalid_argument(fmt::format("Member(\"{}\", \"{}\"): {}", name_, *literal_, v.error()));
}

std::optional<bool> MemberMatcher::matches_constant(const SyscallArg& arg, const StructField& f) const {
  if (!literal_ || f.is_text || !looks_constant(*literal_)) return std::nullopt;
  const ArgDesc* d = arg.desc();
  const StructSchema* schema = d && d->struct_name ? struct_schema(d->struct_name) : nullptr;
  const MemberDesc* m = schema ? find_member(*schema, name_) : nullptr;
  if (m == nullptr) return std::nullopt;
  const Xlat* x = m->is_signal ? &signal_names() : m->family ? find_xlat(m->family) : nullptr;
  if (x == nullptr) return std::nullopt;
  auto v = constant_value(*x, *literal_, name_);
  if (!v) return std::nullopt;
  return static_cast<std::uint64_t>(f.value) == *v;
}

CallConditionPtr foreign_condition(::testing::Matcher<const SyscallEvent&> m) {
  return std::make_shared<ForeignCondition>(std::move(m));
}

CallConditionPtr name_condition(std::string_view name) {
  SelectorItem item;
  item.text = std::string(name);
  std::string_view rest = name;
  if (auto colon = name.find(':'); colon != std::string_view::npos) {
    auto abi = abi_from_name(name.substr(0, colon));
    if (!abi)
      throw std::invalid_argument(
          fmt::format("Syscall(\"{}\"): unknown ABI '{}'", name, name.substr(0, colon)));
    item.abi = *abi;
    rest = name.substr(colon + 1);
  }
  if (!rest.empty() && rest.front() == '@') {
    auto classes = trace_class_from_name(rest.substr(1));
    if (!classes) {
      std::vector<std::string_view> known(trace_class_names().begin(), trace_class_names().end());
      throw std::invalid_argument(fmt::format("Syscall(\"{}\"): unknown class '{}'{}", name, rest,
                                              did_you_mean(rest.substr(1), known)));
    }
    item.classes = *classes;
  } else {
    const SyscallDesc* d = find_syscall(item.abi, rest);
    if (d == nullptr) {
      std::vector<std::string_view> known;
      for (const auto& s : syscall_table(item.abi)) known.emplace_back(s.name);
      throw std::invalid_argument(fmt::format("Syscall(\"{}\"): unknown syscall '{}'{}", name,
                                              rest, did_you_mean(rest, known)));
    }
    item.nr = d->nr;
  }
  Selector s;
  s.items.push_back(std::move(item));
  return std::make_shared<SelectorCondition>(std::move(s));
}

CallConditionPtr name_condition(::testing::Matcher<const std::string&> m) {
  return std::make_shared<NameMatcherCondition>(std::move(m));
}

CallConditionPtr syscall_condition(CallConditionPtr name, std::vector<CallConditionPtr> parts) {
  return std::make_shared<SyscallCondition>(std::move(name), std::move(parts));
}

CallConditionPtr arg_condition(std::string name, ::testing::Matcher<const SyscallArg&> m,
                               std::optional<std::string> literal) {
  return std::make_shared<ArgCondition>(std::move(name), std::move(m), std::move(literal));
}

CallConditionPtr returns_condition(::testing::Matcher<std::int64_t> m, bool literal) {
  return std::make_shared<ReturnsCondition>(std::move(m), literal);
}

CallConditionPtr fails_condition(int err) { return std::make_shared<FailsCondition>(err); }

class InjectedCondition : public CallCondition {
 public:
  bool check(const SyscallEvent& e, std::string* why) const override {
    bool ok = e.injected.any();
    if (!ok && why) *why = "which ran as the program made it (nothing was injected)";
    return ok;
  }
  std::vector<std::string> misses(const SyscallEvent& e) const override {
    if (check(e, nullptr)) return {};
    return {"nothing was injected; wanted: an injected call"};
  }
  std::string noun() const override { return "call " + clause(); }
  std::string clause() const override { return "that syspect injected a fault into"; }
};

}  // namespace detail

::testing::Matcher<const SyscallArg&> HasFlag(std::string flag) {
  return ::testing::MakeMatcher(new detail::HasFlagMatcher(std::move(flag)));
}

CallMatcher Fails(int err) { return CallMatcher(detail::CallMatcherImpl(detail::fails_condition(err))); }

CallMatcher Injected() {
  return CallMatcher(detail::CallMatcherImpl(std::make_shared<detail::InjectedCondition>()));
}

CallMatcher FailsWith(std::string_view name) {
  std::optional<std::uint64_t> err = xlat_value(errno_names(), name);
  if (!err) {
    std::vector<std::string_view> known;
    for (const auto& e : errno_names().entries) known.emplace_back(e.name);
    throw std::invalid_argument(
        fmt::format("FailsWith(\"{}\"): unknown errno name{}", name, did_you_mean(name, known)));
  }
  return Fails(static_cast<int>(*err));
}

}  // namespace syspect::testing
