// landlock.hpp — builds the Landlock ruleset of a LandlockPlan, best effort
// by ABI, for the target to restrict itself with (landlock_restrict_self,
// target.cpp; inherited by everything it execs).
#pragma once

#include "core/plan.hpp"
#include "sys/unique_fd.hpp"

namespace sbx::sandbox {

// Detects the kernel's Landlock ABI, builds a ruleset of the plan's paths
// with what it supports, logs (debug) what it had to skip. Returns the
// ruleset (close-on-exec), or no descriptor when the plan turns Landlock
// off or the kernel has none and the plan allows that. Throws Setup when
// the ABI is below plan.min_abi or a step fails. Called in the sandbox
// after pivot_root: the rules name the sandbox's paths.
sys::UniqueFd prepare_landlock(const core::LandlockPlan& plan);

}  // namespace sbx::sandbox
