// init.cpp — see init.hpp.
#include "init/init.hpp"

#include <exception>

#include "init/supervise.h"
#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::init {
namespace {

// The C loop's one I/O, standing for all of the Supervision's: their
// descriptors side by side, and the first exception kept for the caller
// (none may unwind through the C frames).
struct Dispatch {
    const std::vector<Io*>& io;
    std::vector<pollfd> fds;
    std::vector<size_t> counts;  // how many descriptors each Io added
    std::exception_ptr error;

    template <class F>
    int guard(F&& f) {
        try {
            f();
            return 0;
        } catch (...) {
            error = std::current_exception();
            return -1;
        }
    }

    static Dispatch& of(void* ctx) { return *static_cast<Dispatch*>(ctx); }

    static int add_pollfds(void* ctx, pollfd* out, int max) {
        Dispatch& d = of(ctx);
        const int rc = d.guard([&] {
            d.fds.clear();
            d.counts.clear();
            for (Io* one : d.io) {
                const size_t before = d.fds.size();
                one->add_pollfds(d.fds);
                d.counts.push_back(d.fds.size() - before);
            }
            if (d.fds.size() > static_cast<size_t>(max))
                throw Error(ErrorKind::Setup, "the supervision loop polls too many descriptors", EINVAL);
        });
        if (rc != 0) return rc;
        for (size_t i = 0; i < d.fds.size(); ++i) out[i] = d.fds[i];
        return static_cast<int>(d.fds.size());
    }

    static int handle(void* ctx, const pollfd* fds, int) {
        Dispatch& d = of(ctx);
        return d.guard([&] {
            const pollfd* at = fds;
            for (size_t i = 0; i < d.io.size(); ++i) {
                if (d.counts[i] > 0) d.io[i]->handle(at, d.counts[i]);
                at += d.counts[i];
            }
        });
    }

    static int resized(void* ctx) {
        Dispatch& d = of(ctx);
        return d.guard([&] {
            for (Io* one : d.io) one->resized();
        });
    }

    static int continued(void* ctx) {
        Dispatch& d = of(ctx);
        return d.guard([&] {
            for (Io* one : d.io) one->continued();
        });
    }

    static int drain(void* ctx) {
        Dispatch& d = of(ctx);
        return d.guard([&] {
            for (Io* one : d.io) one->drain();
        });
    }
};

void trace(void*, const char* line) { spdlog::debug("{}", line); }

}  // namespace

sigset_t forwarded_signals() {
    sigset_t set;
    sbx_forwarded_signals(&set);
    return set;
}

sigset_t block_supervised_signals() {
    sigset_t set = forwarded_signals();
    sigaddset(&set, SIGCHLD);
    sigset_t old;
    if (::sigprocmask(SIG_BLOCK, &set, &old) != 0) sys::throw_errno("sigprocmask");
    return old;
}

Outcome supervise(const Supervision& what) {
    Dispatch dispatch{what.io, {}, {}, nullptr};
    const sbx_io io{&dispatch,          &Dispatch::add_pollfds, &Dispatch::handle,
                    &Dispatch::resized, &Dispatch::continued,   &Dispatch::drain};
    sbx_supervision c{};
    c.child = what.child;
    c.forward_terminal_signals = what.forward_terminal_signals ? 1 : 0;
    c.timeout_s = what.timeout;
    c.kill_after_s = what.kill_after;
    c.return_when_io_done = what.return_when_io_done ? 1 : 0;
    c.io = what.io.empty() ? nullptr : &io;
    c.trace = spdlog::should_log(spdlog::level::debug) ? &trace : nullptr;
    sbx_outcome outcome{};
    sbx_supervise(&c, &outcome);
    switch (outcome.end) {
    case SBX_IO_FAILED:
        if (dispatch.error) std::rethrow_exception(dispatch.error);
        throw Error(ErrorKind::Setup, "the supervision loop's I/O failed", EIO);
    case SBX_SYSCALL_FAILED:
        sys::throw_errno(std::string(outcome.failed_call) + " (supervising " + std::to_string(what.child) + ")",
                         outcome.error);
    case SBX_STILL_RUNNING: return Outcome{0, outcome.timed_out != 0, true};
    case SBX_CHILD_EXITED: break;
    }
    return Outcome{outcome.status, outcome.timed_out != 0, false};
}

}  // namespace sbx::init
