// test_profile_local.cpp — NAME.local.toml merged after a profile found by
// NAME, never after one given by path; and a user profile that includes its
// own NAME extending the next folder's (or the compiled-in) profile.
#include <catch2/catch.hpp>

#include <cerrno>
#include <string>
#include <vector>

#include "core/builtin_profiles.hpp"
#include "core/plan_builder.hpp"
#include "core/profile.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;
using sbx::test::FakeFiles;
using sbx::test::usage_error;

namespace {

const std::string kUser = "/home/alice/.config/sbx/profiles";
const std::string kEtc = "/etc/sbx/profiles";

HostFacts host_with_folders() {
    HostFacts host = test::sample_host();
    host.profile_dirs = {kUser, kEtc};
    return host;
}

// --profile SPEC as main() loads it.
Profile launch(const std::string& spec, FakeFiles& fs) {
    const HostFacts host = host_with_folders();
    const std::string path = resolve_profile(spec, host, fs.reader());
    return load_profile(path, host, trusting_reader(fs.reader(), host.uid), profile_found_by(spec));
}

std::string hostname_of(const Profile& p) { return p.hostname ? p.hostname->value : "(none)"; }

}  // namespace

TEST_CASE("NAME.local.toml: merged after a compiled-in profile found by NAME") {
    FakeFiles fs;
    fs.files[kUser + "/cli.local.toml"] = "hostname = \"adjusted\"\nro-bind = [\"/opt/fonts\"]\n";
    const Profile p = launch("cli", fs);
    CHECK(hostname_of(p) == "adjusted");
    CHECK(p.files == std::vector<std::string>{"builtin:cli.toml", "builtin:default.toml", kUser + "/cli.local.toml"});
    // On top: its entry is the last, and its file is a launch input.
    REQUIRE_FALSE(p.mounts.empty());
    CHECK(p.mounts.back().dest == "/opt/fonts");
    const SandboxPlan plan = build_plan(p, Overrides{}, host_with_folders());
    CHECK(std::count(plan.launch_inputs.begin(), plan.launch_inputs.end(), kUser + "/cli.local.toml") == 1);
    // "cli.toml" is the same NAME.
    CHECK(hostname_of(launch("cli.toml", fs)) == "adjusted");
    // Control: without the local file, the shipped hostname.
    FakeFiles none;
    CHECK(hostname_of(launch("cli", none)) == "sandbox");
}

TEST_CASE("NAME.local.toml: after a profile of a profile folder, and after every profile included by NAME") {
    FakeFiles fs;
    fs.files[kEtc + "/web.toml"] = "include = [\"default\"]\nhostname = \"web\"\n";
    fs.files[kUser + "/web.local.toml"] = "[env.set]\nWEB = \"local\"\n";
    fs.files[kUser + "/default.local.toml"] = "hostname = \"default-local\"\n[env.set]\nWEB = \"default-local\"\n";
    const Profile p = launch("web", fs);
    // default, default.local, web, web.local: web's own settings win over
    // default.local's, web.local's over everything.
    CHECK(p.files == std::vector<std::string>{kEtc + "/web.toml", "builtin:default.toml", kUser + "/default.local.toml",
                                              kUser + "/web.local.toml"});
    CHECK(hostname_of(p) == "web");
    CHECK(p.env.set.back().first == "WEB");
    CHECK(p.env.set.back().second.value == "local");
    // The compiled-in default by its builtin: path, as --profile default
    // finds it, gets its local; loaded as plain sbx does (FoundBy::Path:
    // no profile folder read), it does not.
    const HostFacts host = host_with_folders();
    CHECK(hostname_of(load_profile("builtin:default.toml", host, fs.reader())) == "default-local");
    fs.asked.clear();
    CHECK(hostname_of(load_profile("builtin:default.toml", host, trusting_reader(fs.reader(), host.uid),
                                   FoundBy::Path)) == "sandbox");
    CHECK(fs.asked.empty());
}

TEST_CASE("NAME.local.toml: never after a profile given by path, nor looked up anywhere but the user's folder") {
    FakeFiles fs;
    fs.files["/home/alice/src/cli.toml"] = "hostname = \"by-path\"\n";
    fs.files["/home/alice/src/cli.local.toml"] = "hostname = \"planted\"\n";
    fs.files[kEtc + "/cli.local.toml"] = "hostname = \"etc-local\"\n";
    fs.files[kUser + "/cli.local.toml"] = "hostname = \"user-local\"\n";
    const Profile by_path = launch("./cli.toml", fs);
    CHECK(hostname_of(by_path) == "by-path");
    CHECK(by_path.files == std::vector<std::string>{"/home/alice/src/cli.toml"});
    // The same profile by NAME gets the user's local only.
    const Profile by_name = launch("cli", fs);
    CHECK(hostname_of(by_name) == "user-local");
    CHECK(std::count(by_name.files.begin(), by_name.files.end(), kEtc + "/cli.local.toml") == 0);
    CHECK(std::count(by_name.files.begin(), by_name.files.end(), "/home/alice/src/cli.local.toml") == 0);
    // A profile given by path still gets the locals of what it includes by NAME.
    fs.files["/home/alice/src/mine.toml"] = "include = [\"cli\"]\n";
    CHECK(hostname_of(launch("./mine.toml", fs)) == "user-local");
    // A relative XDG_CONFIG_HOME names no local (it would be the working directory's).
    HostFacts host = host_with_folders();
    host.xdg_config_home = "rel";
    fs.files["rel/sbx/profiles/cli.local.toml"] = "hostname = \"relative\"\n";
    CHECK(hostname_of(load_profile("builtin:cli.toml", host, fs.reader())) == "sandbox");
}

TEST_CASE("NAME.local.toml: the trust rule of every profile file, and include loops") {
    const HostFacts host = host_with_folders();
    const std::string local = kUser + "/cli.local.toml";
    auto read_with = [&](FileRead file) {
        return ProfileReader([local, file](const std::string& path) {
            if (path == local) return file;
            FileRead missing;
            missing.error = ENOENT;
            return missing;
        });
    };
    FileRead writable;
    writable.text = "hostname = \"x\"\n";
    writable.owner = 1000;
    writable.mode = 0666;
    CHECK(usage_error([&] { load_profile("builtin:cli.toml", host, read_with(writable)); }) ==
          local +
              ": writable by its group or by others (mode 0666): refusing a profile someone else can change "
              "(chmod go-w)");
    FileRead unreadable;
    unreadable.error = EACCES;
    unreadable.error_text = "Permission denied";
    // Found through an include: the error points at it.
    CHECK(usage_error([&] { load_profile_text("include = [\"cli\"]\n", "/p/x.toml", host, read_with(unreadable)); }) ==
          "/p/x.toml:1:12: " + local + ": cannot read the profile: Permission denied");
    FileRead fine = writable;
    fine.mode = 0600;
    CHECK(hostname_of(load_profile("builtin:cli.toml", host, read_with(fine))) == "x");

    // A local that includes its own profile: a loop, reported, not followed.
    FakeFiles fs;
    fs.files[local] = "include = [\"cli\"]\n";
    CHECK(usage_error([&] { launch("cli", fs); }) == local + ":1:12: include loop: " + local + " -> " + local);
}

TEST_CASE("a user profile including its own NAME extends the next folder's or the compiled-in one") {
    FakeFiles fs;
    fs.files[kUser + "/cli.toml"] = "include = [\"cli\"]\nhostname = \"mine\"\n";
    fs.files[kUser + "/cli.local.toml"] = "[env.set]\nLOCAL = \"1\"\n";
    Profile p = launch("cli", fs);
    CHECK(hostname_of(p) == "mine");
    // The local once, after the outer profile.
    CHECK(p.files == std::vector<std::string>{kUser + "/cli.toml", "builtin:cli.toml", "builtin:default.toml",
                                              kUser + "/cli.local.toml"});

    // With a profile of that NAME in the next folder, that one; which may
    // extend the compiled-in one in turn.
    fs.files[kEtc + "/cli.toml"] = "include = [\"cli.toml\"]\nchdir = \"/etc-was-here\"\n";
    p = launch("cli", fs);
    CHECK(p.files == std::vector<std::string>{kUser + "/cli.toml", kEtc + "/cli.toml", "builtin:cli.toml",
                                              "builtin:default.toml", kUser + "/cli.local.toml"});
    REQUIRE(p.chdir);
    CHECK(p.chdir->value == "/etc-was-here");
    // The /etc one named as --profile by path extends the compiled-in one too.
    CHECK(launch(kEtc + "/cli.toml", fs).files ==
          std::vector<std::string>{kEtc + "/cli.toml", "builtin:cli.toml", "builtin:default.toml"});

    // Control: a file elsewhere including the NAME still reaches the user's first.
    fs.files["/p/other.toml"] = "include = [\"cli\"]\n";
    CHECK(load_profile_text("include = [\"cli\"]\n", "/p/other.toml", host_with_folders(), fs.reader()).files.at(1) ==
          kUser + "/cli.toml");

    // A profile of a name nothing comes after: not found, saying why.
    fs.files[kUser + "/solo.toml"] = "include = [\"solo\"]\n";
    CHECK(usage_error([&] { launch("solo", fs); }) ==
          kUser + "/solo.toml:1:12: profile \"solo\" not found (looked in: " + kEtc +
              "/solo.toml, builtin profiles: " + std::string(builtin_profile_names()) +
              "); an include of a profile's own name looks only "
              "after the including file (" +
              kUser + "/solo.toml): in the folders after its own, then the compiled-in profiles");
}
