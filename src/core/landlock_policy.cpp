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
#include <string>
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
    // These live on the root or on a mount already covered (the parts of
    // a dev or proc op lie on it).
    case MountKind::DevNode:
    case MountKind::Devpts:
    case MountKind::RoCover:
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
    void add(const std::string& path, uint32_t access, bool listed = false) {
        auto [it, inserted] = index_.try_emplace(path, paths_.size());
        if (inserted)
            paths_.push_back(LandlockPath{path, access, listed});
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

// Execute granted beside the writable mounts beneath an executable path,
// never on them.
class ExecuteAround {
public:
    ExecuteAround(Grants& grants, const std::vector<MountOp>& mounts, std::vector<std::string> writable,
                  const DirLister& list)
        : grants_(grants), mounts_(mounts), writable_(std::move(writable)), list_(list) {}

    // Whether a writable mount lies strictly beneath `dir`.
    bool writable_below(const std::string& dir) const {
        return std::any_of(writable_.begin(), writable_.end(),
                           [&](const std::string& w) { return w != dir && is_under(w, dir); });
    }

    // `dir` itself gets no execute; each entry beside the writable mounts does.
    void grant(const std::string& dir) {
        const std::optional<std::string> source = host_folder_of(dir);
        if (!source || !list_) return;  // fail closed: nothing beneath is executable
        const std::optional<std::vector<DirEntry>> entries = list_(*source);
        if (!entries) return;
        for (const DirEntry& entry : *entries) {
            if (entry.name.empty() || entry.name == "." || entry.name == ".." ||
                entry.name.find('/') != std::string::npos || entry.is_symlink)
                continue;
            const std::string child = join_path(dir, entry.name);
            if (std::find(writable_.begin(), writable_.end(), child) != writable_.end()) continue;
            if (writable_below(child)) {
                if (entry.is_dir) grant(child);
                continue;
            }
            if (++listed_ > kMaxListedRules)
                throw Error(ErrorKind::Usage,
                            "landlock: more than " + std::to_string(kMaxListedRules) +
                                " entries to make executable one by one beside the writable mounts under " +
                                printable(dir) +
                                " (a writable mount under a read-only bind makes Landlock grant execute entry by "
                                "entry); mount it elsewhere");
            grants_.add(child, kLandlockRead | kLandlockExecute, true);
        }
    }

private:
    // The host folder shown at `dir`: the deepest mount holding it must be a
    // bind (a tmpfs starts empty; the root holds only sbx's own entries).
    std::optional<std::string> host_folder_of(const std::string& dir) const {
        const MountOp* deepest = nullptr;
        for (const MountOp& op : mounts_) {
            if (landlock_access_for(op.kind) == 0 || !is_under(dir, op.dest)) continue;
            if (deepest == nullptr || path_depth(op.dest) >= path_depth(deepest->dest)) deepest = &op;
        }
        if (deepest == nullptr || !is_bind(deepest->kind)) return std::nullopt;
        if (dir == deepest->dest) return deepest->source;
        return join_path(deepest->source, dir.substr(deepest->dest == "/" ? 1 : deepest->dest.size() + 1));
    }

    Grants& grants_;
    const std::vector<MountOp>& mounts_;
    std::vector<std::string> writable_;
    const DirLister& list_;
    size_t listed_ = 0;
};

}  // namespace

LandlockPlan build_landlock_plan(const LandlockSpec& spec, const std::vector<MountOp>& mounts, const DirLister& list) {
    LandlockPlan plan;
    plan.enabled = spec.enabled ? spec.enabled->value : true;
    plan.min_abi = spec.min_abi ? spec.min_abi->value : 0;
    plan.scoped = spec.scoped ? spec.scoped->value : true;
    // Validated even when disabled: a bad profile is an error either way.
    std::vector<std::string> execute;
    for (const auto& entry : spec.execute) execute.push_back(checked_execute_path(entry));
    if (!plan.enabled) return plan;

    // The writable mounts that no `execute` entry names: nothing may give
    // them execute from above.
    std::vector<std::string> writable;
    for (const MountOp& op : mounts)
        if ((landlock_access_for(op.kind) & kLandlockWrite) &&
            std::find(execute.begin(), execute.end(), op.dest) == execute.end())
            writable.push_back(op.dest);
    Grants grants(plan.paths);
    ExecuteAround around(grants, mounts, std::move(writable), list);
    // Execute on `path`, or, with a writable mount beneath, beside it.
    std::vector<std::string> split;
    auto grant = [&](const std::string& path, uint32_t access) {
        if ((access & kLandlockExecute) && around.writable_below(path)) {
            grants.add(path, access & ~uint32_t{kLandlockExecute});
            if (std::find(split.begin(), split.end(), path) == split.end()) split.push_back(path);
        } else {
            grants.add(path, access);
        }
    };
    // The root is a read-only tmpfs holding the dir/file/symlink entries.
    grants.add("/", kLandlockRead);
    for (const MountOp& op : mounts)
        if (const uint32_t access = landlock_access_for(op.kind)) grant(op.dest, access);
    // An `execute` path keeps what its mount grants and may also run
    // programs (reading is needed to load them).
    for (const std::string& path : execute) grant(path, kLandlockRead | kLandlockExecute);
    // After every mount's own rule, so that the listed entries come last.
    for (const std::string& path : split) around.grant(path);
    return plan;
}

}  // namespace sbx::core
