#pragma once
// `syspect sweep [SPEC.toml] -e inject=SET:ACTION [--jobs N] [--timeout D]
// [--report text|json|junit] [--report-file F] [--shard K/N] [--setup CMD] -- CMD...`
// and `syspect sweep --merge REPORT.json...`: fail each call a set selects,
// one run per call, and say which runs did not handle it.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace syspect {

struct SweepArgs {
  std::vector<std::string> exprs;    // -e inject=...
  std::vector<std::string> injects;  // --inject
  std::string timeout;
  unsigned jobs = 0;  // 0: the CPU count
  std::string report = "text";
  std::string report_file;
  std::string shard;  // "K/N"
  std::string setup;  // a shell command run before each run
  bool merge = false;
  int stacks = 0;  // -k: who made each failed call; -kk: with source lines
  std::string spec;   // SPEC.toml, before the command
  std::vector<std::string> command;  // [SPEC.toml] CMD..., or the reports to merge
};

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& args);

// 0 every run handled its failed call; 1 some run crashed, hung, went
// unnoticed or broke the spec's rules; 2 bad usage; 3 the program could
// not be traced (or its clean run did not end on its own), or the report
// could not be written.
int run_sweep(const SweepArgs& args);

}  // namespace syspect
