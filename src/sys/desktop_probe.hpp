// desktop_probe.hpp — the read-only looks at the host that the `x11` and
// `audio` pieces need (core/x11.hpp, core/audio.hpp): no decisions here.
#pragma once

#include <optional>
#include <set>
#include <string>

namespace sbx::sys {

// uname(2)'s nodename: the address of the host's FamilyLocal Xauthority entries.
std::string host_name();

// The display numbers N whose abstract socket @/tmp/.X11-unix/X<N> is bound
// in this process's network namespace (/proc/net/unix). Empty when the
// file cannot be read.
std::set<unsigned> abstract_x11_displays();

// The kernel's Landlock ABI; 0 when Landlock is unavailable.
int landlock_abi_version();

// lstat(2) finds something at `path` (a socket, a file).
bool something_at(const std::string& path);

}  // namespace sbx::sys
