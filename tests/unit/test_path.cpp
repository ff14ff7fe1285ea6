// test_path.cpp — lexical path handling (core/path) and --bind parsing (core/overrides).
#include <catch2/catch.hpp>

#include <climits>
#include <string>

#include "core/overrides.hpp"
#include "core/path.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

// A valid absolute path of PATH_MAX - 1 bytes: components of 200 bytes.
std::string longest_path() {
    std::string path;
    while (path.size() + 201 < PATH_MAX) path += "/" + std::string(200, 'p');
    path += "/" + std::string(PATH_MAX - 2 - path.size(), 'q');
    return path;
}

}  // namespace

TEST_CASE("normalize_absolute collapses // and /./ and drops a trailing /") {
    struct Case {
        std::string in, out;
    };
    const Case cases[] = {
        {"/", "/"},
        {"//", "/"},
        {"/./", "/"},
        {"/a", "/a"},
        {"/a/", "/a"},
        {"/a//b/./c/", "/a/b/c"},
        {"/a/.", "/a"},
        {"///a///b///", "/a/b"},
        {"/..a/b../...", "/..a/b../..."},  // only a whole ".." component is rejected
        {"/" + std::string(NAME_MAX, 'a'), "/" + std::string(NAME_MAX, 'a')},
        {longest_path(), longest_path()},  // 4095 bytes: the most the kernel takes
    };
    for (const Case& c : cases) {
        INFO("input: " << c.in);
        std::string why = "unchanged";
        CHECK(normalize_absolute(c.in, &why) == c.out);
        CHECK(why.empty());
    }
}

TEST_CASE("normalize_absolute rejects bad destinations and says why") {
    struct Case {
        std::string in, why;
    };
    const Case cases[] = {
        {"", "is empty"},
        {"a/b", "is not an absolute path"},
        {"./a", "is not an absolute path"},
        {"..", "is not an absolute path"},
        {"/a/../b", "contains a \"..\" component"},
        {"/..", "contains a \"..\" component"},
        {"/a/..", "contains a \"..\" component"},
        {std::string("/a\0b", 4), "contains a NUL byte"},
        {"/a\nb", "contains a newline"},
        {longest_path() + "b", "is longer than 4095 bytes (PATH_MAX)"},
        {"/" + std::string(PATH_MAX, 'a'), "is longer than 4095 bytes (PATH_MAX)"},
        {"/a/" + std::string(NAME_MAX + 1, 'b') + "/c", "has a component longer than 255 bytes (NAME_MAX)"},
    };
    for (const Case& c : cases) {
        INFO("input: " << c.in);
        std::string why;
        CHECK(normalize_absolute(c.in, &why).empty());
        CHECK(why == c.why);
    }
    CHECK(normalize_absolute("relative", nullptr).empty());  // `why` is optional
}

TEST_CASE("join_path") {
    CHECK(join_path("/a", "b/c") == "/a/b/c");
    CHECK(join_path("/", "x") == "/x");
    CHECK(join_path("/a/", "/b") == "/a/b");
    CHECK(join_path("/a", "") == "/a");
    CHECK(join_path("/", "/") == "/");
    CHECK(join_path("/a", "//b") == "/a/b");
}

TEST_CASE("tidy_host_path keeps .. but collapses the rest") {
    CHECK(tidy_host_path("/a//./b/../c/") == "/a/b/../c");
    CHECK(tidy_host_path("a/./b") == "a/b");
    CHECK(tidy_host_path("/") == "/");
    CHECK(tidy_host_path("//.//") == "/");
    CHECK(tidy_host_path("./") == ".");
    CHECK(tidy_host_path("") == "");
}

TEST_CASE("is_under") {
    CHECK(is_under("/a/b", "/a"));
    CHECK(is_under("/a", "/a"));
    CHECK(is_under("/x/y", "/"));
    CHECK(is_under("/", "/"));
    CHECK_FALSE(is_under("/ab", "/a"));
    CHECK_FALSE(is_under("/a", "/a/b"));
    CHECK_FALSE(is_under("/b/a", "/a"));
}

TEST_CASE("path_depth and parent_path") {
    CHECK(path_depth("/") == 0);
    CHECK(path_depth("/a") == 1);
    CHECK(path_depth("/a/b") == 2);
    CHECK(path_depth("/usr/lib/x86_64-linux-gnu") == 3);
    CHECK(parent_path("/a/b") == "/a");
    CHECK(parent_path("/a/b/c") == "/a/b");
    CHECK(parent_path("/a") == "/");
    CHECK(parent_path("/") == "/");
}

TEST_CASE("parse_bind_option") {
    SECTION("SRC only: DST defaults to SRC") {
        FsEntry e = parse_bind_option(MountKind::Bind, "--bind", "/srv/data", "/work");
        CHECK(e.type == MountKind::Bind);
        CHECK(e.source == "/srv/data");
        CHECK(e.dest == "/srv/data");
        CHECK(e.loc.str() == "command line --bind");
        CHECK_FALSE(e.optional);
        CHECK_FALSE(e.create);
    }
    SECTION("SRC:DST") {
        FsEntry e = parse_bind_option(MountKind::RoBind, "--ro-bind", "/srv/data:/data", "/work");
        CHECK(e.type == MountKind::RoBind);
        CHECK(e.source == "/srv/data");
        CHECK(e.dest == "/data");
    }
    SECTION("a relative SRC is taken from the cwd, and is also the default DST") {
        FsEntry e = parse_bind_option(MountKind::Bind, "--bind", "./out/", "/work/proj");
        CHECK(e.source == "/work/proj/out");
        CHECK(e.dest == "/work/proj/out");
        FsEntry dot = parse_bind_option(MountKind::Bind, "--bind", ".", "/work/proj");
        CHECK(dot.source == "/work/proj");
    }
    SECTION("only the first ':' separates") {
        FsEntry e = parse_bind_option(MountKind::Bind, "--bind", "/a:/b:c", "/");
        CHECK(e.source == "/a");
        CHECK(e.dest == "/b:c");
    }
    SECTION("empty parts are usage errors naming the option") {
        struct Case {
            std::string value, message;
        };
        const Case cases[] = {
            {"", "--bind \"\": the source is empty (expected SRC[:DST])"},
            {":/b", "--bind \":/b\": the source is empty (expected SRC[:DST])"},
            {"/a:", "--bind \"/a:\": the destination after ':' is empty (expected SRC[:DST])"},
            // User text is escaped: the message stays one line.
            {":/b\n/c", "--bind \":/b\\n/c\": the source is empty (expected SRC[:DST])"},
            {"/a\x1b[2J:", "--bind \"/a\\x1b[2J:\": the destination after ':' is empty (expected SRC[:DST])"},
        };
        for (const Case& c : cases) {
            INFO("value: " << c.value);
            try {
                parse_bind_option(MountKind::Bind, "--bind", c.value, "/work");
                FAIL("no error");
            } catch (const Error& err) {
                CHECK(err.kind() == ErrorKind::Usage);
                CHECK(std::string(err.what()) == c.message);
            }
        }
    }
}
