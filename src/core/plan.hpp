// plan.hpp — the SandboxPlan: everything the launcher will do, decided
// before clone(). Pure data, free of TOML and argv, so that other front ends
// (a bwrap-style command line, a JSON plan file) can produce it too, and so
// that --dry-run can print exactly what will happen.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbx::core {

enum class MountKind { Bind, RoBind, DevBind, Tmpfs, Proc, Dev, Mqueue, Dir, Symlink, File };

const char* mount_kind_name(MountKind kind);

struct MountOp {
    MountKind kind = MountKind::Bind;
    std::string source;            // Bind/RoBind/DevBind: absolute host path; Symlink: link target
    std::string dest;              // absolute, normalised path inside the sandbox
    std::string content;           // File
    std::optional<uint64_t> size;  // Tmpfs
    uint32_t mode = 0755;          // Tmpfs, Dir, File (Dev uses 0755 for its tmpfs)
    bool optional = false;         // a missing source skips the op instead of failing
    bool create = false;           // a missing source directory is created (0700) on the host
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
};

}  // namespace sbx::core
