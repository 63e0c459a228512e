#pragma once
// `syspect record -o TRACE.jsonl [-s N] [--timeout D] [-e trace=SET] [--redact-env WHICH] -- CMD [ARGS...]`

#include <cstddef>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace syspect {

struct RecordArgs {
  std::string output;
  std::size_t string_limit = 32;
  std::string timeout;
  std::vector<std::string> exprs;  // -e trace=SET
  std::string redact_env = "*TOKEN*,*SECRET*,*PASSWORD*,*KEY*";
  std::vector<std::string> command;
  std::vector<std::string> injects;  // --inject
  bool stacks = false;  // -k: each call's frames in the file
};

// Registers the subcommand on `app`; `args` receives its options.
CLI::App* add_record_command(CLI::App& app, RecordArgs& args);

// Records the command's trace; returns the command's own exit status, as
// `syspect trace` does.
int run_record(const RecordArgs& args);

}  // namespace syspect
