// test_host.cpp — reading the launcher's passwd entry (core/host).
#include <catch2/catch.hpp>

#include <string>

#include "core/host.hpp"

using namespace sbx::core;

TEST_CASE("find_passwd_entry returns the name, home and shell of the uid's line") {
    const std::string passwd =
        "root:x:0:0:root:/root:/bin/bash\n"
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        "alice:x:1000:1000:Alice A,,,:/home/alice:/bin/zsh\n"
        "bob:x:1001:1001::/home/bob:";  // no newline after the last line, empty shell

    auto root = find_passwd_entry(passwd, 0);
    REQUIRE(root);
    CHECK(root->name == "root");
    CHECK(root->home == "/root");
    CHECK(root->shell == "/bin/bash");

    auto alice = find_passwd_entry(passwd, 1000);
    REQUIRE(alice);
    CHECK(alice->name == "alice");
    CHECK(alice->home == "/home/alice");
    CHECK(alice->shell == "/bin/zsh");

    auto bob = find_passwd_entry(passwd, 1001);
    REQUIRE(bob);
    CHECK(bob->home == "/home/bob");
    CHECK(bob->shell.empty());

    CHECK_FALSE(find_passwd_entry(passwd, 1002));
    CHECK_FALSE(find_passwd_entry("", 0));
}

TEST_CASE("find_passwd_entry takes the first line with the uid, as getpwuid does") {
    const std::string passwd = "first:x:500:500::/home/first:/bin/sh\nsecond:x:500:500::/home/second:/bin/sh\n";
    auto entry = find_passwd_entry(passwd, 500);
    REQUIRE(entry);
    CHECK(entry->name == "first");
}

TEST_CASE("find_passwd_entry skips lines that are not passwd entries") {
    const char* const bad_lines[] = {
        "six:x:7:7::/home/six",                     // six fields
        "eight:x:7:7::/home/eight:/bin/sh:",        // eight fields
        "word:x:seven:7::/home/word:/bin/sh",       // uid not a number
        "neg:x:-7:7::/home/neg:/bin/sh",            // negative uid
        "sign:x:+7:7::/home/sign:/bin/sh",          // a sign is not a digit
        "tail:x:7x:7::/home/tail:/bin/sh",          // trailing garbage
        "empty:x::7::/home/empty:/bin/sh",          // empty uid
        "huge:x:4294967303:7::/home/huge:/bin/sh",  // 2^32 + 7 does not wrap to 7
        ":x:7:7::/home/noname:/bin/sh",             // no name
        "+nis:x:7:7::/home/nis:/bin/sh",            // NIS compat lines
        "-nis:x:7:7::/home/nis:/bin/sh",
        "",
        "# a comment",
    };
    for (const char* line : bad_lines) {
        INFO("line: " << line);
        CHECK_FALSE(find_passwd_entry(std::string(line) + "\n", 7));
        // And a good line after it is still found.
        auto entry = find_passwd_entry(std::string(line) + "\ngood:x:7:7::/home/good:/bin/sh\n", 7);
        REQUIRE(entry);
        CHECK(entry->name == "good");
    }
}
