// The filters compiled at build time (sandbox/precompiled_seccomp.hpp) must
// be exactly what libseccomp makes of the same plan now, and a plan that is
// not among them must still be compiled, never matched to a neighbour.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/seccomp_policy.hpp"
#include "sandbox/precompiled_seccomp.hpp"
#include "sandbox/seccomp.hpp"

using namespace sbx;

namespace {

bool same(const std::vector<sock_filter>& a, std::span<const sock_filter> b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
               return x.code == y.code && x.jt == y.jt && x.jf == y.jf && x.k == y.k;
           });
}

const sandbox::PrecompiledFilter* find(const core::SeccompPlan& plan) {
    const std::string key = core::seccomp_plan_key(plan);
    for (const auto& f : sandbox::precompiled_filters())
        if (f.key == key) return &f;
    return nullptr;
}

}  // namespace

TEST_CASE("the shipped seccomp policies are precompiled, identical to a fresh compile") {
    core::SeccompSpec base;
    core::SeccompSpec nested;
    nested.nested_userns = core::Located<bool>{true, {}};
    REQUIRE(sandbox::precompiled_filters().size() == 2);
    for (const auto& spec : {base, nested}) {
        const auto plan = core::build_seccomp_plan(spec);
        const auto* pre = find(plan);
        REQUIRE(pre != nullptr);
        const auto fresh = sandbox::compile_with_libseccomp(plan);
        REQUIRE(fresh.enabled);
        CHECK(same(fresh.code, pre->code));
        const auto used = sandbox::compile_seccomp(plan);
        CHECK(same(used.code, pre->code));
    }
    // The two differ (the CLONE_NEWUSER rules), so the key tells them apart.
    CHECK(sandbox::precompiled_filters()[0].key != sandbox::precompiled_filters()[1].key);
}

TEST_CASE("a plan that was not precompiled is compiled, not matched to a similar one") {
    core::SeccompSpec spec;
    spec.allow.push_back(core::Located<std::string>{"ptrace", {}});
    const auto plan = core::build_seccomp_plan(spec);
    CHECK(find(plan) == nullptr);
    const auto program = sandbox::compile_seccomp(plan);
    REQUIRE(program.enabled);
    for (const auto& f : sandbox::precompiled_filters()) CHECK_FALSE(same(program.code, f.code));
    CHECK(same(program.code, sandbox::compile_with_libseccomp(plan).code));
}

TEST_CASE("the plan key covers what changes the filter, not the explanations") {
    core::SeccompPlan a;
    a.rules.push_back(core::SeccompRule{"keyctl", core::SeccompAction::Errno, 1, {}, "keys"});
    core::SeccompPlan b = a;
    b.rules[0].reason = "another explanation";
    CHECK(core::seccomp_plan_key(a) == core::seccomp_plan_key(b));
    b.rules[0].error = 38;
    CHECK(core::seccomp_plan_key(a) != core::seccomp_plan_key(b));
    b = a;
    b.rules[0].action = core::SeccompAction::Kill;
    CHECK(core::seccomp_plan_key(a) != core::seccomp_plan_key(b));
    b = a;
    b.rules[0].conditions.push_back(core::SeccompCondition{0, 0xff, 1});
    CHECK(core::seccomp_plan_key(a) != core::seccomp_plan_key(b));
    b = a;
    b.enabled = false;
    CHECK(core::seccomp_plan_key(a) != core::seccomp_plan_key(b));
}
