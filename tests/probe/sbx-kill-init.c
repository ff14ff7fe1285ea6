// sbx-kill-init — SIGKILLs the sandbox's first process (its PID 1) at
// random moments of its setup, N times, and checks how each launcher ends.
// Run on the host (tests/integration/suites/robustness.sh).
//
//   sbx-kill-init N MAX_DELAY_US SBX [SBX ARGS...]
//
// For each launch: starts SBX ARGS (stdout and stderr to /dev/null), waits
// until the launcher has a child, lets it run a random 0..MAX_DELAY_US µs,
// SIGKILLs it, and waits up to 10 s for the launcher. A launcher must exit
// 125 (setup failed), 137 (its sandbox was killed) or 0 (the sandbox was
// done first): a crash or a hang is a failure. Prints one line of counts,
// "late=K": how many kills landed after the child had made itself
// non-dumpable (late in setup: after pivot_root, or in sbx-init), so that
// the caller can check the kills spread over the setup. Exits 0 when every
// launcher ended well.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static void pause_us(long us) {
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

// The launcher's first live child, or 0 while it has none.
static pid_t first_child(pid_t parent) {
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", parent, parent);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    return (pid_t)atol(buf);
}

// Still dumpable: its /proc/PID/exe is readable by its own user.
static int dumpable(pid_t pid) {
    char path[64], target[256];
    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    return readlink(path, target, sizeof target) > 0;
}

int main(int argc, char** argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: sbx-kill-init N MAX_DELAY_US SBX [ARGS...]\n");
        return 2;
    }
    const long n = atol(argv[1]), max_delay = atol(argv[2]);
    srand((unsigned)(now_us() ^ getpid()));
    long ok125 = 0, ok137 = 0, ok0 = 0, late = 0, other = 0, crashed = 0, hung = 0, no_child = 0;
    for (long i = 0; i < n; ++i) {
        pid_t sbx = fork();
        if (sbx < 0) return perror("fork"), 2;
        if (sbx == 0) {
            int null = open("/dev/null", O_RDWR);
            dup2(null, 0), dup2(null, 1), dup2(null, 2);
            execv(argv[3], argv + 3);
            _exit(99);
        }
        pid_t child = 0;
        const long start = now_us();
        while ((child = first_child(sbx)) == 0 && now_us() - start < 5000000) {
            int st;
            if (waitpid(sbx, &st, WNOHANG) == sbx) {  // done before we saw its child
                sbx = -st - 1;
                break;
            }
        }
        if (child > 0) {
            pause_us(max_delay > 0 ? rand() % (max_delay + 1) : 0);
            if (!dumpable(child)) ++late;
            kill(child, SIGKILL);
        } else {
            ++no_child;
        }
        int status = 0;
        if (sbx >= 0) {
            const long waited = now_us();
            pid_t r;
            while ((r = waitpid(sbx, &status, WNOHANG)) == 0 && now_us() - waited < 10000000) pause_us(1000);
            if (r == 0) {
                ++hung;
                kill(sbx, SIGKILL);
                waitpid(sbx, &status, 0);
                continue;
            }
        } else {
            status = -(sbx + 1);
        }
        if (WIFSIGNALED(status)) {
            ++crashed;
            fprintf(stderr, "launch %ld: the launcher died of signal %d\n", i, WTERMSIG(status));
        } else if (WEXITSTATUS(status) == 125) {
            ++ok125;
        } else if (WEXITSTATUS(status) == 137) {
            ++ok137;
        } else if (WEXITSTATUS(status) == 0) {
            ++ok0;
        } else {
            ++other;
            fprintf(stderr, "launch %ld: the launcher exited %d\n", i, WEXITSTATUS(status));
        }
    }
    printf("launches=%ld exit125=%ld exit137=%ld exit0=%ld late=%ld no_child=%ld other=%ld crashed=%ld hung=%ld\n", n,
           ok125, ok137, ok0, late, no_child, other, crashed, hung);
    return other == 0 && crashed == 0 && hung == 0 ? 0 : 1;
}
