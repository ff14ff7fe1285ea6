// mount_api.cpp — see mount_api.hpp.
#include "sys/mount_api.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "core/error.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sys {
namespace {

// A kernel without the call gets one clear line instead of "Function not implemented".
[[noreturn]] void throw_mount_api(const std::string& what, const char* call, const char* since) {
    if (errno == ENOSYS)
        throw Error(ErrorKind::Setup,
                    what + ": the kernel lacks " + call + "(2); sbx needs Linux " + since + " or later", ENOSYS);
    throw_errno(what);
}

}  // namespace

namespace {

long raw_open_at2(int dirfd, const std::string& path, uint64_t flags, uint64_t resolve, mode_t mode) {
    struct open_how how {};
    how.flags = flags | O_CLOEXEC;
    how.mode = mode;
    how.resolve = resolve;
    long fd;
    do {
        fd = ::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
    } while (fd < 0 && errno == EAGAIN);  // a concurrent rename in the walk: retry
    return fd;
}

}  // namespace

UniqueFd open_at2(int dirfd, const std::string& path, uint64_t flags, uint64_t resolve, const std::string& what,
                  mode_t mode) {
    const long fd = raw_open_at2(dirfd, path, flags, resolve, mode);
    if (fd < 0) throw_mount_api(what, "openat2", "5.6");
    return UniqueFd(static_cast<int>(fd));
}

UniqueFd open_at2_if_exists(int dirfd, const std::string& path, uint64_t flags, uint64_t resolve,
                            const std::string& what) {
    const long fd = raw_open_at2(dirfd, path, flags, resolve, 0);
    if (fd < 0 && errno == ENOENT) return UniqueFd();
    if (fd < 0) throw_mount_api(what, "openat2", "5.6");
    return UniqueFd(static_cast<int>(fd));
}

UniqueFd clone_tree(int fd, const std::string& what) {
    int tree = ::open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    if (tree < 0) throw_mount_api(what, "open_tree", "5.2");
    return UniqueFd(tree);
}

UniqueFd new_mount(const char* fstype, const std::vector<std::pair<std::string, std::string>>& options, uint64_t attrs,
                   const std::string& what) {
    UniqueFd fs(::fsopen(fstype, FSOPEN_CLOEXEC));
    if (!fs) throw_mount_api(what, "fsopen", "5.2");
    for (const auto& [key, value] : options) {
        if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0) != 0)
            throw_errno(what + " (option " + key + "=" + value + ")");
    }
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) throw_errno(what);
    int mnt = ::fsmount(fs.get(), FSMOUNT_CLOEXEC, static_cast<unsigned>(attrs));
    if (mnt < 0) throw_errno(what);
    return UniqueFd(mnt);
}

void set_attrs(int fd, uint64_t attr_set, bool recursive, const std::string& what) {
    struct mount_attr attr {};
    attr.attr_set = attr_set;
    const unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0u);
    if (::mount_setattr(fd, "", flags, &attr, sizeof attr) != 0) throw_mount_api(what, "mount_setattr", "5.12");
}

void attach(int from, int to, const std::string& what) {
    if (::move_mount(from, "", to, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
        throw_mount_api(what, "move_mount", "5.2");
}

}  // namespace sbx::sys
