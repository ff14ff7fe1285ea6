// landlock_policy.hpp — the Landlock ruleset as data, derived from the
// plan's mounts and the profile's [landlock] table. Pure.
#pragma once

#include <cstdint>
#include <vector>

#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// The rights a mount of `kind` grants beneath its destination (kLandlock*
// bits); 0 for entries that live on another mount (dir, file, symlink).
uint32_t landlock_access_for(MountKind kind);

// `mounts` are the plan's, normalised and ordered. The result has "/" (the
// read-only root) first, then one path per mount that grants rights, then
// the `execute` paths that are not mount destinations. Throws Usage at the
// entry's location for an `execute` path that is not absolute and clean.
LandlockPlan build_landlock_plan(const LandlockSpec& spec, const std::vector<MountOp>& mounts);

}  // namespace sbx::core
