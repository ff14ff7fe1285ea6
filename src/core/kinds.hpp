// kinds.hpp — the kinds a profile and a plan share, each with its one table
// of names (as profiles, --dry-run and error messages spell them): a
// mount's kind and a resource limit. Pure.
#pragma once

#include <optional>
#include <string_view>

namespace sbx::core {

// What a [[mount]] entry (or --bind...) asks for and what a MountOp does.
// The last three are parts of a `dev` or `proc` op that finish_plan adds
// after it, so that the plan lists every mount the launch makes; profiles
// cannot name them.
enum class MountKind {
    Bind,
    RoBind,
    DevBind,
    Tmpfs,
    Proc,
    Dev,
    Mqueue,
    Dir,
    Symlink,
    File,
    DevNode,  // a host device node bound into a `dev` tmpfs (nosuid, noexec)
    Devpts,   // a new devpts instance (the sandbox's own ptys)
    RoCover,  // a read-only copy of a path of the sandbox stacked on itself (/proc/sys)
};

struct MountKindName {
    MountKind kind;
    const char* name;  // the [[mount]] `type`; what --dry-run prints
    bool in_profiles;  // a [[mount]] may ask for it
};
inline constexpr MountKindName kMountKindNames[] = {
    {MountKind::Bind, "bind", true},         {MountKind::RoBind, "ro-bind", true},
    {MountKind::DevBind, "dev-bind", true},  {MountKind::Tmpfs, "tmpfs", true},
    {MountKind::Proc, "proc", true},         {MountKind::Dev, "dev", true},
    {MountKind::Mqueue, "mqueue", true},     {MountKind::Dir, "dir", true},
    {MountKind::Symlink, "symlink", true},   {MountKind::File, "file", true},
    {MountKind::DevNode, "dev-node", false}, {MountKind::Devpts, "devpts", false},
    {MountKind::RoCover, "ro-cover", false},
};

// "bind", "ro-bind", ... as a profile may write them; nullopt for an
// unknown name or one only sbx itself adds ("dev-node").
std::optional<MountKind> mount_kind_from_name(std::string_view name);
const char* mount_kind_name(MountKind kind);

// A bind of a host path (bind, ro-bind, dev-bind): what has a host source.
constexpr bool is_bind(MountKind kind) {
    return kind == MountKind::Bind || kind == MountKind::RoBind || kind == MountKind::DevBind;
}

// The [limits] a profile may set with setrlimit.
enum class Rlimit { Nofile, Nproc, As, Cpu, Fsize, Core, Stack, Memlock };

struct RlimitName {
    Rlimit resource;
    const char* name;  // the [limits] key
    bool bytes;        // a size: accepts "64M"-style values
};
inline constexpr RlimitName kRlimitNames[] = {
    {Rlimit::Nofile, "nofile", false}, {Rlimit::Nproc, "nproc", false},    {Rlimit::As, "as", true},
    {Rlimit::Cpu, "cpu", false},       {Rlimit::Fsize, "fsize", true},     {Rlimit::Core, "core", true},
    {Rlimit::Stack, "stack", true},    {Rlimit::Memlock, "memlock", true},
};

std::optional<Rlimit> rlimit_from_name(std::string_view name);
const char* rlimit_name(Rlimit resource);

}  // namespace sbx::core
