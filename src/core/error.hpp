// error.hpp — the one error type of sbx.
//
// Every failure that reaches the user is an sbx::Error whose what() is the
// whole, single-line, actionable message ("file:line:col: ...",
// "bind /a -> /b: No such file or directory"). main() prints it and maps the
// kind to an exit status. Exceptions (not Result<T>) because the pipeline
// is short, never recovers locally, and the child of clone() simply reports
// and exits.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace sbx {

enum class ErrorKind {
    Usage,  // bad command line or profile: exit 2, nothing was created
    Setup,  // a step of building the sandbox failed: exit 125
    Exec,   // the target could not be executed: exit 126/127
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message, int err = 0)
        : std::runtime_error(std::move(message)), kind_(kind), errno_(err) {}
    ErrorKind kind() const noexcept { return kind_; }
    int error_number() const noexcept { return errno_; }

private:
    ErrorKind kind_;
    int errno_;
};

// Where a value came from, for "file:line:col: message".
struct SourceLoc {
    std::string file;   // a path, "builtin:NAME.toml" or "command line"
    uint32_t line = 0;  // 1-based; 0 = unknown
    uint32_t column = 0;
    std::string str() const {
        if (line == 0) return file;
        return file + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
};

// A profile or command-line error: "LOC: message", exit status 2.
[[noreturn]] inline void fail_at(const SourceLoc& loc, const std::string& message) {
    throw Error(ErrorKind::Usage, loc.str() + ": " + message);
}

}  // namespace sbx
