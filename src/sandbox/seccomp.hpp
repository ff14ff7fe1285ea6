// seccomp.hpp — compiles a SeccompPlan with libseccomp and installs it.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "core/plan.hpp"

namespace sbx::sandbox {

// The compiled filter: a classic BPF program (struct sock_filter[]).
// Built on the host before clone(), so that the sandbox only has to load
// it: no libseccomp work in a freshly forked process, whose every touched
// page is a copy-on-write fault (crun compiles parent-side too).
struct SeccompProgram {
    bool enabled = false;  // false: policy "none", nothing to load
    std::vector<sock_filter> code;
};

// The filter for `plan`: the one compiled when sbx was built if the plan is
// one of those (precompiled_seccomp.hpp), else compiled now with libseccomp.
// Throws Setup (fail closed) if the filter cannot be built.
SeccompProgram compile_seccomp(const core::SeccompPlan& plan);

// Always compiles with libseccomp (the build-time generator and the tests).
SeccompProgram compile_with_libseccomp(const core::SeccompPlan& plan);

// Writes the compiled BPF program (struct sock_filter[]) to `path`, in the
// form bwrap --seccomp FD reads.
void export_seccomp(const core::SeccompPlan& plan, const std::string& path);

}  // namespace sbx::sandbox
