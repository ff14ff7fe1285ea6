// host_facts.hpp — reads the HostFacts the pure core is given, and the
// FileReader it reads profiles through.
#pragma once

#include <string>

#include "core/host.hpp"

namespace sbx::sys {

core::HostFacts read_host_facts();
// The absolute path of the working directory. When it cannot be read (it
// was deleted, or an ancestor is not searchable) a one-line error says so
// and what to do: sbx never guesses another directory to bind or chdir to.
std::string current_dir();
core::FileReader file_reader();
// Reads profile files: their text, or the errno that stopped it, with the
// owner, mode and type of the file opened (symlinks followed).
core::ProfileReader profile_reader();
// True when this process could create `path` (a missing folder): the
// deepest existing ancestor is writable to it. access(2), real ids.
bool can_create(const std::string& path);

}  // namespace sbx::sys
