// init.hpp — the C++ side of the one supervision loop (supervise.h): the
// launcher's I/O (the pty proxy, the setup handshake) as objects, errors as
// exceptions. The loop itself is supervise.c, which the small supervisor
// sbx-init runs too.
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
// clone and the loop; returns the previous mask for the target to restore.
sigset_t block_supervised_signals();

// Descriptors the loop polls besides its own. The loop stays the one place
// that waits; the I/O only says what to poll and reacts to what poll()
// found. Exceptions thrown here end the loop and reach supervise()'s caller.
class Io {
public:
    virtual ~Io() = default;
    // Appends the descriptors to poll now (their events set).
    virtual void add_pollfds(std::vector<pollfd>& fds) = 0;
    // Handles the results for the descriptors add_pollfds appended, in order.
    virtual void handle(const pollfd* fds, size_t count) = 0;
    // SIGWINCH arrived (the outer terminal was resized).
    virtual void resized() {}
    // SIGCONT arrived (fg or bg: the terminal's foreground may have changed).
    virtual void continued() {}
    // The child is gone: take what is still buffered.
    virtual void drain() = 0;
};

struct Supervision {
    pid_t child = -1;
    // See sbx_supervision in supervise.h.
    bool forward_terminal_signals = true;
    uint64_t timeout = 0;
    uint64_t kill_after = 0;
    std::vector<Io*> io;
    bool return_when_io_done = false;
};

struct Outcome {
    int status = 0;          // as a shell reports it: the code, or 128+N for signal N
    bool timed_out = false;  // the timeout fired (status is then whatever the child did)
    bool running = false;    // returned when the I/O was done; the child was not reaped
};

// Waits until `child` exits (or, with return_when_io_done, until no I/O is left).
// Forwarded signals that arrive meanwhile are sent to it. Throws what an
// Io threw, or sbx::Error when a system call of the loop fails.
Outcome supervise(const Supervision& what);

}  // namespace sbx::init
