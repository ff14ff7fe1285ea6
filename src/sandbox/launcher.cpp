// launcher.cpp — the process model.
//
//   sbx (monitor, on the host)        forwards signals, exits like the target
//    └─ clone(NEWUSER|NEWNS|...)      one call creates every namespace; the
//       child (PID 1 of the sandbox)  writes its own id maps, builds the root,
//       │                             then stays as init: reaps, forwards
//       └─ clone: target              setsid, chdir, caps dropped, no_new_privs, execvp
//
// Both children are started like posix_spawn's (sys/spawn.hpp): in the
// parent's memory, the parent waiting until the child execs, so no page
// tables are copied. The sandbox's child does so whenever PID 1 is sure to
// exec the small supervisor (sbx-init found) and the launcher has nothing to
// do during setup (no timeout running, no cgroup to fill); otherwise it is a
// fork-like clone.
//
// Once the target runs, both resident processes become the small
// supervisor (src/supervise): PID 1 right away, the launcher only if the
// sandbox is still running after kHandOverMs, so that a short sandbox does
// not pay for an exec that competes with its target for the CPU.
//
// The child writes its own uid_map/gid_map: for the single-id mapping an
// unprivileged user may make, the kernel allows that from inside, so no
// round trip with the parent is needed. Any failed step prints one line and
// exits 125 before the target is ever executed (fail closed).
#include "sandbox/launcher.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
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
#include <vector>

#include "config.h"
#include "init/init.hpp"
#include "log/log.hpp"
#include "sandbox/cgroup.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/limits.hpp"
#include "sandbox/pty.hpp"
#include "sandbox/rootfs.hpp"
#include "sandbox/seccomp.hpp"
#include "sandbox/security.hpp"
#include "sys/spawn.hpp"
#include "sys/syscalls.hpp"

extern char** environ;

namespace sbx::sandbox {
namespace {

constexpr int kSetupFailed = 125;
constexpr int kCannotExecute = 126;
constexpr int kNotFound = 127;
constexpr int kTimedOut = 124;  // like timeout(1)
// How long the launcher supervises in-process before it execs the small
// supervisor (sbx-supervise) to give back its memory.
constexpr uint64_t kHandOverMs = 50;

unsigned long clone_flags(const core::NamespacePlan& ns) {
    unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS;
    if (ns.pid) flags |= CLONE_NEWPID;
    if (ns.ipc) flags |= CLONE_NEWIPC;
    if (ns.uts) flags |= CLONE_NEWUTS;
    if (ns.net) flags |= CLONE_NEWNET;
    if (ns.cgroup) flags |= CLONE_NEWCGROUP;
    return flags;
}

std::string flag_names(const core::NamespacePlan& ns) {
    std::string names = "CLONE_NEWUSER|CLONE_NEWNS";
    if (ns.pid) names += "|CLONE_NEWPID";
    if (ns.ipc) names += "|CLONE_NEWIPC";
    if (ns.uts) names += "|CLONE_NEWUTS";
    if (ns.net) names += "|CLONE_NEWNET";
    if (ns.cgroup) names += "|CLONE_NEWCGROUP";
    return names;
}

[[noreturn]] void throw_clone_error(int err) {
    std::string msg = std::string("cannot create the sandbox's namespaces (clone: ") + std::strerror(err) + "): ";
    switch (err) {
    case EPERM:
    case EACCES:
        msg +=
            "unprivileged user namespaces are disabled or restricted here; check that "
            "/proc/sys/user/max_user_namespaces is above 0 and, where they exist, the sysctls "
            "kernel.unprivileged_userns_clone=1 and kernel.apparmor_restrict_unprivileged_userns=0";
        break;
    case ENOSPC:
    case EUSERS:
        msg +=
            "the user namespace limit is 0 or reached; raise /proc/sys/user/max_user_namespaces "
            "(sysctl user.max_user_namespaces)";
        break;
    case EINVAL:
        msg +=
            "the kernel lacks a namespace type sbx needs (CONFIG_USER_NS, CONFIG_PID_NS, CONFIG_NET_NS, "
            "CONFIG_CGROUPS); set the missing one to false in the profile's [namespaces] or use another kernel";
        break;
    default: msg += "see clone(2)"; break;
    }
    throw Error(ErrorKind::Setup, msg, err);
}

void write_id_maps(const core::SandboxPlan& plan) {
    spdlog::debug("uid_map {} {} 1, gid_map {} {} 1, setgroups deny", plan.uid.inside, plan.uid.outside,
                  plan.gid.inside, plan.gid.outside);
    // setgroups must be denied before an unprivileged process may write
    // gid_map (user_namespaces(7)); it also stops the sandbox from dropping
    // supplementary groups to escape a group-based deny on the host.
    sys::write_file("/proc/self/setgroups", "deny");
    sys::write_file("/proc/self/gid_map",
                    std::to_string(plan.gid.inside) + " " + std::to_string(plan.gid.outside) + " 1\n");
    sys::write_file("/proc/self/uid_map",
                    std::to_string(plan.uid.inside) + " " + std::to_string(plan.uid.outside) + " 1\n");
}

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

// With PR_SET_PDEATHSIG set first, a launcher that is already gone shows
// as end-of-file on the pipe whose write end only it holds.
bool launcher_is_gone(int alive_fd) {
    struct pollfd pfd {
        alive_fd, POLLIN, 0
    };
    return ::poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLIN)) != 0;
}

[[noreturn]] void exec_target(const core::SandboxPlan& plan, const SeccompProgram& seccomp, mode_t caller_umask,
                              int pty_slave) {
    try {
        // A fresh signal mask: the supervised signals were blocked only for
        // the launcher's signalfd.
        sigset_t none;
        sigemptyset(&none);
        if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) sys::throw_errno("sigprocmask");
        ::umask(caller_umask);
        if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) sys::throw_errno("prctl(PR_SET_PDEATHSIG)");
        if (pty_slave >= 0) {
            // Its own session on the sandbox's pty: job control works, and
            // the launching terminal is out of reach all the same.
            attach_terminal(pty_slave, plan.terminal.on_pty);
        } else if (plan.new_session) {
            // The target cannot reach the launching terminal (TIOCSTI).
            spdlog::debug("setsid");
            if (::setsid() < 0) sys::throw_errno("setsid");
        }
        spdlog::debug("chdir {}", plan.chdir);
        if (::chdir(plan.chdir.c_str()) != 0) sys::throw_errno("chdir " + plan.chdir);
        // The working directory must lie inside the new root: a descriptor
        // leaked from the host as cwd would make getcwd() "(unreachable)"
        // (runc CVE-2024-21626).
        char cwd[4096];
        if (::getcwd(cwd, sizeof cwd) == nullptr || cwd[0] != '/')
            throw Error(ErrorKind::Setup, "the working directory " + plan.chdir + " is outside the sandbox", EACCES);
        apply_rlimits(plan.rlimits);
        drop_capabilities(plan.keep_caps);
        set_no_new_privs();
        apply_landlock(plan.landlock);

        std::vector<char*> argv;
        for (const auto& word : plan.argv) argv.push_back(const_cast<char*>(word.c_str()));
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (const auto& kv : plan.env) envp.push_back(const_cast<char*>(kv.c_str()));
        envp.push_back(nullptr);
        spdlog::debug("execvp {}", plan.argv[0]);
        // execvp searches the PATH of `environ`, which must be the sandbox's.
        environ = envp.data();
        // Last, right before execve: from here on every system call of this
        // process is filtered, so nothing of sbx's own may follow but the exec
        // (and, if it fails, the error report and _exit).
        install_seccomp(seccomp);
        ::execvp(argv[0], argv.data());
        const int err = errno;
        spdlog::error("{}: {}", plan.argv[0], std::strerror(err));
        ::_exit(err == ENOENT || err == ENOTDIR ? kNotFound : kCannotExecute);
    } catch (const Error& e) {
        spdlog::error("{}", e.what());
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
    }
    ::_exit(kSetupFailed);
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

// The folders to look in, in order: libexec, then sbx's own folder.
std::vector<std::string> supervisor_dirs() {
    std::vector<std::string> dirs{std::string(SBX_LIBEXECDIR) + "/sbx"};
    char self[4096];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        std::string exe(self, static_cast<size_t>(n));
        dirs.push_back(exe.substr(0, exe.rfind('/')));
    }
    return dirs;
}

// The small supervisor (src/supervise) that the two resident processes
// become once the sandbox runs, "sbx-supervise" for the launcher and
// "sbx-init" for PID 1: installed in libexec, or beside sbx in a build
// tree. Opened before clone, so PID 1 can exec it by fd after pivot_root.
// Not found: sbx supervises in-process (same behaviour, more memory).
sys::UniqueFd open_supervisor(const std::vector<std::string>& dirs, const std::string& name) {
    for (const auto& dir : dirs) {
        const std::string path = dir + "/" + name;
        const int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
        if (fd >= 0) {
            spdlog::debug("supervisor {}", path);
            return sys::UniqueFd(fd);
        }
    }
    spdlog::debug("no {} found; supervising in-process", name);
    return sys::UniqueFd();
}

// Becomes the supervisor for `child`; returns (the errno) only if the exec failed.
int exec_supervisor(int supervisor, const char* mode, pid_t child, bool forward_terminal_signals) {
    if (supervisor < 0) return ENOENT;
    const std::string pid = std::to_string(child);
    const char* argv[] = {"sbx-supervise", mode, pid.c_str(), forward_terminal_signals ? "1" : "0", nullptr};
    const char* envp[] = {nullptr};
    ::execveat(supervisor, "", const_cast<char* const*>(argv), const_cast<char* const*>(envp), AT_EMPTY_PATH);
    const int err = errno;
    spdlog::debug("exec sbx-supervise {}: {}; supervising in-process", mode, std::strerror(err));
    return err;
}

// `shares_memory`: started by spawn_shared(), so the launcher waits until
// this process execs; it must then exec the supervisor or fail.
[[noreturn]] void sandbox_main(const core::SandboxPlan& plan, const SeccompProgram& seccomp, int alive_fd, int pty_sock,
                               int supervisor, bool shares_memory) {
    try {
        // Nothing the launcher inherited reaches the sandbox (but the
        // socket the pty's master goes back on, and the supervisor). First
        // of all, because this copy of the pipe's write end would hide the
        // launcher's death from the check below.
        close_inherited({pty_sock, supervisor, alive_fd});
        if (plan.die_with_parent) {
            if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) sys::throw_errno("prctl(PR_SET_PDEATHSIG)");
            if (launcher_is_gone(alive_fd)) ::_exit(kSetupFailed);
        }
        ::close(alive_fd);
        // Exact modes for what setup creates; the target gets the caller's umask back.
        const mode_t caller_umask = ::umask(0);

        write_id_maps(plan);
        if (plan.ns.uts && !plan.hostname.empty()) {
            spdlog::debug("hostname {}", plan.hostname);
            if (::sethostname(plan.hostname.data(), plan.hostname.size()) != 0)
                sys::throw_errno("sethostname " + plan.hostname);
        }
        if (plan.ns.net) bring_up_loopback();
        build_root_and_pivot(plan);

        // From here on this process is the sandbox's init.
        ::prctl(PR_SET_NAME, "sbx-init", 0, 0, 0);
        // Without a pid namespace, orphans would escape to the host's init.
        if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) sys::throw_errno("prctl(PR_SET_CHILD_SUBREAPER)");
        // Not dumpable: the target, which holds no capability in the
        // namespace, cannot ptrace init or read its memory. The user's
        // other processes outside still can: they own the user namespace, so
        // they have CAP_SYS_PTRACE over everything in it, dumpable or not
        // (Yama checks that same capability: only ptrace_scope 3 stops them).
        // See SECURITY in sbx(1).
        if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) sys::throw_errno("prctl(PR_SET_DUMPABLE, 0)");
        // Out of the terminal's process group, so ^C reaches the target once,
        // through the launcher.
        if (plan.new_session && ::setsid() < 0) sys::throw_errno("setsid (init)");

        InnerPty pty;
        if (pty_sock >= 0) {
            // Allocated after pivot_root, from the sandbox's own devpts.
            pty = open_inner_pty();
            set_up_inner_terminal(pty.master.get(), plan.terminal);
            send_fd(pty_sock, pty.master.get(), "send the pty master to the launcher");
            pty.master.reset();
            ::close(pty_sock);
            // Init lets go of the caller's terminal too: it stays in the
            // sandbox as long as the target, and what it still has to say
            // goes through the proxy like the target's output.
            put_on_stdio(pty.slave.get(), plan.terminal.on_pty);
        }
        const int slave = pty.slave.get();
        const pid_t target = sys::spawn_shared(0, [&] { exec_target(plan, seccomp, caller_umask, slave); });
        if (target < 0) sys::throw_errno("clone the target");
        spdlog::debug("target is pid {}", target);
        pty.slave.reset();
        // Signals that arrive during the exec stay pending (blocked), survive
        // it, and the supervisor forwards them.
        const int err = exec_supervisor(supervisor, "init", target, plan.new_session);
        // The launcher is suspended until this process execs: it cannot
        // supervise the target now (and the target dies with PID 1).
        if (shares_memory)
            throw Error(ErrorKind::Setup, std::string("cannot execute sbx-init: ") + std::strerror(err), err);
        init::Supervision supervision;
        supervision.child = target;
        supervision.forward_terminal_signals = plan.new_session;
        ::_exit(init::supervise(supervision).status);
    } catch (const Error& e) {
        spdlog::error("{}", e.what());
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
    } catch (...) {
        spdlog::error("setting up the sandbox failed");
    }
    ::_exit(kSetupFailed);
}

}  // namespace

void prepare_host(const core::SandboxPlan& plan) {
    // The plan names each missing `create` source by its real path as it
    // will be (core::finish_plan: the real path of the deepest existing
    // ancestor plus the missing rest), and every check on real paths ran
    // on that path. Created without following any symlink, it is exactly
    // that path: a symlink swapped into it since the plan was made fails
    // the creation (ELOOP), and one swapped in after it fails the mount,
    // which opens every source with RESOLVE_NO_SYMLINKS. So what is mounted
    // is what was checked, with no window in between.
    for (const auto& op : plan.mounts) {
        if (!op.create || sys::path_exists(op.source)) continue;
        spdlog::debug("create {} (0700)", op.source);
        sys::make_dirs_nofollow(op.source, 0700);
    }
}

namespace {

// The raw system calls, not glibc's clone(): fork semantics (the child
// continues on a copy of this stack) with namespace flags. With a cgroup,
// clone3 places the child in it atomically (CLONE_INTO_CGROUP, Linux 5.7).
long clone_sandbox(const core::SandboxPlan& plan, const SandboxCgroup* cgroup) {
    if (cgroup == nullptr) {
        spdlog::debug("clone({})", flag_names(plan.ns));
        return ::syscall(SYS_clone, clone_flags(plan.ns) | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    }
    spdlog::debug("clone3({}|CLONE_INTO_CGROUP {})", flag_names(plan.ns), cgroup->path());
    struct clone_args args {};
    args.flags = clone_flags(plan.ns) | CLONE_INTO_CGROUP;
    args.exit_signal = SIGCHLD;
    args.cgroup = static_cast<__u64>(static_cast<unsigned>(cgroup->fd()));
    return ::syscall(SYS_clone3, &args, sizeof args);
}

}  // namespace

int run(const core::SandboxPlan& plan) {
    spdlog::debug("terminal: {}", plan.terminal.why);
    const SeccompProgram seccomp = compile_seccomp(plan.seccomp);
    // A caller that ignores SIGCHLD would make the kernel reap our child
    // and leave us without its status.
    ::signal(SIGCHLD, SIG_DFL);
    init::block_supervised_signals();

    int alive[2];
    if (::pipe2(alive, O_CLOEXEC) != 0) sys::throw_errno("pipe2");
    sys::UniqueFd alive_read(alive[0]);
    sys::UniqueFd alive_write(alive[1]);

    // The pty's master comes back from inside the sandbox on this socket.
    sys::UniqueFd pty_ours, pty_theirs;
    if (plan.terminal.pty) {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
            sys::throw_errno("socketpair for the pty");
        pty_ours.reset(pair[0]);
        pty_theirs.reset(pair[1]);
    }
    // Fails closed (or warns) before anything is created in the sandbox.
    const std::unique_ptr<SandboxCgroup> cgroup = SandboxCgroup::create(plan.cgroup);

    const std::vector<std::string> dirs = supervisor_dirs();
    const sys::UniqueFd supervisor = open_supervisor(dirs, "sbx-supervise");
    const sys::UniqueFd init_supervisor = open_supervisor(dirs, "sbx-init");
    // Nothing left for this process to do once the target runs but to wait
    // and forward signals, unless it proxies a pty, keeps a timeout or must
    // remove a cgroup: then it becomes the small supervisor.
    const bool become_supervisor = supervisor && !plan.terminal.pty && plan.timeout == 0 && !cgroup;
    // See the top of this file.
    const bool share_memory = init_supervisor && plan.timeout == 0 && !cgroup;

    // The child closes what it must not keep itself, first thing
    // (close_inherited): with shared memory, this process's UniqueFds are
    // the child's too and must stay untouched.
    auto child = [&] {
        sandbox_main(plan, seccomp, alive_read.get(), pty_theirs.get(), init_supervisor.get(), share_memory);
    };
    long pid = 0;
    if (share_memory) {
        spdlog::debug("clone(CLONE_VM|CLONE_VFORK|{})", flag_names(plan.ns));
        pid = sys::spawn_shared(clone_flags(plan.ns), child);
    } else {
        pid = clone_sandbox(plan, cgroup.get());
        if (pid == 0) child();
    }
    if (pid < 0) throw_clone_error(errno);
    alive_read.reset();
    pty_theirs.reset();

    init::Supervision supervision;
    supervision.child = static_cast<pid_t>(pid);
    supervision.forward_terminal_signals = plan.new_session || plan.terminal.pty;
    supervision.timeout = plan.timeout;
    supervision.kill_after = plan.kill_after;
    if (become_supervisor) {
        // Supervise here first: most short sandboxes are over within
        // kHandOverMs, and the exec would then only have competed with the
        // target for the CPU (~1 ms per launch, bench/RESULTS.md). One still
        // running is handed over to the small supervisor. Signals arriving
        // during the exec stay pending (blocked) and reach it.
        supervision.return_after_ms = kHandOverMs;
        if (init::Outcome early = init::supervise(supervision); !early.running) return early.status;
        supervision.return_after_ms = 0;
        spdlog::debug("the sandbox still runs after {} ms: exec sbx-supervise", kHandOverMs);
        // The pipe the child checks for our death must survive the exec, or
        // the child would take us for dead.
        if (::fcntl(alive_write.get(), F_SETFD, 0) == 0)
            exec_supervisor(supervisor.get(), "monitor", static_cast<pid_t>(pid), plan.new_session);
    }

    init::Outcome outcome;
    {
        std::unique_ptr<PtyProxy> proxy;
        if (plan.terminal.pty) {
            // A caller's stdout that goes away must not kill us with the
            // outer terminal still raw (the sandbox keeps its own disposition).
            ::signal(SIGPIPE, SIG_IGN);
            proxy = std::make_unique<PtyProxy>(std::move(pty_ours), plan.terminal);
        }
        supervision.io = proxy.get();
        outcome = init::supervise(supervision);
    }  // the outer terminal is restored here, before anything is printed
    if (!outcome.timed_out) return outcome.status;
    spdlog::warn("timed out after {} s", plan.timeout);
    return kTimedOut;
}

}  // namespace sbx::sandbox
