// wayland.hpp — the [wayland] piece (profiles/wayland.toml): the
// compositor's socket inside the sandbox, and whether it goes through a
// wp_security_context_v1 listener. Pure: the host is asked through the
// injected queries; src/sandbox/wayland.* executes the decision.
#pragma once

#include <functional>
#include <string>

#include "core/bind_checks.hpp"
#include "core/host.hpp"
#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// The sandbox engine name sbx gives the compositor.
constexpr const char* kSecurityContextEngine = "sbx";

// build_plan's part: with `enabled = true`, the socket named by the
// launcher's WAYLAND_DISPLAY (a name in $XDG_RUNTIME_DIR, or an absolute
// path, as libwayland reads it) bound read-only at the same path inside,
// a private $XDG_RUNTIME_DIR (runtime_dir.hpp), and WAYLAND_DISPLAY,
// XDG_RUNTIME_DIR, XDG_SESSION_TYPE=wayland set. Without WAYLAND_DISPLAY the
// piece is skipped and plan.wayland.why says so: an app profile may include
// both x11 and wayland, and on an X11 session the app should use X11 (the
// x11 piece fails on its own when there is no display at all). Throws Usage
// for a WAYLAND_DISPLAY that climbs out of the runtime folder ("..").
void plan_wayland(SandboxPlan& plan, const WaylandSpec& spec, const HostFacts& host, const std::string& app_id);

// What a connection to the compositor found (sys::probe_wayland).
struct WaylandProbe {
    std::string error;              // non-empty: the compositor could not be reached or spoke no Wayland
    bool security_context = false;  // it offers wp_security_context_manager_v1
    bool supported = true;          // false: no libwayland-client (not built with it, or not installed)
};
using WaylandProber = std::function<WaylandProbe(const std::string& socket)>;

// finish_plan's part, before the bind checks: the socket must exist (else a
// Usage error naming the piece); then the security context is decided:
// with `security-context` on (the default), a private runtime folder (not a
// profile's own mount there) and a compositor offering the global, the bind
// is dropped and the sandbox gets sbx's listener at
// $XDG_RUNTIME_DIR/<WAYLAND_DISPLAY's last name> instead. Otherwise the
// compositor's socket stays bound; plan.wayland.why says which and why.
// `probe` unset (--print-bwrap-args, unit tests that do not care): the
// socket stays bound. A compositor that cannot be reached: Setup error.
void finish_wayland(SandboxPlan& plan, const HostFacts& host, const SourceResolver& real_path,
                    const WaylandProber& probe);

}  // namespace sbx::core
