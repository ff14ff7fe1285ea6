// desktop.hpp — `sbx desktop install|remove|list` and `sbx --list-profiles`:
// the front end that reads and writes desktop entries (src/sys/files) and
// leaves every decision about their text to the core (core/desktop_entry).
#pragma once

#include "cli/cli.hpp"
#include "core/host.hpp"

namespace sbx::desktop {

// Runs one `sbx desktop` action; returns the exit status. Throws sbx::Error
// (Usage: bad input, a refusal; else an I/O failure).
int run(const cli::DesktopOptions& options, const core::HostFacts& host);

// Prints the profile names `--profile NAME` finds, one a line: the *.toml of
// the profile folders (not NAME.local.toml), then the built-in ones.
int list_profiles(const core::HostFacts& host);

}  // namespace sbx::desktop
