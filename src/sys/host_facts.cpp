// host_facts.cpp — the one place that reads the launcher's identity and
// environment; everything downstream gets them as data.
#include "sys/host_facts.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "config.h"
#include "core/path.hpp"
#include "sys/syscalls.hpp"

extern char** environ;

namespace sbx::sys {
namespace {

std::string env_or(const core::HostFacts& host, const char* name, const std::string& fallback) {
    auto it = host.env.find(name);
    return it != host.env.end() && !it->second.empty() ? it->second : fallback;
}

// An XDG base directory: a relative one is invalid and ignored (the XDG
// base directory specification), or a profile name would be looked up
// relative to the working directory, where a sandbox may write.
std::string xdg_dir(const core::HostFacts& host, const char* name, const std::string& fallback) {
    const std::string value = env_or(host, name, fallback);
    return value.starts_with('/') ? value : fallback;
}

// Where each symbolic link met while resolving `path` lies (the link
// itself, in a folder given by its real path): a chain of links
// (~/.config/sbx/profiles -> ~/dots/profiles -> ~/work/profiles) is steered
// by replacing the middle one, which the end's real path does not show.
void links_on_the_way(const std::string& path, std::vector<std::string>& out) {
    std::vector<std::string> todo;  // components still to walk, last first
    auto push = [&todo](const std::string& p) {
        std::vector<std::string> parts;
        size_t start = 0;
        while (start <= p.size()) {
            const size_t slash = p.find('/', start);
            const std::string part = p.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
            if (!part.empty() && part != ".") parts.push_back(part);
            if (slash == std::string::npos) break;
            start = slash + 1;
        }
        todo.insert(todo.end(), parts.rbegin(), parts.rend());
    };
    if (!path.starts_with('/')) return;
    push(path);
    std::string cur = "/";
    for (int links = 0; !todo.empty() && links < 40;) {
        const std::string part = todo.back();
        todo.pop_back();
        if (part == "..") {
            cur = core::parent_path(cur);
            continue;
        }
        const std::string next = core::join_path(cur, part);
        struct stat st {};
        if (::lstat(next.c_str(), &st) != 0) return;  // missing: nothing further to steer
        if (!S_ISLNK(st.st_mode)) {
            cur = next;
            continue;
        }
        ++links;
        out.push_back(next);
        char target[4096];
        const ssize_t n = ::readlink(next.c_str(), target, sizeof target - 1);
        if (n <= 0) return;
        const std::string to(target, static_cast<size_t>(n));
        if (to.starts_with('/')) cur = "/";
        push(to);
    }
}

// The real paths of the symbolic links directly in `dir`, in name order; a
// dangling one by its target as written (it may be created later).
std::vector<std::string> profile_links(const std::string& dir) {
    std::vector<std::string> links;
    links_on_the_way(dir, links);
    const std::unique_ptr<DIR, int (*)(DIR*)> stream(::opendir(dir.c_str()), ::closedir);
    if (!stream) return links;
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(stream.get())) {
        if (entry->d_type == DT_LNK || entry->d_type == DT_UNKNOWN) names.emplace_back(entry->d_name);
        if (names.size() > 10000) break;  // a bound, not a limit anyone reaches
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
        if (name == "." || name == "..") continue;
        const std::string path = dir + "/" + name;
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) continue;
        links_on_the_way(path, links);
        if (auto real = real_path(path)) {
            links.push_back(*real);
        } else {
            char target[4096];
            const ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
            if (n > 0 && target[0] == '/') links.emplace_back(target, static_cast<size_t>(n));
        }
    }
    return links;
}

// What NSS (getpwuid_r) says of `uid`: the users of LDAP, sssd and
// systemd-homed, whom /etc/passwd does not list. Only in a build that links
// the C library shared (SBX_USE_NSS, meson.build): NSS loads its modules
// with dlopen, which a static C library can do only with the modules of the
// very glibc it was built from, and then runs their code in sbx.
std::optional<core::PasswdEntry> nss_passwd_entry(uint32_t uid) {
#if SBX_USE_NSS
    std::vector<char> buf(16384);
    for (;;) {
        struct passwd pw {};
        struct passwd* found = nullptr;
        const int err = ::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found);
        if (err == ERANGE && buf.size() < (size_t{1} << 20)) {
            buf.resize(buf.size() * 2);
            continue;
        }
        if (err != 0 || found == nullptr) return std::nullopt;
        return core::PasswdEntry{pw.pw_name ? pw.pw_name : "", pw.pw_dir ? pw.pw_dir : "",
                                 pw.pw_shell ? pw.pw_shell : ""};
    }
#else
    (void)uid;
    return std::nullopt;
#endif
}

// A directory owned by `uid` (symbolic links followed): what a home from
// $HOME must be.
bool owned_dir(const std::string& path, uint32_t uid) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid;
}

}  // namespace

std::string current_dir() {
    char buf[4096];
    if (::getcwd(buf, sizeof buf) == nullptr) {
        const int err = errno;
        throw Error(ErrorKind::Setup,
                    std::string("the current directory cannot be read (getcwd: ") + std::strerror(err) +
                        "): it was deleted or is out of reach; cd to an existing directory and start sbx again",
                    err);
    }
    return buf;
}

core::HostFacts read_host_facts() {
    core::HostFacts host;
    host.uid = ::getuid();
    host.gid = ::getgid();
    for (char** e = environ; e && *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos && eq > 0) host.env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
    // /etc/passwd first, read directly (most users are there, and NSS
    // would load its modules for them); NSS only for a uid the file does
    // not list; the environment, checked, only for a uid neither knows.
    std::optional<core::PasswdEntry> files;
    if (auto passwd = file_reader()("/etc/passwd")) files = core::find_passwd_entry(*passwd, host.uid);
    std::optional<core::PasswdEntry> nss;
    if (!files || !files->home.starts_with('/')) nss = nss_passwd_entry(host.uid);
    core::HostUser who = core::choose_host_user(host.uid, files, nss, host.env,
                                                [&host](const std::string& path) { return owned_dir(path, host.uid); });
    host.user = std::move(who.user);
    host.home = std::move(who.home);
    host.shell = std::move(who.shell);
    host.user_source = std::move(who.source);

    host.cwd = current_dir();

    for (int fd = 0; fd < 3; ++fd) host.stdio_is_tty[static_cast<size_t>(fd)] = ::isatty(fd) == 1;
    if (struct sysinfo info{}; ::sysinfo(&info) == 0) host.mem_total = uint64_t{info.totalram} * info.mem_unit;
    host.pid = static_cast<uint32_t>(::getpid());
    host.xdg_runtime_dir = xdg_dir(host, "XDG_RUNTIME_DIR", "/run/user/" + std::to_string(host.uid));
    host.xdg_config_home = xdg_dir(host, "XDG_CONFIG_HOME", host.home + "/.config");
    host.xdg_data_home = xdg_dir(host, "XDG_DATA_HOME", host.home + "/.local/share");
    host.profile_dirs = {host.xdg_config_home + "/sbx/profiles", "/etc/sbx/profiles",
                         std::string(SBX_DATADIR) + "/sbx/profiles"};
    host.profile_links = profile_links(host.profile_dirs.front());
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

core::ProfileReader profile_reader() {
    return [](const std::string& path) {
        core::FileRead file;
        auto failed = [&file](int err) {
            file.error = err;
            file.error_text = std::strerror(err);
            return file;
        };
        // O_NONBLOCK: a FIFO planted as a profile must not hang sbx (it is
        // refused below as not a regular file). The checks are made on the
        // descriptor read, so the file checked is the file parsed.
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
        if (!fd) return failed(errno);
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) return failed(errno);
        file.regular = S_ISREG(st.st_mode);
        file.owner = st.st_uid;
        file.mode = st.st_mode & 07777;
        file.links = st.st_nlink;
        if (!file.regular) return file;  // text stays empty: the core refuses it
        // No profile comes near this; a bigger file is an error, not a
        // reason to read gigabytes into memory.
        constexpr size_t kMaxProfileBytes = size_t{16} << 20;
        std::string text;
        char buf[65536];
        for (;;) {
            ssize_t n = ::read(fd.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return failed(errno);
            if (n == 0) break;
            text.append(buf, static_cast<size_t>(n));
            if (text.size() > kMaxProfileBytes) return failed(EFBIG);
        }
        file.text = std::move(text);
        return file;
    };
}

bool can_create(const std::string& path) {
    // The deepest existing ancestor decides: a folder can be made below it
    // only if it is writable (and searchable) to us.
    std::string dir = path;
    while (!dir.empty() && dir != "/") {
        if (path_exists(dir)) return ::access(dir.c_str(), W_OK | X_OK) == 0;
        dir = core::parent_path(dir);
    }
    return ::access("/", W_OK | X_OK) == 0;
}

}  // namespace sbx::sys
