// bind_checks.cpp — the plan's binds checked against the host's real paths
// (see bind_checks.hpp): missing sources, what a bind would expose, sbx's
// own folders kept read-only.
#include "core/bind_checks.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/path.hpp"
#include "core/plan_builder.hpp"

namespace sbx::core {

namespace {
[[noreturn]] void refuse(const MountOp& op, const std::string& why);

// A source inside sbx's data folder (the browser's home) is sbx's state: a
// symbolic link below the folder was planted by a sandbox that could write
// next to it (cli started in ~/.local/share/sbx/browser), to send this bind
// to ~/.ssh, say. Checked where the source is resolved for the mount, so
// no later swap slips by.
void check_state_source(const SandboxPlan& plan, const MountOp& op, const std::string& real,
                        const SourceResolver& resolve) {
    if (op.unsafe) return;
    const std::string source = tidy_host_path(op.source);
    for (const auto& written : plan.protected_paths) {
        // The data folders only: the config folders (launch inputs) are the
        // user's, and may be symbolic links into a dotfiles repository.
        if (std::find(plan.launch_inputs.begin(), plan.launch_inputs.end(), written) != plan.launch_inputs.end())
            continue;
        const std::string folder = tidy_host_path(written);  // $XDG_DATA_HOME may end in '/'
        if (source == folder || !is_under(source, folder)) continue;
        const std::string expected = join_path(resolve_leniently(folder, resolve), source.substr(folder.size()));
        if (real != expected)
            refuse(op, "a symbolic link inside sbx's own folder " + folder + " leads it to " + real +
                           " (planted by a sandbox that could write there?)");
    }
}
}  // namespace

namespace {

// Nothing is mounted where an optional bind was skipped, so no Landlock
// rule either (an `execute` entry for that very path goes too: fails closed).
void drop_rules_of_skipped(SandboxPlan& plan) {
    std::unordered_set<std::string> unmounted;
    for (const MountOp& op : plan.skipped) unmounted.insert(op.dest);
    if (!unmounted.empty())
        std::erase_if(plan.landlock.paths, [&](const LandlockPath& p) { return unmounted.count(p.path) != 0; });
}

}  // namespace

void check_sources(SandboxPlan& plan, const SourceResolver& resolve) {
    std::vector<MountOp> kept;
    kept.reserve(plan.mounts.size());
    for (auto& op : plan.mounts) {
        if (!is_bind(op.kind)) {
            kept.push_back(std::move(op));
        } else if (auto real = resolve(op.source)) {
            check_state_source(plan, op, *real, resolve);
            op.source = *real;
            kept.push_back(std::move(op));
        } else if (op.create) {
            kept.push_back(std::move(op));
        } else if (op.optional) {
            plan.skipped.push_back(std::move(op));
        } else {
            // Only a profile entry can be made optional; say how.
            const bool from_profile = op.origin.rfind("command line", 0) != 0;
            throw Error(ErrorKind::Usage, op.origin + ": bind source " + printable(op.source) +
                                              ": No such file or directory" +
                                              (from_profile ? " (add `optional = true` to skip it)" : ""));
        }
    }
    plan.mounts = std::move(kept);
    drop_rules_of_skipped(plan);
}

void derive_landlock_rules(SandboxPlan& plan, const LandlockSpec& spec, const DirLister& list) {
    plan.landlock = build_landlock_plan(spec, plan.mounts, list);
    drop_rules_of_skipped(plan);
}

std::string resolve_leniently(const std::string& path, const SourceResolver& resolve) {
    if (auto real = resolve(path)) return *real;
    if (path == "/" || path.empty()) return "/";
    const std::string parent = parent_path(path);
    return join_path(resolve_leniently(parent, resolve), path.substr(parent == "/" ? 1 : parent.size() + 1));
}

namespace {

// What a bind of the host's `source` would hand the sandbox, or nullptr.
// A part of one of these trees is still the host's: /proc/PID (or
// /proc/self, resolved to sbx's own pid) is a host process, /dev/pts holds
// every terminal of the user's (what is typed there can be read), and a
// writable part of /sys reaches what the user may write there (a delegated
// /sys/fs/cgroup: cgroup.kill of the whole session). Read-only binds below
// /sys stay allowed: browsers read /sys/devices to find the GPU.
const char* host_tree_exposed(const std::string& source, MountKind kind) {
    if (source == "/") return "the host's whole filesystem";
    if (source == "/proc") return "every host process's command line, environment and open files";
    if (is_under(source, "/proc")) return "a host process's command line, environment or open files";
    if (source == "/dev") return "every host device node";
    if (is_under(source, "/dev/pts")) return "your terminals (what you type in them can be read)";
    if (source == "/sys") return "the host's kernel and device settings";
    if (is_under(source, "/sys") && kind != MountKind::RoBind)
        return "the host's kernel and device settings writable where you may write them";
    return nullptr;
}

[[noreturn]] void refuse(const MountOp& op, const std::string& why) {
    std::string how = " (add `unsafe = true` to the entry to allow it anyway)";
    if (op.origin.starts_with("command line argument"))  // file-arguments: no way around it
        how = "";
    else if (op.origin.starts_with("command line"))
        how = " (--unsafe allows it anyway)";
    else if (is_builtin_profile(op.origin))  // cli's ${PWD} started in $HOME, say
        how =
            " (a compiled-in profile's entry: start sbx elsewhere, or use a copy of the profile with "
            "`unsafe = true` on the entry)";
    throw Error(ErrorKind::Usage, op.origin + ": " + mount_kind_name(op.kind) + " " + printable(op.source) + " -> " +
                                      printable(op.dest) + ": " + why + how);
}

}  // namespace

void check_exposure(const SandboxPlan& plan, const SourceResolver& resolve) {
    // Real paths, with whether a bind inside one is refused too: inside the
    // data folder lies per-sandbox state (the browser's home), inside a
    // launch input only what decides a later launch.
    std::vector<std::pair<std::string, bool>> owned;
    // A path that is a symbolic link is held by its folder as well as by
    // what it leads to: a writable bind of the folder could replace the link
    // (the middle of a chain ~/.config/sbx/profiles -> ~/dots/profiles ->
    // ~/work/profiles, say).
    auto own = [&](const std::string& path, bool inside_too) {
        const std::string real = resolve_leniently(path, resolve);
        owned.emplace_back(real, inside_too);
        const std::string tidy = tidy_host_path(path);
        if (tidy == "/" || !tidy.starts_with('/')) return;
        const std::string parent = parent_path(tidy);
        const std::string link = join_path(resolve_leniently(parent, resolve), tidy.substr(parent.size()));
        if (link != real) owned.emplace_back(link, false);
    };
    for (const auto& path : plan.protected_paths) own(path, false);
    for (const auto& path : plan.launch_inputs) own(path, true);

    for (const auto& op : plan.mounts) {
        if (!is_bind(op.kind) || op.unsafe) continue;
        if (op.dest == "/dev" || is_under(op.dest, "/proc"))
            refuse(op, "a bind over the sandbox's own " + std::string(op.dest == "/dev" ? "/dev" : "/proc") +
                           " replaces what sbx mounts there and can expose the host's");
        const std::string source = resolve_leniently(op.source, resolve);
        if (const char* what = host_tree_exposed(source, op.kind))
            refuse(op, std::string("binding the host's ") + source + " would expose " + what);
        if (op.kind == MountKind::RoBind) continue;
        for (const auto& [path, inside_too] : owned) {
            if (is_under(path, source) || (inside_too && is_under(source, path)))
                refuse(op, "writable, it would let the sandbox change " + path +
                               " (sbx's own files), and so what a later launch runs");
        }
    }
}

void protect_own_folders(SandboxPlan& plan, const SourceResolver& resolve, const CreatableCheck& can_create) {
    std::vector<MountOp> covers;
    for (const auto& wanted : plan.protected_paths) {
        const std::string folder = resolve_leniently(wanted, resolve);
        if (!resolve(folder) && !can_create(folder)) continue;
        for (const auto& op : plan.mounts) {
            const bool writable = op.kind == MountKind::Bind || op.kind == MountKind::DevBind;
            if (!writable || !is_under(folder, op.source)) continue;
            MountOp cover;
            cover.kind = MountKind::RoBind;
            cover.source = folder;
            cover.dest = join_path(op.dest, folder.substr(op.source == "/" ? 0 : op.source.size()));
            cover.create = true;
            cover.origin = "sbx: its own folder stays read-only";
            covers.push_back(std::move(cover));
        }
    }
    if (covers.empty()) return;
    for (auto& cover : covers) plan.mounts.push_back(std::move(cover));
    sort_parents_first(plan.mounts);
}

}  // namespace sbx::core
