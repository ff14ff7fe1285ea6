// mount_api.hpp — the fd-based mount API (Linux 5.2+ fsopen/open_tree/
// move_mount, 5.6+ openat2, 5.12+ mount_setattr), checked. Working on file
// descriptors instead of paths means a destination is resolved exactly
// once, under the rules we choose, and a symlink swapped in afterwards
// changes nothing.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sys/unique_fd.hpp"

namespace sbx::sys {

// openat2(dirfd, path, {flags | O_CLOEXEC, mode, resolve}).
UniqueFd open_at2(int dirfd, const std::string& path, uint64_t flags, uint64_t resolve, const std::string& what,
                  mode_t mode = 0);
// The same, but a path that does not exist (ENOENT) gives an empty UniqueFd
// instead of an error: for what is optional, without the cost of an
// exception on an ordinary launch.
UniqueFd open_at2_if_exists(int dirfd, const std::string& path, uint64_t flags, uint64_t resolve,
                            const std::string& what);

// A detached copy of the mount tree at `fd` (OPEN_TREE_CLONE, recursive).
UniqueFd clone_tree(int fd, const std::string& what);

// A detached new mount of `fstype` with string `options` (fsopen, fsconfig,
// fsmount) carrying `attrs` (MOUNT_ATTR_*).
UniqueFd new_mount(const char* fstype, const std::vector<std::pair<std::string, std::string>>& options, uint64_t attrs,
                   const std::string& what);

// mount_setattr on the tree at `fd` (AT_EMPTY_PATH), recursively or not.
void set_attrs(int fd, uint64_t attr_set, bool recursive, const std::string& what);

// Attaches the detached mount `from` on top of the file or directory `to`.
void attach(int from, int to, const std::string& what);

}  // namespace sbx::sys
