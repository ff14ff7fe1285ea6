// target.cpp — see target.hpp. Runs in a fork of the sandbox's PID 1 (its
// own copy of memory), after the root is built and pivoted into.
#include "sandbox/target.hpp"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

#include "log/log.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/limits.hpp"
#include "sandbox/pty.hpp"
#include "sandbox/security.hpp"
#include "sys/sync_channel.hpp"
#include "sys/syscalls.hpp"

extern char** environ;

namespace sbx::sandbox {
namespace {

constexpr int kSetupFailed = 125;
constexpr int kCannotExecute = 126;
constexpr int kNotFound = 127;

}  // namespace

void exec_target(const core::SandboxPlan& plan, const SeccompProgram& seccomp, mode_t caller_umask, int pty_slave,
                 int sync) {
    try {
        // A fresh signal mask: the supervised signals were blocked only for
        // the supervisors' signalfd.
        sigset_t none;
        sigemptyset(&none);
        if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) sys::throw_errno("sigprocmask");
        ::umask(caller_umask);
        if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) sys::throw_errno("prctl(PR_SET_PDEATHSIG)");
        if (pty_slave >= 0) {
            // Its own session on the sandbox's pty: job control works, and
            // the launching terminal is out of reach all the same.
            attach_terminal(pty_slave, plan.terminal.on_pty);
        } else if (plan.new_session) {
            // The target cannot reach the launching terminal (TIOCSTI).
            spdlog::debug("setsid");
            if (::setsid() < 0) sys::throw_errno("setsid");
        }
        spdlog::debug("chdir {}", plan.chdir);
        if (::chdir(plan.chdir.c_str()) != 0) sys::throw_errno("chdir " + plan.chdir);
        // The working directory must lie inside the new root: a descriptor
        // leaked from the host as cwd would make getcwd() "(unreachable)"
        // (runc CVE-2024-21626).
        char cwd[4096];
        if (::getcwd(cwd, sizeof cwd) == nullptr || cwd[0] != '/')
            throw Error(ErrorKind::Setup, "the working directory " + plan.chdir + " is outside the sandbox", EACCES);
        apply_rlimits(plan.rlimits);
        drop_capabilities(plan.keep_caps);
        set_no_new_privs();
        apply_landlock(plan.landlock);

        std::vector<char*> argv;
        for (const auto& word : plan.argv) argv.push_back(const_cast<char*>(word.c_str()));
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (const auto& kv : plan.env) envp.push_back(const_cast<char*>(kv.c_str()));
        envp.push_back(nullptr);
        spdlog::debug("execvp {}", plan.argv[0]);
        // execvp searches the PATH of `environ`, which must be the sandbox's.
        environ = envp.data();
        // The report of a failed exec, ready before the filter is in place.
        std::string failure = plan.argv[0] + ": ";
        failure.reserve(failure.size() + 64);
        // Last, right before execve: from here on every system call of this
        // process is filtered, so nothing of sbx's own may follow but the exec
        // (and, if it fails, the one frame that reports it and _exit).
        install_seccomp(seccomp);
        ::execvp(argv[0], argv.data());
        const int err = errno;
        failure += std::strerror(err);
        sys::send_frame(sync, sys::Frame::ExecFailed, err, failure);
        ::_exit(err == ENOENT || err == ENOTDIR ? kNotFound : kCannotExecute);
    } catch (const std::exception& e) {
        sys::send_frame(sync, sys::Frame::SetupFailed, 0, e.what());
    }
    ::_exit(kSetupFailed);
}

}  // namespace sbx::sandbox
