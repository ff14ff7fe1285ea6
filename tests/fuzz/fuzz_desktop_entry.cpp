// fuzz_desktop_entry.cpp — libFuzzer target: arbitrary bytes as a desktop
// entry, through what `sbx desktop install` does with one (parse, split each
// Exec, wrap through sbx), with the wrapper's own properties checked: it
// parses again, is marked as sbx's, and each of its Exec lines splits into
// sbx's words followed by exactly the original's.
//
// The only acceptable failure is an sbx::Error; any other exception, a
// crash, a hang, a sanitizer report or a broken property is a finding.
// Run by tests/fuzz/run-fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/desktop_entry.hpp"
#include "core/error.hpp"

namespace {

using namespace sbx::core;

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    DesktopEntry entry;
    try {
        entry = parse_desktop_entry(text, "fuzz.desktop");
    } catch (const sbx::Error&) {
        return 0;
    }
    WrapRequest request;
    request.sbx = "/opt/my sbx/sbx";  // a path that needs quoting
    request.profile = "pdf-viewer";
    request.add_file_arguments = true;
    request.original = "/usr/share/applications/fuzz.desktop";
    std::string wrapped;
    try {
        wrapped = wrap_desktop_entry(entry, request, "fuzz.desktop");
    } catch (const sbx::Error&) {
        return 0;
    }
    const DesktopEntry again = parse_desktop_entry(wrapped, "wrapped.desktop");  // must not throw
    check(is_sbx_wrapper(again));
    check(!again.get("Desktop Entry", "DBusActivatable"));
    for (const auto& line : entry.lines) {
        if (line.kind != DesktopLine::Kind::Entry || line.key != "Exec" || !line.locale.empty()) continue;
        if (line.group != "Desktop Entry" && line.group.rfind("Desktop Action ", 0) != 0) continue;
        const std::vector<std::string> original = split_exec(line.value, "o");
        const auto value = again.get(line.group, "Exec");
        check(value.has_value());
        const std::vector<std::string> words = split_exec(*value, "w");
        check(words.size() > original.size() + 3);
        check(words[0] == request.sbx && words[1] == "--profile" && words[2] == request.profile);
        const size_t dashes = words.size() - original.size() - 1;
        check(words[dashes] == "--");
        check(std::vector<std::string>(words.begin() + static_cast<long>(dashes) + 1, words.end()) == original);
    }
    return 0;
}
