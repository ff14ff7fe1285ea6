/* sbx-exec-helper — the memfd routes around Landlock's execute rules, for
 * tests/escape/exec.sh ([seccomp] strict-exec); and the Unix sockets and
 * ptrace attempts of tests/escape/shared.sh.
 *
 * Each subcommand prints one result line and exits 0 when the helper itself
 * worked; usage errors exit 2.
 *
 *   memfd-fexecve SRC    memfd_create(MFD_CLOEXEC), copy SRC in, fork, and
 *                        execveat(fd, "", AT_EMPTY_PATH) (fexecve): "ran N",
 *                        or "memfd_create ERRNO" / "exec ERRNO"
 *   memfd-procexec SRC   the same through execve("/proc/self/fd/N")
 *   sealed-procexec SRC  the same with a memfd made MFD_NOEXEC_SEAL
 *   fd-fexecve PATH      opens PATH and runs it with execveat(fd, "",
 *                        AT_EMPTY_PATH): "ran N" or "exec ERRNO"
 *   memfd-noexec         memfd_create(MFD_NOEXEC_SEAL): "ok MODE" (its file
 *                        mode, octal) or "memfd_create ERRNO"
 *   ulisten PATH SECONDS listens on the Unix socket file PATH: prints
 *                        "listening", then "accepted N" at the end
 *   uconnect PATH        connects to the Unix socket file PATH: "ok" or ERRNO
 *   ptrace PID|child     PTRACE_ATTACH to PID (then detaches), or to a child
 *                        it forks (the control): "ok" or ERRNO
 *
 * Static, C11 + _GNU_SOURCE; raw system calls, so that the libc's own
 * fallbacks (fexecve through /proc) cannot change what is tried.
 */
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
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

static const char* errname(int e) {
    const char* name = strerrorname_np(e);
    return name ? name : "E?";
}

static int memfd(unsigned flags) { return (int)syscall(SYS_memfd_create, "sbx-exec-helper", flags); }

static int copy_into(int out, const char* src) {
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -1;
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) return -1;
    close(in);
    return n < 0 ? -1 : 0;
}

enum route { FEXECVE, PROCEXEC };

/* Runs the memfd `fd` in a child: "ran STATUS" or "exec ERRNO". */
static int run_fd(int fd, enum route how) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return 1;
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        char* const argv[] = {"true", NULL};
        char* const envp[] = {NULL};
        if (how == FEXECVE) {
            syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
        } else {
            char path[64];
            snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
            syscall(SYS_execve, path, argv, envp);
        }
        int e = errno;
        if (write(report[1], &e, sizeof e) != (ssize_t)sizeof e) _exit(126);
        _exit(127);
    }
    close(report[1]);
    int e = 0;
    ssize_t got = read(report[0], &e, sizeof e);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got == (ssize_t)sizeof e)
        printf("exec %s\n", errname(e));
    else
        printf("ran %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}

static int memfd_run(const char* src, unsigned flags, enum route how) {
    int fd = memfd(flags);
    if (fd < 0) {
        printf("memfd_create %s\n", errname(errno));
        return 0;
    }
    if (copy_into(fd, src) != 0) {
        fprintf(stderr, "sbx-exec-helper: copy %s: %s\n", src, strerror(errno));
        return 1;
    }
    return run_fd(fd, how);
}

static int unix_addr(const char* path, struct sockaddr_un* sa) {
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa->sun_path) return -1;
    strcpy(sa->sun_path, path);
    return 0;
}

static int cmd_ulisten(const char* path, int seconds) {
    struct sockaddr_un sa;
    if (unix_addr(path, &sa) < 0) return 2;
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr*)&sa, sizeof sa) != 0 || listen(s, 8) != 0) {
        fprintf(stderr, "sbx-exec-helper: listen %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    int accepted = 0;
    struct pollfd pfd = {.fd = s, .events = POLLIN};
    for (int left = seconds * 10; left > 0; --left) {
        if (poll(&pfd, 1, 100) > 0) {
            int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                ++accepted;
                close(c);
            }
        }
    }
    printf("accepted %d\n", accepted);
    unlink(path);
    return 0;
}

static int cmd_uconnect(const char* path) {
    struct sockaddr_un sa;
    if (unix_addr(path, &sa) < 0) return 2;
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return 1;
    if (connect(s, (struct sockaddr*)&sa, sizeof sa) != 0)
        printf("%s\n", errname(errno));
    else
        printf("ok\n");
    return 0;
}

static int cmd_ptrace(const char* target) {
    pid_t pid = 0, child = 0;
    if (!strcmp(target, "child")) {
        child = fork();
        if (child < 0) return 1;
        if (child == 0) {
            pause();
            _exit(0);
        }
        pid = child;
    } else {
        pid = (pid_t)atoi(target);
    }
    if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) != 0) {
        printf("%s\n", errname(errno));
    } else {
        waitpid(pid, NULL, __WALL);
        ptrace(PTRACE_DETACH, pid, NULL, NULL);
        printf("ok\n");
    }
    if (child > 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 4 && !strcmp(argv[1], "ulisten")) return cmd_ulisten(argv[2], atoi(argv[3]));
    if (argc == 3 && !strcmp(argv[1], "uconnect")) return cmd_uconnect(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "ptrace")) return cmd_ptrace(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "memfd-fexecve")) return memfd_run(argv[2], MFD_CLOEXEC, FEXECVE);
    /* Not close-on-exec: the exec opens /proc/self/fd/N before it closes descriptors. */
    if (argc == 3 && !strcmp(argv[1], "memfd-procexec")) return memfd_run(argv[2], 0, PROCEXEC);
    if (argc == 3 && !strcmp(argv[1], "sealed-procexec")) return memfd_run(argv[2], MFD_NOEXEC_SEAL, PROCEXEC);
    if (argc == 3 && !strcmp(argv[1], "fd-fexecve")) {
        int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            printf("open %s\n", errname(errno));
            return 0;
        }
        return run_fd(fd, FEXECVE);
    }
    if (argc == 2 && !strcmp(argv[1], "memfd-noexec")) {
        int fd = memfd(MFD_CLOEXEC | MFD_NOEXEC_SEAL);
        if (fd < 0) {
            printf("memfd_create %s\n", errname(errno));
            return 0;
        }
        struct stat st;
        if (fstat(fd, &st) != 0) return 1;
        printf("ok %04o\n", (unsigned)(st.st_mode & 07777));
        return 0;
    }
    fprintf(stderr, "sbx-exec-helper: bad usage (see the source)\n");
    return 2;
}
