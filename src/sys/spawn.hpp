// spawn.hpp — start a child the way posix_spawn does: it runs on its own
// stack in this process's memory (CLONE_VM) while this process waits
// (CLONE_VFORK) until the child calls execve or exits.
//
// Why: fork() of a process the size of sbx copies its page tables and then
// takes a copy-on-write fault for every page either side touches; in a VM
// that is several milliseconds per fork, the largest single cost of a
// launch. A CLONE_VM child copies nothing.
//
// The rules a CLONE_VM child must keep (posix_spawn's own): it ends only in
// execve or _exit (never exit(), never returning into the caller's frames),
// and it must not change objects the parent will use afterwards. Both the
// parent's UniqueFd objects and `environ` count: the child closes raw
// descriptors only, and spawn_shared() restores `environ` after the child
// has gone (execvp searches the PATH of `environ`, so the child sets it).
#pragma once

#include <sys/types.h>

#include <type_traits>

namespace sbx::sys {

namespace detail {
long spawn_shared(unsigned long flags, int (*entry)(void*), void* arg);
}

// Calls fn() in the child; fn must not return (execve or _exit). Returns
// the child's pid to the parent once the child has exec'd or exited, or
// -1 with errno set (clone's own). `flags` adds namespaces and the like to
// CLONE_VM|CLONE_VFORK|SIGCHLD.
template <class Fn>
pid_t spawn_shared(unsigned long flags, Fn&& fn) {
    using F = std::remove_reference_t<Fn>;
    auto entry = [](void* arg) -> int {
        (*static_cast<F*>(arg))();
        return 127;  // unreachable: fn ends in execve or _exit
    };
    return static_cast<pid_t>(detail::spawn_shared(flags, entry, &fn));
}

}  // namespace sbx::sys
