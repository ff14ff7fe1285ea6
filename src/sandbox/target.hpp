// target.hpp — the target's last steps, in the process the sandbox's PID 1
// forked for it: session and terminal, working directory, limits,
// capabilities, no_new_privs, Landlock, seccomp, execve.
#pragma once

#include <sys/types.h>

#include "core/plan.hpp"
#include "sandbox/seccomp.hpp"

namespace sbx::sandbox {

// Never returns. A failed step sends a SetupFailed frame on `sync` and
// exits 125; a failed execve sends ExecFailed and exits 127 (not found) or
// 126 (not executable), like a shell. `sync` is close-on-exec: a successful
// execve closes it, which is how the launcher learns that the command runs.
[[noreturn]] void exec_target(const core::SandboxPlan& plan, const SeccompProgram& seccomp, mode_t caller_umask,
                              int pty_slave, int sync);

}  // namespace sbx::sandbox
