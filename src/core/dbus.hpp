// dbus.hpp — the `dbus` piece: the session (and, when asked, the system)
// bus reached only through xdg-dbus-proxy with the profile's rules, and the
// real bus sockets kept out of reach. Pure: the names and rules are checked
// here (exit 2 at FILE:LINE:COL), the proxy's command line, its folder and
// the mounts are decided here; src/sandbox/helpers.* starts the proxy.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/bind_checks.hpp"
#include "core/host.hpp"
#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// A well-known bus name as the D-Bus specification has it (two or more
// elements of [A-Za-z0-9_-] separated by '.', none empty or starting with a
// digit, at most 255 bytes); with `wildcard`, the last element may be "*"
// (org.example.*: the name and every name below it, as xdg-dbus-proxy
// reads it). Unique names (":1.42") and anything else are refused, with
// `why` saying what is wrong.
bool valid_bus_name(std::string_view name, bool wildcard, std::string* why);

// A --call/--broadcast rule: NAME=RULE, RULE being [METHOD][@PATH] with
// METHOD "*", INTERFACE.* or INTERFACE.MEMBER and PATH an object path,
// optionally ending in "/*" (xdg-dbus-proxy(1)).
bool valid_bus_rule(std::string_view rule, std::string* why);

// The socket paths of a D-Bus address's unix:path= entries ("%xx" decoded);
// abstract sockets have none. Entries are separated by ';'.
std::vector<std::string> unix_socket_paths(std::string_view address);

// build_plan's part: the rules checked (Usage at the entry's place), the
// addresses taken from the host's environment (DBUS_SESSION_BUS_ADDRESS,
// else unix:path=$XDG_RUNTIME_DIR/bus; DBUS_SYSTEM_BUS_ADDRESS, else
// unix:path=/var/run/dbus/system_bus_socket) and the real sockets listed
// for covering, whether the piece is on or off. Sets
// DBUS_SESSION_BUS_ADDRESS / DBUS_SYSTEM_BUS_ADDRESS in plan.env for each
// proxied bus.
void plan_dbus(const DbusSpec& spec, const HostFacts& host, SandboxPlan& plan);

// finish_plan's part, after the binds are checked: the instance folder and
// the proxy's command line (from the real path of $XDG_RUNTIME_DIR), the
// proxy's sockets bound at their places inside, and a cover over every
// place where a bind shows one of the real bus sockets or the folder of
// sbx's instances (other sandboxes' proxies): /dev/null bound read-only
// over a socket (connect() then fails with ECONNREFUSED), an empty tmpfs
// over the folder. Only what exists now is covered: a cover over a
// missing path would create it on the host.
void finish_dbus(SandboxPlan& plan, const HostFacts& host, const SourceResolver& resolve);

}  // namespace sbx::core
