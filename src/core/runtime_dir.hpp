// runtime_dir.hpp — the sandbox's private $XDG_RUNTIME_DIR, for the desktop
// pieces that put sockets there (wayland; audio and dbus call the same).
// Pure: it only adds to the plan.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/host.hpp"
#include "core/plan.hpp"

namespace sbx::core {

// The size of the private runtime folder's tmpfs: it holds sockets and the
// few small files desktop libraries keep there (dconf, pulse's pid), and
// must not let the sandbox fill the machine's memory.
constexpr uint64_t kRuntimeDirSize = uint64_t{32} << 20;

// The origin every op this file adds carries ("sbx: private XDG_RUNTIME_DIR
// for <who>").
constexpr std::string_view kRuntimeDirOrigin = "sbx: private XDG_RUNTIME_DIR";

// Gives the sandbox a private $XDG_RUNTIME_DIR at the host's path
// (host.xdg_runtime_dir): a new tmpfs, mode 0700, owned by the user inside
// (a tmpfs belongs to whoever mounts it: the sandbox's first process, as
// that user), and XDG_RUNTIME_DIR set to it in the environment. A profile
// that mounts something at that very path keeps its own mount (it asked for
// it); the variable is set either way. Idempotent: the second piece that
// asks finds the first one's tmpfs. `who` names the piece for --dry-run
// ("[wayland] at FILE:LINE:COL"). Returns the path. Throws Usage when the
// host's runtime folder is not an absolute path.
std::string ensure_private_runtime_dir(SandboxPlan& plan, const HostFacts& host, const std::string& who);

// True when the mount at the runtime folder's path is the private tmpfs
// ensure_private_runtime_dir added (false: the profile's own mount, or none).
bool has_private_runtime_dir(const SandboxPlan& plan, const std::string& dir);

// Sets NAME=value in a plan's environment, replacing an earlier value in
// place, or removes NAME.
void set_plan_env(std::vector<std::string>& env, const std::string& name, const std::string& value);
void unset_plan_env(std::vector<std::string>& env, const std::string& name);

}  // namespace sbx::core
