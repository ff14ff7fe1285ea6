// limits.hpp — resource limits set in the target before exec: rlimits.
// (The wall-clock timeout lives in the supervise loop, cgroup v2 limits in
// cgroup.hpp.)
#pragma once

#include <sys/resource.h>

#include <string>
#include <vector>

#include "core/plan.hpp"

namespace sbx::sandbox {

// One setrlimit() the target makes, ready: soft = hard = value (never
// RLIM_INFINITY: the plan only holds finite values).
struct PreparedRlimit {
    int resource = -1;
    struct rlimit value {};
    std::string what;  // "setrlimit nofile = 64", for the error report
};

// The plan's limits, checked and converted; throws Setup naming the limit
// and value (an unknown resource, a value that would read as unlimited).
// The target sets them (target.cpp).
//
// RLIMIT_NPROC counts every process of the real uid on the host, not only
// the sandbox's: a user with many processes elsewhere hits it sooner.
std::vector<PreparedRlimit> prepare_rlimits(const std::vector<core::RlimitSetting>& limits);

}  // namespace sbx::sandbox
