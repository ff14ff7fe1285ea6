// kinds.cpp — see kinds.hpp.
#include "core/kinds.hpp"

namespace sbx::core {
std::optional<MountKind> mount_kind_from_name(std::string_view name) {
    for (const MountKindName& known : kMountKindNames)
        if (known.in_profiles && known.name == name) return known.kind;
    return std::nullopt;
}

const char* mount_kind_name(MountKind kind) {
    for (const MountKindName& known : kMountKindNames)
        if (known.kind == kind) return known.name;
    return "?";
}

std::optional<Rlimit> rlimit_from_name(std::string_view name) {
    for (const RlimitName& known : kRlimitNames)
        if (known.name == name) return known.resource;
    return std::nullopt;
}

const char* rlimit_name(Rlimit resource) {
    for (const RlimitName& known : kRlimitNames)
        if (known.resource == resource) return known.name;
    return "?";
}

}  // namespace sbx::core
