// driver.c — the benchmark's stopwatch: launches commands and times each
// launch with CLOCK_MONOTONIC around fork + exec + wait, interleaving the
// commands so that a machine slowing down affects every one alike. It also
// measures the CPU time of each launch: user + system time of the whole
// process tree.
//
//   sbx-bench-driver rounds N WARMUP SPEC...   N rounds, each runs every SPEC
//                                              once, in order; one line per
//                                              round: "NS:STATUS:CPUUS ..."
//   sbx-bench-driver batch K N SPEC...         N rounds; per SPEC, K copies
//                                              launched at once, the time until
//                                              the last exits, how many failed
//                                              and the CPU time of all K:
//                                              "NS:FAILED:CPUUS ..."
//
// CPU time: the driver is a child subreaper (PR_SET_CHILD_SUBREAPER), and
// after a launch's command has exited (the wall clock stops there) it reaps
// every other process of the tree before the next launch; the CPU time is
// the growth of getrusage(RUSAGE_CHILDREN) across the launch, which holds
// the time of every reaped child and of everything they reaped in turn.
// Without the subreaper the tree would not all count: bubblewrap's
// launcher exits on its PID 1's exit code (read from an eventfd) without
// reaping that PID 1, which is then reaped by the system's init, and half of
// bubblewrap's CPU time went missing from wait4's rusage. Draining also
// keeps one launch's teardown from overlapping the next one's stopwatch.
// Work a launch causes in kernel threads (namespace teardown done later by
// a kworker, for instance) is in no process's time and is not counted.
//
// A SPEC file holds NUL-separated words: "fd", N, PATH (open PATH read-only
// as descriptor N in the child; repeatable), then "argv" and the command.
// Warm-up rounds are run and not printed. STATUS is the wait status as a
// shell would show it (128+N for signal N). stdin and stdout of the children
// are /dev/null; stderr is inherited so that failures are visible.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { kMaxFds = 64, kMaxSpecs = 16, kMaxBatch = 256 };

struct Spec {
    int nfds;
    int fd[kMaxFds];
    const char* path[kMaxFds];
    char** argv;
};

static void die(const char* what) {
    fprintf(stderr, "sbx-bench-driver: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void usage(void) {
    fprintf(stderr, "usage: sbx-bench-driver rounds N WARMUP SPEC... | batch K N SPEC...\n");
    exit(2);
}

static long number(const char* text) {
    char* end;
    long n = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || n < 0) usage();
    return n;
}

static void load_spec(const char* file, struct Spec* spec) {
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die(file);
    struct stat st;
    if (fstat(fd, &st) != 0) die(file);
    size_t size = (size_t)st.st_size;
    char* text = malloc(size + 1);
    if (!text) die("malloc");
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, text + got, size - got);
        if (n <= 0) die(file);
        got += (size_t)n;
    }
    close(fd);
    text[size] = '\0';

    // Split into words; the file may or may not end with a NUL.
    size_t nwords = 0;
    char** words = malloc((size + 2) * sizeof *words);
    if (!words) die("malloc");
    for (size_t i = 0; i < size;) {
        words[nwords++] = text + i;
        i += strlen(text + i) + 1;
    }
    words[nwords] = NULL;

    memset(spec, 0, sizeof *spec);
    size_t i = 0;
    while (i < nwords && strcmp(words[i], "fd") == 0) {
        if (i + 2 >= nwords || spec->nfds == kMaxFds) {
            fprintf(stderr, "sbx-bench-driver: %s: bad fd entry\n", file);
            exit(2);
        }
        spec->fd[spec->nfds] = (int)number(words[i + 1]);
        spec->path[spec->nfds] = words[i + 2];
        spec->nfds++;
        i += 3;
    }
    if (i >= nwords || strcmp(words[i], "argv") != 0 || i + 1 >= nwords) {
        fprintf(stderr, "sbx-bench-driver: %s: expected \"argv\" and a command\n", file);
        exit(2);
    }
    spec->argv = words + i + 1;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static pid_t launch(const struct Spec* spec) {
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid > 0) return pid;
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0) _exit(120);
    if (null > 2) close(null);
    for (int i = 0; i < spec->nfds; i++) {
        int fd = open(spec->path[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "sbx-bench-driver: open %s: %s\n", spec->path[i], strerror(errno));
            _exit(121);
        }
        if (fd != spec->fd[i]) {
            if (dup2(fd, spec->fd[i]) < 0) _exit(121);
            close(fd);
        }
    }
    execvp(spec->argv[0], spec->argv);
    fprintf(stderr, "sbx-bench-driver: exec %s: %s\n", spec->argv[0], strerror(errno));
    _exit(127);
}

static int shell_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

static int wait_for(pid_t pid) {
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) die("waitpid");
    }
    return shell_status(status);
}

// Reaps every child left: processes of the last launch that their parents
// left behind (orphans come to the subreaper).
static void reap_orphans(void) {
    while (waitpid(-1, NULL, 0) >= 0 || errno == EINTR) {
    }
    if (errno != ECHILD) die("waitpid");
}

// User + system time, in microseconds, of every reaped descendant so far.
static uint64_t children_cpu_us(void) {
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) != 0) die("getrusage");
    return (uint64_t)ru.ru_utime.tv_sec * 1000000u + (uint64_t)ru.ru_utime.tv_usec +
           (uint64_t)ru.ru_stime.tv_sec * 1000000u + (uint64_t)ru.ru_stime.tv_usec;
}

static void rounds(long n, long warmup, int nspecs, const struct Spec* specs) {
    for (long r = 0; r < warmup + n; r++) {
        for (int s = 0; s < nspecs; s++) {
            uint64_t cpu0 = children_cpu_us();
            uint64_t t0 = now_ns();
            int status = wait_for(launch(&specs[s]));
            uint64_t t1 = now_ns();
            reap_orphans();
            uint64_t cpu = children_cpu_us() - cpu0;
            if (r >= warmup)
                printf("%s%llu:%d:%llu", s ? " " : "", (unsigned long long)(t1 - t0), status,
                       (unsigned long long)cpu);
        }
        if (r >= warmup) {
            printf("\n");
            fflush(stdout);
        }
    }
}

static void batch(long k, long n, int nspecs, const struct Spec* specs) {
    pid_t pids[kMaxBatch];
    if (k > kMaxBatch) usage();
    for (long r = 0; r < n; r++) {
        for (int s = 0; s < nspecs; s++) {
            uint64_t cpu0 = children_cpu_us();
            uint64_t t0 = now_ns();
            for (long i = 0; i < k; i++) pids[i] = launch(&specs[s]);
            int failed = 0;
            for (long i = 0; i < k; i++) failed += wait_for(pids[i]) != 0;
            uint64_t t1 = now_ns();
            reap_orphans();
            uint64_t cpu = children_cpu_us() - cpu0;
            printf("%s%llu:%d:%llu", s ? " " : "", (unsigned long long)(t1 - t0), failed,
                   (unsigned long long)cpu);
        }
        printf("\n");
        fflush(stdout);
    }
}

int main(int argc, char** argv) {
    if (argc < 5) usage();
    int nspecs = argc - 4;
    if (nspecs > kMaxSpecs) usage();
    // Orphans of a launch come to the driver, which reaps them: their CPU
    // time then counts (see the top of the file).
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) die("prctl(PR_SET_CHILD_SUBREAPER)");
    static struct Spec specs[kMaxSpecs];
    for (int i = 0; i < nspecs; i++) load_spec(argv[4 + i], &specs[i]);
    long a = number(argv[2]), b = number(argv[3]);
    if (strcmp(argv[1], "rounds") == 0)
        rounds(a, b, nspecs, specs);
    else if (strcmp(argv[1], "batch") == 0)
        batch(a, b, nspecs, specs);
    else
        usage();
    return 0;
}
