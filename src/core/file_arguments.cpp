// file_arguments.cpp — the command's file arguments turned into binds of
// those files (see file_arguments.hpp for what is bound, left alone or
// refused, and why).
#include "core/file_arguments.hpp"

#include <algorithm>

#include "core/path.hpp"
#include "core/plan_builder.hpp"

namespace sbx::core {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The op that decides what is at `path` inside: the deepest (then the
// latest) whose destination holds it; plan.mounts is sorted parents first.
const MountOp* covering_op(const SandboxPlan& plan, const std::string& path) {
    const MountOp* found = nullptr;
    for (const MountOp& op : plan.mounts)
        if (is_under(path, op.dest)) found = &op;
    return found;
}

}  // namespace

std::optional<FileArgMode> file_arg_mode_from_name(std::string_view name) {
    if (name == "none") return FileArgMode::None;
    if (name == "read-only") return FileArgMode::ReadOnly;
    if (name == "read-write") return FileArgMode::ReadWrite;
    return std::nullopt;
}

const char* file_arg_mode_name(FileArgMode mode) {
    switch (mode) {
    case FileArgMode::ReadOnly: return "read-only";
    case FileArgMode::ReadWrite: return "read-write";
    case FileArgMode::None: break;
    }
    return "none";
}

FileArgChoice choose_file_arg_mode(const std::optional<Located<std::string>>& profile,
                                   const std::optional<std::string>& command_line) {
    const char* kExpected = " must be \"none\", \"read-only\" or \"read-write\", not ";
    if (command_line) {
        const auto mode = file_arg_mode_from_name(*command_line);
        if (!mode)
            fail_at(SourceLoc{"command line"}, std::string("--file-arguments") + kExpected + quoted(*command_line));
        return {*mode, "--file-arguments"};
    }
    if (profile) {
        const auto mode = file_arg_mode_from_name(profile->value);
        if (!mode) fail_at(profile->loc, std::string("`file-arguments`") + kExpected + quoted(profile->value));
        return {*mode, profile->loc.str()};
    }
    return {FileArgMode::None, "the default"};
}

std::optional<std::string> file_uri_path(std::string_view uri) {
    constexpr std::string_view kScheme = "file://";
    if (uri.size() < kScheme.size() || !std::equal(kScheme.begin(), kScheme.end(), uri.begin(), [](char a, char b) {
            return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
        }))
        return std::nullopt;
    uri.remove_prefix(kScheme.size());
    const size_t slash = uri.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const std::string_view authority = uri.substr(0, slash);
    if (!authority.empty() && authority != "localhost") return std::nullopt;
    std::string_view encoded = uri.substr(slash);
    // A query or fragment is not part of the file's name.
    if (encoded.find_first_of("?#") != std::string_view::npos) return std::nullopt;
    std::string path;
    for (size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] != '%') {
            path += encoded[i];
            continue;
        }
        if (i + 2 >= encoded.size()) return std::nullopt;
        const int high = hex_value(encoded[i + 1]), low = hex_value(encoded[i + 2]);
        if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;
        path += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return path;
}

std::string fold_dots(std::string_view path) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start < path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view name = path.substr(start, end - start);
        if (name == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!name.empty() && name != ".") {
            parts.push_back(name);
        }
        start = end + 1;
    }
    std::string out;
    for (const auto& part : parts) out += "/" + std::string(part);
    return out.empty() ? "/" : out;
}

void add_file_arguments(SandboxPlan& plan, FileArgMode mode, const std::string& by, const std::string& cwd,
                        const FileArgQueries& query) {
    if (mode == FileArgMode::None) return;
    bool added = false;
    for (size_t i = 1; i < plan.argv.size(); ++i) {
        const std::string& arg = plan.argv[i];
        const std::string where = "command line argument " + std::to_string(i);
        auto note = [&](const std::string& what) {
            plan.file_arguments.push_back(where + " " + quoted(arg) + ": " + what);
        };
        if (arg.empty() || arg.front() == '-') continue;
        const std::optional<std::string> uri_path = file_uri_path(arg);
        const bool uri = uri_path.has_value();
        if (!uri && arg.size() >= 5 && arg.compare(0, 5, "file:") == 0) {
            note("not a local file:// URI with a valid path: left alone");
            continue;
        }
        const std::string named = uri ? *uri_path : arg.front() == '/' ? arg : join_path(cwd, arg);
        if (named.empty() || named.front() != '/' || named.find('\0') != std::string::npos) continue;
        const std::string path = fold_dots(named);
        if (is_under(path, "/proc") || is_under(path, "/dev") || is_under(path, "/sys")) {
            if (query.file_kind(named) != HostFileKind::Missing)
                note("inside, " + path + " is the sandbox's own: left alone");
            continue;
        }
        // What the kernel reaches through the path as named (links followed).
        const std::optional<std::string> real = query.real_path(named);
        if (!real) continue;  // not a file: most arguments are not
        if (const MountOp* op = covering_op(plan, path)) {
            if (is_bind(op->kind) && join_path(op->source, path.substr(op->dest.size())) == path) {
                note("already visible through " + std::string(mount_kind_name(op->kind)) + " " + op->dest + " (" +
                     op->origin + "): left alone");
                continue;
            }
            if (op->kind == MountKind::Symlink) {
                note("inside, " + op->dest + " is the profile's symbolic link: left alone");
                continue;
            }
        }
        const HostFileKind kind = query.file_kind(*real);
        if (kind != HostFileKind::Regular) {
            note(std::string(kind == HostFileKind::Directory ? "a directory" : "not a regular file") +
                 ": left alone (only a regular file is bound, never its folder)");
            continue;
        }
        if (*real != path)
            fail_at(SourceLoc{where},
                    quoted(arg) + " leads through a symbolic link to " + quoted(*real) +
                        "; a file argument is bound only when named by its real path (a link in a shared folder "
                        "must not hand the sandbox another file): name " +
                        quoted(*real) + " instead");
        std::string why;
        if (normalize_absolute(path, &why).empty()) fail_at(SourceLoc{where}, quoted(arg) + ": " + why);

        if (std::any_of(plan.mounts.begin(), plan.mounts.end(), [&](const MountOp& op) { return op.dest == path; }))
            continue;  // the same file named twice
        MountOp op;
        op.kind = mode == FileArgMode::ReadWrite ? MountKind::Bind : MountKind::RoBind;
        op.source = path;
        op.dest = path;
        op.regular_file = true;  // checked again on the opened source when bound
        op.origin = where + " (file-arguments = \"" + file_arg_mode_name(mode) + "\", " + by + ")";
        plan.mounts.push_back(std::move(op));
        added = true;
        if (!uri && arg != path) {
            note("bound " + std::string(file_arg_mode_name(mode)) + "; passed as " + quoted(path));
            plan.argv[i] = path;
        } else {
            note(std::string("bound ") + file_arg_mode_name(mode));
        }
    }
    if (added) sort_parents_first(plan.mounts);
}

}  // namespace sbx::core
