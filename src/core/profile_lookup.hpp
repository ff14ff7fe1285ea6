// profile_lookup.hpp — which file a --profile argument or an `include`
// names (a NAME vs a path, the profile folders, the compiled-in profiles),
// and whether a file found may be trusted. Pure: files are read through the
// injected ProfileReader.
//
// The entry points for callers (resolve_profile, profile_file_problem,
// trusting_reader) are declared in profile.hpp; this header holds what the
// parser (profile.cpp) needs besides.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/host.hpp"

namespace sbx::core {

inline constexpr std::string_view kBuiltinPrefix = "builtin:";
inline constexpr std::string_view kTomlSuffix = ".toml";

std::string strip_toml_suffix(std::string_view name);

std::string directory_of(const std::string& path);

// ${PROFILE}: "/x/browser.toml" -> "browser", "builtin:default.toml" -> "default".
std::string profile_name_of(const std::string& path);

struct FoundProfile {
    std::string path;
    std::string text;
};

// Reads one candidate file. nullopt when it does not exist; a file that
// exists but cannot be read or may not be trusted is an error, never a
// reason to go on to the next place: a user who wrote a stricter profile
// must not silently get a weaker one.
std::optional<FoundProfile> read_candidate(const std::string& path, const HostFacts& host, const ProfileReader& read,
                                           const std::optional<SourceLoc>& where);

// The lookup shared by --profile and `include`. Only a spec containing a
// '/' is a path (a relative one is taken from `base_dir`: the working
// directory for --profile, the including file's folder for an include).
// Anything else is a NAME, "x" and "x.toml" alike, looked up as NAME.toml
// in host.profile_dirs and then among the compiled-in profiles, and never
// in the working directory: a file that a sandboxed program, or a cloned
// repository, left there must not become the profile a name stands for.
// Every place tried is appended to `tried` for the error message; `where`
// is the include that asked, for errors about a file found.
std::optional<FoundProfile> find_profile(const std::string& spec, const std::optional<std::string>& base_dir,
                                         const HostFacts& host, const ProfileReader& read,
                                         std::vector<std::string>& tried, const std::optional<SourceLoc>& where);

std::string not_found_message(const std::string& spec, const std::vector<std::string>& tried);

}  // namespace sbx::core
