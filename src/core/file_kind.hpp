// file_kind.hpp — what lstat(2) says a host path is, as the core sees it
// (sys::file_kind answers; core/file_arguments.hpp decides from it).
#pragma once

namespace sbx::core {

// The path itself, not what a symbolic link leads to.
enum class HostFileKind { Missing, Regular, Directory, Symlink, Other };

}  // namespace sbx::core
