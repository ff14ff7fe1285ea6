// limits.cpp — placeholder until resource limits land.
#include "sandbox/limits.hpp"

namespace sbx::sandbox {

void apply_rlimits(const std::vector<core::RlimitSetting>&) {}

}  // namespace sbx::sandbox
