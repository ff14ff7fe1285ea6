// profile.cpp — TOML profile text -> Profile (see profile.hpp, sbx.toml(5)).
//
// One FileParser per file read. A file's includes are loaded first, straight
// into the same Profile, and then the file's own settings are applied on top:
// that single reading order gives every merge rule of the format (a later
// scalar wins, lists concatenate, env.set merges by name).
//
// Strict on purpose: an unknown key or a value of the wrong type is an error
// at the place it was written, because a typo silently ignored in a sandbox
// profile is a hole nobody notices.
//
// The pieces it stands on: profile_lookup.cpp finds the files (NAME vs path,
// the profile folders, the trust rule), toml_guard.cpp turns their text into
// TOML safely, and profile_values.cpp reads typed, located values out of it.
#include "core/profile.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>

#include "core/glob.hpp"
#include "core/path.hpp"
#include "core/profile_lookup.hpp"
#include "core/profile_values.hpp"
#include "core/text.hpp"
#include "core/toml_guard.hpp"

namespace sbx::core {

namespace {

constexpr size_t kMaxIncludeDepth = 16;
// Files read by one load, includes counted each time: without a bound, files
// that each include the next one several times read 4^16 files.
constexpr size_t kMaxFilesRead = 1000;

constexpr std::string_view kTopLevelKeys[] = {"include", "hostname", "chdir", "command", "new-session", "interactive",
                                              "pty", "user", "namespaces", "env", "mount", "seccomp", "capabilities",
                                              "landlock", "limits", "cgroup", "file-arguments",
                                              // The compact mount lists (kCompactMountKeys).
                                              "bind", "ro-bind", "dev-bind", "tmpfs", "dir",
                                              // The desktop pieces' tables.
                                              "wayland", "x11", "audio", "dbus"};
// Top-level keys whose array lists entries of that type, one element each:
// a path (a bind's host source, or a destination inside) or an inline table
// of the keys [[mount]] takes for the type (mount_rule).
constexpr std::string_view kCompactMountKeys[] = {"bind", "ro-bind", "dev-bind", "tmpfs", "dir"};
constexpr std::string_view kSeccompKeys[] = {"policy", "allow", "deny", "log", "nested-userns", "strict-exec"};
constexpr std::string_view kCapabilitiesKeys[] = {"keep"};
constexpr std::string_view kLandlockKeys[] = {"enabled", "min-abi", "execute", "scoped"};
constexpr std::string_view kLimitsKeys[] = {"nofile", "nproc", "as",      "cpu",     "fsize",
                                            "core",   "stack", "memlock", "timeout", "kill-after"};
constexpr std::string_view kCgroupKeys[] = {"memory", "pids", "cpus", "required"};
constexpr std::string_view kWaylandKeys[] = {"enabled", "security-context"};
constexpr std::string_view kX11Keys[] = {"enabled", "optional"};
constexpr std::string_view kAudioKeys[] = {"enabled"};
constexpr std::string_view kDbusKeys[] = {"session",    "talk",       "own",         "see",
                                          "call",       "broadcast",  "system",      "system-talk",
                                          "system-own", "system-see", "system-call", "system-broadcast"};
constexpr std::string_view kUserKeys[] = {"uid", "gid"};
constexpr std::string_view kEnvKeys[] = {"clear", "keep", "unset", "set"};
constexpr std::string_view kMountKeys[] = {"type", "source",   "dest",   "target", "content", "size",
                                           "mode", "optional", "create", "unsafe", "workdir", "shm-size"};

struct NamespaceKey {
    std::string_view key;
    std::optional<Located<bool>> NamespaceSpec::*member;
};
constexpr NamespaceKey kNamespaceKeys[] = {
    {"net", &NamespaceSpec::net}, {"pid", &NamespaceSpec::pid},       {"ipc", &NamespaceSpec::ipc},
    {"uts", &NamespaceSpec::uts}, {"cgroup", &NamespaceSpec::cgroup},
};

// Which [[mount]] keys (besides `type`) a type accepts, and which it needs.
struct MountRule {
    std::vector<std::string_view> allowed;
    std::vector<std::string_view> required;
};

MountRule mount_rule(MountKind type) {
    switch (type) {
    case MountKind::Bind:
    case MountKind::RoBind: return {{"source", "dest", "optional", "create", "unsafe", "workdir"}, {"source"}};
    case MountKind::DevBind: return {{"source", "dest", "optional", "unsafe"}, {"source"}};
    case MountKind::Tmpfs: return {{"dest", "size", "mode"}, {"dest"}};
    case MountKind::Dev: return {{"dest", "shm-size"}, {"dest"}};
    case MountKind::Proc:
    case MountKind::Mqueue: return {{"dest"}, {"dest"}};
    case MountKind::Dir: return {{"dest", "mode"}, {"dest"}};
    case MountKind::Symlink: return {{"target", "dest"}, {"target", "dest"}};
    case MountKind::File: return {{"dest", "content", "mode"}, {"dest"}};
    case MountKind::DevNode:
    case MountKind::Devpts:
    case MountKind::RoCover: return {};  // not for profiles: mount_kind_from_name never returns them
    }
    return {};
}

// Letters, digits and '_', not starting with a digit.
bool is_env_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

// Everything one load shares across the files it reads.
struct LoadState {
    const HostFacts& host;
    const ProfileReader& read;
    Profile& profile;
    std::vector<std::string> chain;  // the files being read, outermost first (include loops)
    size_t files_read = 0;
};

// Reads one file into state.profile (its includes first).
class FileParser : private ValueReader {
public:
    FileParser(LoadState& state, std::string file)
        : ValueReader(std::move(file), state.host, state.profile.name, kTopLevelKeys), state_(state) {}

    void run(std::string_view text) {
        if (std::find(profile().files.begin(), profile().files.end(), file()) == profile().files.end())
            profile().files.push_back(file());
        state_.chain.push_back(file());
        const toml::table root = parse_toml(text, file());
        reject_unknown_keys(root, "", kTopLevelKeys);
        // Included profiles are read first so that this file's settings land on top.
        if (const toml::node* node = root.get("include")) apply_includes(*node);
        apply_top_level(root);
        state_.chain.pop_back();
    }

private:
    Profile& profile() { return state_.profile; }

    // ---- the format

    void apply_includes(const toml::node& node) {
        for (const Located<std::string>& spec : strings_at(node, "include", true)) include(spec);
    }

    void include(const Located<std::string>& spec) {
        const FoundProfile found = find_include(spec, file(), state_.host, state_.read);
        read_included(state_, found, spec.loc);
        // A profile found by NAME: the user's NAME.local.toml goes on top of it.
        if (!found.name.empty() && !found.extends) merge_local(state_, found.name, spec.loc);
    }

public:
    // Reads `found` into the profile as asked for at `where`, after the
    // checks every file read through an include passes.
    static void read_included(LoadState& state, const FoundProfile& found, const SourceLoc& where) {
        auto seen = std::find(state.chain.begin(), state.chain.end(), found.path);
        if (seen != state.chain.end()) {
            std::vector<std::string> loop(seen, state.chain.end());
            loop.push_back(found.path);
            for (auto& name : loop) name = printable(name);
            fail_at(where, "include loop: " + join(loop, " -> "));
        }
        if (state.chain.size() > kMaxIncludeDepth)
            fail_at(where, "include depth exceeds " + std::to_string(kMaxIncludeDepth));
        if (++state.files_read > kMaxFilesRead)
            fail_at(where, "more than " + std::to_string(kMaxFilesRead) + " profile files read through includes");
        FileParser(state, found.path).run(found.text);
    }

    // NAME.local.toml, when the user has one, read after the profile NAME
    // (see find_local_profile), as though that profile ended with it.
    static void merge_local(LoadState& state, const std::string& name, const std::optional<SourceLoc>& where) {
        std::optional<FoundProfile> local = find_local_profile(name, state.host, state.read, where);
        if (local) read_included(state, *local, where.value_or(SourceLoc{local->path}));
    }

private:
    void apply_top_level(const toml::table& root) {
        Profile& p = profile();
        if (auto value = optional_string(root, "hostname")) p.hostname = value;
        if (auto value = optional_string(root, "chdir")) p.chdir = value;
        if (auto value = optional_bool(root, "new-session")) p.new_session = value;
        if (const toml::node* node = root.get("command")) p.command = command_at(*node);
        if (const toml::node* node = root.get("user")) apply_user(table_at(*node, "user"));
        if (const toml::node* node = root.get("namespaces")) apply_namespaces(table_at(*node, "namespaces"));
        if (const toml::node* node = root.get("env")) apply_env(table_at(*node, "env"));
        apply_mounts(root);
        apply_pty(root);
        if (auto value = optional_string(root, "file-arguments")) {
            if (value->value != "none" && value->value != "read-only" && value->value != "read-write")
                fail_at(value->loc, "`file-arguments` must be \"none\", \"read-only\" or \"read-write\", not " +
                                        quoted(value->value));
            p.file_arguments = value;
        }
        if (const toml::node* node = root.get("seccomp")) apply_seccomp(table_at(*node, "seccomp"));
        if (const toml::node* node = root.get("capabilities")) apply_capabilities(table_at(*node, "capabilities"));
        if (const toml::node* node = root.get("landlock")) apply_landlock(table_at(*node, "landlock"));
        if (const toml::node* node = root.get("limits")) apply_limits(table_at(*node, "limits"));
        if (const toml::node* node = root.get("cgroup")) apply_cgroup(table_at(*node, "cgroup"));
        if (const toml::node* node = root.get("wayland")) apply_wayland(table_at(*node, "wayland"));
        if (const toml::node* node = root.get("x11")) apply_x11(table_at(*node, "x11"));
        if (const toml::node* node = root.get("audio")) apply_audio(table_at(*node, "audio"));
        if (const toml::node* node = root.get("dbus")) apply_dbus(table_at(*node, "dbus"));
    }

    // `pty = "auto" | "always" | "never"`. The older `interactive = true`
    // asked for a pty when stdin is a terminal, which "auto" now always
    // gives; `interactive = false` used to mean the default and would now
    // silently hand the terminal over, so it is refused with the new spelling.
    void apply_pty(const toml::table& root) {
        Profile& p = profile();
        const auto pty = optional_string(root, "pty");
        const auto interactive = optional_bool(root, "interactive");
        if (pty && interactive) fail_at(interactive->loc, "`interactive` and `pty` in one profile: keep only `pty`");
        if (interactive) {
            if (!interactive->value)
                fail_at(interactive->loc,
                        "`interactive = false` no longer turns the pseudo-terminal off (it is used whenever stdin, "
                        "stdout or stderr is a terminal); write `pty = \"never\"` to hand the terminal to the "
                        "target, see sbx(1) SECURITY");
            p.pty = Located<PtyMode>{PtyMode::Auto, interactive->loc};
        }
        if (pty) {
            if (pty->value == "auto")
                p.pty = Located<PtyMode>{PtyMode::Auto, pty->loc};
            else if (pty->value == "always")
                p.pty = Located<PtyMode>{PtyMode::Always, pty->loc};
            else if (pty->value == "never")
                p.pty = Located<PtyMode>{PtyMode::Never, pty->loc};
            else
                fail_at(pty->loc, "`pty` must be \"auto\", \"always\" or \"never\", not " + quoted(pty->value));
        }
    }

    // ---- hardening tables. Names (syscalls, capabilities, errnos) are
    // checked by the plan builder, which knows the tables; here only shapes.

    void apply_seccomp(const toml::table& table) {
        reject_unknown_keys(table, "seccomp", kSeccompKeys);
        SeccompSpec& seccomp = profile().seccomp;
        if (auto value = optional_string(table, "seccomp.policy")) {
            if (value->value != "default" && value->value != "none")
                fail_at(value->loc, "`seccomp.policy` must be \"default\" or \"none\", not " + quoted(value->value));
            seccomp.policy = value;
        }
        if (const toml::node* node = table.get("allow"))
            append(seccomp.allow, strings_at(*node, "seccomp.allow", false));
        if (const toml::node* node = table.get("deny")) append(seccomp.deny, strings_at(*node, "seccomp.deny", false));
        if (auto value = optional_bool(table, "seccomp.log")) seccomp.log = value;
        if (auto value = optional_bool(table, "seccomp.nested-userns")) seccomp.nested_userns = value;
        if (auto value = optional_bool(table, "seccomp.strict-exec")) seccomp.strict_exec = value;
    }

    void apply_capabilities(const toml::table& table) {
        reject_unknown_keys(table, "capabilities", kCapabilitiesKeys);
        if (const toml::node* node = table.get("keep"))
            append(profile().keep_caps, strings_at(*node, "capabilities.keep", false));
    }

    void apply_landlock(const toml::table& table) {
        reject_unknown_keys(table, "landlock", kLandlockKeys);
        LandlockSpec& landlock = profile().landlock;
        if (auto value = optional_bool(table, "landlock.enabled")) landlock.enabled = value;
        if (const toml::node* node = table.get("min-abi")) {
            const uint64_t abi = count_at(*node, "landlock.min-abi", 0, 1000);
            landlock.min_abi = Located<uint32_t>{static_cast<uint32_t>(abi), at(*node)};
        }
        if (const toml::node* node = table.get("execute"))
            append(landlock.execute, strings_at(*node, "landlock.execute", true));
        if (auto value = optional_bool(table, "landlock.scoped")) landlock.scoped = value;
    }

    void apply_limits(const toml::table& table) {
        reject_unknown_keys(table, "limits", kLimitsKeys);
        LimitsSpec& limits = profile().limits;
        for (const auto& [resource, name, bytes] : kRlimitNames) {
            const toml::node* node = table.get(name);
            if (node == nullptr) continue;
            const std::string dotted = "limits." + std::string(name);
            // 0 is meaningful for a limit (core = 0: no core dumps).
            Located<uint64_t> value{bytes ? size_or_zero_at(*node, dotted) : count_at(*node, dotted, 0, INT64_MAX),
                                    at(*node)};
            auto same = std::find_if(limits.rlimits.begin(), limits.rlimits.end(),
                                     // (init-captured: clang 14 cannot capture a structured binding)
                                     [name = name](const auto& item) { return item.first == name; });
            if (same != limits.rlimits.end())
                same->second = value;
            else
                limits.rlimits.emplace_back(std::string(name), value);
        }
        if (const toml::node* node = table.get("timeout"))
            limits.timeout = Located<uint64_t>{count_at(*node, "limits.timeout", 0, 31536000), at(*node)};
        if (const toml::node* node = table.get("kill-after"))
            limits.kill_after = Located<uint64_t>{count_at(*node, "limits.kill-after", 0, 3600), at(*node)};
    }

    void apply_cgroup(const toml::table& table) {
        reject_unknown_keys(table, "cgroup", kCgroupKeys);
        CgroupSpec& cgroup = profile().cgroup;
        if (const toml::node* node = table.get("memory"))
            cgroup.memory = Located<uint64_t>{size_at(*node, "cgroup.memory"), at(*node)};
        if (const toml::node* node = table.get("pids"))
            cgroup.pids = Located<uint64_t>{count_at(*node, "cgroup.pids", 1, INT64_MAX), at(*node)};
        if (const toml::node* node = table.get("cpus")) {
            const std::optional<double> cpus = node->value<double>();  // integers convert too
            if (!cpus || !(*cpus > 0.0) || *cpus > 4096.0)
                type_error(*node, "cgroup.cpus", "a number of CPUs greater than 0, like 0.5 or 2");
            cgroup.cpus = Located<double>{*cpus, at(*node)};
        }
        if (auto value = optional_bool(table, "cgroup.required")) cgroup.required = value;
    }

    void apply_wayland(const toml::table& table) {
        reject_unknown_keys(table, "wayland", kWaylandKeys);
        WaylandSpec& wayland = profile().wayland;
        if (auto value = optional_bool(table, "wayland.enabled")) wayland.enabled = value;
        if (auto value = optional_bool(table, "wayland.security-context")) wayland.security_context = value;
    }

    // [x11] and [audio]: turned on by the pieces profiles/x11.toml and
    // profiles/audio.toml; what they pass in is decided from the host's
    // environment when the plan is built (core/x11.cpp, core/audio.cpp).
    void apply_x11(const toml::table& table) {
        reject_unknown_keys(table, "x11", kX11Keys);
        if (auto value = optional_bool(table, "x11.enabled")) profile().x11.enabled = value;
        if (auto value = optional_bool(table, "x11.optional")) profile().x11.optional = value;
    }

    void apply_audio(const toml::table& table) {
        reject_unknown_keys(table, "audio", kAudioKeys);
        if (auto value = optional_bool(table, "audio.enabled")) profile().audio.enabled = value;
    }

    // [dbus]: shapes only; the names and rules are checked by core/dbus.cpp.
    void apply_dbus(const toml::table& table) {
        reject_unknown_keys(table, "dbus", kDbusKeys);
        DbusSpec& dbus = profile().dbus;
        if (auto value = optional_bool(table, "dbus.session")) dbus.session = value;
        if (auto value = optional_bool(table, "dbus.system")) dbus.system = value;
        const auto lists = [&](BusRulesSpec& rules, const std::string& prefix) {
            const std::pair<const char*, std::vector<Located<std::string>>*> keys[] = {{"talk", &rules.talk},
                                                                                       {"own", &rules.own},
                                                                                       {"see", &rules.see},
                                                                                       {"call", &rules.call},
                                                                                       {"broadcast", &rules.broadcast}};
            for (const auto& [key, out] : keys) {
                const std::string name = prefix + key;
                if (const toml::node* node = table.get(name)) append(*out, strings_at(*node, "dbus." + name, false));
            }
        };
        lists(dbus.session_rules, "");
        lists(dbus.system_rules, "system-");
    }

    template <class T>
    static void append(std::vector<T>& out, std::vector<T>&& more) {
        for (T& item : more) out.push_back(std::move(item));
    }

    Located<std::vector<std::string>> command_at(const toml::node& node) const {
        const char* expected = "a non-empty array of strings";
        const auto* array = node.as_array();
        if (array == nullptr || array->empty()) type_error(node, "command", expected);
        Located<std::vector<std::string>> command{{}, at(node)};
        for (const Located<std::string>& word : strings_at(node, "command", true)) command.value.push_back(word.value);
        return command;
    }

    void apply_user(const toml::table& table) {
        reject_unknown_keys(table, "user", kUserKeys);
        if (const toml::node* node = table.get("uid")) profile().uid = identity_at(*node, "user.uid", state_.host.uid);
        if (const toml::node* node = table.get("gid")) profile().gid = identity_at(*node, "user.gid", state_.host.gid);
    }

    // "self", "root", 0 (root) or the caller's own id (self): the only
    // identities a rootless user namespace can map.
    Located<Identity> identity_at(const toml::node& node, std::string_view name, uint32_t own_id) const {
        if (const auto* number = node.as_integer()) {
            if (number->get() == 0) return {Identity::Root, at(node)};
            if (number->get() == static_cast<int64_t>(own_id)) return {Identity::Self, at(node)};
        } else if (node.is_string()) {
            std::string value = string_at(node, name).value;
            if (value == "self") return {Identity::Self, at(node)};
            if (value == "root") return {Identity::Root, at(node)};
        }
        type_error(node, name, "\"self\", \"root\", 0 or your own id (" + std::to_string(own_id) + ")");
    }

    void apply_namespaces(const toml::table& table) {
        for (auto&& [key, node] : table) {
            const std::string_view short_name = key.str();
            const std::string name = "namespaces." + std::string(short_name);
            if (short_name == "user" || short_name == "mount")
                fail_at(at(key), "`" + name + "` cannot be set: user and mount namespaces are always new");
            auto ns = std::find_if(std::begin(kNamespaceKeys), std::end(kNamespaceKeys),
                                   [&](const NamespaceKey& known) { return known.key == short_name; });
            if (ns == std::end(kNamespaceKeys)) {
                std::vector<std::string_view> names;
                for (const NamespaceKey& known : kNamespaceKeys) names.push_back(known.key);
                unknown_key(key, "namespaces", names);
            }
            profile().namespaces.*(ns->member) = bool_at(node, name);
        }
    }

    void apply_env(const toml::table& table) {
        reject_unknown_keys(table, "env", kEnvKeys);
        EnvSpec& env = profile().env;
        if (auto value = optional_bool(table, "env.clear")) env.clear = value;
        if (const toml::node* node = table.get("keep")) append_env_names(env.keep, *node, "env.keep", true);
        if (const toml::node* node = table.get("unset")) append_env_names(env.unset, *node, "env.unset", false);
        if (const toml::node* node = table.get("set")) apply_env_set(table_at(*node, "env.set"));
    }

    // Variable names are not expanded: "${HOME}" is never a name.
    void append_env_names(std::vector<Located<std::string>>& out, const toml::node& node, std::string_view name,
                          bool allow_prefix) const {
        for (Located<std::string>& entry : strings_at(node, name, false)) {
            std::string_view bare = entry.value;
            if (allow_prefix && bare.ends_with('*')) bare.remove_suffix(1);
            if (!is_env_name(bare)) {
                std::string expected = "variable names (letters, digits and _, not starting with a digit)";
                if (allow_prefix) expected += ", optionally ending in '*'";
                fail_at(entry.loc,
                        "`" + std::string(name) + "` entries must be " + expected + ", not " + quoted(entry.value));
            }
            out.push_back(std::move(entry));
        }
    }

    void apply_env_set(const toml::table& table) {
        auto& set = profile().env.set;
        // By name: a search per name would be quadratic in a profile setting many.
        std::unordered_map<std::string, size_t> index;
        for (size_t i = 0; i < set.size(); ++i) index.emplace(set[i].first, i);
        for (auto&& [key, node] : table) {
            std::string name(key.str());
            if (!is_env_name(name))
                fail_at(at(key), "`env.set` key " + quoted(name) +
                                     " is not a variable name (letters, digits and _, not starting with a digit)");
            if (!node.is_string() && !misplaced_hint(name).empty())
                fail_at(at(node), "`env.set." + name + "` must be a string" + misplaced_hint(name));
            Located<std::string> value = string_at(node, "env.set." + name);
            // A later file sets the same name: its value wins, in place.
            if (auto [same, added] = index.emplace(name, set.size()); !added)
                set[same->second].second = std::move(value);
            else
                set.emplace_back(name, std::move(value));
        }
    }

    // ---- file-system entries: [[mount]] tables and the compact lists

    // This file's entries, [[mount]] tables and compact-list elements alike,
    // in the order written: TOML tables keep no order, so by position.
    void apply_mounts(const toml::table& root) {
        std::vector<FsEntry> entries;
        for (std::string_view key : kCompactMountKeys)
            if (const toml::node* node = root.get(key)) compact_entries(*node, key, entries);
        if (const toml::node* node = root.get("mount")) {
            const char* expected = "an array of tables, written [[mount]]";
            const auto* array = node->as_array();
            if (array == nullptr) type_error(*node, "mount", expected);
            for (const toml::node& element : *array) {
                if (!element.is_table()) type_error(element, "mount", expected);
                entries.push_back(mount_at(*element.as_table(), std::nullopt, "mount"));
            }
        }
        std::stable_sort(entries.begin(), entries.end(), [](const FsEntry& a, const FsEntry& b) {
            return std::pair(a.loc.line, a.loc.column) < std::pair(b.loc.line, b.loc.column);
        });
        append(profile().mounts, std::move(entries));
    }

    // `ro-bind = ["/etc/fonts", "?/etc/machine-id", { source = "...", dest = "..." }]`.
    void compact_entries(const toml::node& node, std::string_view key, std::vector<FsEntry>& out) const {
        const MountKind type = *mount_kind_from_name(key);
        const std::string name(key);
        const std::string example = is_bind(type) ? "[\"/etc/fonts\", \"?/etc/machine-id\"]" : "[\"/run/x\"]";
        const auto* array = node.as_array();
        if (array == nullptr)
            type_error(node, name, "an array of paths and inline tables, like " + name + " = " + example);
        for (const toml::node& element : *array) {
            if (const auto* table = element.as_table())
                out.push_back(mount_at(*table, type, name));
            else if (element.is_string())
                out.push_back(compact_path_at(element, type, name));
            else
                fail_at(at(element), "`" + name + "` entries must be paths (strings) or inline tables, like " + name +
                                         " = " + example + " or [{ " + (is_bind(type) ? "source" : "dest") +
                                         " = \"...\" }]");
        }
    }

    // One string of a compact list: a bind's host source, bound at the same
    // place (a leading '?' makes it optional), or a tmpfs's or dir's
    // destination.
    FsEntry compact_path_at(const toml::node& element, MountKind type, const std::string& name) const {
        FsEntry entry;
        entry.type = type;
        entry.loc = at(element);
        std::string_view written = element.as_string()->get();
        if (written.starts_with('?')) {
            if (!is_bind(type))
                fail_at(entry.loc,
                        "a leading `?` (skip when missing) is for the sources of bind, ro-bind and "
                        "dev-bind; a `" +
                            name + "` entry names a path inside the sandbox");
            written.remove_prefix(1);
            if (written.empty()) fail_at(entry.loc, "`" + name + "` entry \"?\" names no path: write \"?/path\"");
            entry.optional = true;
        }
        if (is_bind(type)) {
            entry.source = bind_source_at(written, element, "a `" + name + "` entry", false, entry.glob);
            entry.dest = entry.source;
        } else {
            entry.dest = expand(std::string(written), element);
        }
        return entry;
    }

    // A bind source as written: ${VARIABLES} expanded, absolute, and a glob
    // when its last component (outside any ${...}) holds `*` or `?`.
    std::string bind_source_at(std::string_view written, const toml::node& node, const std::string& what, bool in_table,
                               bool& glob) const {
        std::string source = expand(std::string(written), node);
        if (!source.starts_with('/'))
            fail_at(at(node),
                    what + " must be an absolute path, not " + quoted(source) +
                        (in_table && source.starts_with('?') ? " (in a table, write `optional = true`)" : ""));
        switch (wildcard_place(written)) {
        case WildcardPlace::None: glob = false; break;
        case WildcardPlace::LastComponent: glob = true; break;
        case WildcardPlace::Elsewhere:
            fail_at(at(node), what + " " + quoted(source) +
                                  ": wildcards (* ?) may appear only in the last component of a source");
        case WildcardPlace::WithVariable:
            fail_at(at(node), what + " " + quoted(source) + ": a glob's last component cannot also hold a ${VARIABLE}");
        }
        return source;
    }

    // A [[mount]] table (`type` given inside, keys named "mount.KEY"), or a
    // table in a compact list (`fixed` type, keys named "LIST.KEY").
    FsEntry mount_at(const toml::table& table, std::optional<MountKind> fixed, const std::string& name) const {
        auto key = [&name](std::string_view k) { return name + "." + std::string(k); };
        FsEntry entry;
        entry.loc = at(table);
        if (fixed) {
            entry.type = *fixed;
            check_compact_keys(table, *fixed, name);
        } else {
            reject_unknown_keys(table, "[mount]", kMountKeys);  // "in [[mount]]"
            entry.type = mount_type_at(table);
            check_mount_keys(table, entry.type);
        }

        if (const toml::node* node = table.get("source")) {
            const auto* written = node->as_string();
            if (written == nullptr) type_error(*node, key("source"), "a string");
            entry.source = bind_source_at(written->get(), *node, "`" + key("source") + "`", true, entry.glob);
        }
        if (auto target = optional_string(table, key("target"))) entry.source = target->value;
        if (auto dest = optional_string(table, key("dest")))
            entry.dest = dest->value;
        else if (is_bind(entry.type))
            entry.dest = entry.source;
        if (auto content = optional_string(table, key("content"))) entry.content = content->value;
        if (const toml::node* size = table.get("size")) tmpfs_size_at(*size, key("size"), entry);
        if (const toml::node* size = table.get("shm-size")) tmpfs_size_at(*size, key("shm-size"), entry);
        if (const toml::node* mode = table.get("mode")) entry.mode = mode_at(*mode, key("mode"));
        if (auto optional = optional_bool(table, key("optional"))) entry.optional = optional->value;
        if (auto create = optional_bool(table, key("create"))) entry.create = create->value;
        if (auto unsafe = optional_bool(table, key("unsafe"))) entry.unsafe = unsafe->value;
        if (auto workdir = optional_bool(table, key("workdir"))) entry.workdir = workdir->value;
        if (entry.glob) check_glob_entry(table, entry, name);
        return entry;
    }

    // A glob binds each match at its own path, and names nothing to create
    // or to work in.
    void check_glob_entry(const toml::table& table, const FsEntry& entry, const std::string& name) const {
        for (std::string_view refused : {"dest", "create", "workdir"}) {
            const toml::node* node = table.get(refused);
            if (node == nullptr || (refused != "dest" && node->value_or(false) == false)) continue;
            fail_at(at(*node), "`" + name + "." + std::string(refused) + "` cannot go with the glob source " +
                                   quoted(entry.source) +
                                   (refused == "dest" ? ": each match is bound at its own path"
                                                      : ": only an existing path can be a glob's match"));
        }
    }

    // The keys of a table in a compact list: those [[mount]] takes for the
    // type, without `type`, which the list gives.
    void check_compact_keys(const toml::table& table, MountKind type, const std::string& name) const {
        const MountRule rule = mount_rule(type);
        for (auto&& [k, node] : table) {
            if (contains(rule.allowed, k.str())) continue;
            if (k.str() == "type") fail_at(at(k), "a `" + name + "` entry needs no `type`: the list gives it");
            fail_at(at(k), "unknown key `" + printable(k.str()) + "` in a `" + name +
                               "` entry (expected one of: " + join(rule.allowed, ", ") + ")");
        }
        for (std::string_view required : rule.required)
            if (!table.contains(required))
                fail_at(at(table), "`" + name + "." + std::string(required) + "` is required");
    }

    MountKind mount_type_at(const toml::table& table) const {
        const toml::node* node = table.get("type");
        if (node == nullptr) fail_at(at(table), "`mount.type` is required");
        // The type is a keyword, so it is not subject to ${VARIABLE} expansion.
        const auto* name = node->as_string();
        std::optional<MountKind> type = name ? mount_kind_from_name(name->get()) : std::nullopt;
        if (!type) {
            std::vector<std::string_view> names;
            for (const MountKindName& known : kMountKindNames)
                if (known.in_profiles) names.push_back(known.name);
            type_error(*node, "mount.type", "one of: " + join(names, ", "));
        }
        return *type;
    }

    // A key that means nothing for this type is an error (e.g. `size` on a
    // bind), so that a misplaced setting is never silently dropped.
    void check_mount_keys(const toml::table& table, MountKind type) const {
        const MountRule rule = mount_rule(type);
        const std::string type_name = quoted(mount_kind_name(type));
        for (auto&& [key, node] : table) {
            if (key.str() == "type" || contains(rule.allowed, key.str())) continue;
            fail_at(at(key), "`mount." + printable(key.str()) + "` is not allowed for type " + type_name +
                                 " (allowed: " + join(rule.allowed, ", ") + ")");
        }
        for (std::string_view key : rule.required)
            if (!table.contains(key))
                fail_at(at(table), "`mount." + std::string(key) + "` is required for type " + type_name);
    }

    // A tmpfs size: bytes as for size_at, or "N%" of the host's memory
    // (what tmpfs itself accepts; the plan builder turns it into bytes).
    void tmpfs_size_at(const toml::node& node, std::string_view name, FsEntry& entry) const {
        if (node.is_string())
            if (auto percent = parse_size_percent(string_at(node, name).value, at(node))) {
                entry.size_percent = percent;
                return;
            }
        entry.size = size_at(node, name);
    }

    LoadState& state_;
};

}  // namespace

FoundBy profile_found_by(std::string_view spec) {
    return spec.find('/') == std::string_view::npos ? FoundBy::Name : FoundBy::Path;
}

Profile load_profile(const std::string& path, const HostFacts& host, const ProfileReader& read, FoundBy found_by) {
    return load_profile_text(read_profile(path, host, read), path, host, read, found_by);
}

Profile load_profile(const std::string& path, const HostFacts& host, const ProfileReader& read) {
    return load_profile(path, host, read, is_builtin_profile(path) ? FoundBy::Name : FoundBy::Path);
}

Profile load_profile(const std::string& path, const HostFacts& host, const FileReader& read) {
    return load_profile(path, host, trusting_reader(read, host.uid));
}

Profile load_profile_text(const std::string& text, const std::string& path, const HostFacts& host,
                          const ProfileReader& read, FoundBy found_by) {
    Profile profile;
    profile.path = path;
    profile.name = profile_name_of(path);
    LoadState state{host, read, profile, {}};
    FileParser(state, path).run(text);
    if (found_by == FoundBy::Name) FileParser::merge_local(state, profile.name, std::nullopt);
    return profile;
}

Profile load_profile_text(const std::string& text, const std::string& path, const HostFacts& host,
                          const FileReader& read) {
    return load_profile_text(text, path, host, trusting_reader(read, host.uid));
}

}  // namespace sbx::core