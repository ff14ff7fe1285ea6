// host_facts.hpp — reads the HostFacts the pure core is given, and the
// FileReader it reads profiles through.
#pragma once

#include "core/host.hpp"

namespace sbx::sys {

core::HostFacts read_host_facts();
core::FileReader file_reader();

}  // namespace sbx::sys
