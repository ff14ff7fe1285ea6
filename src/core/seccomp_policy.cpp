// seccomp_policy.cpp — the default seccomp policy and the profile's
// adjustments. See seccomp_policy.hpp.
//
// The default policy is a deny list (everything not matched is allowed), as
// in flatpak's setup_seccomp and firejail's @default, from which most entries
// come. Syscall names are checked against libseccomp's table (a pure lookup),
// so a typo in a profile is an error and never a rule that matches nothing.
#include "core/seccomp_policy.hpp"

#include "core/path.hpp"

#include <seccomp.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <functional>

#include "core/text.hpp"

namespace sbx::core {
namespace {

constexpr uint64_t kLow32 = 0xffffffffu;
constexpr uint64_t kCloneNewUser = 0x10000000;  // CLONE_NEWUSER (linux/sched.h)
constexpr uint64_t kMfdNoexecSeal = 0x0008;     // MFD_NOEXEC_SEAL (linux/memfd.h, Linux 6.3)
constexpr uint64_t kAtEmptyPath = 0x1000;       // AT_EMPTY_PATH (linux/fcntl.h)

// Linux errno names; values from <cerrno> (the kernel's, for the build's arch).
struct ErrnoName {
    std::string_view name;
    int number;
};
constexpr ErrnoName kErrnos[] = {
    {"EPERM", EPERM},
    {"ENOENT", ENOENT},
    {"ESRCH", ESRCH},
    {"EINTR", EINTR},
    {"EIO", EIO},
    {"ENXIO", ENXIO},
    {"E2BIG", E2BIG},
    {"ENOEXEC", ENOEXEC},
    {"EBADF", EBADF},
    {"ECHILD", ECHILD},
    {"EAGAIN", EAGAIN},
    {"ENOMEM", ENOMEM},
    {"EACCES", EACCES},
    {"EFAULT", EFAULT},
    {"EBUSY", EBUSY},
    {"EEXIST", EEXIST},
    {"EXDEV", EXDEV},
    {"ENODEV", ENODEV},
    {"ENOTDIR", ENOTDIR},
    {"EISDIR", EISDIR},
    {"EINVAL", EINVAL},
    {"ENFILE", ENFILE},
    {"EMFILE", EMFILE},
    {"ENOTTY", ENOTTY},
    {"ETXTBSY", ETXTBSY},
    {"EFBIG", EFBIG},
    {"ENOSPC", ENOSPC},
    {"ESPIPE", ESPIPE},
    {"EROFS", EROFS},
    {"EMLINK", EMLINK},
    {"EPIPE", EPIPE},
    {"EDOM", EDOM},
    {"ERANGE", ERANGE},
    {"EDEADLK", EDEADLK},
    {"ENAMETOOLONG", ENAMETOOLONG},
    {"ENOLCK", ENOLCK},
    {"ENOSYS", ENOSYS},
    {"ENOTEMPTY", ENOTEMPTY},
    {"ELOOP", ELOOP},
    {"ENOMSG", ENOMSG},
    {"EIDRM", EIDRM},
    {"ENODATA", ENODATA},
    {"ETIME", ETIME},
    {"ENOLINK", ENOLINK},
    {"EPROTO", EPROTO},
    {"EBADMSG", EBADMSG},
    {"EOVERFLOW", EOVERFLOW},
    {"EILSEQ", EILSEQ},
    {"EUSERS", EUSERS},
    {"ENOTSOCK", ENOTSOCK},
    {"EDESTADDRREQ", EDESTADDRREQ},
    {"EMSGSIZE", EMSGSIZE},
    {"EPROTOTYPE", EPROTOTYPE},
    {"ENOPROTOOPT", ENOPROTOOPT},
    {"EPROTONOSUPPORT", EPROTONOSUPPORT},
    {"ESOCKTNOSUPPORT", ESOCKTNOSUPPORT},
    {"EOPNOTSUPP", EOPNOTSUPP},
    {"ENOTSUP", ENOTSUP},
    {"EPFNOSUPPORT", EPFNOSUPPORT},
    {"EAFNOSUPPORT", EAFNOSUPPORT},
    {"EADDRINUSE", EADDRINUSE},
    {"EADDRNOTAVAIL", EADDRNOTAVAIL},
    {"ENETDOWN", ENETDOWN},
    {"ENETUNREACH", ENETUNREACH},
    {"ENETRESET", ENETRESET},
    {"ECONNABORTED", ECONNABORTED},
    {"ECONNRESET", ECONNRESET},
    {"ENOBUFS", ENOBUFS},
    {"EISCONN", EISCONN},
    {"ENOTCONN", ENOTCONN},
    {"ESHUTDOWN", ESHUTDOWN},
    {"ETOOMANYREFS", ETOOMANYREFS},
    {"ETIMEDOUT", ETIMEDOUT},
    {"ECONNREFUSED", ECONNREFUSED},
    {"EHOSTDOWN", EHOSTDOWN},
    {"EHOSTUNREACH", EHOSTUNREACH},
    {"EALREADY", EALREADY},
    {"EINPROGRESS", EINPROGRESS},
    {"ESTALE", ESTALE},
    {"EDQUOT", EDQUOT},
    {"ECANCELED", ECANCELED},
    {"EOWNERDEAD", EOWNERDEAD},
    {"ENOTRECOVERABLE", ENOTRECOVERABLE},
};

// ---- rule construction

SeccompRule rule(std::string syscall, int error, std::string reason, std::vector<SeccompCondition> conditions = {}) {
    SeccompRule r;
    r.syscall = std::move(syscall);
    r.action = SeccompAction::Errno;
    r.error = error;
    r.conditions = std::move(conditions);
    r.reason = std::move(reason);
    return r;
}

void add_each(std::vector<SeccompRule>& rules, std::initializer_list<const char*> names, int error,
              const std::string& reason) {
    for (const char* name : names) rules.push_back(rule(name, error, reason));
}

// One rule per cube: `syscall` with (arg & mask) == value, on the low 32 bits
// only (the kernel reads these arguments as int / unsigned int, so high bits
// must neither hide nor change a match).
void add_cubes(std::vector<SeccompRule>& rules, const std::string& syscall, unsigned arg,
               const std::vector<BitCube>& cubes, int error, const std::string& reason) {
    for (const auto& [mask, value] : cubes)
        rules.push_back(rule(syscall, error, reason, {SeccompCondition{arg, mask, value}}));
}

// personality(2) values that change nothing dangerous: PER_LINUX (0),
// PER_LINUX32 (0x0008), UNAME26 (0x0020000), both, and 0xffffffff (query).
// Every other value — ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, MMAP_PAGE_ZERO,
// foreign execution domains — is denied. Covered by 32 cubes: with the
// non-flag bits b0..b29 in a ring, {b_i = 1, b_i+1 = 0} catches every value
// with a non-flag bit set except all-ones (a non-constant ring of bits has a
// 1 followed by a 0); {b_0 = 1, flag = 0} catches all-non-flag-bits values.
std::vector<BitCube> personality_cubes() {
    constexpr uint32_t kFlags = 0x0008u | 0x0020000u;
    std::vector<uint32_t> others;
    for (uint32_t bit = 0; bit < 32; ++bit)
        if (!(kFlags & (1u << bit))) others.push_back(1u << bit);
    std::vector<BitCube> cubes;
    for (size_t i = 0; i < others.size(); ++i) {
        const uint32_t one = others[i], zero = others[(i + 1) % others.size()];
        cubes.emplace_back(one | zero, one);
    }
    for (uint32_t bit = 0; bit < 32; ++bit)
        if (kFlags & (1u << bit)) cubes.emplace_back(others[0] | (1u << bit), others[0]);
    return cubes;
}

// AF_UNIX, AF_INET, AF_INET6, AF_NETLINK (linux/socket.h).
const std::vector<uint32_t> kSocketFamilies = {1, 2, 10, 16};

// Rules that nested-userns = true leaves out.
std::vector<SeccompRule> nested_userns_rules() {
    const std::string reason = "no nested user namespaces (nested-userns = true allows them)";
    return {
        rule("unshare", EPERM, reason, {SeccompCondition{0, kCloneNewUser, kCloneNewUser}}),
        // The flags are argument 0 of clone on x86 and most arches (s390: 1).
        rule("clone", EPERM, reason, {SeccompCondition{0, kCloneNewUser, kCloneNewUser}}),
    };
}

std::vector<SeccompRule> default_rules(bool nested_userns) {
    std::vector<SeccompRule> rules;
    rules.reserve(160);  // 132 today: room for all, so that no reallocation moves them
    add_each(rules, {"add_key", "keyctl", "request_key"}, EPERM, "kernel keyrings are not namespaced");
    add_each(rules, {"init_module", "finit_module", "delete_module"}, EPERM, "kernel modules");
    add_each(rules, {"kexec_load", "kexec_file_load"}, EPERM, "kexec");
    add_each(rules, {"bpf"}, EPERM, "eBPF: kernel attack surface");
    add_each(rules, {"perf_event_open"}, EPERM, "profiling: side channels, kernel attack surface");
    add_each(rules, {"userfaultfd"}, EPERM, "userfaultfd: widens kernel race windows");
    add_each(rules, {"ptrace"}, EPERM, "debugging other processes (allow = [\"ptrace\"] to debug inside)");
    add_each(rules, {"process_vm_readv", "process_vm_writev", "pidfd_getfd"}, EPERM,
             "reaching into another process's memory or descriptors");
    add_cubes(rules, "personality", 0, personality_cubes(), EPERM,
              "personality: only PER_LINUX, PER_LINUX32, UNAME26 and the query");
    add_each(rules, {"acct"}, EPERM, "process accounting");
    add_each(rules, {"swapon", "swapoff"}, EPERM, "swap");
    add_each(rules, {"reboot"}, EPERM, "reboot");
    add_each(rules, {"settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime"}, EPERM,
             "setting the clock");
    add_each(rules, {"mount", "umount", "umount2", "pivot_root"}, EPERM, "mounts are made before the target runs");
    // ENOSYS, not EPERM: libc and tools then fall back to the older calls
    // filtered above (flatpak CVE-2021-41133).
    add_each(rules, {"open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr"}, ENOSYS,
             "new mount API (ENOSYS: callers fall back to mount)");
    // clone3 passes its flags in memory, out of a filter's reach; glibc
    // falls back to clone, whose flags are checked.
    add_each(rules, {"clone3"}, ENOSYS, "flags out of reach (ENOSYS: libc falls back to clone)");
    if (!nested_userns) {
        for (auto& r : nested_userns_rules()) rules.push_back(std::move(r));
    }
    add_cubes(rules, "socket", 0, cover_outside(kSocketFamilies), EAFNOSUPPORT,
              "socket families other than unix, inet, inet6, netlink");
    // Compared on the low 32 bits only: the kernel ignores the high bits of
    // the request, a filter on all 64 is bypassed (CVE-2019-10063).
    rules.push_back(rule("ioctl", EPERM, "TIOCSTI: typing into the terminal", {SeccompCondition{1, kLow32, 0x5412}}));
    rules.push_back(
        rule("ioctl", EPERM, "TIOCLINUX: console selection injection", {SeccompCondition{1, kLow32, 0x541C}}));
    // A terminal the target holds must stay usable by whoever holds it
    // after the sandbox: no other line discipline (TIOCSETD N_NULL leaves it
    // dead), no exclusive mode (later opens fail with EBUSY), no console
    // redirection.
    rules.push_back(
        rule("ioctl", EPERM, "TIOCSETD: changing the line discipline", {SeccompCondition{1, kLow32, 0x5423}}));
    rules.push_back(
        rule("ioctl", EPERM, "TIOCEXCL: taking the terminal exclusively", {SeccompCondition{1, kLow32, 0x540C}}));
    rules.push_back(
        rule("ioctl", EPERM, "TIOCNXCL: the exclusive mode stays as it is", {SeccompCondition{1, kLow32, 0x540D}}));
    rules.push_back(rule("ioctl", EPERM, "TIOCCONS: redirecting the console", {SeccompCondition{1, kLow32, 0x541D}}));
    add_each(rules, {"syslog"}, EPERM, "kernel log");
    add_each(rules, {"name_to_handle_at", "open_by_handle_at"}, EPERM, "file handles bypass the mount tree (shocker)");
    add_each(rules, {"iopl", "ioperm"}, EPERM, "raw I/O ports");
    add_each(rules, {"modify_ldt", "vm86", "vm86old"}, EPERM, "16-bit code: historic kernel info leaks");
    add_each(rules, {"move_pages", "mbind", "get_mempolicy", "set_mempolicy", "migrate_pages"}, EPERM,
             "NUMA memory operations");
    add_each(rules, {"io_uring_setup", "io_uring_enter", "io_uring_register"}, ENOSYS,
             "io_uring: kernel attack surface (ENOSYS: callers fall back)");
    add_each(rules, {"nfsservctl", "vhangup", "quotactl", "lookup_dcookie", "uselib", "_sysctl"}, EPERM,
             "obsolete or administrative");
    return rules;
}

// ---- the profile's entries

bool known_syscall(const std::string& name) {
    // Pure table lookup: a native number, or a pseudo number for a call
    // that exists on another ABI of the filter (stime on x86-64).
    return !name.empty() && seccomp_syscall_resolve_name(name.c_str()) != __NR_SCMP_ERROR;
}

void check_syscall(const Located<std::string>& entry, const std::string& name, const char* key) {
    if (!known_syscall(name)) fail_at(entry.loc, "unknown system call " + quoted(name) + " in `" + key + "`");
}

SeccompRule parse_deny(const Located<std::string>& entry) {
    const std::string& text = entry.value;
    const size_t colon = text.find(':');
    const std::string name = text.substr(0, colon);
    if (name.empty() || (colon != std::string::npos && text.find(':', colon + 1) != std::string::npos) ||
        (colon != std::string::npos && colon + 1 == text.size()))
        fail_at(entry.loc, "bad entry " + quoted(text) +
                               " in `seccomp.deny`: expected \"NAME\", \"NAME:ERRNO\" (e.g. \"ptrace:EACCES\") "
                               "or \"NAME:kill\"");
    check_syscall(entry, name, "seccomp.deny");
    SeccompRule r = rule(name, EPERM, "seccomp.deny at " + entry.loc.str());
    if (colon == std::string::npos) return r;
    const std::string action = text.substr(colon + 1);
    if (action == "kill") {
        r.action = SeccompAction::Kill;
        return r;
    }
    const auto number = errno_number(action);
    if (!number)
        fail_at(entry.loc, "unknown errno " + quoted(action) + " in `seccomp.deny` entry " + quoted(text) +
                               " (use a name such as EPERM, EACCES, ENOSYS, or \"kill\")");
    r.error = *number;
    return r;
}

void erase_rules_for(std::vector<SeccompRule>& rules, const std::string& name) {
    std::erase_if(rules, [&](const SeccompRule& r) { return r.syscall == name; });
}

}  // namespace

std::optional<int> errno_number(std::string_view name) {
    for (const auto& e : kErrnos)
        if (e.name == name) return e.number;
    return std::nullopt;
}

std::string errno_name(int number) {
    for (const auto& e : kErrnos)
        if (e.number == number) return std::string(e.name);
    return std::to_string(number);
}

std::vector<BitCube> cover_outside(const std::vector<uint32_t>& allowed) {
    const auto disjoint = [&](uint32_t mask, uint32_t value) {
        return std::none_of(allowed.begin(), allowed.end(), [&](uint32_t a) { return (a & mask) == value; });
    };
    // A decision tree on the bits, most significant first: a subtree that
    // holds no allowed value is one cube.
    std::vector<BitCube> cubes;
    std::function<void(uint32_t, uint32_t, int)> split = [&](uint32_t mask, uint32_t value, int bit) {
        if (disjoint(mask, value)) {
            cubes.emplace_back(mask, value);
            return;
        }
        if (bit < 0) return;  // a single allowed value
        const uint32_t b = 1u << bit;
        split(mask | b, value, bit - 1);
        split(mask | b, value | b, bit - 1);
    };
    split(0, 0, 31);
    // Widen each cube while it stays disjoint, then drop the ones inside another.
    for (auto& [mask, value] : cubes) {
        for (int bit = 31; bit >= 0; --bit) {
            const uint32_t b = 1u << bit;
            if ((mask & b) && disjoint(mask & ~b, value & ~b)) mask &= ~b, value &= ~b;
        }
    }
    std::vector<BitCube> out;
    for (const auto& c : cubes) {
        const bool inside_another = std::any_of(cubes.begin(), cubes.end(), [&](const BitCube& o) {
            return o != c && (c.first & o.first) == o.first && (c.second & o.first) == o.second;
        });
        if (!inside_another && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    }
    return out;
}

std::vector<SeccompRule> strict_exec_rules() {
    return {
        // A memfd is on no path Landlock knows: one made executable (the
        // default unless MFD_NOEXEC_SEAL; vm.memfd_noexec cannot be set from
        // inside a user namespace) runs whatever was written into it, through
        // fexecve or execve("/proc/self/fd/N"). With the seal its mode has no
        // x bits and can never get them. Flags are an unsigned int: the mask
        // keeps the comparison on the bit.
        rule("memfd_create", EPERM, "strict-exec: memfds only with MFD_NOEXEC_SEAL (never executable)",
             {SeccompCondition{1, kMfdNoexecSeal, 0}}),
        // fexecve(3) and execveat(fd, "", ..., AT_EMPTY_PATH) run a
        // descriptor, which may come from anywhere (a memfd made before the
        // sandbox, a descriptor passed in).
        rule("execveat", EPERM, "strict-exec: no execveat(AT_EMPTY_PATH) (fexecve)",
             {SeccompCondition{4, kAtEmptyPath, kAtEmptyPath}}),
    };
}

SeccompPlan build_seccomp_plan(const SeccompSpec& spec) {
    // Every name is checked, whatever the policy: a typo is never silent.
    for (const auto& entry : spec.allow) check_syscall(entry, entry.value, "seccomp.allow");
    std::vector<SeccompRule> denied;
    for (const auto& entry : spec.deny) denied.push_back(parse_deny(entry));

    const bool strict_exec = spec.strict_exec && spec.strict_exec->value;

    SeccompPlan plan;
    if (spec.policy && spec.policy->value == "none") {
        if (strict_exec)
            fail_at(spec.strict_exec->loc,
                    "`seccomp.strict-exec = true` needs a seccomp filter, but `seccomp.policy` is \"none\"");
        plan.enabled = false;
        return plan;
    }
    plan.rules = default_rules(spec.nested_userns && spec.nested_userns->value);
    for (const auto& entry : spec.allow) erase_rules_for(plan.rules, entry.value);
    if (strict_exec)
        for (auto& r : strict_exec_rules()) plan.rules.push_back(std::move(r));
    for (auto& r : denied) {
        erase_rules_for(plan.rules, r.syscall);
        plan.rules.push_back(std::move(r));
    }
    if (spec.log && spec.log->value) {
        for (auto& r : plan.rules) r.action = SeccompAction::Log;
    }
    return plan;
}

std::string seccomp_plan_key(const SeccompPlan& plan) {
    if (!plan.enabled) return "none\n";
    // Built on every launch (to find the precompiled filter): one buffer,
    // numbers written into it in place, not a temporary string each.
    std::string key;
    key.reserve(plan.rules.size() * 64);
    const auto number = [&key](auto n) {
        char digits[24];
        key.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
    };
    for (const auto& rule : plan.rules) {
        key += rule.syscall;
        switch (rule.action) {
        case SeccompAction::Errno:
            key += " errno ";
            number(rule.error);
            break;
        case SeccompAction::Kill: key += " kill"; break;
        case SeccompAction::Log: key += " log"; break;
        }
        for (const auto& c : rule.conditions) {
            key += ' ';
            number(c.arg);
            key += ':';
            number(c.mask);
            key += ':';
            number(c.value);
        }
        key += '\n';
    }
    return key;
}

}  // namespace sbx::core
