// host.cpp — parsing of host files the sys layer hands in as text.
#include "core/host.hpp"

#include <algorithm>
#include <charconv>

#include "core/error.hpp"
#include "core/path.hpp"

namespace sbx::core {
namespace {

// A passwd(5) line has exactly seven colon-separated fields.
bool split_passwd_line(std::string_view line, std::string_view (&field)[7]) {
    for (size_t i = 0; i < 6; ++i) {
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) return false;
        field[i] = line.substr(0, colon);
        line.remove_prefix(colon + 1);
    }
    if (line.find(':') != std::string_view::npos) return false;
    field[6] = line;
    return true;
}

std::string env_value(const std::map<std::string, std::string>& env, const char* name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
}

bool plausible_login_name(std::string_view name) {
    if (name.empty() || name.size() > 32 || name.front() == '-') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

}  // namespace

std::optional<PasswdEntry> find_passwd_entry(std::string_view passwd, uint32_t uid) {
    while (!passwd.empty()) {
        size_t eol = passwd.find('\n');
        std::string_view line = passwd.substr(0, eol);
        passwd.remove_prefix(eol == std::string_view::npos ? passwd.size() : eol + 1);

        std::string_view field[7];
        if (!split_passwd_line(line, field) || field[0].empty() || field[0][0] == '+' || field[0][0] == '-') continue;
        uint32_t value = 0;
        const char* last = field[2].data() + field[2].size();
        auto [end, ec] = std::from_chars(field[2].data(), last, value);
        if (field[2].empty() || ec != std::errc{} || end != last || value != uid) continue;
        return PasswdEntry{std::string(field[0]), std::string(field[5]), std::string(field[6])};
    }
    return std::nullopt;
}

HostUser choose_host_user(uint32_t uid, const std::optional<PasswdEntry>& files, const std::optional<PasswdEntry>& nss,
                          const std::map<std::string, std::string>& env,
                          const std::function<bool(const std::string&)>& owned_dir) {
    // The databases are the administrator's word; an entry without an
    // absolute home is no answer.
    if (files && files->home.starts_with('/')) return {files->name, files->home, files->shell, "/etc/passwd"};
    if (nss && nss->home.starts_with('/')) return {nss->name, nss->home, nss->shell, "NSS"};

    // The environment is whatever started sbx: checked, never trusted.
    const std::string user_env = env_value(env, "USER");
    const std::string user = plausible_login_name(user_env) ? user_env : std::to_string(uid);
    const std::string home_env = env_value(env, "HOME");
    std::string why;
    const std::string home = normalize_absolute(home_env, &why);
    if (home_env.empty()) {
        why = "$HOME is not set";
    } else if (home.empty()) {
        why = "$HOME (" + printable(home_env) + ") is not an absolute path: " + why;
    } else if (home == "/") {
        why = "$HOME is /";
    } else if (home.find(':') != std::string::npos) {
        why = "$HOME (" + printable(home_env) + ") holds a ':'";
    } else if (!owned_dir(home)) {
        why = "$HOME (" + printable(home_env) + ") is not a directory of uid " + std::to_string(uid);
    } else {
        return {user, home, "", "$HOME and $USER (uid " + std::to_string(uid) + " is in neither /etc/passwd nor NSS)"};
    }
    throw Error(ErrorKind::Setup, "uid " + std::to_string(uid) +
                                      " is in neither /etc/passwd nor NSS, so sbx takes its home from $HOME, and " +
                                      why + "; set HOME to your home folder (a directory you own)");
}

}  // namespace sbx::core
