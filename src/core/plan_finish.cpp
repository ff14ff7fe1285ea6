// plan_finish.cpp — the one pure step from build_plan's plan to the final
// one (see plan_finish.hpp for the order and why).
#include "core/plan_finish.hpp"

#include <algorithm>
#include <utility>

#include "core/dbus.hpp"
#include "core/glob.hpp"
#include "core/path.hpp"
#include "core/shared_folders.hpp"
#include "core/wayland.hpp"

namespace sbx::core {
namespace {

// A `create` source that does not exist yet is planned as the real path of
// its deepest existing ancestor plus the missing rest, so that the plan
// names, before anything is created, the very path the launch will create
// and mount (the mount opens it with RESOLVE_NO_SYMLINKS, which needs a
// real path). check_sources then keeps it: it is still missing.
void resolve_created_sources(SandboxPlan& plan, const SourceResolver& resolve) {
    for (auto& op : plan.mounts)
        if (op.create && !op.source.empty() && !resolve(op.source)) op.source = resolve_leniently(op.source, resolve);
}

// What the launch mounts as part of a `dev` op: the tmpfs itself is the op;
// these follow it (bubblewrap's --dev makes the same).
void add_dev_parts(const MountOp& dev, std::vector<MountOp>& out) {
    auto part = [&](MountKind kind, const std::string& name) -> MountOp& {
        MountOp op;
        op.kind = kind;
        op.dest = join_path(dev.dest, name);
        op.implied = true;
        op.origin = "sbx: part of dev " + dev.dest;
        return out.emplace_back(std::move(op));
    };
    // Harmless host devices, each bound over an empty file (nosuid, noexec).
    for (const char* node : {"null", "zero", "full", "random", "urandom", "tty"})
        part(MountKind::DevNode, node).source = std::string("/dev/") + node;
    part(MountKind::Devpts, "pts");
    MountOp& shm = part(MountKind::Tmpfs, "shm");
    shm.mode = 01777;
    shm.size = dev.size;
    for (const auto& [name, target] : {std::pair{"ptmx", "pts/ptmx"},
                                       {"fd", "/proc/self/fd"},
                                       {"stdin", "/proc/self/fd/0"},
                                       {"stdout", "/proc/self/fd/1"},
                                       {"stderr", "/proc/self/fd/2"},
                                       {"core", "/proc/kcore"}})
        part(MountKind::Symlink, name).source = target;
}

// The paths under a fresh /proc that would let a process reach the kernel,
// each covered by a read-only copy of itself; not every kernel has each.
void add_proc_parts(const MountOp& proc, std::vector<MountOp>& out) {
    for (const char* sub : {"sys", "sysrq-trigger", "irq", "bus"}) {
        MountOp op;
        op.kind = MountKind::RoCover;
        op.dest = join_path(proc.dest, sub);
        op.optional = true;
        op.implied = true;
        op.origin = "sbx: part of proc " + proc.dest;
        out.push_back(std::move(op));
    }
}

// Each `dev` and `proc` op followed by the mounts it is made of, so that
// the plan (and --dry-run) lists every mount the launch makes. Last, once
// the order is final: the parts go right after their op, before any later
// op that could stack over it, as when they were made inside it.
void add_implied_mounts(SandboxPlan& plan) {
    std::vector<MountOp> out;
    out.reserve(plan.mounts.size());
    for (const MountOp& op : plan.mounts) {
        out.push_back(op);
        if (op.kind == MountKind::Dev) add_dev_parts(op, out);
        if (op.kind == MountKind::Proc) add_proc_parts(op, out);
    }
    plan.mounts = std::move(out);
}

}  // namespace

SandboxPlan finish_plan(SandboxPlan plan, const LandlockSpec& landlock, const HostFacts& host,
                        const HostQueries& query) {
    // Globs first: every check below must see the binds that will be made.
    expand_glob_binds(plan, query.list_dir);
    // Then the compositor socket: a missing one is named as the piece's, not as
    // a bind's; and the security context may replace that bind.
    finish_wayland(plan, host, query.real_path, query.wayland);
    // The working-directory check first: for `cli` started in a folder of
    // sockets (or the home folder) its error says what to do instead.
    const bool has_workdir =
        std::any_of(plan.mounts.begin(), plan.mounts.end(), [](const MountOp& op) { return op.workdir; });
    const auto shared = has_workdir ? shared_folders(host, query.real_path) : std::vector<SharedFolder>{};
    if (has_workdir) check_workdir_binds(plan, shared);
    check_exposure(plan, query.real_path);

    resolve_created_sources(plan, query.real_path);
    check_sources(plan, query.real_path);
    // Again, on the real paths now in the plan: those are what is mounted.
    check_exposure(plan, query.real_path);
    if (has_workdir) check_workdir_binds(plan, shared);
    // A project folder holding one of the user's sockets (a tmux -S socket
    // in a subfolder).
    if (has_workdir && query.scan_sockets) check_workdir_sockets(plan, query.scan_sockets);

    derive_landlock_rules(plan, landlock, query.list_dir);
    protect_own_folders(plan, query.real_path, query.can_create);
    finish_dbus(plan, host, query.real_path);
    add_implied_mounts(plan);
    // Last: the read-only looks at /sys/fs/cgroup come after every check
    // that can refuse the profile.
    if (query.cgroup) place_cgroup(plan.cgroup, host.uid, query.cgroup);
    return plan;
}

}  // namespace sbx::core
