/* sbx-landlock-helper — what the Landlock escape tests (tests/escape/landlock.sh)
 * do inside the sandbox, plus an abstract unix socket listener for the host.
 *
 * Like sbx-probe: each subcommand prints one result line ("ok", an errno name,
 * "ran N") and exits 0 when the helper itself worked; usage errors exit 2.
 *
 *   abi                     the kernel's Landlock ABI, or the errno name
 *   copy SRC DST            copies SRC to a new DST, mode 0755
 *   run PATH                fork + execv PATH: "ran STATUS" or the execve errno
 *   ulisten NAME SECONDS    host side: listens on the abstract unix socket @NAME,
 *                           prints "listening", then "accepted N" after each
 *                           connection it accepts, for SECONDS
 *   uconnect NAME           connects to the abstract unix socket @NAME
 *   kill PID SIG            kill(PID, SIG)
 *   ioctl-tcgets PATH       TCGETS on PATH (a device: ENOTTY unless denied)
 *   fs-ops DIR              writes, truncates, renames across directories,
 *                           makes a fifo, a socket, a symlink, a directory and
 *                           removes them all under DIR: "ok" or "STEP ERRNO"
 *
 * Static, C11 + _GNU_SOURCE.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif

static int result(const char* text) {
    printf("%s\n", text);
    return 0;
}

static int result_errno(int e) {
    const char* name = strerrorname_np(e);
    printf("%s\n", name ? name : "E?");
    return 0;
}

static int usage(void) {
    fprintf(stderr, "sbx-landlock-helper: bad usage (see the source)\n");
    return 2;
}

static int fail(const char* what) {
    fprintf(stderr, "sbx-landlock-helper: %s: %s\n", what, strerror(errno));
    return 1;
}

static int cmd_abi(void) {
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U);
    if (abi < 0) return result_errno(errno);
    printf("%ld\n", abi);
    return 0;
}

static int cmd_copy(const char* src, const char* dst) {
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) return result_errno(errno);
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    if (out < 0) return result_errno(errno);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) return result_errno(errno);
    if (n < 0) return result_errno(errno);
    close(in);
    if (fchmod(out, 0755) != 0) return result_errno(errno);
    close(out);
    return result("ok");
}

/* The child reports a failed execve through a close-on-exec pipe: an empty
 * read means the exec happened. */
static int cmd_run(const char* path) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return fail("pipe2");
    pid_t pid = fork();
    if (pid < 0) return fail("fork");
    if (pid == 0) {
        char* argv[] = {(char*)path, NULL};
        execv(path, argv);
        int e = errno;
        (void)!write(p[1], &e, sizeof e);
        _exit(127);
    }
    close(p[1]);
    int e = 0;
    ssize_t n = read(p[0], &e, sizeof e);
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) return fail("waitpid");
    if (n == (ssize_t)sizeof e) return result_errno(e);
    printf("ran %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}

static socklen_t abstract_addr(const char* name, struct sockaddr_un* sa) {
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    size_t len = strlen(name);
    if (len + 1 > sizeof sa->sun_path) return 0;
    memcpy(sa->sun_path + 1, name, len); /* sun_path[0] = '\0': abstract */
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_ulisten(const char* name, const char* secs) {
    struct sockaddr_un sa;
    socklen_t len = abstract_addr(name, &sa);
    long seconds = strtol(secs, NULL, 10);
    if (len == 0 || seconds <= 0) return usage();
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return fail("socket");
    if (bind(s, (struct sockaddr*)&sa, len) < 0) return fail("bind");
    if (listen(s, 16) < 0) return fail("listen");
    result("listening");
    fflush(stdout);
    long accepted = 0;
    double deadline = now_s() + (double)seconds;
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0) break;
        struct pollfd pfd = {.fd = s, .events = POLLIN};
        if (poll(&pfd, 1, (int)(left * 1000) + 1) > 0) {
            int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                accepted++;
                close(c);
                printf("accepted %ld\n", accepted);
                fflush(stdout);
            }
        }
    }
    return 0;
}

static int cmd_uconnect(const char* name) {
    struct sockaddr_un sa;
    socklen_t len = abstract_addr(name, &sa);
    if (len == 0) return usage();
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return result_errno(errno);
    if (connect(s, (struct sockaddr*)&sa, len) != 0) return result_errno(errno);
    close(s);
    return result("ok");
}

static int cmd_kill(const char* pid, const char* sig) {
    if (kill((pid_t)strtol(pid, NULL, 10), (int)strtol(sig, NULL, 10)) != 0) return result_errno(errno);
    return result("ok");
}

static int cmd_ioctl_tcgets(const char* path) {
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return result_errno(errno);
    struct termios t;
    if (ioctl(fd, TCGETS, &t) != 0) return result_errno(errno);
    return result("ok");
}

/* Every write-class operation Landlock's "write" grant must allow. */
static int cmd_fs_ops(const char* dir) {
    char a[4096], b[4096], f[4096], g[4096], x[4096];
    snprintf(a, sizeof a, "%s/ll-a", dir);
    snprintf(b, sizeof b, "%s/ll-b", dir);
    snprintf(f, sizeof f, "%s/ll-a/file", dir);
    snprintf(g, sizeof g, "%s/ll-b/file", dir);
#define STEP(name, expr)                                                                     \
    do {                                                                                     \
        if ((expr) != 0) {                                                                   \
            printf("%s %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "E?"); \
            return 0;                                                                        \
        }                                                                                    \
    } while (0)
    STEP("mkdir", mkdir(a, 0700));
    STEP("mkdir", mkdir(b, 0700));
    int fd = open(f, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    STEP("create", fd < 0 ? -1 : 0);
    STEP("write", write(fd, "data", 4) == 4 ? 0 : -1);
    close(fd);
    STEP("truncate", truncate(f, 1));
    STEP("rename-across-dirs", rename(f, g));
    snprintf(x, sizeof x, "%s/ll-a/fifo", dir);
    STEP("mkfifo", mkfifo(x, 0600));
    STEP("unlink", unlink(x));
    snprintf(x, sizeof x, "%s/ll-a/link", dir);
    STEP("symlink", symlink("file", x));
    STEP("unlink", unlink(x));
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/ll-a/sock", dir);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    STEP("socket", s < 0 ? -1 : 0);
    STEP("bind-socket", bind(s, (struct sockaddr*)&sa, sizeof sa));
    close(s);
    STEP("unlink", unlink(sa.sun_path));
    STEP("unlink", unlink(g));
    STEP("rmdir", rmdir(a));
    STEP("rmdir", rmdir(b));
#undef STEP
    return result("ok");
}

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const char* cmd = argv[1];
    if (!strcmp(cmd, "abi")) return cmd_abi();
    if (!strcmp(cmd, "copy") && argc == 4) return cmd_copy(argv[2], argv[3]);
    if (!strcmp(cmd, "run") && argc == 3) return cmd_run(argv[2]);
    if (!strcmp(cmd, "ulisten") && argc == 4) return cmd_ulisten(argv[2], argv[3]);
    if (!strcmp(cmd, "uconnect") && argc == 3) return cmd_uconnect(argv[2]);
    if (!strcmp(cmd, "kill") && argc == 4) return cmd_kill(argv[2], argv[3]);
    if (!strcmp(cmd, "ioctl-tcgets") && argc == 3) return cmd_ioctl_tcgets(argv[2]);
    if (!strcmp(cmd, "fs-ops") && argc == 3) return cmd_fs_ops(argv[2]);
    return usage();
}
