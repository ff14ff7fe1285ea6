// test_host.cpp — reading the launcher's passwd entry (core/host).
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
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

TEST_CASE("choose_host_user: /etc/passwd first, then NSS, then the checked environment") {
    const PasswdEntry files{"alice", "/home/alice", "/bin/zsh"};
    const PasswdEntry nss{"ldapuser", "/home/ldap/ldapuser", "/bin/bash"};
    const std::map<std::string, std::string> hostile{{"HOME", "/tmp/elsewhere"}, {"USER", "mallory"}};
    std::vector<std::string> asked;
    auto owned = [&asked](const std::string& path) {
        asked.push_back(path);
        return true;
    };

    SECTION("an /etc/passwd entry wins over NSS and the environment") {
        const HostUser who = choose_host_user(1000, files, nss, hostile, owned);
        CHECK(who.user == "alice");
        CHECK(who.home == "/home/alice");
        CHECK(who.shell == "/bin/zsh");
        CHECK(who.source == "/etc/passwd");
    }
    SECTION("NSS answers for a uid /etc/passwd does not list; $HOME is not looked at") {
        const HostUser who = choose_host_user(5000, std::nullopt, nss, hostile, owned);
        CHECK(who.user == "ldapuser");
        CHECK(who.home == "/home/ldap/ldapuser");
        CHECK(who.source == "NSS");
        CHECK(asked.empty());
    }
    SECTION("an entry without an absolute home is no answer") {
        for (const char* home : {"", "home/rel"}) {
            const HostUser who = choose_host_user(5000, PasswdEntry{"nohome", home, ""}, nss, hostile, owned);
            CHECK(who.home == "/home/ldap/ldapuser");
            CHECK(who.source == "NSS");
        }
        const HostUser neither =
            choose_host_user(5000, PasswdEntry{"nohome", "", ""}, PasswdEntry{"rel", "rel", ""}, hostile, owned);
        CHECK(neither.home == "/tmp/elsewhere");
        CHECK(neither.source.starts_with("$HOME and $USER"));
    }
    SECTION("a uid no database knows: $HOME, once the uid is found to own it, and $USER") {
        const HostUser who =
            choose_host_user(5000, std::nullopt, std::nullopt, {{"HOME", "/srv/u//x/"}, {"USER", "u.x-1_"}}, owned);
        CHECK(who.user == "u.x-1_");
        CHECK(who.home == "/srv/u/x");
        CHECK(who.source.starts_with("$HOME and $USER"));
        CHECK(asked == std::vector<std::string>{"/srv/u/x"});
    }
    SECTION("a $USER that is no login name gives way to the uid") {
        for (const char* user :
             {"", "a:b", "a\nroot::0:0::/:/bin/sh", "-rf", "a b", "/etc", "0123456789012345678901234567890123"}) {
            const HostUser who =
                choose_host_user(5000, std::nullopt, std::nullopt, {{"HOME", "/srv/u"}, {"USER", user}}, owned);
            CHECK(who.user == "5000");
        }
        const HostUser unset = choose_host_user(5000, std::nullopt, std::nullopt, {{"HOME", "/srv/u"}}, owned);
        CHECK(unset.user == "5000");
    }
}

TEST_CASE("choose_host_user refuses a $HOME it cannot trust, with a one-line error") {
    auto owned = [](const std::string& path) { return path == "/srv/mine"; };
    struct Case {
        std::map<std::string, std::string> env;
        const char* says;
    };
    const Case cases[] = {
        {{}, "$HOME is not set"},
        {{{"HOME", ""}}, "$HOME is not set"},
        {{{"HOME", "relative/home"}}, "not an absolute path"},
        {{{"HOME", "/srv/mine/../theirs"}}, "not an absolute path"},
        {{{"HOME", "/"}}, "$HOME is /"},
        {{{"HOME", "//"}}, "$HOME is /"},
        {{{"HOME", "/srv/a:b"}}, "holds a ':'"},
        {{{"HOME", "/srv/mine\n"}}, "not an absolute path"},
        {{{"HOME", "/srv/theirs"}}, "is not a directory of uid 5000"},
    };
    for (const Case& c : cases) {
        try {
            (void)choose_host_user(5000, std::nullopt, std::nullopt, c.env, owned);
            FAIL("accepted HOME=" << (c.env.count("HOME") ? c.env.at("HOME") : "(unset)"));
        } catch (const sbx::Error& e) {
            const std::string what = e.what();
            CHECK(e.kind() == sbx::ErrorKind::Setup);
            CHECK(what.find(c.says) != std::string::npos);
            CHECK(what.find("set HOME to your home folder") != std::string::npos);
            CHECK(what.find('\n') == std::string::npos);
        }
    }
    // The control: the one owned directory is accepted.
    CHECK(choose_host_user(5000, std::nullopt, std::nullopt, {{"HOME", "/srv/mine"}}, owned).home == "/srv/mine");
}
