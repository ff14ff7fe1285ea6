/* sbx-probe — a small static helper the integration tests run INSIDE the
 * sandbox (and a few times outside it, as a host-side helper).
 *
 * Each subcommand prints one result line on stdout and exits 0 when the probe
 * itself worked; the line is the observation ("EROFS", "deny", "0", ...), so a
 * denied operation is a successful probe. Usage errors exit 2, an unexpected
 * failure of the probe's own machinery exits 1 with a message on stderr.
 * Exceptions, by design: `exit N`, `kill-self SIG`, `trap-term` and
 * `trap-signal` (exit 42 once the signal arrived),
 * `await` (dies of whatever signal it gets), which exist to test how the
 * launcher forwards statuses and signals; `listen` prints "listening PORT"
 * first, then "accepted N" when its time is up.
 *
 * Static so that it needs nothing from the sandbox's /usr. C11 + _GNU_SOURCE.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

/* ---- small utilities ---------------------------------------------------- */

static const char* errno_name(int e) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    const char* n = strerrorname_np(e);
    if (n) return n;
#endif
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EROFS: return "EROFS";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EBADF: return "EBADF";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENOSYS: return "ENOSYS";
    default: break;
    }
    static char buf[32];
    snprintf(buf, sizeof buf, "errno%d", e);
    return buf;
}

static int result(const char* line) {
    printf("%s\n", line);
    fflush(stdout);
    return 0;
}

static int result_errno(int e) { return result(errno_name(e)); }

static int fail(const char* what) {
    fprintf(stderr, "sbx-probe: %s: %s\n", what, strerror(errno));
    return 1;
}

static int usage(void) {
    fputs(
        "usage: sbx-probe SUBCOMMAND [ARGS...]\n"
        "  ids | uidmap | gidmap | setgroups | status-field NAME | pid | ppid | sid\n"
        "  ls-pids | comm PID | cmdline PID | cwd | hostname | environ | getenv NAME\n"
        "  try-mount | try-write PATH | try-mkdir PATH | access PATH | read PATH\n"
        "  mount-opts PATH\n"
        "  connect HOST PORT | listen HOST PORT SECONDS | ifaces | ifflags NAME\n"
        "  shm-create KEY | shm-remove KEY | shm-find KEY | fd-open N | fds\n"
        "  zombies N | sleep SECONDS | await SECONDS | exit N | kill-self SIGNUM\n"
        "  subreaper COMMAND [ARG...]   (host side: exec COMMAND as a child subreaper)\n"
        "  trap-term SECONDS | trap-signal SIGNUM SECONDS\n",
        stderr);
    return 2;
}

static int parse_long(const char* s, long* out) {
    char* end = NULL;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (errno || end == s || *end) return -1;
    *out = v;
    return 0;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads a whole (small) file into buf; returns length or -1 with errno set. */
static ssize_t read_small(const char* path, char* buf, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t len = 0;
    while (len + 1 < size) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (n == 0) break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    close(fd);
    return (ssize_t)len;
}

/* Collapses runs of blanks to one space, trims each line, joins lines with
 * ";": "         0       1000          1\n" -> "0 1000 1". */
static void normalise_lines(const char* in, char* out, size_t size) {
    size_t o = 0;
    int pending_space = 0, pending_sep = 0, line_has = 0;
    for (const char* p = in; *p && o + 2 < size; p++) {
        if (*p == '\n') {
            if (line_has) pending_sep = 1;
            line_has = 0;
            pending_space = 0;
        } else if (*p == ' ' || *p == '\t') {
            if (line_has) pending_space = 1;
        } else {
            if (pending_sep)
                out[o++] = ';';
            else if (pending_space)
                out[o++] = ' ';
            pending_sep = pending_space = 0;
            line_has = 1;
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

static int is_number(const char* s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

static int cmp_long(const void* a, const void* b) {
    long x = *(const long*)a, y = *(const long*)b;
    return (x > y) - (x < y);
}

/* ---- identity ------------------------------------------------------------ */

static int cmd_ids(void) {
    gid_t groups[64];
    int n = getgroups(64, groups);
    if (n < 0) return fail("getgroups");
    printf("uid=%u gid=%u euid=%u egid=%u groups=", (unsigned)getuid(), (unsigned)getgid(), (unsigned)geteuid(),
           (unsigned)getegid());
    for (int i = 0; i < n; i++) printf("%s%u", i ? "," : "", (unsigned)groups[i]);
    printf("\n");
    fflush(stdout);
    return 0;
}

static int cmd_procfile_lines(const char* path) {
    char buf[4096], out[4096];
    if (read_small(path, buf, sizeof buf) < 0) return result_errno(errno);
    normalise_lines(buf, out, sizeof out);
    return result(out);
}

static int cmd_status_field(const char* name) {
    char buf[8192];
    if (read_small("/proc/self/status", buf, sizeof buf) < 0) return fail("/proc/self/status");
    size_t len = strlen(name);
    for (char* line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, name, len) == 0 && line[len] == ':') {
            char* v = line + len + 1;
            while (*v == ' ' || *v == '\t') v++;
            return result(v);
        }
    }
    return result("<absent>");
}

/* ---- processes ----------------------------------------------------------- */

static int cmd_ls_pids(void) {
    DIR* d = opendir("/proc");
    if (!d) return fail("opendir /proc");
    long pids[4096];
    size_t n = 0;
    struct dirent* e;
    while ((e = readdir(d)) && n < 4096)
        if (is_number(e->d_name)) pids[n++] = strtol(e->d_name, NULL, 10);
    closedir(d);
    qsort(pids, n, sizeof pids[0], cmp_long);
    for (size_t i = 0; i < n; i++) printf("%s%ld", i ? " " : "", pids[i]);
    printf("\n");
    fflush(stdout);
    return 0;
}

static int cmd_comm(const char* pid) {
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%s/comm", pid);
    if (read_small(path, buf, sizeof buf) < 0) return result_errno(errno);
    buf[strcspn(buf, "\n")] = '\0';
    return result(buf);
}

static int cmd_cmdline(const char* pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
    ssize_t n = read_small(path, buf, sizeof buf);
    if (n < 0) return result_errno(errno);
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\0') buf[i] = ' ';
    while (n > 0 && buf[n - 1] == ' ') buf[--n] = '\0';
    return result(buf);
}

/* Counts processes in state Z (zombies) visible in /proc, excluding none. */
static int count_zombies(void) {
    DIR* d = opendir("/proc");
    if (!d) return -1;
    int count = 0;
    struct dirent* e;
    while ((e = readdir(d))) {
        if (!is_number(e->d_name)) continue;
        char path[300], buf[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (read_small(path, buf, sizeof buf) < 0) continue; /* it went away meanwhile */
        /* The state follows the last ')' (comm may contain anything). */
        char* rp = strrchr(buf, ')');
        if (rp && rp[1] == ' ' && rp[2] == 'Z') count++;
    }
    closedir(d);
    return count;
}

/* Makes N orphans: each child forks a grandchild and exits at once; the
 * grandchild waits until it has been reparented (to PID 1 of the pid
 * namespace, or a subreaper) and exits, leaving a zombie that only its new
 * parent can reap. Then waits for every grandchild to be gone (a pipe each
 * one holds open reaches EOF) and reports how many zombies remain after a
 * settle time of up to 3 s. */
static int cmd_zombies(long n) {
    if (n < 1 || n > 10000) return usage();
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) return fail("pipe2");
    long forked = 0;
    for (long i = 0; i < n; i++) {
        pid_t c = fork();
        if (c < 0) {
            fprintf(stderr, "sbx-probe: fork #%ld: %s\n", i, strerror(errno));
            break;
        }
        if (c == 0) {
            pid_t me = getpid();
            pid_t g = fork();
            if (g == 0) {
                close(p[0]);
                double deadline = now_s() + 5.0;
                while (getppid() == me && now_s() < deadline) sleep_ms(1);
                _exit(0);
            }
            _exit(g < 0 ? 1 : 0);
        }
        forked++;
    }
    close(p[1]);
    /* Reap our own children so that the only zombies left are orphans. */
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    /* EOF once every grandchild has closed its write end (it exited). */
    char c;
    while (read(p[0], &c, 1) < 0 && errno == EINTR)
        ;
    close(p[0]);
    int z = -1;
    double deadline = now_s() + 3.0;
    for (;;) {
        z = count_zombies();
        if (z == 0 || now_s() > deadline) break;
        sleep_ms(20);
    }
    if (forked != n) fprintf(stderr, "sbx-probe: only %ld of %ld children forked\n", forked, n);
    printf("%d\n", z);
    fflush(stdout);
    return forked == n ? 0 : 1;
}

/* ---- filesystem ------------------------------------------------------------ */

static int cmd_try_write(const char* path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return result_errno(errno);
    static const char data[] = "written by sbx-probe\n";
    ssize_t n = write(fd, data, sizeof data - 1);
    int e = errno;
    close(fd);
    if (n < 0) return result_errno(e);
    return result("ok");
}

static int cmd_try_mkdir(const char* path) {
    if (mkdir(path, 0755) < 0) return result_errno(errno);
    return result("ok");
}

static int cmd_access(const char* path) {
    struct stat st;
    if (lstat(path, &st) < 0) return result_errno(errno);
    return result("exists");
}

static int cmd_read(const char* path) {
    char buf[4096];
    if (read_small(path, buf, sizeof buf) < 0) return result_errno(errno);
    buf[strcspn(buf, "\n")] = '\0';
    return result(buf);
}

/* Prints the per-mount options ("ro,nosuid,nodev,relatime") of the mount
 * at PATH: the last line of /proc/self/mountinfo whose mount point is PATH
 * (the topmost mount there). Mount points with escaped characters are not
 * supported. */
static int cmd_mount_opts(const char* path) {
    FILE* f = fopen("/proc/self/mountinfo", "re");
    if (!f) return result_errno(errno);
    char line[4096], found[512] = "";
    while (fgets(line, sizeof line, f)) {
        char mnt[PATH_MAX], opts[512];
        if (sscanf(line, "%*s %*s %*s %*s %4095s %511s", mnt, opts) == 2 && strcmp(mnt, path) == 0)
            snprintf(found, sizeof found, "%s", opts);
    }
    fclose(f);
    return result(found[0] ? found : "<not a mount point>");
}

static int cmd_try_mount(void) {
    if (mount("tmpfs", "/tmp", "tmpfs", 0, "size=1m") < 0) return result_errno(errno);
    umount2("/tmp", MNT_DETACH);
    return result("ok");
}

static int cmd_cwd(void) {
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof buf)) return result_errno(errno);
    return result(buf);
}

/* ---- network ------------------------------------------------------------- */

static int make_addr(const char* host, const char* port, struct sockaddr_in* sa) {
    long p;
    if (parse_long(port, &p) < 0 || p < 0 || p > 65535) return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)p);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) return -1;
    return 0;
}

static int cmd_connect(const char* host, const char* port) {
    struct sockaddr_in sa;
    if (make_addr(host, port, &sa) < 0) return usage();
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0) return result_errno(errno);
    if (connect(s, (struct sockaddr*)&sa, sizeof sa) == 0) {
        close(s);
        return result("ok");
    }
    if (errno != EINPROGRESS) {
        int e = errno;
        close(s);
        return result_errno(e);
    }
    struct pollfd pfd = {.fd = s, .events = POLLOUT};
    int r = poll(&pfd, 1, 3000);
    if (r == 0) {
        close(s);
        return result("ETIMEDOUT");
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (r < 0 || getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
    close(s);
    return err ? result_errno(err) : result("ok");
}

/* Host-side helper: listens on HOST:PORT (0 = any free port), prints
 * "listening PORT", accepts (and closes) connections for SECONDS, then
 * prints "accepted N". */
static int cmd_listen(const char* host, const char* port, const char* secs) {
    struct sockaddr_in sa;
    long seconds;
    if (make_addr(host, port, &sa) < 0 || parse_long(secs, &seconds) < 0 || seconds < 0) return usage();
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return fail("socket");
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr*)&sa, sizeof sa) < 0) return fail("bind");
    if (listen(s, 16) < 0) return fail("listen");
    socklen_t len = sizeof sa;
    if (getsockname(s, (struct sockaddr*)&sa, &len) < 0) return fail("getsockname");
    printf("listening %u\n", (unsigned)ntohs(sa.sin_port));
    fflush(stdout);
    long accepted = 0;
    double deadline = now_s() + (double)seconds;
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0) break;
        struct pollfd pfd = {.fd = s, .events = POLLIN};
        int r = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (r > 0) {
            int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                accepted++;
                close(c);
            }
        }
    }
    close(s);
    printf("accepted %ld\n", accepted);
    fflush(stdout);
    return 0;
}

static int cmd_ifaces(void) {
    struct if_nameindex* ifs = if_nameindex();
    if (!ifs) return result_errno(errno);
    for (struct if_nameindex* i = ifs; i->if_index; i++) printf("%s%s", i == ifs ? "" : " ", i->if_name);
    printf("\n");
    fflush(stdout);
    if_freenameindex(ifs);
    return 0;
}

static int cmd_ifflags(const char* name) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return result_errno(errno);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    int r = ioctl(s, SIOCGIFFLAGS, &ifr);
    int e = errno;
    close(s);
    if (r < 0) return result_errno(e);
    return result((ifr.ifr_flags & IFF_UP) ? "up" : "down");
}

/* ---- SysV IPC ------------------------------------------------------------ */

static int parse_key(const char* s, key_t* key) {
    long v;
    if (parse_long(s, &v) < 0 || v <= 0 || v > INT_MAX) return -1;
    *key = (key_t)v;
    return 0;
}

static int cmd_shm(const char* op, const char* k) {
    key_t key;
    if (parse_key(k, &key) < 0) return usage();
    if (strcmp(op, "shm-create") == 0) {
        int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
        if (id < 0) return result_errno(errno);
        printf("%d\n", id);
        fflush(stdout);
        return 0;
    }
    int id = shmget(key, 0, 0);
    if (strcmp(op, "shm-find") == 0) {
        if (id >= 0) return result("present");
        return result(errno == ENOENT ? "absent" : errno_name(errno));
    }
    /* shm-remove */
    if (id < 0) return result_errno(errno);
    if (shmctl(id, IPC_RMID, NULL) < 0) return result_errno(errno);
    return result("removed");
}

/* ---- environment and descriptors ----------------------------------------- */

static int cmp_str(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

/* Prints the names of the environment's variables, sorted, space-separated. */
static int cmd_environ(void) {
    size_t n = 0;
    while (environ[n]) n++;
    char** vars = calloc(n + 1, sizeof *vars);
    if (!vars) return fail("calloc");
    memcpy(vars, environ, n * sizeof *vars);
    qsort(vars, n, sizeof *vars, cmp_str);
    for (size_t i = 0; i < n; i++) printf("%s%.*s", i ? " " : "", (int)strcspn(vars[i], "="), vars[i]);
    printf("\n");
    fflush(stdout);
    free(vars);
    return 0;
}

/* proc-mem PID MS: tries to open /proc/PID/mem read-write again and again
 * for MS milliseconds, from the first instant of the process (run it as the
 * sandbox's command: PID 1 is then still exec'ing its init). Prints
 * "opened after N tries" or "denied: ERRNO-TEXT (N tries)". */
static int cmd_proc_mem(const char* pid, const char* ms) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/mem", pid);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long tries = 0;
    int err = 0;
    for (;;) {
        ++tries;
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
            close(fd);
            printf("opened after %ld tries\n", tries);
            return 0;
        }
        err = errno;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >= atol(ms)) break;
    }
    printf("denied: %s (%ld tries)\n", strerror(err), tries);
    return 0;
}

static int cmd_fd_open(const char* num) {
    long fd;
    if (parse_long(num, &fd) < 0 || fd < 0 || fd > INT_MAX) return usage();
    return result(fcntl((int)fd, F_GETFD) >= 0 ? "open" : "closed");
}

static int cmd_fds(void) {
    DIR* d = opendir("/proc/self/fd");
    if (!d) return fail("opendir /proc/self/fd");
    int self = dirfd(d);
    long fds[1024];
    size_t n = 0;
    struct dirent* e;
    while ((e = readdir(d)) && n < 1024)
        if (is_number(e->d_name) && atoi(e->d_name) != self) fds[n++] = strtol(e->d_name, NULL, 10);
    closedir(d);
    qsort(fds, n, sizeof fds[0], cmp_long);
    for (size_t i = 0; i < n; i++) printf("%s%ld", i ? " " : "", fds[i]);
    printf("\n");
    fflush(stdout);
    return 0;
}

/* ---- signals and exit statuses ------------------------------------------ */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig) { got_signal = sig; }

/* Prints "ready", waits up to SECONDS for signal SIG; on receipt prints
 * "got TERM" (SIGTERM) or "got signal N" and exits 42, else prints
 * "timeout" and exits 1. The distinct exit status shows that the signal was
 * handled by the target, not merely fatal to the launcher. */
static int cmd_trap_signal(long sig, long seconds) {
    if (sig < 1 || sig > 64 || sig == SIGKILL || sig == SIGSTOP) return usage();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction((int)sig, &sa, NULL) < 0) return fail("sigaction");
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, (int)sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    result("ready");
    double deadline = now_s() + (double)seconds;
    while (!got_signal && now_s() < deadline) sleep_ms(10);
    if (got_signal) {
        if (got_signal == SIGTERM)
            result("got TERM");
        else
            printf("got signal %d\n", (int)got_signal);
        fflush(stdout);
        return 42;
    }
    result("timeout");
    return 1;
}

static int cmd_kill_self(long sig) {
    if (sig < 1 || sig > 64) return usage();
    signal((int)sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, (int)sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    kill(getpid(), (int)sig);
    sleep_ms(5000);
    fprintf(stderr, "sbx-probe: still alive after kill(self, %ld)\n", sig);
    return 1;
}

/* Prints "ready", then sleeps with default signal dispositions: dies of
 * whatever terminating signal reaches it. */
static int cmd_await(long seconds) {
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigprocmask(SIG_SETMASK, &set, NULL);
    result("ready");
    sleep_ms(seconds * 1000);
    return result("timeout");
}

/* ---- dispatch ------------------------------------------------------------ */

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const char* cmd = argv[1];
    const char* a1 = argc > 2 ? argv[2] : NULL;
    const char* a2 = argc > 3 ? argv[3] : NULL;
    const char* a3 = argc > 4 ? argv[4] : NULL;
    long n = 0;

#define NEED(k)                             \
    do {                                    \
        if (argc < 2 + (k)) return usage(); \
    } while (0)
#define NEED_NUM(s)                                          \
    do {                                                     \
        if (!(s) || parse_long((s), &n) < 0) return usage(); \
    } while (0)

    if (!strcmp(cmd, "ids")) return cmd_ids();
    if (!strcmp(cmd, "uidmap")) return cmd_procfile_lines("/proc/self/uid_map");
    if (!strcmp(cmd, "gidmap")) return cmd_procfile_lines("/proc/self/gid_map");
    if (!strcmp(cmd, "setgroups")) return cmd_procfile_lines("/proc/self/setgroups");
    if (!strcmp(cmd, "status-field")) {
        NEED(1);
        return cmd_status_field(a1);
    }
    if (!strcmp(cmd, "pid")) {
        printf("%ld\n", (long)getpid());
        return 0;
    }
    if (!strcmp(cmd, "ppid")) {
        printf("%ld\n", (long)getppid());
        return 0;
    }
    if (!strcmp(cmd, "sid")) return result(getsid(0) == getpid() ? "leader" : "not-leader");
    if (!strcmp(cmd, "ls-pids")) return cmd_ls_pids();
    if (!strcmp(cmd, "comm")) {
        NEED(1);
        return cmd_comm(a1);
    }
    if (!strcmp(cmd, "cmdline")) {
        NEED(1);
        return cmd_cmdline(a1);
    }
    if (!strcmp(cmd, "cwd")) return cmd_cwd();
    if (!strcmp(cmd, "hostname")) {
        struct utsname u;
        if (uname(&u) < 0) return fail("uname");
        return result(u.nodename);
    }
    if (!strcmp(cmd, "environ")) return cmd_environ();
    if (!strcmp(cmd, "getenv")) {
        NEED(1);
        const char* v = getenv(a1);
        return result(v ? v : "<unset>");
    }
    if (!strcmp(cmd, "mount-opts")) {
        NEED(1);
        return cmd_mount_opts(a1);
    }
    if (!strcmp(cmd, "try-mount")) return cmd_try_mount();
    if (!strcmp(cmd, "try-write")) {
        NEED(1);
        return cmd_try_write(a1);
    }
    if (!strcmp(cmd, "try-mkdir")) {
        NEED(1);
        return cmd_try_mkdir(a1);
    }
    if (!strcmp(cmd, "access")) {
        NEED(1);
        return cmd_access(a1);
    }
    if (!strcmp(cmd, "read")) {
        NEED(1);
        return cmd_read(a1);
    }
    if (!strcmp(cmd, "connect")) {
        NEED(2);
        return cmd_connect(a1, a2);
    }
    if (!strcmp(cmd, "listen")) {
        NEED(3);
        return cmd_listen(a1, a2, a3);
    }
    if (!strcmp(cmd, "ifaces")) return cmd_ifaces();
    if (!strcmp(cmd, "ifflags")) {
        NEED(1);
        return cmd_ifflags(a1);
    }
    if (!strcmp(cmd, "shm-create") || !strcmp(cmd, "shm-remove") || !strcmp(cmd, "shm-find")) {
        NEED(1);
        return cmd_shm(cmd, a1);
    }
    if (!strcmp(cmd, "fd-open")) {
        NEED(1);
        return cmd_fd_open(a1);
    }
    if (!strcmp(cmd, "fds")) return cmd_fds();
    if (!strcmp(cmd, "proc-mem")) {
        NEED(2);
        return cmd_proc_mem(a1, a2);
    }
    if (!strcmp(cmd, "zombies")) {
        NEED_NUM(a1);
        return cmd_zombies(n);
    }
    /* sleep / await accept extra words after SECONDS, ignored, so that a
     * test can tag the process with a unique marker (marked_pids in tests/integration/run.sh). */
    if (!strcmp(cmd, "sleep")) {
        NEED_NUM(a1);
        sleep_ms(n * 1000);
        return 0;
    }
    if (!strcmp(cmd, "await")) {
        NEED_NUM(a1);
        return cmd_await(n);
    }
    if (!strcmp(cmd, "subreaper")) {
        /* Host side: runs COMMAND as a child subreaper (prctl(2); the
         * attribute survives execve), so that whatever a sandbox leaves
         * behind is re-parented to COMMAND instead of the host's init and
         * the test harness finds it by parentage. */
        NEED(2);
        if (prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) != 0) return fail("prctl(PR_SET_CHILD_SUBREAPER)");
        execvp(argv[2], argv + 2);
        return fail(argv[2]);
    }
    if (!strcmp(cmd, "exit")) {
        NEED_NUM(a1);
        return (int)(n & 0xff);
    }
    if (!strcmp(cmd, "kill-self")) {
        NEED_NUM(a1);
        return cmd_kill_self(n);
    }
    if (!strcmp(cmd, "trap-term")) {
        NEED_NUM(a1);
        return cmd_trap_signal(SIGTERM, n);
    }
    if (!strcmp(cmd, "trap-signal")) {
        long sig;
        NEED_NUM(a2);
        if (parse_long(a1, &sig) < 0) return usage();
        return cmd_trap_signal(sig, n);
    }
    return usage();
}
