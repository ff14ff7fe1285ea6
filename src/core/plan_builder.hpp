// plan_builder.hpp — Profile + Overrides + HostFacts -> SandboxPlan.
// Validates everything that can be checked without touching the system.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/bind_checks.hpp"
#include "core/host.hpp"
#include "core/landlock_policy.hpp"
#include "core/overrides.hpp"
#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

SandboxPlan build_plan(const Profile& profile, const Overrides& overrides, const HostFacts& host);
// The checks finish_plan (plan_finish.hpp) then makes against the host's
// real paths are declared in bind_checks.hpp.

// Parents before children: a mount at /a would hide one at /a/b made
// before it. Stable, so entries at the same depth keep their order and a
// later one stacks over an earlier one.
void sort_parents_first(std::vector<MountOp>& mounts);

// The text `sbx --dry-run` prints.
std::string describe(const SandboxPlan& plan);

}  // namespace sbx::core
