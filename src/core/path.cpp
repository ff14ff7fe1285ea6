// path.cpp — lexical path handling for sandbox destinations (see path.hpp).
//
// Purely textual on purpose: destinations name places inside a root that
// does not exist yet, so there is nothing to stat. Because ".." cannot be
// resolved without knowing which components are symlinks, it is rejected
// instead of being folded away.
#include "core/path.hpp"

#include <climits>
#include <cstdio>

namespace sbx::core {

namespace {

// The non-empty components other than ".", in order, one by one: `pos`
// starts at 0; an empty view means there are no more. Without a vector of
// parts, because these run for every path of every launch (sorting the
// mounts asks for each destination's depth again and again).
std::string_view next_component(std::string_view path, size_t& pos) {
    while (pos < path.size()) {
        size_t end = path.find('/', pos);
        if (end == std::string_view::npos) end = path.size();
        std::string_view part = path.substr(pos, end - pos);
        pos = end + 1;
        if (!part.empty() && part != ".") return part;
    }
    return {};
}

void set_why(std::string* why, const char* text) {
    if (why != nullptr) *why = text;
}

}  // namespace

std::string normalize_absolute(std::string_view path, std::string* why) {
    if (path.empty()) {
        set_why(why, "is empty");
        return {};
    }
    if (path.find('\0') != std::string_view::npos) {
        set_why(why, "contains a NUL byte");
        return {};
    }
    if (path.find('\n') != std::string_view::npos) {
        set_why(why, "contains a newline");
        return {};
    }
    // PATH_MAX counts the terminating NUL: the kernel takes at most 4095 bytes.
    if (path.size() >= PATH_MAX) {
        set_why(why, "is longer than 4095 bytes (PATH_MAX)");
        return {};
    }
    if (path.front() != '/') {
        set_why(why, "is not an absolute path");
        return {};
    }
    std::string result;
    result.reserve(path.size());
    size_t pos = 0;
    for (std::string_view part; !(part = next_component(path, pos)).empty();) {
        if (part == "..") {
            set_why(why, "contains a \"..\" component");
            return {};
        }
        if (part.size() > NAME_MAX) {
            set_why(why, "has a component longer than 255 bytes (NAME_MAX)");
            return {};
        }
        result += '/';
        result += part;
    }
    if (result.empty()) result = "/";
    if (why != nullptr) why->clear();
    return result;
}

std::string tidy_host_path(std::string_view path) {
    std::string result;
    result.reserve(path.size());
    size_t pos = 0;
    for (std::string_view part; !(part = next_component(path, pos)).empty();) {
        if (!result.empty() || path.front() == '/') result += '/';
        result += part;
    }
    if (result.empty()) return path.empty() ? "" : (path.front() == '/' ? "/" : ".");
    return result;
}

std::string join_path(std::string_view base, std::string_view rel) {
    while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
    while (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
    std::string result(base);
    if (rel.empty()) return result;
    if (result.empty() || result.back() != '/') result += '/';
    result += rel;
    return result;
}

bool is_under(std::string_view path, std::string_view dir) {
    if (dir == "/") return !path.empty() && path.front() == '/';
    if (path.size() < dir.size() || path.substr(0, dir.size()) != dir) return false;
    return path.size() == dir.size() || path[dir.size()] == '/';
}

size_t path_depth(std::string_view normalised) {
    size_t depth = 0, pos = 0;
    while (!next_component(normalised, pos).empty()) ++depth;
    return depth;
}

std::string parent_path(std::string_view normalised) {
    size_t slash = normalised.rfind('/');
    if (slash == std::string_view::npos || slash == 0) return "/";
    return std::string(normalised.substr(0, slash));
}

std::string printable(std::string_view text) {
    constexpr size_t kShown = 200;
    std::string out;
    for (char c : text.substr(0, kShown)) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned>(byte));
            out += hex;
        } else {
            out += c;
        }
    }
    if (text.size() > kShown) out += "...(" + std::to_string(text.size()) + " bytes)";
    return out;
}

// Appended, not `"\"" + printable(text)`: a literal plus a temporary string
// draws a -Wrestrict false positive from GCC 12 at -O3.
std::string quoted(std::string_view text) {
    std::string out = "\"";
    out += printable(text);
    out += '"';
    return out;
}

}  // namespace sbx::core
