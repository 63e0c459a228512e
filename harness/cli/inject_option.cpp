#include "inject_option.hpp"

#include <fmt/format.h>

namespace syspect {

bool is_inject_expr(std::string_view expr) {
  return expr.starts_with("inject=") || expr.starts_with("fault=");
}

Result<Injection, std::string> parse_inject_expr(std::string_view expr) {
  std::string_view body = expr;
  std::string text;
  if (body.starts_with("inject=")) {
    body.remove_prefix(7);
    text = std::string(body);
  } else if (body.starts_with("fault=")) {
    // strace: fault=SET is inject=SET:error=ENOSYS unless told otherwise.
    body.remove_prefix(6);
    text = std::string(body);
    if (text.find(':') == std::string::npos || text.find("error=") == std::string::npos)
      text += ":error=ENOSYS";
  } else {
    text = std::string(body);
  }
  auto parsed = Injection::parse(text);
  if (!parsed) return unexpected(fmt::format("inject={}: {}", body, parsed.error()));
  parsed->text = std::string(body);
  return std::move(*parsed);
}

void add_inject_option(CLI::App* app, std::vector<std::string>& values) {
  app->add_option("--inject", values,
                  "Inject a fault, as strace's -e inject=: SET:ACTION[:when=EXPR], ACTION "
                  "error=ERRNO, retval=N, signal=SIG, delay_enter=D or delay_exit=D; when=N, N+, "
                  "N+STEP, N..M (counted over the whole traced tree); repeatable, the first that "
                  "fires on a call acts")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

Result<std::vector<Injection>, std::string> collect_injections(const std::vector<std::string>& exprs,
                                                              const std::vector<std::string>& values) {
  std::vector<Injection> out;
  for (const auto& e : exprs) {
    if (!is_inject_expr(e)) continue;
    auto i = parse_inject_expr(e);
    if (!i) return unexpected("-e " + i.error());
    out.push_back(std::move(*i));
  }
  for (const auto& v : values) {
    auto i = parse_inject_expr(v);
    if (!i) return unexpected("--" + i.error());
    out.push_back(std::move(*i));
  }
  return out;
}

}  // namespace syspect
