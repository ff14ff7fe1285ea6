// plan_finish.hpp — build_plan's SandboxPlan -> the final plan: every
// decision that needs to look at the host (real paths of the bind sources,
// listings for Landlock, whether a folder can be created, where the
// sandbox's cgroup goes) made in one pure step, through injected queries,
// before anything is changed on the host.
// --dry-run, --print-bwrap-args and the launch all use its result.
#pragma once

#include "core/cgroup_placement.hpp"
#include "core/host.hpp"
#include "core/landlock_policy.hpp"
#include "core/plan.hpp"
#include "core/plan_builder.hpp"
#include "core/shared_folders.hpp"
#include "core/wayland.hpp"

namespace sbx::core {

// What finish_plan may ask about the host; read-only queries, no changes.
// Production: sys::real_path, sys::list_dir, sys::can_create.
struct HostQueries {
    SourceResolver real_path;  // realpath(3): nullopt when the path does not exist
    DirLister list_dir;        // a folder's entries, lstat'ed (glob sources, Landlock)
    CreatableCheck can_create = [](const std::string&) { return true; };
    // The user's sockets below a `workdir` bind's source (the only scan a
    // plain launch makes); unset in unit tests that need no scan.
    SocketScanner scan_sockets;
    // The cgroup v2 hierarchy (sys::cgroup_queries). Unset only where the
    // plan is never launched (--print-bwrap-args, --export-seccomp, unit
    // tests): the cgroup limits then stay undecided, which the launch
    // refuses.
    CgroupQueries cgroup = {};
    // What the Wayland compositor offers (sys::probe_wayland), asked only
    // for a profile with [wayland] and `security-context` on; unset: the
    // compositor's socket is bound (core/wayland.hpp).
    WaylandProber wayland = {};
};

// The steps between build_plan and the launch, in their one order:
//  0. each glob bind (`/dev/dri/renderD*`) replaced by a bind per match,
//     listed with list_dir (expand_glob_binds);
//  0b. [wayland]'s socket checked and the security context decided
//     (finish_wayland, core/wayland.hpp);
//  1. check_workdir_binds, check_exposure on the sources as written (so
//     their errors, which say what to do, come before "No such file");
//  2. the bind sources resolved to real paths (check_sources); a missing
//     `create` source becomes the real path of its deepest existing
//     ancestor plus the missing rest: what prepare_host will create;
//  3. check_exposure and check_workdir_binds again, on those real paths,
//     and a `workdir` bind holding one of the user's sockets refused;
//  4. the Landlock rules derived from the mounts the profile asked for
//     (before the covers of step 5: a read-only cover of sbx's own folder
//     must not become a read+execute rule);
//  5. sbx's own folders covered read-only where a writable bind shows them;
//  6. each `dev` and `proc` op followed by the mounts it is made of (device
//     nodes, devpts, /dev/shm, symlinks; read-only covers of /proc/sys...),
//     marked `implied`: the plan lists every mount the launch makes;
//  7. the cgroup limits placed (place_cgroup): the parent folder of the
//     sandbox's cgroup, or why they are skipped.
// Throws Usage for a refused or missing bind, Setup for `required` cgroup
// limits without a delegated cgroup. Nothing is created: the host
// step (sandbox::prepare_host) creates the `create` sources afterwards and
// re-verifies them (see there).
SandboxPlan finish_plan(SandboxPlan plan, const LandlockSpec& landlock, const HostFacts& host,
                        const HostQueries& query);

}  // namespace sbx::core
