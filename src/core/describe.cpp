// describe.cpp — the human-readable plan printed by `sbx --dry-run`.
// It must show exactly what the launcher will do, in the order it does it.
#include <sstream>

#include "core/path.hpp"
#include "core/plan_builder.hpp"
#include "core/seccomp_policy.hpp"
#include "core/text.hpp"

namespace sbx::core {

namespace {

// Shell-style quoting so that the printed command can be read unambiguously.
std::string quote(const std::string& word) {
    if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789@%+=:,./-_") == std::string::npos)
        return word;
    std::string out = "'";
    for (char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string describe_op(const MountOp& op) {
    std::ostringstream out;
    out << mount_kind_name(op.kind) << ' ';
    switch (op.kind) {
    case MountKind::Bind:
    case MountKind::RoBind:
    case MountKind::DevBind:
    case MountKind::DevNode:
        out << op.source << " -> " << op.dest;
        if (op.optional) out << " (optional)";
        if (op.create) out << " (source created if missing)";
        if (op.unsafe) out << " (unsafe: sbx's refusals given up)";
        if (op.workdir) out << " (workdir)";
        break;
    case MountKind::Tmpfs:
        out << op.dest << " mode " << octal(op.mode);
        if (op.size) out << " size " << *op.size;
        break;
    case MountKind::Dir: out << op.dest << " mode " << octal(op.mode); break;
    case MountKind::Symlink: out << op.dest << " -> " << op.source; break;
    case MountKind::File: out << op.dest << " mode " << octal(op.mode) << " (" << op.content.size() << " bytes)"; break;
    case MountKind::Dev:
        out << op.dest;
        if (op.size) out << " shm-size " << *op.size;
        break;
    case MountKind::RoCover:
        out << op.dest;
        if (op.optional) out << " (if the kernel has it)";
        break;
    default: out << op.dest; break;
    }
    return out.str();
}

std::string access_names(uint32_t access) {
    std::string out;
    if (access & kLandlockRead) out += "read,";
    if (access & kLandlockWrite) out += "write,";
    if (access & kLandlockExecute) out += "execute,";
    if (access & kLandlockDevice) out += "device-ioctl,";
    if (!out.empty()) out.pop_back();
    return out;
}

std::string describe_rule(const SeccompRule& rule) {
    std::ostringstream out;
    out << rule.syscall;
    for (const auto& c : rule.conditions) {
        out << " arg" << c.arg;
        if (c.mask != ~uint64_t{0}) out << "&0x" << std::hex << c.mask << std::dec;
        out << "==0x" << std::hex << c.value << std::dec;
    }
    switch (rule.action) {
    case SeccompAction::Errno: out << " -> " << errno_name(rule.error); break;
    case SeccompAction::Kill: out << " -> kill"; break;
    case SeccompAction::Log: out << " -> log"; break;
    }
    if (!rule.reason.empty()) out << "   # " << rule.reason;
    return out.str();
}

void describe_hardening(std::ostringstream& out, const SandboxPlan& plan) {
    if (!plan.keep_caps.empty()) {
        out << "capabilities kept inside the namespace:";
        for (const auto& cap : plan.keep_caps) out << ' ' << cap;
        out << "\n";
    }
    if (!plan.seccomp.enabled) {
        out << "seccomp     none (policy = \"none\")\n";
    } else {
        out << "seccomp     " << plan.seccomp.rules.size() << " rules, everything else allowed\n";
        for (const auto& rule : plan.seccomp.rules) out << "  " << describe_rule(rule) << "\n";
    }
    if (!plan.landlock.enabled) {
        out << "landlock    off\n";
    } else {
        if (plan.landlock.min_abi)
            out << "landlock    required: ABI " << plan.landlock.min_abi << " or later";
        else
            out << "landlock    best effort";
        if (plan.landlock.scoped) out << ", scoped (abstract unix sockets, signals)";
        out << "\n";
        for (const auto& path : plan.landlock.paths)
            out << "  " << path.path << ": " << access_names(path.access) << "\n";
    }
    if (!plan.rlimits.empty()) {
        out << "limits     ";
        for (const auto& limit : plan.rlimits) out << ' ' << rlimit_name(limit.resource) << '=' << limit.value;
        out << "\n";
    }
    if (plan.timeout)
        out << "timeout     " << plan.timeout << " s, then SIGTERM; SIGKILL " << plan.kill_after << " s later\n";
    if (plan.cgroup.any()) {
        out << "cgroup     ";
        if (plan.cgroup.memory) out << " memory.max=" << *plan.cgroup.memory;
        if (plan.cgroup.pids) out << " pids.max=" << *plan.cgroup.pids;
        if (plan.cgroup.cpus) out << " cpus=" << *plan.cgroup.cpus;
        out << (plan.cgroup.required ? " (required)" : "");
        if (!plan.cgroup.parent.empty()) {
            out << " under " << plan.cgroup.parent << " (a new sbx-PID";
            for (size_t i = 0; i < plan.cgroup.enable.size(); ++i)
                out << (i == 0 ? "; first " : " ") << '+' << plan.cgroup.enable[i];
            if (!plan.cgroup.enable.empty()) out << " in its cgroup.subtree_control";
            out << ")\n";
        } else if (!plan.cgroup.skip_reason.empty()) {
            out << " (not applied)\ncgroup limits skipped: " << plan.cgroup.skip_reason << "\n";
        } else {
            out << " (not placed: the launch refuses it)\n";
        }
    }
    out << "terminal    " << plan.terminal.why << "\n";
    if (!plan.protected_paths.empty()) {
        out << "read-only   sbx's own folders wherever a bind exposes them:";
        for (const auto& path : plan.protected_paths) out << ' ' << path;
        out << "\n";
    }
    if (!plan.launch_inputs.empty()) {
        out << "never writable (they decide later launches):";
        for (const auto& path : plan.launch_inputs) out << ' ' << path;
        out << "\n";
    }
}

}  // namespace

std::string describe(const SandboxPlan& plan) {
    std::ostringstream out;
    out << "profile     " << plan.profile_name;
    for (size_t i = 0; i < plan.profile_files.size(); ++i)
        out << (i == 0 ? " (" : ", ") << plan.profile_files[i] << (i + 1 == plan.profile_files.size() ? ")" : "");
    out << "\n";
    out << "namespaces  user mount";
    if (plan.ns.pid) out << " pid";
    if (plan.ns.ipc) out << " ipc";
    if (plan.ns.uts) out << " uts";
    if (plan.ns.net) out << " net";
    if (plan.ns.cgroup) out << " cgroup";
    out << "\n";
    std::string shared;
    if (!plan.ns.pid) shared += " pid";
    if (!plan.ns.ipc) shared += " ipc";
    if (!plan.ns.uts) shared += " uts";
    if (!plan.ns.net) shared += " net";
    if (!plan.ns.cgroup) shared += " cgroup";
    if (!shared.empty()) out << "shared      " << shared.substr(1) << " (host's)\n";
    out << "uid_map     " << plan.uid.inside << " " << plan.uid.outside << " 1\n";
    out << "gid_map     " << plan.gid.inside << " " << plan.gid.outside << " 1 (setgroups deny)\n";
    if (plan.ns.uts) out << "hostname    " << (plan.hostname.empty() ? "(unchanged)" : plan.hostname) << "\n";
    if (plan.ns.net) out << "network     loopback only (lo up)\n";
    out << "root        tmpfs mode 0755, read-only once built\n";
    out << "mounts      (in order)\n";
    for (size_t i = 0; i < plan.mounts.size(); ++i)
        out << "  " << (i + 1) << ". " << describe_op(plan.mounts[i]) << "   # " << plan.mounts[i].origin << "\n";
    for (const auto& op : plan.skipped)
        out << "  -  " << describe_op(op) << ": source missing, skipped   # " << op.origin << "\n";
    for (const auto& line : plan.file_arguments) out << "file arg    " << printable(line) << "\n";
    out << "chdir       " << plan.chdir << "\n";
    out << "environment (" << plan.env.size() << " variables)\n";
    for (const auto& kv : plan.env) out << "  " << kv << "\n";
    describe_hardening(out, plan);
    out << "security    " << (plan.keep_caps.empty() ? "all capabilities dropped" : "other capabilities dropped")
        << ", no_new_privs, fds above 2 closed";
    if (plan.new_session) out << ", new session";
    if (plan.die_with_parent) out << ", dies with sbx";
    out << "\n";
    out << "command    ";
    for (const auto& word : plan.argv) out << ' ' << quote(word);
    out << "\n";
    return out.str();
}

}  // namespace sbx::core
