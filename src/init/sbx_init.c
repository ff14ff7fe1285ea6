/* sbx_init.c — the small resident supervisor: sbx-init and sbx-supervise.
 *
 * Once the sandbox runs, two processes stay alive for its whole life: the
 * launcher on the host and PID 1 inside. Both only wait for one child,
 * forward signals to it and exit with its status; PID 1 also reaps every
 * orphan. Staying as copies of the C++ sbx would keep its whole image
 * resident twice, so both exec this program, which runs the same loop
 * (supervise.c) linked with nothing else:
 *
 *   sbx-init init CHILD_PID FORWARD_TERMINAL_SIGNALS      (the sandbox's PID 1)
 *   sbx-supervise monitor CHILD_PID FORWARD_TERMINAL_SIGNALS  (the launcher)
 *
 * One program under two names, because a process's name (/proc/PID/comm) is
 * that of the file it exec'd: PID 1 shows as sbx-init from its first instant.
 * The caller has blocked SIGCHLD and the forwarded signals; the mask is kept
 * across execve, so none is lost before the signalfd exists. A required part
 * of the install: sbx refuses to start a sandbox without it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "init/supervise.h"

static int usage(void) {
    fputs("usage: sbx-init init|monitor CHILD_PID 0|1 (run by sbx, not by hand)\n", stderr);
    return 2;
}

int main(int argc, char** argv) {
    /* exec made us dumpable again. Not dumpable, the monitor (in the host's
     * user namespace) is out of reach of the user's other unprivileged
     * processes, and the sandbox's PID 1 out of the target's, which has no
     * capability in the namespace. PID 1 is not out of reach of the user's
     * processes on the host: they own the sandbox's user namespace and so
     * hold CAP_SYS_PTRACE over it (Yama checks that same capability: only
     * ptrace_scope 3 stops them). See SECURITY in sbx(1). */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        fprintf(stderr, "sbx: supervise: prctl(PR_SET_DUMPABLE, 0): %s\n", strerror(errno));
        return 125;
    }
    if (argc != 4 || (strcmp(argv[1], "init") != 0 && strcmp(argv[1], "monitor") != 0)) return usage();
    char* end = NULL;
    errno = 0;
    const long child = strtol(argv[2], &end, 10);
    if (errno != 0 || end == argv[2] || *end != '\0' || child <= 0 || child > 0x3fffffff) return usage();
    if (strcmp(argv[3], "0") != 0 && strcmp(argv[3], "1") != 0) return usage();

    struct sbx_supervision what;
    memset(&what, 0, sizeof what);
    what.child = (pid_t)child;
    what.forward_terminal_signals = argv[3][0] == '1';
    struct sbx_outcome outcome;
    sbx_supervise(&what, &outcome);
    if (outcome.end == SBX_CHILD_EXITED) return outcome.status;
    /* ECHILD: the pid is not our child (run by hand). 125: sbx's "setup failed". */
    fprintf(stderr, "sbx: supervise: %s: %s\n", outcome.failed_call ? outcome.failed_call : "?",
            strerror(outcome.error));
    return 125;
}
