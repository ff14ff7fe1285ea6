// init.cpp — see init.hpp. A signalfd loop: no handlers, no global state,
// nothing that can interrupt the reaping.
#include "init/init.hpp"

#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::init {
namespace {

constexpr int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

int shell_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

}  // namespace

sigset_t forwarded_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : kForwarded) sigaddset(&set, sig);
    return set;
}

sigset_t block_supervised_signals() {
    sigset_t set = forwarded_signals();
    sigaddset(&set, SIGCHLD);
    sigset_t old;
    if (::sigprocmask(SIG_BLOCK, &set, &old) != 0) sys::throw_errno("sigprocmask");
    return old;
}

int supervise(pid_t child, bool forward_terminal_signals) {
    sigset_t set = forwarded_signals();
    sigaddset(&set, SIGCHLD);
    sys::UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
    if (!sfd) sys::throw_errno("signalfd");

    for (;;) {
        // Reap before reading: SIGCHLDs coalesce, and the child may be gone
        // before the first read.
        for (;;) {
            int status = 0;
            pid_t pid = ::waitpid(-1, &status, WNOHANG);
            if (pid == child) return shell_status(status);
            if (pid > 0) continue;
            if (pid < 0 && errno == EINTR) continue;
            if (pid < 0 && errno == ECHILD) sys::throw_errno("waitpid " + std::to_string(child));
            break;
        }
        struct signalfd_siginfo info {};
        ssize_t n = ::read(sfd.get(), &info, sizeof info);
        if (n < 0 && errno == EINTR) continue;
        if (n != sizeof info) sys::throw_errno("read signalfd");
        const int sig = static_cast<int>(info.ssi_signo);
        if (sig == SIGCHLD) continue;
        if (!forward_terminal_signals && info.ssi_code == SI_KERNEL) continue;
        spdlog::debug("forward signal {} to {}", sig, child);
        ::kill(child, sig);
    }
}

}  // namespace sbx::init
