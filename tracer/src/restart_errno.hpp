#pragma once
// The kernel's restart errnos, ERESTARTSYS (512) to ERESTART_RESTARTBLOCK
// (516): a call interrupted by a signal, which the kernel restarts or fails
// with EINTR. A tracer sees them at the exit stop; the program never does.

namespace syspect::detail {

inline bool is_restart_errno(int err) { return err >= 512 && err <= 516; }

}  // namespace syspect::detail
