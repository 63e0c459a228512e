#pragma once
// What every subcommand that runs a program under the tracer shares.

#include "syspect/tracer.hpp"

namespace syspect {

// SIGINT, SIGTERM and SIGHUP ask the tracer to stop (attached processes are
// detached, spawned ones killed), so that a report or trace file still ends
// properly.
void install_stop_handlers();

// The exit status for a program that could not be traced at all.
int exit_code_for(StartError e);

}  // namespace syspect
