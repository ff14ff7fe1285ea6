// host_scan.cpp — folder listings.
#include "sys/host_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "sys/unique_fd.hpp"

namespace sbx::sys {
namespace {

struct DirCloser {
    void operator()(DIR* dir) const { ::closedir(dir); }
};
using UniqueDir = std::unique_ptr<DIR, DirCloser>;

// `fd` (an O_DIRECTORY descriptor) as a DIR stream that owns it.
UniqueDir dir_stream(UniqueFd fd) {
    DIR* dir = ::fdopendir(fd.get());
    if (dir == nullptr) return nullptr;
    fd.release();
    return UniqueDir(dir);
}

bool is_dot(const char* name) { return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)); }

}  // namespace

std::optional<std::vector<core::DirEntry>> list_dir(const std::string& dir) {
    UniqueDir stream = dir_stream(UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)));
    if (!stream) return std::nullopt;
    std::vector<core::DirEntry> out;
    while (const dirent* entry = ::readdir(stream.get())) {
        if (is_dot(entry->d_name)) continue;
        struct stat st {};
        if (::fstatat(::dirfd(stream.get()), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        out.push_back(core::DirEntry{entry->d_name, S_ISDIR(st.st_mode), S_ISLNK(st.st_mode)});
    }
    return out;
}

}  // namespace sbx::sys
