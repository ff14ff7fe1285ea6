// The seccomp rule list: the default policy (every family of rules), the
// profile's allow / deny / log / nested-userns / policy = "none", argument
// covers checked value by value, and the exact errors for bad entries.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <random>
#include <set>

#include "core/profile.hpp"
#include "core/seccomp_policy.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

using Args = std::array<uint64_t, 6>;

SeccompSpec spec_of(const std::string& toml) {
    return load_profile_text(toml, "/p/test.toml", test::sample_host(), test::no_files()).seccomp;
}

SeccompPlan plan_of(const std::string& toml) { return build_seccomp_plan(spec_of(toml)); }

std::string error_of(const std::string& toml) {
    try {
        plan_of(toml);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        return e.what();
    }
    return "(no error)";
}

bool matches(const SeccompRule& rule, const Args& args) {
    return std::all_of(rule.conditions.begin(), rule.conditions.end(),
                       [&](const SeccompCondition& c) { return (args[c.arg] & c.mask) == c.value; });
}

// What the filter does with one call: the matching rules' outcome as
// "EPERM", "ENOSYS", "kill", "log", or "allow" when none matches. Rules
// that match the same call must agree (libseccomp could not order them).
std::string outcome(const SeccompPlan& plan, const std::string& syscall, const Args& args = {}) {
    std::set<std::string> seen;
    for (const auto& rule : plan.rules) {
        if (rule.syscall != syscall || !matches(rule, args)) continue;
        switch (rule.action) {
        case SeccompAction::Errno: seen.insert(errno_name(rule.error)); break;
        case SeccompAction::Kill: seen.insert("kill"); break;
        case SeccompAction::Log: seen.insert("log"); break;
        }
    }
    if (seen.empty()) return "allow";
    REQUIRE(seen.size() == 1);
    return *seen.begin();
}

size_t rules_for(const SeccompPlan& plan, const std::string& syscall) {
    return static_cast<size_t>(std::count_if(plan.rules.begin(), plan.rules.end(),
                                             [&](const SeccompRule& r) { return r.syscall == syscall; }));
}

constexpr uint64_t kNewUser = 0x10000000, kNewNs = 0x00020000, kSigchld = 17;
constexpr uint64_t kTiocsti = 0x5412, kTioclinux = 0x541C, kTiocgwinsz = 0x5413;
constexpr uint64_t kTiocsetd = 0x5423, kTiocexcl = 0x540C, kTiocnxcl = 0x540D, kTioccons = 0x541D;
constexpr uint64_t kTiocgetd = 0x5424, kTiocgexcl = 0x80045440;

struct Case {
    const char* syscall;
    Args args;
    const char* want;
};

const Case kDefaultCases[] = {
    {"add_key", {}, "EPERM"},
    {"keyctl", {}, "EPERM"},
    {"request_key", {}, "EPERM"},
    {"init_module", {}, "EPERM"},
    {"finit_module", {}, "EPERM"},
    {"delete_module", {}, "EPERM"},
    {"kexec_load", {}, "EPERM"},
    {"kexec_file_load", {}, "EPERM"},
    {"bpf", {}, "EPERM"},
    {"perf_event_open", {}, "EPERM"},
    {"userfaultfd", {}, "EPERM"},
    {"ptrace", {16, 1}, "EPERM"},
    {"process_vm_readv", {}, "EPERM"},
    {"process_vm_writev", {}, "EPERM"},
    {"pidfd_getfd", {}, "EPERM"},
    {"acct", {}, "EPERM"},
    {"swapon", {}, "EPERM"},
    {"swapoff", {}, "EPERM"},
    {"reboot", {}, "EPERM"},
    {"settimeofday", {}, "EPERM"},
    {"clock_settime", {}, "EPERM"},
    {"clock_adjtime", {}, "EPERM"},
    {"adjtimex", {}, "EPERM"},
    {"stime", {}, "EPERM"},
    {"mount", {}, "EPERM"},
    {"umount", {}, "EPERM"},
    {"umount2", {}, "EPERM"},
    {"pivot_root", {}, "EPERM"},
    {"open_tree", {}, "ENOSYS"},
    {"move_mount", {}, "ENOSYS"},
    {"fsopen", {}, "ENOSYS"},
    {"fsconfig", {}, "ENOSYS"},
    {"fsmount", {}, "ENOSYS"},
    {"fspick", {}, "ENOSYS"},
    {"mount_setattr", {}, "ENOSYS"},
    {"clone3", {}, "ENOSYS"},
    {"unshare", {kNewUser}, "EPERM"},
    {"unshare", {kNewUser | kNewNs}, "EPERM"},
    {"unshare", {kNewNs}, "allow"},
    {"clone", {kNewUser | kSigchld}, "EPERM"},
    {"clone", {kSigchld}, "allow"},
    {"socket", {17, 3}, "EAFNOSUPPORT"},                     // AF_PACKET
    {"socket", {38, 5}, "EAFNOSUPPORT"},                     // AF_ALG
    {"socket", {40, 1}, "EAFNOSUPPORT"},                     // AF_VSOCK
    {"socket", {0}, "EAFNOSUPPORT"},                         // AF_UNSPEC
    {"socket", {46}, "EAFNOSUPPORT"},                        // AF_MAX and beyond
    {"socket", {(uint64_t{1} << 32) | 17}, "EAFNOSUPPORT"},  // high bits ignored by the kernel
    {"socket", {1, 1}, "allow"},
    {"socket", {2, 1}, "allow"},
    {"socket", {10, 2}, "allow"},
    {"socket", {16, 3}, "allow"},
    {"ioctl", {0, kTiocsti}, "EPERM"},
    {"ioctl", {0, (uint64_t{1} << 32) | kTiocsti}, "EPERM"},  // CVE-2019-10063
    {"ioctl", {0, 0xffffffff00000000 | kTioclinux}, "EPERM"},
    {"ioctl", {0, kTiocgwinsz}, "allow"},
    {"ioctl", {0, kTiocsetd}, "EPERM"},
    {"ioctl", {0, (uint64_t{1} << 32) | kTiocsetd}, "EPERM"},
    {"ioctl", {0, kTiocexcl}, "EPERM"},
    {"ioctl", {0, 0xffffffff00000000 | kTiocexcl}, "EPERM"},
    {"ioctl", {0, kTiocnxcl}, "EPERM"},
    {"ioctl", {0, (uint64_t{1} << 40) | kTiocnxcl}, "EPERM"},
    {"ioctl", {0, kTioccons}, "EPERM"},
    {"ioctl", {0, (uint64_t{1} << 32) | kTioccons}, "EPERM"},
    {"ioctl", {0, kTiocgetd}, "allow"},   // reading the line discipline is harmless
    {"ioctl", {0, kTiocgexcl}, "allow"},  // so is reading the exclusive mode
    {"ioctl", {0, 0x5401}, "allow"},      // TCGETS
    {"ioctl", {0, 0x5402}, "allow"},      // TCSETS: a program may set its own terminal's mode
    {"personality", {0xffff}, "EPERM"},
    {"personality", {0x0040000}, "EPERM"},  // ADDR_NO_RANDOMIZE
    {"personality", {0x0400000}, "EPERM"},  // READ_IMPLIES_EXEC
    {"personality", {0}, "allow"},
    {"personality", {0xffffffff}, "allow"},
    {"syslog", {}, "EPERM"},
    {"name_to_handle_at", {}, "EPERM"},
    {"open_by_handle_at", {}, "EPERM"},
    {"iopl", {}, "EPERM"},
    {"ioperm", {}, "EPERM"},
    {"modify_ldt", {}, "EPERM"},
    {"move_pages", {}, "EPERM"},
    {"mbind", {}, "EPERM"},
    {"migrate_pages", {}, "EPERM"},
    {"io_uring_setup", {}, "ENOSYS"},
    {"nfsservctl", {}, "EPERM"},
    {"vhangup", {}, "EPERM"},
    {"quotactl", {}, "EPERM"},
    {"lookup_dcookie", {}, "EPERM"},
    {"uselib", {}, "EPERM"},
    {"_sysctl", {}, "EPERM"},
    {"read", {}, "allow"},
    {"execve", {}, "allow"},
    {"chroot", {}, "allow"},
};

// Values worth trying for a 32-bit argument: every value below 2^18, every
// one- and two-bit value, all-ones and its neighbours, random ones; each
// also with high bits set (which the kernel drops).
std::vector<uint64_t> sample_values() {
    std::vector<uint64_t> v;
    for (uint64_t x = 0; x < (1u << 18); ++x) v.push_back(x);
    for (unsigned i = 0; i < 32; ++i)
        for (unsigned j = i; j < 32; ++j) v.push_back((uint64_t{1} << i) | (uint64_t{1} << j));
    for (uint64_t x : {0xffffffffull, 0xfffffffeull, 0x7fffffffull, 0x20008ull, 0xfffdfff7ull}) v.push_back(x);
    std::mt19937_64 rng(42);
    for (int i = 0; i < 20000; ++i) v.push_back(rng() & 0xffffffff);
    const size_t n = v.size();
    for (size_t i = 0; i < n; i += 97) v.push_back(v[i] | 0xabcd000000000000ull);
    return v;
}

}  // namespace

TEST_CASE("seccomp: the default policy has a rule for each family", "[seccomp]") {
    const SeccompPlan plan = plan_of("");
    REQUIRE(plan.enabled);
    for (const auto& c : kDefaultCases) {
        INFO(c.syscall << " arg0=0x" << std::hex << c.args[0] << " arg1=0x" << c.args[1]);
        CHECK(outcome(plan, c.syscall, c.args) == c.want);
    }
}

TEST_CASE("seccomp: every default rule names a known system call and has a reason", "[seccomp]") {
    for (const auto& rule : plan_of("").rules) {
        INFO(rule.syscall);
        CHECK(!rule.reason.empty());
        CHECK(rule.action == SeccompAction::Errno);
        for (const auto& c : rule.conditions) CHECK(c.arg < 6);
    }
    // allow = [every name] is accepted: each is a libseccomp name.
    std::string names;
    for (const auto& rule : plan_of("").rules) names += "\"" + rule.syscall + "\",";
    CHECK(plan_of("[seccomp]\nallow = [" + names + "]\n").rules.empty());
}

TEST_CASE("seccomp: personality allows exactly the harmless values (low 32 bits)", "[seccomp]") {
    const SeccompPlan plan = plan_of("");
    const std::set<uint64_t> allowed = {0, 0x8, 0x20000, 0x20008, 0xffffffff};
    size_t checked = 0;
    for (uint64_t x : sample_values()) {
        const bool ok = allowed.count(x & 0xffffffff) != 0;
        if ((outcome(plan, "personality", {x}) == "allow") != ok) FAIL("personality(0x" << std::hex << x << ")");
        ++checked;
    }
    CHECK(checked > 250000);
}

TEST_CASE("seccomp: socket allows exactly unix, inet, inet6, netlink (low 32 bits)", "[seccomp]") {
    const SeccompPlan plan = plan_of("");
    for (uint64_t x : sample_values()) {
        const uint64_t family = x & 0xffffffff;
        const bool ok = family == 1 || family == 2 || family == 10 || family == 16;
        if ((outcome(plan, "socket", {x, 1}) == "allow") != ok) FAIL("socket(0x" << std::hex << x << ")");
    }
}

TEST_CASE("seccomp: cover_outside covers exactly the complement", "[seccomp]") {
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        std::vector<uint32_t> allowed;
        const int n = 1 + round % 6;
        for (int i = 0; i < n; ++i) allowed.push_back(static_cast<uint32_t>(round % 2 ? rng() : rng() % 64));
        const auto cubes = cover_outside(allowed);
        const auto covered = [&](uint32_t x) {
            return std::any_of(cubes.begin(), cubes.end(), [&](const BitCube& c) { return (x & c.first) == c.second; });
        };
        for (uint32_t a : allowed) CHECK_FALSE(covered(a));
        for (int i = 0; i < 5000; ++i) {
            const uint32_t x = i < 256 ? static_cast<uint32_t>(i) : static_cast<uint32_t>(rng());
            const bool in = std::find(allowed.begin(), allowed.end(), x) != allowed.end();
            if (covered(x) == in) FAIL("value 0x" << std::hex << x);
        }
    }
}

TEST_CASE("seccomp: allow removes every default rule for the names", "[seccomp]") {
    const SeccompPlan base = plan_of("");
    const SeccompPlan plan = plan_of("[seccomp]\nallow = [\"keyctl\", \"socket\", \"ptrace\"]\n");
    CHECK(rules_for(base, "socket") > 1);
    CHECK(rules_for(plan, "keyctl") == 0);
    CHECK(rules_for(plan, "socket") == 0);
    CHECK(rules_for(plan, "ptrace") == 0);
    CHECK(plan.rules.size() == base.rules.size() - 2 - rules_for(base, "socket"));
    CHECK(outcome(plan, "add_key") == "EPERM");
    // Allowing a call the policy does not filter changes nothing.
    CHECK(plan_of("[seccomp]\nallow = [\"read\"]\n").rules.size() == base.rules.size());
}

TEST_CASE("seccomp: deny adds rules with EPERM, a named errno or kill", "[seccomp]") {
    const SeccompPlan plan =
        plan_of("[seccomp]\ndeny = [\"getcwd\", \"chdir:EACCES\", \"keyctl:kill\", \"uname:ENOSYS\"]\n");
    CHECK(outcome(plan, "getcwd") == "EPERM");
    CHECK(outcome(plan, "chdir") == "EACCES");
    CHECK(outcome(plan, "keyctl") == "kill");
    CHECK(outcome(plan, "uname") == "ENOSYS");
    // An entry replaces the earlier rules for its name: one keyctl rule.
    CHECK(rules_for(plan, "keyctl") == 1);
    const auto& last = plan.rules.back();
    CHECK(last.syscall == "uname");
    CHECK(last.error == ENOSYS);
    CHECK(last.reason == "seccomp.deny at /p/test.toml:2:50");
    // deny after allow: the deny wins.
    CHECK(outcome(plan_of("[seccomp]\nallow = [\"ptrace\"]\ndeny = [\"ptrace:EIO\"]\n"), "ptrace") == "EIO");
    // A conditional default replaced by an unconditional deny.
    CHECK(outcome(plan_of("[seccomp]\ndeny = [\"socket\"]\n"), "socket", {1}) == "EPERM");
}

TEST_CASE("seccomp: log = true turns every action into log", "[seccomp]") {
    const SeccompPlan plan = plan_of("[seccomp]\nlog = true\ndeny = [\"getcwd:kill\"]\n");
    REQUIRE(!plan.rules.empty());
    CHECK(std::all_of(plan.rules.begin(), plan.rules.end(),
                      [](const SeccompRule& r) { return r.action == SeccompAction::Log; }));
    CHECK(outcome(plan, "getcwd") == "log");
    CHECK(outcome(plan, "socket", {17}) == "log");
    CHECK(plan.rules.size() == plan_of("").rules.size() + 1);
}

TEST_CASE("seccomp: nested-userns = true drops only the CLONE_NEWUSER rules", "[seccomp]") {
    const SeccompPlan base = plan_of("");
    const SeccompPlan plan = plan_of("[seccomp]\nnested-userns = true\n");
    CHECK(outcome(plan, "unshare", {kNewUser}) == "allow");
    CHECK(outcome(plan, "clone", {kNewUser | kSigchld}) == "allow");
    CHECK(outcome(plan, "clone3") == "ENOSYS");  // glibc falls back to clone
    CHECK(plan.rules.size() == base.rules.size() - 2);
    CHECK(plan_of("[seccomp]\nnested-userns = false\n").rules.size() == base.rules.size());
}

TEST_CASE("seccomp: policy = \"none\" disables the filter", "[seccomp]") {
    const SeccompPlan plan = plan_of("[seccomp]\npolicy = \"none\"\ndeny = [\"getcwd\"]\n");
    CHECK_FALSE(plan.enabled);
    CHECK(plan.rules.empty());
    CHECK(plan_of("[seccomp]\npolicy = \"default\"\n").enabled);
    // Names are checked all the same.
    CHECK(error_of("[seccomp]\npolicy = \"none\"\nallow = [\"nosuch\"]\n") ==
          "/p/test.toml:3:10: unknown system call \"nosuch\" in `seccomp.allow`");
}

TEST_CASE("seccomp: bad names, forms and errnos are errors at the entry", "[seccomp]") {
    const std::string form = ": expected \"NAME\", \"NAME:ERRNO\" (e.g. \"ptrace:EACCES\") or \"NAME:kill\"";
    const std::pair<std::string, std::string> cases[] = {
        {"[seccomp]\nallow = [\"foo\"]\n", "/p/test.toml:2:10: unknown system call \"foo\" in `seccomp.allow`"},
        {"[seccomp]\nallow = [\"read\", \"\"]\n", "/p/test.toml:2:18: unknown system call \"\" in `seccomp.allow`"},
        {"[seccomp]\ndeny = [\"foo\"]\n", "/p/test.toml:2:9: unknown system call \"foo\" in `seccomp.deny`"},
        {"[seccomp]\ndeny = [\"foo:EPERM\"]\n", "/p/test.toml:2:9: unknown system call \"foo\" in `seccomp.deny`"},
        {"[seccomp]\ndeny = [\"\"]\n", "/p/test.toml:2:9: bad entry \"\" in `seccomp.deny`" + form},
        {"[seccomp]\ndeny = [\":EPERM\"]\n", "/p/test.toml:2:9: bad entry \":EPERM\" in `seccomp.deny`" + form},
        {"[seccomp]\ndeny = [\"keyctl:\"]\n", "/p/test.toml:2:9: bad entry \"keyctl:\" in `seccomp.deny`" + form},
        {"[seccomp]\ndeny = [\"keyctl:EPERM:x\"]\n",
         "/p/test.toml:2:9: bad entry \"keyctl:EPERM:x\" in `seccomp.deny`" + form},
        {"[seccomp]\ndeny = [\"keyctl:EFOO\"]\n",
         "/p/test.toml:2:9: unknown errno \"EFOO\" in `seccomp.deny` entry \"keyctl:EFOO\" (use a name such as "
         "EPERM, EACCES, ENOSYS, or \"kill\")"},
        {"[seccomp]\ndeny = [\"keyctl:KILL\"]\n",
         "/p/test.toml:2:9: unknown errno \"KILL\" in `seccomp.deny` entry \"keyctl:KILL\" (use a name such as "
         "EPERM, EACCES, ENOSYS, or \"kill\")"},
        {"[seccomp]\ndeny = [\"keyctl:13\"]\n",
         "/p/test.toml:2:9: unknown errno \"13\" in `seccomp.deny` entry \"keyctl:13\" (use a name such as "
         "EPERM, EACCES, ENOSYS, or \"kill\")"},
    };
    for (const auto& [toml, want] : cases) {
        INFO(toml);
        CHECK(error_of(toml) == want);
    }
}

TEST_CASE("seccomp: a name or entry with a newline or control character is escaped in the error", "[seccomp]") {
    // The message stays one line: the user's text cannot forge a second one.
    CHECK(error_of("[seccomp]\nallow = [\"re\\nad\"]\n") ==
          "/p/test.toml:2:10: unknown system call \"re\\nad\" in `seccomp.allow`");
    CHECK(error_of("[seccomp]\ndeny = [\"keyctl\\u0007\"]\n") ==
          "/p/test.toml:2:9: unknown system call \"keyctl\\x07\" in `seccomp.deny`");
    CHECK(error_of("[seccomp]\ndeny = [\"keyctl:E\\nX\"]\n") ==
          "/p/test.toml:2:9: unknown errno \"E\\nX\" in `seccomp.deny` entry \"keyctl:E\\nX\" (use a name such as "
          "EPERM, EACCES, ENOSYS, or \"kill\")");
    CHECK(error_of("[seccomp]\ndeny = [\"a:b:\\u001b[2J\"]\n").find('\x1b') == std::string::npos);
}

TEST_CASE("seccomp: errno names", "[seccomp]") {
    CHECK(errno_number("EPERM") == EPERM);
    CHECK(errno_number("EACCES") == EACCES);
    CHECK(errno_number("EAFNOSUPPORT") == EAFNOSUPPORT);
    CHECK_FALSE(errno_number("eperm"));
    CHECK(errno_name(ENOSYS) == "ENOSYS");
    CHECK(errno_name(4000) == "4000");
}

TEST_CASE("seccomp: strict-exec denies memfds without MFD_NOEXEC_SEAL and execveat(AT_EMPTY_PATH)", "[seccomp]") {
    constexpr uint64_t kCloexec = 0x1, kSealing = 0x2, kNoexecSeal = 0x8, kExec = 0x10, kEmptyPath = 0x1000;
    const SeccompPlan off = plan_of("");
    CHECK(outcome(off, "memfd_create", {0, kCloexec}) == "allow");
    CHECK(outcome(off, "execveat", {3, 0, 0, 0, kEmptyPath}) == "allow");

    const SeccompPlan strict = plan_of("[seccomp]\nstrict-exec = true\n");
    CHECK(outcome(strict, "memfd_create", {0, 0}) == "EPERM");
    CHECK(outcome(strict, "memfd_create", {0, kCloexec | kSealing}) == "EPERM");
    CHECK(outcome(strict, "memfd_create", {0, kCloexec | kExec}) == "EPERM");
    CHECK(outcome(strict, "memfd_create", {0, kNoexecSeal}) == "allow");
    CHECK(outcome(strict, "memfd_create", {0, kCloexec | kSealing | kNoexecSeal}) == "allow");
    // The high 32 bits of an unsigned int argument change nothing.
    CHECK(outcome(strict, "memfd_create", {0, 0xffffffff00000000 | kCloexec}) == "EPERM");
    CHECK(outcome(strict, "execveat", {3, 0, 0, 0, kEmptyPath}) == "EPERM");
    CHECK(outcome(strict, "execveat", {3, 0, 0, 0, kEmptyPath | 0x100}) == "EPERM");  // | AT_SYMLINK_NOFOLLOW
    CHECK(outcome(strict, "execveat", {3, 0, 0, 0, 0x100}) == "allow");               // a path: Landlock checks it
    CHECK(outcome(strict, "execve") == "allow");

    // allow cannot remove them; deny replaces them; log logs them.
    CHECK(outcome(plan_of("[seccomp]\nstrict-exec = true\nallow = [\"memfd_create\"]\n"), "memfd_create", {0, 0}) ==
          "EPERM");
    CHECK(outcome(plan_of("[seccomp]\nstrict-exec = true\ndeny = [\"memfd_create:kill\"]\n"), "memfd_create",
                  {0, kNoexecSeal}) == "kill");
    CHECK(outcome(plan_of("[seccomp]\nstrict-exec = true\nlog = true\n"), "execveat", {3, 0, 0, 0, kEmptyPath}) ==
          "log");
    for (const auto& rule : strict_exec_rules()) CHECK_THAT(rule.reason, Catch::StartsWith("strict-exec: "));
}

TEST_CASE("seccomp: strict-exec is a boolean and needs a filter", "[seccomp]") {
    CHECK_THAT(error_of("[seccomp]\nstrict-exec = 1\n"),
               Catch::StartsWith("/p/test.toml:2:15: `seccomp.strict-exec` must be true or false"));
    CHECK(error_of("[seccomp]\npolicy = \"none\"\nstrict-exec = true\n") ==
          "/p/test.toml:3:15: `seccomp.strict-exec = true` needs a seccomp filter, but `seccomp.policy` is \"none\"");
    CHECK(error_of("[seccomp]\npolicy = \"none\"\nstrict-exec = false\n") == "(no error)");
}
