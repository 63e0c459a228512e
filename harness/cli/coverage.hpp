#pragma once
// `syspect coverage SPEC TRACE.jsonl... [--fail-unused] [--report text|json] [-o FILE]`

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace syspect {

struct CoverageArgs {
  std::string spec;
  std::vector<std::string> traces;
  std::string report = "text";
  std::string output;
  bool fail_unused = false;
};

// Registers the subcommand on `app`; `args` receives its options.
CLI::App* add_coverage_command(CLI::App& app, CoverageArgs& args);

// Prints how many calls of the traces each [policy] allow entry and each
// rule matched; returns 0, 1 when --fail-unused and an allow entry matched
// nothing, 2 for bad usage, a bad spec, an unreadable trace or an output
// that cannot be written.
int run_coverage(const CoverageArgs& args);

}  // namespace syspect
