// kinds.hpp — the kinds a profile and a plan share, each with its one table
// of names (as profiles, --dry-run and error messages spell them): a
// mount's kind and a resource limit. Pure.
#pragma once

#include <optional>
#include <string_view>

namespace sbx::core {

// What a [[mount]] entry (or --bind...) asks for and what a MountOp does.
enum class MountKind { Bind, RoBind, DevBind, Tmpfs, Proc, Dev, Mqueue, Dir, Symlink, File };

struct MountKindName {
    MountKind kind;
    const char* name;  // the [[mount]] `type`
};
inline constexpr MountKindName kMountKindNames[] = {
    {MountKind::Bind, "bind"},     {MountKind::RoBind, "ro-bind"}, {MountKind::DevBind, "dev-bind"},
    {MountKind::Tmpfs, "tmpfs"},   {MountKind::Proc, "proc"},      {MountKind::Dev, "dev"},
    {MountKind::Mqueue, "mqueue"}, {MountKind::Dir, "dir"},        {MountKind::Symlink, "symlink"},
    {MountKind::File, "file"},
};

// "bind", "ro-bind", ...; nullopt for an unknown name.
std::optional<MountKind> mount_kind_from_name(std::string_view name);
const char* mount_kind_name(MountKind kind);

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
