// caps.cpp — see caps.hpp. Numbers from linux/capability.h (stable ABI).
#include "core/caps.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace sbx::core {
namespace {

constexpr std::array<std::string_view, 41> kNames = {
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
};

}  // namespace

std::optional<int> capability_number(std::string_view name) {
    std::string upper;
    for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string_view bare = upper;
    if (bare.starts_with("CAP_")) bare.remove_prefix(4);
    auto it = std::find(kNames.begin(), kNames.end(), bare);
    if (it == kNames.end()) return std::nullopt;
    return static_cast<int>(it - kNames.begin());
}

std::string capability_name(int number) {
    if (number < 0 || static_cast<size_t>(number) >= kNames.size()) return "CAP_" + std::to_string(number);
    return "CAP_" + std::string(kNames[static_cast<size_t>(number)]);
}

}  // namespace sbx::core
