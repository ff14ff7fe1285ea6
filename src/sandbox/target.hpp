// target.hpp — the target's last steps: session and terminal, working
// directory, limits, capabilities, no_new_privs, Landlock, seccomp, execve.
//
// The sandbox's PID 1 prepares all of it (prepare_target: it allocates,
// throws, logs), then starts the target with a clone that shares its memory
// and waits (CLONE_VM|CLONE_VFORK, as posix_spawn does): no page tables to
// copy, no copy-on-write fault on either side. The target's side is a flat
// list of raw system calls on what was prepared: it allocates nothing,
// throws nothing, logs nothing and writes no memory of PID 1's but its own
// stack (and errno, which PID 1 does not read afterwards), so it is safe
// whatever the moment it stops, SIGKILL included.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <array>
#include <string>
#include <vector>

#include "core/plan.hpp"
#include "sandbox/limits.hpp"
#include "sandbox/seccomp.hpp"
#include "sandbox/security.hpp"
#include "sys/unique_fd.hpp"

namespace sbx::sandbox {

struct PreparedTarget {
    int sync = -1;  // the handshake socket: SetupFailed / ExecFailed frames
    mode_t umask = 022;
    int pty_slave = -1;  // >= 0: a new session on it, onto the fds of on_pty
    std::array<bool, 3> on_pty{};
    bool new_session = true;  // (without a pty) setsid
    std::string chdir;
    std::vector<PreparedRlimit> rlimits;
    CapabilitySets caps;
    sys::UniqueFd landlock;  // the ruleset to restrict with; none: Landlock off
    bool seccomp = false;
    sock_fprog seccomp_program{};  // points into the SeccompProgram, which outlives the clone
    // execvp's search, done beforehand: each path to try in order, with
    // the argv for /bin/sh should the kernel not know the file's format
    // (ENOEXEC: a script without "#!"), as execvp does.
    std::vector<std::string> candidates;
    std::vector<std::vector<char*>> shell_argvs;
    int search_error = 0;  // no candidate at all: this errno (ENOENT, ENAMETOOLONG)
    std::vector<char*> argv;
    std::vector<char*> envp;
    std::string name;  // argv[0], for "NAME: No such file or directory"
    // Every message the target may report, written beforehand.
    struct {
        std::string chdir, cwd_outside, caps_differ, bound_left, nnp_unset;
    } messages;
};

// In PID 1, after pivot_root. Throws Setup.
PreparedTarget prepare_target(const core::SandboxPlan& plan, const SeccompProgram& seccomp, mode_t caller_umask,
                              int pty_slave, int sync);

// Starts the target (CLONE_VM|CLONE_VFORK) and returns once it has exec'd
// or exited: its pid, or -1 with errno. A failed step sends a SetupFailed
// frame (the step, errno) on `sync` and exits 125; a failed execve sends
// ExecFailed and exits 127 (not found) or 126, like a shell. `sync` is
// close-on-exec: a successful execve closes it, which is how the launcher
// learns that the command runs.
pid_t spawn_target(const PreparedTarget& target);

}  // namespace sbx::sandbox
