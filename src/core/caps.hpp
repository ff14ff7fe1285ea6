// caps.hpp — capability names <-> numbers, without libcap, so that the
// pure core can validate `[capabilities] keep` with a file:line:col error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sbx::core {

// "CAP_CHOWN", "cap_chown" or "chown" -> 0. nullopt for an unknown name.
std::optional<int> capability_number(std::string_view name);
// 0 -> "CAP_CHOWN".
std::string capability_name(int number);

}  // namespace sbx::core
