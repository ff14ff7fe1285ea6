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

void apply_rlimits(const std::vector<core::RlimitSetting>& limits) {
    for (const auto& limit : limits) {
        const std::string what =
            std::string("setrlimit ") + core::rlimit_name(limit.resource) + " = " + std::to_string(limit.value);
        const int resource = resource_number(limit.resource);
        // The plan never asks for "unlimited"; a value that would read as
        // RLIM_INFINITY is refused rather than silently lifting the limit.
        if (resource < 0 || limit.value >= RLIM_INFINITY) sys::throw_errno(what, EINVAL);
        spdlog::debug("{}", what);
        const struct rlimit value { static_cast<rlim_t>(limit.value), static_cast<rlim_t>(limit.value) };
        // prlimit on ourselves: the resource is an int, which setrlimit's
        // glibc prototype (an enum under _GNU_SOURCE) would not take.
        if (::prlimit(0, static_cast<__rlimit_resource>(resource), &value, nullptr) != 0) sys::throw_errno(what);
    }
}

}  // namespace sbx::sandbox
