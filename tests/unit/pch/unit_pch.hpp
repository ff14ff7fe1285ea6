// unit_pch.hpp — the precompiled header of sbx-unit (meson cpp_pch):
// Catch2's single header is parsed once per build instead of once per test
// file.

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>
