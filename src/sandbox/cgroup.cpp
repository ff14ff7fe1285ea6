// cgroup.cpp — see cgroup.hpp. Where the cgroup goes, and whether it is
// made at all, is the plan's (core/cgroup_placement.hpp: finish_plan
// decides it from the host before anything changes); this file executes
// that decision: enable the planned controllers in the parent's
// cgroup.subtree_control, create sbx-<pid>, write the limits, remove it
// after.
#include "sandbox/cgroup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {
namespace {

constexpr uint64_t kCpuPeriod = 100000;  // µs, the kernel's default cpu.max period

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
    if (!plan.skip_reason.empty()) {
        spdlog::warn("cgroup limits skipped: {}", plan.skip_reason);
        return nullptr;
    }
    // finish_plan places every launched plan's limits; an unplaced one is a
    // bug, and running without the limits would hide it.
    if (plan.parent.empty())
        throw Error(ErrorKind::Setup, "cgroup limits not placed by the plan (no parent cgroup, no skip reason)");
    std::unique_ptr<SandboxCgroup> made;
    try {
        sys::UniqueFd parent = sys::open_checked(plan.parent, O_RDONLY | O_DIRECTORY);
        if (!plan.enable.empty()) {
            std::string enable;
            for (const auto& name : plan.enable) enable += (enable.empty() ? "+" : " +") + name;
            write_at(parent.get(), plan.parent, "cgroup.subtree_control", enable);
        }
        const std::string name = "sbx-" + std::to_string(::getpid());
        const std::string path = plan.parent + "/" + name;
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
        // The host changed since the plan was made (or refused a write):
        // the plan's `required` says whether to go on without the limits.
        made.reset();  // removes a half-made cgroup
        if (plan.required) throw Error(ErrorKind::Setup, std::string("cgroup limits: ") + e.what());
        spdlog::warn("cgroup limits skipped: {}", e.what());
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
