// security.cpp — capabilities and no_new_privs, with libcap.
#include "sandbox/security.hpp"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cerrno>
#include <memory>

#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {

void drop_all_capabilities() {
    spdlog::debug("drop all capabilities");
    // The bounding set first: once it is empty, an execve as uid 0 inside
    // the namespace gains nothing. Dropping it needs CAP_SETPCAP, which we
    // still hold in our user namespace.
    const int last = static_cast<int>(cap_max_bits());
    for (int cap = 0; cap < last; ++cap) {
        if (cap_drop_bound(static_cast<cap_value_t>(cap)) != 0 && errno != EINVAL)
            sys::throw_errno("drop capability " + std::to_string(cap) + " from the bounding set");
    }
    if (cap_reset_ambient() != 0 && errno != EINVAL) sys::throw_errno("clear the ambient capability set");

    std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void*)> empty(cap_init(), cap_free);
    if (!empty) sys::throw_errno("cap_init");
    if (cap_set_proc(empty.get()) != 0) sys::throw_errno("clear the capability sets");

    // Verify rather than trust: a partially dropped set must not run the target.
    std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void*)> now(cap_get_proc(), cap_free);
    if (!now || cap_compare(now.get(), empty.get()) != 0)
        throw Error(ErrorKind::Setup, "capabilities are still held after dropping them", EPERM);
    for (int cap = 0; cap < last; ++cap) {
        if (cap_get_bound(static_cast<cap_value_t>(cap)) > 0)
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
