#include "log/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace sbx::log {

void init(bool verbose) {
    // A synchronous, unlocked stderr sink: sbx is single-threaded and the
    // logger must keep working in the child after clone().
    // Called again once --verbose is known: replace, don't re-register.
    spdlog::drop("sbx");
    auto logger = spdlog::stderr_logger_st("sbx");
    // Verbose lines carry the microseconds since the previous one: each
    // step's cost, for whoever wonders where a launch's time goes.
    logger->set_pattern(verbose ? "sbx[%P] +%ius: %v" : "sbx: %v");
    logger->set_level(verbose ? spdlog::level::debug : spdlog::level::warn);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

}  // namespace sbx::log
