// error.hpp — the one error type of sbx.
//
// Every failure that reaches the user is an sbx::Error whose what() is the
// whole, single-line, actionable message ("file:line:col: ...",
// "bind /a -> /b: No such file or directory"). main() prints it and maps the
// kind to an exit status. Exceptions (not Result<T>) because the pipeline
// is short, never recovers locally, and the child of clone() simply reports
// and exits.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

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

namespace core {
std::string printable(std::string_view text);  // core/path.hpp
}

// Where a value came from, for "file:line:col: message".
struct SourceLoc {
    std::string file;   // a path, "builtin:NAME.toml" or "command line"
    uint32_t line = 0;  // 1-based; 0 = unknown
    uint32_t column = 0;
    // The file's name escaped when it holds a control character (a profile
    // path is the user's text too): every message and origin stays one line.
    std::string str() const {
        const bool plain = std::none_of(file.begin(), file.end(), [](char c) {
            const auto byte = static_cast<unsigned char>(c);
            return byte < 0x20 || byte == 0x7f;
        });
        std::string name = plain ? file : core::printable(file);
        if (line == 0) return name;
        return name + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
};

// A profile or command-line error: "LOC: message", exit status 2.
[[noreturn]] inline void fail_at(const SourceLoc& loc, const std::string& message) {
    throw Error(ErrorKind::Usage, loc.str() + ": " + message);
}

}  // namespace sbx
