/* supervise.c — see supervise.h. */
#include "init/supervise.h"

#include <errno.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

void sbx_forwarded_signals(sigset_t* set) {
    sigemptyset(set);
    for (size_t i = 0; i < sizeof kForwarded / sizeof kForwarded[0]; ++i) sigaddset(set, kForwarded[i]);
}

static void trace(const struct sbx_supervision* what, const char* format, long a, long b) {
    if (what->trace == NULL) return;
    char line[128];
    snprintf(line, sizeof line, format, a, b);
    what->trace(what->trace_ctx, line);
}

static int failed(struct sbx_outcome* outcome, const char* call) {
    outcome->end = SBX_SYSCALL_FAILED;
    outcome->failed_call = call;
    outcome->error = errno;
    return 1;
}

static int shell_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

/* Reaps every child that has exited; returns 1 once `child` has (its status
 * in outcome), 0 while it runs, and 1 with SBX_SYSCALL_FAILED when waitpid
 * fails (ECHILD: the child is not ours). */
static int reap(const struct sbx_supervision* what, struct sbx_outcome* outcome) {
    for (;;) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid == what->child) {
            outcome->end = SBX_CHILD_EXITED;
            outcome->status = shell_status(status);
            return 1;
        }
        if (pid > 0 || (pid < 0 && errno == EINTR)) continue;
        if (pid < 0) return failed(outcome, "waitpid");
        return 0;
    }
}

/* The timeout's two steps: SIGTERM to the child (a PID 1 forwards it to its
 * own), then SIGKILL, which for a PID 1 takes its whole pid namespace. */
static void on_timer(const struct sbx_supervision* what, int timer, struct sbx_outcome* outcome) {
    uint64_t expirations = 0;
    if (read(timer, &expirations, sizeof expirations) != (ssize_t)sizeof expirations) return;
    if (!outcome->timed_out) {
        outcome->timed_out = 1;
        trace(what, "timeout after %ld s: SIGTERM to %ld", (long)what->timeout_s, (long)what->child);
        kill(what->child, SIGTERM);
        if (what->kill_after_s > 0) {
            struct itimerspec when = {0};
            when.it_value.tv_sec = (time_t)what->kill_after_s;
            if (timerfd_settime(timer, 0, &when, NULL) == 0) return;
        }
    }
    trace(what, "SIGKILL to %ld", (long)what->child, 0);
    kill(what->child, SIGKILL);
}

/* Returns -1 when an I/O callback asked to stop. */
static int on_signal(const struct sbx_supervision* what, const struct signalfd_siginfo* info) {
    const int sig = (int)info->ssi_signo;
    const struct sbx_io* io = what->io;
    if (sig == SIGCHLD) return 0;
    if (sig == SIGWINCH) {
        /* The kernel tells the inner terminal's foreground group itself when
         * the proxy copies the new size; forwarding would be a lie. */
        return io && io->resized ? io->resized(io->ctx) : 0;
    }
    if (sig == SIGCONT) return io && io->continued ? io->continued(io->ctx) : 0;
    if (!what->forward_terminal_signals && info->ssi_code == SI_KERNEL) return 0;
    trace(what, "forward signal %ld to %ld", sig, (long)what->child);
    kill(what->child, sig);
    return 0;
}

static void drain(const struct sbx_supervision* what, struct sbx_outcome* outcome) {
    if (what->io && what->io->drain && what->io->drain(what->io->ctx) != 0) outcome->end = SBX_IO_FAILED;
}

void sbx_supervise(const struct sbx_supervision* what, struct sbx_outcome* outcome) {
    const struct sbx_io* io = what->io;
    outcome->end = SBX_CHILD_EXITED;
    outcome->status = 0;
    outcome->timed_out = 0;
    outcome->failed_call = NULL;
    outcome->error = 0;

    sigset_t set;
    sbx_forwarded_signals(&set);
    sigaddset(&set, SIGCHLD);
    if (io) {
        sigaddset(&set, SIGWINCH);
        /* Blocked, SIGCONT still continues the process; it is only queued
         * for the signalfd as well. */
        sigaddset(&set, SIGCONT);
    }
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
        failed(outcome, "sigprocmask");
        return;
    }
    const int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) {
        failed(outcome, "signalfd");
        return;
    }
    int timer = -1;
    if (what->timeout_s > 0) {
        timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        struct itimerspec when = {0};
        when.it_value.tv_sec = (time_t)what->timeout_s;
        if (timer < 0 || timerfd_settime(timer, 0, &when, NULL) != 0) {
            failed(outcome, timer < 0 ? "timerfd_create" : "timerfd_settime");
            goto out;
        }
    }
    for (;;) {
        /* Reap before waiting: SIGCHLDs coalesce, and the child may be gone
         * before the first poll. */
        if (reap(what, outcome)) {
            if (outcome->end == SBX_CHILD_EXITED) drain(what, outcome);
            break;
        }
        struct pollfd fds[2 + SBX_IO_MAX_FDS] = {{sfd, POLLIN, 0}, {timer, POLLIN, 0}}; /* fd -1 is skipped */
        int n_io = io && io->add_pollfds ? io->add_pollfds(io->ctx, fds + 2, SBX_IO_MAX_FDS) : 0;
        if (n_io < 0) {
            outcome->end = SBX_IO_FAILED;
            break;
        }
        if (what->return_when_io_done && n_io == 0) {
            outcome->end = SBX_STILL_RUNNING;
            break;
        }
        if (poll(fds, (nfds_t)(2 + n_io), -1) < 0) {
            if (errno == EINTR) continue;
            failed(outcome, "poll");
            break;
        }
        int stop = 0;
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (!stop && read(sfd, &info, sizeof info) == (ssize_t)sizeof info) stop = on_signal(what, &info) != 0;
        }
        if (!stop && timer >= 0 && (fds[1].revents & POLLIN)) on_timer(what, timer, outcome);
        if (!stop && n_io > 0) stop = io->handle(io->ctx, fds + 2, n_io) != 0;
        if (stop) {
            outcome->end = SBX_IO_FAILED;
            break;
        }
    }
out:
    if (timer >= 0) close(timer);
    close(sfd);
}
