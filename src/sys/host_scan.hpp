// host_scan.hpp — reads host folders for the core's decisions: a listing
// (Landlock rules beside a writable mount). Side effects only; what to do
// with the results is decided in core/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/landlock_policy.hpp"

namespace sbx::sys {

// The entries of `dir` (no "." or ".."), each lstat'ed: symlinks are
// reported, never followed. nullopt when `dir` cannot be opened as a folder.
std::optional<std::vector<core::DirEntry>> list_dir(const std::string& dir);

}  // namespace sbx::sys
