// helpers.cpp — see helpers.hpp.
#include "sandbox/helpers.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "core/helpers.hpp"
#include "core/path.hpp"
#include "log/log.hpp"
#include "sys/syscalls.hpp"

extern char** environ;

namespace sbx::sandbox {
namespace {

// The program a helper's argv[0] names, looked up like execvp does.
std::optional<std::string> find_program(const std::string& name) {
    const auto usable = [](const std::string& path) {
        struct stat st {};
        return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
    };
    if (name.find('/') != std::string::npos) return usable(name) ? std::optional(name) : std::nullopt;
    const char* env = std::getenv("PATH");
    const std::string path = env != nullptr ? env : "/usr/local/bin:/usr/bin:/bin";
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        const std::string dir = path.substr(start, end - start);
        if (!dir.empty() && dir.front() == '/' && usable(dir + "/" + name)) return dir + "/" + name;
        start = end + 1;
    }
    return std::nullopt;
}

std::string program_of(const core::HelperPlan& plan) {
    if (auto found = find_program(plan.argv.at(0))) return *found;
    const char* env = std::getenv("PATH");
    throw Error(ErrorKind::Setup,
                plan.name + " (" + plan.purpose + ") is not installed: not found in PATH (" +
                    core::printable(env != nullptr ? env : "") + "); install the Debian package " + plan.package,
                ENOENT);
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const char* name = ::sigabbrev_np(WTERMSIG(status));
        return "was killed by " + (name != nullptr ? "SIG" + std::string(name) : std::to_string(WTERMSIG(status)));
    }
    return "ended";
}

std::optional<std::string> read_small(int dir, const char* name) {
    const int fd = ::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    sys::UniqueFd file(fd);
    char buf[1024];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
}

std::optional<std::string> proc_stat(const std::string& pid) {
    const int proc = ::open(("/proc/" + pid).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (proc < 0) return std::nullopt;
    sys::UniqueFd dir(proc);
    return read_small(dir.get(), "stat");
}

// Removes an instance folder: its files (sockets, the record), then itself.
void remove_instance(int root, const std::string& name) {
    const int fd = ::openat(root, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        DIR* dir = ::fdopendir(fd);
        if (dir == nullptr) {
            ::close(fd);
        } else {
            while (const dirent* entry = ::readdir(dir)) {
                const std::string entry_name = entry->d_name;
                if (entry_name == "." || entry_name == "..") continue;
                if (::unlinkat(::dirfd(dir), entry->d_name, 0) != 0)
                    spdlog::warn("cannot remove {}/{}: {}", name, entry_name, std::strerror(errno));
            }
            ::closedir(dir);
        }
    }
    if (::unlinkat(root, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
        spdlog::warn("cannot remove the instance folder {}: {}", name, std::strerror(errno));
}

// The folders of sandboxes that are gone: a record whose pid is dead or
// now another process (start time); without a record (a launch between
// its mkdir and its write), only when the pid of the name is dead.
void remove_stale_instances(int root, const std::string& own) {
    const int fd = ::openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
        ::close(fd);
        return;
    }
    std::vector<std::string> stale;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (!core::is_instance_name(name)) continue;
        bool gone = name == own;  // our pid: whatever is there predates us
        if (!gone) {
            std::optional<core::InstanceRecord> record;
            const int sub = ::openat(root, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                sys::UniqueFd folder(sub);
                if (auto text = read_small(folder.get(), "instance")) record = core::parse_instance_record(*text);
            }
            if (record && std::to_string(record->pid) == name)
                gone = core::instance_is_stale(*record, proc_stat(name));
            else
                gone = !proc_stat(name);
        }
        if (gone) stale.push_back(name);
    }
    ::closedir(dir);
    for (const auto& name : stale) {
        spdlog::debug("remove the folder of a sandbox that is gone: {}", name);
        remove_instance(root, name);
    }
}

}  // namespace

void check_helpers_installed(const std::vector<core::HelperPlan>& helpers) {
    for (const auto& helper : helpers) program_of(helper);
}

sys::UniqueFd open_instance_root(const std::string& root) {
    const std::string runtime = core::parent_path(root);
    const int runtime_fd = ::open(runtime.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (runtime_fd < 0)
        sys::throw_errno("open " + runtime + ", the runtime folder ($XDG_RUNTIME_DIR) where sbx keeps " +
                         "its sandboxes' folders");
    sys::UniqueFd parent(runtime_fd);
    // Never through a symlink someone planted: created or opened with
    // O_NOFOLLOW, and ours alone.
    if (::mkdirat(parent.get(), "sbx", 0700) != 0 && errno != EEXIST) sys::throw_errno("mkdir " + root);
    const int fd = ::openat(parent.get(), "sbx", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) sys::throw_errno("open " + root + " (a folder, not a symlink)");
    sys::UniqueFd dir(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) sys::throw_errno("stat " + root);
    if (st.st_uid != ::getuid())
        throw Error(ErrorKind::Setup,
                    root + " belongs to uid " + std::to_string(st.st_uid) + ", not to you: refusing to use it", EPERM);
    if ((st.st_mode & 07777) != 0700 && ::fchmod(fd, 0700) != 0) sys::throw_errno("chmod 0700 " + root);
    return dir;
}

InstanceFolder::InstanceFolder(const core::InstancePlan& plan)
    : name_(plan.name), path_(plan.dir), root_(open_instance_root(plan.root)) {
    const int fd = root_.get();
    remove_stale_instances(fd, name_);
    spdlog::debug("instance folder {} (0700)", path_);
    if (::mkdirat(fd, name_.c_str(), 0700) != 0) sys::throw_errno("mkdir " + path_);
    try {
        const std::optional<std::string> stat = proc_stat(std::to_string(::getpid()));
        const std::optional<uint64_t> start = stat ? core::stat_start_time(*stat) : std::nullopt;
        if (!start) throw Error(ErrorKind::Setup, "cannot read this process's start time in /proc/self/stat", EIO);
        const int dir = ::openat(fd, name_.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dir < 0) sys::throw_errno("open " + path_);
        sys::UniqueFd folder(dir);
        const int file = ::openat(dir, "instance", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (file < 0) sys::throw_errno("create " + path_ + "/instance");
        sys::UniqueFd record(file);
        sys::write_all(file, core::instance_record(static_cast<uint32_t>(::getpid()), *start),
                       "write " + path_ + "/instance");
    } catch (...) {
        remove_instance(fd, name_);
        throw;
    }
}

InstanceFolder::~InstanceFolder() {
    spdlog::debug("remove the instance folder {}", path_);
    remove_instance(root_.get(), name_);
}

Helpers::Helpers(const std::vector<core::HelperPlan>& plans) {
    try {
        for (const auto& plan : plans) start(plan);
    } catch (...) {
        stop();
        throw;
    }
}

Helpers::~Helpers() { stop(); }

void Helpers::start(const core::HelperPlan& plan) {
    const std::string program = program_of(plan);
    std::string line;
    for (const auto& word : plan.argv) line += (line.empty() ? "" : " ") + word;
    spdlog::debug("start helper {}: {}", plan.purpose, line);
    // Prepared before the fork: the child only makes system calls.
    std::vector<char*> argv;
    for (const auto& word : plan.argv) argv.push_back(const_cast<char*>(word.c_str()));
    argv.push_back(nullptr);
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) sys::throw_errno("pipe for " + plan.name);
    sys::UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
    sys::UniqueFd devnull = sys::open_checked("/dev/null", O_RDWR);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) sys::throw_errno("fork " + plan.name);
    if (pid == 0) {
        // Dies with the thread that forked it, the launcher's only one
        // (and, after it execs, sbx-supervise). A launcher killed before
        // this prctl sent no signal: then the parent is another process.
        if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || ::getppid() != parent) ::_exit(127);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        // Out of the caller's terminal session: ^C is the sandbox's to get
        // (forwarded by sbx), not a reason for the bus to vanish under it.
        ::setsid();
        ::dup2(devnull.get(), 0);
        ::dup2(2, 1);
        if (write_end.get() == plan.sync_fd)
            ::fcntl(plan.sync_fd, F_SETFD, 0);
        else
            ::dup2(write_end.get(), plan.sync_fd);
        ::close_range(static_cast<unsigned>(plan.sync_fd) + 1, ~0U, 0);
        ::execve(program.c_str(), argv.data(), environ);
        ::_exit(127);
    }
    write_end.reset();
    Running running{plan.name, pid, sys::UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))),
                    std::move(read_end)};
    if (!running.pidfd) {
        const int err = errno;
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        sys::throw_errno("pidfd_open " + plan.name, err);
    }
    running_.push_back(std::move(running));
    const Running& r = running_.back();

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(plan.ready_timeout_ms);
    while (true) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0)
            throw Error(ErrorKind::Setup,
                        plan.name + " (" + plan.purpose + ") was not ready after " +
                            std::to_string(plan.ready_timeout_ms) + " ms",
                        ETIMEDOUT);
        pollfd fds[2] = {{r.sandbox_end.get(), POLLIN, 0}, {r.pidfd.get(), POLLIN, 0}};
        const int n = ::poll(fds, 2, static_cast<int>(left));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) sys::throw_errno("poll (waiting for " + plan.name + ")");
        if (n == 0) continue;
        if (fds[0].revents != 0) {
            char byte = 0;
            const ssize_t got = ::read(r.sandbox_end.get(), &byte, 1);
            if (got == 1) break;
            if (got < 0 && errno == EINTR) continue;
        }
        // End of file on the pipe, or the process is gone: it failed (its
        // own message went to sbx's stderr). One that closed the pipe but
        // runs on is killed first, so that the wait cannot hang.
        // A process that exits closes its files a moment before its pidfd
        // says so: give it that moment.
        pollfd gone = {r.pidfd.get(), POLLIN, 0};
        const bool exited = fds[1].revents != 0 || ::poll(&gone, 1, 200) == 1;
        if (!exited) ::syscall(SYS_pidfd_send_signal, r.pidfd.get(), SIGKILL, nullptr, 0);
        int status = 0;
        const bool reaped = ::waitpid(pid, &status, 0) == pid;
        if (reaped) running_.back().pid = -1;
        const std::string what = exited && reaped ? describe_status(status) : "closed its ready pipe";
        throw Error(ErrorKind::Setup, plan.name + " (" + plan.purpose + ") " + what + " before it was ready", ECHILD);
    }
    spdlog::debug("helper {} is ready (pid {})", plan.name, pid);
}

std::vector<int> Helpers::sandbox_ends() const {
    std::vector<int> fds;
    for (const auto& r : running_)
        if (r.sandbox_end) fds.push_back(r.sandbox_end.get());
    return fds;
}

void Helpers::close_sandbox_ends() {
    for (auto& r : running_) r.sandbox_end.reset();
}

void Helpers::stop() noexcept {
    for (auto& r : running_) {
        if (r.pid <= 0) continue;
        // The pidfd names this process even if the loop reaped it and its
        // pid went to another: then the signal fails with ESRCH.
        ::syscall(SYS_pidfd_send_signal, r.pidfd.get(), SIGKILL, nullptr, 0);
        ::waitpid(r.pid, nullptr, 0);  // ECHILD when the supervision loop reaped it
        r.pid = -1;
    }
    running_.clear();
}

}  // namespace sbx::sandbox
