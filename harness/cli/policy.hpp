#pragma once
// `syspect policy TRACE.jsonl [MORE.jsonl...] [--format toml|seccomp] [-o FILE]`
// `syspect policy --merge EXISTING.toml TRACE.jsonl [MORE.jsonl...]`

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace syspect {

struct PolicyArgs {
  std::vector<std::string> traces;
  std::string format = "toml";
  std::string output;
  std::string merge;  // --merge EXISTING.toml
  bool paths = false;  // --paths
  bool for_container = false;  // --for-container
};

// Registers the subcommand on `app`; `args` receives its options.
CLI::App* add_policy_command(CLI::App& app, PolicyArgs& args);

// Writes the policy; returns 0, or 2 for bad usage or an unreadable trace.
int run_policy(const PolicyArgs& args);

}  // namespace syspect
