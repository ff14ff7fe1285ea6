// landlock_policy.hpp — the Landlock ruleset as data, derived from the
// plan's mounts and the profile's [landlock] table. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/plan.hpp"
#include "core/profile.hpp"

namespace sbx::core {

// The rights a mount of `kind` grants beneath its destination (kLandlock*
// bits); 0 for entries that live on another mount (dir, file, symlink).
uint32_t landlock_access_for(MountKind kind);

// One entry of a host folder, as the DirLister sees it (lstat: a symlink
// is reported as a symlink, never followed).
struct DirEntry {
    std::string name;
    bool is_dir = false;
    bool is_symlink = false;
};
// Lists a host folder (injected: sys::list_dir in production); nullopt when
// it cannot be listed. Used only along the way to a writable mount that
// lies under an executable one.
using DirLister = std::function<std::optional<std::vector<DirEntry>>(const std::string& host_dir)>;

// At most this many rules are derived from folder listings for one plan;
// a layout needing more is refused (Usage) rather than made slow.
inline constexpr size_t kMaxListedRules = 2048;

// `mounts` are the plan's, normalised and ordered. The result has "/" (the
// read-only root) first, then one path per mount that grants rights, then
// the `execute` paths that are not mount destinations. Throws Usage at the
// entry's location for an `execute` path that is not absolute and clean.
//
// Landlock rights are inherited by everything beneath a rule's folder,
// mounts included, so a writable mount (bind, tmpfs, dev-bind, dev, proc,
// mqueue) under an executable path (a ro-bind, an `execute` entry) would
// become executable. Such a path gets its rights without execute instead,
// and execute is granted one by one on its entries that are not on the way
// to a writable mount, as `list` shows them in the bound host folder (files
// appearing there later are not executable; symlinks get no rule, their
// targets have their own). Without a lister (or for a folder that cannot be
// listed, or that lives on a tmpfs) nothing beneath gets execute: the
// derivation fails closed. A writable mount named in `execute` is
// executable, as asked.
LandlockPlan build_landlock_plan(const LandlockSpec& spec, const std::vector<MountOp>& mounts,
                                 const DirLister& list = {});

}  // namespace sbx::core
