// x11.cpp — the `x11` piece (see x11.hpp): $DISPLAY, the Xauthority
// format, and the mounts and environment the piece adds to a plan.
#include "core/x11.hpp"

#include <algorithm>
#include <charconv>

#include "core/path.hpp"
#include "core/plan_builder.hpp"
#include "core/text.hpp"

namespace sbx::core {
namespace {

constexpr std::string_view kSocketDir = "/tmp/.X11-unix/X";
// Display numbers tried inside when the host's must be avoided (x11.hpp).
constexpr unsigned kFirstInner = 1000;
constexpr unsigned kInnerTries = 4096;
// Xlib and libxcb read the number with strtoul into an int; no server
// listens anywhere near this.
constexpr unsigned kMaxDisplay = 1u << 20;

[[noreturn]] void bad_display(std::string_view display, const std::string& why) {
    throw Error(ErrorKind::Usage, "DISPLAY=" + quoted(std::string(display)) + ": " + why);
}

// "N" or "N.S", decimal digits only.
bool parse_number_screen(std::string_view text, X11Display& out) {
    auto number_at = [](std::string_view digits, unsigned& value) {
        if (digits.empty() || digits.size() > 7) return false;
        if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        return ec == std::errc{} && end == digits.data() + digits.size() && value <= kMaxDisplay;
    };
    const size_t dot = text.find('.');
    if (!number_at(text.substr(0, dot), out.number)) return false;
    out.screen = 0;
    return dot == std::string_view::npos || number_at(text.substr(dot + 1), out.screen);
}

X11Display parse_path_display(std::string_view display, std::string_view path) {
    X11Display out;
    std::string why;
    std::string socket(path);
    // "/…/X57.1": the screen follows the socket's name.
    const size_t slash = socket.rfind('/');
    const size_t dot = socket.find('.', slash);
    std::string_view name = std::string_view(socket).substr(slash + 1);
    if (name.size() < 2 || name.front() != 'X' || !parse_number_screen(name.substr(1), out))
        bad_display(display, "a socket path must end in X<display number>, like /tmp/.X11-unix/X0");
    if (dot != std::string::npos) socket.resize(dot);
    out.socket = normalize_absolute(socket, &why);
    if (out.socket.empty() || out.socket != socket) bad_display(display, "not a clean absolute path");
    return out;
}

std::string u16(size_t n) { return std::string{static_cast<char>((n >> 8) & 0xff), static_cast<char>(n & 0xff)}; }

}  // namespace

X11Display parse_display(std::string_view display) {
    if (display.empty()) throw Error(ErrorKind::Usage, "DISPLAY is empty");
    if (display.size() > 4096) bad_display(display.substr(0, 64), "too long");
    if (display.find('\0') != std::string_view::npos || display.find('\n') != std::string_view::npos)
        bad_display(display, "holds a control character");
    if (display.front() == '/') return parse_path_display(display, display);
    if (display.starts_with("unix:/")) return parse_path_display(display, display.substr(5));

    std::string_view rest = display;
    bool unix_transport = false;
    if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
        const std::string_view protocol = rest.substr(0, slash);
        if (protocol != "unix" && protocol != "local")
            bad_display(display, "the " + quoted(std::string(protocol)) +
                                     " transport is not a local display: the x11 piece passes only a local "
                                     "display's socket (:N)");
        unix_transport = true;
        rest = rest.substr(slash + 1);
    }
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) bad_display(display, "no ':' before the display number");
    const std::string_view host = rest.substr(0, colon);
    if (host.ends_with(':')) bad_display(display, "a DECnet display (host::N) is not supported");
    if (!unix_transport && !host.empty() && host != "unix")
        bad_display(display, "a TCP display (" + quoted(std::string(host)) +
                                 " is a host name): the x11 piece passes only a local display's socket (:N); "
                                 "an ssh -X display is TCP");
    X11Display out;
    if (!parse_number_screen(rest.substr(colon + 1), out))
        bad_display(display, "expected a display number, like :0 or :0.1");
    out.socket = std::string(kSocketDir) + std::to_string(out.number);
    return out;
}

std::vector<XauthEntry> parse_xauthority(std::string_view bytes, const std::string& file) {
    if (bytes.size() > kMaxXauthoritySize)
        throw Error(ErrorKind::Usage, file + ": an Xauthority file over " + std::to_string(kMaxXauthoritySize) +
                                          " bytes; refusing to read it");
    std::vector<XauthEntry> out;
    size_t at = 0;
    auto truncated = [&](size_t entry_start, const char* what) {
        throw Error(ErrorKind::Usage, file + ": not an Xauthority file: entry at byte " + std::to_string(entry_start) +
                                          " is cut short in its " + what + " (" + std::to_string(bytes.size()) +
                                          " bytes in all)");
    };
    auto read_u16 = [&](size_t start, const char* what) -> size_t {
        if (bytes.size() - at < 2) truncated(start, what);
        const size_t value = (static_cast<size_t>(static_cast<unsigned char>(bytes[at])) << 8) |
                             static_cast<unsigned char>(bytes[at + 1]);
        at += 2;
        return value;
    };
    auto read_string = [&](size_t start, const char* what) {
        const size_t length = read_u16(start, what);
        if (bytes.size() - at < length) truncated(start, what);
        std::string value(bytes.substr(at, length));
        at += length;
        return value;
    };
    while (at < bytes.size()) {
        const size_t start = at;
        XauthEntry entry;
        entry.family = static_cast<uint16_t>(read_u16(start, "family"));
        entry.address = read_string(start, "address");
        entry.number = read_string(start, "display number");
        entry.name = read_string(start, "authorization name");
        entry.data = read_string(start, "authorization data");
        out.push_back(std::move(entry));
    }
    return out;
}

std::string write_xauthority(const std::vector<XauthEntry>& entries) {
    std::string out;
    for (const XauthEntry& e : entries) {
        out += u16(e.family);
        for (const std::string* field : {&e.address, &e.number, &e.name, &e.data}) out += u16(field->size()) + *field;
    }
    return out;
}

std::optional<XauthEntry> find_cookie(const std::vector<XauthEntry>& entries, unsigned number,
                                      std::string_view hostname) {
    const std::string wanted = std::to_string(number);
    for (const XauthEntry& e : entries) {
        if (e.name != "MIT-MAGIC-COOKIE-1" || e.data.empty()) continue;
        if (!e.number.empty() && e.number != wanted) continue;
        if (e.family == kXauthFamilyWild || (e.family == kXauthFamilyLocal && e.address == hostname)) return e;
    }
    return std::nullopt;
}

void add_x11(SandboxPlan& plan, const X11Spec& spec, const HostFacts& host, const X11Host& query) {
    if (!spec.enabled || !spec.enabled->value) return;
    const SourceLoc& loc = spec.enabled->loc;
    X11Plan& x = plan.x11;
    x.enabled = true;

    const auto display_var = host.env.find("DISPLAY");
    const bool no_display = display_var == host.env.end() || display_var->second.empty();
    if (no_display && spec.optional && spec.optional->value) {
        x.why.push_back("no $DISPLAY: skipped (x11.optional at " + spec.optional->loc.str() + ")");
        unset_plan_env(plan.env, "DISPLAY");
        unset_plan_env(plan.env, "XAUTHORITY");
        return;
    }
    if (no_display)
        fail_at(loc,
                "the x11 piece needs $DISPLAY, which is not set: run sbx in an X11 session (or under "
                "Xwayland), or leave \"x11\" out of the profile's include");
    x.host_display = display_var->second;
    X11Display display;
    try {
        display = parse_display(x.host_display);
    } catch (const Error& e) {
        fail_at(loc, std::string("x11: ") + e.what());
    }
    x.display = display.number;
    x.socket = display.socket;
    if (query.exists && !query.exists(x.socket))
        fail_at(loc, "x11: no socket " + printable(x.socket) + " for DISPLAY=" + quoted(x.host_display) +
                         " (is the X server running, and listening on a local socket?)");

    // The display number inside (x11.hpp explains why it may change).
    const bool scoped = plan.landlock.enabled && plan.landlock.scoped && query.landlock_abi >= 6;
    x.inner = x.display;
    if (plan.ns.net) {
        x.why.push_back(
            "a new network namespace: no abstract socket of the host is visible, so the client reaches "
            "the socket file; display number kept");
    } else if (!scoped) {
        x.why.push_back(
            "shares the host's network namespace without Landlock's abstract-socket scope: every "
            "display's abstract socket on the host is reachable from inside; display number kept");
    } else {
        unsigned candidate = kFirstInner;
        for (; candidate < kFirstInner + kInnerTries; ++candidate)
            if (candidate != x.display && !(query.abstract_in_use && query.abstract_in_use(candidate))) break;
        if (candidate == kFirstInner + kInnerTries)
            throw Error(ErrorKind::Setup,
                        loc.str() + ": x11: every display number from " + std::to_string(kFirstInner) + " to " +
                            std::to_string(kFirstInner + kInnerTries - 1) + " has an abstract socket on the host");
        x.inner = candidate;
        x.why.push_back(
            "shares the host's network namespace with Landlock's abstract-socket scope: libxcb's connect "
            "to @" +
            x.socket + " would fail with EPERM, so the socket is bound as display :" + std::to_string(x.inner) +
            ", which has no abstract socket on the host");
    }
    x.inner_socket = std::string(kSocketDir) + std::to_string(x.inner);

    MountOp bind;
    bind.kind = MountKind::RoBind;
    bind.source = x.socket;
    bind.dest = x.inner_socket;
    bind.origin = loc.str() + " (x11)";
    plan.mounts.push_back(std::move(bind));
    // The screen the host's DISPLAY names, kept (":57.1" -> ":1000.1").
    set_plan_env(plan.env, "DISPLAY",
                 ":" + std::to_string(x.inner) + (display.screen ? "." + std::to_string(display.screen) : ""));

    // The cookie: $XAUTHORITY, else ~/.Xauthority, as Xlib looks.
    const auto xauthority_var = host.env.find("XAUTHORITY");
    const std::string source = xauthority_var != host.env.end() && !xauthority_var->second.empty()
                                   ? xauthority_var->second
                                   : join_path(host.home, ".Xauthority");
    std::optional<std::string> bytes;
    if (query.read && source.starts_with('/')) bytes = query.read(source);
    std::optional<XauthEntry> cookie;
    if (!bytes) {
        x.why.push_back("no Xauthority file at " + source +
                        ": no cookie inside (a server started without -auth needs "
                        "none)");
    } else {
        x.xauthority_source = source;
        cookie = find_cookie(parse_xauthority(*bytes, source), x.display, query.hostname);
        if (!cookie)
            x.why.push_back(source + " holds no MIT-MAGIC-COOKIE-1 for display " + std::to_string(x.display) +
                            " on this host: no cookie inside");
    }
    unset_plan_env(plan.env, "XAUTHORITY");
    sort_parents_first(plan.mounts);
    if (!cookie) return;
    XauthEntry inner = *cookie;
    // FamilyWild matches whatever the hostname inside; the number is the
    // inner display's, so the entry is for that display only.
    inner.family = kXauthFamilyWild;
    inner.address.clear();
    inner.number = std::to_string(x.inner);
    x.xauthority = kInnerXauthority;
    x.cookie_bytes = inner.data.size();
    x.why.push_back("the cookie of display " + std::to_string(x.display) + " from " + source +
                    " written as the only entry (FamilyWild, display " + std::to_string(x.inner) + ") to " +
                    x.xauthority);
    MountOp file;
    file.kind = MountKind::File;
    file.dest = x.xauthority;
    file.mode = 0600;
    file.content = write_xauthority({inner});
    file.origin = loc.str() + " (x11)";
    plan.mounts.push_back(std::move(file));
    set_plan_env(plan.env, "XAUTHORITY", x.xauthority);
    sort_parents_first(plan.mounts);
}

}  // namespace sbx::core
