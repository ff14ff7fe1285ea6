// desktop_entry.cpp — desktop entries parsed and wrapped through sbx (see
// desktop_entry.hpp; the format: the freedesktop.org Desktop Entry
// Specification 1.5, "Basic format of the file", "Possible value types",
// "The Exec key").
#include "core/desktop_entry.hpp"

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/path.hpp"

namespace sbx::core {
namespace {

[[noreturn]] void fail_line(const std::string& name, uint32_t line, const std::string& message) {
    throw Error(ErrorKind::Usage, printable(name) + ":" + std::to_string(line) + ": " + message);
}

bool valid_utf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        size_t more = 0;
        if (c < 0x80)
            more = 0;
        else if ((c & 0xe0) == 0xc0 && c >= 0xc2)
            more = 1;
        else if ((c & 0xf0) == 0xe0)
            more = 2;
        else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
            more = 3;
        else
            return false;
        if (more > 0 && i + more >= text.size()) return false;
        for (size_t k = 1; k <= more; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
        i += more + 1;
    }
    return true;
}

bool is_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
}

bool valid_key(std::string_view key) {
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

bool is_exec_group(const std::string& group) {
    return group == "Desktop Entry" || group.starts_with("Desktop Action ");
}

// A value written back: a string's escapes, a leading space kept as \s.
std::string escape_value(std::string_view text, bool whole_value = true) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else if (c == ' ' && i == 0 && whole_value)
            out += "\\s";
        else
            out += c;
    }
    return out;
}

// Whether an Exec's words take files or URLs (%f %F %u %U), "%%" skipped.
bool takes_files(const std::vector<std::string>& words) {
    for (const auto& word : words)
        for (size_t i = 0; i + 1 < word.size(); ++i)
            if (word[i] == '%') {
                const char code = word[i + 1];
                if (code == 'f' || code == 'F' || code == 'u' || code == 'U') return true;
                ++i;
            }
    return false;
}

}  // namespace

std::optional<std::string> DesktopEntry::get(std::string_view group, std::string_view key) const {
    for (const auto& line : lines)
        if (line.kind == DesktopLine::Kind::Entry && line.group == group && line.key == key && line.locale.empty())
            return line.value;
    return std::nullopt;
}

DesktopEntry parse_desktop_entry(std::string_view text, const std::string& name) {
    if (text.find('\0') != std::string_view::npos) fail_line(name, 1, "a NUL byte: not a desktop entry");
    if (!valid_utf8(text)) fail_line(name, 1, "not UTF-8 text");
    DesktopEntry entry;
    std::set<std::string> groups;
    std::set<std::string> keys;  // "group\nkey[locale]"
    std::string group;
    uint32_t number = 0;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view raw = text.substr(start, end - start);
        start = end + 1;
        ++number;
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        DesktopLine line;
        line.text = std::string(raw);
        line.line = number;
        const size_t first = raw.find_first_not_of(" \t");
        if (first == std::string_view::npos) {
            entry.lines.push_back(std::move(line));
            continue;
        }
        if (raw[first] == '#') {
            line.kind = DesktopLine::Kind::Comment;
            entry.lines.push_back(std::move(line));
            continue;
        }
        if (raw.front() == '[') {
            const size_t close = raw.find(']');
            if (close == std::string_view::npos || raw.find_first_not_of(" \t", close + 1) != std::string_view::npos)
                fail_line(name, number, "a group header must be \"[NAME]\" alone on its line");
            group = std::string(raw.substr(1, close - 1));
            if (group.empty() || group.find('[') != std::string::npos ||
                std::any_of(group.begin(), group.end(), is_control))
                fail_line(name, number, "bad group name " + quoted(group));
            if (groups.empty() && group != "Desktop Entry")
                fail_line(name, number, "the first group must be [Desktop Entry], not " + quoted("[" + group + "]"));
            if (!groups.insert(group).second) fail_line(name, number, "group [" + printable(group) + "] given twice");
            line.kind = DesktopLine::Kind::Group;
            line.group = group;
            entry.lines.push_back(std::move(line));
            continue;
        }
        const size_t eq = raw.find('=');
        if (eq == std::string_view::npos)
            fail_line(name, number, "expected \"Key=Value\", a [Group] or a # comment, got " + quoted(raw));
        if (group.empty()) fail_line(name, number, "an entry before the first group");
        std::string_view key = raw.substr(0, eq);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
        std::string_view value = raw.substr(eq + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        std::string locale;
        if (const size_t open = key.find('['); open != std::string_view::npos) {
            if (key.back() != ']' || open + 2 >= key.size())
                fail_line(name, number, "bad localised key " + quoted(key) + " (expected Key[locale])");
            locale = std::string(key.substr(open + 1, key.size() - open - 2));
            if (locale.find_first_of("[]") != std::string::npos ||
                std::any_of(locale.begin(), locale.end(), is_control))
                fail_line(name, number, "bad locale in " + quoted(key));
            key = key.substr(0, open);
        }
        if (!valid_key(key)) fail_line(name, number, "bad key " + quoted(key) + " (letters, digits and '-' only)");
        if (!keys.insert(group + "\n" + std::string(key) + "[" + locale + "]").second)
            fail_line(name, number,
                      "key " + quoted(std::string(key) + (locale.empty() ? "" : "[" + locale + "]")) +
                          " given twice in [" + printable(group) + "]");
        line.kind = DesktopLine::Kind::Entry;
        line.group = group;
        line.key = std::string(key);
        line.locale = locale;
        line.value = std::string(value);
        entry.lines.push_back(std::move(line));
    }
    if (groups.empty()) fail_line(name, number == 0 ? 1 : number, "no [Desktop Entry] group");
    return entry;
}

std::string unescape_desktop_value(std::string_view raw, const std::string& where) {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\') {
            out += raw[i];
            continue;
        }
        if (i + 1 == raw.size()) throw Error(ErrorKind::Usage, where + ": a value ends in a lone backslash");
        switch (raw[++i]) {
        case 's': out += ' '; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '\\': out += '\\'; break;
        case ';': out += "\\;"; break;  // lists keep it: their separator
        default:
            throw Error(ErrorKind::Usage, where + ": unknown escape " + quoted(std::string("\\") + raw[i]) +
                                              " (\\s \\n \\t \\r \\\\ only)");
        }
    }
    return out;
}

std::vector<std::string> split_exec(std::string_view raw, const std::string& where) {
    const std::string text = unescape_desktop_value(raw, where);
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else if (c == '"') {
            in_word = true;
            for (++i;; ++i) {
                if (i >= text.size()) throw Error(ErrorKind::Usage, where + ": Exec has an unterminated \"quote\"");
                if (text[i] == '"') break;
                if (text[i] == '\\') {
                    if (i + 1 >= text.size() || std::string_view("\"`$\\").find(text[i + 1]) == std::string_view::npos)
                        throw Error(ErrorKind::Usage,
                                    where + ": inside Exec's quotes a backslash escapes only \" ` $ and \\");
                    ++i;
                }
                word += text[i];
            }
        } else {
            in_word = true;
            word += c;
        }
    }
    if (in_word) words.push_back(std::move(word));
    if (words.empty()) throw Error(ErrorKind::Usage, where + ": Exec is empty");
    return words;
}

std::string exec_word(std::string_view arg) {
    if (arg.empty()) return escape_value("\"\"");
    if (std::any_of(arg.begin(), arg.end(), is_control))
        throw Error(ErrorKind::Usage, "cannot write " + quoted(arg) + " in an Exec line: it holds a control character");
    constexpr std::string_view kReserved = " \t\n\"'\\><~|&;$*?#()`";
    std::string word;
    for (char c : arg) word += c == '%' ? std::string("%%") : std::string(1, c);
    if (word.find_first_of(kReserved) != std::string::npos) {
        std::string quoted_word = "\"";
        for (char c : word) {
            if (c == '"' || c == '`' || c == '$' || c == '\\') quoted_word += '\\';
            quoted_word += c;
        }
        word = quoted_word + "\"";
    }
    return escape_value(word);
}

bool is_sbx_wrapper(const DesktopEntry& entry) { return entry.get("Desktop Entry", "X-Sbx-Profile").has_value(); }

std::string wrap_desktop_entry(const DesktopEntry& entry, const WrapRequest& request, const std::string& name) {
    const auto type = entry.get("Desktop Entry", "Type");
    if (!type || *type != "Application")
        fail_line(name, 1, "not an application (Type=" + printable(type.value_or("")) + "): nothing to wrap");
    if (!entry.get("Desktop Entry", "Exec"))
        fail_line(name, 1,
                  "no Exec= in [Desktop Entry] (a D-Bus activated entry without one cannot be started through sbx)");
    std::string prefix = exec_word(request.sbx) + " --profile " + exec_word(request.profile);
    std::string out;
    for (const auto& line : entry.lines) {
        const bool main = line.group == "Desktop Entry";
        if (line.kind == DesktopLine::Kind::Entry && main &&
            (line.key == "DBusActivatable" || line.key.starts_with("X-Sbx-")))
            continue;
        if (line.kind != DesktopLine::Kind::Entry) {
            out += line.text + "\n";
            if (line.kind == DesktopLine::Kind::Group && main)
                out += "X-Sbx-Profile=" + escape_value(request.profile) +
                       "\nX-Sbx-Original=" + escape_value(request.original) + "\n";
            continue;
        }
        // A localised Exec[xx]= is not in the spec, but KDE's KConfig reads
        // it in that locale: kept, it would start the app without sbx.
        if (is_exec_group(line.group) && line.key == "Exec" && !line.locale.empty()) continue;
        std::string key = line.key + (line.locale.empty() ? "" : "[" + line.locale + "]");
        if (is_exec_group(line.group) && line.key == "Exec" && line.locale.empty()) {
            const auto words = split_exec(line.value, printable(name) + ":" + std::to_string(line.line));
            const bool files = request.add_file_arguments && takes_files(words);
            out += "Exec=" + prefix + (files ? " --file-arguments=read-only" : "") + " -- " + line.value + "\n";
        } else if (main && line.key == "Name") {
            out += key + "=" + line.value + escape_value(request.suffix, false) + "\n";
        } else {
            out += line.text + "\n";
        }
    }
    return out;
}

std::string desktop_file_id(std::string_view app) {
    std::string id(app);
    if (!id.ends_with(".desktop")) id += ".desktop";
    if (id == ".desktop" || id.find('/') != std::string::npos || id.front() == '.' ||
        std::any_of(id.begin(), id.end(), is_control))
        throw Error(ErrorKind::Usage, "bad desktop file id " + quoted(app) +
                                          " (expected a name such as firefox-esr or firefox-esr.desktop)");
    return id;
}

std::vector<std::string> application_dirs(const std::string& data_home, const std::string& data_dirs) {
    std::vector<std::string> out{join_path(data_home, "applications")};
    const std::string dirs = data_dirs.empty() ? "/usr/local/share:/usr/share" : data_dirs;
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        const std::string dir = dirs.substr(start, end - start);
        if (!dir.empty() && dir.front() == '/') {
            const std::string apps = join_path(dir, "applications");
            if (std::find(out.begin(), out.end(), apps) == out.end()) out.push_back(apps);
        }
        start = end + 1;
    }
    return out;
}

}  // namespace sbx::core
