// wayland.hpp — executes the plan's wp_security_context_v1 listener
// (core/wayland.hpp decided it).
//
// Nothing is created on the host. The launcher makes an unbound socket and
// a pipe before the clone; the sandbox's first process inherits them and,
// once its root is built, binds the socket at its final path in the
// sandbox's private runtime tmpfs and listens, and says so; the launcher
// then hands the socket and the pipe's read end to the compositor
// (create_listener, commit) and answers; only then does the target start.
// PID 1 keeps the pipe's write end for the sandbox's whole life (sbx-init
// holds it, the target never has it): when the sandbox ends, SIGKILL of sbx
// included (PID 1 dies with the launcher), the compositor sees the hang-up
// and stops serving the listener.
#pragma once

#include <sys/types.h>

#include <optional>

#include "core/plan.hpp"
#include "sys/unique_fd.hpp"

namespace sbx::sandbox {

struct WaylandListener {
    sys::UniqueFd listen;        // the listening socket: bound inside by the child
    sys::UniqueFd close_read;    // for the compositor: hangs up when the sandbox ends
    sys::UniqueFd close_write;   // kept by the sandbox's PID 1
    sys::UniqueFd ready_ours;    // the launcher's end: "bound" in, "registered" out
    sys::UniqueFd ready_theirs;  // the child's end
};

// Launcher, before the clone: the descriptors, all close-on-exec; nullopt
// when the plan has no security context. Throws Setup.
std::optional<WaylandListener> prepare_wayland_listener(const core::WaylandPlan& plan);

// Launcher, after the clone (its copies of close_write and ready_theirs
// closed): waits for the child to bind and listen, registers the listener
// with instance id `sandbox` (the sandbox's PID on the host) and lets the
// child go on. Returns without registering when the child is gone (its
// setup failed: the handshake says why). Throws Setup when the compositor
// refuses.
void register_wayland_listener(WaylandListener& listener, const core::WaylandPlan& plan, pid_t sandbox);

// The sandbox's first process, after pivot_root: binds `listen` at
// plan.dest, listens, tells the launcher on `ready` and waits for its
// answer. Throws Setup; exits 125 when the launcher is gone.
void bind_wayland_listener(const core::WaylandPlan& plan, int listen, int ready);

// PID 1, once the target has exec'd: `close_write` survives the exec of
// sbx-init (it was close-on-exec until then, so the target never had it).
void keep_across_exec(int close_write);

}  // namespace sbx::sandbox
