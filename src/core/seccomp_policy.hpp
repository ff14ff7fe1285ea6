// seccomp_policy.hpp — the seccomp rule list as data: the default policy,
// adjusted by a profile's [seccomp] table. Pure; the sandbox layer compiles
// the result with libseccomp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// The default policy, then the profile's adjustments, in this order:
//   policy = "none"        no filter at all (names are still checked)
//   nested-userns = true   the CLONE_NEWUSER rules are left out
//   allow = [NAME...]      every default rule for NAME is removed
//   strict-exec = true     memfd_create without MFD_NOEXEC_SEAL and execveat
//                          with AT_EMPTY_PATH are denied (EPERM), so that
//                          nothing runs that Landlock's execute rules did not
//                          see; with policy = "none" it is an error
//   deny = [ENTRY...]      "NAME" (EPERM), "NAME:ERRNO" or "NAME:kill"; each
//                          entry replaces every earlier rule for NAME
//   log = true             every action becomes Log (logged, then allowed)
// Throws Usage at the entry's location for an unknown system call name, a
// bad entry form or an unknown errno name.
//
// strict-exec's rules come after `allow` (which cannot remove them) and
// before `deny` (which replaces them, like any earlier rule for its name).
SeccompPlan build_seccomp_plan(const SeccompSpec& spec);

// The rules strict-exec adds.
std::vector<SeccompRule> strict_exec_rules();

// "EPERM" -> 1, ...; nullopt for an unknown name. Linux errno names.
std::optional<int> errno_number(std::string_view name);
// 1 -> "EPERM"; the number in decimal when it has no name.
std::string errno_name(int number);

// A cube of 32-bit values: x belongs when (x & mask) == value.
using BitCube = std::pair<uint32_t, uint32_t>;

// Cubes whose union is every 32-bit value outside `allowed`, each disjoint
// from `allowed`. Lets "argument not in a set" be written as masked-equal
// rules (libseccomp allows one comparison per argument and rule).
std::vector<BitCube> cover_outside(const std::vector<uint32_t>& allowed);

// What makes two plans compile to the same filter, as text: one line per
// rule (name, action, errno, conditions; not the reason). Equal keys, equal
// BPF, for one build of sbx: the launcher looks its plan up by this key
// among the filters compiled when sbx was built (sandbox/seccomp.hpp).
std::string seccomp_plan_key(const SeccompPlan& plan);

}  // namespace sbx::core
