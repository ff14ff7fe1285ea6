/* sbx-try-syscall — makes named raw system calls and reports how each ended.
 *
 *   sbx-try-syscall NAME...      one line per NAME: "NAME RESULT"
 *   sbx-try-syscall --list       the names it knows
 *   sbx-try-syscall --eval-bpf FILE NAME...
 *                                runs an exported BPF filter over each call
 *                                (see eval_file) and prints its action
 *
 * RESULT is OK (the call succeeded), an errno name (EPERM, ENOSYS, ...),
 * KILLED:SIGNAME (the process was killed, e.g. by a seccomp kill action), or
 * ENOSYS-ABI (an "i386:" call when the kernel runs no i386 ABI: int $0x80
 * faults). After bubblewrap's tests/try-syscall.c, the arguments are chosen
 * so that a call the filter lets through fails harmlessly with its own errno
 * (EBADF, EFAULT, EINVAL, ESRCH...) before doing anything, while a filtered
 * call gets the filter's errno (EPERM, ENOSYS, EAFNOSUPPORT). A few calls
 * (marked "kernel: EPERM") are refused by the kernel's capability check
 * first without the filter too, so only their blocked result is meaningful.
 *
 * Every call runs in a child process of its own, so one that succeeds
 * (unshare, personality) or is killed does not affect the others.
 * Static and x86-64 only (the i386 and x32 entries); other arches report
 * ENOSYS-ABI for them. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define CLONE_NEWUSER_ 0x10000000L
#define CLONE_FS_ 0x00000200L
#define BAD_PTR 1L /* faults when the kernel reads it */
#define NO_SUCH_PID 0x3ffffff0L
#define BAD_SOCK_TYPE 15L    /* >= SOCK_MAX: EINVAL, checked after the family */
#define HIGH_BITS (1L << 32) /* ignored by the kernel for int arguments */

enum abi { NATIVE, I386, X32, SPECIAL };

struct call {
    const char* name;
    enum abi abi;
    long nr;
    long a[6];
};

#ifdef __x86_64__
#define X(n) n
#else
#define X(n) -1L
#endif

/* i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
enum {
    I386_ptrace = 26,
    I386_mount = 21,
    I386_ioctl = 54,
    I386_socketcall = 102,
    I386_personality = 136,
    I386_add_key = 286,
    I386_keyctl = 288,
    I386_unshare = 310,
    I386_socket = 359,
    I386_open_tree = 428,
    I386_clone3 = 435,
};
/* x32 numbers (syscall_64.tbl "common"/"x32" rows) without the x32 bit. */
#define X32_BIT 0x40000000L
enum { X32_socket = 41, X32_mount = 165, X32_add_key = 248, X32_keyctl = 250, X32_unshare = 272, X32_ptrace = 521 };

/* socketcall(SYS_SOCKET, args): the arguments are read from memory, which
 * must be addressable with 32 bits (a non-PIE static binary's data is). */
static uint32_t socketcall_args[3] = {17 /* AF_PACKET */, BAD_SOCK_TYPE, 0};

static const struct call calls[] = {
    /* keyrings */
    {"add_key", NATIVE, X(SYS_add_key), {0, 0, 0, 0, 0}},                       /* EFAULT */
    {"keyctl", NATIVE, X(SYS_keyctl), {1 /* JOIN_SESSION_KEYRING */, BAD_PTR}}, /* EFAULT */
    {"request_key", NATIVE, X(SYS_request_key), {0, 0, 0, 0}},                  /* EFAULT */
    /* modules, kexec (kernel: EPERM) */
    {"init_module", NATIVE, X(SYS_init_module), {0, 0, 0}},
    {"finit_module", NATIVE, X(SYS_finit_module), {-1, 0, 0}},
    {"delete_module", NATIVE, X(SYS_delete_module), {0, 0}},
    {"kexec_load", NATIVE, X(SYS_kexec_load), {0, 0, 0, 0}},
    {"kexec_file_load", NATIVE, X(SYS_kexec_file_load), {-1, -1, 0, 0, 0}},
    /* kernel attack surface */
    {"bpf", NATIVE, X(SYS_bpf), {0 /* MAP_CREATE */, 0, 8}},                             /* EFAULT */
    {"perf_event_open", NATIVE, X(SYS_perf_event_open), {0, 0, -1, -1, 0}},              /* EFAULT */
    {"userfaultfd", NATIVE, X(SYS_userfaultfd), {1 /* USER_MODE_ONLY */ | 0x40000000L}}, /* EINVAL */
    {"io_uring_setup", NATIVE, X(SYS_io_uring_setup), {0, 0}},
    {"io_uring_enter", NATIVE, X(SYS_io_uring_enter), {-1, 0, 0, 0, 0, 0}}, /* EBADF */
    {"io_uring_register", NATIVE, X(SYS_io_uring_register), {-1, 0, 0, 0}}, /* EBADF */
    /* other processes */
    {"ptrace", NATIVE, X(SYS_ptrace), {16 /* PTRACE_ATTACH */, 1}}, /* kernel: EPERM (init is not dumpable) */
    {"ptrace-nopid", NATIVE, X(SYS_ptrace), {16, NO_SUCH_PID}},     /* ESRCH */
    {"process_vm_readv", NATIVE, X(SYS_process_vm_readv), {0, 0, 0, 0, 0, 1}},   /* EINVAL (flags) */
    {"process_vm_writev", NATIVE, X(SYS_process_vm_writev), {0, 0, 0, 0, 0, 1}}, /* EINVAL */
    {"pidfd_getfd", NATIVE, X(SYS_pidfd_getfd), {-1, -1, 0}},                    /* EBADF */
    /* personality: allowed calls succeed (in the child only) */
    {"personality", NATIVE, X(SYS_personality), {0xffff}},
    {"personality-highbits", NATIVE, X(SYS_personality), {HIGH_BITS | 0x0040000 /* ADDR_NO_RANDOMIZE */}},
    {"personality-query", NATIVE, X(SYS_personality), {0xffffffffL}},
    {"personality-linux32", NATIVE, X(SYS_personality), {0x0008}},
    /* administration (kernel: EPERM unless noted) */
    {"acct", NATIVE, X(SYS_acct), {BAD_PTR}},
    {"swapon", NATIVE, X(SYS_swapon), {0, 0}},
    {"swapoff", NATIVE, X(SYS_swapoff), {0}},
    {"reboot", NATIVE, X(SYS_reboot), {0, 0, 0, 0}},
    {"settimeofday", NATIVE, X(SYS_settimeofday), {BAD_PTR, 0}},   /* EFAULT */
    {"clock_settime", NATIVE, X(SYS_clock_settime), {0, BAD_PTR}}, /* EFAULT */
    {"clock_adjtime", NATIVE, X(SYS_clock_adjtime), {0, BAD_PTR}}, /* EFAULT */
    {"adjtimex", NATIVE, X(SYS_adjtimex), {BAD_PTR}},              /* EFAULT */
    {"syslog", NATIVE, X(SYS_syslog), {0xff, 0, 0}},
    {"vhangup", NATIVE, X(SYS_vhangup), {0}},
    {"quotactl", NATIVE, X(SYS_quotactl), {0, 0, 0, 0}},
    {"nfsservctl", NATIVE, X(SYS_nfsservctl), {0, 0, 0}}, /* ENOSYS (gone) */
    {"lookup_dcookie", NATIVE, X(SYS_lookup_dcookie), {0, 0, 0}},
    {"uselib", NATIVE, X(SYS_uselib), {0}},
    {"_sysctl", NATIVE, X(SYS__sysctl), {0}},
    {"iopl", NATIVE, X(SYS_iopl), {4}},                                                  /* EINVAL (level > 3) */
    {"ioperm", NATIVE, X(SYS_ioperm), {0, 0, 1}},                                        /* EINVAL (num 0) */
    {"modify_ldt", NATIVE, X(SYS_modify_ldt), {0xff, 0, 0}},                             /* ENOSYS (bad func) */
    {"name_to_handle_at", NATIVE, X(SYS_name_to_handle_at), {-1, 0, 0, 0, 0xffffffffL}}, /* EINVAL */
    {"open_by_handle_at", NATIVE, X(SYS_open_by_handle_at), {-1, 0, 0}},
    {"move_pages", NATIVE, X(SYS_move_pages), {0, 0, 0, 0, 0, 0xffffffffL}},             /* EINVAL */
    {"mbind", NATIVE, X(SYS_mbind), {0, 0, 0xffff, 0, 0, 0}},                            /* EINVAL */
    {"get_mempolicy", NATIVE, X(SYS_get_mempolicy), {0, 0, 0, 0, 0xffff}},               /* EINVAL */
    {"set_mempolicy", NATIVE, X(SYS_set_mempolicy), {0xffff, 0, 0}},                     /* EINVAL */
    {"migrate_pages", NATIVE, X(SYS_migrate_pages), {0, 0xffffffffL, BAD_PTR, BAD_PTR}}, /* EINVAL */
    /* mounts */
    {"mount", NATIVE, X(SYS_mount), {0, 0, BAD_PTR, 0, 0}},        /* EFAULT */
    {"umount2", NATIVE, X(SYS_umount2), {0, 0xffff}},              /* EINVAL */
    {"pivot_root", NATIVE, X(SYS_pivot_root), {BAD_PTR, BAD_PTR}}, /* kernel: EPERM */
    {"open_tree", NATIVE, X(SYS_open_tree), {-1, 0, 0xffffffffL}},
    {"move_mount", NATIVE, X(SYS_move_mount), {-1, 0, -1, 0, 0xffffffffL}},
    {"fsopen", NATIVE, X(SYS_fsopen), {0, 0xffffffffL}},
    {"fsconfig", NATIVE, X(SYS_fsconfig), {-1, 0, 0, 0, 0}},
    {"fsmount", NATIVE, X(SYS_fsmount), {-1, 0xffffffffL, 0}},
    {"fspick", NATIVE, X(SYS_fspick), {-1, 0, 0xffffffffL}},
    {"mount_setattr", NATIVE, X(SYS_mount_setattr), {-1, 0, 0xffffffffL, 0, 0}},
    /* namespaces */
    {"clone3", NATIVE, X(SYS_clone3), {0, 0}},                                 /* EINVAL (size 0) */
    {"unshare", NATIVE, X(SYS_unshare), {CLONE_NEWUSER_}},                     /* OK: a real nested user namespace */
    {"unshare-invalid", NATIVE, X(SYS_unshare), {CLONE_NEWUSER_ | 1}},         /* EINVAL */
    {"clone", NATIVE, X(SYS_clone), {CLONE_NEWUSER_ | CLONE_FS_, 0, 0, 0, 0}}, /* EINVAL */
    /* socket families: the bad type makes an allowed family fail with EINVAL */
    {"socket-packet", NATIVE, X(SYS_socket), {17, BAD_SOCK_TYPE, 0}},
    {"socket-packet-highbits", NATIVE, X(SYS_socket), {HIGH_BITS | 17, BAD_SOCK_TYPE, 0}},
    {"socket-alg", NATIVE, X(SYS_socket), {38, BAD_SOCK_TYPE, 0}},
    {"socket-vsock", NATIVE, X(SYS_socket), {40, BAD_SOCK_TYPE, 0}},
    {"socket-bluetooth", NATIVE, X(SYS_socket), {31, BAD_SOCK_TYPE, 0}},
    {"socket-unix", NATIVE, X(SYS_socket), {1, BAD_SOCK_TYPE, 0}},
    {"socket-inet", NATIVE, X(SYS_socket), {2, BAD_SOCK_TYPE, 0}},
    {"socket-inet6", NATIVE, X(SYS_socket), {10, BAD_SOCK_TYPE, 0}},
    {"socket-netlink", NATIVE, X(SYS_socket), {16, BAD_SOCK_TYPE, 0}},
    {"socket-packet-raw", NATIVE, X(SYS_socket), {17, 3 /* SOCK_RAW */, 0}}, /* kernel: EPERM (CAP_NET_RAW) */
    /* terminal injection: fd -1 makes an allowed request fail with EBADF */
    {"ioctl-tiocsti", NATIVE, X(SYS_ioctl), {-1, 0x5412}},
    {"ioctl-tiocsti-highbits", NATIVE, X(SYS_ioctl), {-1, HIGH_BITS | 0x5412}},
    {"ioctl-tioclinux", NATIVE, X(SYS_ioctl), {-1, 0x541C}},
    {"ioctl-tiocsetd", NATIVE, X(SYS_ioctl), {-1, 0x5423}},
    {"ioctl-tiocsetd-highbits", NATIVE, X(SYS_ioctl), {-1, HIGH_BITS | 0x5423}},
    {"ioctl-tiocexcl", NATIVE, X(SYS_ioctl), {-1, 0x540C}},
    {"ioctl-tiocexcl-highbits", NATIVE, X(SYS_ioctl), {-1, HIGH_BITS | 0x540C}},
    {"ioctl-tiocnxcl", NATIVE, X(SYS_ioctl), {-1, 0x540D}},
    {"ioctl-tioccons", NATIVE, X(SYS_ioctl), {-1, 0x541D}},
    {"ioctl-tiocgwinsz", NATIVE, X(SYS_ioctl), {-1, 0x5413}}, /* control: always EBADF */
    {"ioctl-tiocgetd", NATIVE, X(SYS_ioctl), {-1, 0x5424}},   /* control: always EBADF */
    {"tiocsti-stdin", SPECIAL, 0, {0}},                       /* TIOCSTI on fd 0 */
    /* what a program can do to the terminal on fd 0 (tests/escape/terminal.sh) */
    {"tty-raw", SPECIAL, 0, {0}},       /* raw mode, echo off */
    {"tty-excl", SPECIAL, 0, {0}},      /* TIOCEXCL: nobody else may open it */
    {"tty-setd-null", SPECIAL, 0, {0}}, /* TIOCSETD N_NULL: a line discipline that drops everything */
    {"tiocsti-pty", SPECIAL, 0, {0}},   /* TIOCSTI on a new pty that becomes the controlling terminal */
    /* harmless, for deny = [...] tests */
    {"getcwd", SPECIAL, 0, {0}},
    {"getpid", NATIVE, X(SYS_getpid), {0}},
    /* the i386 ABI */
    {"i386:add_key", I386, I386_add_key, {0, 0, 0, 0, 0}},
    {"i386:keyctl", I386, I386_keyctl, {1, BAD_PTR}},
    {"i386:ptrace", I386, I386_ptrace, {16, NO_SUCH_PID}},
    {"i386:mount", I386, I386_mount, {0, 0, BAD_PTR, 0, 0}},
    {"i386:unshare", I386, I386_unshare, {CLONE_NEWUSER_ | 1}},
    {"i386:personality", I386, I386_personality, {0xffff}},
    {"i386:socket-packet", I386, I386_socket, {17, BAD_SOCK_TYPE, 0}},
    {"i386:socketcall-packet", I386, I386_socketcall, {1 /* SYS_SOCKET */, 0 /* set at run time */}},
    {"i386:socketcall-connect", I386, I386_socketcall, {3 /* SYS_CONNECT */, 0 /* set at run time */}},
    {"i386:ioctl-tiocsti", I386, I386_ioctl, {-1, 0x5412}},
    {"i386:ioctl-tiocsetd", I386, I386_ioctl, {-1, 0x5423}},
    {"i386:open_tree", I386, I386_open_tree, {-1, 0, 0xffffffffL}},
    {"i386:clone3", I386, I386_clone3, {0, 0}},
    /* the x32 ABI */
    {"x32:add_key", X32, X32_BIT | X32_add_key, {0, 0, 0, 0, 0}},
    {"x32:keyctl", X32, X32_BIT | X32_keyctl, {1, BAD_PTR}},
    {"x32:ptrace", X32, X32_BIT | X32_ptrace, {16, NO_SUCH_PID}},
    {"x32:mount", X32, X32_BIT | X32_mount, {0, 0, BAD_PTR, 0, 0}},
    {"x32:unshare", X32, X32_BIT | X32_unshare, {CLONE_NEWUSER_ | 1}},
    {"x32:socket-packet", X32, X32_BIT | X32_socket, {17, BAD_SOCK_TYPE, 0}},
};

/* The result of a raw call, as the kernel returns it: -4095..-1 is -errno. */
static long i386_syscall(long nr, const long a[6]) {
#ifdef __x86_64__
    long ret;
    /* ebp carries the 6th argument; save it around the trap. */
    __asm__ volatile("push %%rbp\n\tmov %7, %%rbp\n\tint $0x80\n\tpop %%rbp"
                     : "=a"(ret)
                     : "0"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4]), "r"(a[5])
                     : "memory", "cc", "r8", "r9", "r10", "r11");
    return (long)(int)ret; /* the i386 ABI returns 32 bits */
#else
    (void)nr, (void)a;
    return -ENOSYS;
#endif
}

static void print_result(const char* name, long ret) {
    if (ret >= 0 || ret < -4095) {
        printf("%s OK\n", name);
    } else {
        const char* e = strerrorname_np((int)-ret);
        printf("%s %s\n", name, e ? e : "E?");
    }
}

static long raw(long nr, const long a[6]) {
    long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    return r == -1 ? -errno : r;
}

static long tiocsti_on(int fd) {
    char c = '\n';
    return ioctl(fd, TIOCSTI, &c) == 0 ? 0 : -errno;
}

static long special(const char* name) {
    if (strcmp(name, "tiocsti-stdin") == 0) return tiocsti_on(0);
    if (strcmp(name, "tty-raw") == 0) {
        struct termios t;
        if (tcgetattr(0, &t) != 0) return -errno;
        cfmakeraw(&t);
        t.c_lflag &= ~(tcflag_t)ECHO;
        return tcsetattr(0, TCSANOW, &t) == 0 ? 0 : -errno;
    }
    if (strcmp(name, "tty-excl") == 0) return ioctl(0, TIOCEXCL) == 0 ? 0 : -errno;
    if (strcmp(name, "tty-setd-null") == 0) {
        int disc = 27; /* N_NULL */
        return ioctl(0, TIOCSETD, &disc) == 0 ? 0 : -errno;
    }
    if (strcmp(name, "getcwd") == 0) {
        char buf[4096];
        return syscall(SYS_getcwd, buf, sizeof buf) < 0 ? -errno : 0;
    }
    /* tiocsti-pty: a terminal of our own, made our controlling terminal, so that the
     * kernel itself would allow TIOCSTI on it. */
    if (setsid() < 0) return -errno; /* this child: a new session, no terminal yet */
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return -errno;
    const char* slave_name = ptsname(master);
    if (!slave_name) return -errno;
    int slave = open(slave_name, O_RDWR);
    if (slave < 0) return -errno;
    (void)ioctl(slave, TIOCSCTTY, 0);
    return tiocsti_on(slave);
}

static void run(const struct call* c) {
    long ret;
    switch (c->abi) {
    case NATIVE: ret = c->nr < 0 ? -ENOSYS : raw(c->nr, c->a); break;
    case X32: ret = raw(c->nr, c->a); break;
    case SPECIAL: ret = special(c->name); break;
    case I386: {
        long a[6];
        memcpy(a, c->a, sizeof a);
        if (c->nr == I386_socketcall) a[1] = (long)(uintptr_t)socketcall_args;
        ret = i386_syscall(c->nr, a);
        break;
    }
    default: ret = -EINVAL;
    }
    print_result(c->name, ret);
}

/* ---- --eval-bpf FILE NAME...: runs an exported filter (struct
 * sock_filter[], as sbx --export-seccomp writes it) over each call's
 * seccomp_data, as the kernel would, and prints the action. This checks the
 * i386 and x32 parts of a filter on kernels that cannot run those ABIs.
 * "badarch" is a call from an ABI the filter does not list (arm). */
#define AUDIT_ARCH_X86_64_ 0xc000003eu
#define AUDIT_ARCH_I386_ 0x40000003u
#define AUDIT_ARCH_ARM_ 0x40000028u

struct insn {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};

static uint32_t eval_bpf(const struct insn* prog, size_t len, const uint32_t data[16]) {
    uint32_t a = 0, x = 0, mem[16] = {0};
    for (size_t pc = 0; pc < len; pc++) {
        const struct insn* i = &prog[pc];
        const uint32_t src = (i->code & 0x08) ? x : i->k; /* BPF_X : BPF_K */
        switch (i->code & 0x07) {                         /* class */
        case 0x00:                                        /* LD */
            if ((i->code & 0xe0) == 0x20)
                a = i->k < 64 ? data[i->k / 4] : 0; /* ABS (W) */
            else if ((i->code & 0xe0) == 0x00)
                a = i->k; /* IMM */
            else if ((i->code & 0xe0) == 0x60)
                a = mem[i->k & 15]; /* MEM */
            else
                return 0xdeadu;
            break;
        case 0x01: /* LDX */
            if ((i->code & 0xe0) == 0x00)
                x = i->k;
            else if ((i->code & 0xe0) == 0x60)
                x = mem[i->k & 15];
            else
                return 0xdeadu;
            break;
        case 0x02: mem[i->k & 15] = a; break; /* ST */
        case 0x03: mem[i->k & 15] = x; break; /* STX */
        case 0x04:                            /* ALU */
            switch (i->code & 0xf0) {
            case 0x00: a += src; break;
            case 0x10: a -= src; break;
            case 0x40: a |= src; break;
            case 0x50: a &= src; break;
            case 0x60: a <<= src; break;
            case 0x70: a >>= src; break;
            case 0x80: a = -a; break;
            case 0xa0: a ^= src; break;
            default: return 0xdeadu;
            }
            break;
        case 0x05: { /* JMP */
            int cond;
            switch (i->code & 0xf0) {
            case 0x00: pc += i->k; continue; /* JA */
            case 0x10: cond = a == src; break;
            case 0x20: cond = a > src; break;
            case 0x30: cond = a >= src; break;
            case 0x40: cond = (a & src) != 0; break;
            default: return 0xdeadu;
            }
            pc += cond ? i->jt : i->jf;
            break;
        }
        case 0x06: return (i->code & 0x18) == 0x10 ? a : i->k; /* RET A : RET K */
        case 0x07:
            if (i->code & 0x80)
                a = x;
            else
                x = a;
            break; /* MISC: TXA / TAX */
        }
    }
    return 0xdeadu;
}

static void print_action(const char* name, uint32_t ret) {
    switch (ret & 0xffff0000u) {
    case 0x80000000u: printf("%s KILL_PROCESS\n", name); break;
    case 0x00000000u: printf("%s KILL_THREAD\n", name); break;
    case 0x00030000u: printf("%s TRAP\n", name); break;
    case 0x7ffc0000u: printf("%s LOG\n", name); break;
    case 0x7fff0000u: printf("%s ALLOW\n", name); break;
    case 0x00050000u: {
        const char* e = strerrorname_np((int)(ret & 0xffffu));
        printf("%s ERRNO:%s\n", name, e ? e : "?");
        break;
    }
    default: printf("%s ACTION:0x%x\n", name, ret);
    }
}

static int eval_file(const char* path, int n, char** names) {
    static struct insn prog[4096];
    FILE* f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t len = fread(prog, sizeof prog[0], sizeof prog / sizeof prog[0], f);
    fclose(f);
    for (int i = 0; i < n; i++) {
        uint32_t data[16] = {0};
        if (strcmp(names[i], "badarch") == 0) {
            data[1] = AUDIT_ARCH_ARM_;
            print_action(names[i], eval_bpf(prog, len, data));
            continue;
        }
        const struct call* c = NULL;
        for (size_t j = 0; j < sizeof calls / sizeof calls[0]; j++)
            if (strcmp(calls[j].name, names[i]) == 0) c = &calls[j];
        if (!c || c->abi == SPECIAL || c->nr < 0) {
            printf("%s N/A\n", names[i]);
            continue;
        }
        data[0] = (uint32_t)c->nr;
        data[1] = c->abi == I386 ? AUDIT_ARCH_I386_ : AUDIT_ARCH_X86_64_;
        for (int k = 0; k < 6; k++) {
            uint64_t v = (uint64_t)c->a[k];
            if (c->abi == I386) v &= 0xffffffffu; /* compat arguments are 32 bits, zero-extended */
            data[4 + 2 * k] = (uint32_t)v;
            data[5 + 2 * k] = (uint32_t)(v >> 32);
        }
        print_action(names[i], eval_bpf(prog, len, data));
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc >= 3 && strcmp(argv[1], "--eval-bpf") == 0) return eval_file(argv[2], argc - 3, argv + 3);
    if (argc < 2) {
        fprintf(stderr, "usage: %s NAME... | --list\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) puts(calls[i].name);
        return 0;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int status = 0;
    for (int i = 1; i < argc; i++) {
        const struct call* c = NULL;
        for (size_t j = 0; j < sizeof calls / sizeof calls[0]; j++)
            if (strcmp(calls[j].name, argv[i]) == 0) c = &calls[j];
        if (!c) {
            fprintf(stderr, "sbx-try-syscall: unknown call %s\n", argv[i]);
            status = 2;
            continue;
        }
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            run(c);
            fflush(stdout);
            _exit(0);
        }
        int ws;
        if (waitpid(pid, &ws, 0) < 0) {
            perror("waitpid");
            return 1;
        }
        if (WIFSIGNALED(ws)) {
            /* int $0x80 without IA32 emulation faults (SIGSEGV); a seccomp
             * kill is SIGSYS. */
            if (c->abi == I386 && WTERMSIG(ws) == SIGSEGV)
                printf("%s ENOSYS-ABI\n", c->name);
            else
                printf("%s KILLED:SIG%s\n", c->name, sigabbrev_np(WTERMSIG(ws)) ? sigabbrev_np(WTERMSIG(ws)) : "?");
        }
    }
    return status;
}
