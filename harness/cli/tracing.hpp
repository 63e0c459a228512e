#pragma once
// What every subcommand that runs a program under the tracer shares.

#include "syspect/tracer.hpp"

namespace syspect {

// SIGINT, SIGTERM and SIGHUP ask `tracer` to stop (attached processes are
// detached, spawned ones killed), so that a report or trace file still ends
// properly. For as long as this object lives; `tracer` must outlive it.
class StopOnSignals {
 public:
  explicit StopOnSignals(Tracer& tracer);
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;
};

// The exit status for a program that could not be traced at all.
int exit_code_for(StartError e);

}  // namespace syspect
