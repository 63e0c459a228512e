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
  std::vector<std::string> exprs;    // -e inject=...
  std::vector<std::string> injects;  // --inject
  bool stacks = false;  // -k: the offending calls' stacks in the report
};

struct Spec;
// A path written in the spec is relative to the spec's directory.
std::string from_spec_dir(const Spec& spec, const std::string& path);
// The environment with a spec's [run] env added (replacing what it names).
std::vector<std::string> environment_with(const std::vector<std::pair<std::string, std::string>>& extra);

// Registers the subcommand on `app`; `args` receives its options.
CLI::App* add_check_command(CLI::App& app, CheckArgs& args);

// Runs the check; returns the exit status (0 held, 1 failed, 2 bad usage or
// spec, 3 the target could not be traced or the report could not be
// written, 128 + N when signal N stopped syspect before the target ended).
int run_check(const CheckArgs& args);

}  // namespace syspect
