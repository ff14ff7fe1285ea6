// landlock.cpp — applies the LandlockPlan with the raw Landlock system calls.
//
// The distribution's <linux/landlock.h> may predate the running kernel, so
// the rights and flags of later ABIs are defined here when missing, and the
// ruleset attribute is our own struct of the ABI-6 layout, passed with the
// size the running ABI knows (the kernel rejects a larger struct only when
// the extra bytes are not zero, but staying exact costs nothing).
#include "sandbox/landlock.hpp"

#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "log/log.hpp"
#include "sys/syscalls.hpp"
#include "sys/unique_fd.hpp"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

namespace sbx::sandbox {
namespace {

// struct landlock_ruleset_attr as of ABI 6.
struct RulesetAttr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;  // ABI 4; never handled: the network is the netns' job
    uint64_t scoped;              // ABI 6
};

// Sizes of struct landlock_ruleset_attr by ABI.
size_t ruleset_attr_size(int abi) {
    if (abi >= 6) return offsetof(RulesetAttr, scoped) + sizeof(uint64_t);
    if (abi >= 4) return offsetof(RulesetAttr, handled_access_net) + sizeof(uint64_t);
    return sizeof(uint64_t);
}

constexpr uint64_t kRead = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
constexpr uint64_t kExecute = LANDLOCK_ACCESS_FS_EXECUTE;
// Never MAKE_CHAR or MAKE_BLOCK: they are handled and so always denied.
constexpr uint64_t kWrite = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
                            LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                            LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM |
                            LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE;
constexpr uint64_t kDevice = LANDLOCK_ACCESS_FS_IOCTL_DEV;
// The rights that make sense on a regular file; the kernel refuses a rule
// on a file that names any directory right (EINVAL).
constexpr uint64_t kFileRights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
                                 LANDLOCK_ACCESS_FS_IOCTL_DEV;

// Every filesystem right the ABI knows: whatever a rule does not grant is denied.
uint64_t handled_fs(int abi) {
    uint64_t handled = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;  // ABI 1: EXECUTE .. MAKE_SYM
    if (abi >= 2) handled |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3) handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
    if (abi >= 5) handled |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    return handled;
}

uint64_t fs_rights(uint32_t access) {
    uint64_t rights = 0;
    if (access & core::kLandlockRead) rights |= kRead;
    if (access & core::kLandlockWrite) rights |= kWrite;
    if (access & core::kLandlockExecute) rights |= kExecute;
    if (access & core::kLandlockDevice) rights |= kDevice;
    return rights;
}

std::string hex(uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
    return buf;
}

// "read,write,execute,device-ioctl" for the debug log.
std::string access_names(uint32_t access) {
    std::string out;
    if (access & core::kLandlockRead) out += "read,";
    if (access & core::kLandlockWrite) out += "write,";
    if (access & core::kLandlockExecute) out += "execute,";
    if (access & core::kLandlockDevice) out += "device-ioctl,";
    if (!out.empty()) out.pop_back();
    return out;
}

// The kernel's Landlock ABI, or 0 when Landlock is not built in or not
// enabled at boot.
int landlock_abi() {
    const long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi >= 0) return static_cast<int>(abi);
    if (errno == ENOSYS || errno == EOPNOTSUPP) return 0;
    sys::throw_errno("landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)");
}

[[noreturn]] void throw_abi_too_old(int abi, uint32_t required) {
    const std::string found = abi == 0 ? "Landlock is not available (no Landlock ABI)"
                                       : "the kernel's Landlock ABI is " + std::to_string(abi);
    throw Error(ErrorKind::Setup,
                found + ", but the profile requires ABI " + std::to_string(required) +
                    " or later (landlock.min-abi); Landlock needs a kernel built with "
                    "CONFIG_SECURITY_LANDLOCK=y and \"landlock\" in the active LSMs (CONFIG_LSM or the "
                    "lsm= boot parameter, e.g. lsm=landlock,lockdown,yama,apparmor,bpf); lower or remove "
                    "landlock.min-abi to run with what the kernel has",
                ENOSYS);
}

void log_skipped(int abi, const core::LandlockPlan& plan) {
    if (abi < 2) spdlog::debug("landlock: ABI {} < 2: renames and links across directories are refused (EXDEV)", abi);
    if (abi < 3) spdlog::debug("landlock: ABI {} < 3: truncate is not restricted", abi);
    if (abi < 5) spdlog::debug("landlock: ABI {} < 5: device ioctls are not restricted", abi);
    if (plan.scoped && abi < 6)
        spdlog::debug(
            "landlock: ABI {} < 6: abstract unix socket connects and signals out of the sandbox are "
            "not restricted (scopes skipped)",
            abi);
}

// The rule's folder or file. A listed entry is opened without following
// any symlink: one swapped in since the listing would otherwise carry its
// execute right to wherever it points (a writable mount, say).
sys::UniqueFd open_rule_path(const core::LandlockPath& path) {
    if (!path.listed) return sys::UniqueFd(::open(path.path.c_str(), O_PATH | O_CLOEXEC));
    struct open_how how {};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    return sys::UniqueFd(static_cast<int>(::syscall(SYS_openat2, AT_FDCWD, path.path.c_str(), &how, sizeof how)));
}

// One rule for `path` (inside the sandbox). A path that does not exist
// (nothing is mounted there) is skipped: no rule only denies more.
bool add_path_rule(int ruleset, const core::LandlockPath& path, uint64_t handled) {
    sys::UniqueFd fd = open_rule_path(path);
    if (!fd) {
        if (errno == ENOENT || errno == ENOTDIR) {
            spdlog::debug("landlock: skip {} (does not exist in the sandbox)", path.path);
            return false;
        }
        // A symlink now (ELOOP), or no openat2 (ENOSYS, Linux < 5.6): no
        // rule, which only denies more.
        if (path.listed && (errno == ELOOP || errno == EXDEV || errno == ENOSYS)) {
            spdlog::debug("landlock: skip {} (listed entry: {})", path.path, std::strerror(errno));
            return false;
        }
        sys::throw_errno("landlock: open " + path.path + " (O_PATH)");
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) sys::throw_errno("landlock: fstat " + path.path);
    uint64_t rights = fs_rights(path.access) & handled;
    if (!S_ISDIR(st.st_mode)) rights &= kFileRights;
    if (rights == 0) {
        spdlog::debug("landlock: skip {} (no right the kernel handles)", path.path);
        return false;
    }
    struct landlock_path_beneath_attr attr {};
    attr.allowed_access = rights;
    attr.parent_fd = fd.get();
    if (::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, 0) != 0)
        sys::throw_errno("landlock_add_rule " + path.path + " access " + hex(rights));
    spdlog::debug("landlock: allow {} {}{} ({})", path.path, access_names(path.access),
                  S_ISDIR(st.st_mode) ? "" : " (a file: file rights only)", hex(rights));
    return true;
}

}  // namespace

sys::UniqueFd prepare_landlock(const core::LandlockPlan& plan) {
    if (!plan.enabled) {
        spdlog::debug("landlock: off (landlock.enabled = false)");
        return {};
    }
    const int abi = landlock_abi();
    if (static_cast<uint32_t>(abi) < plan.min_abi) throw_abi_too_old(abi, plan.min_abi);
    if (abi == 0) {
        spdlog::debug("landlock: not available in this kernel; skipped (best effort, landlock.min-abi = 0)");
        return {};
    }
    RulesetAttr attr{};
    attr.handled_access_fs = handled_fs(abi);
    if (plan.scoped && abi >= 6) attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
    spdlog::debug(
        "landlock: ABI {}; every filesystem right it knows is handled ({}), device nodes are never made; "
        "scopes: {}",
        abi, hex(attr.handled_access_fs),
        attr.scoped   ? "abstract unix sockets, signals"
        : plan.scoped ? "none (ABI < 6)"
                      : "off (scoped = false)");
    log_skipped(abi, plan);

    const long ruleset = ::syscall(SYS_landlock_create_ruleset, &attr, ruleset_attr_size(abi), 0U);
    if (ruleset < 0) sys::throw_errno("landlock_create_ruleset (handled " + hex(attr.handled_access_fs) + ")");
    sys::UniqueFd ruleset_fd(static_cast<int>(ruleset));
    size_t rules = 0;
    for (const core::LandlockPath& path : plan.paths)
        if (add_path_rule(ruleset_fd.get(), path, attr.handled_access_fs)) ++rules;
    spdlog::debug("landlock: ruleset of {} rules, for the target to restrict itself with", rules);
    return ruleset_fd;
}

}  // namespace sbx::sandbox
