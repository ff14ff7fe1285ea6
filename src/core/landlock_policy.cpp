// landlock_policy.cpp — placeholder until the ruleset derivation lands.
#include "core/landlock_policy.hpp"

namespace sbx::core {

LandlockPlan build_landlock_plan(const LandlockSpec& spec, const std::vector<MountOp>&) {
    LandlockPlan plan;
    plan.enabled = false;
    if (spec.min_abi) plan.min_abi = spec.min_abi->value;
    return plan;
}

}  // namespace sbx::core
