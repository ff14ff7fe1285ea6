// limits.hpp — resource limits set in the target before exec: rlimits.
// (The wall-clock timeout lives in the supervise loop, cgroup v2 limits in
// cgroup.hpp.)
#pragma once

#include <vector>

#include "core/plan.hpp"

namespace sbx::sandbox {

// setrlimit() for each setting, soft = hard = value (never RLIM_INFINITY:
// the plan only holds finite values). Throws Setup naming the limit and value.
//
// RLIMIT_NPROC counts every process of the real uid on the host, not only
// the sandbox's: a user with many processes elsewhere hits it sooner.
void apply_rlimits(const std::vector<core::RlimitSetting>& limits);

}  // namespace sbx::sandbox
