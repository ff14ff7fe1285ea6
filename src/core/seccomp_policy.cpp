// seccomp_policy.cpp — placeholder until the default policy lands: honours
// `policy = "none"` and nothing else.
#include "core/seccomp_policy.hpp"

namespace sbx::core {

SeccompPlan build_seccomp_plan(const SeccompSpec& spec) {
    SeccompPlan plan;
    plan.enabled = !(spec.policy && spec.policy->value == "none");
    return plan;
}

}  // namespace sbx::core
