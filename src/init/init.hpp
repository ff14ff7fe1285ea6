// init.hpp — supervision shared by the launcher (on the host) and the
// sandbox's PID 1: wait for one child, forward signals to it, reap every
// other child along the way (orphans reparented to PID 1 included); for the
// launcher also the wall-clock timeout and the pseudo-terminal's traffic.
// One loop polls everything: the signalfd, the timerfd and the I/O's fds.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace sbx::init {

// SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2 — forwarded to the target.
sigset_t forwarded_signals();

// Blocks the forwarded signals and SIGCHLD, so that none is lost between
// fork and supervise(); returns the previous mask for the target to restore.
sigset_t block_supervised_signals();

// Descriptors the loop polls besides its own (the launcher's pty proxy).
// The loop stays the one place that waits; the I/O only says what to poll
// and reacts to what poll() found.
class Io {
public:
    virtual ~Io() = default;
    // Appends the descriptors to poll now (their events set).
    virtual void add_pollfds(std::vector<pollfd>& fds) = 0;
    // Handles the results for the descriptors add_pollfds appended, in order.
    virtual void handle(const pollfd* fds, size_t count) = 0;
    // SIGWINCH arrived (the outer terminal was resized).
    virtual void resized() = 0;
    // SIGCONT arrived (fg or bg: the terminal's foreground may have changed).
    virtual void continued() {}
    // The child is gone: flush what is still buffered.
    virtual void drain() = 0;
};

struct Supervision {
    pid_t child = -1;
    // When false, signals the kernel generated from the terminal (si_code
    // SI_KERNEL: ^C, ^\) are not forwarded, because the target, in the
    // same process group, already got them.
    bool forward_terminal_signals = true;
    // Wall clock: after `timeout` seconds (0: never) SIGTERM goes to the
    // child, and SIGKILL `kill_after` seconds later.
    uint64_t timeout = 0;
    uint64_t kill_after = 0;
    Io* io = nullptr;  // also handles SIGWINCH and SIGCONT (not forwarded) when set
    // When above 0: return after this many milliseconds even though the
    // child still runs (Outcome::running), so that the caller can hand the
    // child over to another supervisor. Not with `io` or `timeout`.
    uint64_t return_after_ms = 0;
};

struct Outcome {
    int status = 0;          // as a shell reports it: the code, or 128+N for signal N
    bool timed_out = false;  // the timeout fired (status is then whatever the child did)
    bool running = false;    // returned after return_after_ms; the child was not reaped
};

// Waits until `child` exits (or return_after_ms pass). Forwarded signals
// that arrive meanwhile are sent to it.
Outcome supervise(const Supervision& what);

}  // namespace sbx::init
