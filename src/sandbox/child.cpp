// child.cpp — see child.hpp.
//
// A fork of the launcher, not a thread of its memory: the setup below
// allocates, throws and logs, and a SIGKILL (from the launcher, a timeout,
// or the user) may stop it at any instruction without harm to anyone else.
#include "sandbox/child.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>
#include <vector>

#include "core/caps.hpp"
#include "log/log.hpp"
#include "sandbox/pty.hpp"
#include "sandbox/rootfs.hpp"
#include "sandbox/target.hpp"
#include "sandbox/wayland.hpp"
#include "sys/sync_channel.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {
namespace {

constexpr int kSetupFailed = 125;

// A new network namespace has only `lo`, and it is down.
void bring_up_loopback() {
    spdlog::debug("bring up lo");
    sys::UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock) sys::throw_errno("socket(AF_INET) to configure lo");
    struct ifreq req {};
    std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(sock.get(), SIOCGIFFLAGS, &req) != 0) sys::throw_errno("ioctl(SIOCGIFFLAGS, lo)");
    req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP);
    if (::ioctl(sock.get(), SIOCSIFFLAGS, &req) != 0) sys::throw_errno("ioctl(SIOCSIFFLAGS, lo up)");
}

// Closes every descriptor from 3 up except those in `keep` (-1s ignored).
void close_inherited(std::vector<int> keep) {
    std::sort(keep.begin(), keep.end());
    unsigned from = 3;
    for (int fd : keep) {
        if (fd < static_cast<int>(from)) continue;
        if (static_cast<unsigned>(fd) > from && ::close_range(from, static_cast<unsigned>(fd) - 1, 0) != 0)
            sys::throw_errno("close_range(" + std::to_string(from) + ", " + std::to_string(fd - 1) + ")");
        from = static_cast<unsigned>(fd) + 1;
    }
    if (::close_range(from, ~0U, 0) != 0) sys::throw_errno("close_range(" + std::to_string(from) + ", ~0)");
}

// The launcher writes setgroups, gid_map and uid_map from outside (for
// subordinate id ranges it will run newuidmap there) as soon as clone
// returns; until it says so this process is nobody in its namespace and
// may do nothing else. End of file instead: the launcher is gone.
void await_id_maps(int sync) {
    spdlog::debug("wait for the launcher to write the id maps");
    const std::optional<sys::SyncMessage> answer = sys::receive_frame(sync);
    if (!answer) ::_exit(kSetupFailed);
    if (answer->kind != sys::Frame::MapsWritten)
        throw Error(ErrorKind::Setup, "the launcher did not write the id maps", EPROTO);
}

// The target runs before sbx-init has made itself non-dumpable again (an
// exec makes a process dumpable), and in that window a target of the same
// uid could ptrace PID 1 or open /proc/1/mem and run code there, outside
// the target's seccomp filter, no_new_privs and Landlock (found by the
// attacker review; Landlock's ptrace rule was all that stopped it).
// Dumpable or not, the kernel lets a process ptrace or open the memory of
// another in its user namespace only when the other's permitted
// capabilities are a subset of its own (commoncap), and the target has
// none: so PID 1 keeps one across the exec, raised in the ambient set:
// CAP_KILL (what sbx-init's work, sending signals, is about), or, when the
// profile lets the target keep CAP_KILL, the lowest one it does not keep
// (a target keeping all of them holds CAP_SYS_PTRACE anyway). A capability
// inside the sandbox's user namespace only.
// `target`: the sets the target ends with (prepare_target decided them).
void keep_a_capability_across_exec(const CapabilitySets& target) {
    const auto is_kept = [&](int cap) { return ((target.keep >> cap) & 1) != 0; };
    int cap = CAP_KILL;
    for (int other = 0; is_kept(cap) && other <= target.last; ++other) cap = other;
    if (is_kept(cap)) return;
    spdlog::debug("init keeps {} across its exec (the target does not have it)", core::capability_name(cap));
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (::syscall(SYS_capget, &header, data) != 0) sys::throw_errno("capget (init)");
    data[cap / 32].inheritable |= 1U << (cap % 32);
    if (::syscall(SYS_capset, &header, data) != 0) sys::throw_errno("capset: an inheritable capability for init");
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0)
        sys::throw_errno("raise " + core::capability_name(cap) + " in init's ambient set");
}

// Becomes sbx-init for `target`; returns (the errno) only if the exec failed.
int exec_init(int supervisor, pid_t target, bool forward_terminal_signals) {
    const std::string pid = std::to_string(target);
    const char* argv[] = {"sbx-init", "init", pid.c_str(), forward_terminal_signals ? "1" : "0", nullptr};
    const char* envp[] = {nullptr};
    ::execveat(supervisor, "", const_cast<char* const*>(argv), const_cast<char* const*>(envp), AT_EMPTY_PATH);
    return errno;
}

}  // namespace

void sandbox_child(const core::SandboxPlan& plan, const SeccompProgram& seccomp, const ChildFds& fds) {
    pid_t target = -1;
    try {
        // Nothing the launcher inherited reaches the sandbox but these.
        std::vector<int> keep{fds.sync,           fds.pty_socket,    fds.supervisor,
                              fds.wayland_listen, fds.wayland_close, fds.wayland_ready};
        keep.insert(keep.end(), fds.helper_ends.begin(), fds.helper_ends.end());
        close_inherited(keep);
        if (plan.die_with_parent) {
            if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) sys::throw_errno("prctl(PR_SET_PDEATHSIG)");
            // A launcher killed before that prctl sent no signal (the
            // launcher writes the maps and answers at once, so the answer may
            // be waiting here already). A dying process closes its files
            // before its children are told, so its end of the handshake is
            // closed by now if it is gone: then this sandbox must not start.
            // (The robustness storm found it: a PID 1 that outlived its
            // SIGKILLed launcher.)
            struct pollfd peer {
                fds.sync, POLLRDHUP, 0
            };
            if (::poll(&peer, 1, 0) == 1 && (peer.revents & (POLLHUP | POLLRDHUP)) != 0) ::_exit(kSetupFailed);
        }
        await_id_maps(fds.sync);
        // Exact modes for what setup creates; the target gets the caller's umask back.
        const mode_t caller_umask = ::umask(0);

        if (plan.ns.uts && !plan.hostname.empty()) {
            spdlog::debug("hostname {}", plan.hostname);
            if (::sethostname(plan.hostname.data(), plan.hostname.size()) != 0)
                sys::throw_errno("sethostname " + plan.hostname);
        }
        if (plan.ns.net) bring_up_loopback();
        build_root_and_pivot(plan);
        if (fds.wayland_listen >= 0) {
            // Before the target exists: it finds the listener registered.
            bind_wayland_listener(plan.wayland, fds.wayland_listen, fds.wayland_ready);
            ::close(fds.wayland_ready);
            ::close(fds.wayland_listen);  // the compositor holds it now
        }

        // From here on this process is the sandbox's init.
        ::prctl(PR_SET_NAME, "sbx-init", 0, 0, 0);
        // Without a pid namespace, orphans would escape to the host's init.
        if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) sys::throw_errno("prctl(PR_SET_CHILD_SUBREAPER)");
        // Not dumpable: the target, which holds no capability in the
        // namespace, cannot ptrace init or read its memory (sbx-init says so
        // again after its exec). A fork, so the launcher is not affected.
        if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) sys::throw_errno("prctl(PR_SET_DUMPABLE, 0)");
        // Out of the terminal's process group, so ^C reaches the target once,
        // through the launcher.
        if (plan.new_session && ::setsid() < 0) sys::throw_errno("setsid (init)");

        InnerPty pty;
        if (fds.pty_socket >= 0) {
            // Allocated after pivot_root, from the sandbox's own devpts.
            pty = open_inner_pty();
            set_up_inner_terminal(pty.master.get(), plan.terminal);
            send_fd(fds.pty_socket, pty.master.get(), "send the pty master to the launcher");
            pty.master.reset();
            ::close(fds.pty_socket);
            // Init lets go of the caller's terminal too: it stays in the
            // sandbox as long as the target, and what it still has to say
            // goes through the proxy like the target's output.
            put_on_stdio(pty.slave.get(), plan.terminal.on_pty);
        }
        // Everything the target's last steps need, prepared here; then the
        // target runs them in this memory while this process waits
        // (target.hpp says why that is safe, and what it must not do).
        const PreparedTarget prepared = prepare_target(plan, seccomp, caller_umask, pty.slave.get(), fds.sync);
        target = spawn_target(prepared);
        if (target < 0) sys::throw_errno("clone the target");
        spdlog::debug("target is pid {}; exec sbx-init", target);
        pty.slave.reset();
        keep_across_exec(fds.wayland_close);
        keep_a_capability_across_exec(prepared.caps);
        // The helpers' pipe ends were O_CLOEXEC while the target was cloned
        // (its own copy of the table, closed at its execve); sbx-init keeps
        // them open until PID 1, and so the sandbox, ends.
        for (int end : fds.helper_ends)
            if (::fcntl(end, F_SETFD, 0) != 0) sys::throw_errno("fcntl(F_SETFD) on a helper's pipe");
        // Signals that arrive during the exec stay pending (blocked), survive
        // it, and sbx-init forwards them.
        const int err = exec_init(fds.supervisor, target, plan.new_session);
        throw Error(ErrorKind::Setup, std::string("cannot execute sbx-init: ") + std::strerror(err), err);
    } catch (const std::exception& e) {
        // The target must not run without its init (it dies with it anyway:
        // PR_SET_PDEATHSIG, and the pid namespace ends with its PID 1).
        if (target > 0) ::kill(target, SIGKILL);
        sys::send_frame(fds.sync, sys::Frame::SetupFailed, 0, e.what());
    } catch (...) {
        if (target > 0) ::kill(target, SIGKILL);
        sys::send_frame(fds.sync, sys::Frame::SetupFailed, 0, "setting up the sandbox failed");
    }
    ::_exit(kSetupFailed);
}

}  // namespace sbx::sandbox
