// sbx_pch.hpp — the precompiled header of the sbx executable (meson
// cpp_pch): spdlog and fmt, which nearly every file of src/sandbox, src/sys
// and src/cli includes through log/log.hpp, are parsed once per build
// instead of once per file (about half of the build's compile time).
// Nothing here may depend on a macro a source file defines.

#include <spdlog/spdlog.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
