// cgroup_probe.cpp — see cgroup_probe.hpp.
#include "sys/cgroup_probe.hpp"

#include <fcntl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>

#include "sys/unique_fd.hpp"

namespace sbx::sys {
namespace {

constexpr long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC
constexpr size_t kMaxRead = 64 * 1024;      // cgroup.procs of a busy cgroup is long; its start is enough

bool is_cgroup2(const std::string& path) {
    struct statfs fs {};
    return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == kCgroup2Magic;
}

std::optional<std::string> read_start(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) return std::nullopt;
    std::string text;
    char buf[4096];
    while (text.size() < kMaxRead) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    return text;
}

bool writable(const std::string& path) { return ::access(path.c_str(), W_OK) == 0; }

}  // namespace

core::CgroupQueries cgroup_queries() { return {is_cgroup2, read_start, writable}; }

}  // namespace sbx::sys
