// sbx-supervise.c — the resident half of sbx, as small as it can be.
//
// Once the sandbox is built, two processes stay alive for its whole life:
// the launcher on the host and PID 1 inside. Both only wait for one child,
// forward signals to it and exit with its status; PID 1 also reaps every
// orphan. Staying as copies of the C++ sbx kept its whole image resident
// twice, so both exec this small program instead (sbx falls back to its
// own loop when this file is not installed).
//
//   sbx-supervise init|monitor CHILD_PID FORWARD_TERMINAL_SIGNALS
//
// The caller has blocked SIGCHLD and the forwarded signals; the mask is
// kept across execve, so none is lost before the signalfd exists.
//
// On x86-64 and aarch64 it is built freestanding (SBX_FREESTANDING): no C
// library, static, a few kilobytes, raw system calls. Both execs sit on the
// launch's critical path, and the dynamic loader alone took ~1.2 ms of each
// on the benchmark machine (bench/RESULTS.md); with nothing to load or
// relocate, exec costs what the kernel needs, and resident memory drops to
// a few pages. Elsewhere the same code runs on the C library's syscall().
#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/prctl.h>
#include <linux/signal.h>
#include <linux/signalfd.h>
#include <linux/wait.h>

#ifndef SI_KERNEL
#define SI_KERNEL 0x80
#endif

#ifdef SBX_FREESTANDING

// Raw system calls; the kernel's return value, -errno on failure.
static long sys6(long nr, long a, long b, long c, long d) {
#if defined(__x86_64__)
    register long r10 __asm__("r10") = d;
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return ret;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
#else
#error "SBX_FREESTANDING needs a system call stub for this architecture"
#endif
}

// The compiler may emit calls to these for structure copies.
void* memset(void* dst, int c, unsigned long n);
void* memset(void* dst, int c, unsigned long n) {
    unsigned char* d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

#else

#include <errno.h>
#include <unistd.h>

static long sys6(long nr, long a, long b, long c, long d) {
    const long ret = syscall(nr, a, b, c, d);
    return ret == -1 ? -(long)errno : ret;
}

#endif

static const int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void put(const char* s) {
    unsigned long n = 0;
    while (s[n]) ++n;
    sys6(__NR_write, 2, (long)s, (long)n, 0);
}

static __attribute__((noreturn)) void leave(int status) {
    for (;;) sys6(__NR_exit_group, status, 0, 0, 0);
}

// One line on stderr, then exit 125 (sbx's "setup failed"). No strerror
// without a C library: the errno number, which errno(1) translates.
static __attribute__((noreturn)) void fail(const char* what, long err) {
    char num[24];
    char* p = num + sizeof num - 1;
    *p = '\0';
    unsigned long v = (unsigned long)-err;
    do *--p = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    put("sbx: supervise: ");
    put(what);
    put(": error ");
    put(p);
    put("\n");
    leave(125);
}

static int equal(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}

static int shell_status(int status) {
    if ((status & 0x7f) == 0) return (status >> 8) & 0xff;             // exited
    if (((status & 0x7f) + 1) >> 1 > 0) return 128 + (status & 0x7f);  // killed by a signal
    return 255;
}

static int supervise(int argc, char** argv) {
    // exec made us dumpable again. Not dumpable, the monitor (in the host's
    // user namespace) is out of reach of the user's other processes, and the
    // sandbox's PID 1 out of the target's, which has no capability in the
    // namespace. PID 1 is not out of the reach of the user's processes on
    // the host: they own the sandbox's user namespace and so hold
    // CAP_SYS_PTRACE over it (Yama checks that same capability: only
    // ptrace_scope 3 stops them).
    // See SECURITY in sbx(1).
    long rc = sys6(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0);
    if (rc < 0) fail("prctl(PR_SET_DUMPABLE)", rc);
    if (argc != 4 || (!equal(argv[1], "init") && !equal(argv[1], "monitor"))) {
        put("usage: sbx-supervise init|monitor CHILD_PID 0|1 (run by sbx, not by hand)\n");
        return 2;
    }
    long child = 0;
    for (const char* p = argv[2]; *p; ++p) {
        if (*p < '0' || *p > '9' || child > 0x3fffffff) return 2;
        child = child * 10 + (*p - '0');
    }
    if (child <= 0) return 2;
    const int forward_terminal_signals = equal(argv[3], "1");

    unsigned long set = 1UL << (SIGCHLD - 1);
    for (unsigned long i = 0; i < sizeof kForwarded / sizeof kForwarded[0]; ++i) set |= 1UL << (kForwarded[i] - 1);
    const long sfd = sys6(__NR_signalfd4, -1, (long)&set, sizeof set, SFD_CLOEXEC);
    if (sfd < 0) fail("signalfd", sfd);

    for (;;) {
        // Reap before reading: SIGCHLDs coalesce, and the child may be gone
        // before the first read.
        for (;;) {
            int status = 0;
            const long pid = sys6(__NR_wait4, -1, (long)&status, WNOHANG, 0);
            if (pid == child) return shell_status(status);
            if (pid > 0 || pid == -EINTR) continue;
            if (pid < 0) fail("waitpid", pid);  // ECHILD: the child is not ours
            break;
        }
        struct signalfd_siginfo info;
        const long n = sys6(__NR_read, sfd, (long)&info, sizeof info, 0);
        if (n == -EINTR) continue;
        if (n != (long)sizeof info) fail("read signalfd", n < 0 ? n : -EIO);
        if ((int)info.ssi_signo == SIGCHLD) continue;
        // ^C from a terminal the target shares already reached it.
        if (!forward_terminal_signals && info.ssi_code == SI_KERNEL) continue;
        sys6(__NR_kill, child, (long)info.ssi_signo, 0, 0);
    }
}

#ifdef SBX_FREESTANDING

// The kernel starts us with argc, then argv's pointers, on the stack.
__attribute__((used, noreturn)) static void start_c(long* sp) { leave(supervise((int)sp[0], (char**)(sp + 1))); }

#if defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n xor %rbp,%rbp\n mov %rsp,%rdi\n and $-16,%rsp\n call start_c\n hlt\n");
#elif defined(__aarch64__)
__asm__(".text\n.global _start\n_start:\n mov x29,#0\n mov x30,#0\n mov x0,sp\n bl start_c\n brk #0\n");
#endif

#else

int main(int argc, char** argv) { return supervise(argc, argv); }

#endif
