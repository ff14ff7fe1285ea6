/* supervise.h — the one supervision loop of sbx.
 *
 * Wait for one child, forward signals to it, reap every other child along
 * the way (orphans reparented to a PID 1 or a subreaper included), and end
 * with the child's status as a shell reports it. Both resident processes of
 * a sandbox run it: the launcher on the host (with a timeout and the I/O of
 * the pty proxy and the setup handshake, src/sandbox) and the sandbox's PID
 * 1. It is C, with the C library, so that the small supervisor that both
 * become once the sandbox runs (sbx-init, src/init/sbx_init.c) is this same
 * code without the C++ launcher's image around it.
 *
 * One poll loop over a signalfd, an optional timerfd and the I/O's
 * descriptors: no signal handlers, no global state. The caller blocks
 * SIGCHLD and the forwarded signals before its child exists (and a process
 * that execs keeps the mask), so none is lost before the signalfd exists. */
#ifndef SBX_INIT_SUPERVISE_H
#define SBX_INIT_SUPERVISE_H

#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Descriptors the loop polls besides its own. Each callback returns 0, or
 * -1 to end the loop (SBX_IO_FAILED): the I/O keeps its own error. */
struct sbx_io {
    void* ctx;
    /* Writes up to `max` pollfds to poll now; returns how many (0: none). */
    int (*add_pollfds)(void* ctx, struct pollfd* fds, int max);
    /* The results for the descriptors add_pollfds gave, in order. */
    int (*handle)(void* ctx, const struct pollfd* fds, int count);
    int (*resized)(void* ctx);   /* SIGWINCH (not forwarded) */
    int (*continued)(void* ctx); /* SIGCONT (not forwarded) */
    int (*drain)(void* ctx);     /* the child is gone: flush what is buffered */
};

enum { SBX_IO_MAX_FDS = 8 };

struct sbx_supervision {
    pid_t child;
    /* 0: signals the kernel generated from a terminal (si_code SI_KERNEL:
     * ^C, ^\) are not forwarded, because the child, in the same process
     * group, already got them. */
    int forward_terminal_signals;
    /* Wall clock: after `timeout_s` seconds (0: never) SIGTERM to the
     * child, SIGKILL `kill_after_s` seconds later. */
    uint64_t timeout_s;
    uint64_t kill_after_s;
    /* Not 0: return SBX_STILL_RUNNING as soon as the I/O polls nothing any
     * more (the launcher's setup handshake is over) and the child still
     * runs, so that the caller can hand the child over to another
     * supervisor. */
    int return_when_io_done;
    const struct sbx_io* io; /* NULL: none; also gets SIGWINCH and SIGCONT */
    /* Called with each step worth a --verbose line; NULL: silent. */
    void (*trace)(void* ctx, const char* line);
    void* trace_ctx;
};

enum sbx_end {
    SBX_CHILD_EXITED,  /* status is the child's */
    SBX_STILL_RUNNING, /* return_when_io_done: the child was not reaped */
    SBX_IO_FAILED,     /* an I/O callback returned -1 */
    SBX_SYSCALL_FAILED /* failed_call failed with `error` */
};

struct sbx_outcome {
    enum sbx_end end;
    int status;    /* the child's code, or 128+N when signal N killed it */
    int timed_out; /* the timeout fired (status is whatever the child did then) */
    const char* failed_call;
    int error;
};

/* SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2: forwarded to the child. */
void sbx_forwarded_signals(sigset_t* set);

void sbx_supervise(const struct sbx_supervision* what, struct sbx_outcome* outcome);

#ifdef __cplusplus
}
#endif

#endif
