// landlock.cpp — placeholder until the Landlock layer lands.
#include "sandbox/landlock.hpp"

namespace sbx::sandbox {

void apply_landlock(const core::LandlockPlan&) {}

}  // namespace sbx::sandbox
