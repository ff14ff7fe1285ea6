// files.hpp — small file operations for `sbx desktop` (side effects, no
// decisions): read a file without following a final symlink, write one by
// rename, remove one, the path of sbx's own binary.
#pragma once

#include <optional>
#include <string>

namespace sbx::sys {

// The contents of the regular file at `path`, opened with O_NOFOLLOW; nullopt
// when it is missing, a symlink, not a regular file, or unreadable.
std::optional<std::string> read_regular_file(const std::string& path);

// Reads a regular file, stopping once more than `limit` bytes are read, so
// that the caller can refuse an oversized one; nullopt when it is missing,
// unreadable or not a regular file (XAUTHORITY=/dev/zero never hangs).
// `open_flags` are added to O_RDONLY (O_NOFOLLOW: a symlink is not a file).
std::optional<std::string> read_small_file(const std::string& path, size_t limit, int open_flags = 0);

// Writes `content` to `dir`/`name` (mode 0644): into a new temporary file in
// `dir` (O_EXCL, O_NOFOLLOW), flushed, then renamed over `name`, so that a
// reader never sees half a file and a symlink at `name` is replaced, not
// followed. Creates `dir` and its missing parents (0755) first.
void write_file_replacing(const std::string& dir, const std::string& name, const std::string& content);

// unlink(2) of `path`; throws naming it.
void remove_file(const std::string& path);

// The absolute path of the running sbx (/proc/self/exe).
std::string self_exe();

}  // namespace sbx::sys
