// pty.cpp — see pty.hpp.
#include "sandbox/pty.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {
namespace {

constexpr size_t kChunk = 4096;

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
        sys::throw_errno("open /dev/ptmx in the sandbox (--pty needs the profile's [[mount]] type = \"dev\" at /dev)");
    int unlock = 0;
    if (::ioctl(pty.master.get(), TIOCSPTLCK, &unlock) != 0) sys::throw_errno("ioctl(TIOCSPTLCK) on /dev/ptmx");
    // TIOCGPTPEER opens the slave through the master, never by a path that
    // could name another devpts.
    pty.slave = sys::UniqueFd(::ioctl(pty.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!pty.slave) sys::throw_errno("ioctl(TIOCGPTPEER) on /dev/ptmx");
    spdlog::debug("pty allocated in the sandbox");
    return pty;
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

void attach_terminal(int slave) {
    spdlog::debug("setsid, controlling terminal: the sandbox's pty");
    if (::setsid() < 0) sys::throw_errno("setsid (pty)");
    if (::ioctl(slave, TIOCSCTTY, 0) != 0) sys::throw_errno("ioctl(TIOCSCTTY) on the sandbox's pty");
    for (int fd = 0; fd <= 2; ++fd)
        if (::dup2(slave, fd) < 0) sys::throw_errno("dup2 the pty onto fd " + std::to_string(fd));
    if (slave > 2) ::close(slave);
}

PtyProxy::PtyProxy(sys::UniqueFd sock) : sock_(std::move(sock)) {}

PtyProxy::~PtyProxy() { restore(); }

void PtyProxy::restore() noexcept {
    if (!saved_) return;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &*saved_);
    saved_.reset();
    spdlog::debug("outer terminal mode restored");
}

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
    // Read more only once the master took what was typed before.
    if (master_ && input_open_ && pending_.empty()) {
        fds.push_back({STDIN_FILENO, POLLIN, 0});
        polled_.push_back(Role::Input);
    }
}

void PtyProxy::handle(const pollfd* fds, size_t count) {
    for (size_t i = 0; i < count && i < polled_.size(); ++i) {
        if (fds[i].revents == 0) continue;
        switch (polled_[i]) {
        case Role::Socket: receive_master(); break;
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
        }
    }
}

void PtyProxy::receive_master() {
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

    struct termios outer {};
    if (::tcgetattr(STDIN_FILENO, &outer) != 0) return;  // stdin is not a terminal: no mode to change
    // The inner terminal starts with the user's settings (erase key, ...).
    ::tcsetattr(fd, TCSANOW, &outer);
    copy_window_size(STDIN_FILENO, fd);
    struct termios raw = outer;
    ::cfmakeraw(&raw);
    if (::tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) sys::throw_errno("tcsetattr(raw) on the outer terminal");
    saved_ = outer;
    spdlog::debug("outer terminal in raw mode");
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
        const ssize_t n = ::write(STDOUT_FILENO, data, size);
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
    if (master_) copy_window_size(STDIN_FILENO, master_.get());
}

void PtyProxy::drain() {
    if (!master_) return;
    // Non-blocking reads flush the pty's buffer work first, so what the
    // target wrote just before it exited is still delivered.
    while (master_readable_ && read_master()) {
    }
}

}  // namespace sbx::sandbox
