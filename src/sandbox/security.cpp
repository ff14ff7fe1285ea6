// security.cpp — see security.hpp.
#include "sandbox/security.hpp"

#include <sys/capability.h>

#include <cerrno>

#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {

CapabilitySets prepare_capabilities(const std::vector<std::string>& keep) {
    CapabilitySets sets;
    // cap_max_bits(): the kernel's count (cap_last_cap + 1), as libcap learnt it.
    sets.last = static_cast<int>(cap_max_bits()) - 1;
    if (sets.last < 0 || sets.last > 63)
        throw Error(ErrorKind::Setup,
                    "the kernel's capability count is out of range (" + std::to_string(sets.last + 1) + ")", EINVAL);
    for (const auto& name : keep) {
        cap_value_t value = 0;
        // The plan builder validated the names; a libcap that does not know
        // one (older than the kernel table) must not silently drop it.
        if (cap_from_name(name.c_str(), &value) != 0 || value < 0 || value > sets.last)
            throw Error(ErrorKind::Setup, "libcap does not know capability " + name, EINVAL);
        sets.keep |= uint64_t{1} << value;
    }
    spdlog::debug("drop capabilities{}", keep.empty() ? " (all)" : "");
    return sets;
}

}  // namespace sbx::sandbox
