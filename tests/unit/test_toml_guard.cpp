// test_toml_guard.cpp — core/toml_guard on its own: the nesting bound at
// its edges (64 levels parse, 65 are refused before toml++ recurses), what
// does not count towards it, and toml++'s errors as one lower-case line at
// FILE:LINE:COL.
#include <catch2/catch.hpp>

#include <string>

#include "core/toml_guard.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;
using sbx::test::usage_error;

namespace {

const std::string kFile = "/p/g.toml";
const std::string kTooDeep = "nested more than 64 levels deep (tables, arrays and dotted keys)";

std::string repeat(const std::string& part, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += part;
    return out;
}

// "a.a.a..." with `dots` dots.
std::string dotted(int dots) { return "a" + repeat(".a", dots); }

std::string parse_error(const std::string& text) {
    return usage_error([&] { parse_toml(text, kFile); });
}

}  // namespace

TEST_CASE("toml_guard: 64 levels parse, 65 are refused, for each way of nesting") {
    struct Case {
        const char* what;
        std::string at_limit;  // 64 levels: parses
        std::string over;      // 65 levels: refused at `where`
        std::string where;
    };
    const Case cases[] = {
        {"a dotted key", dotted(64) + " = 1\n", dotted(65) + " = 1\n", "1:130"},
        // A header's brackets are a level of their own: [a] is one table deep.
        {"a table header", "[" + dotted(63) + "]\n", "[" + dotted(64) + "]\n", "1:129"},
        {"an array-of-tables header", "[[" + dotted(63) + "]]\n", "[[" + dotted(64) + "]]\n", "1:130"},
        {"nested arrays", "x = " + repeat("[", 64) + repeat("]", 64) + "\n",
         "x = " + repeat("[", 65) + repeat("]", 65) + "\n", "1:69"},
        {"nested inline tables", "x = " + repeat("{a=", 63) + "{}" + repeat("}", 63) + "\n",
         "x = " + repeat("{a=", 64) + "{}" + repeat("}", 64) + "\n", "1:197"},
        // A header's dots and the dots of a key below it add up.
        {"a header and a dotted key below it", "[" + dotted(32) + "]\n" + dotted(32) + " = 1\n",
         "[" + dotted(32) + "]\n" + dotted(33) + " = 1\n", "2:66"},
        // So do the dots of a key and the arrays of its value.
        {"a dotted key holding arrays", dotted(32) + " = " + repeat("[", 32) + repeat("]", 32) + "\n",
         dotted(32) + " = " + repeat("[", 33) + repeat("]", 33) + "\n", "1:101"},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        CHECK_NOTHROW(parse_toml(c.at_limit, kFile));
        CHECK(parse_error(c.over) == kFile + ":" + c.where + ": " + kTooDeep);
    }
}

TEST_CASE("toml_guard: dots and brackets that are not nesting do not count") {
    const std::string deep = repeat("[", 200) + repeat(".", 200) + repeat("{", 200);
    const std::string texts[] = {
        "x = \"" + deep + "\"\n",                                   // a basic string
        "x = '" + deep + "'\n",                                     // a literal string
        "x = \"\"\"\n" + deep + "\n" + deep + "\"\"\"\n",           // a multi-line basic string
        "x = '''\n" + deep + "\n" + deep + "'''\n",                 // a multi-line literal string
        "x = \"\\\"" + deep + "\\\"\"\n",                           // escaped quotes inside
        "# " + deep + "\nx = 1\n",                                  // a comment
        "x = 1 # " + deep + "\n",                                   // a comment after a value
        dotted(40) + ".b = 1\n" + dotted(40) + ".c = 1\n",          // depth is per line, not per file
        "[" + dotted(40) + "]\n[" + dotted(40) + ".b]\n",           // a later header replaces the earlier
        "x = [" + repeat("[1],", 100) + "]\n",                      // siblings are not nesting
        "x = 1.5\ny = 2.25\nz = [" + repeat("0.5, ", 100) + "]\n",  // float dots: once per value
    };
    for (const std::string& text : texts) {
        INFO(text.substr(0, 120));
        CHECK_NOTHROW(parse_toml(text, kFile));
    }
    // Control: the same 200 brackets outside a string are refused.
    CHECK(parse_error("x = " + repeat("[", 200) + "\n").ends_with(kTooDeep));
}

TEST_CASE("toml_guard: toml++'s errors become one lower-case line at FILE:LINE:COL") {
    struct Case {
        std::string text;
        std::string message;
    };
    const Case cases[] = {
        {"x = \"abc", kFile + ":1:9: error while parsing string: encountered end-of-file"},
        {"x = 1\nx = 2\n", kFile + ":2:5: error while parsing key-value pair: cannot redefine existing integer 'x'"},
        {"\n\n  = 1\n", kFile + ":3:3: error while parsing root table: expected keys, tables, whitespace or comments"},
        {"x = \"abc\ny = [1]\n", kFile + ":1:9: error while parsing string: unescaped control characters"},
        // For the nesting check an unterminated string ends with its line:
        // the brackets of the next line are not hidden in it.
        {"x = \"abc\ny = " + repeat("[", 65) + "\n", kFile + ":2:69: " + kTooDeep},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        const std::string message = parse_error(c.text);
        CHECK(message.starts_with(c.message));
        CHECK(message.find('\n') == std::string::npos);
        const size_t after_loc = message.find(": ", kFile.size() + 1);
        REQUIRE(after_loc != std::string::npos);
        const char first = message[after_loc + 2];
        CHECK_FALSE((first >= 'A' && first <= 'Z'));
    }
    // Control: a valid table parses, with the place of each value.
    const toml::table table = parse_toml("\n  x = 1\n", kFile);
    REQUIRE(table.get("x") != nullptr);
    CHECK(source_loc(kFile, table.get("x")->source()).str() == kFile + ":2:7");
}
