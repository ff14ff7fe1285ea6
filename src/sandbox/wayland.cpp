// wayland.cpp — see wayland.hpp.
#include "sandbox/wayland.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/wayland.hpp"
#include "log/log.hpp"
#include "sys/syscalls.hpp"
#include "sys/wayland_client.hpp"

namespace sbx::sandbox {
namespace {

constexpr char kBound = 'B';
constexpr char kRegistered = 'R';
constexpr int kSetupFailed = 125;

}  // namespace

std::optional<WaylandListener> prepare_wayland_listener(const core::WaylandPlan& plan) {
    if (!plan.enabled || !plan.security_context) return std::nullopt;
    WaylandListener l;
    l.listen.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!l.listen) sys::throw_errno("socket(AF_UNIX) for the Wayland listener");
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) sys::throw_errno("pipe2 for the Wayland listener's close_fd");
    l.close_read.reset(pipe_fds[0]);
    l.close_write.reset(pipe_fds[1]);
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
        sys::throw_errno("socketpair for the Wayland listener");
    l.ready_ours.reset(pair[0]);
    l.ready_theirs.reset(pair[1]);
    return l;
}

void register_wayland_listener(WaylandListener& listener, const core::WaylandPlan& plan, pid_t sandbox) {
    char byte = 0;
    ssize_t n;
    do n = ::recv(listener.ready_ours.get(), &byte, 1, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0 || byte != kBound) return;  // the child is gone: the handshake reports why
    const std::string instance = std::to_string(sandbox);
    spdlog::debug("wayland: register the listener {} with the compositor at {} (engine {}, app id {}, instance id {})",
                  plan.dest, plan.socket, core::kSecurityContextEngine, plan.app_id, instance);
    sys::register_security_context(plan.socket, listener.listen.get(), listener.close_read.get(),
                                   core::kSecurityContextEngine, plan.app_id, instance);
    // The compositor has its own copies now.
    listener.listen.reset();
    listener.close_read.reset();
    if (::send(listener.ready_ours.get(), &kRegistered, 1, MSG_NOSIGNAL) != 1)
        spdlog::debug("wayland: the sandbox went away before the listener was registered");
    listener.ready_ours.reset();
}

void bind_wayland_listener(const core::WaylandPlan& plan, int listen, int ready) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (plan.dest.size() >= sizeof addr.sun_path)
        throw Error(ErrorKind::Setup, "bind the Wayland listener at " + plan.dest + ": the path is too long",
                    ENAMETOOLONG);
    std::memcpy(addr.sun_path, plan.dest.c_str(), plan.dest.size() + 1);
    spdlog::debug("wayland: bind the listener at {}", plan.dest);
    // In the private runtime tmpfs, made a moment ago by this process: no
    // one else has run in the sandbox yet, so no link can be in the way.
    // srwxr-xr-x, like a compositor's own socket.
    const mode_t old = ::umask(022);
    const int bound = ::bind(listen, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    const int err = errno;
    ::umask(old);
    if (bound != 0) sys::throw_errno("bind the Wayland listener at " + plan.dest, err);
    if (::listen(listen, SOMAXCONN) != 0) sys::throw_errno("listen on the Wayland listener " + plan.dest);
    if (::send(ready, &kBound, 1, MSG_NOSIGNAL) != 1) ::_exit(kSetupFailed);
    char byte = 0;
    ssize_t n;
    do n = ::recv(ready, &byte, 1, 0);
    while (n < 0 && errno == EINTR);
    // End of file: the launcher failed to register it (and says why) or is gone.
    if (n != 1 || byte != kRegistered) ::_exit(kSetupFailed);
}

void keep_across_exec(int close_write) {
    if (close_write >= 0 && ::fcntl(close_write, F_SETFD, 0) != 0)
        sys::throw_errno("keep the Wayland listener's close_fd across the exec of sbx-init");
}

}  // namespace sbx::sandbox
