// test_glob.cpp — glob bind sources (core/glob): which sources are globs as
// written, matching, and their expansion by finish_plan against a fake
// folder lister.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/glob.hpp"
#include "core/plan_builder.hpp"
#include "core/plan_finish.hpp"
#include "core/profile.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;
using sbx::test::usage_error;

namespace {

const std::string kFile = "/p/g.toml";

// A host of folders (name -> entries) where every listed path exists as itself.
struct FakeDirs {
    std::map<std::string, std::vector<DirEntry>> dirs;
    std::vector<std::string> listed;

    HostQueries queries() {
        HostQueries q;
        q.real_path = [this](const std::string& path) -> std::optional<std::string> {
            if (path == "/") return path;
            for (const auto& [dir, entries] : dirs) {
                if (path == dir || dir.starts_with(path + "/")) return path;
                for (const DirEntry& e : entries)
                    if (path == dir + "/" + e.name) return path;
            }
            if (path == "/usr" || path == "/other") return path;
            return std::nullopt;
        };
        q.list_dir = [this](const std::string& dir) -> std::optional<std::vector<DirEntry>> {
            listed.push_back(dir);
            auto it = dirs.find(dir);
            if (it == dirs.end()) return std::nullopt;
            return it->second;
        };
        return q;
    }
};

SandboxPlan finished(const std::string& toml, FakeDirs& fake) {
    const HostFacts host = test::sample_host();
    const Profile profile = load_profile_text(toml, kFile, host, test::no_files());
    return finish_plan(build_plan(profile, Overrides{}, host), profile.landlock, host, fake.queries());
}

std::vector<std::string> binds(const SandboxPlan& plan) {
    std::vector<std::string> out;
    for (const MountOp& op : plan.mounts)
        if (is_bind(op.kind))
            out.push_back(std::string(mount_kind_name(op.kind)) + " " + op.source + " -> " + op.dest + " # " +
                          op.origin + (op.matched.empty() ? "" : " from " + op.matched));
    return out;
}

FakeDirs gpu_host() {
    FakeDirs fake;
    fake.dirs["/dev/dri"] = {
        {"renderD129", false, false}, {"card0", false, false}, {"renderD128", false, false}, {"by-path", true, false}};
    fake.dirs["/dev"] = {{"nvidia0", false, false}, {"nvidiactl", false, false}, {"null", false, false}};
    return fake;
}

}  // namespace

TEST_CASE("wildcard_place: a glob is a wildcard in the last component, as written") {
    struct Case {
        const char* written;
        WildcardPlace place;
    };
    const Case cases[] = {
        {"/dev/dri/renderD128", WildcardPlace::None},
        {"/dev/dri/renderD*", WildcardPlace::LastComponent},
        {"/dev/nvidia?", WildcardPlace::LastComponent},
        {"/dev/*", WildcardPlace::LastComponent},
        {"${XDG_RUNTIME_DIR}/pipewire-*", WildcardPlace::LastComponent},
        {"/d*/x", WildcardPlace::Elsewhere},
        {"/a?/b*", WildcardPlace::Elsewhere},
        {"/x/${HOME}*", WildcardPlace::WithVariable},
        {"/x/*${USER}", WildcardPlace::WithVariable},
        // A variable's value is never a pattern; "$$" is a literal '$'.
        {"${PWD}", WildcardPlace::None},
        {"/x/${PWD}/y", WildcardPlace::None},
        {"/x/$$*", WildcardPlace::LastComponent},
        {"/x/$${y}*", WildcardPlace::LastComponent},  // "$$" then "{y}*": no variable
        {"/x/a*/", WildcardPlace::Elsewhere},         // the last component is the empty one
    };
    for (const Case& c : cases) {
        INFO(c.written);
        CHECK(wildcard_place(c.written) == c.place);
    }
}

TEST_CASE("glob_match: * and ?, a leading dot only by a dot") {
    struct Case {
        const char* pattern;
        const char* name;
        bool match;
    };
    const Case cases[] = {
        {"renderD*", "renderD128", true},
        {"renderD*", "renderD", true},
        {"renderD*", "card0", false},
        {"nvidia?", "nvidia0", true},
        {"nvidia?", "nvidiactl", false},
        {"nvidia*", "nvidiactl", true},
        {"*", "x", true},
        {"*", ".hidden", false},
        {"?hidden", ".hidden", false},
        {".*", ".hidden", true},
        {"a*b*c", "aXbYc", true},
        {"a*b*c", "aXbYcZ", false},
        {"*a", "aaaa", true},
        {"**", "x", true},
        {"a?c", "ac", false},
        {"*x*", "abc", false},
        {"exact", "exact", true},
        {"exact", "exacT", false},
        {"*", "*", true},
        {"a\\*", "a\\b", true},  // no escapes: '\' is itself
    };
    for (const Case& c : cases) {
        INFO(c.pattern << " ~ " << c.name);
        CHECK(glob_match(c.pattern, c.name) == c.match);
    }
    // A pattern that would take exponential time with naive backtracking.
    CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*b", std::string(200, 'a')));
}

TEST_CASE("finish_plan: a glob binds each match, sorted, at its own path, with the entry's origin") {
    FakeDirs fake = gpu_host();
    const SandboxPlan plan = finished(R"(ro-bind = ["/usr"]
dev-bind = ["/dev/dri/renderD*", "?/dev/nvidia*"]
)",
                                      fake);
    CHECK(binds(plan) == std::vector<std::string>{
                             "ro-bind /usr -> /usr # /p/g.toml:1:12",
                             "dev-bind /dev/nvidia0 -> /dev/nvidia0 # /p/g.toml:2:34 from /dev/nvidia*",
                             "dev-bind /dev/nvidiactl -> /dev/nvidiactl # /p/g.toml:2:34 from /dev/nvidia*",
                             "dev-bind /dev/dri/renderD128 -> /dev/dri/renderD128 # /p/g.toml:2:13 from "
                             "/dev/dri/renderD*",
                             "dev-bind /dev/dri/renderD129 -> /dev/dri/renderD129 # /p/g.toml:2:13 from "
                             "/dev/dri/renderD*",
                         });
    CHECK(plan.skipped.empty());
    for (const MountOp& op : plan.mounts) CHECK_FALSE(op.glob);
    // The matches' Landlock rules are derived from them, not from the pattern.
    for (const LandlockPath& rule : plan.landlock.paths) CHECK(rule.path.find('*') == std::string::npos);
}

TEST_CASE("finish_plan: no match skips an optional glob and fails any other") {
    FakeDirs fake = gpu_host();
    SandboxPlan plan = finished("dev-bind = [\"?/dev/dri/nothing*\", \"?/nowhere/x*\"]\n", fake);
    CHECK(binds(plan).empty());
    REQUIRE(plan.skipped.size() == 2);
    // In the plan's order: parents first.
    CHECK(plan.skipped[0].source == "/nowhere/x*");
    CHECK(plan.skipped[1].source == "/dev/dri/nothing*");
    CHECK(plan.skipped[1].glob);
    CHECK(describe(plan).find("  -  dev-bind /dev/dri/nothing* -> /dev/dri/nothing* (optional): no match, "
                              "skipped   # /p/g.toml:1:13\n") != std::string::npos);

    CHECK(usage_error([&] { finished("dev-bind = [\"/dev/dri/nothing*\"]\n", fake); }) ==
          "/p/g.toml:1:13: bind source /dev/dri/nothing*: no match (write it \"?/dev/dri/nothing*\", or add "
          "`optional = true`, to skip it)");
    CHECK(usage_error([&] { finished("ro-bind = [\"/nowhere/*\"]\n", fake); }) ==
          "/p/g.toml:1:12: bind source /nowhere/*: no match (write it \"?/nowhere/*\", or add `optional = true`, to "
          "skip it)");
    // Control: the same glob with a match binds it.
    CHECK(binds(finished("dev-bind = [\"/dev/dri/card*\"]\n", fake)).size() == 1);
}

TEST_CASE("finish_plan: a glob never matches a symbolic link or a hidden entry") {
    FakeDirs fake;
    // A program that can write in ~/Downloads plants a link to ~/.ssh there.
    fake.dirs["/home/alice/Downloads"] = {
        {"a.pdf", false, false}, {"ssh", true, true}, {".hidden.pdf", false, false}, {"b.pdf", true, false}};
    const SandboxPlan plan = finished("ro-bind = [\"${HOME}/Downloads/*\"]\n", fake);
    CHECK(binds(plan) == std::vector<std::string>{
                             "ro-bind /home/alice/Downloads/a.pdf -> /home/alice/Downloads/a.pdf # /p/g.toml:1:12 from "
                             "/home/alice/Downloads/*",
                             "ro-bind /home/alice/Downloads/b.pdf -> /home/alice/Downloads/b.pdf # /p/g.toml:1:12 from "
                             "/home/alice/Downloads/*",
                         });
    // Control: a name starting with '.' matches a pattern starting with one.
    CHECK(binds(finished("ro-bind = [\"${HOME}/Downloads/.*\"]\n", fake)).size() == 1);
}

TEST_CASE("finish_plan: a match at a destination another entry mounts is refused") {
    FakeDirs fake = gpu_host();
    CHECK(usage_error([&] { finished("dev-bind = [\"/dev/dri/renderD*\", \"/dev/dri/renderD128\"]\n", fake); }) ==
          "/p/g.toml:1:13: bind source /dev/dri/renderD* matches /dev/dri/renderD128, which /p/g.toml:1:34 mounts "
          "too");
    CHECK(usage_error([&] { finished("dev-bind = [\"/dev/dri/render*\", \"/dev/dri/renderD*\"]\n", fake); }) ==
          "/p/g.toml:1:33: bind source /dev/dri/renderD* matches /dev/dri/renderD128, which /p/g.toml:1:13 "
          "mounts too");
    // Control: globs that match different entries go together.
    CHECK(binds(finished("dev-bind = [\"/dev/dri/renderD*\", \"/dev/dri/card*\"]\n", fake)).size() == 3);
}

TEST_CASE("finish_plan: more matches than kMaxGlobMatches are refused") {
    FakeDirs fake;
    auto fill = [&](size_t count) {
        fake.dirs["/many"].clear();
        for (size_t i = 0; i < count; ++i) fake.dirs["/many"].push_back({"f" + std::to_string(i), false, false});
    };
    fill(kMaxGlobMatches + 1);
    CHECK(usage_error([&] { finished("ro-bind = [\"/many/f*\"]\n", fake); }) ==
          "/p/g.toml:1:12: bind source /many/f* matches 1025 entries, more than 1024");
    fill(kMaxGlobMatches);
    CHECK(binds(finished("ro-bind = [\"/many/f*\"]\n", fake)).size() == kMaxGlobMatches);
}

TEST_CASE("finish_plan: a match whose name is no valid destination is refused") {
    FakeDirs fake;
    fake.dirs["/d"] = {{"ok", false, false}, {"bad\nname", false, false}};
    CHECK(usage_error([&] { finished("ro-bind = [\"/d/*\"]\n", fake); }) ==
          "/p/g.toml:1:12: bind source /d/* matches /d/bad\\nname, whose path contains a newline");
}

TEST_CASE("glob sources in profiles: where a wildcard may stand, and what a glob cannot take") {
    auto error = [](const std::string& text) {
        return usage_error([&] { load_profile_text(text, kFile, test::sample_host(), test::no_files()); });
    };
    CHECK(error("ro-bind = [\"/d*/x\"]") ==
          "/p/g.toml:1:12: a `ro-bind` entry \"/d*/x\": wildcards (* ?) may appear only in the last component of a "
          "source");
    CHECK(error("[[mount]]\ntype = \"bind\"\nsource = \"/x/${USER}*\"\n") ==
          "/p/g.toml:3:10: `mount.source` \"/x/alice*\": a glob's last component cannot also hold a ${VARIABLE}");
    CHECK(error("dev-bind = [{ source = \"/dev/dri/renderD*\", dest = \"/gpu\" }]") ==
          "/p/g.toml:1:52: `dev-bind.dest` cannot go with the glob source \"/dev/dri/renderD*\": each match is "
          "bound at its own path");
    CHECK(error("bind = [{ source = \"/x/*\", create = true }]") ==
          "/p/g.toml:1:37: `bind.create` cannot go with the glob source \"/x/*\": only an existing path can be a "
          "glob's match");
    CHECK(error("[[mount]]\ntype = \"bind\"\nsource = \"/x/*\"\nworkdir = true\n") ==
          "/p/g.toml:4:11: `mount.workdir` cannot go with the glob source \"/x/*\": only an existing path can be a "
          "glob's match");
    // Controls: a glob in [[mount]] and with `create = false`; a wildcard
    // a variable brings is no glob (cli's ${PWD} in a folder "what?").
    const Profile p = load_profile_text(
        "bind = [{ source = \"/x/*\", create = false }]\n[[mount]]\ntype = \"ro-bind\"\nsource = \"/y/?\"\n", kFile,
        test::sample_host(), test::no_files());
    REQUIRE(p.mounts.size() == 2);
    CHECK(p.mounts[0].glob);
    CHECK(p.mounts[1].glob);
    HostFacts host = test::sample_host();
    host.cwd = "/src/what?";
    const Profile cli = load_profile_text("bind = [\"${PWD}\"]\n", kFile, host, test::no_files());
    CHECK(cli.mounts.at(0).source == "/src/what?");
    CHECK_FALSE(cli.mounts.at(0).glob);
}
