// syscalls.cpp — see syscalls.hpp.
#include "sys/syscalls.hpp"

#include "core/path.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace sbx::sys {

void throw_errno(const std::string& what, int err) {
    // `what` holds paths (a host file may be named with a newline or an
    // escape sequence): escaped when it has a control character, so that
    // the message stays one line and nothing reaches the terminal raw.
    const bool plain = std::none_of(what.begin(), what.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
    throw Error(ErrorKind::Setup, (plain ? what : core::printable(what)) + ": " + std::strerror(err), err);
}

void throw_errno(const std::string& what) { throw_errno(what, errno); }

void ensure_standard_fds() noexcept {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
        // open returns the lowest free descriptor: this one.
        const int opened = ::open("/dev/null", O_RDWR);
        if (opened != fd && opened >= 0) ::close(opened);
    }
}

UniqueFd open_checked(const std::string& path, int flags, mode_t mode) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) throw_errno("open " + path);
    return UniqueFd(fd);
}

void write_all(int fd, const std::string& content, const std::string& what) {
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(what);
        }
        done += static_cast<size_t>(n);
    }
}

void write_file(const std::string& path, const std::string& content) {
    UniqueFd fd = open_checked(path, O_WRONLY | O_TRUNC);
    write_all(fd.get(), content, "write " + path);
}

void make_dirs(const std::string& path, mode_t mode) {
    for (size_t pos = 1; pos <= path.size(); ++pos) {
        if (pos != path.size() && path[pos] != '/') continue;
        std::string prefix = path.substr(0, pos);
        if (::mkdir(prefix.c_str(), mode) == 0 || errno == EEXIST) continue;
        throw_errno("mkdir " + prefix);
    }
    if (!is_directory(path)) throw_errno("mkdir " + path, ENOTDIR);
}

void make_dirs_nofollow(const std::string& path, mode_t mode) {
    UniqueFd dir = open_checked("/", O_PATH | O_DIRECTORY);
    std::string prefix;
    size_t start = 1;
    while (start < path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        const std::string name = path.substr(start, end - start);
        start = end + 1;
        if (name.empty()) continue;
        prefix += "/" + name;
        if (::mkdirat(dir.get(), name.c_str(), mode) != 0 && errno != EEXIST) throw_errno("mkdir " + prefix);
        // O_PATH|O_NOFOLLOW opens a symlink itself; fstat tells it apart.
        const int fd = ::openat(dir.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) throw_errno("mkdir " + prefix);
        UniqueFd next(fd);
        struct stat st {};
        if (::fstat(next.get(), &st) != 0) throw_errno("stat " + prefix);
        if (S_ISLNK(st.st_mode)) throw_errno("mkdir " + prefix + " (a symlink, not followed)", ELOOP);
        if (!S_ISDIR(st.st_mode)) throw_errno("mkdir " + prefix, ENOTDIR);
        dir = std::move(next);
    }
}

void make_file(const std::string& path, mode_t mode) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd >= 0) {
        ::close(fd);
        return;
    }
    if (errno != EEXIST) throw_errno("create " + path);
}

void mount_checked(const char* source, const std::string& target, const char* fstype, unsigned long flags,
                   const std::string& data, const std::string& what) {
    if (::mount(source, target.c_str(), fstype, flags, data.empty() ? nullptr : data.c_str()) != 0) throw_errno(what);
}

void set_mount_attrs_recursive(const std::string& path, uint64_t attr_set, const std::string& what) {
    struct mount_attr attr {};
    attr.attr_set = attr_set;
    if (::syscall(SYS_mount_setattr, AT_FDCWD, path.c_str(), AT_RECURSIVE | AT_SYMLINK_NOFOLLOW, &attr, sizeof attr) ==
        0)
        return;
    if (errno == ENOSYS)
        throw Error(ErrorKind::Setup, what + ": the kernel lacks mount_setattr(2); sbx needs Linux 5.12 or later",
                    ENOSYS);
    throw_errno(what);
}

void pivot_root_checked(const std::string& new_root, const std::string& put_old) {
    if (::syscall(SYS_pivot_root, new_root.c_str(), put_old.c_str()) != 0)
        throw_errno("pivot_root " + new_root + " " + put_old);
}

std::optional<std::string> real_path(const std::string& path) {
    // One open and one readlink of /proc/self/fd/N, where realpath(3) reads
    // every component of the path as a possible link: the plan resolves
    // each bind source and each of sbx's own folders (and their parents)
    // before the launch, ~190 readlinks for the default profile. O_PATH
    // opens nothing (no FIFO blocks, no device is touched) and follows the
    // same links with the same permission checks as realpath.
    const UniqueFd fd(::open(path.c_str(), O_PATH | O_CLOEXEC));
    if (!fd) return std::nullopt;
    char link[32];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd.get());
    char buf[4096];
    const ssize_t n = ::readlink(link, buf, sizeof buf);
    // Not a plain absolute path (no /proc, a folder outside our root, one
    // deleted meanwhile: " (deleted)"): ask realpath.
    if (n > 0 && static_cast<size_t>(n) < sizeof buf && buf[0] == '/') {
        std::string real(buf, static_cast<size_t>(n));
        if (!real.ends_with(" (deleted)")) return real;
    }
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
    if (!real) return std::nullopt;
    return std::string(real.get());
}

core::HostFileKind file_kind(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return core::HostFileKind::Missing;
    if (S_ISREG(st.st_mode)) return core::HostFileKind::Regular;
    if (S_ISDIR(st.st_mode)) return core::HostFileKind::Directory;
    if (S_ISLNK(st.st_mode)) return core::HostFileKind::Symlink;
    return core::HostFileKind::Other;
}

bool path_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace sbx::sys
