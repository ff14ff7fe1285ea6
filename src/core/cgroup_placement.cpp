// cgroup_placement.cpp — the cgroup decision (see cgroup_placement.hpp for
// the rules and why).
#include "core/cgroup_placement.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

#include "core/error.hpp"
#include "core/path.hpp"

namespace sbx::core {
namespace {

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

bool contains(const std::vector<std::string>& list, const std::string& word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

std::string first_line(const std::optional<std::string>& text) {
    if (!text) return {};
    return text->substr(0, text->find('\n'));
}

// The "0::/path" line of /proc/self/cgroup: our cgroup in the v2 hierarchy;
// nullopt when there is none.
std::optional<std::string> own_cgroup(const std::optional<std::string>& proc_self_cgroup) {
    if (!proc_self_cgroup) return std::nullopt;
    std::istringstream in(*proc_self_cgroup);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("0::")) return line.substr(3);
    return std::nullopt;
}

// One candidate: can it be the parent of the sandbox's cgroup? Empty when
// it can (filling `enable`), else why not. `busy`: why no controller can be
// enabled in it (processes live in it); empty when one can.
std::string unusable_reason(const std::string& dir, const std::string& busy, const std::vector<std::string>& needed,
                            uint32_t uid, const CgroupQueries& query, std::vector<std::string>& enable) {
    for (const char* file : {"", "/cgroup.procs", "/cgroup.subtree_control"}) {
        const std::string path = dir + file;
        if (!query.writable(path)) return path + " is not writable by uid " + std::to_string(uid);
    }
    const std::string available = first_line(query.read_file(dir + "/cgroup.controllers"));
    std::vector<std::string> missing;
    for (const auto& name : needed)
        if (!contains(words(available), name)) missing.push_back(name);
    if (!missing.empty()) {
        std::string list;
        for (const auto& name : missing) list += (list.empty() ? "" : " ") + name;
        return "controller " + list + " not available in " + dir + " (cgroup.controllers: \"" + available + "\")";
    }
    const std::vector<std::string> enabled = words(first_line(query.read_file(dir + "/cgroup.subtree_control")));
    std::vector<std::string> to_enable;
    for (const auto& name : needed)
        if (!contains(enabled, name)) to_enable.push_back(name);
    if (!to_enable.empty() && !busy.empty()) {
        std::string list;
        for (const auto& name : to_enable) list += (list.empty() ? "+" : " +") + name;
        return "cannot enable " + list + " in " + dir + "/cgroup.subtree_control: " + busy;
    }
    enable = std::move(to_enable);
    return {};
}

// The parent folder for the sandbox's cgroup (filling `enable`); empty when
// there is none, with `reason` saying why.
std::string find_parent(const std::vector<std::string>& needed, uint32_t uid, const CgroupQueries& query,
                        std::vector<std::string>& enable, std::string& reason) {
    std::string mount;
    for (const char* path : kCgroup2Mounts)
        if (query.is_cgroup2(path)) {
            mount = path;
            break;
        }
    if (mount.empty()) {
        reason = "cgroup v2 is not mounted at /sys/fs/cgroup";
        return {};
    }
    const std::optional<std::string> own = own_cgroup(query.read_file("/proc/self/cgroup"));
    if (!own || !own->starts_with('/')) {
        reason = "no cgroup v2 line (0::) in /proc/self/cgroup";
        return {};
    }
    // Outside the root of our cgroup namespace the kernel shows "/../..";
    // a removed cgroup gets " (deleted)": neither is a folder below `mount`.
    std::string why;
    const std::string tidy = normalize_absolute(*own, &why);
    if (tidy.empty() || own->ends_with(" (deleted)")) {
        reason = "our cgroup " + quoted(*own) + " (/proc/self/cgroup) is not a folder below " + mount;
        return {};
    }
    const bool at_root = tidy == "/";
    const std::string dir = at_root ? mount : mount + tidy;
    // sbx itself lives in its own cgroup; the root is exempt from the rule.
    reason = unusable_reason(dir, at_root ? "" : "sbx runs in " + dir + " itself", needed, uid, query, enable);
    if (reason.empty()) return dir;
    if (at_root) return {};
    const std::string parent = dir.substr(0, dir.rfind('/'));
    std::string busy;
    if (parent != mount) {
        const std::optional<std::string> procs = query.read_file(parent + "/cgroup.procs");
        if (!procs)
            busy = parent + "/cgroup.procs cannot be read";
        else if (!procs->empty())
            busy = "processes live in " + parent + " itself";
    }
    const std::string parent_why = unusable_reason(parent, busy, needed, uid, query, enable);
    if (parent_why.empty()) {
        reason.clear();
        return parent;
    }
    reason += "; " + parent_why;
    return {};
}

}  // namespace

std::vector<std::string> needed_controllers(const CgroupPlan& plan) {
    std::vector<std::string> out;
    if (plan.memory) out.emplace_back("memory");
    if (plan.pids) out.emplace_back("pids");
    if (plan.cpus) out.emplace_back("cpu");
    return out;
}

void place_cgroup(CgroupPlan& plan, uint32_t uid, const CgroupQueries& query) {
    plan.parent.clear();
    plan.enable.clear();
    plan.skip_reason.clear();
    if (!plan.any()) return;
    std::string reason;
    std::vector<std::string> enable;
    const std::string parent = find_parent(needed_controllers(plan), uid, query, enable, reason);
    if (!parent.empty()) {
        plan.parent = parent;
        plan.enable = std::move(enable);
        return;
    }
    reason = "no delegated cgroup v2: " + reason;
    if (plan.required)
        throw Error(ErrorKind::Setup,
                    reason +
                        "; run under a systemd user session (systemd-run --user --scope -p Delegate=yes) or set "
                        "[cgroup] required = false");
    plan.skip_reason = std::move(reason);
}

}  // namespace sbx::core
