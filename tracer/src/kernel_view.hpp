#pragma once
// What the kernel did with a call's inputs, asked of the kernel rather than
// of the tracee's memory. Another thread can rewrite an input after syspect
// read it at the call's entry and write it back before the call returns:
// the memory then shows nothing, but the call's effect does. These checks
// compare the decoded inputs with that effect (the socket's peer, the
// program now running, the names created or removed); each returns the
// arguments (bit i: argument i) whose decoded value the effect contradicts.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "syspect/event.hpp"

namespace syspect::detail {

// The name by which the tracer reaches the file that `path` names for
// thread `tid` of process `tgid`: through /proc/TID/root, /proc/TID/cwd or
// /proc/TID/fd/DIRFD (`dirfd` is AT_FDCWD or a descriptor of the tracee),
// with the names that mean the tracee itself (/proc/self, /proc/thread-self,
// /dev/fd, /dev/stdin...) made explicit. Nothing for an empty path.
std::optional<std::string> tracer_path(pid_t tgid, pid_t tid, int dirfd, std::string_view path);

// Which names a call that creates or removes names (mkdir, mknod, symlink,
// link, rename, unlink, rmdir and their *at forms) found at its entry.
struct NamesAtEntry {
  std::uint8_t checked = 0;  // bit i: argument i was looked up
  std::uint8_t existed = 0;  // bit i: ...and named something
  bool same_file = false;    // rename: old and new named one file
};

// Looks up the names such a call will create or remove; `checked` is 0 for
// any other call.
NamesAtEntry names_at_entry(pid_t tgid, pid_t tid, const SyscallEvent& e);

// At the successful exit of such a call: the arguments whose names do not
// show what the call did (a name created that existed before or is missing
// now, a name removed that did not exist or is still there).
std::uint8_t names_without_effect(pid_t tgid, pid_t tid, const SyscallEvent& e,
                                  const NamesAtEntry& before);

// At the exit of a connect that succeeded (or is in progress): the address
// argument when the socket's peer, as the kernel reports it, is not the
// decoded address.
std::uint8_t peer_differs(pid_t tgid, pid_t tid, const SyscallEvent& e);

// At the exec event of an execve or execveat: the arguments that the new
// program contradicts: the path when the file now running is not the file
// the decoded path names (or, for a script, its interpreter and its
// command line do not name it), argv and envp when the new process's
// command line and environment are not the decoded ones.
std::uint8_t exec_differs(pid_t tgid, pid_t tid, const SyscallEvent& e);

}  // namespace syspect::detail
