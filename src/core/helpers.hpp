// helpers.hpp — the plan side of helper processes: programs sbx starts on
// the host, outside the sandbox, before the target runs (xdg-dbus-proxy now;
// pasta, slirp4netns, a proxy relay and newuidmap later), and the
// per-sandbox host folder they keep their sockets in. Pure data plus the
// pure decisions about it; src/sandbox/helpers.* runs them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/host.hpp"

namespace sbx::core {

// How the launcher knows a helper is ready.
enum class HelperReady {
    // The helper writes one byte to the fd `sync_fd` (the write end of a
    // pipe) once it serves; the launcher reads it. The read end then goes
    // to the sandbox's PID 1, which holds it until the sandbox ends: the
    // helper sees the pipe break and exits (xdg-dbus-proxy's --fd).
    SyncByte,
};

struct HelperPlan {
    std::string name;               // "xdg-dbus-proxy": what messages call it
    std::string purpose;            // "D-Bus proxy (session bus)", for --dry-run
    std::string package;            // the Debian package to install when it is missing
    std::vector<std::string> argv;  // argv[0] is looked up in the launcher's PATH
    HelperReady ready = HelperReady::SyncByte;
    int sync_fd = 3;                   // the helper's fd number of its end of the sync pipe
    uint64_t ready_timeout_ms = 5000;  // then the launch fails, naming the helper
};

// The sandbox's own folder on the host, $XDG_RUNTIME_DIR/sbx/<name>, 0700,
// for what its helpers create (the proxy's socket). <name> is the
// launcher's pid; a file `instance` inside records "pid START_TIME" so that
// a later launch can tell a folder whose sandbox is gone (the pid dead, or
// reused by a process with another start time) and remove it. Issue 14's
// registry (sbx list) grows from here. Empty `dir`: this sandbox needs none.
struct InstancePlan {
    // $XDG_RUNTIME_DIR/sbx (0700, owned by the user); also set without a
    // `dir` when a bind shows it: the launch creates it before the cover.
    std::string root;
    std::string name;  // the launcher's pid, in decimal
    std::string dir;   // root + "/" + name
    bool any() const { return !dir.empty(); }
};

// The instance folder of this launch (host.pid), under `runtime_dir` (the
// real path of $XDG_RUNTIME_DIR).
InstancePlan instance_plan(const std::string& runtime_dir, uint32_t pid);

// True when `name`, an entry of InstancePlan::root, names an instance
// folder (a decimal pid, 1..4194304, no leading zero): the only entries a
// stale-folder cleanup may remove.
bool is_instance_name(const std::string& name);

// The contents of an instance's `instance` file, and its reading: the pid
// and the start time (field 22 of /proc/PID/stat, clock ticks since boot).
std::string instance_record(uint32_t pid, uint64_t start_time);
struct InstanceRecord {
    uint32_t pid = 0;
    uint64_t start_time = 0;
};
std::optional<InstanceRecord> parse_instance_record(const std::string& text);

// Field 22 (starttime) of a /proc/PID/stat text; nullopt when malformed.
// The command name (field 2) may hold spaces and ')': parsed from its last ')'.
std::optional<uint64_t> stat_start_time(const std::string& stat);

// Whether the folder of `record` belongs to a sandbox that is gone: its pid
// has no /proc/PID/stat (`stat_of` returns nullopt) or one with another
// start time.
bool instance_is_stale(const InstanceRecord& record, const std::optional<std::string>& stat_of_pid);

}  // namespace sbx::core
