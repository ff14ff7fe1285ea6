// helpers.cpp — see helpers.hpp.
#include "core/helpers.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/path.hpp"

namespace sbx::core {
namespace {

template <class T>
std::optional<T> number(std::string_view text) {
    T value{};
    if (text.empty() || text.size() > 20 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

InstancePlan instance_plan(const std::string& runtime_dir, uint32_t pid) {
    InstancePlan plan;
    plan.root = join_path(runtime_dir, "sbx");
    plan.name = std::to_string(pid);
    plan.dir = join_path(plan.root, plan.name);
    return plan;
}

bool is_instance_name(const std::string& name) {
    if (name.empty() || name.front() == '0') return false;
    const auto pid = number<uint64_t>(name);
    return pid && *pid >= 1 && *pid <= 4194304;
}

std::string instance_record(uint32_t pid, uint64_t start_time) {
    return std::to_string(pid) + " " + std::to_string(start_time) + "\n";
}

std::optional<InstanceRecord> parse_instance_record(const std::string& text) {
    const size_t space = text.find(' ');
    if (space == std::string::npos || text.empty() || text.back() != '\n') return std::nullopt;
    const auto pid = number<uint32_t>(std::string_view(text).substr(0, space));
    const auto start = number<uint64_t>(std::string_view(text).substr(space + 1, text.size() - space - 2));
    if (!pid || !start || *pid == 0) return std::nullopt;
    return InstanceRecord{*pid, *start};
}

std::optional<uint64_t> stat_start_time(const std::string& stat) {
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) return std::nullopt;
    // After ") ": field 3 (state) is the first; starttime is field 22.
    size_t at = paren + 1;
    for (int field = 3; field < 22; ++field) {
        at = stat.find(' ', at + 1);
        if (at == std::string::npos) return std::nullopt;
    }
    const size_t end = stat.find_first_of(" \n", at + 1);
    return number<uint64_t>(
        std::string_view(stat).substr(at + 1, (end == std::string::npos ? stat.size() : end) - at - 1));
}

bool instance_is_stale(const InstanceRecord& record, const std::optional<std::string>& stat_of_pid) {
    if (!stat_of_pid) return true;
    const auto start = stat_start_time(*stat_of_pid);
    return !start || *start != record.start_time;
}

}  // namespace sbx::core
