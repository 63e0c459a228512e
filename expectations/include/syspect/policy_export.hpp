#pragma once
// Turning recorded traces into a policy: what `syspect policy` writes. An
// expectation file whose [policy] allows exactly the syscalls the traces
// made, or an OCI/Docker seccomp profile that allows the same.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "syspect/result.hpp"
#include "syspect/spec.hpp"
#include "syspect/syscall_table.hpp"
#include "syspect/trace.hpp"

namespace syspect {

// How often each syscall was made, over one or more traces.
struct SyscallUsage {
  std::map<std::pair<Abi, std::string>, std::uint64_t> counts;  // (abi, name) → calls
  std::map<std::string, std::uint64_t> unknown;  // calls by number only: "syscall_0x3e8"
  std::vector<std::string> sources;  // "t.jsonl: ./app --once", for the file's comment
  // For --paths: the paths the traces gave each rule's argument, with how
  // often, by PathRuleKind::key ("open", "exec", "pathname", "oldpath"...).
  // Failed calls count; a path that is NULL, unreadable or cut is not kept.
  std::map<std::string, std::map<std::string, std::uint64_t>> paths;

  void add(const Trace& trace, const std::string& source);
};

// The [[forbid]] rules `--paths` writes, one for each kind of path argument:
// what opens open (open, openat, openat2, creat), what execs run (execve,
// execveat), then, for every other call that takes a path the kernel
// resolves (an input argument of kind `path` in the syscall table: stat,
// unlink, mkdir, rename, chdir, the xattr calls...), one rule per argument
// name, since a rule's `args` name one argument (rename's `oldpath` and
// `newpath` are two rules). A syscall added to the table is covered with no
// change here. x86_64 names: a rule's names match x86_64 calls only.
struct PathRuleKind {
  std::string key;                    // "open", "exec", or the argument's name
  std::string arg;                    // the argument the rule reads
  std::vector<std::string> syscalls;  // in table order
  std::string name;                   // the rule's `name`
  std::string verb;                   // for the comments: "open", "exec", "call"
  // The rule also says `prefix = ""`: a NULL path (utimensat(fd, NULL, ...)
  // for futimens, fanotify_mark on a descriptor) names no path and is not
  // judged. Not for opens and execs, whose rules are as they always were.
  bool strings_only = false;
};
const std::vector<PathRuleKind>& path_rule_kinds();

// Calls that any process may need though a run did not show them, allowed
// for every ABI the traces used (`sigreturn` for i386 only). A recording
// rarely holds a signal or a thread's end, and a profile without these kills
// the program at its first signal handler.
struct AlwaysAllowed {
  const char* name;
  const char* why;  // for the generated file's comment
  // Also in the seccomp profile. madvise is not: glibc carries on when it
  // fails at a thread's end, but a checked run would report it.
  bool seccomp;
};
std::span<const AlwaysAllowed> always_allowed();

// version = 1 and a [policy] allow list: whole classes as "@class" where
// every syscall of the class was used, names otherwise, each with a comment
// saying how often it was seen; then the always-allowed calls not seen.
std::string policy_toml(const SyscallUsage& usage);

// `--paths`: [[forbid]] rules, after the policy, one for each kind of path
// argument the traces used (path_rule_kinds()): no open of a path, no exec
// of a program, no other call on a path, outside what the traces did. Each
// is a list of globs (`{ not = { glob = [...] } }`): a path as it was given, or
// DIR/** for a directory that holds at least `min_files` of the paths (or
// directories leading to them) directly, and a directory three levels down
// or more that holds two such directories (/usr/lib/python3.11/** rather
// than each of its packages); never / or a directory one level down (/usr).
std::string policy_paths_toml(const SyscallUsage& usage, std::size_t min_files = 4);

// An OCI runtime seccomp profile (as Docker and runc read it): every call
// fails with EPERM except those seen and the always-allowed ones; only the
// architectures seen are listed. `for_container` also allows what a
// container runtime does between loading the profile and starting the
// program (container_runtime_calls()).
std::string policy_seccomp(const SyscallUsage& usage, bool for_container = false);

// The calls an OCI runtime (runc, crun) makes in the container's first
// process after it has loaded the seccomp profile and before it execs the
// program, each with what it is for; `policy --format seccomp
// --for-container` allows them (Docker's and Podman's default profiles
// allow them too).
struct RuntimeCall {
  const char* name;
  const char* why;
};
std::span<const RuntimeCall> container_runtime_calls();

// `syspect policy --merge`: the calls of `usage` that the [policy] of
// `spec` (parsed from `text`) does not allow, added to the end of its allow
// list in `text`, each on a line of its own with a comment; everything else
// in the text (comments, order, layout) is kept as it was.
struct PolicyMerge {
  std::string text;                // the new file
  std::vector<std::string> added;  // "getrandom (1 call)", in the order added
  std::vector<std::string> denied;  // calls the traces made that `deny` names: not added
};
Result<PolicyMerge, std::string> policy_merge(const std::string& text, const Spec& spec, const SyscallUsage& usage);

// `syspect policy --merge --paths`: the paths of `usage` that the --paths
// rules of `spec` (parsed from `text`) forbid, added to the end of their
// glob lists (`[forbid.args.ARG.not] glob = [...]`), each with a comment,
// DIR/** where many of the new paths share a directory as policy_paths_toml()
// does; a kind of path with no rule in the file gets a new rule at its end.
// A rule is the kind's when its `syscall` names exactly the kind's calls
// and its `args` only the kind's argument.
// Everything else in the text is kept as it was.
struct PathsMerge {
  std::string text;
  std::vector<std::string> added;  // "opens only ...: /etc/hosts (1 open)"
};
Result<PathsMerge, std::string> policy_merge_paths(const std::string& text, const Spec& spec,
                                                   const SyscallUsage& usage, std::size_t min_files = 4);

// `s` as a TOML basic string, quoted and escaped ("a\"b", control
// characters as \uXXXX): what the policy writers emit for names and paths.
std::string toml_string(std::string_view s);

}  // namespace syspect
