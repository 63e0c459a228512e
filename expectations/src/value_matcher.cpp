#include "syspect/value_matcher.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "syspect/format.hpp"
#include "syspect/names.hpp"
#include "syspect/regex.hpp"

namespace syspect::matchers {
namespace {

std::string quoted(std::string_view s) { return quote_string(s, s.size() + 1); }

// The number an argument holds, when it is one.
std::optional<std::int64_t> number_of(const ArgValue& v) {
  switch (v.form) {
    case ArgValue::Form::Number: return v.num;
    case ArgValue::Form::Null:
    case ArgValue::Form::Pointer: return static_cast<std::int64_t>(v.raw);
    default: return std::nullopt;
  }
}

constexpr Judgement judgement(bool yes) { return yes ? Judgement::Yes : Judgement::No; }

class StringMatcher final : public ValueMatcher {
 public:
  StringMatcher(StrOp op, std::string pattern) : op_(op), pattern_(std::move(pattern)) {
    if (op_ == StrOp::Glob) glob_.emplace(pattern_);
    if (op_ == StrOp::Regex) {
      auto re = Regex::compile(pattern_);
      if (re) re_.emplace(std::move(*re));
    }
  }
  bool matches(const ArgValue& v, const MatchContext& ctx) const override {
    return judge(v, ctx) == Judgement::Yes;
  }
  Judgement judge(const ArgValue& v, const MatchContext&) const override {
    if (v.form == ArgValue::Form::String || v.form == ArgValue::Form::Bytes) {
      if (!v.truncated) return judgement(test(v.bytes));
      std::optional<std::uint64_t> whole;
      if (v.form == ArgValue::Form::Bytes && v.total_len > v.bytes.size()) whole = v.total_len;
      return test_prefix(v.bytes, whole);
    }
    if (v.form == ArgValue::Form::StringArray) {
      // Items from total_len - 1 on may have been cut when read.
      const std::size_t whole = v.truncated && v.total_len != 0 ? v.total_len - 1 : v.items.size();
      bool undecided = v.truncated;  // items left out, or cut
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        Judgement j = i < whole ? judgement(test(v.items[i])) : test_prefix(v.items[i], std::nullopt);
        if (j == Judgement::Yes) return j;
      }
      return undecided ? Judgement::Undecided : Judgement::No;
    }
    return Judgement::No;
  }
  std::string describe() const override {
    switch (op_) {
      case StrOp::Equals: return "is " + quoted(pattern_);
      case StrOp::Glob: return "matches glob " + quoted(pattern_);
      case StrOp::Regex: return "matches regex " + quoted(pattern_);
      case StrOp::Prefix: return "starts with " + quoted(pattern_);
      case StrOp::Suffix: return "ends with " + quoted(pattern_);
      case StrOp::Contains: return "contains " + quoted(pattern_);
    }
    return "?";
  }

 private:
  bool test(std::string_view s) const {
    switch (op_) {
      case StrOp::Equals: return s == pattern_;
      case StrOp::Glob: return glob_->matches(s);
      case StrOp::Regex: return re_ && re_->search(s);
      case StrOp::Prefix: return s.starts_with(pattern_);
      case StrOp::Suffix: return s.ends_with(pattern_);
      case StrOp::Contains: return s.find(pattern_) != std::string_view::npos;
    }
    return false;
  }
  // `s` is the start of a longer value (of `whole` bytes, when known).
  Judgement test_prefix(std::string_view s, std::optional<std::uint64_t> whole) const {
    switch (op_) {
      case StrOp::Contains:
        if (s.find(pattern_) != std::string_view::npos) return Judgement::Yes;
        break;
      case StrOp::Prefix:
        if (s.size() >= pattern_.size()) return judgement(s.starts_with(pattern_));
        if (!std::string_view(pattern_).starts_with(s)) return Judgement::No;
        break;
      case StrOp::Equals:
        if (whole && *whole != pattern_.size()) return Judgement::No;
        if (!std::string_view(pattern_).starts_with(s)) return Judgement::No;
        break;
      case StrOp::Suffix:
      case StrOp::Glob:
      case StrOp::Regex:
        break;
    }
    return Judgement::Undecided;
  }

 public:
  unsigned likeness(const ArgValue& v) const override {
    if (v.form != ArgValue::Form::String && v.form != ArgValue::Form::Bytes) return 0;
    if (op_ == StrOp::Regex) return 0;
    return string_likeness(pattern_, v.bytes);
  }

 private:
  StrOp op_;
  std::string pattern_;
  std::optional<Glob> glob_;
  std::optional<Regex> re_;  // none only for a pattern the parser would refuse
};

class IntMatcher final : public ValueMatcher {
 public:
  IntMatcher(IntOp op, std::int64_t value, std::string shown)
      : op_(op), value_(value), shown_(std::move(shown)) {}
  bool matches(const ArgValue& v, const MatchContext&) const override {
    auto n = number_of(v);
    if (!n) return false;
    switch (op_) {
      case IntOp::Eq: return *n == value_;
      case IntOp::Ne: return *n != value_;
      case IntOp::Lt: return *n < value_;
      case IntOp::Le: return *n <= value_;
      case IntOp::Gt: return *n > value_;
      case IntOp::Ge: return *n >= value_;
    }
    return false;
  }
  std::string describe() const override {
    switch (op_) {
      case IntOp::Eq: return "is " + shown_;
      case IntOp::Ne: return "is not " + shown_;
      case IntOp::Lt: return "is < " + shown_;
      case IntOp::Le: return "is <= " + shown_;
      case IntOp::Gt: return "is > " + shown_;
      case IntOp::Ge: return "is >= " + shown_;
    }
    return "?";
  }

 private:
  IntOp op_;
  std::int64_t value_;
  std::string shown_;
};

class RangeMatcher final : public ValueMatcher {
 public:
  RangeMatcher(std::int64_t lo, std::int64_t hi) : lo_(lo), hi_(hi) {}
  bool matches(const ArgValue& v, const MatchContext&) const override {
    auto n = number_of(v);
    return n && *n >= lo_ && *n <= hi_;
  }
  std::string describe() const override { return fmt::format("is in {}..{}", lo_, hi_); }

 private:
  std::int64_t lo_, hi_;
};

class FlagsEqual final : public ValueMatcher {
 public:
  FlagsEqual(std::uint64_t value, std::string shown) : value_(value), shown_(std::move(shown)) {}
  bool matches(const ArgValue& v, const MatchContext&) const override {
    auto n = number_of(v);
    return n && static_cast<std::uint64_t>(*n) == value_;
  }
  std::string describe() const override { return "is " + shown_; }

 private:
  std::uint64_t value_;
  std::string shown_;
};

class FlagMatcher final : public ValueMatcher {
 public:
  FlagMatcher(bool has, std::uint64_t value, std::uint64_t mask, std::string shown)
      : has_(has), value_(value), mask_(mask), shown_(std::move(shown)) {}
  bool matches(const ArgValue& v, const MatchContext&) const override {
    auto n = number_of(v);
    if (!n) return false;
    auto bits = static_cast<std::uint64_t>(*n);
    bool present = mask_ != 0 ? (bits & mask_) == value_ : (bits & value_) == value_;
    return present == has_;
  }
  std::string describe() const override { return (has_ ? "has " : "lacks ") + shown_; }

 private:
  bool has_;
  std::uint64_t value_, mask_;
  std::string shown_;
};

class FdPathMatcher final : public ValueMatcher {
 public:
  explicit FdPathMatcher(ValueMatcherPtr inner) : inner_(std::move(inner)) {}
  bool matches(const ArgValue& v, const MatchContext& ctx) const override {
    if (v.form != ArgValue::Form::Number || !ctx.fd_path) return false;
    auto path = ctx.fd_path(static_cast<int>(v.num));
    if (!path) return false;
    ArgValue s;
    s.form = ArgValue::Form::String;
    s.bytes = *path;
    return inner_->matches(s, ctx);
  }
  std::string describe() const override { return "refers to a file that " + inner_->describe(); }
  bool uses_fd_path() const override { return true; }

 private:
  ValueMatcherPtr inner_;
};

class ArrayMatcher final : public ValueMatcher {
 public:
  explicit ArrayMatcher(std::vector<std::string> items) : items_(std::move(items)) {}
  bool matches(const ArgValue& v, const MatchContext& ctx) const override {
    return judge(v, ctx) == Judgement::Yes;
  }
  Judgement judge(const ArgValue& v, const MatchContext&) const override {
    if (v.form != ArgValue::Form::StringArray) return Judgement::No;
    if (!v.truncated) return judgement(v.items == items_);
    // Cut: the items read whole must still agree with the wanted ones.
    const std::size_t whole = v.total_len != 0 ? v.total_len - 1 : v.items.size();
    if (v.total_items > items_.size()) return Judgement::No;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      if (i >= items_.size()) return Judgement::No;
      // An item cut when read must at least start the wanted one.
      bool agrees = i < whole ? v.items[i] == items_[i] : items_[i].starts_with(v.items[i]);
      if (!agrees) return Judgement::No;
    }
    return Judgement::Undecided;
  }
  std::string describe() const override {
    std::string s = "is [";
    for (std::size_t i = 0; i < items_.size(); ++i) s += (i ? ", " : "") + quoted(items_[i]);
    return s + "]";
  }

 private:
  std::vector<std::string> items_;
};

class NotMatcher final : public ValueMatcher {
 public:
  explicit NotMatcher(ValueMatcherPtr inner) : inner_(std::move(inner)) {}
  bool matches(const ArgValue& v, const MatchContext& ctx) const override {
    return judge(v, ctx) == Judgement::Yes;
  }
  // What cannot be judged cannot be judged the other way round either.
  Judgement judge(const ArgValue& v, const MatchContext& ctx) const override {
    switch (inner_->judge(v, ctx)) {
      case Judgement::Yes: return Judgement::No;
      case Judgement::No: return Judgement::Yes;
      case Judgement::Undecided: break;
    }
    return Judgement::Undecided;
  }
  std::string describe() const override { return "does not satisfy: " + inner_->describe(); }
  bool uses_fd_path() const override { return inner_->uses_fd_path(); }

 private:
  ValueMatcherPtr inner_;
};

class AnyMatcher final : public ValueMatcher {
 public:
  explicit AnyMatcher(std::vector<ValueMatcherPtr> parts) : parts_(std::move(parts)) {}
  bool matches(const ArgValue& v, const MatchContext& ctx) const override {
    return judge(v, ctx) == Judgement::Yes;
  }
  Judgement judge(const ArgValue& v, const MatchContext& ctx) const override {
    Judgement any = Judgement::No;
    for (const auto& p : parts_) {
      Judgement j = p->judge(v, ctx);
      if (j == Judgement::Yes) return j;
      if (j == Judgement::Undecided) any = j;
    }
    return any;
  }
  // The first few, then how many more: a path list may hold hundreds.
  std::string describe() const override {
    constexpr std::size_t kShown = 4;
    std::string s;
    for (std::size_t i = 0; i < parts_.size() && i < kShown; ++i) {
      if (i) s += " or ";
      s += parts_[i]->describe();
    }
    if (parts_.size() > kShown) s += fmt::format(" or one of {} more", parts_.size() - kShown);
    return s;
  }
  bool uses_fd_path() const override {
    for (const auto& p : parts_)
      if (p->uses_fd_path()) return true;
    return false;
  }
  unsigned likeness(const ArgValue& v) const override {
    unsigned best = 0;
    for (const auto& p : parts_) best = std::max(best, p->likeness(v));
    return best;
  }

 private:
  std::vector<ValueMatcherPtr> parts_;
};

class AllMatcher final : public ValueMatcher {
 public:
  explicit AllMatcher(std::vector<ValueMatcherPtr> parts) : parts_(std::move(parts)) {}
  bool matches(const ArgValue& v, const MatchContext& ctx) const override {
    return judge(v, ctx) == Judgement::Yes;
  }
  Judgement judge(const ArgValue& v, const MatchContext& ctx) const override {
    Judgement all = Judgement::Yes;
    for (const auto& p : parts_) {
      Judgement j = p->judge(v, ctx);
      if (j == Judgement::No) return j;
      if (j == Judgement::Undecided) all = j;
    }
    return all;
  }
  std::string describe() const override {
    std::string s;
    for (std::size_t i = 0; i < parts_.size(); ++i) s += (i ? " and " : "") + parts_[i]->describe();
    return s;
  }
  bool uses_fd_path() const override {
    for (const auto& p : parts_)
      if (p->uses_fd_path()) return true;
    return false;
  }

 private:
  std::vector<ValueMatcherPtr> parts_;
};

}  // namespace

ValueMatcherPtr string(StrOp op, std::string pattern) {
  return std::make_shared<StringMatcher>(op, std::move(pattern));
}
ValueMatcherPtr integer(IntOp op, std::int64_t value, std::string shown) {
  return std::make_shared<IntMatcher>(op, value, std::move(shown));
}
ValueMatcherPtr range(std::int64_t lo, std::int64_t hi) { return std::make_shared<RangeMatcher>(lo, hi); }
ValueMatcherPtr flags_equal(std::uint64_t value, std::string shown) {
  return std::make_shared<FlagsEqual>(value, std::move(shown));
}
ValueMatcherPtr flag(bool has, std::uint64_t value, std::uint64_t field_mask, std::string shown) {
  return std::make_shared<FlagMatcher>(has, value, field_mask, std::move(shown));
}
ValueMatcherPtr fd_path(ValueMatcherPtr path) { return std::make_shared<FdPathMatcher>(std::move(path)); }
ValueMatcherPtr string_array(std::vector<std::string> items) {
  return std::make_shared<ArrayMatcher>(std::move(items));
}
ValueMatcherPtr negate(ValueMatcherPtr inner) { return std::make_shared<NotMatcher>(std::move(inner)); }
namespace {

class FieldMatcher : public ValueMatcher {
 public:
  FieldMatcher(std::string name, ValueMatcherPtr number, ValueMatcherPtr text)
      : name_(std::move(name)), number_(std::move(number)), text_(std::move(text)) {}
  bool matches(const ArgValue& v, const MatchContext& ctx) const override {
    if (v.form != ArgValue::Form::Struct) return false;
    for (const StructField& f : v.fields) {
      if (name_ != f.name) continue;
      ArgValue member;
      if (f.is_text) {
        if (!text_) return false;
        member.form = ArgValue::Form::String;
        member.bytes = f.str;
        return text_->matches(member, ctx);
      }
      if (!number_) return false;
      member.form = ArgValue::Form::Number;
      member.num = f.value;
      member.raw = static_cast<std::uint64_t>(f.value);
      return number_->matches(member, ctx);
    }
    return false;
  }
  // A member missing from a struct whose elements were left out (an array
  // shown up to -s elements) may be among them.
  Judgement judge(const ArgValue& v, const MatchContext& ctx) const override {
    if (matches(v, ctx)) return Judgement::Yes;
    if (v.form != ArgValue::Form::Struct || !v.truncated) return Judgement::No;
    for (const StructField& f : v.fields)
      if (name_ == f.name) return Judgement::No;
    return Judgement::Undecided;
  }
  std::string describe() const override {
    const ValueMatcherPtr& inner = number_ ? number_ : text_;
    return fmt::format("has {} that {}", name_, inner ? inner->describe() : "exists");
  }

 private:
  std::string name_;
  ValueMatcherPtr number_, text_;
};

}  // namespace

ValueMatcherPtr field(std::string name, ValueMatcherPtr number, ValueMatcherPtr text) {
  return std::make_shared<FieldMatcher>(std::move(name), std::move(number), std::move(text));
}

ValueMatcherPtr all_of(std::vector<ValueMatcherPtr> parts) {
  if (parts.size() == 1) return parts.front();
  return std::make_shared<AllMatcher>(std::move(parts));
}

ValueMatcherPtr any_of(std::vector<ValueMatcherPtr> parts) {
  if (parts.size() == 1) return parts.front();
  return std::make_shared<AnyMatcher>(std::move(parts));
}

}  // namespace syspect::matchers

namespace syspect {

std::string cut_description(const ArgValue& v) {
  switch (v.form) {
    case ArgValue::Form::Bytes:
      return fmt::format("is a buffer of {} bytes cut at {}", v.total_len, v.bytes.size());
    case ArgValue::Form::String:
      return fmt::format("is a string cut at {} bytes", v.bytes.size());
    case ArgValue::Form::StringArray:
      if (v.total_len != 0)
        return fmt::format("is an array of {} strings whose item {} was cut at {} bytes",
                           v.total_items, v.total_len - 1,
                           v.total_len - 1 < v.items.size() ? v.items[v.total_len - 1].size() : 0);
      return fmt::format("is an array of {} strings of which {} were read", v.total_items,
                         v.items.size());
    case ArgValue::Form::Struct:
      return "is a struct shown only in part (an array cut at the -s limit)";
    default: break;
  }
  return "was cut when read";
}

}  // namespace syspect
