// desktop_entry.hpp — freedesktop.org desktop entries (.desktop files)
// parsed, and rewritten so that every Exec= runs through sbx (`sbx desktop
// install`). Pure: files come in as text and go out as text; the
// command-line front end (src/desktop/desktop.cpp) reads and writes them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::core {

// One line of the file, kept as written so that a rewrite changes only the
// lines it means to.
struct DesktopLine {
    enum class Kind { Blank, Comment, Group, Entry } kind = Kind::Blank;
    std::string text;    // the line as written (without its newline)
    std::string group;   // Group: its name; Entry: the group it is in
    std::string key;     // Entry: "Name", without the locale
    std::string locale;  // Entry: "de_DE" of "Name[de_DE]"; empty if none
    std::string value;   // Entry: the raw value (escapes not undone)
    uint32_t line = 0;   // 1-based
};

struct DesktopEntry {
    std::vector<DesktopLine> lines;
    // The raw value of `key` (no locale) in `group`, or nullopt.
    std::optional<std::string> get(std::string_view group, std::string_view key) const;
};

// Parses a desktop entry. Throws Usage "NAME:LINE: message" for a line that
// is no comment, group header or Key=Value, an entry before the first group,
// a bad key, a group or key given twice, a first group other than
// [Desktop Entry], and text that is not UTF-8 or holds a NUL.
DesktopEntry parse_desktop_entry(std::string_view text, const std::string& name);

// A string value's escapes undone (\s \n \t \r \\); throws Usage at `where`
// for another escape or a trailing backslash.
std::string unescape_desktop_value(std::string_view raw, const std::string& where);

// An Exec value (raw, as in the file) split into its arguments as the
// Desktop Entry Specification says: string escapes undone, then double
// quotes (inside them \" \` \$ \\ stand for the character). Field codes
// (%f, %U, ...) are kept in the words. Throws Usage at `where` for an
// unterminated quote, a bad escape, an empty command.
std::vector<std::string> split_exec(std::string_view raw, const std::string& where);

// One argument written for an Exec value: quoted when it holds a reserved
// character, '%' doubled, then escaped as a string value. Throws Usage for
// a control character.
std::string exec_word(std::string_view arg);

// What `sbx desktop install` asks for.
struct WrapRequest {
    std::string sbx;                      // absolute path of the sbx binary
    std::string profile;                  // --profile as the wrapper should name it
    bool add_file_arguments = false;      // add --file-arguments=read-only where Exec takes files
    std::string original;                 // the path of the entry wrapped (X-Sbx-Original)
    std::string suffix = " (sandboxed)";  // appended to every Name and Name[xx]
};

// The entry rewritten: in [Desktop Entry] and each [Desktop Action ...],
// Exec=ORIGINAL becomes Exec=SBX --profile P [--file-arguments=read-only] --
// ORIGINAL (the original text kept, field codes and quoting included; the
// file option only where it has %f %F %u or %U); DBusActivatable dropped
// (activation over D-Bus would start the program without sbx); every Name
// and Name[xx] of [Desktop Entry] suffixed; X-Sbx-Profile and
// X-Sbx-Original added to [Desktop Entry]. TryExec is kept: the wrapper
// hides with the program it wraps. Throws Usage (NAME:LINE) for an entry
// that is no Application, has no Exec, or whose Exec does not split.
std::string wrap_desktop_entry(const DesktopEntry& entry, const WrapRequest& request, const std::string& name);

// True for an entry sbx wrote (it has X-Sbx-Profile in [Desktop Entry]).
bool is_sbx_wrapper(const DesktopEntry& entry);

// "firefox-esr" or "firefox-esr.desktop" -> "firefox-esr.desktop". Throws
// Usage for an id that is empty, holds a '/', starts with '.', or a
// control character.
std::string desktop_file_id(std::string_view app);

// Where `sbx desktop install` looks for an entry, in the order of the
// XDG Base Directory spec: DATA_HOME/applications, then each of
// DATA_DIRS (":"-separated; empty means /usr/local/share:/usr/share).
// Relative entries of DATA_DIRS are ignored, as the spec says.
std::vector<std::string> application_dirs(const std::string& data_home, const std::string& data_dirs);

}  // namespace sbx::core
