// profile_lookup.hpp — which file a --profile argument or an `include`
// names (a NAME vs a path, the profile folders, the compiled-in profiles),
// and whether a file found may be trusted. Pure: files are read through the
// injected ProfileReader.
//
// The entry points for callers (resolve_profile, profile_file_problem,
// trusting_reader) are declared in profile.hpp; this header holds what the
// parser (profile.cpp) needs besides.
#pragma once

#include <string>

#include "core/host.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// ${PROFILE}: "/x/browser.toml" -> "browser", "builtin:default.toml" -> "default".
std::string profile_name_of(const std::string& path);

struct FoundProfile {
    std::string path;  // as resolve_profile would return it
    std::string text;
};

// The file that `include = [spec]` names in `including_file`: looked up as
// resolve_profile looks up --profile, a relative path being taken from the
// including file's folder (a compiled-in profile has none: it can include
// only by name). Throws Usage at spec.loc when none matches, listing where
// it looked, and for a file found that cannot be read or trusted.
FoundProfile find_include(const Located<std::string>& spec, const std::string& including_file, const HostFacts& host,
                          const ProfileReader& read);

// The text of `path`, a path resolve_profile returned ("builtin:NAME.toml"
// for a compiled-in one). Read and checked (profile_file_problem) again, not
// taken from resolve_profile: the file parsed is the one checked. Throws
// Usage at `path` when it cannot be read or trusted.
std::string read_profile(const std::string& path, const HostFacts& host, const ProfileReader& read);

}  // namespace sbx::core
