// limits.hpp — resource limits: rlimits in the target, and the delegated
// cgroup v2 the launcher puts the sandbox in.
#pragma once

#include <sys/types.h>

#include <vector>

#include "core/plan.hpp"

namespace sbx::sandbox {

// setrlimit() for each setting (soft = hard = value). Throws Setup.
void apply_rlimits(const std::vector<core::RlimitSetting>& limits);

}  // namespace sbx::sandbox
