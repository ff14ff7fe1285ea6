// desktop.cpp — see desktop.hpp.
#include "desktop/desktop.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <iostream>

#include "core/builtin_profiles.hpp"
#include "core/desktop_entry.hpp"
#include "core/file_arguments.hpp"
#include "core/path.hpp"
#include "core/profile.hpp"
#include "sys/files.hpp"
#include "sys/host_facts.hpp"
#include "sys/host_scan.hpp"
#include "sys/syscalls.hpp"

namespace sbx::desktop {
namespace {

std::string env_or(const core::HostFacts& host, const std::string& name, const std::string& fallback) {
    auto it = host.env.find(name);
    return it == host.env.end() ? fallback : it->second;
}

std::vector<std::string> app_dirs(const core::HostFacts& host) {
    return core::application_dirs(host.xdg_data_home, env_or(host, "XDG_DATA_DIRS", ""));
}

// The wrapper at `target`: nullopt when there is none; false when the file
// there is not one sbx wrote (or no regular file: a symlink, say).
std::optional<bool> existing_is_ours(const std::string& target) {
    const core::HostFileKind kind = sys::file_kind(target);
    if (kind == core::HostFileKind::Missing) return std::nullopt;
    const std::optional<std::string> text = sys::read_regular_file(target);
    if (!text) return false;
    try {
        return core::is_sbx_wrapper(core::parse_desktop_entry(*text, target));
    } catch (const Error&) {
        return false;
    }
}

int install(const cli::DesktopOptions& options, const core::HostFacts& host) {
    const std::string id = core::desktop_file_id(options.app);
    const std::vector<std::string> dirs = app_dirs(host);
    const std::string target = core::join_path(dirs.front(), id);

    // The profile must exist now; a NAME stays a name (looked up at each
    // launch), a PATH is written absolute.
    const auto reader = sys::profile_reader();
    const std::string profile_path = core::resolve_profile(options.profile, host, reader);
    const core::Profile profile = core::load_profile(profile_path, host, reader);
    const bool is_path = options.profile.find('/') != std::string::npos;
    const std::string profile_arg = is_path ? profile_path : options.profile;

    spdlog::debug("profile {} ({}): the wrapper runs sbx --profile {}", options.profile, profile_path, profile_arg);
    const std::optional<bool> ours = existing_is_ours(target);
    spdlog::debug("{}: {}", target, !ours ? "none yet" : *ours ? "a wrapper of sbx's, replaced" : "not sbx's");
    if (ours && !*ours && !options.force)
        throw Error(ErrorKind::Usage, target + " exists and was not written by sbx; --force writes over it");

    // The entry wrapped: the first of that id in spec order, the target
    // itself (what is replaced) left out.
    std::string source;
    std::optional<std::string> text;
    for (const auto& dir : dirs) {
        const std::string path = core::join_path(dir, id);
        if (path == target) continue;
        spdlog::debug("looking for {}", path);
        if (auto found = sys::real_path(path)) {
            text = sys::read_regular_file(*found);
            if (!text) throw Error(ErrorKind::Usage, path + ": not a readable regular file");
            source = path;
            break;
        }
    }
    if (!text) {
        std::string where;
        for (const auto& dir : dirs) where += (where.empty() ? "" : ", ") + dir;
        throw Error(ErrorKind::Usage, "no desktop entry " + core::quoted(id) + " in " + where +
                                          (ours ? " (apart from " + target + ", which would be replaced)" : ""));
    }
    const core::DesktopEntry entry = core::parse_desktop_entry(*text, source);
    if (core::is_sbx_wrapper(entry)) throw Error(ErrorKind::Usage, source + " is itself a wrapper sbx wrote");
    core::WrapRequest request;
    request.sbx = sys::self_exe();
    request.profile = profile_arg;
    request.add_file_arguments = !profile.file_arguments.has_value();
    request.original = source;
    const std::string wrapped = core::wrap_desktop_entry(entry, request, source);
    spdlog::debug("writing {} ({} bytes, by rename of a temporary file)", target, wrapped.size());
    sys::write_file_replacing(dirs.front(), id, wrapped);
    std::cout << "installed " << target << " (" << source << " through sbx --profile " << profile_arg << ")\n";
    return 0;
}

int remove(const cli::DesktopOptions& options, const core::HostFacts& host) {
    const std::string id = core::desktop_file_id(options.app);
    const std::string target = core::join_path(app_dirs(host).front(), id);
    const std::optional<bool> ours = existing_is_ours(target);
    if (!ours) throw Error(ErrorKind::Usage, "no wrapper " + target + " to remove");
    if (!*ours) throw Error(ErrorKind::Usage, target + " was not written by sbx: left alone");
    sys::remove_file(target);
    std::cout << "removed " << target << "\n";
    return 0;
}

int list(const core::HostFacts& host) {
    const std::string dir = app_dirs(host).front();
    auto entries = sys::list_dir(dir);
    if (!entries) return 0;
    std::sort(entries->begin(), entries->end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    for (const auto& e : *entries) {
        if (e.is_dir || e.is_symlink || !e.name.ends_with(".desktop")) continue;
        const std::string path = core::join_path(dir, e.name);
        const std::optional<std::string> text = sys::read_regular_file(path);
        if (!text) continue;
        try {
            const core::DesktopEntry entry = core::parse_desktop_entry(*text, path);
            if (!core::is_sbx_wrapper(entry)) continue;
            const std::string id = e.name.substr(0, e.name.size() - 8);
            std::cout << core::printable(id) << "\t" << core::printable(*entry.get("Desktop Entry", "X-Sbx-Profile"))
                      << "\t" << core::printable(entry.get("Desktop Entry", "X-Sbx-Original").value_or("")) << "\n";
        } catch (const Error& err) {
            spdlog::debug("{}: skipped: {}", path, err.what());
        }
    }
    return 0;
}

}  // namespace

int run(const cli::DesktopOptions& options, const core::HostFacts& host) {
    if (options.action == "install") return install(options, host);
    if (options.action == "remove") return remove(options, host);
    return list(host);
}

int list_profiles(const core::HostFacts& host) {
    std::vector<std::string> names;
    auto add = [&names](const std::string& name) {
        if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    };
    for (const auto& dir : host.profile_dirs) {
        auto entries = sys::list_dir(dir);
        if (!entries) continue;
        std::sort(entries->begin(), entries->end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        for (const auto& e : *entries)
            if (!e.is_dir && e.name.ends_with(".toml") && !e.name.ends_with(".local.toml"))
                add(e.name.substr(0, e.name.size() - 5));
    }
    const std::string builtin(core::builtin_profile_names());
    size_t start = 0;
    while (start < builtin.size()) {
        size_t end = builtin.find(", ", start);
        if (end == std::string::npos) end = builtin.size();
        add(builtin.substr(start, end - start));
        start = end + 2;
    }
    for (const auto& name : names) std::cout << core::printable(name) << "\n";
    return 0;
}

}  // namespace sbx::desktop
