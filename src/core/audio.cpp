// audio.cpp — the `audio` piece (see audio.hpp).
#include "core/audio.hpp"

#include "core/path.hpp"
#include "core/plan_builder.hpp"
#include "core/runtime_dir.hpp"
#include "core/text.hpp"

namespace sbx::core {
namespace {

std::string env_of(const HostFacts& host, const std::string& name) {
    const auto it = host.env.find(name);
    return it == host.env.end() ? std::string() : it->second;
}

// A clean absolute path, or "".
std::string clean(const std::string& path) {
    std::string why;
    const std::string norm = normalize_absolute(path, &why);
    return norm == path ? norm : std::string();
}

}  // namespace

std::string pulse_socket_path(const HostFacts& host, std::string* why) {
    const std::string server = env_of(host, "PULSE_SERVER");
    if (!server.empty()) {
        if (server.starts_with("unix:")) {
            const std::string path = clean(server.substr(5));
            if (!path.empty()) return path;
        }
        if (why)
            *why = "PULSE_SERVER=" + quoted(server) + " is not unix:/absolute/path: the default socket is used instead";
    }
    return join_path(host.xdg_runtime_dir, "pulse/native");
}

std::string pipewire_socket_path(const HostFacts& host) {
    const std::string remote = env_of(host, "PIPEWIRE_REMOTE");
    if (!remote.empty() && remote.find('\0') == std::string::npos) {
        if (remote.starts_with('/')) {
            if (const std::string path = clean(remote); !path.empty()) return path;
        } else if (remote.find('/') == std::string::npos && remote != "." && remote != "..") {
            return join_path(host.xdg_runtime_dir, remote);
        }
    }
    return join_path(host.xdg_runtime_dir, "pipewire-0");
}

std::vector<std::string> pulse_cookie_paths(const HostFacts& host) {
    std::vector<std::string> out;
    if (const std::string cookie = clean(env_of(host, "PULSE_COOKIE")); !cookie.empty()) out.push_back(cookie);
    out.push_back(join_path(host.xdg_config_home, "pulse/cookie"));
    out.push_back(join_path(host.home, ".pulse-cookie"));
    return out;
}

void add_audio(SandboxPlan& plan, const AudioSpec& spec, const HostFacts& host,
               const std::function<bool(const std::string&)>& exists) {
    if (!spec.enabled || !spec.enabled->value) return;
    const std::string origin = spec.enabled->loc.str() + " (audio)";
    AudioPlan& a = plan.audio;
    a.enabled = true;
    auto bind = [&](const std::string& source, const std::string& dest) {
        // A socket in $XDG_RUNTIME_DIR goes into the sandbox's private one.
        if (is_under(dest, host.xdg_runtime_dir)) ensure_private_runtime_dir(plan, host, "[audio] at " + origin);
        MountOp op;
        op.kind = MountKind::RoBind;
        op.source = source;
        op.dest = dest;
        op.origin = origin;
        plan.mounts.push_back(std::move(op));
    };

    std::string why;
    const std::string pulse = pulse_socket_path(host, &why);
    if (!why.empty()) a.why.push_back(why);
    if (exists(pulse)) {
        a.pulse_socket = pulse;
        bind(pulse, pulse);
        set_plan_env(plan.env, "PULSE_SERVER", "unix:" + pulse);
        a.why.push_back("PulseAudio socket " + pulse + " bound at the same path");
        for (const std::string& cookie : pulse_cookie_paths(host)) {
            if (!exists(cookie)) continue;
            a.pulse_cookie_source = cookie;
            a.pulse_cookie = kInnerPulseCookie;
            bind(cookie, a.pulse_cookie);
            set_plan_env(plan.env, "PULSE_COOKIE", a.pulse_cookie);
            a.why.push_back("PulseAudio cookie " + cookie + " bound read-only at " + a.pulse_cookie);
            break;
        }
        if (a.pulse_cookie.empty()) {
            unset_plan_env(plan.env, "PULSE_COOKIE");
            a.why.push_back("no PulseAudio cookie (" + join(pulse_cookie_paths(host), ", ") +
                            "): the client connects without one");
        }
    } else {
        unset_plan_env(plan.env, "PULSE_SERVER");
        unset_plan_env(plan.env, "PULSE_COOKIE");
        a.why.push_back("no PulseAudio socket at " + pulse + ": skipped");
    }

    const std::string pipewire = pipewire_socket_path(host);
    if (exists(pipewire)) {
        a.pipewire_socket = pipewire;
        bind(pipewire, pipewire);
        set_plan_env(plan.env, "PIPEWIRE_RUNTIME_DIR", parent_path(pipewire));
        set_plan_env(plan.env, "PIPEWIRE_REMOTE", pipewire.substr(pipewire.rfind('/') + 1));
        a.why.push_back("PipeWire socket " + pipewire + " bound at the same path");
    } else {
        a.why.push_back("no PipeWire socket at " + pipewire + ": skipped");
    }
    if (a.pulse_socket.empty() && a.pipewire_socket.empty())
        a.warning = "audio: no PulseAudio socket (" + pulse + ") and no PipeWire socket (" + pipewire +
                    "): the sandbox runs without sound";
    sort_parents_first(plan.mounts);
}

}  // namespace sbx::core
