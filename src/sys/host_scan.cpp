// host_scan.cpp — folder listings and the bounded Unix socket search.
#include "sys/host_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <utility>

#include "core/path.hpp"
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

core::SocketScan scan_unix_sockets(const std::string& path, uint32_t uid, unsigned max_depth, size_t max_entries) {
    core::SocketScan scan;
    auto found = [&](const std::string& socket) {
        if (scan.samples.size() < core::kSocketSamples) scan.samples.push_back(socket);
        ++scan.count;
    };
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return scan;
    if (S_ISSOCK(st.st_mode)) {
        if (st.st_uid == uid) found(path);
        return scan;
    }
    if (!S_ISDIR(st.st_mode)) return scan;
    // Breadth first, so that a deep tree cannot hide the sockets near the top.
    std::vector<std::pair<std::string, unsigned>> queue{{path, 0}};
    size_t seen = 0;
    for (size_t next = 0; next < queue.size(); ++next) {
        const auto [dir, depth] = queue[next];
        UniqueDir stream = dir_stream(UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)));
        if (!stream) continue;
        while (const dirent* entry = ::readdir(stream.get())) {
            if (is_dot(entry->d_name)) continue;
            if (++seen > max_entries) {
                scan.incomplete = true;
                return scan;
            }
            const unsigned char type = entry->d_type;
            if (type != DT_UNKNOWN && type != DT_SOCK && type != DT_DIR) continue;
            if (::fstatat(::dirfd(stream.get()), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
            const std::string child = core::join_path(dir, entry->d_name);
            if (S_ISSOCK(st.st_mode) && st.st_uid == uid) {
                found(child);
            } else if (S_ISDIR(st.st_mode)) {
                // Only where the user can make sockets: a folder of theirs,
                // or one they may write to (/tmp). Root's /usr/share, say,
                // holds none of the user's, and listing it would cost tens
                // of milliseconds per --verbose run.
                const bool theirs = st.st_uid == uid || ::faccessat(::dirfd(stream.get()), entry->d_name, W_OK, 0) == 0;
                if (!theirs) continue;
                if (depth + 1 < max_depth)
                    queue.emplace_back(child, depth + 1);
                else
                    scan.incomplete = true;
            }
        }
    }
    return scan;
}

}  // namespace sbx::sys
