// glob.cpp — glob bind sources: how they are recognised as written, and
// their expansion against a host folder listing (see glob.hpp).
#include "core/glob.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/path.hpp"

namespace sbx::core {

WildcardPlace wildcard_place(std::string_view written) {
    bool wildcard_before_last = false;  // in a component that a later '/' ends
    bool wildcard_in_current = false;
    bool variable_in_current = false;
    for (size_t i = 0; i < written.size(); ++i) {
        const char c = written[i];
        if (c == '$' && i + 1 < written.size() && written[i + 1] == '$') {
            ++i;  // "$$": a literal '$'
        } else if (c == '$' && i + 1 < written.size() && written[i + 1] == '{') {
            // A variable's name holds no '/', '*' or '?' that could count;
            // an unterminated "${" is the expansion's error to report.
            const size_t close = written.find('}', i + 2);
            i = close == std::string_view::npos ? written.size() : close;
            variable_in_current = true;
        } else if (c == '/') {
            wildcard_before_last = wildcard_before_last || wildcard_in_current;
            wildcard_in_current = variable_in_current = false;
        } else if (c == '*' || c == '?') {
            wildcard_in_current = true;
        }
    }
    if (wildcard_before_last) return WildcardPlace::Elsewhere;
    if (!wildcard_in_current) return WildcardPlace::None;
    return variable_in_current ? WildcardPlace::WithVariable : WildcardPlace::LastComponent;
}

bool glob_match(std::string_view pattern, std::string_view name) {
    if (name.starts_with('.') && !pattern.starts_with('.')) return false;
    // Greedy with one backtrack point, the last '*' seen: linear enough for
    // file names, and never exponential.
    size_t p = 0, n = 0;
    size_t star = std::string_view::npos, resume = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = n;
        } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
            ++p;
            ++n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

namespace {

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// The names in `dir` that `pattern` matches, sorted; symbolic links left out.
std::vector<std::string> matches_in(const std::string& dir, const std::string& pattern, const MountOp& op,
                                    const DirLister& list) {
    std::vector<std::string> names;
    if (const auto entries = list(dir))
        for (const DirEntry& entry : *entries)
            if (!entry.is_symlink && glob_match(pattern, entry.name)) names.push_back(entry.name);
    if (names.size() > kMaxGlobMatches)
        throw Error(ErrorKind::Usage, op.origin + ": bind source " + printable(op.source) + " matches " +
                                          std::to_string(names.size()) + " entries, more than " +
                                          std::to_string(kMaxGlobMatches));
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

void expand_glob_binds(SandboxPlan& plan, const DirLister& list) {
    if (std::none_of(plan.mounts.begin(), plan.mounts.end(), [](const MountOp& op) { return op.glob; })) return;
    // Who mounts each destination, to refuse a match at one another entry has.
    std::unordered_map<std::string, std::string> taken;
    for (const MountOp& op : plan.mounts)
        if (!op.glob) taken.emplace(op.dest, op.origin);

    std::vector<MountOp> out;
    out.reserve(plan.mounts.size());
    for (MountOp& op : plan.mounts) {
        if (!op.glob) {
            out.push_back(std::move(op));
            continue;
        }
        const std::string source_dir = parent_path(op.source);
        const std::string dest_dir = parent_path(op.dest);
        const std::vector<std::string> names = matches_in(source_dir, base_name(op.source), op, list);
        if (names.empty()) {
            if (!op.optional)
                throw Error(ErrorKind::Usage, op.origin + ": bind source " + printable(op.source) +
                                                  ": no match (write it \"?" + printable(op.source) +
                                                  "\", or add `optional = true`, to skip it)");
            plan.skipped.push_back(std::move(op));
            continue;
        }
        for (const std::string& name : names) {
            MountOp match = op;
            match.glob = false;
            match.matched = op.source;
            match.source = join_path(source_dir, name);
            std::string why;
            match.dest = normalize_absolute(join_path(dest_dir, name), &why);
            if (match.dest.empty())
                throw Error(ErrorKind::Usage, op.origin + ": bind source " + printable(op.source) + " matches " +
                                                  printable(join_path(source_dir, name)) + ", whose path " + why);
            if (auto [other, fresh] = taken.emplace(match.dest, op.origin); !fresh)
                throw Error(ErrorKind::Usage, op.origin + ": bind source " + printable(op.source) + " matches " +
                                                  printable(match.dest) + ", which " + other->second + " mounts too");
            out.push_back(std::move(match));
        }
    }
    plan.mounts = std::move(out);
}

}  // namespace sbx::core
