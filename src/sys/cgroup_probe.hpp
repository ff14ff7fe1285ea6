// cgroup_probe.hpp — the read-only looks at the host's cgroup v2 hierarchy
// that core::place_cgroup decides from (statfs, small files, access).
// Side effects only; what to do with the results is decided in core/.
#pragma once

#include "core/cgroup_placement.hpp"

namespace sbx::sys {

// statfs(2) for the cgroup2 magic; the first 64 KiB of a file (open
// O_RDONLY|O_CLOEXEC|O_NOFOLLOW); access(2) W_OK with the real uid.
core::CgroupQueries cgroup_queries();

}  // namespace sbx::sys
