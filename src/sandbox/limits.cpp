// limits.cpp — see limits.hpp.
#include "sandbox/limits.hpp"

#include <sys/resource.h>

#include <string>

#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {
namespace {

int resource_number(core::Rlimit resource) {
    switch (resource) {
    case core::Rlimit::Nofile: return RLIMIT_NOFILE;
    case core::Rlimit::Nproc: return RLIMIT_NPROC;
    case core::Rlimit::As: return RLIMIT_AS;
    case core::Rlimit::Cpu: return RLIMIT_CPU;
    case core::Rlimit::Fsize: return RLIMIT_FSIZE;
    case core::Rlimit::Core: return RLIMIT_CORE;
    case core::Rlimit::Stack: return RLIMIT_STACK;
    case core::Rlimit::Memlock: return RLIMIT_MEMLOCK;
    }
    return -1;
}

}  // namespace

std::vector<PreparedRlimit> prepare_rlimits(const std::vector<core::RlimitSetting>& limits) {
    std::vector<PreparedRlimit> out;
    for (const auto& limit : limits) {
        PreparedRlimit one;
        one.what = std::string("setrlimit ") + core::rlimit_name(limit.resource) + " = " + std::to_string(limit.value);
        one.resource = resource_number(limit.resource);
        // The plan never asks for "unlimited"; a value that would read as
        // RLIM_INFINITY is refused rather than silently lifting the limit.
        if (one.resource < 0 || limit.value >= RLIM_INFINITY) sys::throw_errno(one.what, EINVAL);
        spdlog::debug("{}", one.what);
        one.value.rlim_cur = one.value.rlim_max = static_cast<rlim_t>(limit.value);
        out.push_back(std::move(one));
    }
    return out;
}

}  // namespace sbx::sandbox
