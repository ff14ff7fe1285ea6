// bind_checks.hpp — a built plan's binds checked against the host's real
// paths, through an injected resolver (realpath(3) in production): missing
// sources skipped or refused, binds that would expose the host or steer a
// later launch refused, sbx's own folders covered read-only, and the
// Landlock rules derived again from the binds kept. Pure; finish_plan
// (plan_finish.hpp) calls them in order.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/landlock_policy.hpp"
#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// Resolves every bind source to the host path it names, symlinks followed
// (realpath(3) in production: an absolute link such as /etc/localtime must
// be resolved against the host's root, not the sandbox's). Moves optional
// binds whose source does not exist into plan.skipped and fails (Usage,
// naming the path and where it was asked for) for a missing source that is
// not optional. A missing source marked `create` is kept as written.
using SourceResolver = std::function<std::optional<std::string>(const std::string&)>;
// The real path of `path`'s deepest existing ancestor, plus the missing rest.
std::string resolve_leniently(const std::string& path, const SourceResolver& resolve);
void check_sources(SandboxPlan& plan, const SourceResolver& resolve);

// Refuses, unless the entry says `unsafe` (command line: --unsafe), a bind
// that would hand the sandbox the host wholesale or let it steer a later
// launch (Usage, naming the entry and what it would expose):
//  - a bind of the host's /, /proc, /dev or /sys, read-only too;
//  - a bind over the sandbox's own /proc (or below it) or /dev;
//  - a writable bind (bind, dev-bind) whose source is one of
//    plan.protected_paths or plan.launch_inputs or an ancestor of one
//    ($HOME, ~/.config, /etc...), or lies inside a launch input (sbx's
//    config folder, /etc/sbx). Inside the data folder is per-sandbox state
//    (the browser's home) and allowed.
// Sources are compared as real paths (`resolve` is realpath(3); a missing
// tail is kept as written), so a symlinked ~/.config is caught.
void check_exposure(const SandboxPlan& plan, const SourceResolver& resolve);
// Derives plan.landlock again from the mounts check_sources kept, with the
// host folders listed by `list` (see build_landlock_plan: execute beside a
// writable mount under a read-only bind). build_plan, which has no lister,
// leaves such a read-only bind without execute beneath it. Call after
// check_sources and before protect_own_folders.
void derive_landlock_rules(SandboxPlan& plan, const LandlockSpec& spec, const DirLister& list);

// Keeps sbx's own folders (plan.protected_paths: its config, profiles and
// state) read-only wherever a writable bind exposes them inside, whether
// they exist yet or not: a read-only bind of each is added over the place it
// appears, marked `create` so the launcher makes a missing one first.
// Otherwise a sandbox given the user's home could edit the profiles or swap
// a persistent folder for a symlink that a later sandbox would bind.
// A missing folder that `can_create` says this user cannot create (/etc/sbx
// when /etc is root's) needs no cover: the sandbox, the same user without
// any privilege over the host's files, cannot create it either.
// Call after check_sources; `resolve` is realpath(3).
using CreatableCheck = std::function<bool(const std::string&)>;
void protect_own_folders(
    SandboxPlan& plan, const SourceResolver& resolve,
    const CreatableCheck& can_create = [](const std::string&) { return true; });

}  // namespace sbx::core
