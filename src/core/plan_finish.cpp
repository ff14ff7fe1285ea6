// plan_finish.cpp — the one pure step from build_plan's plan to the final
// one (see plan_finish.hpp for the order and why).
#include "core/plan_finish.hpp"

#include <algorithm>

#include "core/shared_folders.hpp"

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

}  // namespace

SandboxPlan finish_plan(SandboxPlan plan, const LandlockSpec& landlock, const HostFacts& host,
                        const HostQueries& query) {
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

    derive_landlock_rules(plan, landlock, query.list_dir);
    protect_own_folders(plan, query.real_path, query.can_create);
    return plan;
}

}  // namespace sbx::core
