#pragma once
// `-e inject=SET:ACTION[:when=EXPR]` and `--inject=SET:ACTION...` on the
// verbs that run a program (trace, record, check): strace's syntax.

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "syspect/inject.hpp"
#include "syspect/result.hpp"

namespace syspect {

// "inject=..." (or strace's "fault=...", which means error=ENOSYS unless
// an action says otherwise): an -e expression that injects.
bool is_inject_expr(std::string_view expr);

// An -e expression ("inject=write:error=ENOSPC") or an --inject value
// ("write:error=ENOSPC"). The error names the expression: "inject=...: why".
Result<Injection, std::string> parse_inject_expr(std::string_view expr);

// Registers --inject on `app`; its values go to `values`, in order.
void add_inject_option(CLI::App* app, std::vector<std::string>& values);

// The injections of -e inject= expressions and --inject values, in the
// order given: -e ones first, then --inject ones.
Result<std::vector<Injection>, std::string> collect_injections(const std::vector<std::string>& exprs,
                                                              const std::vector<std::string>& values);

}  // namespace syspect
