// overrides.hpp — what the command line adds on top of a profile.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/profile.hpp"

namespace sbx::core {

struct Overrides {
    std::vector<FsEntry> mounts;  // --bind/--ro-bind/--tmpfs in command-line order, applied after the profile's
    std::vector<std::pair<std::string, std::string>> setenv;
    std::vector<std::string> unsetenv;
    std::optional<std::string> chdir;
    std::optional<std::string> hostname;
    bool share_net = false;
    std::vector<std::string> command;           // empty: the profile's command, else /bin/sh
    std::optional<PtyMode> pty;                 // --pty (Always), --no-pty (Never)
    std::optional<std::string> file_arguments;  // --file-arguments MODE: "none", "read-only", "read-write"
};

// "SRC[:DST]" from --bind / --ro-bind. A relative SRC is taken from `cwd`;
// DST defaults to SRC. Throws Usage naming the option on an empty SRC.
FsEntry parse_bind_option(MountKind type, const std::string& option, const std::string& value, const std::string& cwd);

}  // namespace sbx::core
