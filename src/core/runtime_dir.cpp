// runtime_dir.cpp — see runtime_dir.hpp.
#include "core/runtime_dir.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/path.hpp"
#include "core/plan_builder.hpp"

namespace sbx::core {

void set_plan_env(std::vector<std::string>& env, const std::string& name, const std::string& value) {
    const std::string prefix = name + "=";
    auto it = std::find_if(env.begin(), env.end(), [&](const std::string& kv) { return kv.starts_with(prefix); });
    if (it != env.end())
        *it = prefix + value;
    else
        env.push_back(prefix + value);
}

void unset_plan_env(std::vector<std::string>& env, const std::string& name) {
    std::erase_if(env, [&](const std::string& entry) { return entry.starts_with(name + "="); });
}

bool has_private_runtime_dir(const SandboxPlan& plan, const std::string& dir) {
    return std::any_of(plan.mounts.begin(), plan.mounts.end(), [&](const MountOp& op) {
        return op.dest == dir && op.kind == MountKind::Tmpfs && op.origin.starts_with(kRuntimeDirOrigin);
    });
}

std::string ensure_private_runtime_dir(SandboxPlan& plan, const HostFacts& host, const std::string& who) {
    std::string why;
    const std::string dir = normalize_absolute(host.xdg_runtime_dir, &why);
    if (dir.empty() || dir == "/")
        throw Error(ErrorKind::Usage, who + ": XDG_RUNTIME_DIR " + quoted(host.xdg_runtime_dir) +
                                          " cannot be the sandbox's private runtime folder" +
                                          (why.empty() ? "" : ": " + why));
    const bool mounted =
        std::any_of(plan.mounts.begin(), plan.mounts.end(), [&](const MountOp& op) { return op.dest == dir; });
    if (!mounted) {
        MountOp op;
        op.kind = MountKind::Tmpfs;
        op.dest = dir;
        op.mode = 0700;
        op.size = kRuntimeDirSize;
        op.origin = std::string(kRuntimeDirOrigin) + " for " + who;
        plan.mounts.push_back(std::move(op));
        // Before anything a piece binds inside it; after a profile's mount
        // of a parent folder (/run).
        sort_parents_first(plan.mounts);
    }
    set_plan_env(plan.env, "XDG_RUNTIME_DIR", dir);
    return dir;
}

}  // namespace sbx::core
