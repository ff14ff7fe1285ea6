// landlock.hpp — applies a LandlockPlan to the calling process (inherited
// by everything it execs), best effort by ABI.
#pragma once

#include "core/plan.hpp"

namespace sbx::sandbox {

// Detects the kernel's Landlock ABI, restricts to the plan's paths what it
// supports, logs (debug) what it had to skip. Throws Setup when the ABI is
// below plan.min_abi or a step fails. Needs no_new_privs (set before).
void apply_landlock(const core::LandlockPlan& plan);

}  // namespace sbx::sandbox
