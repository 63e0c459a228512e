#include "policy.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "output.hpp"
#include "syspect/policy_export.hpp"
#include "syspect/trace_file.hpp"

namespace syspect {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "syspect: policy: %s\n", message.c_str());
  return kExitUsage;
}

}  // namespace

CLI::App* add_policy_command(CLI::App& app, PolicyArgs& a) {
  CLI::App* p = app.add_subcommand("policy", "Write the policy that allows exactly what recorded traces did");
  p->add_option("traces", a.traces, "Traces saved by 'syspect record'")->required();
  p->add_option("--format", a.format,
                "toml: an expectation file with a [policy] allow list (default);\n"
                "seccomp: an OCI/Docker seccomp profile")
      ->check(CLI::IsMember({"toml", "seccomp"}));
  p->add_option("-o,--output", a.output, "Write to FILE instead of stdout");
  return p;
}

int run_policy(const PolicyArgs& a) {
  SyscallUsage usage;
  for (const auto& path : a.traces) {
    auto loaded = load_trace(path);
    if (!loaded) return fail(loaded.error().format());
    usage.add(loaded->trace, path);
  }
  std::string text = a.format == "seccomp" ? policy_seccomp(usage) : policy_toml(usage);
  auto opened = Output::open(a.output, Replace::Whole, stdout);
  if (!opened) return fail(opened.error());
  Output& output = *opened.value();
  output.write(text);
  if (int err = output.finish(); err != 0) return fail(output.failure("the policy", err));
  return 0;
}

}  // namespace syspect
