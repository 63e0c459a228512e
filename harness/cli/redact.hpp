#pragma once
// `record --redact-env`: the values of chosen environment variables in
// execve's envp replaced before the trace is written.

#include <string>
#include <vector>

#include "syspect/result.hpp"
#include "syspect/tracer.hpp"

namespace syspect {

// The variables whose values look secret, unless --redact-env says otherwise.
inline constexpr const char* kSecretEnvNames = "*TOKEN*,*SECRET*,*PASSWORD*,*KEY*";
// What a redacted value is replaced with.
inline constexpr const char* kRedacted = "<redacted>";

class EnvRedaction {
 public:
  // "all", "none", or names and globs separated by commas ("CI_TOKEN,*KEY*"),
  // matched against variable names without regard to case.
  static Result<EnvRedaction, std::string> parse(const std::string& spec);
  bool none() const { return !all_ && names_.empty(); }
  // What the header says: "all" or the list as given; empty for none.
  const std::string& description() const { return description_; }
  // Whether the value of `name` is replaced.
  bool redacts(const std::string& name) const;
  // "NAME=value" → "NAME=<redacted>" when `name` is redacted.
  void apply(std::string& entry) const;

 private:
  bool all_ = false;
  std::vector<std::string> names_;
  std::string description_;
};

// Hands every event on to `next`, with the envp of execve and execveat
// redacted.
class RedactingSink : public Sink {
 public:
  RedactingSink(EnvRedaction redaction, Sink& next) : redaction_(std::move(redaction)), next_(next) {}
  Interest interest() const override { return next_.interest(); }
  Verdict on_entry(const SyscallEvent& entry) override { return next_.on_entry(entry); }
  void on_syscall(const SyscallEvent& e) override;
  void on_signal(const SignalEvent& e) override { next_.on_signal(e); }
  void on_exec(const ExecEvent& e) override { next_.on_exec(e); }
  void on_exit(const ExitEvent& e) override { next_.on_exit(e); }
  void on_finish(const TraceResult& r) override { next_.on_finish(r); }

 private:
  EnvRedaction redaction_;
  Sink& next_;
};

}  // namespace syspect
