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
#include "core/profile.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <span>
#include <string_view>

#include <toml++/toml.h>

#include "core/builtin_profiles.hpp"
#include "core/path.hpp"

namespace sbx::core {

namespace {

constexpr std::string_view kBuiltinPrefix = "builtin:";
constexpr std::string_view kTomlSuffix = ".toml";
constexpr size_t kMaxIncludeDepth = 16;
constexpr std::string_view kKnownVariables =
    "HOME, USER, UID, GID, PWD, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, XDG_DATA_HOME, PROFILE";

constexpr std::string_view kTopLevelKeys[] = {
    "include", "hostname", "chdir",   "command",      "new-session", "interactive", "user",   "namespaces",
    "env",     "mount",    "seccomp", "capabilities", "landlock",    "limits",      "cgroup"};
constexpr std::string_view kSeccompKeys[] = {"policy", "allow", "deny", "log", "nested-userns"};
constexpr std::string_view kCapabilitiesKeys[] = {"keep"};
constexpr std::string_view kLandlockKeys[] = {"enabled", "min-abi", "execute", "scoped"};
constexpr std::string_view kRlimitNames[] = {"nofile", "nproc", "as", "cpu", "fsize", "core", "stack", "memlock"};
// Limits measured in bytes accept "64M"-style sizes; the others are counts or seconds.
constexpr std::string_view kRlimitSizes[] = {"as", "fsize", "core", "stack", "memlock"};
constexpr std::string_view kLimitsKeys[] = {"nofile", "nproc", "as",      "cpu",     "fsize",
                                            "core",   "stack", "memlock", "timeout", "kill-after"};
constexpr std::string_view kCgroupKeys[] = {"memory", "pids", "cpus", "required"};
constexpr std::string_view kUserKeys[] = {"uid", "gid"};
constexpr std::string_view kEnvKeys[] = {"clear", "keep", "unset", "set"};
constexpr std::string_view kMountKeys[] = {"type", "source", "dest",     "target", "content",
                                           "size", "mode",   "optional", "create"};

struct NamespaceKey {
    std::string_view key;
    std::optional<Located<bool>> NamespaceSpec::*member;
};
constexpr NamespaceKey kNamespaceKeys[] = {
    {"net", &NamespaceSpec::net}, {"pid", &NamespaceSpec::pid},       {"ipc", &NamespaceSpec::ipc},
    {"uts", &NamespaceSpec::uts}, {"cgroup", &NamespaceSpec::cgroup},
};

struct EntryTypeName {
    EntryType type;
    std::string_view name;
};
constexpr EntryTypeName kEntryTypeNames[] = {
    {EntryType::Bind, "bind"},     {EntryType::RoBind, "ro-bind"}, {EntryType::DevBind, "dev-bind"},
    {EntryType::Tmpfs, "tmpfs"},   {EntryType::Proc, "proc"},      {EntryType::Dev, "dev"},
    {EntryType::Mqueue, "mqueue"}, {EntryType::Dir, "dir"},        {EntryType::Symlink, "symlink"},
    {EntryType::File, "file"},
};

// Which [[mount]] keys (besides `type`) a type accepts, and which it needs.
struct MountRule {
    std::vector<std::string_view> allowed;
    std::vector<std::string_view> required;
};

MountRule mount_rule(EntryType type) {
    switch (type) {
    case EntryType::Bind:
    case EntryType::RoBind: return {{"source", "dest", "optional", "create"}, {"source"}};
    case EntryType::DevBind: return {{"source", "dest", "optional"}, {"source"}};
    case EntryType::Tmpfs: return {{"dest", "size", "mode"}, {"dest"}};
    case EntryType::Proc:
    case EntryType::Dev:
    case EntryType::Mqueue: return {{"dest"}, {"dest"}};
    case EntryType::Dir: return {{"dest", "mode"}, {"dest"}};
    case EntryType::Symlink: return {{"target", "dest"}, {"target", "dest"}};
    case EntryType::File: return {{"dest", "content", "mode"}, {"dest"}};
    }
    return {};
}

bool is_bind_type(EntryType type) {
    return type == EntryType::Bind || type == EntryType::RoBind || type == EntryType::DevBind;
}

template <class Range>
std::string join(const Range& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

bool contains(std::span<const std::string_view> list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string strip_toml_suffix(std::string_view name) {
    if (name.ends_with(kTomlSuffix)) name.remove_suffix(kTomlSuffix.size());
    return std::string(name);
}

// Letters, digits and '_', not starting with a digit.
bool is_env_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

std::string directory_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// ${PROFILE}: "/x/browser.toml" -> "browser", "builtin:default.toml" -> "default".
std::string profile_name_of(const std::string& path) {
    std::string_view base = path;
    if (size_t slash = base.rfind('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
    if (base.starts_with(kBuiltinPrefix)) base.remove_prefix(kBuiltinPrefix.size());
    return strip_toml_suffix(base);
}

// The text of a profile: compiled in for "builtin:NAME.toml", else read().
std::optional<std::string> read_profile_file(const std::string& path, const FileReader& read) {
    std::string_view rest = path;
    if (!rest.starts_with(kBuiltinPrefix)) return read(path);
    rest.remove_prefix(kBuiltinPrefix.size());
    if (!rest.ends_with(kTomlSuffix)) return std::nullopt;
    auto text = builtin_profile(strip_toml_suffix(rest));
    if (!text) return std::nullopt;
    return std::string(*text);
}

struct FoundProfile {
    std::string path;
    std::string text;
};

// The lookup shared by --profile and `include`: `spec` as a path when it
// looks like one (relative ones from `base_dir`, when there is one), then
// as a name in host.profile_dirs, then compiled in. Every place tried is
// appended to `tried` for the error message.
std::optional<FoundProfile> find_profile(const std::string& spec, const std::optional<std::string>& base_dir,
                                         const HostFacts& host, const FileReader& read,
                                         std::vector<std::string>& tried) {
    const bool absolute = spec.starts_with('/');
    const bool looks_like_path = spec.find('/') != std::string::npos || spec.ends_with(kTomlSuffix);
    if (looks_like_path && (absolute || base_dir)) {
        std::string path = tidy_host_path(absolute ? spec : join_path(*base_dir, spec));
        tried.push_back(path);
        if (auto text = read(path)) return FoundProfile{path, std::move(*text)};
    }
    if (absolute) return std::nullopt;  // an absolute path names one file, not a profile name

    const std::string name = strip_toml_suffix(spec);
    std::vector<std::string> file_names{name + std::string(kTomlSuffix)};
    // "NAME" may also be a file without the suffix; "NAME.toml" may not drop it.
    if (!spec.ends_with(kTomlSuffix)) file_names.push_back(name);
    for (const std::string& dir : host.profile_dirs) {
        for (const std::string& file_name : file_names) {
            std::string path = tidy_host_path(join_path(dir, file_name));
            tried.push_back(path);
            if (auto text = read(path)) return FoundProfile{path, std::move(*text)};
        }
    }
    if (auto text = builtin_profile(name))
        return FoundProfile{std::string(kBuiltinPrefix) + name + std::string(kTomlSuffix), std::string(*text)};
    return std::nullopt;
}

std::string not_found_message(const std::string& spec, const std::vector<std::string>& tried) {
    std::string where = join(tried, ", ");
    if (!where.empty()) where += ", ";
    return "profile " + quoted(spec) + " not found (looked in: " + where +
           "builtin profiles: " + std::string(builtin_profile_names()) + ")";
}

// toml++ starts its messages with a capital ("Error while parsing ...").
std::string one_line_lower(std::string_view text) {
    std::string out(text);
    std::replace(out.begin(), out.end(), '\n', ' ');
    if (!out.empty()) out.front() = static_cast<char>(std::tolower(static_cast<unsigned char>(out.front())));
    return out;
}

std::optional<std::string> variable_value(std::string_view name, const HostFacts& host,
                                          const std::string& profile_name) {
    if (name == "HOME") return host.home;
    if (name == "USER") return host.user;
    if (name == "UID") return std::to_string(host.uid);
    if (name == "GID") return std::to_string(host.gid);
    if (name == "PWD") return host.cwd;
    if (name == "XDG_RUNTIME_DIR") return host.xdg_runtime_dir;
    if (name == "XDG_CONFIG_HOME") return host.xdg_config_home;
    if (name == "XDG_DATA_HOME") return host.xdg_data_home;
    if (name == "PROFILE") return profile_name;
    return std::nullopt;
}

// "", "B", "K", "KB", "KiB", ... -> the power of two they multiply by.
std::optional<unsigned> size_unit_shift(std::string_view unit) {
    if (unit.empty() || unit == "B") return 0u;
    unsigned shift = 0;
    switch (std::toupper(static_cast<unsigned char>(unit.front()))) {
    case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    case 'T': shift = 40; break;
    default: return std::nullopt;
    }
    unit.remove_prefix(1);
    if (unit.empty() || unit == "B" || unit == "iB") return shift;
    return std::nullopt;
}

// Everything one load shares across the files it reads.
struct LoadState {
    const HostFacts& host;
    const FileReader& read;
    Profile& profile;
    std::vector<std::string> chain;  // the files being read, outermost first (include loops)
};

// Reads one file into state.profile (its includes first).
class FileParser {
public:
    FileParser(LoadState& state, std::string file) : state_(state), file_(std::move(file)) {}

    void run(std::string_view text) {
        if (std::find(profile().files.begin(), profile().files.end(), file_) == profile().files.end())
            profile().files.push_back(file_);
        state_.chain.push_back(file_);
        const toml::table root = parse(text);
        reject_unknown_keys(root, "", kTopLevelKeys);
        // Included profiles are read first so that this file's settings land on top.
        if (const toml::node* node = root.get("include")) apply_includes(*node);
        apply_top_level(root);
        state_.chain.pop_back();
    }

private:
    Profile& profile() { return state_.profile; }

    SourceLoc at(const toml::source_region& region) const {
        return SourceLoc{file_, region.begin.line, region.begin.column};
    }
    SourceLoc at(const toml::node& node) const { return at(node.source()); }
    SourceLoc at(const toml::key& key) const { return at(key.source()); }

    toml::table parse(std::string_view text) const {
        try {
            return toml::parse(text, std::string_view(file_));
        } catch (const toml::parse_error& err) {
            fail_at(at(err.source()), one_line_lower(err.description()));
        }
    }

    // ---- generic, type-checked accessors; `name` is the dotted key ("env.clear")

    [[noreturn]] void type_error(const toml::node& node, std::string_view name, std::string_view expected) const {
        fail_at(at(node), "`" + std::string(name) + "` must be " + std::string(expected));
    }

    std::string expand(const std::string& text, const toml::node& node) const {
        return expand_variables(text, state_.host, state_.profile.name, at(node));
    }

    Located<std::string> string_at(const toml::node& node, std::string_view name) const {
        const auto* value = node.as_string();
        if (value == nullptr) type_error(node, name, "a string");
        return {expand(value->get(), node), at(node)};
    }

    Located<bool> bool_at(const toml::node& node, std::string_view name) const {
        const auto* value = node.as_boolean();
        if (value == nullptr) type_error(node, name, "true or false");
        return {value->get(), at(node)};
    }

    const toml::table& table_at(const toml::node& node, std::string_view name) const {
        const auto* table = node.as_table();
        if (table == nullptr) type_error(node, name, "a table");
        return *table;
    }

    // Each element must be a string; `expand_vars` false keeps names literal.
    std::vector<Located<std::string>> strings_at(const toml::node& node, std::string_view name,
                                                 bool expand_vars) const {
        const auto* array = node.as_array();
        if (array == nullptr) type_error(node, name, "an array of strings");
        std::vector<Located<std::string>> out;
        for (const toml::node& element : *array) {
            const auto* value = element.as_string();
            if (value == nullptr) type_error(element, name, "an array of strings");
            out.push_back({expand_vars ? expand(value->get(), element) : value->get(), at(element)});
        }
        return out;
    }

    // The key `name` after its last '.', looked up in `table`.
    static const toml::node* field(const toml::table& table, std::string_view name) {
        size_t dot = name.rfind('.');
        return table.get(dot == std::string_view::npos ? name : name.substr(dot + 1));
    }

    std::optional<Located<std::string>> optional_string(const toml::table& table, std::string_view name) const {
        if (const toml::node* node = field(table, name)) return string_at(*node, name);
        return std::nullopt;
    }

    std::optional<Located<bool>> optional_bool(const toml::table& table, std::string_view name) const {
        if (const toml::node* node = field(table, name)) return bool_at(*node, name);
        return std::nullopt;
    }

    [[noreturn]] void unknown_key(const toml::key& key, std::string_view prefix,
                                  std::span<const std::string_view> allowed) const {
        std::string where = prefix.empty() ? "" : " in [" + std::string(prefix) + "]";
        fail_at(at(key), "unknown key `" + std::string(key.str()) + "`" + where +
                             " (expected one of: " + join(allowed, ", ") + ")");
    }

    void reject_unknown_keys(const toml::table& table, std::string_view prefix,
                             std::span<const std::string_view> allowed) const {
        for (auto&& [key, node] : table)
            if (!contains(allowed, key.str())) unknown_key(key, prefix, allowed);
    }

    // ---- the format

    void apply_includes(const toml::node& node) {
        for (const Located<std::string>& spec : strings_at(node, "include", true)) include(spec);
    }

    void include(const Located<std::string>& spec) {
        // A compiled-in profile has no directory: it can only include by name.
        std::optional<std::string> base_dir;
        if (!file_.starts_with(kBuiltinPrefix)) base_dir = directory_of(file_);
        std::vector<std::string> tried;
        std::optional<FoundProfile> found = find_profile(spec.value, base_dir, state_.host, state_.read, tried);
        if (!found) fail_at(spec.loc, not_found_message(spec.value, tried));

        auto seen = std::find(state_.chain.begin(), state_.chain.end(), found->path);
        if (seen != state_.chain.end()) {
            std::vector<std::string> loop(seen, state_.chain.end());
            loop.push_back(found->path);
            fail_at(spec.loc, "include loop: " + join(loop, " -> "));
        }
        if (state_.chain.size() > kMaxIncludeDepth)
            fail_at(spec.loc, "include depth exceeds " + std::to_string(kMaxIncludeDepth));
        FileParser(state_, found->path).run(found->text);
    }

    void apply_top_level(const toml::table& root) {
        Profile& p = profile();
        if (auto value = optional_string(root, "hostname")) p.hostname = value;
        if (auto value = optional_string(root, "chdir")) p.chdir = value;
        if (auto value = optional_bool(root, "new-session")) p.new_session = value;
        if (const toml::node* node = root.get("command")) p.command = command_at(*node);
        if (const toml::node* node = root.get("user")) apply_user(table_at(*node, "user"));
        if (const toml::node* node = root.get("namespaces")) apply_namespaces(table_at(*node, "namespaces"));
        if (const toml::node* node = root.get("env")) apply_env(table_at(*node, "env"));
        if (const toml::node* node = root.get("mount")) apply_mounts(*node);
        if (auto value = optional_bool(root, "interactive")) p.interactive = value;
        if (const toml::node* node = root.get("seccomp")) apply_seccomp(table_at(*node, "seccomp"));
        if (const toml::node* node = root.get("capabilities"))
            apply_capabilities(table_at(*node, "capabilities"));
        if (const toml::node* node = root.get("landlock")) apply_landlock(table_at(*node, "landlock"));
        if (const toml::node* node = root.get("limits")) apply_limits(table_at(*node, "limits"));
        if (const toml::node* node = root.get("cgroup")) apply_cgroup(table_at(*node, "cgroup"));
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
        if (const toml::node* node = table.get("allow")) append(seccomp.allow, strings_at(*node, "seccomp.allow", false));
        if (const toml::node* node = table.get("deny")) append(seccomp.deny, strings_at(*node, "seccomp.deny", false));
        if (auto value = optional_bool(table, "seccomp.log")) seccomp.log = value;
        if (auto value = optional_bool(table, "seccomp.nested-userns")) seccomp.nested_userns = value;
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
        for (std::string_view name : kRlimitNames) {
            const toml::node* node = table.get(name);
            if (node == nullptr) continue;
            const std::string dotted = "limits." + std::string(name);
            // 0 is meaningful for a limit (core = 0: no core dumps).
            Located<uint64_t> value{contains(kRlimitSizes, name) ? size_or_zero_at(*node, dotted)
                                                                 : count_at(*node, dotted, 0, INT64_MAX),
                                    at(*node)};
            auto same = std::find_if(limits.rlimits.begin(), limits.rlimits.end(),
                                     [&](const auto& item) { return item.first == name; });
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

    template <class T>
    static void append(std::vector<T>& out, std::vector<T>&& more) {
        for (T& item : more) out.push_back(std::move(item));
    }

    // An integer in [low, high].
    uint64_t count_at(const toml::node& node, std::string_view name, int64_t low, int64_t high) const {
        const auto* number = node.as_integer();
        const std::string range = "an integer from " + std::to_string(low) + " to " + std::to_string(high);
        if (number == nullptr || number->get() < low || number->get() > high) type_error(node, name, range);
        return static_cast<uint64_t>(number->get());
    }

    // A size where 0 is allowed (an integer, or a string like "64M").
    uint64_t size_or_zero_at(const toml::node& node, std::string_view name) const {
        if (const auto* number = node.as_integer(); number != nullptr && number->get() == 0) return 0;
        return size_at(node, name);
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
        for (auto&& [key, node] : table) {
            std::string name(key.str());
            if (!is_env_name(name))
                fail_at(at(key), "`env.set` key " + quoted(name) +
                                     " is not a variable name (letters, digits and _, not starting with a digit)");
            Located<std::string> value = string_at(node, "env.set." + name);
            // A later file sets the same name: its value wins, in place.
            auto same = std::find_if(set.begin(), set.end(), [&](const auto& item) { return item.first == name; });
            if (same != set.end())
                same->second = std::move(value);
            else
                set.emplace_back(name, std::move(value));
        }
    }

    void apply_mounts(const toml::node& node) {
        const char* expected = "an array of tables, written [[mount]]";
        const auto* array = node.as_array();
        if (array == nullptr) type_error(node, "mount", expected);
        for (const toml::node& element : *array) {
            if (!element.is_table()) type_error(element, "mount", expected);
            profile().mounts.push_back(mount_at(*element.as_table()));
        }
    }

    FsEntry mount_at(const toml::table& table) const {
        reject_unknown_keys(table, "[mount]", kMountKeys);  // "in [[mount]]"
        FsEntry entry;
        entry.loc = at(table);
        entry.type = mount_type_at(table);
        check_mount_keys(table, entry.type);

        if (auto source = optional_string(table, "mount.source")) {
            if (!source->value.starts_with('/'))
                fail_at(source->loc, "`mount.source` must be an absolute path, not " + quoted(source->value));
            entry.source = source->value;
        }
        if (auto target = optional_string(table, "mount.target")) entry.source = target->value;
        if (auto dest = optional_string(table, "mount.dest"))
            entry.dest = dest->value;
        else if (is_bind_type(entry.type))
            entry.dest = entry.source;
        if (auto content = optional_string(table, "mount.content")) entry.content = content->value;
        if (const toml::node* size = table.get("size")) entry.size = size_at(*size);
        if (const toml::node* mode = table.get("mode")) entry.mode = mode_at(*mode);
        if (auto optional = optional_bool(table, "mount.optional")) entry.optional = optional->value;
        if (auto create = optional_bool(table, "mount.create")) entry.create = create->value;
        return entry;
    }

    EntryType mount_type_at(const toml::table& table) const {
        const toml::node* node = table.get("type");
        if (node == nullptr) fail_at(at(table), "`mount.type` is required");
        // The type is a keyword, so it is not subject to ${VARIABLE} expansion.
        const auto* name = node->as_string();
        std::optional<EntryType> type = name ? entry_type_from_name(name->get()) : std::nullopt;
        if (!type) {
            std::vector<std::string_view> names;
            for (const EntryTypeName& known : kEntryTypeNames) names.push_back(known.name);
            type_error(*node, "mount.type", "one of: " + join(names, ", "));
        }
        return *type;
    }

    // A key that means nothing for this type is an error (e.g. `size` on a
    // bind), so that a misplaced setting is never silently dropped.
    void check_mount_keys(const toml::table& table, EntryType type) const {
        const MountRule rule = mount_rule(type);
        const std::string type_name = quoted(entry_type_name(type));
        for (auto&& [key, node] : table) {
            if (key.str() == "type" || contains(rule.allowed, key.str())) continue;
            fail_at(at(key), "`mount." + std::string(key.str()) + "` is not allowed for type " + type_name +
                                 " (allowed: " + join(rule.allowed, ", ") + ")");
        }
        for (std::string_view key : rule.required)
            if (!table.contains(key))
                fail_at(at(table), "`mount." + std::string(key) + "` is required for type " + type_name);
    }

    uint64_t size_at(const toml::node& node, std::string_view name = "mount.size") const {
        if (const auto* number = node.as_integer()) {
            if (number->get() <= 0) fail_at(at(node), "`" + std::string(name) + "` must be greater than 0");
            return static_cast<uint64_t>(number->get());
        }
        if (!node.is_string()) type_error(node, name, "an integer (bytes) or a string like \"64M\"");
        return parse_size(string_at(node, name).value, at(node));
    }

    uint32_t mode_at(const toml::node& node) const {
        if (const auto* number = node.as_integer()) {
            // `mode = 755` is decimal 755 (= 0o1363): almost surely meant as
            // octal, so only integers written in octal are accepted.
            if ((number->flags() & toml::value_flags::format_as_octal) == toml::value_flags::none)
                fail_at(at(node), "`mount.mode` must be written in octal, like 0o755 or \"0755\"");
            if (number->get() < 0 || number->get() > 07777) fail_at(at(node), "`mount.mode` must be at most 0o7777");
            return static_cast<uint32_t>(number->get());
        }
        if (!node.is_string()) type_error(node, "mount.mode", "an octal string like \"0755\" or an integer like 0o755");
        return parse_mode(string_at(node, "mount.mode").value, at(node));
    }

    LoadState& state_;
    std::string file_;
};

}  // namespace

std::optional<EntryType> entry_type_from_name(std::string_view name) {
    for (const EntryTypeName& known : kEntryTypeNames)
        if (known.name == name) return known.type;
    return std::nullopt;
}

const char* entry_type_name(EntryType type) {
    for (const EntryTypeName& known : kEntryTypeNames)
        if (known.type == type) return known.name.data();  // the literals are NUL-terminated
    return "?";
}

std::string resolve_profile(const std::string& spec, const HostFacts& host, const FileReader& read) {
    if (spec.empty()) throw Error(ErrorKind::Usage, "the profile name is empty");
    std::vector<std::string> tried;
    std::optional<FoundProfile> found = find_profile(spec, host.cwd, host, read, tried);
    if (!found) throw Error(ErrorKind::Usage, not_found_message(spec, tried));
    return found->path;
}

Profile load_profile(const std::string& path, const HostFacts& host, const FileReader& read) {
    std::optional<std::string> text = read_profile_file(path, read);
    if (!text) fail_at(SourceLoc{path}, "cannot read the profile");
    return load_profile_text(*text, path, host, read);
}

Profile load_profile_text(const std::string& text, const std::string& path, const HostFacts& host,
                          const FileReader& read) {
    Profile profile;
    profile.path = path;
    profile.name = profile_name_of(path);
    LoadState state{host, read, profile, {}};
    FileParser(state, path).run(text);
    return profile;
}

std::string expand_variables(const std::string& text, const HostFacts& host, const std::string& profile_name,
                             const SourceLoc& loc) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '$') {
            out += text[i];
            continue;
        }
        const char next = i + 1 < text.size() ? text[i + 1] : '\0';
        if (next == '$') {
            out += '$';
            ++i;
            continue;
        }
        // A lone '$' is an error rather than literal text, so that "$HOME"
        // fails loudly instead of reaching the sandbox unexpanded.
        if (next != '{') fail_at(loc, "a lone \"$\" must be written \"$$\" (variables are written ${NAME})");
        const size_t close = text.find('}', i + 2);
        if (close == std::string::npos) fail_at(loc, "unterminated \"${\" in " + quoted(text));
        const std::string name = text.substr(i + 2, close - i - 2);
        std::optional<std::string> value = variable_value(name, host, profile_name);
        if (!value) fail_at(loc, "unknown variable ${" + name + "} (known: " + std::string(kKnownVariables) + ")");
        out += *value;
        i = close;
    }
    return out;
}

uint64_t parse_size(const std::string& text, const SourceLoc& loc) {
    uint64_t number = 0;
    const char* end = text.data() + text.size();
    auto [unit_begin, ec] = std::from_chars(text.data(), end, number);
    if (ec == std::errc::result_out_of_range) fail_at(loc, "size " + quoted(text) + " is too large");
    std::optional<unsigned> shift;
    if (ec == std::errc{}) shift = size_unit_shift(std::string_view(unit_begin, static_cast<size_t>(end - unit_begin)));
    if (!shift)
        fail_at(loc, "invalid size " + quoted(text) +
                         ": expected a number of bytes, optionally followed by K, M, G or T (e.g. \"64M\")");
    if (number == 0) fail_at(loc, "size " + quoted(text) + " must be greater than 0");
    if (number > (UINT64_MAX >> *shift)) fail_at(loc, "size " + quoted(text) + " is too large");
    return number << *shift;
}

uint32_t parse_mode(const std::string& text, const SourceLoc& loc) {
    uint32_t mode = 0;
    bool valid = !text.empty();
    for (char c : text) {
        if (c < '0' || c > '7') {
            valid = false;
            break;
        }
        mode = mode * 8 + static_cast<uint32_t>(c - '0');
        if (mode > 07777) {
            valid = false;
            break;
        }
    }
    if (!valid)
        fail_at(loc, "invalid mode " + quoted(text) + ": expected octal permission bits like \"0755\" (at most 07777)");
    return mode;
}

}  // namespace sbx::core
