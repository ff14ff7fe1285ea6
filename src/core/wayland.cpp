// wayland.cpp — see wayland.hpp.
#include "core/wayland.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/path.hpp"
#include "core/plan_builder.hpp"
#include "core/runtime_dir.hpp"

namespace sbx::core {
namespace {

constexpr std::string_view kBindOrigin = "sbx: [wayland] compositor socket";

std::string last_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

void plan_wayland(SandboxPlan& plan, const WaylandSpec& spec, const HostFacts& host, const std::string& app_id) {
    if (!spec.enabled || !spec.enabled->value) return;
    WaylandPlan& w = plan.wayland;
    w.origin = spec.enabled->loc.str();
    w.app_id = app_id;
    w.want_security_context = !spec.security_context || spec.security_context->value;
    const auto display = host.env.find("WAYLAND_DISPLAY");
    if (display == host.env.end() || display->second.empty()) {
        w.why = "skipped: WAYLAND_DISPLAY is not set (no Wayland session; [wayland] at " + w.origin + ")";
        return;
    }
    const std::string who = "[wayland] at " + w.origin;
    w.display = display->second;
    std::string why;
    if (w.display.front() == '/') {
        w.socket = normalize_absolute(w.display, &why);
    } else {
        const std::string runtime = normalize_absolute(host.xdg_runtime_dir, &why);
        if (!runtime.empty()) w.socket = normalize_absolute(join_path(runtime, w.display), &why);
        if (!w.socket.empty() && (!is_under(w.socket, runtime) || w.socket == runtime)) {
            w.socket.clear();
            why = "it is not a name inside XDG_RUNTIME_DIR";
        }
    }
    if (w.socket.empty() || w.socket == "/")
        throw Error(ErrorKind::Usage, who + ": WAYLAND_DISPLAY " + quoted(w.display) + " names no socket" +
                                          (why.empty() ? "" : ": " + why));
    w.enabled = true;
    w.dest = w.socket;
    ensure_private_runtime_dir(plan, host, who);

    // A profile that mounts something at the socket's path itself (an older
    // profile binding ${XDG_RUNTIME_DIR}/wayland-0) keeps it.
    if (std::none_of(plan.mounts.begin(), plan.mounts.end(), [&](const MountOp& m) { return m.dest == w.dest; })) {
        MountOp op;
        op.kind = MountKind::RoBind;
        op.source = w.socket;
        op.dest = w.dest;
        op.origin = std::string(kBindOrigin) + " for " + who;
        plan.mounts.push_back(std::move(op));
        sort_parents_first(plan.mounts);
    }

    set_plan_env(plan.env, "WAYLAND_DISPLAY", w.display);
    set_plan_env(plan.env, "XDG_SESSION_TYPE", "wayland");
}

void finish_wayland(SandboxPlan& plan, const HostFacts& host, const SourceResolver& real_path,
                    const WaylandProber& probe) {
    WaylandPlan& w = plan.wayland;
    if (!w.enabled) return;
    const std::string who = "[wayland] at " + w.origin;
    if (!real_path(w.socket))
        throw Error(ErrorKind::Usage, who + ": no compositor socket at " + quoted(w.socket) +
                                          " (WAYLAND_DISPLAY=" + printable(w.display) + ")");
    const std::string runtime = normalize_absolute(host.xdg_runtime_dir, nullptr);
    const std::string bound =
        "the compositor's socket is bound as it is (the compositor cannot tell that this "
        "client is sandboxed)";
    if (!w.want_security_context) {
        w.why = "security-context = false: " + bound;
        return;
    }
    if (!has_private_runtime_dir(plan, runtime)) {
        w.why = "the profile mounts " + runtime + " itself, where sbx would put its listener: " + bound;
        return;
    }
    const std::string listener = join_path(runtime, last_name(w.socket));
    const auto profile_mount = std::find_if(plan.mounts.begin(), plan.mounts.end(), [&](const MountOp& op) {
        return op.dest == listener && !op.origin.starts_with(kBindOrigin);
    });
    if (profile_mount != plan.mounts.end()) {
        w.why = "the profile mounts " + listener + " itself (" + profile_mount->origin +
                "), where sbx would put its listener: what it mounts there is what the sandbox gets";
        return;
    }
    if (!probe) {
        w.why = bound;
        return;
    }
    const WaylandProbe found = probe(w.socket);
    if (!found.error.empty())
        throw Error(ErrorKind::Setup, who + ": cannot reach the compositor at " + w.socket + ": " + found.error);
    if (!found.supported) {
        w.why =
            "libwayland-client is not available to sbx (built without it, or libwayland-client.so.0 not installed), so "
            "it cannot ask for a security context: " +
            bound;
        return;
    }
    if (!found.security_context) {
        w.why = "the compositor does not offer wp_security_context_manager_v1: " + bound;
        return;
    }
    w.security_context = true;
    plan.mounts.erase(std::remove_if(plan.mounts.begin(), plan.mounts.end(),
                                     [](const MountOp& op) { return op.origin.starts_with(kBindOrigin); }),
                      plan.mounts.end());
    // sbx's listener lives in the private runtime tmpfs, the one writable
    // place sbx owns inside: an absolute WAYLAND_DISPLAY (or one naming a
    // subfolder) becomes its last name there.
    const std::string name = last_name(w.socket);
    w.dest = listener;
    if (w.display != name) set_plan_env(plan.env, "WAYLAND_DISPLAY", name);
    w.why = std::string("through a listener of sbx's own at ") + w.dest +
            ", registered with the compositor by wp_security_context_v1 (sandbox engine \"" + kSecurityContextEngine +
            "\", app id " + quoted(w.app_id) +
            ", instance id: the sandbox's PID on the host) and served until the sandbox ends; the compositor's "
            "socket is not bound";
}

}  // namespace sbx::core
