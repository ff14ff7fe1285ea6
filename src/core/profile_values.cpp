// profile_values.cpp — typed, located values of a profile file, and the
// parsers of sizes, modes and ${VARIABLES} (see profile_values.hpp).
#include "core/profile_values.hpp"

#include <cctype>
#include <charconv>

#include "core/path.hpp"
#include "core/text.hpp"

namespace sbx::core {

namespace {

constexpr std::string_view kKnownVariables =
    "HOME, USER, UID, GID, PWD, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, XDG_DATA_HOME, PROFILE";

std::optional<std::string> variable_value(std::string_view name, const HostFacts& host,
                                          const std::string& profile_name) {
    if (name == "HOME") return host.home;
    if (name == "USER") return host.user;
    if (name == "UID") return std::to_string(host.uid);
    if (name == "GID") return std::to_string(host.gid);
    if (name == "PWD") return host.cwd;
    if (name == "XDG_RUNTIME_DIR") return host.xdg_runtime_dir;
    if (name == "XDG_CONFIG_HOME") return host.xdg_config_home;
    if (name == "XDG_DATA_HOME") return host.xdg_data_home;
    if (name == "PROFILE") return profile_name;
    return std::nullopt;
}

// "", "B", "K", "KB", "KiB", ... -> the power of two they multiply by.
std::optional<unsigned> size_unit_shift(std::string_view unit) {
    if (unit.empty() || unit == "B") return 0u;
    unsigned shift = 0;
    switch (std::toupper(static_cast<unsigned char>(unit.front()))) {
    case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    case 'T': shift = 40; break;
    default: return std::nullopt;
    }
    unit.remove_prefix(1);
    if (unit.empty() || unit == "B" || unit == "iB") return shift;
    return std::nullopt;
}

}  // namespace

void ValueReader::type_error(const toml::node& node, std::string_view name, std::string_view expected) const {
    fail_at(at(node), "`" + std::string(name) + "` must be " + std::string(expected));
}

std::string ValueReader::expand(const std::string& text, const toml::node& node) const {
    return expand_variables(text, host_, profile_name_, at(node));
}

Located<std::string> ValueReader::string_at(const toml::node& node, std::string_view name) const {
    const auto* value = node.as_string();
    if (value == nullptr) type_error(node, name, "a string");
    return {expand(value->get(), node), at(node)};
}

Located<bool> ValueReader::bool_at(const toml::node& node, std::string_view name) const {
    const auto* value = node.as_boolean();
    if (value == nullptr) type_error(node, name, "true or false");
    return {value->get(), at(node)};
}

const toml::table& ValueReader::table_at(const toml::node& node, std::string_view name) const {
    const auto* table = node.as_table();
    if (table == nullptr) type_error(node, name, "a table");
    return *table;
}

std::vector<Located<std::string>> ValueReader::strings_at(const toml::node& node, std::string_view name,
                                                          bool expand_vars) const {
    const auto* array = node.as_array();
    if (array == nullptr) type_error(node, name, "an array of strings");
    std::vector<Located<std::string>> out;
    for (const toml::node& element : *array) {
        const auto* value = element.as_string();
        if (value == nullptr) type_error(element, name, "an array of strings");
        out.push_back({expand_vars ? expand(value->get(), element) : value->get(), at(element)});
    }
    return out;
}

const toml::node* ValueReader::field(const toml::table& table, std::string_view name) {
    size_t dot = name.rfind('.');
    return table.get(dot == std::string_view::npos ? name : name.substr(dot + 1));
}

std::optional<Located<std::string>> ValueReader::optional_string(const toml::table& table,
                                                                 std::string_view name) const {
    if (const toml::node* node = field(table, name)) return string_at(*node, name);
    return std::nullopt;
}

std::optional<Located<bool>> ValueReader::optional_bool(const toml::table& table, std::string_view name) const {
    if (const toml::node* node = field(table, name)) return bool_at(*node, name);
    return std::nullopt;
}

std::string ValueReader::misplaced_hint(std::string_view key) const {
    if (!contains(top_level_, key)) return "";
    // TOML gives every key after a [table] header to that table: a key of
    // the top level written below one lands in it.
    return "; `" + std::string(key) +
           "` is a top-level key: write it above the first [table] of the file (TOML puts every key after a "
           "[table] header into that table)";
}

void ValueReader::unknown_key(const toml::key& key, std::string_view prefix,
                              std::span<const std::string_view> allowed) const {
    std::string where = prefix.empty() ? "" : " in [" + std::string(prefix) + "]";
    fail_at(at(key), "unknown key `" + printable(key.str()) + "`" + where + " (expected one of: " +
                         join(allowed, ", ") + ")" + (prefix.empty() ? "" : misplaced_hint(key.str())));
}

void ValueReader::reject_unknown_keys(const toml::table& table, std::string_view prefix,
                                      std::span<const std::string_view> allowed) const {
    for (auto&& [key, node] : table)
        if (!contains(allowed, key.str())) unknown_key(key, prefix, allowed);
}

uint64_t ValueReader::count_at(const toml::node& node, std::string_view name, int64_t low, int64_t high) const {
    const auto* number = node.as_integer();
    const std::string range = "an integer from " + std::to_string(low) + " to " + std::to_string(high);
    if (number == nullptr || number->get() < low || number->get() > high) type_error(node, name, range);
    return static_cast<uint64_t>(number->get());
}

uint64_t ValueReader::size_at(const toml::node& node, std::string_view name) const {
    if (const auto* number = node.as_integer()) {
        if (number->get() <= 0) fail_at(at(node), "`" + std::string(name) + "` must be greater than 0");
        return static_cast<uint64_t>(number->get());
    }
    if (!node.is_string()) type_error(node, name, "an integer (bytes) or a string like \"64M\"");
    return parse_size(string_at(node, name).value, at(node));
}

uint64_t ValueReader::size_or_zero_at(const toml::node& node, std::string_view name) const {
    if (const auto* number = node.as_integer(); number != nullptr && number->get() <= 0) {
        if (number->get() < 0) fail_at(at(node), "`" + std::string(name) + "` must not be negative");
        return 0;
    }
    // "0" as much as 0: an rlimit of zero bytes is meaningful (core = 0).
    if (node.is_string()) return parse_size(string_at(node, name).value, at(node), true);
    return size_at(node, name);
}

uint32_t ValueReader::mode_at(const toml::node& node, std::string_view name) const {
    if (const auto* number = node.as_integer()) {
        // `mode = 755` is decimal 755 (= 0o1363): almost surely meant as
        // octal, so only integers written in octal are accepted.
        if ((number->flags() & toml::value_flags::format_as_octal) == toml::value_flags::none)
            fail_at(at(node), "`" + std::string(name) + "` must be written in octal, like 0o755 or \"0755\"");
        if (number->get() < 0 || number->get() > 07777)
            fail_at(at(node), "`" + std::string(name) + "` must be at most 0o7777");
        return static_cast<uint32_t>(number->get());
    }
    if (!node.is_string()) type_error(node, name, "an octal string like \"0755\" or an integer like 0o755");
    return parse_mode(string_at(node, name).value, at(node));
}

std::string expand_variables(const std::string& text, const HostFacts& host, const std::string& profile_name,
                             const SourceLoc& loc) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '$') {
            out += text[i];
            continue;
        }
        const char next = i + 1 < text.size() ? text[i + 1] : '\0';
        if (next == '$') {
            out += '$';
            ++i;
            continue;
        }
        // A lone '$' is an error rather than literal text, so that "$HOME"
        // fails loudly instead of reaching the sandbox unexpanded.
        if (next != '{') fail_at(loc, "a lone \"$\" must be written \"$$\" (variables are written ${NAME})");
        const size_t close = text.find('}', i + 2);
        if (close == std::string::npos) fail_at(loc, "unterminated \"${\" in " + quoted(text));
        const std::string name = text.substr(i + 2, close - i - 2);
        std::optional<std::string> value = variable_value(name, host, profile_name);
        if (!value)
            fail_at(loc, "unknown variable ${" + printable(name) + "} (known: " + std::string(kKnownVariables) + ")");
        out += *value;
        i = close;
    }
    return out;
}

uint64_t parse_size(const std::string& text, const SourceLoc& loc, bool allow_zero) {
    uint64_t number = 0;
    const char* end = text.data() + text.size();
    auto [unit_begin, ec] = std::from_chars(text.data(), end, number);
    if (ec == std::errc::result_out_of_range) fail_at(loc, "size " + quoted(text) + " is too large");
    std::optional<unsigned> shift;
    if (ec == std::errc{}) shift = size_unit_shift(std::string_view(unit_begin, static_cast<size_t>(end - unit_begin)));
    if (!shift)
        fail_at(loc, "invalid size " + quoted(text) +
                         ": expected a number of bytes, optionally followed by K, M, G or T (e.g. \"64M\")");
    if (number == 0 && !allow_zero) fail_at(loc, "size " + quoted(text) + " must be greater than 0");
    if (number > (UINT64_MAX >> *shift)) fail_at(loc, "size " + quoted(text) + " is too large");
    return number << *shift;
}

std::optional<uint32_t> parse_size_percent(const std::string& text, const SourceLoc& loc) {
    if (!text.ends_with('%')) return std::nullopt;
    uint32_t number = 0;
    const char* end = text.data() + text.size() - 1;
    auto [rest, ec] = std::from_chars(text.data(), end, number);
    if (ec != std::errc{} || rest != end || number == 0 || number > 100)
        fail_at(loc, "invalid size " + quoted(text) + ": a share of the host's memory is 1% to 100%");
    return number;
}

uint32_t parse_mode(const std::string& text, const SourceLoc& loc) {
    uint32_t mode = 0;
    bool valid = !text.empty();
    for (char c : text) {
        if (c < '0' || c > '7') {
            valid = false;
            break;
        }
        mode = mode * 8 + static_cast<uint32_t>(c - '0');
        if (mode > 07777) {
            valid = false;
            break;
        }
    }
    if (!valid)
        fail_at(loc, "invalid mode " + quoted(text) + ": expected octal permission bits like \"0755\" (at most 07777)");
    return mode;
}

}  // namespace sbx::core
