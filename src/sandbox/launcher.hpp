// launcher.hpp — executes a SandboxPlan: clone into new namespaces, build
// the sandbox in the child, run the target under a PID-1 init, supervise
// from the host, and return the target's exit status.
#pragma once

#include "core/plan.hpp"

namespace sbx::sandbox {

// The host step between the final plan and the launch: creates the missing
// sources the plan marks `create` (persistent folders a profile asks for,
// the covers of sbx's own folders); 0700 because they hold the sandbox's
// private data. Changes nothing else; decides nothing.
void prepare_host(const core::SandboxPlan& plan);

// Returns the status sbx exits with: the target's exit code, or 128+N when
// it was killed by signal N. Setup failures in the child exit 125 (126/127
// when the command cannot be executed/found) after printing one line.
// Throws sbx::Error for failures before the child exists.
int run(const core::SandboxPlan& plan);

}  // namespace sbx::sandbox
