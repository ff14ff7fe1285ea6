// describe.cpp — the human-readable plan printed by `sbx --dry-run`.
// It must show exactly what the launcher will do, in the order it does it.
#include <algorithm>
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
        if (!op.matched.empty()) out << " (matches " << op.matched << ")";
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
        // A decision by omission, so said outright: without a refusing rule
        // for unshare and for clone, the sandbox can make user namespaces
        // (seccomp.nested-userns, or `allow`; see sbx(1), SECURITY).
        const auto refuses = [&](const char* name) {
            return std::any_of(plan.seccomp.rules.begin(), plan.seccomp.rules.end(), [&](const SeccompRule& r) {
                return r.syscall == name && r.action != SeccompAction::Log;
            });
        };
        if (!refuses("unshare") || !refuses("clone"))
            out << "  user namespaces can be created inside (unshare and clone of CLONE_NEWUSER are not filtered)\n";
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

// The desktop pieces: what they pass in and why; never the cookie itself.
void describe_desktop(std::ostringstream& out, const SandboxPlan& plan) {
    if (plan.x11.enabled && plan.x11.socket.empty()) {
        out << "x11         skipped\n";
        for (const auto& line : plan.x11.why) out << "  " << line << "\n";
    } else if (plan.x11.enabled) {
        const X11Plan& x = plan.x11;
        out << "x11         DISPLAY=" << x.host_display << " on the host: socket " << x.socket << " -> "
            << x.inner_socket << ", DISPLAY=:" << x.inner << " inside; ";
        if (x.xauthority.empty())
            out << "no cookie\n";
        else
            out << "cookie from " << x.xauthority_source << " (" << x.cookie_bytes << " bytes, not shown) -> "
                << x.xauthority << "\n";
        for (const auto& line : x.why) out << "  " << line << "\n";
        out << "  X11 gives the sandbox every window on this display (sbx(1), SECURITY)\n";
    }
    if (plan.audio.enabled) {
        out << "audio       ";
        if (!plan.audio.pulse_socket.empty()) out << "PulseAudio " << plan.audio.pulse_socket << " ";
        if (!plan.audio.pipewire_socket.empty()) out << "PipeWire " << plan.audio.pipewire_socket << " ";
        if (!plan.audio.warning.empty()) out << "none";
        out << "\n";
        for (const auto& line : plan.audio.why) out << "  " << line << "\n";
        if (!plan.audio.pulse_socket.empty() || !plan.audio.pipewire_socket.empty())
            out << "  a client can have the sound server (outside the sandbox, as you) load a plugin it names: "
                   "this piece is a way out (sbx(1), SECURITY)\n";
        if (!plan.audio.warning.empty()) out << "  warning: " << plan.audio.warning << "\n";
    }
}

// Each helper with its whole command line, and the folder they share.
void describe_helpers(std::ostringstream& out, const SandboxPlan& plan) {
    if (plan.instance.any())
        out << "instance    " << plan.instance.dir << " (0700 on the host; removed when the sandbox ends)\n";
    for (const auto& helper : plan.helpers) {
        out << "helper      " << helper.purpose << ", started before the command, gone with the sandbox\n ";
        for (const auto& word : helper.argv) out << ' ' << quote(word);
        out << "\n  ready: one byte on fd " << helper.sync_fd << " within " << helper.ready_timeout_ms
            << " ms; the sandbox's init holds the pipe's other end\n";
    }
    if (!plan.dbus.buses.empty() || !plan.dbus.raw_sockets.empty()) {
        out << "dbus       ";
        if (plan.dbus.buses.empty()) out << " off;";
        for (const auto& bus : plan.dbus.buses) out << ' ' << bus.bus << " bus filtered at " << bus.dest << ";";
        out << " real sockets covered wherever a bind shows them:";
        for (const auto& raw : plan.dbus.raw_sockets) out << ' ' << raw;
        out << "\n";
    }
    for (const auto& line : plan.dbus.why) out << "  " << line << "\n";
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
        out << "  -  " << describe_op(op) << (op.glob ? ": no match" : ": source missing") << ", skipped   # "
            << op.origin << "\n";
    describe_desktop(out, plan);
    for (const auto& line : plan.file_arguments) out << "file arg    " << printable(line) << "\n";
    out << "chdir       " << plan.chdir << "\n";
    out << "environment (" << plan.env.size() << " variables)\n";
    for (const auto& kv : plan.env) out << "  " << kv << "\n";
    if (plan.wayland.enabled)
        out << "wayland     " << plan.wayland.socket << " (WAYLAND_DISPLAY=" << plan.wayland.display << ") -> "
            << plan.wayland.dest << ": " << plan.wayland.why << "\n";
    else if (!plan.wayland.why.empty())
        out << "wayland     " << plan.wayland.why << "\n";
    describe_helpers(out, plan);
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
