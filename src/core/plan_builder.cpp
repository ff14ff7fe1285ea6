// plan_builder.cpp — turns a merged Profile plus command-line Overrides into
// the immutable SandboxPlan. Every check that needs no system call happens
// here, so a bad profile fails with exit 2 before anything is created.
#include "core/plan_builder.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/caps.hpp"
#include "core/dbus.hpp"
#include "core/landlock_policy.hpp"
#include "core/path.hpp"
#include "core/seccomp_policy.hpp"
#include "core/wayland.hpp"

namespace sbx::core {
namespace {

std::string checked_dest(const std::string& path, const SourceLoc& loc, const char* what) {
    std::string why;
    std::string norm = normalize_absolute(path, &why);
    if (norm.empty()) fail_at(loc, std::string(what) + " \"" + printable(path) + "\": " + why);
    return norm;
}

// "N%" of the host's memory in bytes, whole pages, as tmpfs would round it.
uint64_t share_of_memory(uint32_t percent, uint64_t mem_total, const SourceLoc& loc) {
    if (mem_total == 0) fail_at(loc, "a size in % needs the host's memory size, which could not be read");
    const uint64_t bytes = (mem_total / 100 * percent) & ~uint64_t{4095};
    return bytes == 0 ? 4096 : bytes;
}

MountOp to_mount_op(const FsEntry& entry, const NamespacePlan& ns, uint64_t mem_total) {
    MountOp op;
    op.kind = entry.type;
    op.origin = entry.loc.str();
    op.optional = entry.optional;
    op.create = entry.create;
    op.unsafe = entry.unsafe;
    op.workdir = entry.workdir;
    op.glob = entry.glob;
    op.content = entry.content;
    op.size = entry.size;
    if (entry.size_percent) op.size = share_of_memory(*entry.size_percent, mem_total, entry.loc);
    op.dest = checked_dest(entry.dest, entry.loc, "destination");
    if (is_bind(op.kind)) {
        // Sources are host paths; keep them as written but normalised so the
        // plan shows exactly what is bound. ".." is refused here too: a
        // source that climbs is almost always a mistake in a profile.
        op.source = checked_dest(entry.source, entry.loc, "source");
        if (op.dest == "/") fail_at(entry.loc, "cannot bind over the sandbox root \"/\"");
    } else {
        op.source = entry.source;
        if (op.dest == "/")
            fail_at(entry.loc,
                    std::string("cannot put a ") + mount_kind_name(op.kind) + " over the sandbox root \"/\"");
    }
    switch (op.kind) {
    case MountKind::File: op.mode = entry.mode.value_or(0644); break;
    case MountKind::Tmpfs:
    case MountKind::Dir: op.mode = entry.mode.value_or(0755); break;
    case MountKind::Proc:
        if (!ns.pid) fail_at(entry.loc, "a proc mount needs a new pid namespace (namespaces.pid = true)");
        break;
    case MountKind::Mqueue:
        if (!ns.ipc) fail_at(entry.loc, "an mqueue mount needs a new ipc namespace (namespaces.ipc = true)");
        break;
    case MountKind::Symlink:
        if (op.source.empty()) fail_at(entry.loc, "a symlink needs a non-empty `target`");
        break;
    default: break;
    }
    return op;
}

bool env_name_matches(const std::string& name, const std::string& pattern) {
    if (!pattern.empty() && pattern.back() == '*')
        return name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    return name == pattern;
}

// keep -> set -> unset, then the command line's --setenv / --unsetenv.
std::vector<std::string> build_env(const EnvSpec& spec, const Overrides& overrides, const HostFacts& host) {
    // Looked up by name (a search per name is quadratic in a profile setting
    // many); a dropped variable leaves a hole, so one set again goes last.
    std::vector<std::optional<std::pair<std::string, std::string>>> env;
    std::unordered_map<std::string, size_t> index;
    auto put = [&env, &index](const std::string& name, const std::string& value) {
        if (auto [it, added] = index.emplace(name, env.size()); !added)
            env[it->second]->second = value;
        else
            env.emplace_back(std::pair{name, value});
    };
    auto drop = [&env, &index](const std::string& name) {
        if (auto it = index.find(name); it != index.end()) {
            env[it->second].reset();
            index.erase(it);
        }
    };
    const bool clear = spec.clear ? spec.clear->value : true;
    // Not a structured binding: clang before 16 cannot capture one in a lambda.
    for (const auto& variable : host.env) {
        const std::string& name = variable.first;
        if (!clear || std::any_of(spec.keep.begin(), spec.keep.end(),
                                  [&](const auto& k) { return env_name_matches(name, k.value); }))
            put(name, variable.second);
    }
    for (const auto& [name, value] : spec.set) put(name, value.value);
    for (const auto& name : spec.unset) drop(name.value);
    for (const auto& [name, value] : overrides.setenv) put(name, value);
    for (const auto& name : overrides.unsetenv) drop(name);

    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& entry : env)
        if (entry) out.push_back(entry->first + "=" + entry->second);
    return out;
}

// Destinations must be unique within one file: two entries for the same
// path there are a mistake. An entry from a later layer (an including
// profile, the command line) for a path an earlier layer mounts replaces it.
// Indexed by destination, because a search per entry is quadratic in a
// profile with many mounts; a replaced entry leaves a hole until take().
class MountList {
public:
    void add(MountOp op, const std::string& file) {
        if (auto it = index_.find(op.dest); it != index_.end()) {
            const MountOp& same = *mounts_[it->second];
            // The same entry read twice (a profile included along two paths,
            // say "default" and "cli", which includes it too) is no duplicate.
            if (file != "command line" && same.origin != op.origin &&
                same.origin.starts_with(SourceLoc{file}.str() + ":"))
                throw Error(ErrorKind::Usage, op.origin + ": duplicate destination " + printable(op.dest) +
                                                  " (first at " + same.origin + ")");
            mounts_[it->second].reset();
        }
        index_[op.dest] = mounts_.size();
        mounts_.emplace_back(std::move(op));
    }

    std::vector<MountOp> take() {
        std::vector<MountOp> out;
        out.reserve(index_.size());
        for (auto& op : mounts_)
            if (op) out.push_back(std::move(*op));
        return out;
    }

private:
    std::vector<std::optional<MountOp>> mounts_;
    std::unordered_map<std::string, size_t> index_;
};

std::vector<std::string> checked_caps(const std::vector<Located<std::string>>& names) {
    std::vector<std::string> out;
    for (const auto& name : names) {
        const std::optional<int> number = capability_number(name.value);
        if (!number) fail_at(name.loc, "unknown capability " + quoted(name.value) + " (see capabilities(7))");
        std::string canonical = capability_name(*number);
        if (std::find(out.begin(), out.end(), canonical) == out.end()) out.push_back(canonical);
    }
    return out;
}

std::vector<RlimitSetting> rlimit_settings(const LimitsSpec& limits) {
    std::vector<RlimitSetting> out;
    for (const auto& [name, value] : limits.rlimits)
        if (const std::optional<Rlimit> resource = rlimit_from_name(name))
            out.push_back(RlimitSetting{*resource, value.value});
    return out;
}

IdMapping id_mapping(const std::optional<Located<Identity>>& choice, uint32_t host_id) {
    const bool root = choice && choice->value == Identity::Root;
    return IdMapping{root ? 0u : host_id, host_id};
}

const char* kStdioNames[] = {"stdin", "stdout", "stderr"};

std::string stdio_list(const std::array<bool, 3>& which) {
    std::string out;
    for (size_t fd = 0; fd < 3; ++fd)
        if (which[fd]) out += std::string(out.empty() ? "" : ", ") + kStdioNames[fd];
    return out;
}

// Who decides (the command line, else the profile, else the default) and
// what: see TerminalPlan.
TerminalPlan terminal_plan(const std::optional<Located<PtyMode>>& profile, const Overrides& overrides,
                           const HostFacts& host) {
    TerminalPlan t;
    t.caller_tty = host.stdio_is_tty;
    PtyMode mode = PtyMode::Auto;
    std::string by = "the default, pty = \"auto\"";
    if (overrides.pty) {
        mode = *overrides.pty;
        by = mode == PtyMode::Never ? "--no-pty" : "--pty";
    } else if (profile) {
        mode = profile->value;
        static constexpr const char* kNames[] = {"auto", "always", "never"};
        by = std::string("pty = \"") + kNames[static_cast<int>(mode)] + "\" at " + profile->loc.str();
    }
    const std::string ttys = stdio_list(t.caller_tty);
    for (int fd = 0; fd < 3 && t.outer < 0; ++fd)
        if (t.caller_tty[static_cast<size_t>(fd)]) t.outer = fd;

    if (mode == PtyMode::Never || (mode == PtyMode::Auto && ttys.empty())) {
        t.outer = -1;
        if (ttys.empty())
            t.why = "none: no terminal on stdin, stdout or stderr (" + by + ")";
        else
            t.why = "none (" + by + "): the target holds the caller's terminal on " + ttys +
                    ", so it can read what is typed there while sbx is in the background and leave the "
                    "terminal in its own mode after it exits (sbx(1), SECURITY)";
        return t;
    }
    t.pty = true;
    t.on_pty = mode == PtyMode::Always ? std::array<bool, 3>{true, true, true} : t.caller_tty;
    t.raw_outer = t.caller_tty[0];
    t.output_fd = t.on_pty[1] ? 1 : t.on_pty[2] ? 2 : t.outer;
    t.echo = t.raw_outer;
    // With stdout not a terminal (`sbx -- cmd | grep`), the next program in
    // the pipeline writes to the terminal too, so it keeps turning \n into
    // \r\n; then the inner terminal must not do it as well.
    t.raw_keeps_opost = t.raw_outer && !t.caller_tty[1];
    t.opost = !t.caller_tty[static_cast<size_t>(t.output_fd)] || (t.raw_outer && !t.raw_keeps_opost);
    t.why = "a new pseudo-terminal inside, proxied by sbx, as the target's " + stdio_list(t.on_pty) + " (" + by +
            (ttys.empty() ? "; no terminal outside" : "; the caller's terminal: " + ttys) + ")";
    if (!t.echo) t.why += "; input is not typed, so not echoed";
    return t;
}

}  // namespace

void sort_parents_first(std::vector<MountOp>& mounts) {
    std::stable_sort(mounts.begin(), mounts.end(),
                     [](const MountOp& a, const MountOp& b) { return path_depth(a.dest) < path_depth(b.dest); });
}

SandboxPlan build_plan(const Profile& profile, const Overrides& overrides, const HostFacts& host) {
    SandboxPlan plan;
    plan.profile_name = profile.name;
    plan.profile_files = profile.files;

    const auto& ns = profile.namespaces;
    auto flag = [](const std::optional<Located<bool>>& v) { return v ? v->value : true; };
    plan.ns = NamespacePlan{flag(ns.net), flag(ns.pid), flag(ns.ipc), flag(ns.uts), flag(ns.cgroup)};
    if (overrides.share_net) plan.ns.net = false;

    plan.uid = id_mapping(profile.uid, host.uid);
    plan.gid = id_mapping(profile.gid, host.gid);

    MountList mounts;
    for (const auto& entry : profile.mounts) mounts.add(to_mount_op(entry, plan.ns, host.mem_total), entry.loc.file);
    for (const auto& entry : overrides.mounts) mounts.add(to_mount_op(entry, plan.ns, host.mem_total), "command line");
    plan.mounts = mounts.take();
    sort_parents_first(plan.mounts);  // the command line's entries last among equals

    if (overrides.hostname) {
        if (!plan.ns.uts) fail_at(SourceLoc{"command line"}, "--hostname needs a new uts namespace");
        plan.hostname = *overrides.hostname;
    } else if (profile.hostname) {
        if (!plan.ns.uts)
            fail_at(profile.hostname->loc, "`hostname` needs a new uts namespace (namespaces.uts = true)");
        plan.hostname = profile.hostname->value;
    }
    if (plan.hostname.size() > 64)
        fail_at(overrides.hostname ? SourceLoc{"command line"} : profile.hostname->loc,
                "`hostname` is longer than 64 characters");

    if (overrides.chdir) {
        plan.chdir = checked_dest(*overrides.chdir, SourceLoc{"command line"}, "--chdir");
    } else if (profile.chdir) {
        plan.chdir = checked_dest(profile.chdir->value, profile.chdir->loc, "`chdir`");
    } else {
        plan.chdir = "/";
    }

    plan.env = build_env(profile.env, overrides, host);
    // The desktop pieces: their mounts and variables after the profile's.
    plan_wayland(plan, profile.wayland, host, profile.name);

    if (!overrides.command.empty())
        plan.argv = overrides.command;
    else if (profile.command)
        plan.argv = profile.command->value;
    else
        plan.argv = {"/bin/sh"};
    if (plan.argv.empty() || plan.argv[0].empty()) fail_at(SourceLoc{"command line"}, "empty command");

    plan.new_session = profile.new_session ? profile.new_session->value : true;

    plan.terminal = terminal_plan(profile.pty, overrides, host);
    plan.keep_caps = checked_caps(profile.keep_caps);
    plan.seccomp = build_seccomp_plan(profile.seccomp);
    // Before the Landlock rules, which the mounts it adds (the private
    // runtime folder) take part in.
    plan_dbus(profile.dbus, host, plan);
    plan.landlock = build_landlock_plan(profile.landlock, plan.mounts);
    plan.rlimits = rlimit_settings(profile.limits);
    if (profile.limits.timeout) plan.timeout = profile.limits.timeout->value;
    if (profile.limits.kill_after) plan.kill_after = profile.limits.kill_after->value;
    const CgroupSpec& cg = profile.cgroup;
    if (cg.memory) plan.cgroup.memory = cg.memory->value;
    if (cg.pids) plan.cgroup.pids = cg.pids->value;
    if (cg.cpus) plan.cgroup.cpus = cg.cpus->value;
    plan.cgroup.required = cg.required && cg.required->value;
    plan.protected_paths = {host.xdg_config_home + "/sbx", host.xdg_data_home + "/sbx", "/etc/sbx"};
    // The profile folder apart from its parent: it may be a symbolic link
    // to elsewhere, which the real path of the parent does not show.
    plan.launch_inputs = {host.xdg_config_home + "/sbx", "/etc/sbx", host.xdg_config_home + "/sbx/profiles"};
    // A launch with XDG_CONFIG_HOME or XDG_DATA_HOME set elsewhere protects
    // the default folders too: a later launch without the variable (from a
    // desktop launcher, cron, another shell) looks there.
    if (!host.home.empty()) {
        const std::string config = join_path(host.home, ".config/sbx");
        const std::string data = join_path(host.home, ".local/share/sbx");
        if (config != host.xdg_config_home + "/sbx") {
            plan.protected_paths.push_back(config);
            plan.launch_inputs.push_back(config);
            plan.launch_inputs.push_back(config + "/profiles");
        }
        if (data != host.xdg_data_home + "/sbx") plan.protected_paths.push_back(data);
    }
    // Every folder a name is looked up in: the third, DATADIR/sbx/profiles,
    // is the user's when sbx is installed with --prefix ~/.local, and then
    // lies inside the data folder, where binds are otherwise allowed.
    auto add_input = [&plan](const std::string& path) {
        if (std::find(plan.launch_inputs.begin(), plan.launch_inputs.end(), path) == plan.launch_inputs.end())
            plan.launch_inputs.push_back(path);
    };
    for (const auto& dir : host.profile_dirs) add_input(dir);
    // The wrappers `sbx desktop install` writes: a sandbox that could edit
    // one would have the next start from the menu skip sbx.
    add_input(join_path(host.xdg_data_home, "applications"));
    if (!host.home.empty()) add_input(join_path(host.home, ".local/share/applications"));
    for (const auto& link : host.profile_links) add_input(link);
    for (const auto& file : profile.files)
        if (!is_builtin_profile(file)) plan.launch_inputs.push_back(file);
    return plan;
}

}  // namespace sbx::core
