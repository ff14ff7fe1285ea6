// log.hpp — spdlog set-up. Messages go to stderr as "sbx: message";
// --verbose adds one debug line per setup step.
#pragma once

#include <spdlog/spdlog.h>

namespace sbx::log {

void init(bool verbose);

}  // namespace sbx::log
