// rootfs.hpp — builds the sandbox's root filesystem from the plan's mount
// ops, then pivots into it. Runs in the child, inside the new user and
// mount namespaces (and the new pid namespace, for /proc).
#pragma once

#include "core/plan.hpp"

namespace sbx::sandbox {

void build_root_and_pivot(const core::SandboxPlan& plan);

}  // namespace sbx::sandbox
