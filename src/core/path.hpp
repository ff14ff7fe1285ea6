// path.hpp — lexical path handling for sandbox destinations (no syscalls).
#pragma once

#include <string>
#include <string_view>

namespace sbx::core {

// Collapses "//" and "/./", strips a trailing '/'. Returns an empty string
// when the path is relative, empty, contains a ".." component, a NUL or a
// newline, is longer than 4095 bytes (PATH_MAX with its NUL) or has a
// component longer than 255 (NAME_MAX); `why` then says which.
std::string normalize_absolute(std::string_view path, std::string* why);

// For host paths: collapses "//" and "/./" and strips a trailing '/', but
// keeps ".." (it cannot be folded without knowing which parts are symlinks).
// "/a//./b/../c/" -> "/a/b/../c". A relative path stays relative.
std::string tidy_host_path(std::string_view path);

// "/a" + "b/c" -> "/a/b/c"; "/" + "x" -> "/x". `rel` may start with '/'.
std::string join_path(std::string_view base, std::string_view rel);

// True when `path` equals `dir` or lies below it (both normalised).
bool is_under(std::string_view path, std::string_view dir);

// Number of components: "/" -> 0, "/a/b" -> 2.
size_t path_depth(std::string_view normalised);

// The parent of a normalised path: "/a/b" -> "/a", "/a" -> "/".
std::string parent_path(std::string_view normalised);

// `text` for an error message: control characters escaped ("\n", "\x00")
// so that the message stays one line and a NUL cannot cut it short, and
// anything past 200 bytes elided ("...(4200 bytes)").
std::string printable(std::string_view text);

// printable(text) in double quotes: how user text (a path, a syscall name,
// a profile string) enters an error message.
std::string quoted(std::string_view text);

}  // namespace sbx::core
