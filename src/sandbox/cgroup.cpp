// cgroup.cpp — see cgroup.hpp.
//
// cgroup v2 lets only a cgroup without processes of its own hand
// controllers to its children ("no internal processes"). sbx itself sits in
// the caller's cgroup C, so C can only be the parent when its controllers
// are already delegated to children; otherwise the parent of C is tried
// (e.g. app.slice above a `systemd-run --user --scope` unit). Moving into
// the new cgroup needs write access to cgroup.procs of the common ancestor,
// which is the parent chosen here.
#include "sandbox/cgroup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {
namespace {

constexpr long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC
constexpr uint64_t kCpuPeriod = 100000;     // µs, the kernel's default cpu.max period

// Where the unified hierarchy is mounted: /sys/fs/cgroup on pure v2
// systems, /sys/fs/cgroup/unified in systemd's hybrid layout.
std::string cgroup2_mount() {
    for (const char* path : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
        struct statfs fs {};
        if (::statfs(path, &fs) == 0 && fs.f_type == kCgroup2Magic) return path;
    }
    return {};
}

// The "0::/path" line of /proc/self/cgroup: our cgroup in the v2 hierarchy.
std::string own_cgroup() {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("0::", 0) == 0) return line.substr(3);
    return {};
}

std::string read_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

bool contains(const std::vector<std::string>& list, const std::string& word) {
    for (const auto& item : list)
        if (item == word) return true;
    return false;
}

std::vector<std::string> needed_controllers(const core::CgroupPlan& plan) {
    std::vector<std::string> out;
    if (plan.memory) out.emplace_back("memory");
    if (plan.pids) out.emplace_back("pids");
    if (plan.cpus) out.emplace_back("cpu");
    return out;
}

std::string join(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& item : list) out += (out.empty() ? "" : " ") + item;
    return out;
}

// Empty when `dir` can be the parent of the sandbox's cgroup (enabling the
// controllers in its subtree_control if needed); else why not.
std::string unusable_reason(const std::string& dir, const std::vector<std::string>& needed) {
    for (const char* file : {"", "/cgroup.procs", "/cgroup.subtree_control"}) {
        const std::string path = dir + file;
        if (::access(path.c_str(), W_OK) != 0) return path + " is not writable by uid " + std::to_string(::getuid());
    }
    const std::string available = read_line(dir + "/cgroup.controllers");
    std::vector<std::string> missing;
    for (const auto& name : needed)
        if (!contains(words(available), name)) missing.push_back(name);
    if (!missing.empty())
        return "controller " + join(missing) + " not available in " + dir + " (cgroup.controllers: \"" + available +
               "\")";
    const std::vector<std::string> enabled = words(read_line(dir + "/cgroup.subtree_control"));
    std::string enable;
    for (const auto& name : needed)
        if (!contains(enabled, name)) enable += (enable.empty() ? "+" : " +") + name;
    if (enable.empty()) return {};
    spdlog::debug("write \"{}\" to {}/cgroup.subtree_control", enable, dir);
    try {
        sys::write_file(dir + "/cgroup.subtree_control", enable);
    } catch (const Error& e) {
        // EBUSY: processes live in `dir` itself (sbx among them).
        return std::string("cannot enable ") + enable + " in " + dir + "/cgroup.subtree_control (" +
               std::strerror(e.error_number()) + ")";
    }
    return {};
}

// The delegated cgroup to create the sandbox's under; throws a Setup error
// whose message is the reason when there is none.
std::string find_parent(const std::vector<std::string>& needed) {
    const std::string mount = cgroup2_mount();
    if (mount.empty()) throw Error(ErrorKind::Setup, "cgroup v2 is not mounted at /sys/fs/cgroup");
    const std::string own = own_cgroup();
    if (own.empty() || own[0] != '/') throw Error(ErrorKind::Setup, "no cgroup v2 line (0::) in /proc/self/cgroup");
    const std::string dir = own == "/" ? mount : mount + own;
    std::string reason = unusable_reason(dir, needed);
    if (reason.empty()) return dir;
    if (dir != mount) {
        const std::string parent = dir.substr(0, dir.rfind('/'));
        const std::string why = unusable_reason(parent, needed);
        if (why.empty()) return parent;
        reason += "; " + why;
    }
    throw Error(ErrorKind::Setup, reason);
}

void write_at(int dir, const std::string& dir_path, const char* file, const std::string& value) {
    const std::string path = dir_path + "/" + file;
    spdlog::debug("write {} to {}", value, path);
    sys::UniqueFd fd(::openat(dir, file, O_WRONLY | O_CLOEXEC));
    if (!fd) sys::throw_errno("open " + path);
    sys::write_all(fd.get(), value, "write " + value + " to " + path);
}

void write_limits(int dir, const std::string& path, const core::CgroupPlan& plan) {
    if (plan.memory) write_at(dir, path, "memory.max", std::to_string(*plan.memory));
    if (plan.pids) write_at(dir, path, "pids.max", std::to_string(*plan.pids));
    if (plan.cpus) {
        // The kernel's smallest quota is 1 ms per period. Rounded by hand
        // (0 < cpus <= 4096, checked by the profile parser): std::llround was sbx's one use of
        // libm, a whole shared library to load at every launch.
        const auto quota = std::max<uint64_t>(1000, static_cast<uint64_t>(*plan.cpus * kCpuPeriod + 0.5));
        write_at(dir, path, "cpu.max", std::to_string(quota) + " " + std::to_string(kCpuPeriod));
    }
}

}  // namespace

SandboxCgroup::SandboxCgroup(sys::UniqueFd parent, std::string name, std::string path, sys::UniqueFd dir)
    : parent_(std::move(parent)), name_(std::move(name)), path_(std::move(path)), dir_(std::move(dir)) {}

std::unique_ptr<SandboxCgroup> SandboxCgroup::create(const core::CgroupPlan& plan) {
    if (!plan.any()) return nullptr;
    std::unique_ptr<SandboxCgroup> made;
    try {
        const std::string parent_path = find_parent(needed_controllers(plan));
        sys::UniqueFd parent = sys::open_checked(parent_path, O_RDONLY | O_DIRECTORY);
        const std::string name = "sbx-" + std::to_string(::getpid());
        const std::string path = parent_path + "/" + name;
        spdlog::debug("mkdir {}", path);
        if (::mkdirat(parent.get(), name.c_str(), 0755) != 0) sys::throw_errno("mkdir " + path);
        sys::UniqueFd dir(::openat(parent.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir) {
            const int err = errno;
            ::unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR);
            sys::throw_errno("open " + path, err);
        }
        made.reset(new SandboxCgroup(std::move(parent), name, path, std::move(dir)));
        write_limits(made->fd(), path, plan);
        return made;
    } catch (const Error& e) {
        made.reset();  // removes a half-made cgroup
        const std::string reason = std::string("no delegated cgroup v2: ") + e.what();
        if (plan.required)
            throw Error(ErrorKind::Setup,
                        reason +
                            "; run under a systemd user session (systemd-run --user --scope -p Delegate=yes) or set "
                            "[cgroup] required = false");
        spdlog::warn("cgroup limits skipped: {}", reason);
        return nullptr;
    }
}

SandboxCgroup::~SandboxCgroup() {
    dir_.reset();
    // Whatever outlived init (without a pid namespace) goes now (Linux 5.14+).
    if (::access((path_ + "/cgroup.kill").c_str(), W_OK) == 0) {
        try {
            sys::write_file(path_ + "/cgroup.kill", "1");
        } catch (const Error& e) {
            spdlog::debug("{}", e.what());
        }
    }
    // The kernel may take a moment to uncharge processes that just exited.
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (::unlinkat(parent_.get(), name_.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) {
            spdlog::debug("rmdir {}", path_);
            return;
        }
        if (errno != EBUSY) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    spdlog::warn("cannot remove the cgroup {}: {}", path_, std::strerror(errno));
}

}  // namespace sbx::sandbox
