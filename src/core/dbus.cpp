// dbus.cpp — see dbus.hpp.
#include "core/dbus.hpp"

#include <algorithm>
#include <cctype>

#include "core/path.hpp"
#include "core/plan_builder.hpp"
#include "core/runtime_dir.hpp"

namespace sbx::core {
namespace {

constexpr const char* kProxy = "xdg-dbus-proxy";
constexpr const char* kDefaultSystemBus = "unix:path=/var/run/dbus/system_bus_socket";

bool is_name_char(char c, bool dash) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || (dash && c == '-');
}

// Elements of [chars] separated by '.', at least `min_elements`.
bool dotted(std::string_view text, bool dash, size_t min_elements, std::string* why, const char* what) {
    size_t elements = 0;
    size_t start = 0;
    while (true) {
        const size_t dot = text.find('.', start);
        const std::string_view element = text.substr(start, dot == std::string_view::npos ? text.npos : dot - start);
        if (element.empty()) return *why = std::string(what) + " has an empty element", false;
        if (std::isdigit(static_cast<unsigned char>(element.front())) != 0)
            return *why = std::string(what) + " has an element starting with a digit", false;
        if (!std::all_of(element.begin(), element.end(), [dash](char c) { return is_name_char(c, dash); }))
            return *why =
                       std::string(what) + " may hold only letters, digits, '_'" + (dash ? ", '-'" : "") + " and '.'",
                   false;
        ++elements;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    if (elements < min_elements)
        return *why = std::string(what) + " needs at least " + std::to_string(min_elements) + " elements", false;
    return true;
}

bool valid_member(std::string_view member) {
    return !member.empty() && std::isdigit(static_cast<unsigned char>(member.front())) == 0 &&
           std::all_of(member.begin(), member.end(), [](char c) { return is_name_char(c, false); });
}

bool valid_object_path(std::string_view path, std::string* why) {
    if (path.empty() || path.front() != '/') return *why = "an object path starts with '/'", false;
    if (path.ends_with("/*")) path.remove_suffix(2);
    if (path.empty() || path == "/") return true;
    size_t start = 1;
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        const std::string_view element = path.substr(start, slash - start);
        if (element.empty() ||
            !std::all_of(element.begin(), element.end(), [](char c) { return is_name_char(c, false); }))
            return *why = "an object path's elements are non-empty and hold only letters, digits and '_'", false;
        start = slash + 1;
    }
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string unescape(std::string_view value) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '%' && i + 2 < value.size() + 0 && hex_value(value[i + 1]) >= 0 &&
            hex_value(value[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(value[i + 1]) * 16 + hex_value(value[i + 2]));
            i += 2;
        } else {
            out += value[i];
        }
    }
    return out;
}

std::string env_or(const HostFacts& host, const std::string& name, const std::string& fallback) {
    const auto it = host.env.find(name);
    return it == host.env.end() || it->second.empty() ? fallback : it->second;
}

// An address the proxy may be given as its first argument: a unix: one,
// printable, so it can neither be read as an option nor break a line.
void check_address(const std::string& address, const std::string& variable, const SourceLoc& loc) {
    const bool printable_ascii = std::all_of(address.begin(), address.end(), [](char c) { return c > ' ' && c < 127; });
    if (!address.starts_with("unix:") || !printable_ascii)
        fail_at(loc, variable + " " + quoted(address) +
                         " is not a unix: address; sbx proxies only unix: buses (unset it or turn the bus off)");
}

void add_rules(const std::vector<Located<std::string>>& names, const char* option, bool rule,
               std::vector<std::string>& out) {
    for (const auto& name : names) {
        std::string why;
        if (rule ? !valid_bus_rule(name.value, &why) : !valid_bus_name(name.value, true, &why))
            fail_at(name.loc, std::string("dbus ") + (option + 2) + " entry " + quoted(name.value) + ": " + why);
        out.push_back(std::string(option) + "=" + name.value);
    }
}

std::vector<std::string> bus_rules(const BusRulesSpec& spec) {
    std::vector<std::string> rules;
    add_rules(spec.see, "--see", false, rules);
    add_rules(spec.talk, "--talk", false, rules);
    add_rules(spec.own, "--own", false, rules);
    add_rules(spec.call, "--call", true, rules);
    add_rules(spec.broadcast, "--broadcast", true, rules);
    return rules;
}

bool any_rule(const BusRulesSpec& spec) {
    return !spec.see.empty() || !spec.talk.empty() || !spec.own.empty() || !spec.call.empty() ||
           !spec.broadcast.empty();
}

// Where a bind of `op` shows the host path `real` (a real path), or "".
std::string shown_at(const MountOp& op, const std::string& real) {
    if (!is_bind(op.kind) || op.source.empty() || !is_under(real, op.source)) return "";
    return join_path(op.dest, real.substr(op.source == "/" ? 0 : op.source.size()));
}

}  // namespace

bool valid_bus_name(std::string_view name, bool wildcard, std::string* why) {
    std::string ignored;
    if (why == nullptr) why = &ignored;
    if (name.empty()) return *why = "a bus name may not be empty", false;
    if (name.size() > 255) return *why = "a bus name is at most 255 bytes", false;
    if (name.front() == ':')
        return *why = "a unique name (\":1.42\") changes with every connection; name a well-known one", false;
    // Allowed by the specification, refused here: no argument sbx passes
    // may look like an option, to the proxy or to whatever logs it.
    if (name.front() == '-') return *why = "a bus name may not start with '-'", false;
    if (wildcard && name.ends_with(".*")) name.remove_suffix(2);
    return dotted(name, true, wildcard ? 1 : 2, why, "a bus name") &&
           (name.find('.') != std::string_view::npos || (*why = "a bus name needs at least 2 elements", false));
}

bool valid_bus_rule(std::string_view rule, std::string* why) {
    std::string ignored;
    if (why == nullptr) why = &ignored;
    const size_t eq = rule.find('=');
    if (eq == std::string_view::npos)
        return *why =
                   "a rule is NAME=RULE, RULE being [METHOD][@PATH] (e.g. "
                   "org.example.App=org.example.Iface.*@/org/example/*)",
               false;
    if (!valid_bus_name(rule.substr(0, eq), true, why)) return false;
    std::string_view body = rule.substr(eq + 1);
    if (body.empty()) return *why = "the RULE after '=' is empty (write * for any call)", false;
    const size_t at = body.find('@');
    const std::string_view method = body.substr(0, at);
    if (at != std::string_view::npos && !valid_object_path(body.substr(at + 1), why)) return false;
    if (method.empty() || method == "*") return true;
    const size_t last = method.rfind('.');
    if (last == std::string_view::npos) return *why = "METHOD is *, INTERFACE.* or INTERFACE.MEMBER", false;
    const std::string_view member = method.substr(last + 1);
    if (member != "*" && !valid_member(member))
        return *why = "a member name holds only letters, digits and '_', not starting with a digit", false;
    return dotted(method.substr(0, last), false, 2, why, "an interface name");
}

std::vector<std::string> unix_socket_paths(std::string_view address) {
    std::vector<std::string> paths;
    size_t start = 0;
    while (start <= address.size()) {
        size_t end = address.find(';', start);
        if (end == std::string_view::npos) end = address.size();
        const std::string_view entry = address.substr(start, end - start);
        if (entry.starts_with("unix:")) {
            std::string_view keys = entry.substr(5);
            size_t k = 0;
            while (k <= keys.size()) {
                size_t comma = keys.find(',', k);
                if (comma == std::string_view::npos) comma = keys.size();
                const std::string_view kv = keys.substr(k, comma - k);
                if (kv.starts_with("path=")) {
                    const std::string path = unescape(kv.substr(5));
                    if (!path.empty() && path.front() == '/') paths.push_back(tidy_host_path(path));
                }
                k = comma + 1;
            }
        }
        start = end + 1;
    }
    return paths;
}

void plan_dbus(const DbusSpec& spec, const HostFacts& host, SandboxPlan& plan) {
    const std::string session_address =
        env_or(host, "DBUS_SESSION_BUS_ADDRESS", "unix:path=" + join_path(host.xdg_runtime_dir, "bus"));
    const std::string system_address = env_or(host, "DBUS_SYSTEM_BUS_ADDRESS", kDefaultSystemBus);
    // Covered whether or not the piece is on: a profile binding all of
    // $XDG_RUNTIME_DIR, /tmp or /run must not hand out the real buses.
    DbusPlan& dbus = plan.dbus;
    dbus.raw_sockets = unix_socket_paths(session_address);
    dbus.raw_sockets.push_back(join_path(host.xdg_runtime_dir, "bus"));
    for (auto& path : unix_socket_paths(system_address)) dbus.raw_sockets.push_back(std::move(path));
    dbus.raw_sockets.push_back("/run/dbus/system_bus_socket");
    std::sort(dbus.raw_sockets.begin(), dbus.raw_sockets.end());
    dbus.raw_sockets.erase(std::unique(dbus.raw_sockets.begin(), dbus.raw_sockets.end()), dbus.raw_sockets.end());

    if (spec.session && spec.session->value) {
        check_address(session_address, "DBUS_SESSION_BUS_ADDRESS", spec.session->loc);
        BusProxyPlan bus{"session", session_address, "bus", join_path(host.xdg_runtime_dir, "bus"),
                         bus_rules(spec.session_rules)};
        // The proxy's socket goes in the private runtime folder, where
        // libraries look for it, beside nothing else of the host's.
        ensure_private_runtime_dir(plan, host, "[dbus] at " + spec.session->loc.str());
        set_plan_env(plan.env, "DBUS_SESSION_BUS_ADDRESS", "unix:path=" + bus.dest);
        dbus.buses.push_back(std::move(bus));
    } else if (any_rule(spec.session_rules)) {
        const auto& first = !spec.session_rules.talk.empty()   ? spec.session_rules.talk.front()
                            : !spec.session_rules.see.empty()  ? spec.session_rules.see.front()
                            : !spec.session_rules.own.empty()  ? spec.session_rules.own.front()
                            : !spec.session_rules.call.empty() ? spec.session_rules.call.front()
                                                               : spec.session_rules.broadcast.front();
        bus_rules(spec.session_rules);  // still checked
        if (!spec.session) fail_at(first.loc, "dbus rules without `session = true`: the session bus is off");
    }
    if (spec.system && spec.system->value) {
        check_address(system_address, "DBUS_SYSTEM_BUS_ADDRESS", spec.system->loc);
        BusProxyPlan bus{"system", system_address, "system-bus", "/run/dbus/system_bus_socket",
                         bus_rules(spec.system_rules)};
        set_plan_env(plan.env, "DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + bus.dest);
        dbus.buses.push_back(std::move(bus));
    } else {
        bus_rules(spec.system_rules);
    }
}

void finish_dbus(SandboxPlan& plan, const HostFacts& host, const SourceResolver& resolve) {
    const std::string runtime = resolve_leniently(host.xdg_runtime_dir, resolve);
    std::vector<MountOp> added;
    // A bus whose every address is a socket file that does not exist (no
    // session bus: a text console, a container, a CI machine) is left out,
    // as flatpak does, rather than failing the launch or starting a proxy
    // in front of nothing; --dry-run and --verbose say so.
    std::erase_if(plan.dbus.buses, [&](const BusProxyPlan& bus) {
        const std::vector<std::string> paths = unix_socket_paths(bus.address);
        const bool only_paths = !paths.empty() && bus.address.find("abstract=") == std::string::npos &&
                                bus.address.find("tcp:") == std::string::npos;
        if (!only_paths ||
            std::any_of(paths.begin(), paths.end(), [&](const std::string& path) { return resolve(path).has_value(); }))
            return false;
        plan.dbus.why.push_back("no " + bus.bus + " bus at " + bus.address + ": skipped");
        unset_plan_env(plan.env, bus.bus == "session" ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS");
        return true;
    });
    if (!plan.dbus.buses.empty()) {
        plan.instance = instance_plan(runtime, host.pid);
        HelperPlan proxy;
        proxy.name = kProxy;
        proxy.package = kProxy;
        proxy.purpose = "D-Bus proxy";
        proxy.argv = {kProxy, "--fd=" + std::to_string(proxy.sync_fd)};
        for (const auto& bus : plan.dbus.buses) {
            proxy.purpose += (&bus == &plan.dbus.buses.front() ? " (" : ", ") + bus.bus + " bus";
            const std::string socket = join_path(plan.instance.dir, bus.socket_name);
            proxy.argv.push_back(bus.address);
            proxy.argv.push_back(socket);
            proxy.argv.push_back("--filter");
            for (const auto& rule : bus.rules) proxy.argv.push_back(rule);
            MountOp op;
            op.kind = MountKind::RoBind;
            op.source = socket;
            op.dest = bus.dest;
            op.origin = "sbx: the " + bus.bus + " bus through " + kProxy;
            added.push_back(std::move(op));
        }
        proxy.purpose += ")";
        plan.helpers.push_back(std::move(proxy));
    }
    // A socket bound where a bind of the profile shows a host path that does
    // not exist would have its mount point made there, on the host, through
    // that bind: refused (the deepest mount holding the place decides).
    for (const MountOp& socket : added) {
        const MountOp* under = nullptr;
        for (const auto& op : plan.mounts)
            if (is_under(socket.dest, op.dest) && (under == nullptr || path_depth(op.dest) >= path_depth(under->dest)))
                under = &op;
        if (under == nullptr || !is_bind(under->kind) || under->dest == socket.dest) continue;
        const std::string host_path = join_path(under->source, socket.dest.substr(under->dest.size()));
        if (!resolve(host_path))
            throw Error(ErrorKind::Usage,
                        under->origin + ": the bind " + under->source + " -> " + under->dest + " shows " + socket.dest +
                            ", where the D-Bus proxy's socket goes, and " + host_path +
                            " does not exist: sbx would create it on the host. Bind a narrower folder, or run the "
                            "bus at $XDG_RUNTIME_DIR/bus");
    }
    // The real sockets, and sbx's instance folders, wherever a bind shows them.
    const std::string instances = join_path(runtime, "sbx");
    std::vector<std::pair<std::string, bool>> hidden;  // real host path, is a folder
    for (const auto& raw : plan.dbus.raw_sockets)
        if (const auto real = resolve(raw)) hidden.emplace_back(*real, false);
    // The folder of instance folders is covered even before it exists: a
    // sandbox started later would make it, and its proxy's socket, appear
    // under the bind. The launch creates it first (InstancePlan::root).
    if (resolve(runtime)) hidden.emplace_back(instances, true);
    for (const auto& [real, folder] : hidden) {
        for (const auto& op : plan.mounts) {
            const std::string dest = shown_at(op, real);
            if (dest.empty()) continue;
            if (folder) plan.instance.root = instances;
            const bool taken =
                std::any_of(added.begin(), added.end(), [&](const MountOp& a) { return a.dest == dest; });
            if (taken) continue;  // the proxy's socket is bound there
            MountOp cover;
            cover.dest = dest;
            if (folder) {
                cover.kind = MountKind::Tmpfs;
                cover.size = 4096;
                cover.mode = 0555;
                cover.origin = "sbx: other sandboxes' folders (" + real + ") stay hidden";
            } else {
                cover.kind = MountKind::RoBind;
                cover.source = "/dev/null";
                cover.origin = "sbx: the real D-Bus socket " + real + " stays out of reach";
            }
            added.push_back(std::move(cover));
        }
    }
    if (added.empty()) return;
    for (auto& op : added) plan.mounts.push_back(std::move(op));
    sort_parents_first(plan.mounts);
}

}  // namespace sbx::core
