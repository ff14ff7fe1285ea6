// files.cpp — see files.hpp.
#include "sys/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>

#include "core/path.hpp"
#include "sys/syscalls.hpp"
#include "sys/unique_fd.hpp"

namespace sbx::sys {

std::optional<std::string> read_small_file(const std::string& path, size_t limit, int open_flags) {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | open_flags));
    if (!fd) return std::nullopt;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    std::string out;
    char buf[65536];
    while (out.size() <= limit) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::optional<std::string> read_regular_file(const std::string& path) {
    constexpr size_t kLimit = size_t{1} << 20;  // no desktop entry is that large
    std::optional<std::string> text = read_small_file(path, kLimit, O_NOFOLLOW);
    if (text && text->size() > kLimit) return std::nullopt;
    return text;
}

namespace {
void make_dirs(const std::string& dir) {
    if (dir == "/" || dir.empty()) return;
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) throw_errno("mkdir " + dir, ENOTDIR);
        return;
    }
    make_dirs(core::parent_path(dir));
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) throw_errno("mkdir " + dir);
}
}  // namespace

void write_file_replacing(const std::string& dir, const std::string& name, const std::string& content) {
    make_dirs(dir);
    std::random_device random;
    const std::string temp = core::join_path(dir, "." + name + ".sbx-" + std::to_string(random()));
    const UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd) throw_errno("create " + temp);
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::unlink(temp.c_str());
            throw_errno("write " + temp, err);
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0 || ::rename(temp.c_str(), core::join_path(dir, name).c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        throw_errno("rename " + temp + " -> " + core::join_path(dir, name), err);
    }
}

void remove_file(const std::string& path) {
    if (::unlink(path.c_str()) != 0) throw_errno("unlink " + path);
}

std::string self_exe() {
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf);
    if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) throw_errno("readlink /proc/self/exe");
    return std::string(buf, static_cast<size_t>(n));
}

}  // namespace sbx::sys
