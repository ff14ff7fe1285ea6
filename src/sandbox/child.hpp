// child.hpp — the sandbox's first process, from the clone that creates its
// namespaces to the exec of sbx-init: it asks the launcher for its id maps,
// builds the root and pivots into it, becomes the sandbox's init, starts
// the target and execs the small supervisor (src/init) to stay PID 1.
#pragma once

#include <vector>

#include "core/plan.hpp"
#include "sandbox/seccomp.hpp"

namespace sbx::sandbox {

struct ChildFds {
    int sync = -1;        // the sandbox's end of the handshake (sys/sync_channel.hpp)
    int pty_socket = -1;  // where the pty's master goes back to the launcher; -1: no pty
    int supervisor = -1;  // sbx-init, opened O_PATH before the clone (exec'd after pivot_root)
    // The wp_security_context_v1 listener (sandbox/wayland.hpp); -1: none.
    int wayland_listen = -1;  // bound inside after pivot_root
    int wayland_close = -1;   // kept by PID 1 for the sandbox's life
    int wayland_ready = -1;   // "bound" to the launcher, "registered" back
    // The helpers' sync pipes (sandbox/helpers.hpp), held by PID 1 for the
    // sandbox's whole life, never by the target.
    std::vector<int> helper_ends;
};

// Runs in a fork-like clone of the launcher (its own copy of memory).
// Never returns: it execs sbx-init, or sends a SetupFailed frame and exits
// 125 (or just exits 125 when the launcher is gone).
[[noreturn]] void sandbox_child(const core::SandboxPlan& plan, const SeccompProgram& seccomp, const ChildFds& fds);

}  // namespace sbx::sandbox
