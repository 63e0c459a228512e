#include "redact.hpp"

#include <fnmatch.h>

#include <cstring>

#include <fmt/format.h>

namespace syspect {

Result<EnvRedaction, std::string> EnvRedaction::parse(const std::string& spec) {
  EnvRedaction r;
  if (spec == "none") return r;
  r.description_ = spec;
  if (spec == "all") {
    r.all_ = true;
    return r;
  }
  std::size_t from = 0;
  while (from <= spec.size()) {
    std::size_t comma = spec.find(',', from);
    if (comma == std::string::npos) comma = spec.size();
    std::string name = spec.substr(from, comma - from);
    if (name.empty() || name.find('=') != std::string::npos)
      return unexpected(fmt::format("--redact-env {}: give all, none, or variable names (globs allowed) "
                                    "separated by commas", spec));
    r.names_.push_back(std::move(name));
    from = comma + 1;
  }
  return r;
}

bool EnvRedaction::redacts(const std::string& name) const {
  if (all_) return true;
  for (const std::string& n : names_)
    if (::fnmatch(n.c_str(), name.c_str(), FNM_CASEFOLD) == 0) return true;
  return false;
}

void EnvRedaction::apply(std::string& entry) const {
  std::size_t eq = entry.find('=');
  if (eq == std::string::npos) return;
  if (redacts(entry.substr(0, eq))) entry.replace(eq + 1, std::string::npos, kRedacted);
}

void RedactingSink::on_syscall(const SyscallEvent& e) {
  int envp = -1;
  if (e.desc != nullptr && !redaction_.none())
    for (int i = 0; i < e.desc->nargs && i < e.nargs; ++i)
      if (std::strcmp(e.desc->args[i].name, "envp") == 0 && e.args[i].form == ArgValue::Form::StringArray)
        envp = i;
  if (envp < 0) return next_.on_syscall(e);
  SyscallEvent redacted = e;
  for (std::string& item : redacted.args[static_cast<std::size_t>(envp)].items) redaction_.apply(item);
  next_.on_syscall(redacted);
}

}  // namespace syspect
