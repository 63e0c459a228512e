// Matchers of one call: Syscall, Arg, HasFlag, Returns, Fails, FailsWith.

#include <algorithm>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "syspect/diagnostic.hpp"
#include "syspect/format.hpp"
#include "syspect/matchers.hpp"
#include "syspect/spec.hpp"
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
      : name_(std::move(name)), parts_(std::move(parts)) {}
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
    for (const auto& p : parts_) n += p->check(e, nullptr) ? 1000 : p->likeness(e);
    return n;
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
    return check(e, nullptr) ? 1000 : likeness(e);
  }
  unsigned likeness(const SyscallEvent& e) const override {
    std::optional<SyscallArg> a = find_arg(e, name_);
    if (!a || !literal_) return 0;
    std::string seen = a->str();
    auto [w, s] = std::mismatch(literal_->begin(), literal_->end(), seen.begin(), seen.end());
    return static_cast<unsigned>(std::min<std::ptrdiff_t>(w - literal_->begin(), 999));
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
  std::string name_;
  std::string shown_;
  ::testing::Matcher<const SyscallArg&> m_;
  std::optional<std::string> literal_;
};

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
  std::string noun() const override { return "call " + clause(); }
  std::string clause() const override {
    if (err_ == 0) return "failing";
    const char* name = errno_name(err_);
    return fmt::format("failing with {}", name ? name : std::to_string(err_));
  }

 private:
  int err_;
};

class HasFlagMatcher : public ::testing::MatcherInterface<const SyscallArg&> {
 public:
  explicit HasFlagMatcher(std::string flag) : flag_(std::move(flag)) {}
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

}  // namespace detail

::testing::Matcher<const SyscallArg&> HasFlag(std::string flag) {
  return ::testing::MakeMatcher(new detail::HasFlagMatcher(std::move(flag)));
}

CallMatcher Fails(int err) { return CallMatcher(detail::CallMatcherImpl(detail::fails_condition(err))); }

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
