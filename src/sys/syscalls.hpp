// syscalls.hpp — thin, checked wrappers over the system calls sbx uses.
// They decide nothing: each does one call and, on failure, throws an
// sbx::Error (kind Setup) whose message names the call and its arguments,
// e.g. "mount tmpfs on /newroot/tmp: Permission denied".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/file_kind.hpp"
#include "sys/unique_fd.hpp"

namespace sbx::sys {

// Throws Error{Setup, "<what>: <strerror(err)>", err}.
[[noreturn]] void throw_errno(const std::string& what, int err);
// Same with the current errno.
[[noreturn]] void throw_errno(const std::string& what);

// Opens /dev/null on each of fds 0-2 that is closed, so that nothing sbx
// opens later (the handshake socket, say) takes the place of stdin, stdout
// or stderr and receives what is written there. First thing in main.
void ensure_standard_fds() noexcept;

UniqueFd open_checked(const std::string& path, int flags, mode_t mode = 0);
void write_file(const std::string& path, const std::string& content);  // O_WRONLY|O_TRUNC, no create
void write_all(int fd, const std::string& content, const std::string& what);

// mkdir -p; existing directories are fine. Modes are exact (the caller sets umask 0).
void make_dirs(const std::string& path, mode_t mode);
// mkdir -p that follows no symlink: each component is created (`mode`) or
// opened with O_NOFOLLOW from the one before, so a symlink anywhere on the
// way fails it (ELOOP) instead of leading the creation elsewhere.
void make_dirs_nofollow(const std::string& path, mode_t mode);
// Creates an empty regular file when nothing exists at `path`.
void make_file(const std::string& path, mode_t mode);

void mount_checked(const char* source, const std::string& target, const char* fstype, unsigned long flags,
                   const std::string& data, const std::string& what);

// mount_setattr(2) on `path`, recursively. Linux 5.12+.
void set_mount_attrs_recursive(const std::string& path, uint64_t attr_set, const std::string& what);

void pivot_root_checked(const std::string& new_root, const std::string& put_old);

// The canonical host path, as realpath(3) gives it, or nullopt when it does
// not exist (one open and one readlink, not one readlink per component).
std::optional<std::string> real_path(const std::string& path);
// What lstat(2) says `path` itself is (file_arguments.hpp).
core::HostFileKind file_kind(const std::string& path);
bool path_exists(const std::string& path);   // stat() succeeds (a dangling symlink does not exist)
bool is_directory(const std::string& path);  // stat() says a directory (follows symlinks)

}  // namespace sbx::sys
