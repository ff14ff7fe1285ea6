// text.hpp — small formatting helpers for messages and printed plans. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/path.hpp"

namespace sbx::core {

// quoted(), the one way user text enters a message, is declared in
// core/path.hpp beside printable().

// A file mode as written in profiles and on command lines: 0755, 01777.
inline std::string octal(uint32_t mode) {
    std::string digits;
    do {
        digits.insert(digits.begin(), static_cast<char>('0' + (mode & 7u)));
        mode >>= 3;
    } while (mode != 0);
    return "0" + digits;
}

}  // namespace sbx::core
