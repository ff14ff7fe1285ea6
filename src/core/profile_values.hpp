// profile_values.hpp — one profile file's TOML values read as the types the
// format wants (strings with ${VARIABLES} expanded, booleans, counts, sizes,
// modes), each remembering where it was written, and every wrong value or
// unknown key an error at FILE:LINE:COL. Pure.
//
// The value parsers that callers use on plain text (expand_variables,
// parse_size, parse_size_percent, parse_mode) are declared in profile.hpp
// and defined in profile_values.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/host.hpp"
#include "core/profile.hpp"
#include "core/toml_guard.hpp"

namespace sbx::core {

// The type-checked accessors of one file; `name` is the dotted key
// ("env.clear") that messages name.
class ValueReader {
public:
    // `top_level`: the keys of the file's top level, for the hint an unknown
    // key inside a table gets when it is one of them (see misplaced_hint).
    ValueReader(std::string file, const HostFacts& host, const std::string& profile_name,
                std::span<const std::string_view> top_level = {})
        : file_(std::move(file)), host_(host), profile_name_(profile_name), top_level_(top_level) {}

    const std::string& file() const { return file_; }

    SourceLoc at(const toml::source_region& region) const { return source_loc(file_, region); }
    SourceLoc at(const toml::node& node) const { return at(node.source()); }
    SourceLoc at(const toml::key& key) const { return at(key.source()); }

    [[noreturn]] void type_error(const toml::node& node, std::string_view name, std::string_view expected) const;

    std::string expand(const std::string& text, const toml::node& node) const;

    Located<std::string> string_at(const toml::node& node, std::string_view name) const;
    Located<bool> bool_at(const toml::node& node, std::string_view name) const;
    const toml::table& table_at(const toml::node& node, std::string_view name) const;
    // Each element must be a string; `expand_vars` false keeps names literal.
    std::vector<Located<std::string>> strings_at(const toml::node& node, std::string_view name, bool expand_vars) const;

    // The key `name` after its last '.', looked up in `table`.
    static const toml::node* field(const toml::table& table, std::string_view name);
    std::optional<Located<std::string>> optional_string(const toml::table& table, std::string_view name) const;
    std::optional<Located<bool>> optional_bool(const toml::table& table, std::string_view name) const;

    // "" or, for a top-level key met inside a table (`ro-bind = [...]`
    // under [env]), a hint that TOML put it there: "; `ro-bind` is a
    // top-level key: ...".
    std::string misplaced_hint(std::string_view key) const;
    [[noreturn]] void unknown_key(const toml::key& key, std::string_view prefix,
                                  std::span<const std::string_view> allowed) const;
    void reject_unknown_keys(const toml::table& table, std::string_view prefix,
                             std::span<const std::string_view> allowed) const;

    // An integer in [low, high].
    uint64_t count_at(const toml::node& node, std::string_view name, int64_t low, int64_t high) const;
    uint64_t size_at(const toml::node& node, std::string_view name) const;
    // A size where 0 is allowed (an integer, or a string like "64M").
    uint64_t size_or_zero_at(const toml::node& node, std::string_view name) const;
    uint32_t mode_at(const toml::node& node, std::string_view name = "mount.mode") const;

private:
    std::string file_;
    const HostFacts& host_;
    const std::string& profile_name_;
    std::span<const std::string_view> top_level_;
};

}  // namespace sbx::core
