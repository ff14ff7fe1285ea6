// text.hpp — small formatting helpers for messages and printed plans. Pure.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
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

template <class Range>
std::string join(const Range& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

inline bool contains(std::span<const std::string_view> list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace sbx::core
