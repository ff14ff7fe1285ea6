// audio.hpp — the `audio` piece: the PulseAudio native socket with its
// cookie, and the PipeWire socket, found from the host's environment. Pure:
// whether a host path exists is asked through an injected query.
#pragma once

#include <functional>
#include <string>

#include "core/host.hpp"
#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// Where the Pulse cookie is bound inside (read-only).
inline constexpr const char* kInnerPulseCookie = "/run/sbx/pulse-cookie";

// The PulseAudio socket: $PULSE_SERVER when it is "unix:/absolute/path",
// else $XDG_RUNTIME_DIR/pulse/native. `why` gets a line when $PULSE_SERVER
// is set to something else.
std::string pulse_socket_path(const HostFacts& host, std::string* why = nullptr);

// The PipeWire socket: $PIPEWIRE_REMOTE (absolute, or a name in
// $XDG_RUNTIME_DIR), else $XDG_RUNTIME_DIR/pipewire-0.
std::string pipewire_socket_path(const HostFacts& host);

// The Pulse cookie's candidates, in the order the client looks:
// $PULSE_COOKIE, $XDG_CONFIG_HOME/pulse/cookie, ~/.pulse-cookie.
std::vector<std::string> pulse_cookie_paths(const HostFacts& host);

// The `audio` piece, when spec.enabled: each socket that exists bound
// read-only at its own path (connect(2) needs no write access to the
// mount); PULSE_SERVER=unix:<path>; the first cookie that exists bound
// read-only at kInnerPulseCookie with PULSE_COOKIE set to it;
// PIPEWIRE_RUNTIME_DIR and PIPEWIRE_REMOTE naming the PipeWire socket. A
// missing socket is skipped with a line in plan.audio.why (a desktop
// without PipeWire is normal); with neither, plan.audio.warning says so
// and the sandbox runs without sound.
void add_audio(SandboxPlan& plan, const AudioSpec& spec, const HostFacts& host,
               const std::function<bool(const std::string&)>& exists);

}  // namespace sbx::core
