/* sbx-pty-driver.c — runs a command on a new pseudo-terminal, as a user's
 * terminal would, and plays a script against it; for tests of sbx --pty.
 *
 *   sbx-pty-driver [-T SECONDS] STEP... -- COMMAND [ARG...]
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

/* Once the command has exited: what it wrote last may still be on its way to
 * the master (the kernel moves pty data in a worker, later on a busy
 * machine), so a poll that finds nothing then proves nothing. Our end of the
 * slave is closed (its mode kept for "mode"): the master then reads all that
 * is left, then EIO. Bounded, in case another process still holds the slave. */
static struct termios final_mode;
static int have_final_mode = 0;
static void drain(void) {
    if (slave >= 0) {
        have_final_mode = tcgetattr(slave, &final_mode) == 0;
        close(slave);
        slave = -1;
    }
    double end = now() + 5;
    while (now() < end) {
        struct pollfd pfd = {master, POLLIN, 0};
        int r = poll(&pfd, 1, 100);
        if (r < 0 && errno != EINTR) return;
        if (r <= 0) continue;
        char buf[4096];
        ssize_t n = read(master, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return; /* EIO: every slave fd is closed and all was read */
        fwrite(buf, 1, (size_t)n, stdout);
        fflush(stdout);
        size_t room = sizeof seen - 1 - seen_len;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(seen + seen_len, buf, take);
        seen_len += take;
        seen[seen_len] = 0;
    }
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
        struct termios t = final_mode;
        if (slave < 0 ? !have_final_mode : tcgetattr(slave, &t) != 0) {
            perror("tcgetattr");
            return 2;
        }
        fprintf(stderr, "mode: icanon=%d echo=%d isig=%d\n", !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO),
                !!(t.c_lflag & ISIG));
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
        if (WIFEXITED(status)) fprintf(stderr, "exit: %d\n", WEXITSTATUS(status));
        else fprintf(stderr, "exit: signal %d\n", WTERMSIG(status));
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
    child = fork();
    if (child < 0) return 2;
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
    /* Keep `slave` open until the command has exited (see drain): the mode
     * is read through it, and the command's exit is seen through waitpid,
     * not end-of-file. */
    int rc = 0;
    for (int i = first; i < dash && rc == 0; ++i) rc = step(argv[i]);
    if (rc != 0 && !exited) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
    return rc;
}
