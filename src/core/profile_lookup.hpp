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

#include "core/host.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// ${PROFILE}: "/x/browser.toml" -> "browser", "builtin:default.toml" -> "default".
std::string profile_name_of(const std::string& path);

struct FoundProfile {
    std::string path;  // as resolve_profile would return it
    std::string text;
    // Found by NAME (in a profile folder or compiled in), not by path: its
    // NAME.local.toml, if any, is merged after it (find_local_profile)...
    std::string name;
    // ... unless the include named the including file's own NAME and so
    // reached the next folder's profile of that name: the local belongs
    // after the outer one.
    bool extends = false;
};

// The file that `include = [spec]` names in `including_file`: looked up as
// resolve_profile looks up --profile, a relative path being taken from the
// including file's folder (a compiled-in profile has none: it can include
// only by name). A NAME that is the including file's own, when that file is
// NAME.toml in a profile folder (or compiled in), is looked up only in the
// folders after that one and then among the compiled-in profiles: a user's
// browser.toml that includes "browser" extends the shipped one instead of
// including itself. Throws Usage at spec.loc when none matches, listing
// where it looked, and for a file found that cannot be read or trusted.
FoundProfile find_include(const Located<std::string>& spec, const std::string& including_file, const HostFacts& host,
                          const ProfileReader& read);

// The text of `path`, a path resolve_profile returned ("builtin:NAME.toml"
// for a compiled-in one). Read and checked (profile_file_problem) again, not
// taken from resolve_profile: the file parsed is the one checked. Throws
// Usage at `path` when it cannot be read or trusted.
std::string read_profile(const std::string& path, const HostFacts& host, const ProfileReader& read);

// $XDG_CONFIG_HOME/sbx/profiles/NAME.local.toml, the user's adjustments of
// the profile NAME, merged after a profile found by that NAME; nullopt when
// there is none. Checked like any profile file (profile_file_problem):
// Usage at `where` (the include that found NAME; else the file's path) for
// one that exists but cannot be read or trusted.
std::optional<FoundProfile> find_local_profile(const std::string& name, const HostFacts& host,
                                               const ProfileReader& read, const std::optional<SourceLoc>& where);

}  // namespace sbx::core
