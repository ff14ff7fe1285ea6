// shared_folders.hpp — host folders that other programs share with the
// user: a `workdir` bind may not be one of them, and a bind that holds the
// user's Unix sockets is reported. Pure: the sockets are found by the sys
// layer (sys/host_scan) and passed in.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/host.hpp"
#include "core/plan.hpp"
#include "core/plan_builder.hpp"

namespace sbx::core {

// A folder a `workdir = true` bind may neither be nor contain; with
// `whole_tree`, nor lie in (/run and $XDG_RUNTIME_DIR hold nothing but
// runtime state and sockets: no project lives there).
struct SharedFolder {
    std::string path;
    bool whole_tree = false;
};

// The root, the home folder, /tmp, /var/tmp, /dev/shm, and the whole trees
// of /run and $XDG_RUNTIME_DIR, each as written and as resolved with
// `resolve` (realpath; a missing one is kept as written).
std::vector<SharedFolder> shared_folders(const HostFacts& host, const SourceResolver& resolve);

// Throws Usage (one line) for the first `workdir` bind of the plan whose
// source (already a real path: call after check_sources) is one of
// `shared`, an ancestor of one, or inside a whole tree: Landlock does not
// check connect() on a socket file, so such a bind hands the sandbox the
// user's tmux server, ssh-agent and X11 sockets.
void check_workdir_binds(const SandboxPlan& plan, const std::vector<SharedFolder>& shared);

// What the sys layer found in one bind source.
struct SocketScan {
    std::vector<std::string> samples;  // the first few socket paths found (host paths)
    size_t count = 0;                  // sockets found in all
    bool incomplete = false;           // a depth or entry limit cut the scan short
};
inline constexpr size_t kSocketSamples = 3;

// Finds the user's sockets at or below a host path (sys::scan_unix_sockets).
using SocketScanner = std::function<SocketScan(const std::string& path)>;

// Throws Usage (one line) for the first `workdir` bind of the plan whose
// source (a real path: call after check_sources) holds a Unix socket of
// the user's as `scan` finds it: a project folder with a tmux socket in a
// subfolder (`tmux -S run/tmux.sock`, an ssh ControlPath), or a folder of
// sockets that is not in the shared list (/tmp/tmux-UID). The scan is
// bounded: a socket deeper or after its entry limit is not seen.
void check_workdir_sockets(const SandboxPlan& plan, const SocketScanner& scan);

// One warning line for a bind whose source holds `scan.count` > 0 sockets
// owned by the user; "" when it holds none.
std::string describe_bind_sockets(const MountOp& op, const SocketScan& scan);

}  // namespace sbx::core
