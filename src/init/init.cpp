// init.cpp — see init.hpp. A signalfd/timerfd poll loop: no handlers, no
// global state, nothing that can interrupt the reaping.
#include "init/init.hpp"

#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>

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

// Reaps every child that has exited; returns the status of `child` once it has.
std::optional<int> reap(pid_t child) {
    for (;;) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid == child) return shell_status(status);
        if (pid > 0) continue;
        if (pid < 0 && errno == EINTR) continue;
        if (pid < 0 && errno == ECHILD) sys::throw_errno("waitpid " + std::to_string(child));
        return std::nullopt;
    }
}

// A one-shot CLOCK_MONOTONIC timer; no descriptor when `seconds` is 0.
sys::UniqueFd make_timer(uint64_t seconds) {
    if (seconds == 0) return {};
    sys::UniqueFd fd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    if (!fd) sys::throw_errno("timerfd_create");
    struct itimerspec when {};
    when.it_value.tv_sec = static_cast<time_t>(seconds);
    if (::timerfd_settime(fd.get(), 0, &when, nullptr) != 0)
        sys::throw_errno("timerfd_settime " + std::to_string(seconds) + " s");
    return fd;
}

// The timeout's two steps: SIGTERM to the child (init forwards it to the
// target), then SIGKILL to the child, which as PID 1 takes the whole pid
// namespace with it.
void on_timer(const Supervision& what, int timer, Outcome& outcome) {
    uint64_t expirations = 0;
    if (::read(timer, &expirations, sizeof expirations) != sizeof expirations) return;
    if (!outcome.timed_out) {
        outcome.timed_out = true;
        spdlog::debug("timeout after {} s: SIGTERM to {}", what.timeout, what.child);
        ::kill(what.child, SIGTERM);
        if (what.kill_after > 0) {
            struct itimerspec when {};
            when.it_value.tv_sec = static_cast<time_t>(what.kill_after);
            if (::timerfd_settime(timer, 0, &when, nullptr) == 0) return;
        }
    }
    spdlog::debug("SIGKILL to {}", what.child);
    ::kill(what.child, SIGKILL);
}

void on_signal(const Supervision& what, const signalfd_siginfo& info) {
    const int sig = static_cast<int>(info.ssi_signo);
    if (sig == SIGCHLD) return;
    if (sig == SIGWINCH) {
        // The kernel tells the inner terminal's foreground group itself
        // when the proxy copies the new size; forwarding would be a lie.
        if (what.io) what.io->resized();
        return;
    }
    if (sig == SIGCONT) {
        if (what.io) what.io->continued();
        return;
    }
    if (!what.forward_terminal_signals && info.ssi_code == SI_KERNEL) return;
    spdlog::debug("forward signal {} to {}", sig, what.child);
    ::kill(what.child, sig);
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

Outcome supervise(const Supervision& what) {
    sigset_t set = forwarded_signals();
    sigaddset(&set, SIGCHLD);
    if (what.io) {
        sigaddset(&set, SIGWINCH);
        // Blocked, SIGCONT still continues the process; it is only queued
        // for the signalfd as well.
        sigaddset(&set, SIGCONT);
        if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) sys::throw_errno("sigprocmask SIGWINCH SIGCONT");
    }
    sys::UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!sfd) sys::throw_errno("signalfd");
    sys::UniqueFd timer = make_timer(what.timeout);

    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(what.return_after_ms);

    Outcome outcome;
    std::vector<pollfd> fds;
    for (;;) {
        // Reap before waiting: SIGCHLDs coalesce, and the child may be gone
        // before the first poll.
        if (std::optional<int> status = reap(what.child)) {
            if (what.io) what.io->drain();
            outcome.status = *status;
            return outcome;
        }
        fds.assign({{sfd.get(), POLLIN, 0}, {timer.get(), POLLIN, 0}});  // a negative fd is skipped
        if (what.io) what.io->add_pollfds(fds);
        int wait_ms = -1;
        if (what.return_after_ms > 0) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) {
                outcome.running = true;
                return outcome;
            }
            wait_ms = static_cast<int>(left);
        }
        if (::poll(fds.data(), fds.size(), wait_ms) < 0) {
            if (errno == EINTR) continue;
            sys::throw_errno("poll");
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info {};
            while (::read(sfd.get(), &info, sizeof info) == sizeof info) on_signal(what, info);
        }
        if (fds[1].revents & POLLIN) on_timer(what, timer.get(), outcome);
        if (what.io) what.io->handle(fds.data() + 2, fds.size() - 2);
    }
}

}  // namespace sbx::init
