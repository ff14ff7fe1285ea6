// toml_guard.cpp — profile text -> toml::table, guarded (see toml_guard.hpp).
#include "core/toml_guard.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>

namespace sbx::core {

namespace {

// Tables, arrays and dotted-key parts one value may be nested in (see check_nesting).
constexpr size_t kMaxNesting = 64;

// toml++ starts its messages with a capital ("Error while parsing ...").
std::string one_line_lower(std::string_view text) {
    std::string out(text);
    std::replace(out.begin(), out.end(), '\n', ' ');
    if (!out.empty()) out.front() = static_cast<char>(std::tolower(static_cast<unsigned char>(out.front())));
    return out;
}

// Skips a string starting at text[i] (a quote) and returns the index of its
// last character; an unterminated string runs to the end of its line (or of
// the text, for a multi-line one): toml++ reports it properly afterwards.
size_t skip_string(std::string_view text, size_t i) {
    const char quote = text[i];
    const bool basic = quote == '"';
    const std::string_view triple = basic ? "\"\"\"" : "'''";
    const bool multi_line = text.substr(i, 3) == triple;
    for (size_t j = i + (multi_line ? 3 : 1); j < text.size(); ++j) {
        if (basic && text[j] == '\\') {
            ++j;
        } else if (multi_line ? text.substr(j, 3) == triple : text[j] == quote) {
            return multi_line ? j + 2 : j;
        } else if (!multi_line && text[j] == '\n') {
            return j - 1;
        }
    }
    return text.size() - 1;
}

// toml++ 3.3 builds and walks the parsed tree recursively and bounds only
// inline nesting, so a dotted key or table header of 100,000 parts
// ("a.a.a...") overflows the stack. No profile nests more than a few levels:
// bound, lexically, the depth the text can produce (open brackets plus the
// dots of the current table header and of the keys on the open path) and
// refuse deeper text before toml++ sees it. Dots in strings and comments do
// not count; a float's dot counts once per value, which is harmless.
void check_nesting(std::string_view text, const std::string& file) {
    std::vector<size_t> dots{0};  // per open bracket; [0]: the line's key
    size_t header_dots = 0;       // of the last [table] header
    size_t open_dots = 0;         // the sum of `dots`
    bool line_start = true;       // nothing but blanks yet on this line
    bool in_header = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        bool deeper = false;
        if (c == '"' || c == '\'') {
            i = skip_string(text, i);
        } else if (c == '#') {
            while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
        } else if (c == '[' || c == '{') {
            if (c == '[' && dots.size() == 1 && line_start) {
                in_header = true;
                header_dots = 0;
                if (i + 1 < text.size() && text[i + 1] == '[') ++i;  // [[array]]
            }
            dots.push_back(0);
            deeper = true;
        } else if ((c == ']' || c == '}') && dots.size() > 1) {
            const size_t closed = dots.back();
            dots.pop_back();
            open_dots -= closed;
            if (in_header && dots.size() == 1) {
                header_dots = closed;
                in_header = false;
                if (i + 1 < text.size() && text[i + 1] == ']') ++i;
            }
        } else if (c == '.') {
            ++dots.back();
            ++open_dots;
            deeper = true;
        } else if (c == ',' || c == '\n') {
            open_dots -= dots.back();
            dots.back() = 0;
        }
        line_start = c == '\n' || (line_start && (c == ' ' || c == '\t' || c == '\r'));
        if (deeper && header_dots + open_dots + dots.size() - 1 > kMaxNesting) {
            const std::string_view before = text.substr(0, i);
            const auto line = static_cast<uint32_t>(std::count(before.begin(), before.end(), '\n') + 1);
            const size_t line_begin = before.rfind('\n');
            const auto column = static_cast<uint32_t>(line_begin == std::string_view::npos ? i + 1 : i - line_begin);
            fail_at(SourceLoc{file, line, column}, "nested more than " + std::to_string(kMaxNesting) +
                                                       " levels deep (tables, arrays and dotted keys)");
        }
    }
}

}  // namespace

SourceLoc source_loc(const std::string& file, const toml::source_region& region) {
    return SourceLoc{file, region.begin.line, region.begin.column};
}

toml::table parse_toml(std::string_view text, const std::string& file) {
    check_nesting(text, file);
    try {
        return toml::parse(text, std::string_view(file));
    } catch (const toml::parse_error& err) {
        fail_at(source_loc(file, err.source()), one_line_lower(err.description()));
    }
}

}  // namespace sbx::core
