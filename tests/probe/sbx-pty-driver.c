/* sbx-pty-driver.c — runs a command on a new pseudo-terminal, as a user's
 * terminal would, and plays a script against it; for tests of sbx --pty.
 *
 *   sbx-pty-driver [-T SECONDS] [-j|-b] STEP... -- COMMAND [ARG...]
 *
 * Without -j or -b the command is the terminal's session leader. With -j the
 * driver is a shell with job control: it leads the session, the command runs
 * in a process group of its own in the foreground; -b starts it in the
 * background instead (`COMMAND &`).
 *
 * Steps, in order:
 *   send:TEXT       write TEXT to the terminal (C escapes: \n \r \t \\ \xHH)
 *   expect:TEXT     wait until the output since the last expect contains TEXT
 *   resize:RxC      set the terminal's size to R rows, C columns (TIOCSWINSZ;
 *                   the kernel sends SIGWINCH to its foreground group)
 *   signal:N        send signal number N to the command
 *   mode            print "mode: icanon=I echo=E isig=S" for the terminal
 *   sleep:MS        wait MS milliseconds (copying output meanwhile)
 *   wait            wait for the command to exit; print "exit: STATUS"
 *                   (with -j/-b the driver then takes the foreground back)
 *   bg              (-j) the driver takes the foreground; the command runs on
 *                   in the background, as after ^Z and `bg`
 *   fg              (-j) the command's group gets the foreground and SIGCONT
 *   shell-mode      give the terminal back the mode it had at the start, as a
 *                   shell does when its foreground job stops
 *   state           print "state: ..." (termios flags, line discipline,
 *                   exclusive mode, whether the terminal can be opened again)
 *   shell-read:TEXT read the terminal as its shell would, up to 2 s; print
 *                   "shell: got TEXT" or "shell: missed TEXT (read 'WHAT')"
 *
 * The command's output goes to stdout as it arrives; the driver's own lines
 * go to stderr. Exit status: 0, 3 when an expect timed out, 4 when the
 * command did not exit in time (it is then killed), 2 for bad usage. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master = -1, slave = -1;
static pid_t child = -1;
static int exited = 0, status = 0;
static char seen[65536];
static size_t seen_len = 0;
static double limit_s = 10;
static int job_control = 0, background = 0;
static struct termios initial_mode;

#ifndef TIOCGEXCL
#define TIOCGEXCL _IOR('T', 0x40, int)
#endif

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void reap(void) {
    if (!exited && waitpid(child, &status, WNOHANG) == child) exited = 1;
}

/* Copies what the terminal has for up to `ms` milliseconds (0: what is there). */
static void pump(int ms) {
    struct pollfd pfd = {master, POLLIN, 0};
    if (poll(&pfd, 1, ms) <= 0) {
        reap();
        return;
    }
    char buf[4096];
    ssize_t n = read(master, buf, sizeof buf);
    if (n > 0) {
        fwrite(buf, 1, (size_t)n, stdout);
        fflush(stdout);
        size_t room = sizeof seen - 1 - seen_len;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(seen + seen_len, buf, take);
        seen_len += take;
        seen[seen_len] = 0;
    }
    reap();
}

/* Everything the terminal still holds, once the command has exited: a read,
 * unlike poll, first pushes what the kernel still buffers between the two
 * sides, so that the command's last line is not lost. */
static void drain(void) {
    int flags = fcntl(master, F_GETFL);
    fcntl(master, F_SETFL, flags | O_NONBLOCK);
    char buf[4096];
    ssize_t n;
    while ((n = read(master, buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t)n, stdout);
        size_t room = sizeof seen - 1 - seen_len;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(seen + seen_len, buf, take);
        seen_len += take;
        seen[seen_len] = 0;
    }
    fflush(stdout);
    fcntl(master, F_SETFL, flags);
}

static size_t unescape(const char* in, char* out) {
    size_t n = 0;
    for (; *in; ++in) {
        if (*in != '\\' || !in[1]) {
            out[n++] = *in;
            continue;
        }
        ++in;
        switch (*in) {
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'x': {
            char hex[3] = {in[1], in[1] ? in[2] : 0, 0};
            out[n++] = (char)strtol(hex, NULL, 16);
            in += strlen(hex);
            break;
        }
        default: out[n++] = *in;
        }
    }
    return n;
}

static int step(const char* s) {
    char buf[4096];
    if (!strncmp(s, "send:", 5)) {
        size_t n = unescape(s + 5, buf);
        if (write(master, buf, n) != (ssize_t)n) perror("write");
    } else if (!strncmp(s, "expect:", 7)) {
        size_t n = unescape(s + 7, buf);
        buf[n] = 0;
        double end = now() + limit_s;
        while (!strstr(seen, buf)) {
            if (now() > end) {
                fprintf(stderr, "driver: timed out waiting for \"%s\"\n", s + 7);
                return 3;
            }
            pump(50);
            if (exited) drain();
            if (exited && !strstr(seen, buf)) {
                fprintf(stderr, "driver: the command exited before \"%s\"\n", s + 7);
                return 3;
            }
        }
        seen_len = 0;
        seen[0] = 0;
    } else if (!strncmp(s, "resize:", 7)) {
        struct winsize ws = {0};
        if (sscanf(s + 7, "%hux%hu", &ws.ws_row, &ws.ws_col) != 2) return 2;
        if (ioctl(master, TIOCSWINSZ, &ws) != 0) perror("TIOCSWINSZ");
    } else if (!strncmp(s, "signal:", 7)) {
        kill(child, atoi(s + 7));
    } else if (!strcmp(s, "mode")) {
        struct termios t;
        if (tcgetattr(slave, &t) != 0) {
            perror("tcgetattr");
            return 2;
        }
        fprintf(stderr, "mode: icanon=%d echo=%d isig=%d\n", !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO),
                !!(t.c_lflag & ISIG));
    } else if (!strcmp(s, "bg") || !strcmp(s, "fg")) {
        pid_t group = !strcmp(s, "fg") ? child : getpgrp();
        if (!job_control || tcsetpgrp(slave, group) != 0) {
            perror(s);
            return 2;
        }
        if (group == child) kill(-child, SIGCONT);
    } else if (!strcmp(s, "shell-mode")) {
        if (tcsetattr(slave, TCSANOW, &initial_mode) != 0) perror("shell-mode");
    } else if (!strcmp(s, "state")) {
        struct termios t;
        int ldisc = -1, excl = -1;
        if (tcgetattr(slave, &t) != 0 || ioctl(slave, TIOCGETD, &ldisc) != 0 || ioctl(slave, TIOCGEXCL, &excl) != 0) {
            fprintf(stderr, "state: unreadable (%s)\n", strerror(errno));
            return 0;
        }
        int again = open(ptsname(master), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        const char* reopen = again >= 0 ? "OK" : strerrorname_np(errno);
        if (again >= 0) close(again);
        fprintf(stderr, "state: iflag=%o oflag=%o cflag=%o lflag=%o ldisc=%d excl=%d reopen=%s\n", t.c_iflag, t.c_oflag,
                t.c_cflag, t.c_lflag, ldisc, excl, reopen);
    } else if (!strncmp(s, "shell-read:", 11)) {
        size_t n = unescape(s + 11, buf);
        buf[n] = 0;
        char got[4096];
        size_t len = 0;
        got[0] = 0;
        double end = now() + 2;
        /* Non-blocking: another reader (the sandbox, before the fix) may
         * take the line between poll and read. */
        int flags = fcntl(slave, F_GETFL);
        fcntl(slave, F_SETFL, flags | O_NONBLOCK);
        while (!strstr(got, buf) && now() < end && len < sizeof got - 1) {
            struct pollfd pfd = {slave, POLLIN, 0};
            pump(0);
            if (poll(&pfd, 1, 20) != 1) continue;
            ssize_t r = read(slave, got + len, sizeof got - 1 - len);
            if (r < 0 && errno == EAGAIN) continue;
            if (r <= 0) break;
            len += (size_t)r;
            got[len] = 0;
        }
        fcntl(slave, F_SETFL, flags);
        for (char* c = got; *c; ++c)
            if (*c == '\n' || *c == '\r') *c = ' ';
        if (strstr(got, buf))
            fprintf(stderr, "shell: got %s\n", s + 11);
        else
            fprintf(stderr, "shell: missed %s (read '%s')\n", s + 11, got);
    } else if (!strncmp(s, "sleep:", 6)) {
        double end = now() + atoi(s + 6) / 1000.0;
        while (now() < end) pump(20);
    } else if (!strcmp(s, "wait")) {
        double end = now() + limit_s;
        while (!exited && now() < end) pump(50);
        if (!exited) {
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            fprintf(stderr, "driver: the command did not exit within %g s\n", limit_s);
            return 4;
        }
        drain();
        if (WIFEXITED(status))
            fprintf(stderr, "exit: %d\n", WEXITSTATUS(status));
        else
            fprintf(stderr, "exit: signal %d\n", WTERMSIG(status));
        if (job_control && tcsetpgrp(slave, getpgrp()) != 0) perror("tcsetpgrp (the shell)");
    } else {
        fprintf(stderr, "driver: unknown step \"%s\"\n", s);
        return 2;
    }
    return 0;
}

int main(int argc, char** argv) {
    int first = 1;
    if (argc > 2 && !strcmp(argv[1], "-T")) {
        limit_s = atof(argv[2]);
        first = 3;
    }
    if (first < argc && (!strcmp(argv[first], "-j") || !strcmp(argv[first], "-b"))) {
        job_control = 1;
        background = !strcmp(argv[first], "-b");
        ++first;
    }
    int dash = first;
    while (dash < argc && strcmp(argv[dash], "--")) ++dash;
    if (dash + 1 >= argc) {
        fprintf(stderr, "usage: sbx-pty-driver [-T SECONDS] STEP... -- COMMAND [ARG...]\n");
        return 2;
    }
    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) || unlockpt(master)) {
        perror("posix_openpt");
        return 2;
    }
    slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        perror("open the pty slave");
        return 2;
    }
    struct winsize ws = {24, 80, 0, 0};
    ioctl(master, TIOCSWINSZ, &ws);
    tcgetattr(slave, &initial_mode);
    if (job_control) {
        /* A shell: leads the session whose terminal this is, and, like any
         * job-control shell, ignores the signals of the terminal's job
         * control for itself. A process group leader cannot start a
         * session: then a child of ours is the shell. */
        if (getpgrp() == getpid()) {
            pid_t shell = fork();
            if (shell < 0) return 2;
            if (shell > 0) {
                int st = 0;
                waitpid(shell, &st, 0);
                return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
            }
        }
        if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0) {
            perror("setsid/TIOCSCTTY (the shell)");
            return 2;
        }
        signal(SIGTTOU, SIG_IGN);
        signal(SIGTTIN, SIG_IGN);
        signal(SIGTSTP, SIG_IGN);
    }
    child = fork();
    if (child < 0) return 2;
    if (child > 0 && job_control) {
        /* Both sides set the group, as shells do, so neither waits for the other. */
        setpgid(child, child);
        if (!background) tcsetpgrp(slave, child);
    }
    if (child == 0 && job_control) {
        setpgid(0, 0);
        if (!background) tcsetpgrp(slave, getpid());
        for (int sig = 1; sig < 32; ++sig) signal(sig, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        dup2(slave, 0);
        dup2(slave, 1);
        dup2(slave, 2);
        execvp(argv[dash + 1], argv + dash + 1);
        perror(argv[dash + 1]);
        _exit(127);
    }
    if (child == 0) {
        /* A login terminal's process: its own session, the pty as its
         * controlling terminal, in the foreground; default signals. */
        for (int sig = 1; sig < 32; ++sig) signal(sig, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        setsid();
        ioctl(slave, TIOCSCTTY, 0);
        dup2(slave, 0);
        dup2(slave, 1);
        dup2(slave, 2);
        execvp(argv[dash + 1], argv + dash + 1);
        perror(argv[dash + 1]);
        _exit(127);
    }
    /* Keep `slave` open: the mode is read through it, and the command's exit
     * is seen through waitpid, not end-of-file. */
    int rc = 0;
    for (int i = first; i < dash && rc == 0; ++i) rc = step(argv[i]);
    if (rc != 0 && !exited) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
    return rc;
}
