// seccomp_policy.hpp — the seccomp rule list as data: the default policy,
// adjusted by a profile's [seccomp] table. Pure; the sandbox layer compiles
// the result with libseccomp.
#pragma once

#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// Throws Usage at the entry's location for an unknown syscall name, a bad
// "NAME:ERRNO" / "NAME:kill" form or an unknown errno name.
SeccompPlan build_seccomp_plan(const SeccompSpec& spec);

}  // namespace sbx::core
