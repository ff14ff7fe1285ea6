// cgroup_placement.hpp — where the sandbox's cgroup goes, decided before
// anything changes on the host: finish_plan's last step turns the host's
// cgroup v2 hierarchy, seen through read-only queries, into the parent
// folder the launch creates "sbx-<pid>" under (and the controllers to
// enable there first), or into the reason the limits are skipped, or into
// the error a `required` limit fails with. sandbox::SandboxCgroup only
// executes the result; --dry-run prints it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/host.hpp"
#include "core/plan.hpp"

namespace sbx::core {

// Read-only looks at the cgroup v2 hierarchy (production: sys/cgroup_probe.hpp).
struct CgroupQueries {
    std::function<bool(const std::string& path)> is_cgroup2;  // statfs(path).f_type == CGROUP2_SUPER_MAGIC
    FileReader read_file;                                     // /proc/self/cgroup, cgroup.controllers, ...
    std::function<bool(const std::string& path)> writable;    // access(path, W_OK) == 0
    explicit operator bool() const { return is_cgroup2 && read_file && writable; }
};

// Where the unified hierarchy may be mounted, in the order tried:
// /sys/fs/cgroup on pure v2 systems, /sys/fs/cgroup/unified in systemd's
// hybrid layout.
inline constexpr std::array<const char*, 2> kCgroup2Mounts = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};

// The cgroup v2 controllers the plan's limits need ("memory", "pids", "cpu").
std::vector<std::string> needed_controllers(const CgroupPlan& plan);

// Fills plan.parent and plan.enable, or plan.skip_reason ("no delegated
// cgroup v2: REASON"), when the plan sets a limit; throws a one-line Setup
// error (exit 125) when no delegated cgroup fits and the limits are
// `required`. The rules (cgroup-v2.rst):
//  - our own cgroup C (the "0::" line of /proc/self/cgroup, below the
//    cgroup2 mount) is tried first, then its parent (app.slice above a
//    `systemd-run --user --scope` unit);
//  - a candidate needs the folder, its cgroup.procs (moving the sandbox in
//    writes the common ancestor's) and its cgroup.subtree_control writable
//    by `uid`, and every needed controller in its cgroup.controllers;
//  - a controller not yet in its cgroup.subtree_control is enabled there
//    at launch, which the kernel refuses (EBUSY) while processes live in
//    the candidate itself ("no internal processes"): C always holds sbx;
//    the parent holds some when its cgroup.procs is not empty. The root
//    of the hierarchy is exempt from that rule.
void place_cgroup(CgroupPlan& plan, uint32_t uid, const CgroupQueries& query);

}  // namespace sbx::core
