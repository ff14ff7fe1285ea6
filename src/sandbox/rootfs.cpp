// rootfs.cpp — the root filesystem recipe.
//
//  1. Make every host mount a slave, so nothing we do propagates back.
//  2. Mount a staging tmpfs on /tmp and pivot_root into it, keeping the
//     host's root reachable at /oldroot; the new root is another tmpfs at
//     /newroot. (Binding host paths from /oldroot, not from "/", means a
//     source under the host's /tmp is still reachable after step 2.)
//  3. Apply the ops in order: sources under /oldroot, destinations under
//     /newroot.
//  4. pivot_root(".", ".") inside /newroot and detach the old root, so no
//     path leads back to the host; remount the root read-only.
#include "sandbox/rootfs.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "core/path.hpp"
#include "log/log.hpp"
#include "sys/syscalls.hpp"

namespace sbx::sandbox {
namespace {

using core::MountKind;
using core::MountOp;

constexpr const char* kStaging = "/tmp";
constexpr const char* kOldRoot = "/oldroot";
constexpr const char* kNewRoot = "/newroot";

std::string octal_mode(uint32_t mode) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0%o", mode);
    return buf;
}

std::string host_path(const std::string& source) { return core::join_path(kOldRoot, source); }
std::string inside(const std::string& dest) { return core::join_path(kNewRoot, dest); }

void make_parents(const std::string& dest) { sys::make_dirs(core::parent_path(dest), 0755); }

void mount_tmpfs(const std::string& target, uint32_t mode, const std::optional<uint64_t>& size,
                 const std::string& what) {
    std::string data = "mode=" + octal_mode(mode);
    if (size) data += ",size=" + std::to_string(*size);
    sys::mount_checked("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, data, what);
}

void bind_mount(const std::string& source, const std::string& dest, MountKind kind) {
    const std::string what = std::string(core::mount_kind_name(kind)) + " " + source + " -> " + dest;
    const std::string src = host_path(source);
    const std::string dst = inside(dest);
    make_parents(dst);
    // The mount point must be of the source's kind: a directory for a
    // directory, an empty file for anything else.
    if (sys::is_directory(src))
        sys::make_dirs(dst, 0755);
    else
        sys::make_file(dst, 0644);
    sys::mount_checked(src.c_str(), dst, nullptr, MS_BIND | MS_REC, "", what);
    // Flags apply to the whole bound tree, submounts included, in one call.
    // Only set, never cleared: flags the host locked (nosuid, nodev, ro) stay.
    uint64_t attrs = MOUNT_ATTR_NOSUID;
    if (kind != MountKind::DevBind) attrs |= MOUNT_ATTR_NODEV;
    if (kind == MountKind::RoBind) attrs |= MOUNT_ATTR_RDONLY;
    sys::set_mount_attrs_recursive(dst, attrs, what + " (set nosuid,nodev,ro)");
}

// A minimal /dev: a few harmless host devices bound in, a private devpts,
// a tmpfs for shm and the usual symlinks.
void make_dev(const std::string& dest) {
    const std::string dev = inside(dest);
    sys::make_dirs(dev, 0755);
    // Not nodev: the bound device nodes below must work. The kernel marks a
    // tmpfs mounted in a user namespace nodev for nodes created in it anyway.
    sys::mount_checked("tmpfs", dev, "tmpfs", MS_NOSUID, "mode=0755", "tmpfs on " + dest);
    for (const char* node : {"null", "zero", "full", "random", "urandom", "tty"}) {
        const std::string src = std::string(kOldRoot) + "/dev/" + node;
        const std::string dst = dev + "/" + node;
        sys::make_file(dst, 0666);
        sys::mount_checked(src.c_str(), dst, nullptr, MS_BIND, "", "bind /dev/" + std::string(node));
        sys::set_mount_attrs_recursive(dst, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
                                       "bind /dev/" + std::string(node) + " (set nosuid,noexec)");
    }
    sys::make_dirs(dev + "/pts", 0755);
    sys::mount_checked("devpts", dev + "/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620",
                       "devpts on " + dest + "/pts");
    sys::make_dirs(dev + "/shm", 01777);
    mount_tmpfs(dev + "/shm", 01777, std::nullopt, "tmpfs on " + dest + "/shm");
    const std::array<std::pair<const char*, const char*>, 6> links{{{"ptmx", "pts/ptmx"},
                                                                    {"fd", "/proc/self/fd"},
                                                                    {"stdin", "/proc/self/fd/0"},
                                                                    {"stdout", "/proc/self/fd/1"},
                                                                    {"stderr", "/proc/self/fd/2"},
                                                                    {"core", "/proc/kcore"}}};
    for (const auto& [name, target] : links) {
        const std::string link = dev + "/" + name;
        if (::symlink(target, link.c_str()) != 0) sys::throw_errno("symlink " + dest + "/" + name + " -> " + target);
    }
}

void make_symlink(const MountOp& op) {
    const std::string link = inside(op.dest);
    make_parents(link);
    if (::symlink(op.source.c_str(), link.c_str()) == 0) return;
    int err = errno;
    // An identical link already there (two profiles asking for the same) is fine.
    char buf[4096];
    ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
    if (err == EEXIST && n >= 0 && std::string(buf, static_cast<size_t>(n)) == op.source) return;
    sys::throw_errno("symlink " + op.dest + " -> " + op.source, err);
}

void write_file(const MountOp& op) {
    const std::string path = inside(op.dest);
    make_parents(path);
    sys::UniqueFd fd = sys::open_checked(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, static_cast<mode_t>(op.mode));
    sys::write_all(fd.get(), op.content, "write " + op.dest);
    if (::fchmod(fd.get(), static_cast<mode_t>(op.mode)) != 0) sys::throw_errno("chmod " + op.dest);
}

void apply(const MountOp& op) {
    spdlog::debug("{} {}{}", core::mount_kind_name(op.kind), op.source.empty() ? "" : op.source + " -> ", op.dest);
    const std::string dst = inside(op.dest);
    switch (op.kind) {
    case MountKind::Bind:
    case MountKind::RoBind:
    case MountKind::DevBind: bind_mount(op.source, op.dest, op.kind); break;
    case MountKind::Tmpfs:
        sys::make_dirs(dst, 0755);
        mount_tmpfs(dst, op.mode, op.size, "tmpfs on " + op.dest);
        break;
    case MountKind::Proc:
        sys::make_dirs(dst, 0755);
        sys::mount_checked("proc", dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "", "proc on " + op.dest);
        break;
    case MountKind::Dev: make_dev(op.dest); break;
    case MountKind::Mqueue:
        sys::make_dirs(dst, 0755);
        sys::mount_checked("mqueue", dst, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, "", "mqueue on " + op.dest);
        break;
    case MountKind::Dir: sys::make_dirs(dst, static_cast<mode_t>(op.mode)); break;
    case MountKind::Symlink: make_symlink(op); break;
    case MountKind::File: write_file(op); break;
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

    for (const auto& op : plan.mounts) apply(op);

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
