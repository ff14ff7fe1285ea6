// fuzz_profile.cpp — libFuzzer target: arbitrary bytes as a profile, through
// everything sbx does with a profile before it touches the system (parse with
// includes, build the plan, check the bind sources, describe it, derive the
// bubblewrap arguments).
//
// The only acceptable failure is an sbx::Error (a message for the user); any
// other exception, a crash, a hang or a sanitizer report is a finding.
// Run by tests/fuzz/run-fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/bwrap_args.hpp"
#include "core/plan_builder.hpp"
#include "core/plan_finish.hpp"

namespace {

using namespace sbx::core;

constexpr const char* kInputPath = "/fuzz/profile.toml";

// A fixed host: the fuzzer explores profiles, not environments.
HostFacts fuzz_host() {
    HostFacts host;
    host.uid = 1000;
    host.gid = 1000;
    host.user = "fuzz";
    host.home = "/home/fuzz";
    host.shell = "/bin/sh";
    host.cwd = "/home/fuzz/work";
    host.xdg_runtime_dir = "/run/user/1000";
    host.xdg_config_home = "/home/fuzz/.config";
    host.xdg_data_home = "/home/fuzz/.local/share";
    host.mem_total = uint64_t{8} << 30;  // profiles including "default" size tmpfs mounts in %
    host.env = {{"TERM", "xterm"}, {"LANG", "C.UTF-8"}, {"LC_ALL", "C"}, {"PATH", "/usr/bin"}, {"SECRET", "x"}};
    host.profile_dirs = {"/fuzz", "/etc/sbx/profiles"};
    return host;
}

// Files an input may include (by name "base", by path "inc/more.toml", ...);
// the input itself is readable too, so that `include = ["profile"]` loops.
const std::map<std::string, std::string>& include_files() {
    static const std::map<std::string, std::string> files = {
        {"/fuzz/base.toml", R"(hostname = "base"
chdir = "${HOME}"
[env]
keep = ["TERM", "LC_*"]
[env.set]
PATH = "/usr/bin"
[[mount]]
type = "ro-bind"
source = "/usr"
[[mount]]
type = "tmpfs"
dest = "/tmp"
mode = "1777"
[[mount]]
type = "proc"
dest = "/proc"
)"},
        {"/fuzz/inc/more.toml", R"(include = ["../base.toml"]
[[mount]]
type = "tmpfs"
dest = "/tmp"
size = "64M"
[limits]
nofile = 1024
[seccomp]
deny = ["keyctl:EACCES"]
)"},
        {"/fuzz/loop.toml", "include = [\"./profile.toml\"]\n"},
    };
    return files;
}

FileReader reader_for(const std::string& input) {
    return [&input](const std::string& path) -> std::optional<std::string> {
        if (path == kInputPath) return input;
        const auto& files = include_files();
        if (auto it = files.find(path); it != files.end()) return it->second;
        return std::nullopt;
    };
}

// Sources under /usr and /etc "exist" (and resolve to themselves); anything
// else is missing, so optional, create and failing binds are all reached.
std::optional<std::string> fake_resolve(const std::string& path) {
    if (path.starts_with("/usr") || path.starts_with("/etc")) return path;
    return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const HostFacts host = fuzz_host();
    const std::string input(reinterpret_cast<const char*>(data), size);
    try {
        const Profile profile = load_profile_text(input, kInputPath, host, reader_for(input));
        // The same pure steps as a launch, up to the final plan.
        const SandboxPlan plan =
            finish_plan(build_plan(profile, Overrides{}, host), profile.landlock, host,
                        {fake_resolve, [](const std::string&) { return std::optional<std::vector<DirEntry>>{}; }});
        const std::string text = describe(plan);
        const std::string json = bwrap_command_json(to_bwrap_args(plan));
        // Keep the results observable so that nothing is optimised away.
        if (text.empty() && json.empty()) __builtin_trap();
    } catch (const sbx::Error&) {
        // A bad profile turned into a message: the expected outcome.
    }
    return 0;
}
