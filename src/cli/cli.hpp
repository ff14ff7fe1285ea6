// cli.hpp — argv -> Options, with CLI11.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/overrides.hpp"

namespace sbx::cli {

// `sbx desktop install|remove|list` (src/desktop/desktop.hpp).
struct DesktopOptions {
    std::string action;   // "install", "remove", "list"
    std::string app;      // the desktop file id, with or without ".desktop"
    std::string profile;  // install: --profile NAME|PATH
    bool force = false;   // install: write over an entry sbx did not write
};

struct Options {
    std::string profile;  // empty: the compiled-in default profile
    core::Overrides overrides;
    bool verbose = false;
    bool dry_run = false;
    bool print_bwrap_args = false;  // --print-bwrap-args: the same sandbox as a bwrap command (JSON); run nothing
    std::string export_seccomp;     // --export-seccomp FILE: write the compiled filter and run nothing
    bool list_profiles = false;     // --list-profiles: the names --profile finds, one a line; run nothing
    std::optional<DesktopOptions> desktop;  // the first word was "desktop"
};

// Parses argv. Returns the exit status to leave with (0 after --help or
// --version, 2 after a usage error, already printed), or -1 to go on.
// `cwd` is called only when a relative --bind/--ro-bind source needs it, so
// that --help and --version work in a deleted working directory.
int parse(int argc, char** argv, const std::function<std::string()>& cwd, Options& options);

}  // namespace sbx::cli
