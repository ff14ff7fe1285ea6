// test_bad_input.cpp — hostile and broken profiles (issue 3, "Bad input"):
// each one must end in one Usage error whose message is a single line
// starting "file:line:col: " and saying what is wrong, and the huge ones
// must finish (no timing is asserted here; see tests/fuzz for the fuzzer).
#include <catch2/catch.hpp>

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/plan_builder.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

HostFacts bad_input_host() {
    HostFacts host = test::sample_host();
    host.gid = 1000;
    host.cwd = "/home/alice";
    host.profile_dirs = {"/p"};
    return host;
}

using Files = std::map<std::string, std::string>;

// Parses `text` as /p/bad.toml and builds the plan: what `sbx` does before
// it creates anything.
SandboxPlan plan_from(const std::string& text, const Files& files = {}) {
    const HostFacts host = bad_input_host();
    test::FakeFiles fs{files, {}};
    return build_plan(load_profile_text(text, "/p/bad.toml", host, fs.reader()), {}, host);
}

// The message of the Usage error; "(no error)" when there was none. Also
// checks that the message is one line that a NUL does not cut short.
std::string error_of(const std::string& text, const Files& files = {}) {
    try {
        plan_from(text, files);
    } catch (const Error& err) {
        CHECK(err.kind() == ErrorKind::Usage);
        const std::string message = err.what();
        CHECK(std::strlen(err.what()) == message.size());
        CHECK(message.find('\n') == std::string::npos);
        return message;
    }
    return "(no error)";
}

struct BadCase {
    const char* what;
    std::string text;
    std::string prefix;    // the message starts with this ("/p/bad.toml:L:C: ")
    std::string fragment;  // ... and contains this
};

void check_cases(const std::vector<BadCase>& cases) {
    for (const BadCase& c : cases) {
        INFO(c.what);
        const std::string message = error_of(c.text);
        INFO(message);
        CHECK(message.rfind(c.prefix, 0) == 0);
        CHECK(message.find(c.fragment) != std::string::npos);
    }
}

const std::string kAt = "/p/bad.toml:";

}  // namespace

TEST_CASE("bad input: an empty profile is valid and gives the defaults") {
    for (const std::string text : {"", "\n\n", "# only a comment\n", "   \t\n"}) {
        const SandboxPlan plan = plan_from(text);
        CHECK(plan.mounts.empty());
        CHECK(plan.argv == std::vector<std::string>{"/bin/sh"});
        CHECK(plan.chdir == "/");
        CHECK(plan.new_session);
        CHECK(plan.ns.net);
        CHECK(plan.ns.pid);
    }
}

TEST_CASE("bad input: truncated, non-UTF-8 and NUL-containing profiles") {
    check_cases({
        {"cut-off table header", "[mou", kAt + "1:5: ", "error while parsing table header: encountered end-of-file"},
        {"cut-off array-of-tables header", "[[mount]]\ntype = \"tmpfs\"\n[[mount",
         kAt + "3:8: ", "error while parsing table header: encountered end-of-file"},
        {"cut-off string", "hostname = \"abc", kAt + "1:16: ", "error while parsing string: encountered end-of-file"},
        {"cut-off multi-line string", "[[mount]]\ntype = \"file\"\ndest = \"/f\"\ncontent = \"\"\"abc\n",
         kAt + "4:18: ", "error while parsing string: encountered end-of-file"},
        {"cut-off key", "hostn", kAt + "1:6: ", "encountered end-of-file"},
        {"cut-off value", "hostname =", kAt + "1:11: ", "encountered end-of-file"},
        {"cut-off array", "command = [\"/bin/sh\", ",
         kAt + "1:23: ", "error while parsing array: encountered end-of-file"},
        {"non-UTF-8 byte first", "\xff", kAt + "1:1: ", "encountered invalid utf-8 sequence"},
        {"non-UTF-8 bytes in a string", "hostname = \"a\xff\xfe\"\n",
         kAt + "1:13: ", "encountered invalid utf-8 sequence"},
        {"overlong UTF-8 encoding of '/'", "chdir = \"\xc0\xaf\"\n", kAt + "1:", "encountered invalid utf-8 sequence"},
        {"UTF-8 encoded surrogate", "hostname = \"\xed\xa0\x80\"\n", kAt + "1:", "invalid utf-8 sequence"},
        {"NUL byte in a string", std::string("hostname = \"a\0b\"\n", 17),
         kAt + "1:14: ", "unescaped control characters other than TAB (U+0009) are explicitly prohibited"},
        {"NUL byte after a value", std::string("hostname = \"a\"\0\n", 16),
         kAt + "1:15: ", "expected a comment or whitespace, saw '\\u0000'"},
        {"NUL byte first", std::string("\0", 1), kAt + "1:1: ", "'\\u0000'"},
        // toml++ 3.3 asserts on this one in a debug build (see tests/fuzz/meson.build).
        {"NUL byte as a table name", std::string("[\0", 2), kAt + "1:2: ",
         "error while parsing key: expected bare key starting character or string delimiter, saw '\\u0000'"},
    });
}

namespace {

std::string utf8(char32_t c) {
    std::string out;
    if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
    } else {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    }
    out += static_cast<char>(0x80 | (c & 0x3F));
    return out;
}

}  // namespace

// toml++ 3.3.0 reaches __builtin_unreachable() (undefined behaviour) when
// it asks whether U+00A1-U+0499, U+2C5E-U+3057 or U+FB26-U+FEFE is
// whitespace; src/core/toml_guard.hpp compiles that check to answer "no". Under
// UndefinedBehaviorSanitizer (tests/sanitize.sh) this test proves it.
TEST_CASE("bad input: non-ASCII characters where toml++ asks whether they are whitespace") {
    const std::string omega = utf8(0x3A9);
    check_cases({
        {"at the start of a line", omega + " = 1\n",
         kAt + "1:1: ", "expected keys, tables, whitespace or comments, saw '" + omega + "'"},
        {"after a number", "[limits]\nnofile = 1" + omega + "\n",
         kAt + "2:11: ", "expected digit, saw '" + omega + "'"},
        {"after a string", "hostname = \"a\"" + omega + "\n", kAt + "1:15: ", "error while parsing"},
        {"in a garbled value", "[landlock]\nexecute =0[\"${PW" + utf8(0x182) + "\"]\n",
         kAt + "2:", "error while parsing"},
        {"right after a backslash in a multi-line string", "hostname = \"\"\"a\\" + omega + "\"\"\"\n",
         kAt + "1:", "escape sequence"},
    });
    // A line-ending backslash trims the blanks before the next character only.
    CHECK(plan_from("hostname = \"\"\"a\\\n   " + omega + "\"\"\"\n").hostname == "a" + omega);

    size_t line_start_errors = 0;
    size_t trimmed = 0;
    for (char32_t c = 0xA0; c <= 0xFFFD; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;  // surrogates are not characters
        try {
            plan_from(utf8(c) + " = 1\n");
        } catch (const Error& err) {
            if (std::string(err.what()).rfind(kAt + "1:1: ", 0) == 0) ++line_start_errors;
        }
        try {
            const std::string hostname = plan_from("hostname = \"\"\"x\\\n " + utf8(c) + "\"\"\"\n").hostname;
            if (hostname == "x" + utf8(c)) ++trimmed;
        } catch (const Error&) {
        }
    }
    const size_t characters = 0xFFFD - 0xA0 + 1 - 0x800;
    // U+FEFF at the very start of a file is a byte order mark, skipped.
    CHECK(line_start_errors == characters - 1);
    // Non-ASCII blanks (U+00A0, U+2000-U+200B, ...) count as blanks to toml++.
    CHECK(trimmed > characters - 30);
}

TEST_CASE("bad input: duplicate keys and tables") {
    check_cases({
        {"duplicate scalar key", "hostname = \"a\"\nhostname = \"b\"\n",
         kAt + "2:", "cannot redefine existing string 'hostname'"},
        {"duplicate table", "[env]\nclear = true\n[env]\nclear = false\n", kAt + "3:", "redefine"},
        {"duplicate key in a table", "[limits]\nnofile = 1\nnofile = 2\n",
         kAt + "3:", "cannot redefine existing integer 'nofile'"},
        {"duplicate key in [[mount]]", "[[mount]]\ntype = \"tmpfs\"\ntype = \"dir\"\n",
         kAt + "3:", "cannot redefine existing string"},
        {"a table over an array of tables", "[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\n[mount]\n",
         kAt + "4:", "mount"},
    });
}

TEST_CASE("bad input: a wrong type for every top-level key") {
    check_cases({
        {"include", "include = 42\n", kAt + "1:11: ", "`include` must be an array of strings"},
        {"include element", "include = [1]\n", kAt + "1:12: ", "`include` must be an array of strings"},
        {"hostname", "hostname = 42\n", kAt + "1:12: ", "`hostname` must be a string"},
        {"chdir", "chdir = true\n", kAt + "1:9: ", "`chdir` must be a string"},
        {"command: a string", "command = \"sh\"\n", kAt + "1:11: ", "`command` must be a non-empty array of strings"},
        {"command: empty", "command = []\n", kAt + "1:11: ", "`command` must be a non-empty array of strings"},
        {"command: a number inside", "command = [1]\n", kAt + "1:12: ", "`command` must be an array of strings"},
        {"new-session", "new-session = \"yes\"\n", kAt + "1:15: ", "`new-session` must be true or false"},
        {"interactive", "interactive = 1\n", kAt + "1:15: ", "`interactive` must be true or false"},
        {"pty: a bool", "pty = true\n", kAt + "1:7: ", "`pty` must be a string"},
        {"pty: an unknown mode", "pty = \"yes\"\n",
         kAt + "1:7: ", "`pty` must be \"auto\", \"always\" or \"never\", not \"yes\""},
        {"pty: an empty mode", "pty = \"\"\n",
         kAt + "1:7: ", "`pty` must be \"auto\", \"always\" or \"never\", not \"\""},
        {"interactive = false", "interactive = false\n", kAt + "1:15: ", "`interactive = false` no longer turns"},
        {"interactive and pty", "pty = \"never\"\ninteractive = true\n",
         kAt + "2:15: ", "`interactive` and `pty` in one profile: keep only `pty`"},
        {"user", "user = \"root\"\n", kAt + "1:8: ", "`user` must be a table"},
        {"namespaces", "namespaces = true\n", kAt + "1:14: ", "`namespaces` must be a table"},
        {"env", "env = []\n", kAt + "1:7: ", "`env` must be a table"},
        {"mount: a table", "mount = {type = \"tmpfs\"}\n",
         kAt + "1:9: ", "`mount` must be an array of tables, written [[mount]]"},
        {"mount: an array of numbers", "mount = [1]\n",
         kAt + "1:10: ", "`mount` must be an array of tables, written [[mount]]"},
        {"seccomp", "seccomp = \"none\"\n", kAt + "1:11: ", "`seccomp` must be a table"},
        {"capabilities", "capabilities = [\"CAP_CHOWN\"]\n", kAt + "1:16: ", "`capabilities` must be a table"},
        {"landlock", "landlock = false\n", kAt + "1:12: ", "`landlock` must be a table"},
        {"limits", "limits = 5\n", kAt + "1:10: ", "`limits` must be a table"},
        {"cgroup", "cgroup = \"x\"\n", kAt + "1:10: ", "`cgroup` must be a table"},
        {"an unknown key", "hostnam = \"x\"\n", kAt + "1:1: ", "unknown key `hostnam` (expected one of: include,"},
    });
}

// The keys a table accepts, read from the parser's own "unknown key" message,
// so that a key added later is covered too.
std::vector<std::string> accepted_keys(const std::string& text) {
    const std::string message = error_of(text);
    const std::string marker = "(expected one of: ";
    const size_t begin = message.find(marker);
    REQUIRE(begin != std::string::npos);
    const std::string list = message.substr(begin + marker.size(), message.rfind(')') - begin - marker.size());
    std::vector<std::string> keys;
    for (size_t at = 0; at <= list.size();) {
        const size_t comma = std::min(list.find(", ", at), list.size());
        keys.push_back(list.substr(at, comma - at));
        at = comma + 2;
    }
    return keys;
}

// A key that a table accepts but the parser never reads would be silently
// ignored: a setting the user wrote and the sandbox does not have. Every
// accepted key is given a date, a TOML type no key takes, and must be
// refused at that value, naming the key.
TEST_CASE("bad input: every key a table accepts is read (a date, which no key takes, is refused at each)") {
    const std::string kDate = "1979-05-27";
    size_t tried = 0;
    auto refused_at = [&](const std::string& text, const std::string& name, const std::string& where) {
        INFO(text);
        const std::string message = error_of(text);
        INFO(message);
        CHECK(message.rfind(kAt + where + ": `" + name + "` must be", 0) == 0);
        ++tried;
    };
    auto column = [](const std::string& key) { return std::to_string(key.size() + 4); };

    for (const std::string& key : accepted_keys("zzz = 1\n"))
        refused_at(key + " = " + kDate + "\n", key, "1:" + column(key));
    for (const std::string table :
         {"user", "namespaces", "env", "seccomp", "capabilities", "landlock", "limits", "cgroup"}) {
        for (const std::string& key : accepted_keys("[" + table + "]\nzzz = 1\n"))
            refused_at("[" + table + "]\n" + key + " = " + kDate + "\n", table + "." + key, "2:" + column(key));
    }

    // [[mount]]: each key under a type that accepts it, the type's required keys filled in.
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> types = {
        {"bind", {{"source", "\"/s\""}}},
        {"dev-bind", {{"source", "\"/s\""}}},
        {"tmpfs", {{"dest", "\"/t\""}}},
        {"dev", {{"dest", "\"/dev\""}}},
        {"symlink", {{"target", "\"/x\""}, {"dest", "\"/l\""}}},
        {"file", {{"dest", "\"/f\""}}},
    };
    for (const std::string& key : accepted_keys("[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nzzz = 1\n")) {
        bool accepted_somewhere = false;
        for (const auto& [type, required] : types) {
            std::string text = "[[mount]]\n";
            if (key != "type") text += "type = \"" + type + "\"\n";
            for (const auto& [name, value] : required)
                if (name != key) text += name + " = " + value + "\n";
            text += key + " = " + kDate + "\n";
            const std::string message = error_of(text);
            if (message.find("is not allowed for type") != std::string::npos) continue;
            accepted_somewhere = true;
            const auto line = std::to_string(std::count(text.begin(), text.end(), '\n'));
            refused_at(text, "mount." + key, line + ":" + column(key));
            break;
        }
        INFO("mount key: " << key);
        CHECK(accepted_somewhere);
    }
    // Control: the lists were found and are the size the format has today (at least).
    CHECK(tried >= 16 + 2 + 5 + 4 + 6 + 1 + 4 + 10 + 4 + 12);
}

TEST_CASE("bad input: numbers where a size is expected") {
    const std::string tmpfs = "[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nsize = ";
    check_cases({
        // mount.size
        {"mount.size 0", tmpfs + "0\n", kAt + "4:8: ", "`mount.size` must be greater than 0"},
        {"mount.size \"0\"", tmpfs + "\"0\"\n", kAt + "4:8: ", "size \"0\" must be greater than 0"},
        {"mount.size negative", tmpfs + "-4096\n", kAt + "4:8: ", "`mount.size` must be greater than 0"},
        {"mount.size \"-5\"", tmpfs + "\"-5\"\n", kAt + "4:8: ", "invalid size \"-5\": expected a number of bytes"},
        {"mount.size \"123bogus\"", tmpfs + "\"123bogus\"\n",
         kAt + "4:8: ", "invalid size \"123bogus\": expected a number of bytes, optionally followed by K, M, G or T"},
        {"mount.size 2^64", tmpfs + "18446744073709551616\n",
         kAt + "4:28: ", "'18446744073709551616' is not representable in 64 bits"},
        {"mount.size \"2^64\"", tmpfs + "\"18446744073709551616\"\n",
         kAt + "4:8: ", "size \"18446744073709551616\" is too large"},
        {"mount.size 2^63", tmpfs + "9223372036854775808\n",
         kAt + "4:27: ", "'9223372036854775808' is not representable in 64 bits"},
        {"mount.size 2^64 with a unit", tmpfs + "\"16777216T\"\n", kAt + "4:8: ", "size \"16777216T\" is too large"},
        {"mount.size a float", tmpfs + "1.5\n",
         kAt + "4:8: ", "`mount.size` must be an integer (bytes) or a string like \"64M\""},
        {"mount.size a leading blank", tmpfs + "\" 5\"\n", kAt + "4:8: ", "invalid size \" 5\""},
        {"mount.size an unknown unit", tmpfs + "\"1P\"\n", kAt + "4:8: ", "invalid size \"1P\""},
        // limits.as: 0 is a valid limit there, negatives are not
        {"limits.as negative", "[limits]\nas = -1\n", kAt + "2:6: ", "`limits.as` must not be negative"},
        {"limits.as \"123bogus\"", "[limits]\nas = \"123bogus\"\n", kAt + "2:6: ", "invalid size \"123bogus\""},
        {"limits.as 2^64", "[limits]\nas = 18446744073709551616\n",
         kAt + "2:26: ", "'18446744073709551616' is not representable in 64 bits"},
        {"limits.as 2^63", "[limits]\nas = 9223372036854775808\n",
         kAt + "2:25: ", "'9223372036854775808' is not representable in 64 bits"},
        {"limits.as \"2^64\"", "[limits]\nas = \"18446744073709551616\"\n",
         kAt + "2:6: ", "size \"18446744073709551616\" is too large"},
        {"limits.as true", "[limits]\nas = true\n", kAt + "2:6: ", "`limits.as` must be an integer (bytes)"},
        {"limits.nofile negative", "[limits]\nnofile = -1\n",
         kAt + "2:10: ", "`limits.nofile` must be an integer from 0 to 9223372036854775807"},
        {"limits.nofile \"123bogus\"", "[limits]\nnofile = \"123bogus\"\n",
         kAt + "2:10: ", "`limits.nofile` must be an integer from 0 to"},
        // cgroup.memory
        {"cgroup.memory 0", "[cgroup]\nmemory = 0\n", kAt + "2:10: ", "`cgroup.memory` must be greater than 0"},
        {"cgroup.memory \"0M\"", "[cgroup]\nmemory = \"0M\"\n", kAt + "2:10: ", "size \"0M\" must be greater than 0"},
        {"cgroup.memory negative", "[cgroup]\nmemory = -1\n", kAt + "2:10: ", "`cgroup.memory` must be greater than 0"},
        {"cgroup.memory \"123bogus\"", "[cgroup]\nmemory = \"123bogus\"\n",
         kAt + "2:10: ", "invalid size \"123bogus\""},
        {"cgroup.memory 2^64", "[cgroup]\nmemory = 18446744073709551616\n",
         kAt + "2:30: ", "'18446744073709551616' is not representable in 64 bits"},
        {"cgroup.memory \"2^64\"", "[cgroup]\nmemory = \"18446744073709551616\"\n",
         kAt + "2:10: ", "size \"18446744073709551616\" is too large"},
        {"cgroup.pids 0", "[cgroup]\npids = 0\n", kAt + "2:8: ", "`cgroup.pids` must be an integer from 1 to"},
    });
}

TEST_CASE("bad input: the largest sizes that fit are accepted exactly") {
    // 2^63 and 2^64-1 as strings are representable sizes: accepted as written.
    const SandboxPlan plan = plan_from(
        "[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nsize = \"18446744073709551615\"\n"
        "[limits]\nas = \"9223372036854775808\"\n"
        "[cgroup]\nmemory = 9223372036854775807\n");
    REQUIRE(plan.mounts.size() == 1);
    CHECK(plan.mounts[0].size == UINT64_MAX);
    REQUIRE(plan.rlimits.size() == 1);
    CHECK(plan.rlimits[0].value == (uint64_t{1} << 63));
    CHECK(plan.cgroup.memory == uint64_t{INT64_MAX});
}

TEST_CASE("bad input: counts, durations and CPU shares outside their ranges") {
    const std::string cpus = "`cgroup.cpus` must be a number of CPUs greater than 0, like 0.5 or 2";
    check_cases({
        // cgroup.cpus: a float, so TOML's nan and inf reach the check too.
        {"cgroup.cpus nan", "[cgroup]\ncpus = nan\n", kAt + "2:8: ", cpus},
        {"cgroup.cpus -nan", "[cgroup]\ncpus = -nan\n", kAt + "2:8: ", cpus},
        {"cgroup.cpus inf", "[cgroup]\ncpus = inf\n", kAt + "2:8: ", cpus},
        {"cgroup.cpus -inf", "[cgroup]\ncpus = -inf\n", kAt + "2:8: ", cpus},
        {"cgroup.cpus 0.0", "[cgroup]\ncpus = 0.0\n", kAt + "2:8: ", cpus},
        {"cgroup.cpus -0.0", "[cgroup]\ncpus = -0.0\n", kAt + "2:8: ", cpus},
        {"cgroup.cpus negative", "[cgroup]\ncpus = -1\n", kAt + "2:8: ", cpus},
        {"cgroup.cpus over 4096", "[cgroup]\ncpus = 4096.5\n", kAt + "2:8: ", cpus},
        {"cgroup.cpus INT64_MAX", "[cgroup]\ncpus = 9223372036854775807\n", kAt + "2:8: ", cpus},
        {"cgroup.cpus a string", "[cgroup]\ncpus = \"1\"\n", kAt + "2:8: ", cpus},
        {"cgroup.cpus a bool", "[cgroup]\ncpus = true\n", kAt + "2:8: ", cpus},
        // limits.timeout: at most a year; limits.kill-after: at most an hour.
        {"limits.timeout over a year", "[limits]\ntimeout = 31536001\n",
         kAt + "2:11: ", "`limits.timeout` must be an integer from 0 to 31536000"},
        {"limits.timeout negative", "[limits]\ntimeout = -1\n",
         kAt + "2:11: ", "`limits.timeout` must be an integer from 0 to 31536000"},
        {"limits.timeout a string", "[limits]\ntimeout = \"10\"\n",
         kAt + "2:11: ", "`limits.timeout` must be an integer from 0 to 31536000"},
        {"limits.timeout a float", "[limits]\ntimeout = 1.5\n",
         kAt + "2:11: ", "`limits.timeout` must be an integer from 0 to 31536000"},
        {"limits.kill-after over an hour", "[limits]\nkill-after = 3601\n",
         kAt + "2:14: ", "`limits.kill-after` must be an integer from 0 to 3600"},
        {"limits.kill-after negative", "[limits]\nkill-after = -1\n",
         kAt + "2:14: ", "`limits.kill-after` must be an integer from 0 to 3600"},
        // landlock.min-abi
        {"landlock.min-abi over 1000", "[landlock]\nmin-abi = 1001\n",
         kAt + "2:11: ", "`landlock.min-abi` must be an integer from 0 to 1000"},
        {"landlock.min-abi negative", "[landlock]\nmin-abi = -1\n",
         kAt + "2:11: ", "`landlock.min-abi` must be an integer from 0 to 1000"},
        {"landlock.min-abi a string", "[landlock]\nmin-abi = \"3\"\n",
         kAt + "2:11: ", "`landlock.min-abi` must be an integer from 0 to 1000"},
    });
    // Controls: the edges of each range are accepted as written.
    const SandboxPlan plan =
        plan_from("[cgroup]\ncpus = 4096\n[limits]\ntimeout = 31536000\nkill-after = 3600\n[landlock]\nmin-abi = 1\n");
    CHECK(plan.cgroup.cpus == 4096.0);
    CHECK(plan.timeout == 31536000);
    CHECK(plan.kill_after == 3600);
    CHECK(plan_from("[cgroup]\ncpus = 0.001\n").cgroup.cpus == 0.001);
    const SandboxPlan zero = plan_from("[limits]\ntimeout = 0\nkill-after = 0\n");
    CHECK(zero.timeout == 0);
    CHECK(zero.kill_after == 0);
}

TEST_CASE("bad input: relative, empty, '..', over-PATH_MAX, over-NAME_MAX and newline paths") {
    const std::string too_long = "/" + std::string(PATH_MAX + 10, 'a');
    const std::string bind = "[[mount]]\ntype = \"bind\"\nsource = \"/usr\"\n";
    check_cases({
        // dest
        {"dest relative", bind + "dest = \"usr\"\n", kAt + "1:1: ", "destination \"usr\": is not an absolute path"},
        {"dest empty", bind + "dest = \"\"\n", kAt + "1:1: ", "destination \"\": is empty"},
        {"dest with ..", bind + "dest = \"/a/../etc\"\n",
         kAt + "1:1: ", "destination \"/a/../etc\": contains a \"..\" component"},
        {"dest ending in ..", "[[mount]]\ntype = \"tmpfs\"\ndest = \"/a/..\"\n",
         kAt + "1:1: ", "contains a \"..\" component"},
        {"dest over PATH_MAX", bind + "dest = \"" + too_long + "\"\n",
         kAt + "1:1: ", "(4107 bytes)\": is longer than 4095 bytes (PATH_MAX)"},
        {"dest with a 256-byte component", bind + "dest = \"/a/" + std::string(NAME_MAX + 1, 'c') + "\"\n",
         kAt + "1:1: ", "has a component longer than 255 bytes (NAME_MAX)"},
        {"dest with a newline", bind + "dest = \"/a\\nb\"\n",
         kAt + "1:1: ", "destination \"/a\\nb\": contains a newline"},
        {"dest with a NUL", bind + "dest = \"/a\\u0000b\"\n",
         kAt + "1:1: ", "destination \"/a\\x00b\": contains a NUL byte"},
        // source
        {"source relative", "[[mount]]\ntype = \"bind\"\nsource = \"usr\"\n",
         kAt + "3:10: ", "`mount.source` must be an absolute path, not \"usr\""},
        {"source empty", "[[mount]]\ntype = \"bind\"\nsource = \"\"\n",
         kAt + "3:10: ", "`mount.source` must be an absolute path, not \"\""},
        {"source with ..", "[[mount]]\ntype = \"bind\"\nsource = \"/usr/../etc\"\ndest = \"/x\"\n",
         kAt + "1:1: ", "source \"/usr/../etc\": contains a \"..\" component"},
        {"source over PATH_MAX", "[[mount]]\ntype = \"bind\"\nsource = \"" + too_long + "\"\ndest = \"/x\"\n",
         kAt + "1:1: ", "is longer than 4095 bytes (PATH_MAX)"},
        {"source with a newline", "[[mount]]\ntype = \"bind\"\nsource = \"/us\\nr\"\ndest = \"/x\"\n",
         kAt + "1:1: ", "source \"/us\\nr\": contains a newline"},
        {"relative source with a NUL", "[[mount]]\ntype = \"bind\"\nsource = \"x\\u0000y\"\n",
         kAt + "3:10: ", "not \"x\\x00y\""},
        // chdir
        {"chdir relative", "chdir = \"tmp\"\n", kAt + "1:9: ", "`chdir` \"tmp\": is not an absolute path"},
        {"chdir empty", "chdir = \"\"\n", kAt + "1:9: ", "`chdir` \"\": is empty"},
        {"chdir with ..", "chdir = \"/home/..\"\n", kAt + "1:9: ", "`chdir` \"/home/..\": contains a \"..\" component"},
        {"chdir over PATH_MAX", "chdir = \"" + too_long + "\"\n",
         kAt + "1:9: ", "is longer than 4095 bytes (PATH_MAX)"},
        {"chdir with a newline", "chdir = \"/a\\n\"\n", kAt + "1:9: ", "`chdir` \"/a\\n\": contains a newline"},
        {"chdir with a NUL", "chdir = \"/a\\u0000\"\n", kAt + "1:9: ", "`chdir` \"/a\\x00\": contains a NUL byte"},
        // names that end up in messages are escaped too
        {"a key with a newline", "\"a\\nb\" = 1\n", kAt + "1:1: ", "unknown key `a\\nb`"},
        {"a key with a NUL", "\"\\u0000\" = 1\n", kAt + "1:1: ", "unknown key `\\x00`"},
        {"a variable name with a newline", "hostname = \"${A\\nB}\"\n", kAt + "1:12: ", "unknown variable ${A\\nB}"},
    });
}

TEST_CASE("bad input: a long path is shown shortened in the message") {
    const std::string message = error_of("chdir = \"" + std::string(3000, 'x') + "\"\n");
    CHECK(message.size() < 400);
    CHECK(message == kAt + "1:9: `chdir` \"" + std::string(200, 'x') + "...(3000 bytes)\": is not an absolute path");
}

TEST_CASE("bad input: duplicate mount targets in one file name both places") {
    CHECK(error_of("[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\n\n[[mount]]\ntype = \"dir\"\ndest = \"/t/\"\n") ==
          kAt + "5:1: duplicate destination /t (first at " + kAt + "1:1)");
    // The same destination written differently is still the same.
    CHECK(error_of("[[mount]]\ntype = \"ro-bind\"\nsource = \"/usr\"\n\n"
                   "[[mount]]\ntype = \"tmpfs\"\ndest = \"//usr/./\"\n") ==
          kAt + "5:1: duplicate destination /usr (first at " + kAt + "1:1)");
}

TEST_CASE("bad input: a mount target an included profile already has is replaced, not duplicated") {
    const Files files = {
        {"/p/base.toml", "[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\n\n[[mount]]\ntype = \"tmpfs\"\ndest = \"/u\"\n"},
        {"/p/mid.toml", "include = [\"./base.toml\"]\n[[mount]]\ntype = \"dir\"\ndest = \"/t\"\n"},
    };
    const SandboxPlan plan = plan_from(
        "include = [\"./mid.toml\"]\n[[mount]]\ntype = \"ro-bind\"\nsource = \"/usr\"\n"
        "dest = \"/t\"\n",
        files);
    REQUIRE(plan.mounts.size() == 2);
    CHECK(plan.mounts[0].dest == "/u");
    CHECK(plan.mounts[1].dest == "/t");
    CHECK(plan.mounts[1].kind == MountKind::RoBind);
    CHECK(plan.mounts[1].origin == kAt + "2:1");
}

TEST_CASE("bad input: include loops, the depth limit and include fan-out") {
    SECTION("a file that includes itself") {
        CHECK(error_of("include = [\"./bad.toml\"]\n", {{"/p/bad.toml", "include = [\"./bad.toml\"]\n"}}) ==
              kAt + "1:12: include loop: /p/bad.toml -> /p/bad.toml");
    }
    SECTION("a loop through two other files") {
        const Files files = {{"/p/a.toml", "include = [\"./b.toml\"]\n"}, {"/p/b.toml", "include = [\"./a.toml\"]\n"}};
        CHECK(error_of("include = [\"./a.toml\"]\n", files) ==
              "/p/b.toml:1:12: include loop: /p/a.toml -> /p/b.toml -> /p/a.toml");
    }
    SECTION("a chain deeper than 16") {
        Files files;
        for (int i = 0; i < 30; ++i)
            files["/p/l" + std::to_string(i) + ".toml"] = "include = [\"./l" + std::to_string(i + 1) + ".toml\"]\n";
        files["/p/l30.toml"] = "";
        CHECK(error_of("include = [\"./l0.toml\"]\n", files) == "/p/l15.toml:1:12: include depth exceeds 16");
    }
    SECTION("a chain of exactly 16 includes is fine") {
        Files files;
        for (int i = 0; i < 15; ++i)
            files["/p/l" + std::to_string(i) + ".toml"] = "include = [\"./l" + std::to_string(i + 1) + ".toml\"]\n";
        files["/p/l15.toml"] = "hostname = \"deep\"\n";
        CHECK(plan_from("include = [\"./l0.toml\"]\n", files).hostname == "deep");
    }
    SECTION("files that each include the next one four times stop at 1000 reads, not 4^15") {
        Files files;
        for (int i = 0; i < 15; ++i) {
            const std::string next = "\"./f" + std::to_string(i + 1) + ".toml\"";
            files["/p/f" + std::to_string(i) + ".toml"] =
                "include = [" + next + ", " + next + ", " + next + ", " + next + "]\n";
        }
        files["/p/f15.toml"] = "";
        const std::string message = error_of("include = [\"./f0.toml\"]\n", files);
        CHECK(message.rfind("/p/f", 0) == 0);
        CHECK(message.find(": more than 1000 profile files read through includes") != std::string::npos);
    }
}

TEST_CASE("bad input: nesting deeper than any profile needs is refused before toml++ recurses") {
    std::string dotted = "a";
    for (int i = 0; i < 100000; ++i) dotted += ".a";
    std::string header = "[" + dotted + "]\n";
    std::string arrays = "x = " + std::string(100000, '[') + std::string(100000, ']') + "\n";
    std::string tables = "x = ";
    for (int i = 0; i < 100000; ++i) tables += "{a=";
    check_cases({
        {"a dotted key of 100,001 parts", dotted + " = 1\n", kAt + "1:130: ", "nested more than 64 levels deep"},
        {"a table header of 100,001 parts", header, kAt + "1:129: ", "nested more than 64 levels deep"},
        {"100,000 nested arrays", arrays, kAt + "1:69: ", "nested more than 64 levels deep"},
        {"100,000 nested inline tables", tables, kAt + "1:", "nested more than 64 levels deep"},
    });
    // Dots inside strings and comments do not count.
    const SandboxPlan plan = plan_from("hostname = \"" + std::string(60, '.') + "\" # " + std::string(200, '.') +
                                       "\n[env.set]\nX = '" + std::string(200, '.') + "'\n");
    CHECK(plan.hostname.size() == 60);
}

TEST_CASE("bad input: a 10 MB profile is parsed completely") {
    std::string text = "# a large profile\n";
    for (int i = 0; i < 20000; ++i) text += "# " + std::string(97, 'c') + "\n";  // 2 MB of comments
    text += "[env.set]\n";
    for (int i = 0; i < 100000; ++i) text += "V" + std::to_string(i) + " = \"value-" + std::to_string(i) + "\"\n";
    text += "\n[[mount]]\ntype = \"file\"\ndest = \"/big\"\ncontent = \"\"\"\n";
    const std::string line = std::string(99, 'x') + "\n";
    while (text.size() < 10'000'000) text += line;
    text += "\"\"\"\n";
    REQUIRE(text.size() >= 10'000'000);

    const SandboxPlan plan = plan_from(text);
    CHECK(plan.env.size() == 100000);
    CHECK(plan.env.back() == "V99999=value-99999");
    REQUIRE(plan.mounts.size() == 1);
    CHECK(plan.mounts[0].content.size() > 5'000'000);
    CHECK_FALSE(describe(plan).empty());
}

TEST_CASE("bad input: 100,000 [[mount]] entries are parsed and planned") {
    std::string text;
    text.reserve(6'000'000);
    for (int i = 0; i < 100000; ++i)
        text += "[[mount]]\ntype = \"tmpfs\"\ndest = \"/d/" + std::to_string(i) + "\"\nsize = \"1M\"\n\n";
    const SandboxPlan plan = plan_from(text);
    REQUIRE(plan.mounts.size() == 100000);
    CHECK(plan.mounts.front().dest == "/d/0");
    CHECK(plan.mounts.back().dest == "/d/99999");
    CHECK_FALSE(describe(plan).empty());

    // A duplicate at the very end is still found, and named with both places.
    text += "[[mount]]\ntype = \"tmpfs\"\ndest = \"/d/7\"\n";
    CHECK(error_of(text) == kAt + "500001:1: duplicate destination /d/7 (first at " + kAt + "36:1)");
}
