// launcher.hpp — executes a SandboxPlan: clone into new namespaces, build
// the sandbox in the child, run the target under a PID-1 init, supervise
// from the host, and return the target's exit status.
#pragma once

#include "core/plan.hpp"

namespace sbx::sandbox {

// Persistent folders a profile asks for (`create = true`) are made before
// the sources are resolved; 0700 because they hold the sandbox's private data.
void create_missing_sources(const core::SandboxPlan& plan);

// Returns the status sbx exits with: the target's exit code, or 128+N when
// it was killed by signal N. Setup failures in the child exit 125 (126/127
// when the command cannot be executed/found) after printing one line.
// Throws sbx::Error for failures before the child exists.
int run(const core::SandboxPlan& plan);

}  // namespace sbx::sandbox
