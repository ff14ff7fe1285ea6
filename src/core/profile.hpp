// profile.hpp — a TOML profile, parsed, includes merged, ${VARIABLES}
// expanded. Pure: files are read through the injected ProfileReader.
//
// See man/sbx.toml.5 for the format. Every error is an sbx::Error of kind
// Usage whose message starts with "file:line:col: ".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/host.hpp"
#include "core/kinds.hpp"

namespace sbx::core {

// One [[mount]] entry, or one element of a compact list (`ro-bind = [...]`),
// variables already expanded.
struct FsEntry {
    MountKind type = MountKind::Bind;
    std::string source;                    // bind, ro-bind, dev-bind: host path; symlink: link target
    std::string dest;                      // path inside the sandbox (as written; validated by the plan builder)
    std::string content;                   // file
    std::optional<uint64_t> size;          // tmpfs: bytes; dev: /dev/shm's size (`shm-size`)
    std::optional<uint32_t> size_percent;  // `size` / `shm-size` as "N%" of the host's memory (1..100)
    std::optional<uint32_t> mode;          // tmpfs, dir, file
    bool optional = false;                 // bind*: skip when the source is missing
    bool create = false;                   // bind, ro-bind: create the source directory (0700) when missing
    bool unsafe = false;                   // bind*: give up the refusals of check_exposure (plan_builder.hpp)
    bool workdir = false;                  // bind, ro-bind: the working directory; refused for /, ~, /tmp, ...
    bool glob = false;                     // bind*: `source`'s last component is a pattern (* ?), see glob.hpp
    SourceLoc loc;                         // where the entry was written
};

// A setting that remembers where it was set, so that later checks can point at it.
template <class T>
struct Located {
    T value{};
    SourceLoc loc;
};

// Identity inside the sandbox: yourself or root.
enum class Identity { Self, Root };

// `pty`: when the target gets a pseudo-terminal of the sandbox's own.
// Auto: whenever the caller's stdin, stdout or stderr is a terminal (the
// default); Always: even when none is; Never: the target holds the caller's
// terminal itself (see sbx(1), SECURITY).
enum class PtyMode { Auto, Always, Never };

struct EnvSpec {
    std::optional<Located<bool>> clear;                             // default true
    std::vector<Located<std::string>> keep;                         // names; a trailing '*' is a prefix match
    std::vector<std::pair<std::string, Located<std::string>>> set;  // in order; a later set of a name wins
    std::vector<Located<std::string>> unset;
};

struct NamespaceSpec {
    // true: a new namespace (isolated); false: share the host's.
    std::optional<Located<bool>> net, pid, ipc, uts, cgroup;
};

// [seccomp]: the default policy, adjusted by name.
struct SeccompSpec {
    std::optional<Located<std::string>> policy;  // "default" (the default) or "none"
    std::vector<Located<std::string>> allow;     // syscall names the policy must let through
    std::vector<Located<std::string>> deny;      // "NAME", "NAME:ERRNO" (e.g. "ptrace:EACCES") or "NAME:kill"
    std::optional<Located<bool>> log;            // log violations instead of denying them
    std::optional<Located<bool>> nested_userns;  // allow creating user namespaces inside
    std::optional<Located<bool>> strict_exec;    // no executable memfds, no execveat(AT_EMPTY_PATH)
};

// [landlock]: defense in depth derived from the mounts.
struct LandlockSpec {
    std::optional<Located<bool>> enabled;       // default true: apply what the kernel supports
    std::optional<Located<uint32_t>> min_abi;   // fail closed below this Landlock ABI
    std::vector<Located<std::string>> execute;  // paths inside where executing is allowed, besides ro-binds
    std::optional<Located<bool>> scoped;        // ABI 6 scopes: abstract unix sockets and signals
};

// [limits]: rlimits (both soft and hard) and a wall-clock timeout.
struct LimitsSpec {
    // "nofile", "nproc", "as", "cpu", "fsize", "core", "stack", "memlock" in
    // the order first written; a later file setting the same name wins.
    std::vector<std::pair<std::string, Located<uint64_t>>> rlimits;
    std::optional<Located<uint64_t>> timeout;     // seconds; 0 = none
    std::optional<Located<uint64_t>> kill_after;  // seconds between SIGTERM and SIGKILL at the timeout
};

// [cgroup]: limits in a delegated cgroup v2 subtree.
struct CgroupSpec {
    std::optional<Located<uint64_t>> memory;  // bytes (memory.max)
    std::optional<Located<uint64_t>> pids;    // pids.max
    std::optional<Located<double>> cpus;      // cpu.max as a number of CPUs, e.g. 0.5
    std::optional<Located<bool>> required;    // fail closed when no delegated cgroup is available
};

// [wayland]: the compositor's socket (profiles/wayland.toml turns it on).
struct WaylandSpec {
    std::optional<Located<bool>> enabled;           // default false
    std::optional<Located<bool>> security_context;  // default true: wp_security_context_v1 where offered
};

// [x11]: the host's X11 display (its socket and cookie only), see core/x11.hpp.
struct X11Spec {
    std::optional<Located<bool>> enabled;
    std::optional<Located<bool>> optional;  // no $DISPLAY: skip instead of failing
};

// [audio]: the PulseAudio socket and cookie, the PipeWire socket, see core/audio.hpp.
struct AudioSpec {
    std::optional<Located<bool>> enabled;
};

// [dbus]: the buses through xdg-dbus-proxy (core/dbus.hpp). Lists are
// bus names (org.example.App, org.example.*) or, for call and broadcast,
// NAME=RULE; the system bus's are the keys prefixed "system-".
struct BusRulesSpec {
    std::vector<Located<std::string>> talk, own, see, call, broadcast;
};
struct DbusSpec {
    std::optional<Located<bool>> session;  // default false
    std::optional<Located<bool>> system;   // default false
    BusRulesSpec session_rules;
    BusRulesSpec system_rules;
};

struct Profile {
    std::string name;                // ${PROFILE}: the top-level profile's file name without ".toml"
    std::string path;                // the top-level file ("builtin:default.toml" for compiled-in ones)
    std::vector<std::string> files;  // every file read, top-level first, then includes in reading order

    NamespaceSpec namespaces;
    std::optional<Located<Identity>> uid, gid;
    std::optional<Located<std::string>> hostname;
    std::optional<Located<std::string>> chdir;
    std::optional<Located<bool>> new_session;
    std::optional<Located<std::vector<std::string>>> command;
    // Included profiles' entries first, in include order; each file's own
    // entries ([[mount]] and the compact lists alike) in the order written.
    std::vector<FsEntry> mounts;
    EnvSpec env;
    std::optional<Located<PtyMode>> pty;  // `pty`, or the older `interactive = true` (= "auto")
    // `file-arguments`: "none", "read-only", "read-write" (core/file_arguments.hpp); unset: "none".
    std::optional<Located<std::string>> file_arguments;
    SeccompSpec seccomp;
    std::vector<Located<std::string>> keep_caps;  // [capabilities] keep: "CAP_CHOWN", ...
    LandlockSpec landlock;
    LimitsSpec limits;
    CgroupSpec cgroup;
    WaylandSpec wayland;
    X11Spec x11;
    AudioSpec audio;
    DbusSpec dbus;
};

// Finds the file a --profile argument names. Only an argument containing a
// '/' is a path (a relative one is taken from host.cwd); anything else is a
// NAME ("browser" and "browser.toml" alike), looked up as NAME.toml in
// host.profile_dirs, then among the compiled-in profiles
// ("builtin:NAME.toml"), never in the working directory. Throws Usage when
// none matches, listing where it looked, and for a file that exists but
// cannot be read or trusted (see profile_file_problem): that is never a
// reason to fall through to the next place. `include` looks up the same way,
// a relative path being taken from the including file's folder.
std::string resolve_profile(const std::string& spec, const HostFacts& host, const ProfileReader& read);

// True for the path of a compiled-in profile ("builtin:NAME.toml", see
// resolve_profile) and for a place in one ("builtin:cli.toml:12:3"): no
// file on the host, so nothing there to protect, and nothing the user can
// edit.
bool is_builtin_profile(std::string_view path);

// How the top-level profile was named on the command line: a NAME (no '/',
// see resolve_profile) or a path. A profile found by NAME, top level or
// included, gets the user's $XDG_CONFIG_HOME/sbx/profiles/NAME.local.toml
// merged after it when that file exists (as though the profile ended with
// it; read and trusted like any profile file, and listed in
// Profile::files); a profile given by path never does. A user profile
// NAME.toml that includes its own NAME reaches the next folder's (or the
// compiled-in) profile of that name, and the local comes after the outer
// one only.
enum class FoundBy { Path, Name };
FoundBy profile_found_by(std::string_view spec);

// Loads a profile with its includes. `path` is a resolved path (see
// resolve_profile); compiled-in profiles are read by their builtin: path.
// Every file read, top level and includes, must pass profile_file_problem.
// Without `found_by`, a compiled-in profile counts as found by NAME and a
// file as given by path.
Profile load_profile(const std::string& path, const HostFacts& host, const ProfileReader& read, FoundBy found_by);
Profile load_profile(const std::string& path, const HostFacts& host, const ProfileReader& read);

// Parses and merges from text already in memory (used by load_profile and
// tests); `path` is only where the text is said to come from.
Profile load_profile_text(const std::string& text, const std::string& path, const HostFacts& host,
                          const ProfileReader& read, FoundBy found_by = FoundBy::Path);

// Why a profile file read as `file` may not be used by the user `uid`, or
// nullopt when it may (or when it does not exist: ENOENT, ENOTDIR). A
// profile must be readable, a regular file (symlinks to one are followed:
// the facts are those of the file reached), owned by the user or by root,
// writable by nobody else (no group or world write bit), and have one name
// only (no other hard link).
std::optional<std::string> profile_file_problem(const FileRead& file, uint32_t uid);

// A ProfileReader over `read` that reports every file it finds as a regular
// file of `uid`, mode 0644, and every other as missing: for tests and tools
// whose files come from memory.
ProfileReader trusting_reader(const FileReader& read, uint32_t uid);
// The same three through trusting_reader(read, host.uid).
std::string resolve_profile(const std::string& spec, const HostFacts& host, const FileReader& read);
Profile load_profile(const std::string& path, const HostFacts& host, const FileReader& read);
Profile load_profile_text(const std::string& text, const std::string& path, const HostFacts& host,
                          const FileReader& read);

// Expands ${HOME} ${USER} ${UID} ${GID} ${PWD} ${XDG_RUNTIME_DIR}
// ${XDG_CONFIG_HOME} ${XDG_DATA_HOME} ${PROFILE}; "$$" is a literal '$'.
// Throws Usage at `loc` for an unknown variable or an unterminated "${".
std::string expand_variables(const std::string& text, const HostFacts& host, const std::string& profile_name,
                             const SourceLoc& loc);

// "64M", "1G", "4096" (bytes; K/M/G/T are powers of 1024, an optional "iB"
// or "B" suffix allowed). Throws Usage at `loc` for negatives, junk,
// overflow, and for 0 unless `allow_zero`.
uint64_t parse_size(const std::string& text, const SourceLoc& loc, bool allow_zero = false);

// "25%" -> 25: a tmpfs size as a share of the host's memory, 1 to 100.
// nullopt when `text` does not end in '%'; throws Usage at `loc` for a bad
// number before it.
std::optional<uint32_t> parse_size_percent(const std::string& text, const SourceLoc& loc);

// "0755", "755", "1777": octal, at most 07777. Throws Usage at `loc` otherwise.
uint32_t parse_mode(const std::string& text, const SourceLoc& loc);

}  // namespace sbx::core
