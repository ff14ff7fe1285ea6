// glob.hpp — bind sources whose last component is a pattern
// (`/dev/dri/renderD*`), expanded against the host's folder when the plan is
// finished (finish_plan), through the injected directory lister. Pure.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/landlock_policy.hpp"
#include "core/plan.hpp"

namespace sbx::core {

// Where a bind source, as written (before ${VARIABLE} expansion), has a
// wildcard (`*` or `?`) outside its ${...}: a wildcard that a variable's
// value brings (a project folder named "what?") is never one.
enum class WildcardPlace {
    None,           // no wildcard: a plain path
    LastComponent,  // a glob: only the last component is a pattern
    Elsewhere,      // in a component before the last: refused
    WithVariable,   // in the last component, which also holds a ${VARIABLE}: refused
};
WildcardPlace wildcard_place(std::string_view written);

// Whether `name` (one folder entry) matches `pattern`: `*` any run of
// characters, `?` any one, everything else itself. As in the shell, a name
// starting with '.' is matched only by a pattern starting with '.'.
bool glob_match(std::string_view pattern, std::string_view name);

// At most this many matches for one glob: more is refused (Usage), since a
// program that can write in the folder could otherwise make a later
// launch's plan as large as it likes.
inline constexpr size_t kMaxGlobMatches = 1024;

// Replaces each `glob` bind of plan.mounts with one bind per match, in
// place and in name order: the source and the destination are the match's
// own path (the pattern's folder plus the entry's name), every other field
// the entry's, `matched` the pattern. The folder is listed with `list`. A
// symbolic link never matches: a program that can write in the folder could
// plant one that leads the bind anywhere on the host. No match (or a folder
// that cannot be listed) moves an optional entry to plan.skipped and is a
// Usage error otherwise, as is a match whose path is no valid destination
// and a match at a destination another entry of the plan mounts too.
void expand_glob_binds(SandboxPlan& plan, const DirLister& list);

}  // namespace sbx::core
