// x11.hpp — the `x11` piece: the host's $DISPLAY parsed, its one socket
// bound inside, its cookie filtered out of the host's Xauthority file and
// rewritten so that it matches inside. Pure: the Xauthority file, the
// hostname and the abstract sockets in use are injected (X11Host).
//
// Why the display number may change inside: libxcb (1.15, Debian 12; Xlib
// goes through it) connects to the abstract socket @/tmp/.X11-unix/X<N>
// first and falls back to the socket file only when that fails with ENOENT
// or ECONNREFUSED. Landlock's abstract-socket scope makes the connect fail
// with EPERM, so the client gives up; libxcb 1.15 has no DISPLAY form that
// names the socket file (a path, "unix:/path" need 1.16). So, when the
// sandbox shares the host's network namespace (where the abstract names
// live) and the scope is in force, the socket is bound at X<M> for a number
// M no abstract socket of the host has: the abstract connect finds nothing
// (ECONNREFUSED) and the client connects to the file. A name squatted later
// is refused by the scope (EPERM): the client fails, it never reaches
// another server. In a new network namespace no host abstract name is
// visible, so N is kept.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/host.hpp"
#include "core/plan.hpp"
#include "core/profile.hpp"
#include "core/runtime_dir.hpp"  // set_plan_env, unset_plan_env

namespace sbx::core {

// A local X11 display: its number, screen and socket file on the host.
struct X11Display {
    unsigned number = 0;
    unsigned screen = 0;
    std::string socket;  // /tmp/.X11-unix/X<number>, or the path a path form names
};

// Parses a local $DISPLAY: ":N", ":N.S", "unix:N[.S]", "unix/HOST:N[.S]"
// (the unix transport, whatever the host part), a socket path
// "/…/X<N>[.S]" and "unix:/…/X<N>[.S]". Throws Usage (a message without a
// location: the caller adds it) for an empty value, a TCP display
// ("host:N", "tcp/host:N", "[::1]:N"), DECnet ("host::N") and anything
// malformed.
X11Display parse_display(std::string_view display);

// Xauthority families (Xauth.h).
inline constexpr uint16_t kXauthFamilyInternet = 0;
inline constexpr uint16_t kXauthFamilyInternet6 = 6;
inline constexpr uint16_t kXauthFamilyLocal = 256;
inline constexpr uint16_t kXauthFamilyWild = 65535;

// One Xauthority entry: family, then four counted strings (big-endian
// 16-bit length, bytes).
struct XauthEntry {
    uint16_t family = 0;
    std::string address;
    std::string number;  // the display number in decimal; empty matches any
    std::string name;    // "MIT-MAGIC-COOKIE-1"
    std::string data;    // the cookie
    bool operator==(const XauthEntry&) const = default;
};

// At most this many bytes are read from an Xauthority file.
inline constexpr size_t kMaxXauthoritySize = 1 << 20;

// Parses a whole Xauthority file. Throws Usage naming `file` and the byte
// offset for a truncated entry or a file over kMaxXauthoritySize; never
// reads past the end.
std::vector<XauthEntry> parse_xauthority(std::string_view bytes, const std::string& file);
std::string write_xauthority(const std::vector<XauthEntry>& entries);

// The entry a local client of display `number` on `hostname` would use, as
// libXau's XauGetBestAuthByAddr chooses it: the first MIT-MAGIC-COOKIE-1
// entry whose number is `number` (or empty) and whose family is FamilyWild,
// or FamilyLocal with `hostname` as address. nullopt when there is none.
std::optional<XauthEntry> find_cookie(const std::vector<XauthEntry>& entries, unsigned number,
                                      std::string_view hostname);

// What add_x11 may ask about the host.
struct X11Host {
    FileReader read;                                 // the host's Xauthority
    std::string hostname;                            // uname(2)'s nodename
    std::function<bool(unsigned)> abstract_in_use;   // @/tmp/.X11-unix/X<n> bound in the host's network namespace
    int landlock_abi = 0;                            // the kernel's (0: none)
    std::function<bool(const std::string&)> exists;  // a host path exists (the display's socket)
};

// Where the Xauthority is written inside.
inline constexpr const char* kInnerXauthority = "/run/sbx/Xauthority";

// The `x11` piece, when spec.enabled: the display's socket bound (read-only:
// connect(2) needs no write access to the mount) at /tmp/.X11-unix/X<inner>,
// DISPLAY=:<inner> (with the host's screen, if any), and, when the host's
// Xauthority ($XAUTHORITY, else ~/.Xauthority) holds a cookie for it, a
// 0600 file at kInnerXauthority holding only that cookie as a FamilyWild
// entry for <inner>, with XAUTHORITY pointing at it (else XAUTHORITY is
// unset: a server without -auth needs none). Throws Usage at the `enabled`
// key for a missing $DISPLAY (unless spec.optional: then the piece is
// skipped, with a line in plan.x11.why), an unusable one (TCP, malformed,
// no socket) and a malformed Xauthority file. Adds to plan.mounts (kept
// parents first) and plan.env, and fills plan.x11.
void add_x11(SandboxPlan& plan, const X11Spec& spec, const HostFacts& host, const X11Host& query);

}  // namespace sbx::core
