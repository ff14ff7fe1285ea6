// host.cpp — parsing of host files the sys layer hands in as text.
#include "core/host.hpp"

#include <charconv>

namespace sbx::core {
namespace {

// A passwd(5) line has exactly seven colon-separated fields.
bool split_passwd_line(std::string_view line, std::string_view (&field)[7]) {
    for (size_t i = 0; i < 6; ++i) {
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) return false;
        field[i] = line.substr(0, colon);
        line.remove_prefix(colon + 1);
    }
    if (line.find(':') != std::string_view::npos) return false;
    field[6] = line;
    return true;
}

}  // namespace

std::optional<PasswdEntry> find_passwd_entry(std::string_view passwd, uint32_t uid) {
    while (!passwd.empty()) {
        size_t eol = passwd.find('\n');
        std::string_view line = passwd.substr(0, eol);
        passwd.remove_prefix(eol == std::string_view::npos ? passwd.size() : eol + 1);

        std::string_view field[7];
        if (!split_passwd_line(line, field) || field[0].empty() || field[0][0] == '+' || field[0][0] == '-') continue;
        uint32_t value = 0;
        const char* last = field[2].data() + field[2].size();
        auto [end, ec] = std::from_chars(field[2].data(), last, value);
        if (field[2].empty() || ec != std::errc{} || end != last || value != uid) continue;
        return PasswdEntry{std::string(field[0]), std::string(field[5]), std::string(field[6])};
    }
    return std::nullopt;
}

}  // namespace sbx::core
