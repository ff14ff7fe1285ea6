// builtin_profiles.hpp — the shipped profiles, compiled in (generated from
// profiles/*.toml by tools/embed_profiles.py), so that `sbx` without
// --profile and `--profile browser` work without installation.
#pragma once

#include <optional>
#include <string_view>

namespace sbx::core {

// The text of profiles/NAME.toml, or nullopt.
std::optional<std::string_view> builtin_profile(std::string_view name);

// "default, cli, browser": the names builtin_profile() knows, for messages.
std::string_view builtin_profile_names();

}  // namespace sbx::core
