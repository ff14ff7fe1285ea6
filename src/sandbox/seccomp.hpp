// seccomp.hpp — compiles a SeccompPlan with libseccomp and installs it.
#pragma once

#include <string>

#include "core/plan.hpp"

namespace sbx::sandbox {

// Loads the filter into the calling thread. Must be the last step before
// execve: every later system call of sbx itself is filtered too. Throws
// Setup (fail closed) if the filter cannot be built or loaded.
void install_seccomp(const core::SeccompPlan& plan);

// Writes the compiled BPF program (struct sock_filter[]) to `path`, in the
// form bwrap --seccomp FD reads.
void export_seccomp(const core::SeccompPlan& plan, const std::string& path);

}  // namespace sbx::sandbox
