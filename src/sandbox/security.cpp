// security.cpp — capabilities and no_new_privs, with libcap.
#include "sandbox/security.hpp"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {
namespace {

using CapPtr = std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void*)>;

std::vector<cap_value_t> cap_values(const std::vector<std::string>& names) {
    std::vector<cap_value_t> out;
    for (const auto& name : names) {
        cap_value_t value = 0;
        // The plan builder validated the names; a libcap that does not know
        // one (older than the kernel table) must not silently drop it.
        if (cap_from_name(name.c_str(), &value) != 0)
            throw Error(ErrorKind::Setup, "libcap does not know capability " + name, EINVAL);
        out.push_back(value);
    }
    return out;
}

}  // namespace

void drop_capabilities(const std::vector<std::string>& keep) {
    spdlog::debug("drop capabilities{}", keep.empty() ? " (all)" : "");
    std::vector<cap_value_t> kept = cap_values(keep);
    auto is_kept = [&](cap_value_t cap) { return std::find(kept.begin(), kept.end(), cap) != kept.end(); };

    // The bounding set first: once it is empty, an execve as uid 0 inside
    // the namespace gains nothing. Dropping it needs CAP_SETPCAP, which we
    // still hold in our user namespace.
    const int last = static_cast<int>(cap_max_bits());
    for (cap_value_t cap = 0; cap < last; ++cap) {
        if (is_kept(cap)) continue;
        if (cap_drop_bound(cap) != 0 && errno != EINVAL)
            sys::throw_errno("drop capability " + std::to_string(cap) + " from the bounding set");
    }
    // One call (libcap's cap_reset_ambient first asks about each capability
    // in turn: 41 system calls). EINVAL: a kernel older than 4.3 has no
    // ambient set to clear.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        sys::throw_errno("clear the ambient capability set");

    CapPtr wanted(cap_init(), cap_free);
    if (!wanted) sys::throw_errno("cap_init");
    if (!kept.empty()) {
        const int n = static_cast<int>(kept.size());
        for (cap_flag_t flag : {CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE})
            if (cap_set_flag(wanted.get(), flag, n, kept.data(), CAP_SET) != 0) sys::throw_errno("cap_set_flag");
    }
    if (cap_set_proc(wanted.get()) != 0) sys::throw_errno("set the capability sets");
    // Ambient, so that a kept capability survives execve for a non-root uid.
    for (cap_value_t cap : kept)
        if (cap_set_ambient(cap, CAP_SET) != 0) sys::throw_errno("raise ambient capability " + std::to_string(cap));

    // Verify rather than trust: a partly dropped set must not run the target.
    CapPtr now(cap_get_proc(), cap_free);
    if (!now || cap_compare(now.get(), wanted.get()) != 0)
        throw Error(ErrorKind::Setup, "capabilities differ from the plan after dropping them", EPERM);
    for (cap_value_t cap = 0; cap < last; ++cap) {
        if (cap_get_bound(cap) > 0 && !is_kept(cap))
            throw Error(ErrorKind::Setup, "capability " + std::to_string(cap) + " is still in the bounding set", EPERM);
    }
}

void set_no_new_privs() {
    spdlog::debug("set no_new_privs");
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) sys::throw_errno("prctl(PR_SET_NO_NEW_PRIVS)");
    if (::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
        throw Error(ErrorKind::Setup, "no_new_privs is not set after setting it", EPERM);
}

}  // namespace sbx::sandbox
