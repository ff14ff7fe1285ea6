// plan.hpp — the SandboxPlan: everything the launcher will do, decided
// before clone(). Pure data, free of TOML and argv, so that other front ends
// (a bwrap-style command line, a JSON plan file) can produce it too, and so
// that --dry-run can print exactly what will happen.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/helpers.hpp"
#include "core/kinds.hpp"

namespace sbx::core {

struct MountOp {
    MountKind kind = MountKind::Bind;
    std::string source;            // Bind/RoBind/DevBind/DevNode: absolute host path; Symlink: link target
    std::string dest;              // absolute, normalised path inside the sandbox
    std::string content;           // File
    std::optional<uint64_t> size;  // Tmpfs; Dev: the size of its /dev/shm
    uint32_t mode = 0755;          // Tmpfs, Dir, File (Dev uses 0755 for its tmpfs)
    bool optional = false;         // a missing source (RoCover: dest) skips the op instead of failing
    bool create = false;           // a missing source directory is created (0700) on the host
    bool unsafe = false;           // the entry gave up the refusals of check_exposure
    bool workdir = false;          // Bind/RoBind: a project folder; refused when it is a shared one
    bool implied = false;          // part of the dev/proc op before it (bwrap's --dev/--proc make it too)
    bool regular_file = false;     // Bind/RoBind: the source must still be a regular file when bound (a file argument)
    bool glob = false;             // Bind*: `source` ends in a pattern; finish_plan binds each match instead
    std::string matched;           // Bind*: the pattern (`glob` source) this bind's source matched
    std::string origin;            // "file:line:col" of the profile entry or "command line"
};

// One line of uid_map / gid_map: `inside` maps to `outside`, count 1.
struct IdMapping {
    uint32_t inside = 0;
    uint32_t outside = 0;
};

// Which namespaces are new. User and mount namespaces are always new.
struct NamespacePlan {
    bool net = true;
    bool pid = true;
    bool ipc = true;
    bool uts = true;
    bool cgroup = true;
};

// ---- hardening (issue 3)

// One seccomp rule: when `syscall` is called and every condition holds,
// take `action`. Conditions compare (argument & mask) == value; a mask of
// 0xffffffff compares the low 32 bits only (ioctl requests: CVE-2019-10063).
struct SeccompCondition {
    unsigned arg = 0;  // 0..5
    uint64_t mask = ~uint64_t{0};
    uint64_t value = 0;
};
enum class SeccompAction { Errno, Kill, Log };
struct SeccompRule {
    std::string syscall;  // libseccomp name, e.g. "keyctl"
    SeccompAction action = SeccompAction::Errno;
    int error = 1;  // errno for Errno (EPERM by default)
    std::vector<SeccompCondition> conditions;
    std::string reason;  // shown by --dry-run
};
struct SeccompPlan {
    bool enabled = true;
    std::vector<SeccompRule> rules;  // the whole filter; anything not matched is allowed
    // Foreign syscall ABIs (x32, i386 on x86-64) get the same rules; ABIs the
    // filter cannot describe are killed.
};

// Landlock access rights, kernel-independent; the sandbox layer maps them to
// LANDLOCK_ACCESS_FS_* for the running ABI.
enum LandlockAccess : uint32_t {
    kLandlockRead = 1u << 0,     // read files, list directories
    kLandlockWrite = 1u << 1,    // write, create, remove, rename, truncate
    kLandlockExecute = 1u << 2,  // execute files
    kLandlockDevice = 1u << 3,   // ioctl on devices (ABI 5)
};
struct LandlockPath {
    std::string path;  // inside the sandbox, absolute
    uint32_t access = 0;
    // Derived from a listing of the host folder (an entry beside a writable
    // mount): opened without following symlinks, so that a symlink swapped in
    // after the listing cannot carry the right somewhere else.
    bool listed = false;
};
struct LandlockPlan {
    bool enabled = true;
    uint32_t min_abi = 0;  // > 0: fail closed below this ABI
    bool scoped = true;    // ABI 6: no abstract unix connects or signals out of the sandbox
    std::vector<LandlockPath> paths;
};

struct RlimitSetting {
    Rlimit resource = Rlimit::Nofile;
    uint64_t value = 0;  // soft and hard
};

struct CgroupPlan {
    std::optional<uint64_t> memory;  // memory.max, bytes
    std::optional<uint64_t> pids;    // pids.max
    std::optional<double> cpus;      // cpu.max = cpus * period
    bool required = false;           // fail closed without a delegated cgroup
    // Decided by finish_plan (core/cgroup_placement.hpp) from the host's
    // cgroup v2 hierarchy when a limit is set; the launch only executes it.
    std::string parent;               // the cgroup folder the launch creates sbx-<pid> in
    std::vector<std::string> enable;  // controllers enabled first in parent's cgroup.subtree_control
    std::string skip_reason;          // no parent, not required: "no delegated cgroup v2: ..." (warned at launch)
    bool any() const { return memory || pids || cpus; }
};

// The sandbox's own pseudo-terminal, proxied by the launcher, in place of
// the caller's terminal: a target holding the caller's terminal could read
// what is typed once sbx is in the background, or leave the terminal in a
// mode the shell cannot use (issue 9). Only the fds that are terminals are
// replaced; a pipe or a file is passed on as it is.
struct TerminalPlan {
    bool pty = false;                  // a pseudo-terminal inside, proxied by the launcher
    std::array<bool, 3> on_pty{};      // the target's fds 0-2 that are the inner pty
    std::array<bool, 3> caller_tty{};  // the caller's fds 0-2 that are terminals
    int outer = -1;                    // the caller's first terminal fd: its mode and size are copied inside
    bool raw_outer = false;            // stdin is a terminal: raw while sbx runs, its bytes go inside
    bool raw_keeps_opost = false;      // ... but its output processing stays: others write there (sbx | grep)
    int output_fd = -1;                // where the inner pty's output goes (1, 2, or the outer terminal)
    bool echo = true;                  // false: the input is not typed (a pipe, a file), so not echoed back
    bool opost = true;                 // false: the outer terminal, left cooked, does the output processing
    std::string why;                   // the decision, for --dry-run and --verbose
};

// [wayland] (core/wayland.hpp): the compositor's socket inside, either bound
// as it is or replaced by a listener of sbx's own that the compositor serves
// through wp_security_context_v1, so that it knows the client is sandboxed.
struct WaylandPlan {
    bool enabled = false;
    std::string display;                // WAYLAND_DISPLAY as the launcher has it
    std::string socket;                 // the compositor's socket on the host
    std::string dest;                   // the socket's path inside
    bool want_security_context = true;  // `security-context` (default true)
    bool security_context = false;      // decided by finish_plan: sbx's listener at dest, no bind
    std::string app_id;                 // the profile's name (the security context's app id)
    std::string why;                    // the decision, for --dry-run and --verbose
    std::string origin;                 // "file:line:col" of `enabled`
};

// The `x11` piece (core/x11.hpp): one display's socket and a cookie file
// written inside. The cookie itself is only in the File mount's content,
// never printed (describe says where it came from and how many bytes).
struct X11Plan {
    bool enabled = false;
    std::string host_display;       // $DISPLAY on the host, as it was
    unsigned display = 0;           // the host's display number
    unsigned inner = 0;             // the display number inside: DISPLAY=:inner
    std::string socket;             // the host's socket (bound to inner_socket)
    std::string inner_socket;       // /tmp/.X11-unix/X<inner>
    std::string xauthority_source;  // the host file read ("" when none was found)
    std::string xauthority;         // the file written inside ("" when no cookie)
    size_t cookie_bytes = 0;        // the cookie's length (MIT-MAGIC-COOKIE-1: 16)
    std::vector<std::string> why;   // each decision in words (--dry-run, --verbose)
};

// The `audio` piece (core/audio.hpp): the sockets found, each bound at its
// own path, and the Pulse cookie bound read-only.
struct AudioPlan {
    bool enabled = false;
    std::string pulse_socket;         // bound at the same path ("" when missing)
    std::string pulse_cookie_source;  // the host's cookie file ("" when none)
    std::string pulse_cookie;         // where it is inside
    std::string pipewire_socket;      // bound at the same path ("" when missing)
    std::vector<std::string> why;     // each decision and each skip (--dry-run, --verbose)
    std::string warning;              // no server at all: warned at launch, the sandbox still runs
};

// [dbus] (core/dbus.hpp): each bus the sandbox reaches through
// xdg-dbus-proxy, and the real bus sockets covered wherever a bind shows them.
struct BusProxyPlan {
    std::string bus;                 // "session" or "system"
    std::string address;             // the host bus the proxy connects to
    std::string socket_name;         // the proxy's socket in the instance folder ("bus", "system-bus")
    std::string dest;                // where that socket is bound inside
    std::vector<std::string> rules;  // "--talk=org.example.App", ... (--filter always)
};
struct DbusPlan {
    std::vector<BusProxyPlan> buses;       // empty: no bus inside
    std::vector<std::string> raw_sockets;  // host paths of the real buses' sockets
    std::vector<std::string> why;          // buses left out (no socket on the host), for --dry-run
};

struct SandboxPlan {
    std::string profile_name;
    std::vector<std::string> profile_files;  // every profile file read, top-level first

    NamespacePlan ns;
    IdMapping uid;
    IdMapping gid;
    std::vector<MountOp> mounts;    // applied in this order; parents before children
    std::vector<MountOp> skipped;   // optional binds whose source is missing
    std::string hostname;           // set when ns.uts; empty otherwise
    std::string chdir;              // absolute path inside the sandbox
    std::vector<std::string> env;   // "NAME=value", the target's whole environment
    std::vector<std::string> argv;  // argv[0] is looked up in the sandbox's PATH
    bool new_session = true;        // setsid(): the target cannot reach the launching terminal
    bool die_with_parent = true;    // PR_SET_PDEATHSIG(SIGKILL)

    TerminalPlan terminal;
    std::vector<std::string> keep_caps;  // capability names kept inside the namespace ("CAP_CHOWN")
    SeccompPlan seccomp;
    LandlockPlan landlock;
    std::vector<RlimitSetting> rlimits;
    uint64_t timeout = 0;     // seconds; 0 = none
    uint64_t kill_after = 5;  // seconds from SIGTERM to SIGKILL at the timeout
    CgroupPlan cgroup;
    WaylandPlan wayland;
    X11Plan x11;
    AudioPlan audio;
    DbusPlan dbus;
    // Started on the host before the target runs, gone with the sandbox
    // (core/helpers.hpp, src/sandbox/helpers.hpp).
    std::vector<HelperPlan> helpers;
    InstancePlan instance;  // the sandbox's own host folder, when a helper needs one
    // Host paths the sandbox must never be able to write (sbx's own config,
    // profile and state folders), whether they exist yet or not.
    std::vector<std::string> protected_paths;
    // Host paths that decide what a later launch does: sbx's config folders
    // (profiles are looked up there) and every profile file this launch
    // read. No writable bind may expose one of them, its contents or an
    // ancestor (see check_exposure).
    std::vector<std::string> launch_inputs;
    // What `file-arguments` decided for each argument that names something
    // (core/file_arguments.hpp): bound, left alone and why. --dry-run.
    std::vector<std::string> file_arguments;
};

}  // namespace sbx::core
