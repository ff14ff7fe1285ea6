// host.hpp — facts about the host, read once in main() (sys layer) and
// injected into the pure core, which never reads the environment itself.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::core {

struct HostFacts {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::string user;                        // login name (see choose_host_user)
    std::string home;                        // home folder (see choose_host_user)
    std::string shell;                       // login shell (informational)
    std::string user_source;                 // where user and home came from (--verbose)
    std::string cwd;                         // absolute
    std::string xdg_runtime_dir;             // $XDG_RUNTIME_DIR or /run/user/UID
    std::string xdg_config_home;             // $XDG_CONFIG_HOME or HOME/.config
    std::string xdg_data_home;               // $XDG_DATA_HOME or HOME/.local/share
    std::map<std::string, std::string> env;  // the launcher's environment
    // Folders searched for a profile given by name, in order
    // ($XDG_CONFIG_HOME/sbx/profiles, /etc/sbx/profiles, DATADIR/sbx/profiles).
    // The profiles compiled into sbx are searched after these.
    std::vector<std::string> profile_dirs;
    // Where the symbolic links in $XDG_CONFIG_HOME/sbx/profiles really lead
    // (a dotfiles repository, say): profiles a later launch may read, which
    // no writable bind may expose; and where every link met on the way to
    // them and to the folder itself lies (the middle of a chain of links).
    std::vector<std::string> profile_links;
    // Which of stdin, stdout, stderr are terminals: each one that is gets
    // the sandbox's own pty in its place (`pty`, sbx(1) SECURITY).
    std::array<bool, 3> stdio_is_tty{};
    uint64_t mem_total = 0;  // bytes of RAM (sysinfo); for tmpfs sizes written "N%"
    uint32_t pid = 0;        // the launcher's pid: names its instance folder (core/helpers.hpp)
};

// Reads a whole file; nullopt when it does not exist or cannot be read.
// Injected so that the core stays free of I/O.
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

// What opening one profile file found (sys::profile_reader: open(2), then
// fstat(2) of the open file, so that the facts are those of the file read).
// The core decides from these whether the file may be used (see
// profile_file_problem in profile.hpp).
struct FileRead {
    std::optional<std::string> text;  // the contents; nullopt when it could not be read
    int error = 0;                    // errno of open/read when text is nullopt; ENOENT: does not exist
    std::string error_text;           // strerror(error)
    bool regular = true;              // S_ISREG of the file opened
    uint32_t owner = 0;               // st_uid
    uint32_t mode = 0;                // permission bits (st_mode & 07777)
    uint64_t links = 1;               // st_nlink
};
using ProfileReader = std::function<FileRead(const std::string& path)>;

// One passwd(5) entry: what sbx needs of it.
struct PasswdEntry {
    std::string name;
    std::string home;
    std::string shell;
};

// The first entry of `passwd` (the text of /etc/passwd) whose uid is `uid`;
// nullopt when there is none. Lines that are not seven colon-separated
// fields, or whose uid is not a decimal number, are skipped, as are NIS
// "+"/"-" lines. sbx reads the file itself first: asking NSS (getpwuid_r)
// loads its modules into the process, which most users do not need.
std::optional<PasswdEntry> find_passwd_entry(std::string_view passwd, uint32_t uid);

// The user's name, home and shell, and where they came from.
struct HostUser {
    std::string user;
    std::string home;
    std::string shell;
    std::string source;  // "/etc/passwd", "NSS" or "$HOME and $USER" (--verbose)
};

// Who the uid is, from the first source that knows it (with an absolute
// home): its /etc/passwd entry (`files`), else what NSS says (`nss`:
// getpwuid_r, which knows the users of LDAP, sssd and systemd-homed), else,
// for a uid no database knows, the environment. The environment is a last
// resort and is checked: $HOME only when it is an absolute path without
// "..", other than "/", fit for a passwd line (no ':'), and `owned_dir`
// says it is a directory the uid owns (used as normalize_absolute writes
// it); $USER only when it is a plausible login name (letters, digits, '.',
// '_', '-', at most 32, not starting with '-'), else the uid in decimal.
// Without a usable home this throws a one-line Setup error naming the
// remedy: sbx never guesses a home, because the home decides what the
// working-directory check refuses and which folders a sandbox may not
// write (sbx's own profiles among them).
HostUser choose_host_user(uint32_t uid, const std::optional<PasswdEntry>& files, const std::optional<PasswdEntry>& nss,
                          const std::map<std::string, std::string>& env,
                          const std::function<bool(const std::string&)>& owned_dir);

}  // namespace sbx::core
