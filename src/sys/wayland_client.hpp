// wayland_client.hpp — talking to the user's Wayland compositor through
// libwayland-client: which globals it offers, and registering a
// wp_security_context_v1 listener (flatpak's flatpak-run.c does the same).
// Side effects, no decisions: core/wayland.hpp decides.
#pragma once

#include <string>

#include "core/wayland.hpp"

namespace sbx::sys {

// Connects to the compositor's socket and lists its globals: whether it
// offers wp_security_context_manager_v1. Never throws: a compositor that
// cannot be reached comes back as WaylandProbe::error. Without
// libwayland-client: WaylandProbe::supported is false.
core::WaylandProbe probe_wayland(const std::string& socket);

// Registers `listen_fd` (bound and listening) with the compositor at
// `socket`: create_listener(listen_fd, close_fd), the sandbox engine, app id
// and instance id, commit, and a round trip to learn that the compositor
// accepted it. The compositor keeps its own copies of both fds; the
// caller's may be closed afterwards. Throws Setup on any failure, naming
// the compositor's protocol error when it sent one.
void register_security_context(const std::string& socket, int listen_fd, int close_fd, const std::string& engine,
                               const std::string& app_id, const std::string& instance_id);

}  // namespace sbx::sys
