// shared_folders.cpp — the `workdir` check and the socket report's text.
#include "core/shared_folders.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/path.hpp"

namespace sbx::core {

std::vector<SharedFolder> shared_folders(const HostFacts& host, const SourceResolver& resolve) {
    std::vector<SharedFolder> wanted = {{"/"}, {"/tmp"}, {"/var/tmp"}, {"/dev/shm"}, {"/run", true}};
    if (!host.home.empty()) wanted.push_back({host.home});
    if (!host.xdg_runtime_dir.empty()) wanted.push_back({host.xdg_runtime_dir, true});
    std::vector<SharedFolder> out;
    for (const SharedFolder& folder : wanted) {
        // Both spellings: a symlinked home (/home -> /usr/home) is refused
        // under either name.
        for (const std::string& path : {folder.path, resolve(folder.path).value_or(folder.path)})
            if (std::none_of(out.begin(), out.end(), [&](const SharedFolder& f) { return f.path == path; }))
                out.push_back({path, folder.whole_tree});
    }
    return out;
}

namespace {

// "cli: refusing to bind /tmp read-write as the working directory: "
std::string refusing(const SandboxPlan& plan, const MountOp& op) {
    return plan.profile_name + ": refusing to bind " + printable(op.source) +
           (op.kind == MountKind::Bind ? " read-write" : "") + " as the working directory: ";
}

// Where the entry was written, and what to do instead.
std::string instead(const MountOp& op) {
    return " (" + op.origin + "); cd into a project folder, or bind " + printable(op.source) +
           " explicitly with --bind " + printable(op.source) + " if you mean it";
}

// "2 Unix sockets of yours" / "20000 or more Unix sockets of yours"
std::string socket_count(const SocketScan& scan) {
    return std::to_string(scan.count) + (scan.incomplete ? " or more" : "") + " Unix socket" +
           (scan.count == 1 ? "" : "s") + " of yours";
}

// The first few sockets found, "..." when there are more.
std::string socket_samples(const SocketScan& scan) {
    std::string out;
    for (size_t i = 0; i < scan.samples.size() && i < kSocketSamples; ++i) {
        if (i) out += ", ";
        out += printable(scan.samples[i]);
    }
    if (scan.count > std::min(scan.samples.size(), kSocketSamples)) out += ", ...";
    return out;
}

}  // namespace

void check_workdir_binds(const SandboxPlan& plan, const std::vector<SharedFolder>& shared) {
    for (const MountOp& op : plan.mounts) {
        if (!op.workdir) continue;
        const auto hit = std::find_if(shared.begin(), shared.end(), [&](const SharedFolder& folder) {
            return is_under(folder.path, op.source) || (folder.whole_tree && is_under(op.source, folder.path));
        });
        if (hit == shared.end()) continue;
        const std::string held = hit->path == op.source           ? "it"
                                 : is_under(hit->path, op.source) ? "it contains " + printable(hit->path) + ", which"
                                                                  : "it lies in " + printable(hit->path) + ", which";
        throw Error(ErrorKind::Usage, refusing(plan, op) + held +
                                          " holds other programs' sockets (tmux, ssh-agent, X11, D-Bus) that the "
                                          "sandbox could connect to" +
                                          instead(op));
    }
}

void check_workdir_sockets(const SandboxPlan& plan, const SocketScanner& scan) {
    for (const MountOp& op : plan.mounts) {
        if (!op.workdir) continue;
        const SocketScan found = scan(op.source);
        if (found.count == 0) continue;
        throw Error(ErrorKind::Usage, refusing(plan, op) + "it holds " + socket_count(found) + " (" +
                                          socket_samples(found) +
                                          ") that the sandbox could connect to (Landlock does not check connect(); "
                                          "tmux runs commands for whoever connects)" +
                                          instead(op));
    }
}

std::string describe_bind_sockets(const MountOp& op, const SocketScan& scan) {
    if (scan.count == 0) return "";
    return mount_kind_name(op.kind) + std::string(" ") + op.source + " -> " + op.dest + ": " + socket_count(scan) +
           " inside (" + socket_samples(scan) +
           "): the sandbox can connect to whatever listens on them (Landlock does not check connect())";
}

}  // namespace sbx::core
