// target.cpp — see target.hpp.
#include "sandbox/target.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>

#include "core/path.hpp"
#include "log/log.hpp"
#include "sandbox/landlock.hpp"
#include "sys/sync_channel.hpp"
#include "sys/syscalls.hpp"

#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

// No AddressSanitizer instrumentation for the code that runs on the
// target's own stack in PID 1's memory: ASan cannot follow a process onto a
// stack it did not allocate (every noreturn call there warns and may lead
// to false reports). The code is raw system calls on prepared data.
#define SBX_NO_ASAN __attribute__((no_sanitize("address")))

namespace sbx::sandbox {
namespace {

constexpr int kSetupFailed = 125;
constexpr int kCannotExecute = 126;
constexpr int kNotFound = 127;

// ----------------------------------------------------------------------
// The target's side: after clone(CLONE_VM|CLONE_VFORK), in PID 1's memory.
// Only raw system calls (no libc wrapper that an interceptor or a lock
// could be behind), only reads of `t`, only this stack.
// ----------------------------------------------------------------------

[[noreturn]] SBX_NO_ASAN void leave(int code) {
    for (;;) ::syscall(SYS_exit_group, code);
}

// One frame to the launcher: the step (prepared text) and errno; the
// launcher adds strerror. sys::send_frame's encoding, written with write(2). (No
// SIGPIPE to fear: the launcher's end outlives the target's steps, and a
// launcher that is gone has taken PID 1 and so this process with it.)
SBX_NO_ASAN void report(int sync, sys::Frame kind, int err, const char* text, size_t size) {
    // One write(2) of one buffer, a record on the SEQPACKET socket: write
    // is what a profile's seccomp filter is least likely to deny (the old
    // target wrote its report to stderr), send or sendmsg less so.
    char frame[sys::kMaxFrame];
    ::syscall(SYS_write, sync, frame, sys::encode_frame(frame, kind, err, text, size));
}

[[noreturn]] SBX_NO_ASAN void fail(const PreparedTarget& t, const char* step) {
    const int err = errno;
    report(t.sync, sys::Frame::SetupFailed, err, step, __builtin_strlen(step));
    leave(kSetupFailed);
}

[[noreturn]] SBX_NO_ASAN void fail(const PreparedTarget& t, const std::string& step) {
    const int err = errno;
    report(t.sync, sys::Frame::SetupFailed, err, step.data(), step.size());
    leave(kSetupFailed);
}

// A failure whose message says it all (no errno to add).
[[noreturn]] SBX_NO_ASAN void fail_plain(const PreparedTarget& t, const std::string& message) {
    report(t.sync, sys::Frame::SetupFailed, 0, message.data(), message.size());
    leave(kSetupFailed);
}

SBX_NO_ASAN void drop_capabilities(const PreparedTarget& t) {
    const uint64_t keep = t.caps.keep;
    // The bounding set first: once it is empty, an execve as uid 0 inside
    // the namespace gains nothing. Dropping needs CAP_SETPCAP, which this
    // process still holds in its user namespace.
    for (int cap = 0; cap <= t.caps.last; ++cap) {
        if ((keep >> cap) & 1) continue;
        if (::syscall(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
            fail(t, "drop a capability from the bounding set");
    }
    // EINVAL: a kernel older than 4.3 has no ambient set to clear.
    if (::syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        fail(t, "clear the ambient capability set");
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct wanted[2] = {};
    for (int i = 0; i < 2; ++i) {
        const auto half = static_cast<uint32_t>(keep >> (32 * i));
        wanted[i].effective = wanted[i].permitted = wanted[i].inheritable = half;
    }
    if (::syscall(SYS_capset, &header, wanted) != 0) fail(t, "set the capability sets (capset)");
    // Ambient, so that a kept capability survives execve for a non-root uid.
    for (int cap = 0; cap <= t.caps.last; ++cap)
        if (((keep >> cap) & 1) && ::syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0)
            fail(t, "raise a kept capability in the ambient set");

    // Verify rather than trust: a partly dropped set must not run the target.
    __user_cap_data_struct now[2] = {};
    header = {_LINUX_CAPABILITY_VERSION_3, 0};
    if (::syscall(SYS_capget, &header, now) != 0) fail(t, "read the capability sets back (capget)");
    for (int i = 0; i < 2; ++i) {
        if (now[i].effective != wanted[i].effective || now[i].permitted != wanted[i].permitted ||
            now[i].inheritable != wanted[i].inheritable)
            fail_plain(t, t.messages.caps_differ);
    }
    for (int cap = 0; cap <= t.caps.last; ++cap) {
        if (((keep >> cap) & 1) == 0 && ::syscall(SYS_prctl, PR_CAPBSET_READ, cap, 0, 0, 0) > 0)
            fail_plain(t, t.messages.bound_left);
    }
}

// execvp's search over the prepared candidates, with its rules: EACCES on
// one is remembered and the search goes on, "not there" goes on, anything
// else ends it; a file the kernel cannot execute (ENOEXEC) is run by /bin/sh.
[[noreturn]] SBX_NO_ASAN void exec_command(const PreparedTarget& t) {
    bool got_eacces = false;
    int err = t.search_error;
    for (size_t i = 0; i < t.candidates.size(); ++i) {
        ::syscall(SYS_execve, t.candidates[i].c_str(), t.argv.data(), t.envp.data());
        if (errno == ENOEXEC) ::syscall(SYS_execve, "/bin/sh", t.shell_argvs[i].data(), t.envp.data());
        err = errno;
        if (err == EACCES) {
            got_eacces = true;
            continue;
        }
        if (err == ENOENT || err == ESTALE || err == ENOTDIR || err == ENODEV || err == ETIMEDOUT) continue;
        break;
    }
    if (got_eacces && (err == ENOENT || err == ESTALE || err == ENOTDIR || err == ENODEV || err == ETIMEDOUT))
        err = EACCES;
    report(t.sync, sys::Frame::ExecFailed, err, t.name.data(), t.name.size());
    leave(err == ENOENT || err == ENOTDIR ? kNotFound : kCannotExecute);
}

[[noreturn]] SBX_NO_ASAN void target_main(const PreparedTarget& t) {
    // A fresh signal mask: the supervised signals were blocked only for the
    // supervisors' signalfd. (The kernel's sigset: _NSIG bits.)
    const uint64_t none = 0;
    if (::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, sizeof none) != 0) fail(t, "sigprocmask");
    ::syscall(SYS_umask, t.umask);
    if (::syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) fail(t, "prctl(PR_SET_PDEATHSIG)");
    if (t.pty_slave >= 0) {
        // Its own session on the sandbox's pty: job control works, and the
        // launching terminal is out of reach all the same.
        if (::syscall(SYS_setsid) < 0) fail(t, "setsid (pty)");
        if (::syscall(SYS_ioctl, t.pty_slave, TIOCSCTTY, 0) != 0) fail(t, "ioctl(TIOCSCTTY) on the sandbox's pty");
        for (int fd = 0; fd <= 2; ++fd)
            if (t.on_pty[static_cast<size_t>(fd)] && t.pty_slave != fd && ::syscall(SYS_dup3, t.pty_slave, fd, 0) < 0)
                fail(t, "dup2 the pty onto a standard descriptor");
        if (t.pty_slave > 2) ::syscall(SYS_close, t.pty_slave);
    } else if (t.new_session) {
        // The target cannot reach the launching terminal (TIOCSTI).
        if (::syscall(SYS_setsid) < 0) fail(t, "setsid");
    }
    if (::syscall(SYS_chdir, t.chdir.c_str()) != 0) fail(t, t.messages.chdir);
    // The working directory must lie inside the new root: a descriptor
    // leaked from the host as cwd would make getcwd() "(unreachable)"
    // (runc CVE-2024-21626).
    char cwd[PATH_MAX];
    if (::syscall(SYS_getcwd, cwd, sizeof cwd) <= 0 || cwd[0] != '/') fail_plain(t, t.messages.cwd_outside);
    for (const PreparedRlimit& limit : t.rlimits)
        if (::syscall(SYS_prlimit64, 0, limit.resource, &limit.value, nullptr) != 0) fail(t, limit.what);
    drop_capabilities(t);
    if (::syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(t, "prctl(PR_SET_NO_NEW_PRIVS)");
    if (::syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) fail_plain(t, t.messages.nnp_unset);
    if (t.landlock && ::syscall(SYS_landlock_restrict_self, t.landlock.get(), 0U) != 0)
        fail(t, "landlock_restrict_self");
    // Last, right before execve: from here on every system call of this
    // process is filtered, so nothing may follow but the exec (and, if it
    // fails, the frame that reports it and the exit).
    if (t.seccomp && ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &t.seccomp_program) != 0)
        fail(t, "seccomp: load filter");
    exec_command(t);
}

SBX_NO_ASAN int target_entry(void* arg) { target_main(*static_cast<const PreparedTarget*>(arg)); }

// The target's stack: reserved, not committed (only the pages it touches
// cost memory), with a guard page below it. The target's deepest frame
// holds a PATH_MAX buffer.
constexpr size_t kStackSize = size_t{256} << 10;
constexpr size_t kGuard = 4096;

class ChildStack {
public:
    ChildStack() {
        void* p = ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) sys::throw_errno("mmap a stack for the target");
        base_ = static_cast<char*>(p);
        if (::mprotect(base_, kGuard, PROT_NONE) != 0) {
            ::munmap(base_, kStackSize);
            sys::throw_errno("mprotect the target's stack guard");
        }
    }
    ~ChildStack() { ::munmap(base_, kStackSize); }
    ChildStack(const ChildStack&) = delete;
    ChildStack& operator=(const ChildStack&) = delete;
    void* top() const { return base_ + kStackSize; }

private:
    char* base_ = nullptr;
};

// The candidate paths execvp would try for `file` with this PATH.
void search_path(PreparedTarget& t, const std::string& file, const std::vector<std::string>& env) {
    if (file.empty()) {
        t.search_error = ENOENT;
        return;
    }
    if (file.find('/') != std::string::npos) {
        t.candidates.push_back(file);
        return;
    }
    if (file.size() > NAME_MAX) {
        t.search_error = ENAMETOOLONG;
        return;
    }
    std::string path = "/bin:/usr/bin";  // glibc's default (confstr _CS_PATH)
    for (const auto& kv : env)
        if (kv.rfind("PATH=", 0) == 0) path = kv.substr(5);
    size_t start = 0;
    for (;;) {
        const size_t end = path.find(':', start);
        const std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        // An empty element is the working directory.
        t.candidates.push_back(dir.empty() ? file : dir + "/" + file);
        if (end == std::string::npos) break;
        start = end + 1;
    }
}

}  // namespace

PreparedTarget prepare_target(const core::SandboxPlan& plan, const SeccompProgram& seccomp, mode_t caller_umask,
                              int pty_slave, int sync) {
    PreparedTarget t;
    t.sync = sync;
    t.umask = caller_umask;
    t.pty_slave = pty_slave;
    t.on_pty = plan.terminal.on_pty;
    t.new_session = plan.new_session;
    if (pty_slave >= 0)
        spdlog::debug("target: setsid, controlling terminal: the sandbox's pty");
    else if (plan.new_session)
        spdlog::debug("target: setsid");
    t.chdir = plan.chdir;
    t.messages.chdir = "chdir " + core::printable(plan.chdir);
    t.messages.cwd_outside = "the working directory " + core::printable(plan.chdir) + " is outside the sandbox";
    t.messages.caps_differ = "capabilities differ from the plan after dropping them";
    t.messages.bound_left = "a capability is still in the bounding set after dropping it";
    t.messages.nnp_unset = "no_new_privs is not set after setting it";
    spdlog::debug("target: chdir {}", plan.chdir);
    t.rlimits = prepare_rlimits(plan.rlimits);
    t.caps = prepare_capabilities(plan.keep_caps);
    spdlog::debug("target: set no_new_privs");
    t.landlock = prepare_landlock(plan.landlock);
    if (seccomp.enabled) {
        if (seccomp.code.size() > BPF_MAXINSNS)
            throw Error(ErrorKind::Setup, "seccomp: load filter: program too long", E2BIG);
        t.seccomp = true;
        t.seccomp_program.len = static_cast<unsigned short>(seccomp.code.size());
        t.seccomp_program.filter = const_cast<sock_filter*>(seccomp.code.data());
        spdlog::debug("target: seccomp: load filter ({} instructions), last", seccomp.code.size());
    } else {
        spdlog::debug("seccomp: policy \"none\": no filter");
    }
    for (const auto& word : plan.argv) t.argv.push_back(const_cast<char*>(word.c_str()));
    t.argv.push_back(nullptr);
    for (const auto& kv : plan.env) t.envp.push_back(const_cast<char*>(kv.c_str()));
    t.envp.push_back(nullptr);
    t.name = plan.argv.empty() ? std::string() : plan.argv[0];
    search_path(t, t.name, plan.env);
    for (const auto& candidate : t.candidates) {
        std::vector<char*> shell{const_cast<char*>("/bin/sh"), const_cast<char*>(candidate.c_str())};
        for (size_t i = 1; i < plan.argv.size(); ++i) shell.push_back(const_cast<char*>(plan.argv[i].c_str()));
        shell.push_back(nullptr);
        t.shell_argvs.push_back(std::move(shell));
    }
    spdlog::debug("target: execvp {} ({} candidate{})", t.name, t.candidates.size(),
                  t.candidates.size() == 1 ? "" : "s");
    return t;
}

pid_t spawn_target(const PreparedTarget& target) {
    const ChildStack stack;
    // The clone that shares memory: what runs after it is target_main, and
    // target_main keeps the rules of target.hpp (raw system calls on
    // `target`, prepared above; nothing allocated, thrown or logged).
    return ::clone(&target_entry, stack.top(), CLONE_VM | CLONE_VFORK | SIGCHLD, const_cast<PreparedTarget*>(&target));
}

}  // namespace sbx::sandbox
