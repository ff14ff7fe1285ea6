// bwrap_args.hpp — the bubblewrap command line that builds the same sandbox
// as a SandboxPlan. Used by `sbx --print-bwrap-args` so that the benchmark
// (bench/) gives bubblewrap exactly sbx's namespaces, mounts and
// environment, derived from the plan instead of written twice by hand.
#pragma once

#include <string>
#include <vector>

#include "core/plan.hpp"

namespace sbx::core {

// bwrap reads `--file FD DEST` and `--seccomp FD` from file descriptors, which
// a pure function cannot open: those arguments are placeholders that the
// caller replaces with real descriptors.
struct BwrapCommand {
    // Everything after "bwrap", ending with "--" and the command. "{FD<i>}"
    // stands for a descriptor holding file_contents[i]; "{SECCOMP}" for one
    // holding the compiled filter (what `sbx --export-seccomp` writes).
    std::vector<std::string> args;
    std::vector<std::string> file_contents;
    bool seccomp = false;
    // What sbx would do that bwrap has no option for ("landlock", "rlimits",
    // ...): the two sandboxes differ by exactly these.
    std::vector<std::string> not_expressible;
};

// "{FD<index>}", the placeholder of file_contents[index].
std::string bwrap_file_placeholder(size_t index);
inline constexpr const char* kBwrapSeccompPlaceholder = "{SECCOMP}";

BwrapCommand to_bwrap_args(const SandboxPlan& plan);

// The command as a JSON object, one argument per line:
// {"bwrap": [...], "files": [...], "seccomp": bool, "not_expressible": [...]}.
// JSON rather than shell words because file contents travel with it.
std::string bwrap_command_json(const BwrapCommand& command);

}  // namespace sbx::core
