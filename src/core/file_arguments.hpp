// file_arguments.hpp — files named on the command line made visible inside
// (`file-arguments`, --file-arguments): `sbx --profile pdf-viewer -- evince
// ~/doc.pdf`, or a desktop entry's Exec= with %f/%u. Pure: the host is
// asked through injected queries. Called in main() between build_plan and
// finish_plan, so that the binds it adds pass every check a --ro-bind does.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/bind_checks.hpp"
#include "core/file_kind.hpp"
#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// "none" (the default), "read-only", "read-write".
enum class FileArgMode { None, ReadOnly, ReadWrite };
std::optional<FileArgMode> file_arg_mode_from_name(std::string_view name);
const char* file_arg_mode_name(FileArgMode mode);

// The mode in force and who chose it: --file-arguments, else the profile's
// `file-arguments`, else "none". Throws Usage for an unknown name.
struct FileArgChoice {
    FileArgMode mode = FileArgMode::None;
    std::string by;  // "--file-arguments", "FILE:LINE:COL" or "the default"
};
FileArgChoice choose_file_arg_mode(const std::optional<Located<std::string>>& profile,
                                   const std::optional<std::string>& command_line);

struct FileArgQueries {
    SourceResolver real_path;                                   // realpath(3)
    std::function<HostFileKind(const std::string&)> file_kind;  // lstat(2)
};

// "file:///a%20b" -> "/a b"; "file://localhost/x" -> "/x". nullopt for
// anything else: another host, a relative or empty path, a bad or NUL escape.
std::optional<std::string> file_uri_path(std::string_view uri);

// "/a/./b/../c//d" -> "/a/c/d" (lexically: call it only where the path is
// checked to hold no symbolic link). `path` must be absolute.
std::string fold_dots(std::string_view path);

// The arguments of plan.argv (not argv[0]) that name an existing regular
// file (an absolute path, a path relative to `cwd`, or a file:// URI)
// become binds of that very file at the same path (read-only or writable
// by `mode`), origin "command line argument N (...)", appended to
// plan.mounts. A relative or non-normalised path argument is rewritten to
// the absolute path bound (a URI is kept: its path is bound as decoded).
// Left alone, with a note in plan.file_arguments: options ("-x"),
// directories, devices and other non-files, paths under /proc, /dev and
// /sys (inside they name the sandbox's own), paths already visible at the
// same place through a bind of the profile (so its writable bind of the
// working directory stays writable), and paths under a symlink the profile
// makes. Refused (Usage): a regular file reached through a symbolic link
// (the path named must be the file's real path: a link planted in a shared
// folder such as ~/Downloads must not hand the sandbox ~/.ssh/id_rsa), and
// one whose path holds a control character or is too long for a mount.
// `by` says where the mode came from ("--file-arguments", a profile place).
void add_file_arguments(SandboxPlan& plan, FileArgMode mode, const std::string& by, const std::string& cwd,
                        const FileArgQueries& query);

}  // namespace sbx::core
