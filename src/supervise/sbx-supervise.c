// sbx-supervise.c — the resident half of sbx, as small as it can be.
//
// Once the sandbox is built, two processes stay alive for its whole life:
// the launcher on the host and PID 1 inside. Both only wait for one child,
// forward signals to it and exit with its status; PID 1 also reaps every
// orphan. Staying as copies of the C++ sbx kept its whole image resident
// twice, so both exec this small C program instead (sbx falls back to its
// own loop when this file is not installed).
//
//   sbx-supervise init|monitor CHILD_PID FORWARD_TERMINAL_SIGNALS
//
// The caller has blocked SIGCHLD and the forwarded signals; the mask is
// kept across execve, so none is lost before the signalfd exists.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void fail(const char* what) {
    fprintf(stderr, "sbx: supervise: %s: %s\n", what, strerror(errno));
    _exit(125);
}

static int shell_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

int main(int argc, char** argv) {
    // exec made us dumpable again: neither the target nor anything else of
    // the user's may ptrace the sandbox's PID 1 or read its memory.
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) fail("prctl(PR_SET_DUMPABLE)");
    char* end = NULL;
    if (argc != 4) {
        fprintf(stderr, "usage: sbx-supervise init|monitor CHILD_PID 0|1 (run by sbx, not by hand)\n");
        return 2;
    }
    if (strcmp(argv[1], "init") != 0 && strcmp(argv[1], "monitor") != 0) return 2;
    const long child_arg = strtol(argv[2], &end, 10);
    if (*end != '\0' || child_arg <= 0) return 2;
    const pid_t child = (pid_t)child_arg;
    const int forward_terminal_signals = strcmp(argv[3], "1") == 0;

    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof kForwarded / sizeof kForwarded[0]; ++i) sigaddset(&set, kForwarded[i]);
    sigaddset(&set, SIGCHLD);
    const int sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd < 0) fail("signalfd");

    for (;;) {
        // Reap before reading: SIGCHLDs coalesce, and the child may be gone
        // before the first read.
        for (;;) {
            int status = 0;
            const pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid == child) return shell_status(status);
            if (pid > 0 || (pid < 0 && errno == EINTR)) continue;
            if (pid < 0 && errno == ECHILD) fail("waitpid");
            break;
        }
        struct signalfd_siginfo info;
        const ssize_t n = read(sfd, &info, sizeof info);
        if (n < 0 && errno == EINTR) continue;
        if (n != (ssize_t)sizeof info) fail("read signalfd");
        if ((int)info.ssi_signo == SIGCHLD) continue;
        // ^C from a terminal the target shares already reached it.
        if (!forward_terminal_signals && info.ssi_code == SI_KERNEL) continue;
        kill(child, (int)info.ssi_signo);
    }
}
