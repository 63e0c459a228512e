#pragma once
// `syspect diff OLD.jsonl NEW.jsonl` and `syspect diff OLD.jsonl -- CMD [ARGS...]`

#include <cstddef>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace syspect {

struct DiffArgs {
  std::string old_trace;
  std::vector<std::string> rest;     // NEW.jsonl
  std::vector<std::string> command;  // ...or the command after --
  std::string output;                // -o: the diff goes here, not to stdout
  std::vector<std::string> normalize;
  std::vector<std::string> ignore;
  std::size_t context = 3;
  bool counts = false;
  bool keep_futex = false;
  std::string timeout;
};

// Registers the subcommand on `app`; `args` receives its options.
CLI::App* add_diff_command(CLI::App& app, DiffArgs& args);

// Returns 0 when the traces match after normalisation, 1 when they differ,
// 2 for bad usage or an unreadable trace, 125..127 when the command cannot
// be traced.
int run_diff(const DiffArgs& args);

}  // namespace syspect
