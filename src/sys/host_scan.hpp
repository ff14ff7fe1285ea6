// host_scan.hpp — reads host folders for the core's decisions: a listing
// (Landlock rules beside a writable mount) and a bounded search for Unix
// sockets in bind sources (the --dry-run / --verbose report). Side effects
// only; what to do with the results is decided in core/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/landlock_policy.hpp"
#include "core/shared_folders.hpp"

namespace sbx::sys {

// The entries of `dir` (no "." or ".."), each lstat'ed: symlinks are
// reported, never followed. nullopt when `dir` cannot be opened as a folder.
std::optional<std::vector<core::DirEntry>> list_dir(const std::string& dir);

// Unix sockets owned by `uid` at or beneath `path`: at most `max_depth`
// folders deep and `max_entries` entries looked at, symlinks never followed
// (a bind follows none either: only what lies beneath is visible). Below
// `path`, only folders the user owns or may write to are entered (where
// the user can make sockets); folders that cannot be read are skipped: the
// scan is a report, not a guarantee.
core::SocketScan scan_unix_sockets(const std::string& path, uint32_t uid, unsigned max_depth = 4,
                                   size_t max_entries = 20000);

}  // namespace sbx::sys
