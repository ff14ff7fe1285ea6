// seccomp_none_precompiled.cpp — the empty table: for the generator itself,
// and for cross builds, where the build machine cannot compile the filters.
#include "sandbox/precompiled_seccomp.hpp"

namespace sbx::sandbox {

std::span<const PrecompiledFilter> precompiled_filters() { return {}; }

}  // namespace sbx::sandbox
