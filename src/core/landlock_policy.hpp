// landlock_policy.hpp — the Landlock ruleset as data, derived from the
// plan's mounts and the profile's [landlock] table. Pure.
#pragma once

#include <vector>

#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

LandlockPlan build_landlock_plan(const LandlockSpec& spec, const std::vector<MountOp>& mounts);

}  // namespace sbx::core
