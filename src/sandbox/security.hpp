// security.hpp — the capability sets the target ends with, decided before
// the target is cloned (the target's own steps are raw system calls,
// target.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sbx::sandbox {

struct CapabilitySets {
    uint64_t keep = 0;  // bit N: capability N stays (in all five sets)
    int last = 0;       // the highest capability the kernel knows
};

// `keep` ("CAP_CHOWN", ...: capabilities inside the sandbox's user
// namespace, never on the host) as a mask, by libcap's name table, and the
// kernel's last capability. Throws Setup for a name libcap does not know
// (older than the kernel table): it must not be silently dropped.
CapabilitySets prepare_capabilities(const std::vector<std::string>& keep);

}  // namespace sbx::sandbox
