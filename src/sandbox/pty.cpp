// pty.cpp — see pty.hpp.
#include "sandbox/pty.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {
namespace {

constexpr size_t kChunk = 4096;
constexpr long kRecheckMs = 200;

void copy_window_size(int from, int to) {
    struct winsize size {};
    if (::ioctl(from, TIOCGWINSZ, &size) != 0) return;
    spdlog::debug("window size {}x{}", size.ws_col, size.ws_row);
    // On the master: the kernel sends SIGWINCH to the inner foreground group.
    ::ioctl(to, TIOCSWINSZ, &size);
}

// The one message on the pty's socket: a byte, and room for one
// descriptor (SCM_RIGHTS). Points into itself, so it stays where it is.
struct FdMessage {
    char byte = 'm';
    struct iovec iov {
        &byte, 1
    };
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    struct msghdr msg {};

    FdMessage() {
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
    }
    FdMessage(const FdMessage&) = delete;
    FdMessage& operator=(const FdMessage&) = delete;
};

}  // namespace

InnerPty open_inner_pty() {
    InnerPty pty;
    // /dev/ptmx is the sandbox's own (a symlink to pts/ptmx of its private
    // devpts), so the pair lives and dies with the sandbox.
    pty.master = sys::UniqueFd(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!pty.master)
        sys::throw_errno(
            "open /dev/ptmx in the sandbox (the pseudo-terminal that stands in for yours needs the profile's "
            "[[mount]] type = \"dev\" at /dev; pty = \"never\" or --no-pty hands yours over, see sbx(1))");
    int unlock = 0;
    if (::ioctl(pty.master.get(), TIOCSPTLCK, &unlock) != 0) sys::throw_errno("ioctl(TIOCSPTLCK) on /dev/ptmx");
    // TIOCGPTPEER opens the slave through the master, never by a path that
    // could name another devpts.
    pty.slave = sys::UniqueFd(::ioctl(pty.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!pty.slave) sys::throw_errno("ioctl(TIOCGPTPEER) on /dev/ptmx");
    spdlog::debug("pty allocated in the sandbox");
    return pty;
}

void set_up_inner_terminal(int master, const core::TerminalPlan& plan) {
    // The inner terminal starts with the user's settings (erase key, ...),
    // read from the caller's terminal that init still holds.
    struct termios mode {};
    const bool have_outer = plan.outer >= 0 && ::tcgetattr(plan.outer, &mode) == 0;
    if (have_outer || ::tcgetattr(master, &mode) == 0) {
        // Input from a pipe or a file is nobody's typing: echoed back it
        // would show twice (`echo hi | sbx --pty -- cat`).
        if (!plan.echo) mode.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL);
        // A terminal left cooked outside would turn \n into \r\n twice.
        if (!plan.opost) mode.c_oflag &= ~static_cast<tcflag_t>(OPOST);
        if (::tcsetattr(master, TCSANOW, &mode) != 0) sys::throw_errno("tcsetattr on the sandbox's pty");
    }
    if (plan.outer >= 0) copy_window_size(plan.outer, master);
}

void send_fd(int sock, int fd, const std::string& what) {
    FdMessage message;
    struct cmsghdr* cmsg = CMSG_FIRSTHDR(&message.msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
    if (::sendmsg(sock, &message.msg, MSG_NOSIGNAL) != 1) sys::throw_errno(what);
}

void put_on_stdio(int slave, const std::array<bool, 3>& on_pty) {
    for (int fd = 0; fd <= 2; ++fd)
        if (on_pty[static_cast<size_t>(fd)] && ::dup2(slave, fd) < 0)
            sys::throw_errno("dup2 the pty onto fd " + std::to_string(fd));
}

PtyProxy::PtyProxy(sys::UniqueFd sock, const core::TerminalPlan& plan)
    : plan_(plan), sock_(std::move(sock)), input_open_(plan.on_pty[0]) {}

PtyProxy::~PtyProxy() { restore(); }

void PtyProxy::restore() noexcept {
    if (!saved_) return;
    // In the background the shell owns the terminal and has set its own
    // mode (shells do when a job stops); a tcsetattr would only stop us.
    if (in_foreground()) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &*saved_);
        spdlog::debug("outer terminal mode restored");
    }
    saved_.reset();
}

// A terminal that is not our controlling one (sbx started by setsid, say)
// has no job control for us: it counts as the foreground.
bool PtyProxy::in_foreground() noexcept {
    const pid_t group = ::tcgetpgrp(STDIN_FILENO);
    return group < 0 || group == ::getpgrp();
}

// The outer terminal is read only while sbx is in its foreground process
// group, as any job would: in the background sbx leaves the mode alone and
// reads nothing, so what is typed there is the shell's, and a background
// sandbox that never wants input runs on instead of stopping (SIGTTOU). It
// looks again on SIGCONT (fg and bg send it) and, in the background, every
// kRecheckMs (a shell may bring a running job to the foreground without one).
// After a stop (`continued`) the mode is set again: the shell restores its
// own when a job stops. The mode saved is the one found first, so that the
// exit never "restores" a raw mode of our own.
void PtyProxy::follow_foreground(bool continued) {
    if (!master_ || !plan_.raw_outer) return;
    if (!in_foreground()) {
        if (reading_) spdlog::debug("sbx is in the background: the terminal is the shell's");
        reading_ = false;
        if (!recheck_) {
            recheck_ = sys::UniqueFd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
            struct itimerspec every {};
            every.it_interval.tv_nsec = every.it_value.tv_nsec = kRecheckMs * 1000000L;
            if (!recheck_ || ::timerfd_settime(recheck_.get(), 0, &every, nullptr) != 0)
                sys::throw_errno("timerfd for the terminal's foreground");
        }
        return;
    }
    recheck_.reset();
    if (reading_ && !continued) return;
    struct termios outer {};
    if (::tcgetattr(STDIN_FILENO, &outer) != 0) return;
    struct termios raw = outer;
    ::cfmakeraw(&raw);
    if (plan_.raw_keeps_opost) raw.c_oflag = outer.c_oflag;
    if (::tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) sys::throw_errno("tcsetattr(raw) on the outer terminal");
    if (!saved_) saved_ = outer;
    reading_ = true;
    spdlog::debug("sbx is in the foreground: outer terminal in raw mode");
}

void PtyProxy::continued() { follow_foreground(true); }

void PtyProxy::add_pollfds(std::vector<pollfd>& fds) {
    polled_.clear();
    if (sock_) {
        fds.push_back({sock_.get(), POLLIN, 0});
        polled_.push_back(Role::Socket);
    }
    if (master_ && (master_readable_ || !pending_.empty())) {
        const short events = static_cast<short>((master_readable_ ? POLLIN : 0) | (pending_.empty() ? 0 : POLLOUT));
        fds.push_back({master_.get(), events, 0});
        polled_.push_back(Role::Master);
    }
    if (recheck_) {
        fds.push_back({recheck_.get(), POLLIN, 0});
        polled_.push_back(Role::Recheck);
    }
    // Read more only once the master took what was typed before.
    if (master_ && input_open_ && pending_.empty() && (reading_ || !plan_.raw_outer)) {
        fds.push_back({STDIN_FILENO, POLLIN, 0});
        polled_.push_back(Role::Input);
    }
}

void PtyProxy::handle(const pollfd* fds, size_t count) {
    for (size_t i = 0; i < count && i < polled_.size(); ++i) {
        if (fds[i].revents == 0) continue;
        switch (polled_[i]) {
        case Role::Socket: receive_master(true); break;
        case Role::Master:
            if (fds[i].revents & POLLOUT) flush_pending();
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) read_master();
            if (!master_readable_) {
                // The inner side is closed: nobody is left to type to.
                pending_.clear();
                input_open_ = false;
            }
            break;
        case Role::Input: read_input(); break;
        case Role::Recheck: {
            uint64_t expirations = 0;
            if (::read(recheck_.get(), &expirations, sizeof expirations) > 0) follow_foreground(false);
            break;
        }
        }
    }
}

void PtyProxy::receive_master(bool outer_raw) {
    FdMessage message;
    const ssize_t n = ::recvmsg(sock_.get(), &message.msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    sock_.reset();  // one message, or end-of-file when setup failed before it
    const struct cmsghdr* cmsg = n > 0 ? CMSG_FIRSTHDR(&message.msg) : nullptr;
    if (cmsg == nullptr || cmsg->cmsg_type != SCM_RIGHTS || cmsg->cmsg_len != CMSG_LEN(sizeof(int))) {
        spdlog::debug("no pty master from the sandbox (setup ended before)");
        return;
    }
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
    master_ = sys::UniqueFd(fd);
    master_readable_ = true;
    // Our own descriptor: non-blocking, so a target that does not read its
    // input cannot stall the loop (stdin and stdout are shared with the
    // caller's shell and stay as they are).
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    spdlog::debug("pty master received");
    // Init gave the inner terminal its size already; one changed since is
    // only seen here (SIGWINCH found no master to tell).
    if (plan_.outer >= 0) copy_window_size(plan_.outer, fd);
    if (outer_raw) follow_foreground(false);
}

bool PtyProxy::read_master() {
    char buf[kChunk];
    const ssize_t n = ::read(master_.get(), buf, sizeof buf);
    if (n > 0) {
        write_output(buf, static_cast<size_t>(n));
        return true;
    }
    // EIO: every descriptor of the inner side is closed.
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) master_readable_ = false;
    return false;
}

void PtyProxy::flush_pending() {
    const ssize_t n = ::write(master_.get(), pending_.data(), pending_.size());
    if (n > 0) {
        pending_.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        pending_.clear();
        input_open_ = false;
    }
}

void PtyProxy::read_input() {
    char buf[kChunk];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        // End of input: what a user types as ^D, so that a target reading
        // to end-of-file ends (in canonical mode).
        input_open_ = false;
        struct termios inner {};
        if (::tcgetattr(master_.get(), &inner) == 0) pending_.push_back(static_cast<char>(inner.c_cc[VEOF]));
    } else {
        pending_.append(buf, static_cast<size_t>(n));
    }
    flush_pending();
}

void PtyProxy::write_output(const char* data, size_t size) {
    while (output_ok_ && size > 0) {
        const ssize_t n = plan_.output_fd >= 0 ? ::write(plan_.output_fd, data, size) : -1;
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            output_ok_ = false;  // the caller's stdout is gone; keep draining the master
            return;
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
}

void PtyProxy::resized() {
    if (master_ && plan_.outer >= 0) copy_window_size(plan_.outer, master_.get());
}

void PtyProxy::drain() {
    // The sandbox may be over before the loop saw the master arrive (a
    // command that cannot be executed): its last words are in it all the same.
    if (sock_) receive_master(false);
    if (!master_) return;
    // Non-blocking reads flush the pty's buffer work first, so what the
    // target wrote just before it exited is still delivered.
    while (master_readable_ && read_master()) {
    }
}

}  // namespace sbx::sandbox
