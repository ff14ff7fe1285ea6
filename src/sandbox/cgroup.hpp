// cgroup.hpp — cgroup v2 limits (memory.max, pids.max, cpu.max) in a child
// cgroup of a delegated subtree, for example a systemd user session's
// user@UID.service/app.slice. The launcher creates "sbx-<pid>", the sandbox
// is cloned straight into it (clone3 CLONE_INTO_CGROUP: no moment when it
// runs unlimited), and the directory is removed when the sandbox is gone.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "core/plan.hpp"
#include "sys/unique_fd.hpp"

namespace sbx::sandbox {

class SandboxCgroup {
public:
    // Executes the plan's decision (core::place_cgroup): enables
    // plan.enable in plan.parent's cgroup.subtree_control, creates
    // plan.parent/sbx-<pid> and writes the limits. nullptr when the plan
    // sets no cgroup limit, or skips them (one warning line "cgroup limits
    // skipped: REASON"), or when a step fails and the limits are not
    // required (the same warning with the step's error). Throws Setup when
    // a step fails and they are required, or when the plan left them
    // unplaced.
    static std::unique_ptr<SandboxCgroup> create(const core::CgroupPlan& plan);

    // Kills what is left in the cgroup (cgroup.kill) and removes it.
    ~SandboxCgroup();
    SandboxCgroup(const SandboxCgroup&) = delete;
    SandboxCgroup& operator=(const SandboxCgroup&) = delete;

    int fd() const { return dir_.get(); }  // for clone3's CLONE_INTO_CGROUP
    const std::string& path() const { return path_; }

private:
    SandboxCgroup(sys::UniqueFd parent, std::string name, std::string path, sys::UniqueFd dir);

    sys::UniqueFd parent_;
    std::string name_;
    std::string path_;
    sys::UniqueFd dir_;
};

}  // namespace sbx::sandbox
