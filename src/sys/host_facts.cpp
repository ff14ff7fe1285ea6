// host_facts.cpp — the one place that reads the launcher's identity and
// environment; everything downstream gets them as data.
#include "sys/host_facts.hpp"

#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "config.h"
#include "sys/syscalls.hpp"

extern char** environ;

namespace sbx::sys {
namespace {

std::string env_or(const core::HostFacts& host, const char* name, const std::string& fallback) {
    auto it = host.env.find(name);
    return it != host.env.end() && !it->second.empty() ? it->second : fallback;
}

}  // namespace

core::HostFacts read_host_facts() {
    core::HostFacts host;
    host.uid = ::getuid();
    host.gid = ::getgid();
    for (char** e = environ; e && *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos && eq > 0) host.env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
    // /etc/passwd itself, not getpwuid: see core::find_passwd_entry.
    if (auto passwd = file_reader()("/etc/passwd")) {
        if (auto entry = core::find_passwd_entry(*passwd, host.uid)) {
            host.user = std::move(entry->name);
            host.home = std::move(entry->home);
            host.shell = std::move(entry->shell);
        }
    }
    if (host.user.empty()) host.user = env_or(host, "USER", std::to_string(host.uid));
    if (host.home.empty()) host.home = env_or(host, "HOME", "/");

    char buf[4096];
    if (::getcwd(buf, sizeof buf) == nullptr) throw_errno("getcwd");
    host.cwd = buf;

    for (int fd = 0; fd < 3; ++fd) host.stdio_is_tty[static_cast<size_t>(fd)] = ::isatty(fd) == 1;
    host.xdg_runtime_dir = env_or(host, "XDG_RUNTIME_DIR", "/run/user/" + std::to_string(host.uid));
    host.xdg_config_home = env_or(host, "XDG_CONFIG_HOME", host.home + "/.config");
    host.xdg_data_home = env_or(host, "XDG_DATA_HOME", host.home + "/.local/share");
    host.profile_dirs = {host.xdg_config_home + "/sbx/profiles", "/etc/sbx/profiles",
                         std::string(SBX_DATADIR) + "/sbx/profiles"};
    return host;
}

core::FileReader file_reader() {
    return [](const std::string& path) -> std::optional<std::string> {
        if (!is_directory(path) && path_exists(path)) {
            std::ifstream in(path, std::ios::binary);
            if (in) {
                std::ostringstream text;
                text << in.rdbuf();
                if (in.good() || in.eof()) return text.str();
            }
        }
        return std::nullopt;
    };
}

}  // namespace sbx::sys
