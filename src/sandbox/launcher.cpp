// launcher.cpp — the host side of a launch, and the process model.
//
//   sbx (launcher, on the host)       writes the id maps when asked, supervises,
//    │                                exits like the target
//    └─ clone(NEWUSER|NEWNS|...)      a fork-like clone: its own copy of memory
//       child (the sandbox's PID 1)   waits for the maps, builds the root,
//       │                             prepares the target's steps, execs sbx-init
//       └─ clone(VM|VFORK): target    setsid, chdir, limits, caps, no_new_privs,
//                                     Landlock, seccomp, execve: raw system calls
//
// The sandbox's first process is a fork, as in bubblewrap, crun and nsjail:
// its setup allocates, throws and logs, which only a process with its own
// memory may do (a child sharing the launcher's memory that is killed
// inside malloc would leave the launcher a half-updated heap). The target
// shares PID 1's memory, as with posix_spawn, because all it runs is a
// list of raw system calls on data PID 1 prepared (target.hpp): nothing
// allocated, thrown or logged, so nothing to copy and nothing to break.
// The sanitizer build runs this same path.
//
// The launcher and the sandbox talk over one SOCK_SEQPACKET socket
// (sys/sync_channel.hpp): the launcher writes the child's id maps from
// outside as soon as clone returns (where newuidmap will run for
// subordinate ranges) and says so, and the child waits for that;
// any failed step comes back as one frame with the whole message, which the
// launcher prints; the end of file says that the target's command and
// sbx-init have both been exec'd. Any failure exits 125 before the target
// is ever executed (fail closed).
//
// Once the target runs, both resident processes are the small supervisor
// (src/init): PID 1 right away, the launcher as soon as the handshake is
// over (unless it proxies a pty, keeps a timeout or removes a cgroup or
// the sandbox's host folder). Helper processes (sandbox/helpers.hpp) are
// started before the clone and ready before the target runs.
#include "sandbox/launcher.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "config.h"
#include "core/path.hpp"
#include "init/init.hpp"
#include "log/log.hpp"
#include "sandbox/cgroup.hpp"
#include "sandbox/child.hpp"
#include "sandbox/helpers.hpp"
#include "sandbox/pty.hpp"
#include "sandbox/seccomp.hpp"
#include "sandbox/wayland.hpp"
#include "sys/sync_channel.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {
namespace {

constexpr int kSetupFailed = 125;
constexpr int kCannotExecute = 126;
constexpr int kNotFound = 127;
constexpr int kTimedOut = 124;  // like timeout(1)
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

// The maps of the child `pid`, written from here: for the single-id
// mapping an unprivileged user may make, the kernel allows it from the
// parent user namespace as from inside.
//
// /proc/PID names the child only when /proc is a view of our own pid
// namespace. sbx started inside a pid namespace without a /proc of its own
// (unshare --pid --fork without --mount-proc) sees the outer numbers there,
// where PID is someone else: /proc/thread-self/children then names our
// child in /proc's numbering (the only child this thread has yet).
std::string proc_dir_of_child(pid_t pid) {
    char self[32] = {};
    const ssize_t n = ::readlink("/proc/self", self, sizeof self - 1);
    if (n > 0 && std::string(self, static_cast<size_t>(n)) == std::to_string(::getpid()))
        return "/proc/" + std::to_string(pid);
    sys::UniqueFd fd(::open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC));
    char buf[32] = {};
    const ssize_t got = fd ? ::read(fd.get(), buf, sizeof buf - 1) : -1;
    const long other = got > 0 ? std::strtol(buf, nullptr, 10) : 0;
    if (other <= 0)
        throw Error(ErrorKind::Setup,
                    "cannot find the sandbox's process in /proc, which shows another pid namespace (mount a /proc "
                    "of sbx's own pid namespace, e.g. unshare --mount-proc)",
                    ESRCH);
    spdlog::debug("/proc is another pid namespace's: the child is {} there", other);
    return "/proc/" + std::to_string(other);
}

void write_id_maps(pid_t pid, const core::SandboxPlan& plan) {
    spdlog::debug("uid_map {} {} 1, gid_map {} {} 1, setgroups deny", plan.uid.inside, plan.uid.outside,
                  plan.gid.inside, plan.gid.outside);
    const std::string proc = proc_dir_of_child(pid);
    // setgroups must be denied before an unprivileged process may write
    // gid_map (user_namespaces(7)); it also stops the sandbox from dropping
    // supplementary groups to escape a group-based deny on the host.
    sys::write_file(proc + "/setgroups", "deny");
    sys::write_file(proc + "/gid_map",
                    std::to_string(plan.gid.inside) + " " + std::to_string(plan.gid.outside) + " 1\n");
    sys::write_file(proc + "/uid_map",
                    std::to_string(plan.uid.inside) + " " + std::to_string(plan.uid.outside) + " 1\n");
}

// The launcher's end of the handshake, polled by the supervision loop like
// the pty proxy, so that signals and the timeout work during setup too.
class Handshake final : public init::Io {
public:
    Handshake(sys::UniqueFd fd, pid_t child) : fd_(std::move(fd)), child_(child) {}

    // The first failure the sandbox reported (or the launcher met), and the
    // status it stands for; empty while none.
    const std::string& failure() const { return failure_; }
    int failure_status() const { return failure_status_; }

    void add_pollfds(std::vector<pollfd>& fds) override {
        if (fd_) fds.push_back({fd_.get(), POLLIN, 0});
    }
    void handle(const pollfd* fds, size_t count) override {
        if (count == 1 && fds[0].revents != 0) receive_all();
    }
    void drain() override {
        // The child is reaped: its pid may name another process now.
        child_reaped_ = true;
        if (fd_) receive_all();
    }

private:
    void receive_all() {
        while (fd_) {
            bool would_block = false;
            std::optional<sys::SyncMessage> message;
            try {
                message = sys::receive_frame(fd_.get(), true, &would_block);
            } catch (const Error& e) {
                fail(e.what(), kSetupFailed);
                return;
            }
            if (would_block) return;
            if (!message) {
                spdlog::debug("handshake done: the sandbox's init and command are exec'd");
                fd_.reset();
                return;
            }
            on(*message);
        }
    }

    void on(const sys::SyncMessage& message) {
        switch (message.kind) {
        case sys::Frame::SetupFailed:
            // The target's steps send the step and errno; the child's setup
            // sends its whole message, errno 0.
            fail(message.err == 0 ? message.text : message.text + ": " + std::strerror(message.err), kSetupFailed);
            return;
        case sys::Frame::ExecFailed:
            fail(core::printable(message.text) + ": " + std::strerror(message.err),
                 message.err == ENOENT || message.err == ENOTDIR ? kNotFound : kCannotExecute);
            return;
        case sys::Frame::MapsWritten: fail("the sandbox's handshake sent an unexpected frame", kSetupFailed); return;
        }
    }

    // Keeps the first failure; the sandbox must not go on after one of ours.
    void fail(const std::string& message, int status) {
        if (!failure_.empty()) return;
        failure_ = message.empty() ? "setting up the sandbox failed" : message;
        failure_status_ = status;
        if (!child_reaped_) ::kill(child_, SIGKILL);
        fd_.reset();
    }

    sys::UniqueFd fd_;
    const pid_t child_;
    bool child_reaped_ = false;
    std::string failure_;
    int failure_status_ = 0;
};

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

// The small supervisor (src/init/sbx_init.c) that the two resident
// processes become once the sandbox runs, "sbx-supervise" for the launcher
// and "sbx-init" for PID 1: installed in libexec, or beside sbx in a build
// tree. Opened before clone, so PID 1 can exec it by fd after pivot_root.
// A required part of the install: missing, nothing is started.
sys::UniqueFd open_supervisor(const std::vector<std::string>& dirs, const std::string& name) {
    std::string tried;
    for (const auto& dir : dirs) {
        const std::string path = dir + "/" + name;
        const int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
        if (fd >= 0) {
            spdlog::debug("supervisor {}", path);
            return sys::UniqueFd(fd);
        }
        tried += (tried.empty() ? "" : ", ") + path;
    }
    throw Error(ErrorKind::Setup, "cannot find " + name + " (tried " + tried + "): sbx is not completely installed",
                ENOENT);
}

// Becomes sbx-supervise for `child`; returns (the errno) only if the exec failed.
int exec_monitor(int supervisor, pid_t child, bool forward_terminal_signals) {
    const std::string pid = std::to_string(child);
    const char* argv[] = {"sbx-supervise", "monitor", pid.c_str(), forward_terminal_signals ? "1" : "0", nullptr};
    const char* envp[] = {nullptr};
    ::execveat(supervisor, "", const_cast<char* const*>(argv), const_cast<char* const*>(envp), AT_EMPTY_PATH);
    return errno;
}

// The raw system calls, not glibc's clone(): fork semantics (the child
// continues on a copy of this stack and memory) with namespace flags. With
// a cgroup, clone3 places the child in it atomically (CLONE_INTO_CGROUP,
// Linux 5.7).
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

void prepare_host(const core::SandboxPlan& plan) {
    // A helper that is not installed fails the launch before anything is made.
    check_helpers_installed(plan.helpers);
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

int run(const core::SandboxPlan& plan) {
    spdlog::debug("terminal: {}", plan.terminal.why);
    const SeccompProgram seccomp = compile_seccomp(plan.seccomp);
    const std::vector<std::string> dirs = supervisor_dirs();
    const sys::UniqueFd supervisor = open_supervisor(dirs, "sbx-supervise");
    const sys::UniqueFd init_supervisor = open_supervisor(dirs, "sbx-init");
    // A caller that ignores SIGCHLD would make the kernel reap our child
    // and leave us without its status.
    ::signal(SIGCHLD, SIG_DFL);
    init::block_supervised_signals();

    auto [sync_ours, sync_theirs] = sys::sync_pair();
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
    // The helpers and their folder, ready before the sandbox exists; on any
    // failure from here on, their destructors stop them and remove it.
    const std::unique_ptr<InstanceFolder> instance =
        plan.instance.any() ? std::make_unique<InstanceFolder>(plan.instance) : nullptr;
    // Without a folder of its own, the folder of all of them may still need
    // to exist: a bind shows where it goes, and its cover needs a place.
    if (!instance && !plan.instance.root.empty()) open_instance_root(plan.instance.root);
    Helpers helpers(plan.helpers);

    if (!plan.wayland.why.empty()) spdlog::debug("wayland: {}", plan.wayland.why);
    std::optional<WaylandListener> wayland = prepare_wayland_listener(plan.wayland);

    const long pid = clone_sandbox(plan, cgroup.get());
    if (pid == 0)
        sandbox_child(plan, seccomp,
                      {sync_theirs.get(), pty_theirs.get(), init_supervisor.get(), wayland ? wayland->listen.get() : -1,
                       wayland ? wayland->close_write.get() : -1, wayland ? wayland->ready_theirs.get() : -1,
                       helpers.sandbox_ends()});
    if (pid < 0) throw_clone_error(errno);
    // Ours closed, the sandbox's copies are the only ones: their end of file
    // is the handshake's (and the helpers' pipes end with the sandbox).
    sync_theirs.reset();
    pty_theirs.reset();
    if (wayland) {
        wayland->close_write.reset();  // PID 1's copy alone decides when the listener ends
        wayland->ready_theirs.reset();
    }
    helpers.close_sandbox_ends();
    // The child's user namespace exists once clone returns: its maps are
    // written now, while the child closes what it inherited, and the child
    // waits for this frame before anything else.
    try {
        write_id_maps(static_cast<pid_t>(pid), plan);
    } catch (const Error&) {
        ::kill(static_cast<pid_t>(pid), SIGKILL);
        ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
        throw;
    }
    // A child already gone shows in its status, which the loop reaps.
    sys::send_frame(sync_ours.get(), sys::Frame::MapsWritten);
    if (wayland) {
        try {
            register_wayland_listener(*wayland, plan.wayland, static_cast<pid_t>(pid));
        } catch (const Error&) {
            ::kill(static_cast<pid_t>(pid), SIGKILL);
            ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
            throw;
        }
        wayland.reset();
    }

    Handshake handshake(std::move(sync_ours), static_cast<pid_t>(pid));
    init::Supervision supervision;
    supervision.child = static_cast<pid_t>(pid);
    supervision.forward_terminal_signals = plan.new_session || plan.terminal.pty;
    supervision.timeout = plan.timeout;
    supervision.kill_after = plan.kill_after;
    supervision.io = {&handshake};
    // Nothing left for this process to do once the target runs but to wait
    // and forward signals, unless it proxies a pty, keeps a timeout or must
    // remove a cgroup or an instance folder: then it becomes the small
    // supervisor. Helpers stay its children across that exec: sbx-supervise
    // reaps them, and its exit kills them (PR_SET_PDEATHSIG).
    init::Outcome outcome;
    bool over = false;
    if (!plan.terminal.pty && plan.timeout == 0 && !cgroup && !instance) {
        // Supervise here until the handshake is over, then become the small
        // supervisor. (Until 2026-11 this waited 50 ms first, so that a short
        // sandbox never paid for the exec; with sbx-supervise a static musl
        // program that exec costs ~75 us of CPU and no measurable launch
        // time, bench/RESULTS.md, so the simpler rule won.) Signals arriving
        // during the exec stay pending (blocked) and reach it. A sandbox
        // whose setup failed stays here: the failure is ours to print.
        supervision.return_when_io_done = true;
        outcome = init::supervise(supervision);
        supervision.return_when_io_done = false;
        over = !outcome.running;
        if (!over && handshake.failure().empty()) {
            spdlog::debug("the sandbox runs: exec sbx-supervise");
            const int err = exec_monitor(supervisor.get(), static_cast<pid_t>(pid), plan.new_session);
            // The file was opened a moment ago; whatever made the exec fail,
            // this loop does the same work.
            spdlog::warn("cannot execute sbx-supervise ({}); supervising in sbx itself", std::strerror(err));
        }
    }
    if (!over) {
        std::unique_ptr<PtyProxy> proxy;
        if (plan.terminal.pty) {
            // A caller's stdout that goes away must not kill us with the
            // outer terminal still raw (the sandbox keeps its own disposition).
            ::signal(SIGPIPE, SIG_IGN);
            proxy = std::make_unique<PtyProxy>(std::move(pty_ours), plan.terminal);
            supervision.io.push_back(proxy.get());
        }
        outcome = init::supervise(supervision);
    }  // the outer terminal is restored here, before anything is printed
    // The sandbox is gone, and with it the ends of the helpers' pipes.
    helpers.stop();
    if (!handshake.failure().empty()) {
        spdlog::error("{}", handshake.failure());
        return handshake.failure_status();
    }
    if (!outcome.timed_out) return outcome.status;
    spdlog::warn("timed out after {} s", plan.timeout);
    return kTimedOut;
}

}  // namespace sbx::sandbox
