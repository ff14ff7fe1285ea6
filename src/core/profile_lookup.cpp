// profile_lookup.cpp — finding a profile file and deciding whether it may be
// trusted (see profile_lookup.hpp and, for the public entry points,
// profile.hpp).
#include "core/profile_lookup.hpp"

#include <cerrno>
#include <cstdio>
#include <optional>
#include <string_view>
#include <vector>

#include "core/builtin_profiles.hpp"
#include "core/path.hpp"
#include "core/profile.hpp"
#include "core/text.hpp"

namespace sbx::core {

namespace {

constexpr std::string_view kBuiltinPrefix = "builtin:";
constexpr std::string_view kTomlSuffix = ".toml";

std::string strip_toml_suffix(std::string_view name) {
    if (name.ends_with(kTomlSuffix)) name.remove_suffix(kTomlSuffix.size());
    return std::string(name);
}

std::string directory_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// Reads one candidate file. nullopt when it does not exist; a file that
// exists but cannot be read or may not be trusted is an error, never a
// reason to go on to the next place: a user who wrote a stricter profile
// must not silently get a weaker one.
std::optional<FoundProfile> read_candidate(const std::string& path, const HostFacts& host, const ProfileReader& read,
                                           const std::optional<SourceLoc>& where) {
    FileRead file = read(path);
    if (auto problem = profile_file_problem(file, host.uid)) {
        const std::string message = printable(path) + ": " + *problem;
        if (where) fail_at(*where, message);
        throw Error(ErrorKind::Usage, message);
    }
    if (!file.text) return std::nullopt;
    return FoundProfile{path, std::move(*file.text), "", false};
}

// The lookup shared by --profile and `include`. Only a spec containing a
// '/' is a path (a relative one is taken from `base_dir`: the working
// directory for --profile, the including file's folder for an include).
// Anything else is a NAME, "x" and "x.toml" alike, looked up as NAME.toml
// in host.profile_dirs and then among the compiled-in profiles, and never
// in the working directory: a file that a sandboxed program, or a cloned
// repository, left there must not become the profile a name stands for.
// Every place tried is appended to `tried` for the error message; `where`
// is the include that asked, for errors about a file found.
// Where the lookup of NAME continues when `including_file` is NAME's own
// file: the index of the profile folder after its own, or the number of
// folders for the compiled-in one; nullopt when it is not (or when "", the
// command line asking).
std::optional<size_t> own_name_place(const std::string& name, const std::string& including_file,
                                     const HostFacts& host) {
    const std::string file_name = name + std::string(kTomlSuffix);
    if (including_file == std::string(kBuiltinPrefix) + file_name) return host.profile_dirs.size();
    if (including_file.empty()) return std::nullopt;
    for (size_t i = 0; i < host.profile_dirs.size(); ++i)
        if (tidy_host_path(join_path(host.profile_dirs[i], file_name)) == tidy_host_path(including_file)) return i + 1;
    return std::nullopt;
}

// `including_file` is the file whose include asks ("" for --profile): an
// include of its own NAME starts after it (see find_include).
std::optional<FoundProfile> find_profile(const std::string& spec, const std::optional<std::string>& base_dir,
                                         const HostFacts& host, const ProfileReader& read,
                                         std::vector<std::string>& tried, const std::optional<SourceLoc>& where,
                                         const std::string& including_file = "") {
    // open(2) would stop at a NUL (TOML strings may hold "\u0000"): a
    // name would then open a file it does not name.
    if (spec.find('\0') != std::string::npos) return std::nullopt;
    if (spec.find('/') != std::string::npos) {
        // A compiled-in profile has no folder: it can include only by name.
        if (!spec.starts_with('/') && !base_dir) return std::nullopt;
        std::string path = tidy_host_path(spec.starts_with('/') ? spec : join_path(*base_dir, spec));
        tried.push_back(path);
        return read_candidate(path, host, read, where);
    }
    const std::string name = strip_toml_suffix(spec);
    if (name.empty() || name == "." || name == "..") return std::nullopt;
    const std::string file_name = name + std::string(kTomlSuffix);
    const std::string builtin_path = std::string(kBuiltinPrefix) + file_name;
    // After the including file when it is this NAME's own, which would
    // otherwise include itself.
    const std::optional<size_t> own = own_name_place(name, including_file, host);
    const bool extends = own.has_value();
    const size_t first = own.value_or(0);
    for (size_t i = first; i < host.profile_dirs.size(); ++i) {
        std::string path = tidy_host_path(join_path(host.profile_dirs[i], file_name));
        tried.push_back(path);
        if (auto found = read_candidate(path, host, read, where)) {
            found->name = name;
            found->extends = extends;
            return found;
        }
    }
    if (including_file != builtin_path)
        if (auto text = builtin_profile(name)) return FoundProfile{builtin_path, std::string(*text), name, extends};
    return std::nullopt;
}

std::string not_found_message(const std::string& spec, const std::vector<std::string>& tried,
                              const std::string& including_file = "", const HostFacts* host_ptr = nullptr) {
    std::string where = join(tried, ", ");
    if (!where.empty()) where += ", ";
    std::string hint;
    if (spec.find('/') == std::string::npos && !spec.empty() && host_ptr != nullptr &&
        own_name_place(strip_toml_suffix(spec), including_file, *host_ptr))
        hint = "; an include of a profile's own name looks only after the including file (" +
               printable(including_file) + "): in the folders after its own, then the compiled-in profiles";
    else if (spec.find('/') == std::string::npos && spec.ends_with(kTomlSuffix))
        hint = "; a name is never looked up in the current folder: write \"./" + printable(spec) +
               "\" for a file there or next to the including profile";
    return "profile " + quoted(spec) + " not found (looked in: " + where +
           "builtin profiles: " + std::string(builtin_profile_names()) + ")" + hint;
}

}  // namespace

std::string profile_name_of(const std::string& path) {
    std::string_view base = path;
    if (size_t slash = base.rfind('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
    if (base.starts_with(kBuiltinPrefix)) base.remove_prefix(kBuiltinPrefix.size());
    return strip_toml_suffix(base);
}

bool is_builtin_profile(std::string_view path) { return path.starts_with(kBuiltinPrefix); }

std::optional<std::string> profile_file_problem(const FileRead& file, uint32_t uid) {
    if (file.error != 0) {
        // A missing file, or a path through a missing folder or a file, is
        // simply not there; anything else (EACCES, ELOOP, EIO...) is a
        // profile the user has that sbx cannot read.
        if (file.error == ENOENT || file.error == ENOTDIR) return std::nullopt;
        return "cannot read the profile: " +
               (file.error_text.empty() ? "error " + std::to_string(file.error) : file.error_text);
    }
    if (!file.regular) return std::string("not a regular file");
    if (!file.text) return std::string("cannot read the profile");
    if (file.owner != uid && file.owner != 0)
        return "owned by uid " + std::to_string(file.owner) + ", neither you (uid " + std::to_string(uid) +
               ") nor root: refusing a profile someone else can change";
    // Another name of the same file could lie in a folder a sandbox may
    // write (a project folder), where the path checks do not see it.
    if (file.links > 1)
        return "has " + std::to_string(file.links) +
               " hard links: another name for it may lie where a sandbox can write; copy it instead";
    if ((file.mode & 022) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", file.mode & 07777);
        return std::string("writable by its group or by others (mode ") + mode +
               "): refusing a profile someone else can change (chmod go-w)";
    }
    return std::nullopt;
}

ProfileReader trusting_reader(const FileReader& read, uint32_t uid) {
    return [read, uid](const std::string& path) {
        FileRead file;
        file.text = read(path);
        if (!file.text) {
            file.error = ENOENT;
            file.error_text = "No such file or directory";
        }
        file.owner = uid;
        file.mode = 0644;
        return file;
    };
}

std::string resolve_profile(const std::string& spec, const HostFacts& host, const ProfileReader& read) {
    if (spec.empty()) throw Error(ErrorKind::Usage, "the profile name is empty");
    std::vector<std::string> tried;
    std::optional<FoundProfile> found = find_profile(spec, host.cwd, host, read, tried, std::nullopt);
    if (!found) throw Error(ErrorKind::Usage, not_found_message(spec, tried));
    return found->path;
}

std::string resolve_profile(const std::string& spec, const HostFacts& host, const FileReader& read) {
    return resolve_profile(spec, host, trusting_reader(read, host.uid));
}

FoundProfile find_include(const Located<std::string>& spec, const std::string& including_file, const HostFacts& host,
                          const ProfileReader& read) {
    // A compiled-in profile has no directory: it can only include by name.
    std::optional<std::string> base_dir;
    if (!is_builtin_profile(including_file)) base_dir = directory_of(including_file);
    std::vector<std::string> tried;
    std::optional<FoundProfile> found = find_profile(spec.value, base_dir, host, read, tried, spec.loc, including_file);
    if (!found) fail_at(spec.loc, not_found_message(spec.value, tried, including_file, &host));
    return std::move(*found);
}

std::string read_profile(const std::string& path, const HostFacts& host, const ProfileReader& read) {
    std::string_view rest = path;
    if (rest.starts_with(kBuiltinPrefix)) {
        rest.remove_prefix(kBuiltinPrefix.size());
        std::optional<std::string_view> text;
        if (rest.ends_with(kTomlSuffix)) text = builtin_profile(strip_toml_suffix(rest));
        if (!text) fail_at(SourceLoc{path}, "cannot read the profile");
        return std::string(*text);
    }
    std::optional<FoundProfile> found = read_candidate(path, host, read, std::nullopt);
    if (!found) fail_at(SourceLoc{path}, "cannot read the profile: No such file or directory");
    return std::move(found->text);
}

std::optional<FoundProfile> find_local_profile(const std::string& name, const HostFacts& host,
                                               const ProfileReader& read, const std::optional<SourceLoc>& where) {
    // Only the user's own folder, and only where it is an absolute path: a
    // relative XDG_CONFIG_HOME would make the working directory one.
    if (name.empty() || name.find('/') != std::string::npos || name.find('\0') != std::string::npos ||
        !host.xdg_config_home.starts_with('/'))
        return std::nullopt;
    const std::string path = tidy_host_path(join_path(host.xdg_config_home, "sbx/profiles/" + name + ".local.toml"));
    return read_candidate(path, host, read, where);
}

}  // namespace sbx::core
