// seccomp.cpp — compiles a SeccompPlan with libseccomp, loads it or exports
// it as BPF.
//
// One filter for every syscall ABI the kernel runs on this machine: the
// native one plus its compat ABIs (i386 and x32 on x86-64, arm on aarch64),
// with the same rules; a system call from any other ABI kills the process.
// The rules are added by name with seccomp_rule_add, so libseccomp
// translates them for each ABI (numbers, socketcall multiplexing on i386).
#include "sandbox/seccomp.hpp"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "core/error.hpp"
#include "core/seccomp_policy.hpp"
#include "sandbox/precompiled_seccomp.hpp"
#include "sys/unique_fd.hpp"

namespace sbx::sandbox {
namespace {

[[noreturn]] void fail(const std::string& step, int rc) {
    // libseccomp returns -errno (SCMP_FLTATR_API_SYSRAWRC: the kernel's own).
    throw Error(ErrorKind::Setup, "seccomp: " + step + ": " + std::strerror(-rc), -rc);
}

struct Arch {
    uint32_t token;
    const char* name;
};

// The ABIs the filter covers: native first.
std::vector<Arch> filter_arches() {
    const uint32_t native = seccomp_arch_native();
    switch (native) {
    case SCMP_ARCH_X86_64: return {{native, "x86_64"}, {SCMP_ARCH_X86, "x86"}, {SCMP_ARCH_X32, "x32"}};
    case SCMP_ARCH_AARCH64: return {{native, "aarch64"}, {SCMP_ARCH_ARM, "arm"}};
    default: return {{native, "native"}};
    }
}

uint32_t action_of(const core::SeccompRule& rule) {
    switch (rule.action) {
    case core::SeccompAction::Errno: return SCMP_ACT_ERRNO(static_cast<uint16_t>(rule.error));
    case core::SeccompAction::Kill: return SCMP_ACT_KILL_PROCESS;
    case core::SeccompAction::Log: return SCMP_ACT_LOG;
    }
    return SCMP_ACT_KILL_PROCESS;
}

std::string describe(const core::SeccompRule& rule) {
    std::string out = rule.syscall;
    for (const auto& c : rule.conditions) {
        char buf[80];
        std::snprintf(buf, sizeof buf, " arg%u&0x%llx==0x%llx", c.arg, static_cast<unsigned long long>(c.mask),
                      static_cast<unsigned long long>(c.value));
        out += buf;
    }
    return out;
}

// Pseudo numbers at or below this mean "not on this ABI" (seccomp-syscalls.h;
// -101..-120 are the socketcall/ipc multiplexed calls, which do exist).
constexpr int kAbsentBelow = -10000;

class Filter {
public:
    Filter() : ctx_(seccomp_init(SCMP_ACT_ALLOW)) {
        if (!ctx_) throw Error(ErrorKind::Setup, "seccomp: seccomp_init failed");
    }
    ~Filter() { seccomp_release(ctx_); }
    Filter(const Filter&) = delete;
    Filter& operator=(const Filter&) = delete;
    scmp_filter_ctx get() const { return ctx_; }

private:
    scmp_filter_ctx ctx_;
};

void set_attr(const Filter& filter, scmp_filter_attr attr, uint32_t value, const char* what) {
    if (int rc = seccomp_attr_set(filter.get(), attr, value); rc < 0) fail(std::string("set ") + what, rc);
}

void add_rule(const Filter& filter, const std::vector<Arch>& arches, const core::SeccompRule& rule) {
    const int nr = seccomp_syscall_resolve_name(rule.syscall.c_str());
    if (nr == __NR_SCMP_ERROR) fail("add rule " + describe(rule) + ": unknown system call", -EINVAL);
    bool anywhere = false;
    for (const auto& arch : arches) {
        if (seccomp_syscall_resolve_name_arch(arch.token, rule.syscall.c_str()) <= kAbsentBelow)
            spdlog::debug("seccomp: {} does not exist on {}: skipped there", rule.syscall, arch.name);
        else
            anywhere = true;
    }
    if (!anywhere) return;
    std::vector<scmp_arg_cmp> cmps;
    for (const auto& c : rule.conditions) {
        // An all-ones mask is a plain comparison of the whole argument.
        if (c.mask == ~uint64_t{0})
            cmps.push_back(scmp_arg_cmp{c.arg, SCMP_CMP_EQ, c.value, 0});
        else
            cmps.push_back(scmp_arg_cmp{c.arg, SCMP_CMP_MASKED_EQ, c.mask, c.value});
    }
    const int rc = seccomp_rule_add_array(filter.get(), action_of(rule), nr, static_cast<unsigned>(cmps.size()),
                                          cmps.empty() ? nullptr : cmps.data());
    if (rc < 0) fail("add rule " + describe(rule), rc);
}

void build(const Filter& filter, const core::SeccompPlan& plan) {
    set_attr(filter, SCMP_FLTATR_API_SYSRAWRC, 1, "raw error codes");
    set_attr(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS, "bad-arch action");
    // SCMP_FLTATR_CTL_NNP stays on (the default): the launcher has already
    // set no_new_privs, and libseccomp setting it again guarantees that an
    // unprivileged process can load the filter at all.
    const auto arches = filter_arches();
    for (const auto& arch : arches) {
        if (arch.token == seccomp_arch_native()) continue;  // seccomp_init added it
        spdlog::debug("seccomp: add ABI {}", arch.name);
        if (int rc = seccomp_arch_add(filter.get(), arch.token); rc < 0 && rc != -EEXIST)
            fail(std::string("add ABI ") + arch.name, rc);
    }
    for (const auto& rule : plan.rules) add_rule(filter, arches, rule);
    spdlog::debug("seccomp: {} rules for {} ABIs", plan.rules.size(), arches.size());
}

}  // namespace

SeccompProgram compile_seccomp(const core::SeccompPlan& plan) {
    if (!plan.enabled) return SeccompProgram{};
    const std::string key = core::seccomp_plan_key(plan);
    for (const auto& filter : precompiled_filters()) {
        if (filter.key != key) continue;
        spdlog::debug("seccomp: {} BPF instructions compiled when sbx was built", filter.code.size());
        return SeccompProgram{true, std::vector<sock_filter>(filter.code.begin(), filter.code.end())};
    }
    return compile_with_libseccomp(plan);
}

SeccompProgram compile_with_libseccomp(const core::SeccompPlan& plan) {
    SeccompProgram program;
    if (!plan.enabled) return program;
    Filter filter;
    build(filter, plan);
    // libseccomp 2.5 exports to a descriptor only: a memfd holds it.
    sys::UniqueFd mem(::memfd_create("sbx-seccomp", MFD_CLOEXEC));
    if (!mem) fail("memfd_create", -errno);
    if (int rc = seccomp_export_bpf(filter.get(), mem.get()); rc < 0) fail("export BPF", rc);
    const off_t size = ::lseek(mem.get(), 0, SEEK_END);
    if (size <= 0 || size % static_cast<off_t>(sizeof(sock_filter)) != 0) fail("export BPF: bad size", -EINVAL);
    program.code.resize(static_cast<size_t>(size) / sizeof(sock_filter));
    if (::pread(mem.get(), program.code.data(), static_cast<size_t>(size), 0) != size) fail("read BPF", -errno);
    program.enabled = true;
    spdlog::debug("seccomp: compiled {} BPF instructions", program.code.size());
    return program;
}

void export_seccomp(const core::SeccompPlan& plan, const std::string& path) {
    if (!plan.enabled)
        throw Error(ErrorKind::Usage,
                    "--export-seccomp " + path + ": the profile's seccomp policy is \"none\": there is no filter");
    const SeccompProgram program = compile_seccomp(plan);
    // A raw struct sock_filter[] array, exactly what bwrap --seccomp FD and
    // --add-seccomp-fd FD read and load.
    sys::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) throw Error(ErrorKind::Setup, "--export-seccomp " + path + ": " + std::strerror(errno), errno);
    const size_t size = program.code.size() * sizeof(sock_filter);
    if (::write(fd.get(), program.code.data(), size) != static_cast<ssize_t>(size))
        throw Error(ErrorKind::Setup, "--export-seccomp " + path + ": " + std::strerror(errno), errno);
    spdlog::debug("seccomp: BPF written to {}", path);
}

}  // namespace sbx::sandbox
