// landlock_policy.cpp — derives the Landlock ruleset from the mounts.
//
// Landlock is defense in depth behind the mount namespace: the mounts already
// decide what is visible and whether it is writable, Landlock repeats that
// and adds what mounts cannot say (no executing from writable places, no
// device nodes made, no abstract unix connects or signals out). Anything a
// rule does not grant is denied, so each mount grants only what its kind
// means.
#include "core/landlock_policy.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/path.hpp"

namespace sbx::core {

uint32_t landlock_access_for(MountKind kind) {
    switch (kind) {
    // Read-only binds are where programs come from (/usr): the only mounts
    // where executing is allowed without an `execute` entry.
    case MountKind::RoBind: return kLandlockRead | kLandlockExecute;
    case MountKind::Bind: return kLandlockRead | kLandlockWrite;
    case MountKind::DevBind: return kLandlockRead | kLandlockWrite | kLandlockDevice;
    case MountKind::Tmpfs: return kLandlockRead | kLandlockWrite;
    // Writes to /proc/self/* (oom_score_adj, comm, attr/*, timerslack_ns)
    // are harmless and some programs need them; what /proc must not allow
    // (/proc/sys, sysrq-trigger) is covered read-only by mounts.
    case MountKind::Proc: return kLandlockRead | kLandlockWrite;
    // The tmpfs with the device nodes: terminals and /dev/null need ioctls.
    case MountKind::Dev: return kLandlockRead | kLandlockWrite | kLandlockDevice;
    case MountKind::Mqueue: return kLandlockRead | kLandlockWrite;
    // These live on the root or on a mount already covered.
    case MountKind::Dir:
    case MountKind::File:
    case MountKind::Symlink: return 0;
    }
    return 0;
}

namespace {

// One rule per path, rights merged; indexed, because a search per mount is
// quadratic in a profile with many of them.
class Grants {
public:
    explicit Grants(std::vector<LandlockPath>& paths) : paths_(paths) {}
    void add(const std::string& path, uint32_t access) {
        auto [it, inserted] = index_.try_emplace(path, paths_.size());
        if (inserted)
            paths_.push_back(LandlockPath{path, access});
        else
            paths_[it->second].access |= access;
    }

private:
    std::vector<LandlockPath>& paths_;
    std::unordered_map<std::string, size_t> index_;
};

std::string checked_execute_path(const Located<std::string>& entry) {
    std::string why;
    std::string norm = normalize_absolute(entry.value, &why);
    if (norm.empty()) fail_at(entry.loc, "`landlock.execute` path \"" + printable(entry.value) + "\": " + why);
    return norm;
}

}  // namespace

LandlockPlan build_landlock_plan(const LandlockSpec& spec, const std::vector<MountOp>& mounts) {
    LandlockPlan plan;
    plan.enabled = spec.enabled ? spec.enabled->value : true;
    plan.min_abi = spec.min_abi ? spec.min_abi->value : 0;
    plan.scoped = spec.scoped ? spec.scoped->value : true;
    // Validated even when disabled: a bad profile is an error either way.
    std::vector<std::string> execute;
    for (const auto& entry : spec.execute) execute.push_back(checked_execute_path(entry));
    if (!plan.enabled) return plan;

    // The root is a read-only tmpfs holding the dir/file/symlink entries.
    Grants grants(plan.paths);
    grants.add("/", kLandlockRead);
    for (const MountOp& op : mounts)
        if (const uint32_t access = landlock_access_for(op.kind)) grants.add(op.dest, access);
    // An `execute` path keeps what its mount grants and may also run
    // programs (reading is needed to load them).
    for (const std::string& path : execute) grants.add(path, kLandlockRead | kLandlockExecute);
    return plan;
}

}  // namespace sbx::core
