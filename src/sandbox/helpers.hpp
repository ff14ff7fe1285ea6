// helpers.hpp — the life cycle of helper processes (core/helpers.hpp):
// found before anything starts, started on the host before the sandbox,
// ready before the target runs, and gone with the sandbox:
//  - PR_SET_PDEATHSIG(SIGKILL) in the helper, set after the fork and
//    checked against a parent that died before it (getppid); the launcher
//    forks them from its only thread (the signal follows the thread that
//    forked, not the process), and an exec of sbx-supervise keeps them its
//    children: it reaps them and its exit kills them;
//  - a pidfd in the launcher, which kills and reaps them when the sandbox
//    ends (no pid reuse can make it signal a stranger);
//  - for a SyncByte helper, the other end of its sync pipe held by the
//    sandbox's PID 1, so it exits when the sandbox ends, however that is
//    (sbx SIGKILLed included).
// Also the instance folder those helpers keep their sockets in.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/plan.hpp"
#include "sys/unique_fd.hpp"

namespace sbx::sandbox {

// Throws (Setup, one line naming the Debian package) when a helper's
// program is not in the launcher's PATH. Called before anything is created.
void check_helpers_installed(const std::vector<core::HelperPlan>& helpers);

// $XDG_RUNTIME_DIR/sbx, created (0700) or opened, never through a
// symlink, refused unless the user owns it.
sys::UniqueFd open_instance_root(const std::string& root);

// $XDG_RUNTIME_DIR/sbx/<pid>: created 0700 (and $XDG_RUNTIME_DIR/sbx
// 0700, never through a symlink, refused unless the user owns it) after
// the folders of sandboxes that are gone were removed; removed itself by
// the destructor.
class InstanceFolder {
public:
    explicit InstanceFolder(const core::InstancePlan& plan);
    ~InstanceFolder();
    InstanceFolder(const InstanceFolder&) = delete;
    InstanceFolder& operator=(const InstanceFolder&) = delete;

private:
    std::string name_;
    std::string path_;
    sys::UniqueFd root_;  // $XDG_RUNTIME_DIR/sbx
};

class Helpers {
public:
    // Starts each helper in order and waits for it to be ready; throws
    // (naming the helper; its stderr is sbx's) after stopping those started.
    explicit Helpers(const std::vector<core::HelperPlan>& plans);
    ~Helpers();  // stop()
    Helpers(const Helpers&) = delete;
    Helpers& operator=(const Helpers&) = delete;

    // The ends the sandbox's PID 1 must hold (O_CLOEXEC; see child.cpp).
    std::vector<int> sandbox_ends() const;
    // The launcher's copies, closed once the sandbox holds its own.
    void close_sandbox_ends();
    // SIGKILL through each pidfd, then reaped (if the supervision loop has
    // not reaped it already).
    void stop() noexcept;

private:
    struct Running {
        std::string name;
        pid_t pid = -1;
        sys::UniqueFd pidfd;
        sys::UniqueFd sandbox_end;
    };
    void start(const core::HelperPlan& plan);
    std::vector<Running> running_;
};

}  // namespace sbx::sandbox
