// precompiled_seccomp.hpp — seccomp filters compiled when sbx was built.
//
// libseccomp needs several milliseconds to turn the default policy into BPF
// for three ABIs, the largest single cost of a launch (bench/RESULTS.md).
// The policies sbx ships do not change between launches, so the build runs
// tools/seccomp_precompile.cpp, which compiles them with the very code the
// launcher uses (compile_with_libseccomp) and writes this table; the
// launcher takes a filter from it when its plan's key matches exactly
// (core::seccomp_plan_key), and compiles any other plan itself.
// As firejail does at install time; nothing is cached at run time, so
// nothing a sandbox could write ever becomes another sandbox's filter.
#pragma once

#include <linux/filter.h>

#include <cstddef>
#include <span>
#include <string_view>

namespace sbx::sandbox {

struct PrecompiledFilter {
    std::string_view key;  // core::seccomp_plan_key of the plan it was compiled from
    std::span<const sock_filter> code;
};

// Empty in a cross build (the build machine cannot compile for the target).
std::span<const PrecompiledFilter> precompiled_filters();

}  // namespace sbx::sandbox
