// test_profile_lookup.cpp — the parts of core/profile_lookup that the
// profile tests reach only through whole profiles: the ${PROFILE} name of a
// path, includes from a compiled-in profile, the builtin: paths
// load_profile accepts, and trusting_reader. Table-driven, invalid inputs
// first, each with a control that the same call succeeds where it should.
#include <catch2/catch.hpp>

#include <cerrno>
#include <string>
#include <vector>

#include "core/builtin_profiles.hpp"
#include "core/profile.hpp"
#include "core/profile_lookup.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;
using sbx::test::usage_error;

namespace {

HostFacts lookup_host() {
    HostFacts host = test::sample_host();
    host.profile_dirs = {"/etc/sbx/profiles"};
    return host;
}

const std::string kBuiltins = "builtin profiles: " + std::string(builtin_profile_names());

}  // namespace

TEST_CASE("profile_name_of: the ${PROFILE} of a path") {
    struct Case {
        const char* path;
        const char* name;
    };
    const Case cases[] = {
        {"/x/browser.toml", "browser"},
        {"builtin:default.toml", "default"},
        {"/x/y/mine", "mine"},           // no suffix: the whole base name
        {"/x/a.toml.toml", "a.toml"},    // one suffix stripped
        {"/x/builtin:cli.toml", "cli"},  // the prefix is stripped from the base name too
        {"relative.toml", "relative"},   // no folder
        {"/x/.toml", ""},                // nothing left
        {"/x/dir/", ""},                 // a trailing '/': an empty base name
        {"/x/a.TOML", "a.TOML"},         // the suffix is case-sensitive
    };
    for (const Case& c : cases) {
        INFO("path: " << c.path);
        CHECK(profile_name_of(c.path) == c.name);
    }
}

TEST_CASE("read_profile: a builtin: path names a compiled-in profile exactly, never a file") {
    const HostFacts host = lookup_host();
    test::FakeFiles fs;
    // A file whose name looks like a builtin path must never be read as one.
    fs.files["builtin:evil.toml"] = "hostname = \"evil\"\n";
    fs.files["builtin:default"] = "hostname = \"evil\"\n";
    const ProfileReader read = trusting_reader(fs.reader(), host.uid);

    const char* bad[] = {
        "builtin:",
        "builtin:default",
        "builtin:.toml",
        "builtin:Default.toml",
        "builtin:evil.toml",
        "builtin:default.toml.toml",
        "builtin:../default.toml",
        "builtin:/default.toml",
        "builtin: default.toml",
    };
    for (const char* path : bad) {
        INFO("path: " << path);
        CHECK(usage_error([&] { read_profile(path, host, read); }) == std::string(path) + ": cannot read the profile");
        CHECK(usage_error([&] { load_profile(path, host, read); }) == std::string(path) + ": cannot read the profile");
    }
    CHECK(fs.asked.empty());

    // Control: the exact spelling resolve_profile returns reads the text.
    const std::string text = read_profile("builtin:default.toml", host, read);
    CHECK(text.find("[[mount]]") != std::string::npos);
    CHECK(fs.asked.empty());
    // (cli.toml includes "default" by name, which is looked up in the profile folders.)
    CHECK(load_profile("builtin:cli.toml", host, read).name == "cli");
}

TEST_CASE("read_profile: a file path is read and checked again") {
    const HostFacts host = lookup_host();
    test::FakeFiles fs;
    fs.files["/p/a.toml"] = "hostname = \"a\"\n";
    CHECK(read_profile("/p/a.toml", host, trusting_reader(fs.reader(), host.uid)) == "hostname = \"a\"\n");
    CHECK(usage_error([&] { read_profile("/p/none.toml", host, trusting_reader(fs.reader(), host.uid)); }) ==
          "/p/none.toml: cannot read the profile: No such file or directory");
    // The same file, now someone else's: the check is made on this read.
    CHECK(usage_error([&] { read_profile("/p/a.toml", host, trusting_reader(fs.reader(), 4242)); }) ==
          "/p/a.toml: owned by uid 4242, neither you (uid 1000) nor root: refusing a profile someone else can "
          "change");
}

TEST_CASE("find_include: relative to the including file; a compiled-in profile includes only by name") {
    const HostFacts host = lookup_host();
    test::FakeFiles fs;
    fs.files["/p/sub/x.toml"] = "x";
    fs.files["/abs/x.toml"] = "abs";
    fs.files["/etc/sbx/profiles/base.toml"] = "base";
    const ProfileReader read = trusting_reader(fs.reader(), host.uid);
    const SourceLoc at{"/p/top.toml", 3, 12};
    auto include = [&](const std::string& spec, const std::string& from) {
        return find_include(Located<std::string>{spec, at}, from, host, read);
    };

    // From a file: relative to its folder, names in the profile folders.
    CHECK(include("./sub/x.toml", "/p/top.toml").path == "/p/sub/x.toml");
    CHECK(include("sub/x.toml", "/p/top.toml").text == "x");
    CHECK(include("/abs/x.toml", "/p/top.toml").path == "/abs/x.toml");
    CHECK(include("base", "/p/top.toml").path == "/etc/sbx/profiles/base.toml");
    CHECK(include("cli", "/p/top.toml").path == "builtin:cli.toml");

    // From a compiled-in profile: a relative path has no folder to start from
    // (not the working directory, nor "builtin:"), so nothing is even tried.
    fs.asked.clear();
    for (const char* spec : {"./sub/x.toml", "sub/x.toml", "../p/sub/x.toml"}) {
        INFO("spec: " << spec);
        CHECK(usage_error([&] { include(spec, "builtin:default.toml"); }) ==
              "/p/top.toml:3:12: profile \"" + std::string(spec) + "\" not found (looked in: " + kBuiltins + ")");
    }
    CHECK(fs.asked.empty());
    // Control: names and absolute paths still work from there.
    CHECK(include("base", "builtin:default.toml").text == "base");
    CHECK(include("/abs/x.toml", "builtin:default.toml").text == "abs");

    // Specs that name nothing: refused before any file is opened.
    fs.asked.clear();
    for (const std::string& spec : {std::string(".toml"), std::string("."), std::string(".."),
                                    std::string("base\0.toml", 10), std::string("./x\0/y.toml", 11)}) {
        INFO("spec: " << printable(spec));
        CHECK(usage_error([&] { include(spec, "/p/top.toml"); }).starts_with("/p/top.toml:3:12: profile \""));
    }
    for (const std::string& asked : fs.asked) CHECK_FALSE(asked.find('\0') != std::string::npos);
}

TEST_CASE("trusting_reader: files from memory pass the trust rule; missing ones are simply not there") {
    test::FakeFiles fs;
    fs.files["/p/a.toml"] = "hostname = \"a\"\n";
    const ProfileReader read = trusting_reader(fs.reader(), 1234);

    const FileRead found = read("/p/a.toml");
    REQUIRE(found.text);
    CHECK(*found.text == "hostname = \"a\"\n");
    CHECK(found.error == 0);
    CHECK(found.regular);
    CHECK(found.owner == 1234);
    CHECK(found.mode == 0644);
    CHECK(found.links == 1);
    CHECK_FALSE(profile_file_problem(found, 1234));
    // Control: the same facts judged for another user are refused.
    CHECK(profile_file_problem(found, 1000) ==
          "owned by uid 1234, neither you (uid 1000) nor root: refusing a profile someone else can change");

    const FileRead missing = read("/p/none.toml");
    CHECK_FALSE(missing.text);
    CHECK(missing.error == ENOENT);
    CHECK(missing.error_text == "No such file or directory");
    CHECK_FALSE(profile_file_problem(missing, 1234));
    CHECK(fs.asked == std::vector<std::string>{"/p/a.toml", "/p/none.toml"});
}

TEST_CASE("is_builtin_profile: the compiled-in profiles' paths and places in them, nothing else") {
    for (const char* path : {"builtin:default.toml", "builtin:cli.toml:12:3", "builtin:"}) {
        INFO("path: " << path);
        CHECK(is_builtin_profile(path));
    }
    for (const char* path : {"/x/builtin:cli.toml", "./builtin:cli.toml", "Builtin:cli.toml", " builtin:cli.toml",
                             "builtin", "", "command line", "/p/a.toml:1:1"}) {
        INFO("path: " << path);
        CHECK_FALSE(is_builtin_profile(path));
    }
}
