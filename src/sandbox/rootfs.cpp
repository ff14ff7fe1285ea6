// rootfs.cpp — the root filesystem recipe.
//
//  1. Make every host mount a slave, so nothing we do propagates back.
//  2. Mount a staging tmpfs on /tmp and pivot_root into it, keeping the
//     host's root reachable at /oldroot; the new root is another tmpfs at
//     /newroot. (Binding host paths from /oldroot, not from "/", means a
//     source under the host's /tmp is still reachable after step 2.)
//  3. Apply the ops in order, through file descriptors: every destination
//     is resolved inside /newroot with openat2(RESOLVE_IN_ROOT), so a
//     symlink — say one the sandbox planted in a writable bind during an
//     earlier run — can never lead a mount or a written file out of the
//     new root; a destination that is itself a symlink is refused. Every
//     host source (already resolved by realpath on the host) is opened with
//     RESOLVE_NO_SYMLINKS: a symlink found there now was swapped in after
//     the check, and mounts nothing. Mounts are made detached (open_tree,
//     fsmount), get their flags while detached, and are attached by fd.
//  4. pivot_root(".", ".") inside /newroot and detach the old root, so no
//     path leads back to the host; remount the root read-only.
#include "sandbox/rootfs.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "core/path.hpp"
#include "core/text.hpp"
#include "log/log.hpp"
#include "sys/mount_api.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {
namespace {

using core::MountKind;
using core::MountOp;
using sys::UniqueFd;

constexpr const char* kStaging = "/tmp";
constexpr const char* kOldRoot = "/oldroot";
constexpr const char* kNewRoot = "/newroot";

// Symlinks inside the new root are followed, but "/" and ".." stop at it.
constexpr uint64_t kInRoot = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
// Host sources were resolved before clone(); no symlink may appear since.
constexpr uint64_t kNoSymlinks = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

std::string relative(const std::string& absolute) { return absolute == "/" ? "." : absolute.substr(1); }

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// The root under construction and the host's old root, as directory fds.
class Tree {
public:
    Tree()
        : root_(sys::open_checked(kNewRoot, O_PATH | O_DIRECTORY)),
          host_(sys::open_checked(kOldRoot, O_PATH | O_DIRECTORY)) {}

    // The directory `path` inside the new root; missing components are
    // created (0755, the last one `mode`). Each prefix is resolved from the
    // root again, so an absolute symlink means the sandbox's "/", not a
    // subdirectory's. Most prefixes exist already (/etc, /dev for each of
    // their entries): they are opened first and created only when missing.
    UniqueFd dir(const std::string& path, mode_t mode = 0755) const {
        if (path == "/") return sys::open_at2(root_.get(), ".", O_PATH | O_DIRECTORY, kInRoot, "open /");
        UniqueFd current;  // none yet: the root itself
        std::string prefix;
        size_t start = 1;
        while (start <= path.size()) {
            size_t end = path.find('/', start);
            if (end == std::string::npos) end = path.size();
            const std::string name = path.substr(start, end - start);
            prefix += "/" + name;
            const std::string what = "open " + prefix;
            UniqueFd next = sys::open_at2_if_exists(root_.get(), relative(prefix), O_PATH | O_DIRECTORY, kInRoot, what);
            if (!next) {
                const mode_t this_mode = end == path.size() ? mode : 0755;
                if (::mkdirat(current ? current.get() : root_.get(), name.c_str(), this_mode) != 0 && errno != EEXIST)
                    sys::throw_errno("mkdir " + prefix);
                next = sys::open_at2(root_.get(), relative(prefix), O_PATH | O_DIRECTORY, kInRoot, what);
            }
            current = std::move(next);
            start = end + 1;
        }
        return current;
    }

    // A mount point at `dest`: a directory, or an empty file for a file
    // source. Never a symlink: mounting "over" one would follow it.
    UniqueFd mount_point(const std::string& dest, bool directory) const {
        UniqueFd parent = dir(core::parent_path(dest));
        const std::string name = base_name(dest);
        int made = directory ? ::mkdirat(parent.get(), name.c_str(), 0755)
                             : ::mknodat(parent.get(), name.c_str(), S_IFREG | 0644, 0);
        if (made != 0 && errno != EEXIST) sys::throw_errno("create mount point " + dest);
        const int fd = ::openat(parent.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) sys::throw_errno("open mount point " + dest);
        UniqueFd point(fd);
        struct stat st {};
        if (::fstat(point.get(), &st) != 0) sys::throw_errno("stat mount point " + dest);
        if (S_ISLNK(st.st_mode))
            throw Error(ErrorKind::Setup, "mount point " + dest + " is a symlink; refusing to mount over it", ELOOP);
        if (S_ISDIR(st.st_mode) != directory)
            throw Error(ErrorKind::Setup,
                        "mount point " + dest + " exists and is " + (directory ? "not a directory" : "a directory"),
                        directory ? ENOTDIR : EISDIR);
        return point;
    }

    // The parent directory of `dest` and its last component.
    std::pair<UniqueFd, std::string> parent_of(const std::string& dest) const {
        return {dir(core::parent_path(dest)), base_name(dest)};
    }

    UniqueFd host_path(const std::string& source, const std::string& what) const {
        return sys::open_at2(host_.get(), relative(source), O_PATH, kNoSymlinks, what);
    }

private:
    UniqueFd root_;
    UniqueFd host_;
};

bool is_directory(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

void bind_mount(const Tree& tree, const MountOp& op) {
    const std::string what = std::string(core::mount_kind_name(op.kind)) + " " + op.source + " -> " + op.dest;
    UniqueFd source = tree.host_path(op.source, what);
    // A file argument was a regular file when the plan was made; swapped
    // since for a folder (by a sandbox sharing its folder), it is refused
    // rather than bound: only that one file was asked for.
    if (op.regular_file) {
        struct stat st {};
        if (::fstat(source.get(), &st) != 0) sys::throw_errno("fstat " + op.source);
        if (!S_ISREG(st.st_mode)) sys::throw_errno(what + ": no longer a regular file", EINVAL);
    }
    UniqueFd point = tree.mount_point(op.dest, is_directory(source.get()));
    UniqueFd copy = sys::clone_tree(source.get(), what);
    // Flags go on the detached copy, submounts included, before anything
    // inside can see it. Only set, never cleared: what the host locked stays.
    uint64_t attrs = MOUNT_ATTR_NOSUID;
    if (op.kind != MountKind::DevBind) attrs |= MOUNT_ATTR_NODEV;
    if (op.kind == MountKind::RoBind) attrs |= MOUNT_ATTR_RDONLY;
    sys::set_attrs(copy.get(), attrs, true, what + " (nosuid,nodev,ro)");
    sys::attach(copy.get(), point.get(), what);
}

void mount_new(const Tree& tree, const char* fstype, const std::string& dest,
               const std::vector<std::pair<std::string, std::string>>& options, uint64_t attrs) {
    const std::string what = std::string(fstype) + " on " + dest;
    UniqueFd point = tree.mount_point(dest, true);
    UniqueFd fs = sys::new_mount(fstype, options, attrs, what);
    sys::attach(fs.get(), point.get(), what);
}

void make_symlink(const Tree& tree, const std::string& target, const std::string& dest) {
    auto [parent, name] = tree.parent_of(dest);
    if (::symlinkat(target.c_str(), parent.get(), name.c_str()) == 0) return;
    const int err = errno;
    // An identical link already there (two profiles asking for the same) is fine.
    char buf[4096];
    ssize_t n = ::readlinkat(parent.get(), name.c_str(), buf, sizeof buf);
    if (err == EEXIST && n >= 0 && std::string(buf, static_cast<size_t>(n)) == target) return;
    sys::throw_errno("symlink " + dest + " -> " + target, err);
}

// A read-only copy of a path of the new root stacked on itself (/proc/sys
// under a fresh /proc: the plan lists each as a part of its proc op).
void cover_read_only(const Tree& tree, const MountOp& op) {
    const std::string what = "read-only " + op.dest;
    const UniqueFd fd =
        sys::open_at2_if_exists(tree.dir(core::parent_path(op.dest)).get(), base_name(op.dest), O_PATH | O_NOFOLLOW,
                                RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, "open " + op.dest);
    if (!fd) {
        if (op.optional) return;  // not every kernel has every one
        sys::throw_errno(what, ENOENT);
    }
    UniqueFd copy = sys::clone_tree(fd.get(), what);
    sys::set_attrs(copy.get(), MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, true,
                   what);
    sys::attach(copy.get(), fd.get(), what);
}

// The /dev tmpfs itself: far more than its nodes, links and the mount
// points of dev-binds below it take.
constexpr const char* kDevSize = "1048576";
constexpr const char* kDevInodes = "4096";

// A host device node over an empty file of a `dev` tmpfs. Not nodev: the
// node must work; the kernel keeps nodes created in the tmpfs unusable.
void bind_device(const Tree& tree, const MountOp& op) {
    const std::string what = "bind " + op.source;
    UniqueFd source = tree.host_path(op.source, what);
    UniqueFd point = tree.mount_point(op.dest, false);
    UniqueFd copy = sys::clone_tree(source.get(), what);
    sys::set_attrs(copy.get(), MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, true, what + " (nosuid,noexec)");
    sys::attach(copy.get(), point.get(), what);
}

void write_file(const Tree& tree, const MountOp& op) {
    auto [parent, name] = tree.parent_of(op.dest);
    const int fd = ::openat(parent.get(), name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                            static_cast<mode_t>(op.mode));
    if (fd < 0) sys::throw_errno("write " + op.dest);
    UniqueFd file(fd);
    sys::write_all(file.get(), op.content, "write " + op.dest);
    if (::fchmod(file.get(), static_cast<mode_t>(op.mode)) != 0) sys::throw_errno("chmod " + op.dest);
}

void apply(const Tree& tree, const MountOp& op) {
    spdlog::debug("{} {}{}", core::mount_kind_name(op.kind), op.source.empty() ? "" : op.source + " -> ", op.dest);
    constexpr uint64_t kNoSuidDevExec = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
    switch (op.kind) {
    case MountKind::Bind:
    case MountKind::RoBind:
    case MountKind::DevBind: bind_mount(tree, op); break;
    case MountKind::Tmpfs: {
        std::vector<std::pair<std::string, std::string>> options{{"mode", core::octal(op.mode)}};
        if (op.size) options.emplace_back("size", std::to_string(*op.size));
        mount_new(tree, "tmpfs", op.dest, options, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
        break;
    }
    case MountKind::Proc: mount_new(tree, "proc", op.dest, {}, kNoSuidDevExec); break;
    // Not nodev: the device nodes bound in must work (its parts follow it
    // in the plan: the nodes, devpts, shm, the usual symlinks).
    // Bounded (1 MiB, 4096 inodes): it holds only nodes, links and mount
    // points, and the kernel's default (half of the memory) would let the
    // sandbox fill RAM through /dev/f beside the bounded /tmp, home and
    // /dev/shm. Not nodev: the bound device nodes below must work (the
    // kernel keeps nodes created in a tmpfs of a user namespace unusable).
    case MountKind::Dev:
        mount_new(tree, "tmpfs", op.dest, {{"mode", "0755"}, {"size", kDevSize}, {"nr_inodes", kDevInodes}},
                  MOUNT_ATTR_NOSUID);
        break;
    case MountKind::DevNode: bind_device(tree, op); break;
    case MountKind::Devpts:
        mount_new(tree, "devpts", op.dest, {{"ptmxmode", "0666"}, {"mode", "620"}},
                  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
        break;
    case MountKind::RoCover: cover_read_only(tree, op); break;
    case MountKind::Mqueue: mount_new(tree, "mqueue", op.dest, {}, kNoSuidDevExec); break;
    case MountKind::Dir: tree.dir(op.dest, static_cast<mode_t>(op.mode)); break;
    case MountKind::Symlink: make_symlink(tree, op.source, op.dest); break;
    case MountKind::File: write_file(tree, op); break;
    }
}

void chdir_checked(const std::string& dir) {
    if (::chdir(dir.c_str()) != 0) sys::throw_errno("chdir " + dir);
}

}  // namespace

void build_root_and_pivot(const core::SandboxPlan& plan) {
    spdlog::debug("make host mounts slave");
    // MS_SLAVE, not MS_PRIVATE: host mount events (a USB stick) may still
    // reach binds, but nothing done here can propagate out.
    sys::mount_checked(nullptr, "/", nullptr, MS_SLAVE | MS_REC, "", "make / a recursive slave mount");

    spdlog::debug("staging tmpfs on {}", kStaging);
    sys::mount_checked("tmpfs", kStaging, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", "staging tmpfs on /tmp");
    chdir_checked(kStaging);
    sys::make_dirs(std::string(kStaging) + kNewRoot, 0755);
    sys::make_dirs(std::string(kStaging) + kOldRoot, 0755);
    sys::mount_checked("tmpfs", std::string(kStaging) + kNewRoot, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755",
                       "root tmpfs");
    sys::pivot_root_checked(kStaging, std::string(kStaging) + kOldRoot);
    chdir_checked("/");

    {
        const Tree tree;
        for (const auto& op : plan.mounts) apply(tree, op);
    }

    spdlog::debug("pivot_root into the new root");
    chdir_checked(kNewRoot);
    // pivot_root(".", ".") stacks the old root on top of the new one at "/";
    // detaching "." then drops it, and with it every path to the host.
    sys::pivot_root_checked(".", ".");
    if (::umount2(".", MNT_DETACH) != 0) sys::throw_errno("detach the old root");
    chdir_checked("/");

    spdlog::debug("remount / read-only");
    sys::mount_checked(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, "",
                       "remount / read-only");
}

}  // namespace sbx::sandbox
