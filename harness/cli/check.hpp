#pragma once
// `syspect check SPEC.toml [--report text|json|junit] [--report-file F] [--also-text] [--trace FILE | -- CMD...]`

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace syspect {

struct CheckArgs {
  std::string spec;
  std::string report = "text";
  std::string report_file;
  std::string trace;  // check a recorded trace instead of running anything
  std::vector<std::string> command;
  bool strict = false;  // the --strict seccomp backstop
  bool also_text = false;  // the text report on stderr as well as --report-file's
  bool stacks = false;  // -k: the offending calls' stacks in the report
};

// Registers the subcommand on `app`; `args` receives its options.
CLI::App* add_check_command(CLI::App& app, CheckArgs& args);

// Runs the check; returns the exit status (0 held, 1 failed, 2 bad usage or
// spec, 3 the target could not be traced or the report could not be
// written, 128 + N when signal N stopped syspect before the target ended).
int run_check(const CheckArgs& args);

}  // namespace syspect
