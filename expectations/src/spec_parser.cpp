// The expectation file parser: toml++ for the syntax, then a walk over the
// document that checks every key and value against the format, collecting
// every problem with its position before giving up.

#include "syspect/spec_parser.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "syspect/duration.hpp"
#include "syspect/format.hpp"
#include "syspect/names.hpp"
#include "syspect/regex.hpp"
#include "syspect/struct_schema.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

using namespace std::string_view_literals;
using matchers::IntOp;
using matchers::StrOp;

SourcePos pos_of(const toml::source_region& r) {
  return {static_cast<std::uint32_t>(r.begin.line), static_cast<std::uint32_t>(r.begin.column)};
}
SourcePos pos_of(const toml::node& n) { return pos_of(n.source()); }
SourcePos pos_of(const toml::key& k) { return pos_of(k.source()); }

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::string q(std::string_view s) { return quote_string(s, s.size() + 1); }

std::string_view trim(std::string_view s) { return trim_blanks(s); }

// A back-reference (\N) or repetition count ({N,M}) of more than 9 digits
// in a regex, if there is one. RE2 refuses counts over 1000 but reads one
// too long for an int as literal text ("a{99999999999}" would match those
// characters); no pattern means that.
std::optional<std::string_view> oversized_regex_number(std::string_view re) {
  bool in_braces = false;
  for (std::size_t i = 0; i < re.size(); ++i) {
    bool counted = in_braces;
    if (re[i] == '\\' && i + 1 < re.size()) {
      counted = true;
      ++i;
    } else if (re[i] == '{') {
      in_braces = true;
      continue;
    } else if (re[i] == '}') {
      in_braces = false;
      continue;
    }
    std::size_t end = i;
    while (end < re.size() && re[end] >= '0' && re[end] <= '9') ++end;
    if (counted && end - i > 9) return re.substr(i, end - i);
    if (end > i) i = end - 1;
  }
  return std::nullopt;
}

bool is_string_kind(ArgKind k) {
  return k == ArgKind::Path || k == ArgKind::Str || k == ArgKind::Buf;
}
bool is_array_kind(ArgKind k) { return k == ArgKind::Argv || k == ArgKind::Envp; }

std::string_view kind_word(ArgKind k) {
  switch (k) {
    case ArgKind::Path: return "a path";
    case ArgKind::Str: return "a string";
    case ArgKind::Buf: return "a buffer";
    case ArgKind::Argv:
    case ArgKind::Envp: return "a string array";
    case ArgKind::Flags: return "a flag set";
    case ArgKind::Enum: return "a named constant";
    case ArgKind::Fd:
    case ArgKind::DirFd: return "a file descriptor";
    case ArgKind::Signal: return "a signal";
    case ArgKind::Ptr:
    case ArgKind::Struct: return "a pointer";
    default: return "a number";
  }
}

const std::vector<std::string_view>& syscall_names(Abi abi) {
  static std::vector<std::string_view> names[3];
  auto& v = names[static_cast<int>(abi)];
  if (v.empty())
    for (const auto& d : syscall_table(abi == Abi::x32 ? Abi::x86_64 : abi)) v.emplace_back(d.name);
  return v;
}

std::vector<std::string_view> class_names_at() {
  std::vector<std::string_view> v;
  for (auto n : trace_class_names()) v.push_back(n);
  return v;
}

std::vector<std::string_view> xlat_names(const Xlat& x) {
  std::vector<std::string_view> v;
  for (const auto& e : x.entries) v.emplace_back(e.name);
  return v;
}

constexpr std::string_view kMatcherKeys[] = {"glob", "regex", "prefix", "suffix", "contains",
                                            "not",  "has",   "lacks",  "path"};

// The syscalls a selector covers, for resolving argument names.
struct Candidate {
  const SyscallDesc* desc;
  Abi abi;
  const SelectorItem* item;
};

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  Result<Spec, SpecErrors> run(std::string_view text) {
    Spec spec;
    spec.path = file_;
    auto parent = std::filesystem::path(file_).parent_path();
    spec.dir = parent.empty() ? "." : parent.string();
    toml::table doc;
    try {
      doc = toml::parse(text, file_);
    } catch (const toml::parse_error& e) {
      diags_.error(pos_of(e.source()), std::string(e.description()));
      return fail();
    }
    check_keys(doc, {"version", "run", "policy", "expect", "forbid", "sequence", "inject"}, "the file");
    if (const toml::node* v = doc.get("version")) {
      auto n = v->value<std::int64_t>();
      if (!v->is_integer()) {
        diags_.error(pos_of(*v), fmt::format("'version' must be an integer (1), not {}", type_name(*v)));
      } else if (*n != 1) {
        diags_.error(pos_of(*v), fmt::format("unsupported version {}; this syspect reads version 1", *n));
      }
    } else {
      diags_.error({1, 1}, "missing 'version = 1' at the top of the file");
    }
    if (const toml::node* r = doc.get("run")) parse_run(*r, spec.run);
    if (const toml::node* p = doc.get("policy")) parse_policy(*p, spec);
    parse_rules(doc, "expect", RuleKind::Expect, spec);
    parse_rules(doc, "forbid", RuleKind::Forbid, spec);
    parse_rules(doc, "sequence", RuleKind::Sequence, spec);
    parse_injects(doc, spec);
    std::stable_sort(spec.rules.begin(), spec.rules.end(), [](const Rule& a, const Rule& b) {
      return a.pos.line < b.pos.line;
    });
    if (!diags_.empty()) return fail();
    return spec;
  }

 private:
  Unexpected<SpecErrors> fail() { return unexpected(SpecErrors{file_, diags_.sorted()}); }

  void check_keys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                  std::string_view where) {
    std::vector<std::string_view> cands(allowed);
    for (auto&& [k, v] : t) {
      (void)v;
      if (std::find(cands.begin(), cands.end(), k.str()) != cands.end()) continue;
      diags_.error(pos_of(k), fmt::format("unknown key '{}' in {}{}", k.str(), where,
                                          did_you_mean(k.str(), cands)));
    }
  }

  const toml::table* want_table(const toml::node& n, std::string_view what) {
    if (const toml::table* t = n.as_table()) return t;
    diags_.error(pos_of(n), fmt::format("{} must be a table, not {}", what, type_name(n)));
    return nullptr;
  }

  std::optional<std::string> want_string(const toml::node& n, std::string_view what) {
    if (auto s = n.value<std::string>(); s && n.is_string()) return s;
    diags_.error(pos_of(n), fmt::format("{} must be a string, not {}", what, type_name(n)));
    return std::nullopt;
  }

  // ---- [run] -------------------------------------------------------------

  void parse_run(const toml::node& node, RunSpec& run) {
    const toml::table* t = want_table(node, "[run]");
    if (!t) return;
    check_keys(*t, {"command", "timeout", "env", "cwd", "exit", "stacks"}, "[run]");
    if (const toml::node* c = t->get("command")) {
      const toml::array* a = c->as_array();
      if (!a || a->empty()) {
        diags_.error(pos_of(*c), fmt::format("'command' must be a non-empty array of strings, like "
                                             "[\"./prog\", \"--flag\"], not {}",
                                             a ? "an empty array" : type_name(*c)));
      } else {
        for (const auto& el : *a)
          if (auto s = want_string(el, "each item of 'command'")) run.command.push_back(*s);
      }
    }
    if (const toml::node* n = t->get("timeout")) {
      std::optional<std::string> text;
      if (n->is_integer()) text = std::to_string(*n->value<std::int64_t>());
      else text = want_string(*n, "'timeout'");
      if (text) {
        auto d = parse_duration(*text);
        if (!d) {
          diags_.error(pos_of(*n), fmt::format("bad duration {}: {}", q(*text), d.error()));
        } else {
          run.timeout = *d;
          run.timeout_text = *text;
          run.timeout_pos = pos_of(*n);
        }
      }
    }
    if (const toml::node* n = t->get("env")) {
      if (const toml::table* e = want_table(*n, "'env'")) {
        for (auto&& [k, v] : *e) {
          if (auto s = want_string(v, fmt::format("'env.{}'", k.str())))
            run.env.emplace_back(std::string(k.str()), *s);
        }
      }
    }
    if (const toml::node* n = t->get("cwd")) run.cwd = want_string(*n, "'cwd'");
    if (const toml::node* n = t->get("exit")) {
      auto v = n->value<std::int64_t>();
      if (!n->is_integer() || *v < 0 || *v > 255) {
        diags_.error(pos_of(*n), n->is_integer()
                                     ? fmt::format("'exit' must be in 0..255, not {}", *v)
                                     : fmt::format("'exit' must be an integer, not {}", type_name(*n)));
      } else {
        run.exit = static_cast<int>(*v);
        run.exit_pos = pos_of(*n);
      }
    }
    if (const toml::node* n = t->get("stacks")) {
      if (!n->is_boolean())
        diags_.error(pos_of(*n), fmt::format("'stacks' must be true or false, not {}", type_name(*n)));
      else
        run.stacks = *n->value<bool>();
    }
  }

  // ---- selectors -----------------------------------------------------------

  std::optional<SelectorItem> parse_selector_item(std::string_view text, SourcePos at) {
    SelectorItem item;
    item.text = std::string(text);
    item.pos = at;
    std::string_view name = trim(text);
    if (auto colon = name.find(':'); colon != std::string_view::npos) {
      auto abi = abi_from_name(name.substr(0, colon));
      if (!abi) {
        diags_.error(at, fmt::format("unknown ABI '{}' in {} (use x86_64, i386 or x32)",
                                     name.substr(0, colon), q(text)));
        return std::nullopt;
      }
      item.abi = *abi;
      name = name.substr(colon + 1);
    }
    if (!name.empty() && (name.front() == '@' || name.front() == '%')) {
      auto bits = trace_class_from_name(name.substr(1) == "net" ? "network" : name.substr(1));
      if (!bits) {
        std::string hint = closest_match(name.substr(1), class_names_at());
        diags_.error(at, fmt::format("unknown syscall class '{}'{}", name,
                                     hint.empty() ? "" : fmt::format("; did you mean '@{}'?", hint)));
        return std::nullopt;
      }
      item.classes = *bits;
      return item;
    }
    const SyscallDesc* d = find_syscall(item.abi == Abi::x32 ? Abi::x86_64 : item.abi, name);
    if (!d) {
      diags_.error(at, fmt::format("unknown syscall '{}'{}{}", name,
                                   item.abi == Abi::x86_64 ? "" : fmt::format(" for {}", abi_name(item.abi)),
                                   did_you_mean(name, syscall_names(item.abi))));
      return std::nullopt;
    }
    item.nr = d->nr;
    return item;
  }

  std::vector<SelectorItem> parse_selector_list(const toml::node& n, std::string_view what,
                                                bool& ok) {
    std::vector<SelectorItem> items;
    ok = true;
    auto one = [&](const toml::node& el) {
      auto s = want_string(el, what);
      if (!s) {
        ok = false;
        return;
      }
      if (auto item = parse_selector_item(*s, pos_of(el))) items.push_back(std::move(*item));
      else ok = false;
    };
    if (const toml::array* a = n.as_array()) {
      if (a->empty()) {
        diags_.error(pos_of(n), fmt::format("{} is an empty list", what));
        ok = false;
      }
      for (const auto& el : *a) one(el);
    } else if (n.is_string()) {
      one(n);
    } else {
      diags_.error(pos_of(n), fmt::format("{} must be a syscall name, a list of names or an @class, not {}",
                                          what, type_name(n)));
      ok = false;
    }
    return items;
  }

  // ---- [policy] ------------------------------------------------------------

  void parse_policy(const toml::node& node, Spec& spec) {
    const toml::table* t = want_table(node, "[policy]");
    if (!t) return;
    check_keys(*t, {"allow", "deny", "on_violation"}, "[policy]");
    PolicySpec p;
    p.pos = pos_of(node);
    bool ok = true;
    if (const toml::node* a = t->get("allow")) {
      p.allow = parse_selector_list(*a, "'allow'", ok);
      p.has_allow = true;
      p.allow_pos = pos_of(*a);
    }
    if (const toml::node* d = t->get("deny")) p.deny = parse_selector_list(*d, "'deny'", ok);
    if (!t->get("allow") && !t->get("deny"))
      diags_.error(p.pos, "[policy] needs 'allow', 'deny' or both");
    if (const toml::node* v = t->get("on_violation")) {
      if (auto s = want_string(*v, "'on_violation'")) {
        p.on_violation_text = *s;
        if (*s == "report") {
          p.on_violation = OnViolation::Report;
        } else if (*s == "kill") {
          p.on_violation = OnViolation::Kill;
        } else if (s->starts_with("errno:")) {
          std::string name = s->substr(6);
          auto e = xlat_value(errno_names(), name);
          if (!e) {
            diags_.error(pos_of(*v), fmt::format("unknown errno '{}' in 'on_violation'{}", name,
                                                 did_you_mean(name, xlat_names(errno_names()))));
          } else {
            p.on_violation = OnViolation::Errno;
            p.err = static_cast<int>(*e);
          }
        } else {
          diags_.error(pos_of(*v), fmt::format("'on_violation' must be \"report\", \"kill\" or "
                                               "\"errno:NAME\" (like \"errno:EPERM\"), not {}{}",
                                               q(*s),
                                               did_you_mean(*s, {"report", "kill"})));
        }
      }
    } else {
      p.on_violation_text = "report";
    }
    spec.policy = std::move(p);
  }

  // ---- rules ---------------------------------------------------------------

  void parse_rules(const toml::table& doc, std::string_view key, RuleKind kind, Spec& spec) {
    const toml::node* n = doc.get(key);
    if (!n) return;
    const toml::array* a = n->as_array();
    if (!a || !a->is_array_of_tables()) {
      diags_.error(pos_of(*n), fmt::format("'{}' must be written as [[{}]] tables", key, key));
      return;
    }
    for (const auto& el : *a) {
      const toml::table& t = *el.as_table();
      Rule r;
      r.kind = kind;
      r.pos = pos_of(t);
      std::string where = fmt::format("[[{}]]", key);
      if (kind == RuleKind::Expect)
        check_keys(t, {"name", "syscall", "args", "result", "errno", "duration", "count", "process"}, where);
      else if (kind == RuleKind::Forbid)
        check_keys(t, {"name", "syscall", "args", "result", "errno", "duration", "process"}, where);
      else
        check_keys(t, {"name", "mode", "steps", "process"}, where);
      r.name = fmt::format("{} at line {}", key, r.pos.line);
      if (const toml::node* nm = t.get("name"))
        if (auto s = want_string(*nm, "'name'")) r.name = *s;
      if (const toml::node* p = t.get("process")) r.process = parse_process(*p);
      if (kind == RuleKind::Sequence) {
        parse_sequence(t, r);
      } else {
        r.pattern = parse_pattern(t, where);
        if (kind == RuleKind::Forbid) r.count = {0, 0};
        if (const toml::node* c = t.get("count")) r.count = parse_count(*c);
      }
      spec.rules.push_back(std::move(r));
    }
  }

  // ---- [[inject]] ------------------------------------------------------------

  void parse_injects(const toml::table& doc, Spec& spec) {
    const toml::node* n = doc.get("inject");
    if (!n) return;
    const toml::array* a = n->as_array();
    if (!a || !a->is_array_of_tables()) {
      diags_.error(pos_of(*n), "'inject' must be written as [[inject]] tables");
      return;
    }
    for (const auto& el : *a) {
      const toml::table& t = *el.as_table();
      InjectRule r;
      r.pos = pos_of(t);
      check_keys(t, {"name", "syscall", "args", "error", "retval", "signal", "delay_enter", "delay_exit", "when"},
                 "[[inject]]");
      r.name = fmt::format("inject at line {}", r.pos.line);
      if (const toml::node* nm = t.get("name"))
        if (auto s = want_string(*nm, "'name'")) r.name = *s;
      r.pattern = parse_pattern(t, "[[inject]]");
      Injection& inj = r.injection;
      if (const toml::node* e = t.get("error")) {
        if (e->is_integer()) {
          auto v = *e->value<std::int64_t>();
          if (v <= 0 || v >= 4096) diags_.error(pos_of(*e), fmt::format("'error' must be an errno from 1 to 4095, not {}", v));
          else inj.error = static_cast<int>(v);
        } else if (auto s = want_string(*e, "'error'")) {
          if (auto v = parse_errno(*s)) inj.error = *v;
          else diags_.error(pos_of(*e), fmt::format("unknown errno '{}'{}", *s,
                                                    did_you_mean(*s, xlat_names(errno_names()))));
        }
      }
      if (const toml::node* v = t.get("retval")) {
        if (!v->is_integer()) diags_.error(pos_of(*v), fmt::format("'retval' must be an integer, not {}", type_name(*v)));
        else inj.retval = *v->value<std::int64_t>();
      }
      if (inj.error && inj.retval)
        diags_.error(pos_of(*t.get("retval")), "give 'error' or 'retval', not both: the call returns one");
      if (const toml::node* sg = t.get("signal")) {
        if (auto s = want_string(*sg, "'signal'")) {
          if (auto v = parse_signal(*s)) inj.signal = *v;
          else diags_.error(pos_of(*sg), fmt::format("unknown signal '{}'{}", *s,
                                                     did_you_mean(*s, xlat_names(signal_names()))));
        }
      }
      for (const char* key : {"delay_enter", "delay_exit"}) {
        const toml::node* d = t.get(key);
        if (!d) continue;
        auto s = want_string(*d, fmt::format("'{}'", key));
        if (!s) continue;
        auto v = parse_delay(*s);
        if (!v) diags_.error(pos_of(*d), v.error());
        else (std::string_view(key) == "delay_enter" ? inj.delay_enter : inj.delay_exit) = *v;
      }
      if (const toml::node* w = t.get("when")) {
        std::optional<std::string> s;
        if (w->is_integer()) s = std::to_string(*w->value<std::int64_t>());
        else s = want_string(*w, "'when'");
        if (s) {
          if (auto v = InjectWhen::parse(*s)) {
            inj.when = *v;
            r.has_when = true;
          } else {
            diags_.error(pos_of(*w), v.error());
          }
        }
      }
      if (!inj.acts() && !t.get("error") && !t.get("retval") && !t.get("signal") && !t.get("delay_enter") &&
          !t.get("delay_exit"))
        diags_.error(r.pos, "[[inject]] needs what to inject: 'error', 'retval', 'signal', 'delay_enter' "
                            "or 'delay_exit'");
      inj.text = r.name;
      spec.injects.push_back(std::move(r));
    }
  }

  ProcessScope parse_process(const toml::node& n) {
    ProcessScope s;
    const toml::table* t = want_table(n, "'process'");
    if (!t) return s;
    check_keys(*t, {"exe"}, "'process'");
    if (const toml::node* e = t->get("exe")) {
      s.exe_glob = want_string(*e, "'process.exe'");
      if (s.exe_glob) {
        if (auto why = glob_error(*s.exe_glob)) {
          diags_.error(pos_of(*e), fmt::format("invalid glob {}: {}", q(*s.exe_glob), *why));
          s.exe_glob.reset();
        }
      }
    }
    else diags_.error(pos_of(n), "'process' needs 'exe' (a glob over the executable's path)");
    return s;
  }

  CountRange parse_count(const toml::node& n) {
    CountRange c;
    if (n.is_integer()) {
      auto v = *n.value<std::int64_t>();
      if (v < 0) diags_.error(pos_of(n), fmt::format("'count' cannot be negative ({})", v));
      c.min = static_cast<std::uint64_t>(std::max<std::int64_t>(v, 0));
      c.max = c.min;
      return c;
    }
    auto s = want_string(n, "'count'");
    if (!s) return c;
    std::string_view t = trim(*s);
    auto bad = [&] {
      diags_.error(pos_of(n), fmt::format("bad count {}; write N, \"A..B\", \">= N\", \"> N\", "
                                          "\"<= N\" or \"< N\"",
                                          q(*s)));
    };
    auto num = [&](std::string_view x) -> std::optional<std::uint64_t> {
      auto v = parse_integer(x);
      if (!v || *v < 0) return std::nullopt;
      return static_cast<std::uint64_t>(*v);
    };
    if (auto dots = t.find(".."); dots != std::string_view::npos) {
      auto lo = num(t.substr(0, dots));
      auto rest = trim(t.substr(dots + 2));
      auto hi = rest.empty() ? std::optional<std::uint64_t>() : num(rest);
      if (!lo || (!rest.empty() && !hi)) return bad(), c;
      if (hi && *hi < *lo) {
        diags_.error(pos_of(n), fmt::format("empty count range {}: {} is less than {}", q(*s), *hi, *lo));
        return c;
      }
      c.min = *lo;
      c.max = hi;
      return c;
    }
    struct {
      std::string_view op;
      int kind;
    } ops[] = {{">=", 0}, {"<=", 1}, {"==", 2}, {">", 3}, {"<", 4}};
    for (auto [op, kind] : ops) {
      if (!t.starts_with(op)) continue;
      auto v = num(t.substr(op.size()));
      if (!v) return bad(), c;
      switch (kind) {
        case 0: c = {*v, std::nullopt}; break;
        case 1: c = {0, *v}; break;
        case 2: c = {*v, *v}; break;
        case 3: c = {*v + 1, std::nullopt}; break;
        case 4:
          if (*v == 0) {
            diags_.error(pos_of(n), "count \"< 0\" can never hold");
            return c;
          }
          c = {0, *v - 1};
          break;
      }
      return c;
    }
    auto v = num(t);
    if (!v) return bad(), c;
    return {*v, *v};
  }

  void parse_sequence(const toml::table& t, Rule& r) {
    if (const toml::node* m = t.get("mode")) {
      if (auto s = want_string(*m, "'mode'")) {
        if (*s == "subsequence") r.mode = SequenceMode::Subsequence;
        else if (*s == "contiguous") r.mode = SequenceMode::Contiguous;
        else if (*s == "exact") r.mode = SequenceMode::Exact;
        else
          diags_.error(pos_of(*m), fmt::format("'mode' must be \"subsequence\", \"contiguous\" or "
                                               "\"exact\", not {}{}",
                                               q(*s), did_you_mean(*s, {"subsequence", "contiguous", "exact"})));
      }
    }
    const toml::node* st = t.get("steps");
    if (!st) {
      diags_.error(pos_of(t), "[[sequence]] needs 'steps', a list of { syscall = ... } tables");
      return;
    }
    const toml::array* a = st->as_array();
    if (!a || a->empty()) {
      diags_.error(pos_of(*st), fmt::format("'steps' must be a non-empty list of {{ syscall = ... }} tables, not {}",
                                            a ? "an empty array" : type_name(*st)));
      return;
    }
    for (const auto& el : *a) {
      const toml::table* step = want_table(el, "each step");
      if (!step) continue;
      check_keys(*step, {"syscall", "args", "result", "errno", "duration"}, "a sequence step");
      r.steps.push_back(parse_pattern(*step, "a sequence step"));
    }
  }

  CallPattern parse_pattern(const toml::table& t, std::string_view where) {
    CallPattern p;
    p.pos = pos_of(t);
    const toml::node* sc = t.get("syscall");
    bool sel_ok = false;
    if (!sc) {
      diags_.error(pos_of(t), fmt::format("{} needs 'syscall' (a name, a list of names or an @class)", where));
    } else {
      p.selector.items = parse_selector_list(*sc, "'syscall'", sel_ok);
    }
    if (const toml::node* a = t.get("args")) {
      p.has_args = true;
      if (const toml::table* at = want_table(*a, "'args'")) {
        if (sel_ok) {
          parse_args(*at, p);
        } else if (sc) {
          // The selector has an error already: check the arguments against
          // the syscalls it suggests, so that their errors come in the same
          // run. The rule itself is dropped with the file.
          CallPattern guess;
          guess.selector = suggested_selector(*sc);
          if (!guess.selector.items.empty()) parse_args(*at, guess);
        }
      }
    }
    if (const toml::node* r = t.get("result")) p.result = compile_value(*r, nullptr, diags_);
    if (const toml::node* e = t.get("errno")) p.errnos = parse_errnos(*e);
    if (const toml::node* d = t.get("duration")) parse_duration_matcher(*d, p);
    return p;
  }

  // duration = "< 10ms": a comparison (<, <=, >, >=; none is ==) and a
  // duration, or a range "1ms..2s", on how long the call took.
  void parse_duration_matcher(const toml::node& n, CallPattern& p) {
    std::optional<std::string> text = want_string(n, "'duration'");
    if (!text) return;
    std::string_view s = trim(*text);
    auto span = [&](std::string_view part) -> std::optional<std::int64_t> {
      auto d = parse_duration_ns(trim(part));
      if (!d) {
        diags_.error(pos_of(n), fmt::format("bad duration {} in 'duration': {}", q(std::string(trim(part))), d.error()));
        return std::nullopt;
      }
      return static_cast<std::int64_t>(d->count());
    };
    if (std::size_t dots = s.find(".."); dots != std::string_view::npos) {
      auto lo = span(s.substr(0, dots));
      auto hi = span(s.substr(dots + 2));
      if (!lo || !hi) return;
      if (*lo > *hi) {
        diags_.error(pos_of(n), fmt::format("'duration' range {} is empty: {} is more than {}", q(*text),
                                            trim(s.substr(0, dots)), trim(s.substr(dots + 2))));
        return;
      }
      p.duration = matchers::range(*lo, *hi);
    } else {
      IntOp op = IntOp::Eq;
      static constexpr std::pair<std::string_view, IntOp> kOps[] = {
          {"<=", IntOp::Le}, {">=", IntOp::Ge}, {"==", IntOp::Eq}, {"<", IntOp::Lt}, {">", IntOp::Gt}};
      for (auto [word, o] : kOps) {
        if (s.starts_with(word)) {
          op = o;
          s.remove_prefix(word.size());
          break;
        }
      }
      auto v = span(s);
      if (!v) return;
      p.duration = matchers::integer(op, *v, std::string(trim(s)));
    }
    p.duration_text = std::string(trim(*text));
  }

  // The selector with each unknown syscall name replaced by the one
  // suggested for it; names without a suggestion, and bad classes, left out.
  Selector suggested_selector(const toml::node& n) {
    Selector s;
    auto one = [&](const toml::node& el) {
      if (!el.is_string()) return;
      std::string text = *el.value<std::string>();
      std::string_view name = trim(text);
      SelectorItem item;
      item.text = text;
      if (auto colon = name.find(':'); colon != std::string_view::npos) {
        auto abi = abi_from_name(name.substr(0, colon));
        if (!abi) return;
        item.abi = *abi;
        name = name.substr(colon + 1);
      }
      Abi table = item.abi == Abi::x32 ? Abi::x86_64 : item.abi;
      if (!name.empty() && (name.front() == '@' || name.front() == '%')) {
        auto bits = trace_class_from_name(name.substr(1) == "net" ? "network" : name.substr(1));
        if (!bits) return;
        item.classes = *bits;
      } else if (const SyscallDesc* d = find_syscall(table, name)) {
        item.nr = d->nr;
      } else {
        std::string guess = closest_match(name, syscall_names(item.abi));
        const SyscallDesc* g = guess.empty() ? nullptr : find_syscall(table, guess);
        if (!g) return;
        item.nr = g->nr;
        item.text = guess;
      }
      s.items.push_back(std::move(item));
    };
    if (const toml::array* a = n.as_array()) {
      for (const auto& el : *a) one(el);
    } else {
      one(n);
    }
    return s;
  }

  std::vector<int> parse_errnos(const toml::node& n) {
    std::vector<int> out;
    auto one = [&](const toml::node& el) {
      auto s = want_string(el, "'errno'");
      if (!s) return;
      auto v = xlat_value(errno_names(), *s);
      if (!v) {
        diags_.error(pos_of(el), fmt::format("unknown errno '{}'{}", *s,
                                             did_you_mean(*s, xlat_names(errno_names()))));
        return;
      }
      out.push_back(static_cast<int>(*v));
    };
    if (const toml::array* a = n.as_array()) {
      for (const auto& el : *a) one(el);
    } else {
      one(n);
    }
    return out;
  }

  std::vector<Candidate> candidates(const Selector& s) {
    std::vector<Candidate> out;
    for (const auto& item : s.items) {
      Abi table = item.abi == Abi::x32 ? Abi::x86_64 : item.abi;
      if (item.nr >= 0) {
        out.push_back({lookup_syscall(table, item.nr), item.abi, &item});
      } else {
        for (const auto& d : syscall_table(table))
          if (d.classes & item.classes) out.push_back({&d, item.abi, &item});
      }
    }
    return out;
  }

  // The value the spec gives argument `on_arg` of `call` as a plain
  // constant ("SOL_SOCKET", 1), when it gives one.
  std::optional<std::uint64_t> control_value(const toml::table& args, const SyscallDesc& call, int on_arg) {
    if (on_arg < 0 || on_arg >= call.nargs) return std::nullopt;
    const toml::node* n = args.get(call.args[on_arg].name);
    if (!n) n = args.get(std::to_string(on_arg));
    if (!n) return std::nullopt;
    if (n->is_integer()) return static_cast<std::uint64_t>(*n->value<std::int64_t>());
    if (!n->is_string()) return std::nullopt;
    std::string text = *n->value<std::string>();
    if (auto v = parse_integer(text)) return static_cast<std::uint64_t>(*v);
    ArgDesc d = effective_desc(args, call, on_arg);
    if (!d.xlat) return std::nullopt;
    auto v = constant_value(*d.xlat, text, d.name);
    if (!v) return std::nullopt;
    return *v;
  }

  // Argument `i` of `call` as its values are named in this rule: for an
  // argument whose family depends on another (setsockopt's optname on its
  // level, fcntl's arg on its cmd, prctl's on its option), the family the
  // other argument's value selects, as strace prints it.
  ArgDesc effective_desc(const toml::table& args, const SyscallDesc& call, int i) {
    ArgDesc d = call.args[i];
    std::vector<DependentFamily> deps = dependent_families(call, i);
    if (deps.empty()) return d;
    auto control = control_value(args, call, deps.front().on_arg);
    if (!control) return d;
    const Xlat* x = dependent_family(call, i, *control);
    if (!x) return d;
    d.xlat = x;
    d.kind = x == &signal_names() ? ArgKind::Signal
             : x->kind == XlatKind::Flags ? ArgKind::Flags
                                          : ArgKind::Enum;
    if (d.kind == ArgKind::Signal) d.xlat = nullptr;
    return d;
  }

  void parse_args(const toml::table& args, CallPattern& p) {
    auto cands = candidates(p.selector);
    // Keys in file order, for the description.
    std::vector<std::pair<const toml::key*, const toml::node*>> keys;
    for (auto&& [k, v] : args) keys.emplace_back(&k, &v);
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
      auto pa = pos_of(*a.first), pb = pos_of(*b.first);
      return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
    });
    std::vector<std::string> texts;
    for (auto [key, value] : keys) {
      std::string name(key->str());
      std::optional<int> index;
      if (name.size() == 1 && name[0] >= '0' && name[0] <= '5') index = name[0] - '0';
      bool any = false;
      bool described = false;
      Diagnostics first_failure;
      bool first_failure_set = false;
      for (const auto& c : cands) {
        if (!c.desc) continue;
        bool by_name_only = c.item->nr >= 0;
        int i = index ? (*index < c.desc->nargs ? *index : -1) : find_arg(*c.desc, name);
        if (i < 0) {
          if (by_name_only) {
            std::vector<std::string_view> arg_names;
            std::string list;
            for (int j = 0; j < c.desc->nargs; ++j) {
              arg_names.emplace_back(c.desc->args[j].name);
              list += fmt::format("{}{}", j ? ", " : "", c.desc->args[j].name);
            }
            if (index)
              diags_.error(pos_of(*key), fmt::format("'{}' has {} argument{}; index {} is out of range",
                                                     c.desc->name, c.desc->nargs,
                                                     c.desc->nargs == 1 ? "" : "s", *index));
            else
              diags_.error(pos_of(*key),
                           fmt::format("'{}' has no argument '{}'{}{}", c.desc->name, name,
                                       did_you_mean(name, arg_names),
                                       list.empty() ? " (it takes none)" : fmt::format(" (its arguments: {})", list)));
            // The value's own errors, against the argument suggested.
            if (std::string guess = index ? std::string() : closest_match(name, arg_names); !guess.empty()) {
              ArgDesc g = effective_desc(args, *c.desc, find_arg(*c.desc, guess));
              (void)compile_value(*value, &g, diags_);
            }
          }
          continue;
        }
        const ArgDesc d = effective_desc(args, *c.desc, i);
        Diagnostics local;
        dep_ = {};
        if (d.xlat == nullptr && !dependent_families(*c.desc, i).empty()) {
          dep_.desc = &d;
          dep_.call = c.desc;
          dep_.arg = i;
          dep_.control = control_value(args, *c.desc, dependent_families(*c.desc, i).front().on_arg);
        }
        ValueMatcherPtr m = compile_value(*value, &d, local);
        dep_ = {};
        if (!m) {
          if (by_name_only) {
            diags_.append(local);
          } else if (!first_failure_set) {
            first_failure = local;
            first_failure_set = true;
          }
          continue;
        }
        any = true;
        p.args[{c.abi, c.desc->nr}].push_back({i, name, m, d.dir != ArgDir::In});
        if (!described) {
          texts.push_back(name + " " + m->describe());
          described = true;
        }
      }
      if (!any) {
        bool all_named = std::all_of(cands.begin(), cands.end(),
                                     [](const Candidate& c) { return c.item->nr >= 0; });
        if (first_failure_set) {
          diags_.append(first_failure);
        } else if (!all_named) {
          diags_.error(pos_of(*key), fmt::format("no syscall selected by {} has an argument '{}'",
                                                 q(p.selector.describe()), name));
        }
      }
    }
    // A call must satisfy every argument given: drop syscalls that lack one.
    std::size_t want = keys.size();
    for (auto it = p.args.begin(); it != p.args.end();) {
      if (it->second.size() != want) it = p.args.erase(it);
      else ++it;
    }
    for (std::size_t i = 0; i < texts.size(); ++i) p.args_text += (i ? " and " : "") + texts[i];
  }

  // ---- value matchers ------------------------------------------------------

  // A constant for an argument of kind d: "AT_FDCWD", "O_RDONLY|O_CLOEXEC",
  // "AF_INET", "SIGTERM", or a number.
  std::optional<std::int64_t> constant(std::string_view text, const ArgDesc* d, SourcePos at,
                                       Diagnostics& dg) {
    text = trim(text);
    if (auto v = parse_integer(text)) {
      // (uid_t)-1 is written -1, as strace shows it.
      if (d && d->kind == ArgKind::Uid && *v == -1) return 0xffffffff;
      return v;
    }
    const Xlat* x = nullptr;
    if (d && (d->kind == ArgKind::Flags || d->kind == ArgKind::Enum)) x = d->xlat;
    if (d && d->kind == ArgKind::Signal) x = &signal_names();
    if (d && d->kind == ArgKind::DirFd) {
      if (text == "AT_FDCWD") return -100;
      dg.error(at, fmt::format("{} is not a number; a dirfd takes an integer or \"AT_FDCWD\"{}", q(text),
                               did_you_mean(text, {"AT_FDCWD"})));
      return std::nullopt;
    }
    if (!x) {
      if (d && dep_.desc == d) {
        dg.error(at, dependent_problem(text));
        return std::nullopt;
      }
      dg.error(at, fmt::format("{} is not a number; {} takes an integer or a comparison like \">= 0\"",
                               q(text), d ? fmt::format("'{}'", d->name) : std::string("'result'")));
      return std::nullopt;
    }
    auto v = constant_value(*x, text, d->name);
    if (!v) {
      dg.error(at, v.error());
      return std::nullopt;
    }
    return static_cast<std::int64_t>(*v);
  }

  // An argument whose names depend on another one (setsockopt's optname on
  // its level), being compiled without a family: why a name cannot be read.
  struct Dependent {
    const ArgDesc* desc = nullptr;  // the argument being compiled
    const SyscallDesc* call = nullptr;
    int arg = -1;
    std::optional<std::uint64_t> control;  // the other argument's value, when given
  };
  Dependent dep_;

  // "SOL_SOCKET" for level 1: how the controlling argument names a value.
  std::string control_name(const SyscallDesc& call, int on_arg, std::uint64_t value) {
    const ArgDesc& c = call.args[on_arg];
    const Xlat* x = c.xlat;
    if (!x && on_arg < call.nargs) {
      // Itself dependent (prctl's PR_CAP_AMBIENT operation): any family
      // that names the value.
      for (const DependentFamily& f : dependent_families(call, on_arg))
        if (const Xlat* fx = find_xlat(f.family); fx && xlat_name(*fx, value)) x = fx;
    }
    const char* n = x ? xlat_name(*x, value) : nullptr;
    return n ? std::string(n) : std::to_string(value);
  }

  std::string dependent_problem(std::string_view text) {
    const SyscallDesc& call = *dep_.call;
    std::vector<DependentFamily> deps = dependent_families(call, dep_.arg);
    const char* name = call.args[dep_.arg].name;
    const char* on = call.args[deps.front().on_arg].name;
    if (dep_.control) {
      return fmt::format("{} is not a number; '{}' has no names when '{}' is {} (strace shows it as a "
                         "number)",
                         q(text), name, on, control_name(call, deps.front().on_arg, *dep_.control));
    }
    std::vector<std::string_view> all;
    std::string families;
    for (const DependentFamily& f : deps) {
      const Xlat* x = f.family == std::string_view("signals") ? &signal_names() : find_xlat(f.family);
      if (!x) continue;
      std::string when = control_name(call, f.on_arg, f.on_value);
      if (xlat_value(*x, text))
        return fmt::format("'{}' takes its names from the family that '{}' selects: give '{}' too "
                           "({} is a name when {} is {})",
                           name, on, on, text, on, when);
      for (const auto& e : x->entries) all.emplace_back(e.name);
      families += fmt::format("{}{} when {} is {}", families.empty() ? "" : ", ", f.family, on, when);
    }
    return fmt::format("unknown constant '{}' for '{}' ({}){}", text, name, families,
                       did_you_mean(text, all));
  }

  // "3", ">= 0", "!= AT_FDCWD", "1..10", "O_RDONLY|O_CLOEXEC".
  ValueMatcherPtr number_expr(std::string_view text, const ArgDesc* d, SourcePos at, Diagnostics& dg) {
    std::string_view t = trim(text);
    if (auto dots = t.find(".."); dots != std::string_view::npos) {
      auto lo = parse_integer(t.substr(0, dots));
      auto hi = parse_integer(t.substr(dots + 2));
      if (!lo || !hi) {
        dg.error(at, fmt::format("bad range {}; write it as \"LOW..HIGH\" with two integers", q(text)));
        return nullptr;
      }
      if (*hi < *lo) {
        dg.error(at, fmt::format("empty range {}: {} is less than {}", q(text), *hi, *lo));
        return nullptr;
      }
      return matchers::range(*lo, *hi);
    }
    struct {
      std::string_view op;
      IntOp kind;
    } ops[] = {{">=", IntOp::Ge}, {"<=", IntOp::Le}, {"==", IntOp::Eq}, {"!=", IntOp::Ne},
               {">", IntOp::Gt},  {"<", IntOp::Lt}};
    IntOp op = IntOp::Eq;
    bool explicit_op = false;
    for (auto [o, k] : ops) {
      if (t.starts_with(o)) {
        op = k;
        t = trim(t.substr(o.size()));
        explicit_op = true;
        break;
      }
    }
    if (t.empty()) {
      dg.error(at, fmt::format("{} has no value to compare with", q(text)));
      return nullptr;
    }
    auto v = constant(t, d, at, dg);
    if (!v) return nullptr;
    if (!explicit_op && d && d->kind == ArgKind::Flags)
      return matchers::flags_equal(static_cast<std::uint64_t>(*v), std::string(t));
    return matchers::integer(op, *v, std::string(t));
  }

  ValueMatcherPtr string_op(const toml::node& n, StrOp op, std::string_view key, Diagnostics& dg) {
    // An array: any of its strings ({ glob = ["/etc/hosts", "/usr/lib/**"] }).
    if (const toml::array* a = n.as_array()) {
      if (a->empty()) {
        dg.error(pos_of(n), fmt::format("'{}' is an empty list: give at least one string", key));
        return nullptr;
      }
      std::vector<ValueMatcherPtr> any;
      bool ok = true;
      for (const toml::node& el : *a) {
        if (el.is_array()) {
          dg.error(pos_of(el), fmt::format("'{}' takes strings, not {}", key, type_name(el)));
          ok = false;
          continue;
        }
        ValueMatcherPtr m = string_op(el, op, key, dg);
        if (!m) ok = false;
        else any.push_back(std::move(m));
      }
      return ok ? matchers::any_of(std::move(any)) : nullptr;
    }
    auto s = n.value<std::string>();
    if (!n.is_string()) {
      dg.error(pos_of(n), fmt::format("'{}' takes a string or a list of strings, not {}", key, type_name(n)));
      return nullptr;
    }
    if (op == StrOp::Glob) {
      if (auto why = glob_error(*s)) {
        dg.error(pos_of(n), fmt::format("invalid glob {}: {}", q(*s), *why));
        return nullptr;
      }
    }
    if (op == StrOp::Regex) {
      if (auto bad = oversized_regex_number(*s)) {
        dg.error(pos_of(n), fmt::format("invalid regex {}: the number {} is too large", q(*s), *bad));
        return nullptr;
      }
      if (auto re = Regex::compile(*s); !re) {
        dg.error(pos_of(n), fmt::format("invalid regex {}: {}", q(*s), re.error()));
        return nullptr;
      }
    }
    return matchers::string(op, *s);
  }

  std::optional<std::uint64_t> flag_value(const toml::node& el, const ArgDesc& d, Diagnostics& dg,
                                          std::string& shown) {
    auto s = el.value<std::string>();
    if (!el.is_string()) {
      dg.error(pos_of(el), fmt::format("flag names are strings, not {}", type_name(el)));
      return std::nullopt;
    }
    shown = *s;
    auto v = syspect::flag_value(*d.xlat, *s, d.name);
    if (v) return *v;
    dg.error(pos_of(el), v.error());
    return std::nullopt;
  }

  // `d` is nullptr for `result`.
  ValueMatcherPtr compile_value(const toml::node& n, const ArgDesc* d, Diagnostics& dg) {
    const ArgKind kind = d ? d->kind : ArgKind::Long;
    const std::string what = d ? fmt::format("'{}'", d->name) : std::string("'result'");
    if (n.is_string()) {
      std::string s = *n.value<std::string>();
      if (is_string_kind(kind) || is_array_kind(kind)) return matchers::string(StrOp::Equals, s);
      return number_expr(s, d, pos_of(n), dg);
    }
    if (n.is_integer()) return compile_integer(*n.value<std::int64_t>(), pos_of(n), kind, what, dg);
    if (const toml::array* a = n.as_array()) return compile_array(*a, pos_of(n), kind, what, dg);
    const toml::table* t = n.as_table();
    if (!t) {
      dg.error(pos_of(n), fmt::format("{} cannot be matched against {}", what, type_name(n)));
      return nullptr;
    }
    if (t->empty()) {
      dg.error(pos_of(n), fmt::format("empty matcher for {}", what));
      return nullptr;
    }
    // Every key a matcher, all of which must hold.
    std::vector<ValueMatcherPtr> parts;
    bool ok = true;
    for (auto&& [k, v] : *t) {
      ValueMatcherPtr m = compile_key(k.str(), pos_of(k), v, d, what, dg);
      if (!m) ok = false;
      else parts.push_back(m);
    }
    if (!ok) return nullptr;
    return matchers::all_of(std::move(parts));
  }

  ValueMatcherPtr compile_integer(std::int64_t v, SourcePos at, ArgKind kind, const std::string& what,
                                  Diagnostics& dg) {
    if (is_string_kind(kind) || is_array_kind(kind)) {
      dg.error(at, fmt::format("{} is {}; give a string or {{ glob = ... }}, not an integer", what, kind_word(kind)));
      return nullptr;
    }
    if (kind == ArgKind::Flags) return matchers::flags_equal(static_cast<std::uint64_t>(v), std::to_string(v));
    if (kind == ArgKind::Uid && v == -1) return matchers::integer(IntOp::Eq, 0xffffffff, "-1");
    return matchers::integer(IntOp::Eq, v, std::to_string(v));
  }

  // argv-like arguments: the whole array, item by item.
  ValueMatcherPtr compile_array(const toml::array& a, SourcePos at, ArgKind kind, const std::string& what,
                                Diagnostics& dg) {
    if (!is_array_kind(kind)) {
      dg.error(at, fmt::format("{} is {}; an array fits only argv-like arguments (for flags "
                               "write \"A|B\" or {{ has = [...] }})",
                               what, kind_word(kind)));
      return nullptr;
    }
    std::vector<std::string> items;
    for (const auto& el : a) {
      if (!el.is_string()) {
        dg.error(pos_of(el), fmt::format("items of {} are strings, not {}", what, type_name(el)));
        return nullptr;
      }
      items.push_back(*el.value<std::string>());
    }
    return matchers::string_array(std::move(items));
  }

  // One key of a matcher table: `not`, a string operation, `has`/`lacks`,
  // `path`, or (for a struct argument) one of its members.
  ValueMatcherPtr compile_key(std::string_view key, SourcePos key_pos, const toml::node& v, const ArgDesc* d,
                              const std::string& what, Diagnostics& dg) {
    const ArgKind kind = d ? d->kind : ArgKind::Long;
    auto wrong_kind = [&](std::string_view fits) -> ValueMatcherPtr {
      dg.error(key_pos, fmt::format("'{}' applies to {}; {} is {}", key, fits, what, kind_word(kind)));
      return nullptr;
    };
    if (key == "not") {
      ValueMatcherPtr m = compile_value(v, d, dg);
      return m ? matchers::negate(m) : nullptr;
    }
    static constexpr std::pair<std::string_view, StrOp> kStringOps[] = {
        {"glob", StrOp::Glob},     {"regex", StrOp::Regex},       {"prefix", StrOp::Prefix},
        {"suffix", StrOp::Suffix}, {"contains", StrOp::Contains},
    };
    for (const auto& [name, op] : kStringOps) {
      if (key != name) continue;
      if (!is_string_kind(kind) && !is_array_kind(kind)) return wrong_kind("strings");
      return string_op(v, op, key, dg);
    }
    if (key == "has" || key == "lacks") {
      if (kind != ArgKind::Flags || !d || !d->xlat) return wrong_kind("flag sets");
      return flag_matcher(key == "has", v, key_pos, *d, what, dg);
    }
    if (key == "path") {
      if (kind != ArgKind::Fd && kind != ArgKind::DirFd) return wrong_kind("file descriptors");
      static const ArgDesc path_desc{"path", ArgKind::Path, ArgDir::In, kLenNone, nullptr, nullptr, 64, false};
      ValueMatcherPtr inner = compile_value(v, &path_desc, dg);
      return inner ? matchers::fd_path(inner) : nullptr;
    }
    if (kind == ArgKind::Struct && d) return compile_field(std::string(key), v, key_pos, *d, dg);
    std::vector<std::string_view> keys(std::begin(kMatcherKeys), std::end(kMatcherKeys));
    dg.error(key_pos, fmt::format("unknown matcher '{}'{}", key, did_you_mean(key, keys)));
    return nullptr;
  }

  // `has = "O_CREAT"` / `lacks = ["O_TRUNC", "O_APPEND"]`: each flag
  // (a bit, or a value of a multi-bit field such as O_ACCMODE's) must be
  // set / clear; `has` names that cannot all hold are an error.
  ValueMatcherPtr flag_matcher(bool has, const toml::node& v, SourcePos key_pos, const ArgDesc& d,
                               const std::string& what, Diagnostics& dg) {
    std::vector<ValueMatcherPtr> flags;
    std::vector<std::pair<std::string, std::uint64_t>> named;
    bool ok = true;
    auto one = [&](const toml::node& el) {
      std::string shown;
      auto fv = flag_value(el, d, dg, shown);
      if (!fv) {
        ok = false;
        return;
      }
      std::uint64_t mask = d.xlat->enum_mask;
      bool in_field = mask != 0 && (*fv & ~mask) == 0;
      flags.push_back(matchers::flag(has, *fv, in_field ? mask : 0, shown));
      named.emplace_back(shown, *fv);
    };
    if (const toml::array* fa = v.as_array()) {
      for (const auto& el : *fa) one(el);
    } else {
      one(v);
    }
    if (has) {
      if (auto why = conflicting_flags(*d.xlat, named)) {
        dg.error(key_pos, fmt::format("'has' can never hold for {}: {}", what, *why));
        ok = false;
      }
    }
    if (flags.empty() || !ok) return nullptr;
    return matchers::all_of(std::move(flags));
  }

  // A member of a struct argument: `{ addr = { sin_port = 8080 } }`,
  // `{ statbuf = { st_size = ">= 1" } }`; a table of members nests
  // (`it_value = { tv_sec = 1 }` is the member "it_value.tv_sec"). The
  // value is compiled both as a number and as text, and the member's own
  // form picks one when the call is matched.
  ValueMatcherPtr compile_field(const std::string& name, const toml::node& v, SourcePos key_pos,
                                const ArgDesc& d, Diagnostics& dg) {
    const StructSchema* schema = struct_schema(d.struct_name);
    if (const toml::table* t = v.as_table(); t && !t->empty()) {
      bool nested = true;
      for (auto&& [k, unused] : *t)
        for (std::string_view mk : kMatcherKeys) nested = nested && k.str() != mk;
      if (nested) {
        std::vector<ValueMatcherPtr> parts;
        bool ok = true;
        for (auto&& [k, sub] : *t) {
          // "it_value" + "tv_sec", "msg_iov" + "[0]".
          std::string member = name + (k.str().starts_with("[") ? "" : ".") + std::string(k.str());
          auto m = compile_field(member, sub, pos_of(k), d, dg);
          if (m) parts.push_back(m);
          else ok = false;
        }
        return ok ? matchers::all_of(std::move(parts)) : nullptr;
      }
    }
    // Only members the decoder fills: any other name would never match.
    if (auto why = member_problem(d.struct_name, schema, name)) {
      dg.error(key_pos, fmt::format("'{}': {}", d.name, *why));
      return nullptr;
    }
    const MemberDesc& member = *find_member(*schema, name);
    const Xlat* xlat = member.family ? find_xlat(member.family) : nullptr;
    ArgKind kind = member.is_text     ? ArgKind::Str
                   : member.is_signal ? ArgKind::Signal
                   : !xlat            ? ArgKind::Long
                   : xlat->kind == XlatKind::Flags ? ArgKind::Flags
                                                   : ArgKind::Enum;
    const ArgDesc member_desc{name.c_str(), kind, ArgDir::In, kLenNone, xlat, nullptr, 64, true};
    ValueMatcherPtr inner = compile_value(v, &member_desc, dg);
    if (!inner) return nullptr;
    return member.is_text ? matchers::field(name, nullptr, inner) : matchers::field(name, inner, nullptr);
  }

  std::string file_;
  Diagnostics diags_;
};

}  // namespace

Result<Spec, SpecErrors> parse_spec(std::string_view text, std::string display_name) {
  Parser p(std::move(display_name));
  return p.run(text);
}

Result<Spec, SpecErrors> load_spec(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    SpecErrors e{path, {{{0, 0}, fmt::format("cannot read '{}': {}", path, std::strerror(errno))}}};
    return unexpected(std::move(e));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_spec(ss.str(), path);
}

}  // namespace syspect
