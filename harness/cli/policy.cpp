#include "policy.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "output.hpp"
#include "syspect/policy_export.hpp"
#include "syspect/spec_parser.hpp"
#include "syspect/trace_file.hpp"

namespace syspect {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "syspect: policy: %s\n", message.c_str());
  return kExitUsage;
}

// --merge: the file is rewritten whole (a temporary beside it, renamed over
// it), so that a failure leaves it as it was.
int merge_into(const PolicyArgs& a, const SyscallUsage& usage) {
  if (a.format != "toml") return fail("--merge adds to an expectation file: it takes no --format seccomp");
  if (!a.output.empty()) return fail("--merge rewrites its file in place: it takes no -o");
  std::ifstream in(a.merge, std::ios::binary);
  if (!in) return fail(fmt::format("cannot read '{}': {}", a.merge, std::strerror(errno)));
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  auto spec = parse_spec(text, a.merge);
  if (!spec) {
    std::fputs(spec.error().format().c_str(), stderr);
    return fail(fmt::format("'{}' is not an expectation file it can add to", a.merge));
  }
  auto merged = policy_merge(text, *spec, usage);
  if (!merged) return fail(fmt::format("{}: {}", a.merge, merged.error()));
  for (const auto& d : merged->denied)
    std::fprintf(stderr, "syspect: policy: %s: the traces made %s, which [policy] deny names: not added\n",
                 a.merge.c_str(), d.c_str());
  // --paths: then the paths, into the text with the new allow entries.
  std::string result = merged->text;
  std::vector<std::string> paths_added;
  if (a.paths) {
    auto again = parse_spec(result, a.merge);
    if (!again)
      return fail(fmt::format("{}: the merged file would not read back ({}); left as it was", a.merge,
                              again.error().format()));
    auto paths = policy_merge_paths(result, *again, usage);
    if (!paths) return fail(fmt::format("{}:{}", a.merge, paths.error()));  // FILE:LINE:COLUMN: error: ...
    result = std::move(paths->text);
    paths_added = std::move(paths->added);
  }
  if (merged->added.empty() && paths_added.empty()) {
    std::printf("%s: nothing to add: it allows every call of the traces%s\n", a.merge.c_str(),
                a.paths ? " and every path they used" : "");
    return 0;
  }
  // What was written must still read as a spec, with the same rules.
  if (auto again = parse_spec(result, a.merge); !again)
    return fail(fmt::format("{}: the merged file would not read back ({}); left as it was", a.merge,
                            again.error().format()));
  auto opened = Output::open(a.merge, Replace::Whole, stdout);
  if (!opened) return fail(opened.error());
  Output& output = *opened.value();
  output.write(result);
  if (int err = output.finish(); err != 0) return fail(output.failure("the policy", err));
  if (!merged->added.empty()) {
    std::printf("%s: added %zu entr%s to [policy] allow:\n", a.merge.c_str(), merged->added.size(),
                merged->added.size() == 1 ? "y" : "ies");
    for (const auto& line : merged->added) std::printf("  %s\n", line.c_str());
  }
  if (!paths_added.empty()) {
    std::printf("%s: added %zu path%s to the --paths rules:\n", a.merge.c_str(), paths_added.size(),
                paths_added.size() == 1 ? "" : "s");
    for (const auto& line : paths_added) std::printf("  %s\n", line.c_str());
  }
  return 0;
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
  p->add_flag("--paths", a.paths,
              "Also forbid opening a path, running a program, or naming a path to any other call "
              "(stat, unlink, mkdir, rename...) that the traces did not (globs DIR/** where many "
              "paths under DIR were used); with --merge, add the paths new traces used");
  p->add_flag("--for-container", a.for_container,
              "With --format seccomp: also allow what a container runtime (runc, crun) does "
              "after it loads the profile and before it starts the program (dropping "
              "capabilities, switching user, closing descriptors, the exec)");
  p->add_option("--merge", a.merge,
                "Add what the traces did to the [policy] allow list of this expectation file, in "
                "place, keeping its comments and order; print what was added (with --paths, also "
                "the paths they used to its path rules)");
  p->footer(
      "Examples: syspect policy run1.jsonl run2.jsonl > app.toml\n"
      "          syspect policy --merge app.toml run3.jsonl\n"
      "          syspect policy --paths --merge app.toml run3.jsonl\n"
      "          syspect policy --format seccomp --for-container run1.jsonl > profile.json\n"
      "Then: syspect coverage app.toml run*.jsonl shows entries nothing uses.");
  return p;
}

int run_policy(const PolicyArgs& a) {
  SyscallUsage usage;
  for (const auto& path : a.traces) {
    auto loaded = load_trace(path);
    if (!loaded) return fail(loaded.error().format());
    usage.add(loaded->trace, path);
  }
  if (a.paths && a.format != "toml")
    return fail("--paths writes rules of an expectation file: it takes no --format seccomp");
  if (a.for_container && a.format != "seccomp")
    return fail("--for-container is for a seccomp profile: add --format seccomp");
  if (!a.merge.empty()) return merge_into(a, usage);
  std::string text = a.format == "seccomp" ? policy_seccomp(usage, a.for_container) : policy_toml(usage);
  if (a.paths) text += policy_paths_toml(usage);
  auto opened = Output::open(a.output, Replace::Whole, stdout);
  if (!opened) return fail(opened.error());
  Output& output = *opened.value();
  output.write(text);
  if (int err = output.finish(); err != 0) return fail(output.failure("the policy", err));
  return 0;
}

}  // namespace syspect
