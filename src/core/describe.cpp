// describe.cpp — the human-readable plan printed by `sbx --dry-run`.
// It must show exactly what the launcher will do, in the order it does it.
#include <sstream>

#include "core/plan_builder.hpp"

namespace sbx::core {

const char* mount_kind_name(MountKind kind) {
    switch (kind) {
    case MountKind::Bind: return "bind";
    case MountKind::RoBind: return "ro-bind";
    case MountKind::DevBind: return "dev-bind";
    case MountKind::Tmpfs: return "tmpfs";
    case MountKind::Proc: return "proc";
    case MountKind::Dev: return "dev";
    case MountKind::Mqueue: return "mqueue";
    case MountKind::Dir: return "dir";
    case MountKind::Symlink: return "symlink";
    case MountKind::File: return "file";
    }
    return "?";
}

namespace {

std::string octal(uint32_t mode) {
    std::ostringstream out;
    out << '0' << std::oct << mode;
    return out.str();
}

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
        out << op.source << " -> " << op.dest;
        if (op.optional) out << " (optional)";
        if (op.create) out << " (source created if missing)";
        break;
    case MountKind::Tmpfs:
        out << op.dest << " mode " << octal(op.mode);
        if (op.size) out << " size " << *op.size;
        break;
    case MountKind::Dir: out << op.dest << " mode " << octal(op.mode); break;
    case MountKind::Symlink: out << op.dest << " -> " << op.source; break;
    case MountKind::File: out << op.dest << " mode " << octal(op.mode) << " (" << op.content.size() << " bytes)"; break;
    default: out << op.dest; break;
    }
    return out.str();
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
    out << "chdir       " << plan.chdir << "\n";
    out << "environment (" << plan.env.size() << " variables)\n";
    for (const auto& kv : plan.env) out << "  " << kv << "\n";
    out << "security    all capabilities dropped, no_new_privs, fds above 2 closed";
    if (plan.new_session) out << ", new session";
    if (plan.die_with_parent) out << ", dies with sbx";
    out << "\n";
    out << "command    ";
    for (const auto& word : plan.argv) out << ' ' << quote(word);
    out << "\n";
    return out.str();
}

}  // namespace sbx::core
