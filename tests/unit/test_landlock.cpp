// Landlock ruleset derivation: rights per mount kind, the execute list, the
// [landlock] switches, and refused execute paths at their exact location.
#include <catch2/catch.hpp>

#include <map>

#include "core/landlock_policy.hpp"
#include "core/plan_builder.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

// The sample host without a runtime folder (what these plans were written against).
HostFacts test_host() {
    HostFacts host = test::sample_host();
    host.gid = 1000;
    host.xdg_runtime_dir.clear();
    return host;
}

using test::no_files;

SandboxPlan plan_of(const std::string& toml) {
    const HostFacts host = test_host();
    return build_plan(load_profile_text(toml, "/p/test.toml", host, no_files()), Overrides{}, host);
}

std::string usage_error_of(const std::string& toml) {
    try {
        plan_of(toml);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        return e.what();
    }
    return "(no error)";
}

// path -> access, for order-independent checks.
std::map<std::string, uint32_t> rules(const LandlockPlan& plan) {
    std::map<std::string, uint32_t> out;
    for (const auto& p : plan.paths) {
        CHECK(out.count(p.path) == 0);  // one rule per path
        out[p.path] = p.access;
    }
    return out;
}

constexpr uint32_t R = kLandlockRead, W = kLandlockWrite, X = kLandlockExecute, D = kLandlockDevice;

const char* kEveryKind = R"(
[[mount]]
type = "ro-bind"
source = "/usr"
[[mount]]
type = "bind"
source = "/srv/data"
dest = "/data"
[[mount]]
type = "dev-bind"
source = "/dev/dri"
[[mount]]
type = "tmpfs"
dest = "/tmp"
[[mount]]
type = "proc"
dest = "/proc"
[[mount]]
type = "dev"
dest = "/dev"
[[mount]]
type = "mqueue"
dest = "/dev/mqueue"
[[mount]]
type = "dir"
dest = "/var/empty"
[[mount]]
type = "symlink"
target = "usr/bin"
dest = "/bin"
[[mount]]
type = "file"
dest = "/etc/motd"
content = "hi"
)";

}  // namespace

TEST_CASE("landlock: every mount kind grants what it means") {
    CHECK(landlock_access_for(MountKind::RoBind) == (R | X));
    CHECK(landlock_access_for(MountKind::Bind) == (R | W));
    CHECK(landlock_access_for(MountKind::DevBind) == (R | W | D));
    CHECK(landlock_access_for(MountKind::Tmpfs) == (R | W));
    CHECK(landlock_access_for(MountKind::Proc) == (R | W));
    CHECK(landlock_access_for(MountKind::Dev) == (R | W | D));
    CHECK(landlock_access_for(MountKind::Mqueue) == (R | W));
    CHECK(landlock_access_for(MountKind::Dir) == 0);
    CHECK(landlock_access_for(MountKind::File) == 0);
    CHECK(landlock_access_for(MountKind::Symlink) == 0);
}

TEST_CASE("landlock: the ruleset is derived from the plan's mounts") {
    const SandboxPlan plan = plan_of(kEveryKind);
    CHECK(plan.landlock.enabled);
    CHECK(plan.landlock.scoped);
    CHECK(plan.landlock.min_abi == 0);
    REQUIRE_FALSE(plan.landlock.paths.empty());
    CHECK(plan.landlock.paths.front().path == "/");  // the read-only root first
    const std::map<std::string, uint32_t> want = {
        {"/", R},        {"/usr", R | X},  {"/data", R | W},    {"/dev/dri", R | W | D},
        {"/tmp", R | W}, {"/proc", R | W}, {"/dev", R | W | D}, {"/dev/mqueue", R | W},
        // dir, symlink and file entries live on the root: no rule of their own
    };
    CHECK(rules(plan.landlock) == want);
}

TEST_CASE("landlock: execute adds read+execute to what a path has, or a rule of its own") {
    const SandboxPlan plan = plan_of(R"(
[[mount]]
type = "bind"
source = "/srv/data"
dest = "/data"
[[mount]]
type = "tmpfs"
dest = "/tmp"
[landlock]
execute = ["/data", "/tmp/bin/", "/opt//tools", "/data"]
)");
    const std::map<std::string, uint32_t> want = {
        {"/", R},
        {"/data", R | W | X},   // merged into the mount's rule, once
        {"/tmp", R | W},        // the mount itself keeps no execute
        {"/tmp/bin", R | X},    // normalised; beneath /tmp it also gets /tmp's rights
        {"/opt/tools", R | X},  // not a mount: its own rule
    };
    CHECK(rules(plan.landlock) == want);
}

TEST_CASE("landlock: execute paths expand variables") {
    const SandboxPlan plan = plan_of("[landlock]\nexecute = [\"${HOME}/bin\", \"${PWD}\"]\n");
    const auto got = rules(plan.landlock);
    CHECK(got.at("/home/alice/bin") == (R | X));
    CHECK(got.at("/home/alice/src") == (R | X));
}

TEST_CASE("landlock: a writable bind gets no execute without an execute entry") {
    const SandboxPlan plan = plan_of(R"(
[[mount]]
type = "bind"
source = "/srv/data"
dest = "/data"
)");
    CHECK((rules(plan.landlock).at("/data") & X) == 0);
}

TEST_CASE("landlock: enabled, min-abi and scoped reach the plan") {
    const SandboxPlan off = plan_of(std::string(kEveryKind) + "[landlock]\nenabled = false\n");
    CHECK_FALSE(off.landlock.enabled);
    CHECK(off.landlock.paths.empty());

    const SandboxPlan strict = plan_of("[landlock]\nmin-abi = 6\nscoped = false\n");
    CHECK(strict.landlock.enabled);
    CHECK(strict.landlock.min_abi == 6);
    CHECK_FALSE(strict.landlock.scoped);
    CHECK(rules(strict.landlock) == std::map<std::string, uint32_t>{{"/", R}});
}

TEST_CASE("landlock: the direct builder keeps the plan's order and merges duplicates") {
    LandlockSpec spec;
    spec.execute = {{"/usr", SourceLoc{"x.toml", 1, 1}}};
    std::vector<MountOp> mounts(2);
    mounts[0].kind = MountKind::RoBind;
    mounts[0].dest = "/usr";
    mounts[1].kind = MountKind::Tmpfs;
    mounts[1].dest = "/var/tmp";
    const LandlockPlan plan = build_landlock_plan(spec, mounts);
    REQUIRE(plan.paths.size() == 3);
    CHECK(plan.paths[0].path == "/");
    CHECK(plan.paths[1].path == "/usr");
    CHECK(plan.paths[1].access == (R | X));
    CHECK(plan.paths[2].path == "/var/tmp");
    CHECK(plan.paths[2].access == (R | W));
}

TEST_CASE("landlock: bad execute paths are refused at their entry") {
    CHECK(usage_error_of("[landlock]\nexecute = [\"/ok\", \"bin\"]\n") ==
          "/p/test.toml:2:19: `landlock.execute` path \"bin\": is not an absolute path");
    CHECK(usage_error_of("[landlock]\nexecute = [\"\"]\n") ==
          "/p/test.toml:2:12: `landlock.execute` path \"\": is empty");
    CHECK(usage_error_of("[landlock]\nexecute = [\"/a/../etc\"]\n") ==
          "/p/test.toml:2:12: `landlock.execute` path \"/a/../etc\": contains a \"..\" component");
    CHECK(usage_error_of("[landlock]\nexecute = [\"/a\\nb\"]\n") ==
          "/p/test.toml:2:12: `landlock.execute` path \"/a\\nb\": contains a newline");
    CHECK(usage_error_of("[landlock]\nexecute = [\"/" + std::string(5000, 'a') + "\"]\n") ==
          "/p/test.toml:2:12: `landlock.execute` path \"/" + std::string(199, 'a') +
              "...(5001 bytes)\": is longer than 4095 bytes (PATH_MAX)");
    // Checked even when Landlock is off: a bad profile is an error either way.
    CHECK(usage_error_of("[landlock]\nenabled = false\nexecute = [\"x\"]\n") ==
          "/p/test.toml:3:12: `landlock.execute` path \"x\": is not an absolute path");
}

TEST_CASE("landlock: wrong types in [landlock] are refused at their location") {
    CHECK_THAT(usage_error_of("[landlock]\nexecute = \"/bin\"\n"),
               Catch::StartsWith("/p/test.toml:2:11: `landlock.execute` must be an array of strings"));
    CHECK_THAT(usage_error_of("[landlock]\nenabled = 1\n"),
               Catch::StartsWith("/p/test.toml:2:11: `landlock.enabled` must be true or false"));
    CHECK_THAT(usage_error_of("[landlock]\nscoped = \"yes\"\n"),
               Catch::StartsWith("/p/test.toml:2:10: `landlock.scoped` must be true or false"));
    CHECK_THAT(usage_error_of("[landlock]\nmin-abi = -1\n"),
               Catch::StartsWith("/p/test.toml:2:11: `landlock.min-abi` must be"));
    CHECK_THAT(usage_error_of("[landlock]\nexec = []\n"),
               Catch::StartsWith("/p/test.toml:2:1: unknown key `exec` in [landlock]"));
}

TEST_CASE("landlock: the shipped profiles execute only from read-only binds, cli also from the cwd") {
    HostFacts host = test_host();
    host.xdg_runtime_dir = "/run/user/1000";  // the desktop pieces' private runtime folder
    for (const char* name : {"default", "cli", "browser", "pdf-viewer", "media-player", "untrusted-game"}) {
        INFO("profile " << name);
        const SandboxPlan plan =
            build_plan(load_profile(resolve_profile(name, host, no_files()), host, no_files()), Overrides{}, host);
        CHECK(plan.landlock.enabled);
        CHECK(plan.landlock.scoped);
        const auto got = rules(plan.landlock);
        CHECK(got.at("/usr") == (R | X));
        CHECK(got.at("/tmp") == (R | W));
        CHECK(got.at("/home/alice") == (R | W));
        if (std::string(name) == "cli") CHECK(got.at("/home/alice/src") == (R | W | X));
    }
}

TEST_CASE("landlock: a skipped optional bind leaves no rule behind") {
    SandboxPlan plan = plan_of(R"(
[[mount]]
type = "bind"
source = "/srv/gone"
dest = "/gone"
optional = true
[[mount]]
type = "ro-bind"
source = "/usr"
[landlock]
execute = ["/gone"]
)");
    CHECK(rules(plan.landlock).count("/gone") == 1);
    check_sources(plan, [](const std::string& path) -> std::optional<std::string> {
        if (path == "/srv/gone") return std::nullopt;
        return path;
    });
    REQUIRE(plan.skipped.size() == 1);
    // Nothing is mounted at /gone: its rule (and the execute grant on it) is gone too.
    CHECK(rules(plan.landlock) == std::map<std::string, uint32_t>{{"/", R}, {"/usr", R | X}});
}

namespace {

// A fake host tree for the DirLister: folder -> entries ("name/" a folder,
// "@name" a symlink, else a file).
DirLister fake_tree(std::map<std::string, std::vector<std::string>> tree, std::vector<std::string>* asked = nullptr) {
    return [tree = std::move(tree), asked](const std::string& dir) -> std::optional<std::vector<DirEntry>> {
        if (asked) asked->push_back(dir);
        auto it = tree.find(dir);
        if (it == tree.end()) return std::nullopt;
        std::vector<DirEntry> out;
        for (std::string name : it->second) {
            DirEntry entry;
            if (name.ends_with('/')) {
                entry.is_dir = true;
                name.pop_back();
            } else if (name.starts_with('@')) {
                entry.is_symlink = true;
                name.erase(0, 1);
            }
            entry.name = name;
            out.push_back(entry);
        }
        return out;
    };
}

const DirLister kHostUsr = fake_tree({
    {"/usr", {"bin/", "lib/", "local/", "share/", "@lib64", "README"}},
    {"/usr/local", {"bin/", "share/", "src/"}},
    {"/usr/local/share", {"man/", "fonts/"}},
});

LandlockPlan derived(const std::string& toml, const DirLister& list = kHostUsr) {
    SandboxPlan plan = plan_of(toml);
    const HostFacts host = test_host();
    derive_landlock_rules(plan, load_profile_text(toml, "/p/test.toml", host, no_files()).landlock, list);
    return plan.landlock;
}

}  // namespace

TEST_CASE("landlock: a writable mount under a read-only bind gets no execute from it") {
    const char* toml = R"(
[[mount]]
type = "ro-bind"
source = "/usr"
[[mount]]
type = "tmpfs"
dest = "/usr/local"
)";
    // Without a lister (build_plan): /usr loses execute, nothing beneath gets it (fails closed).
    CHECK(rules(plan_of(toml).landlock) ==
          std::map<std::string, uint32_t>{{"/", R}, {"/usr", R}, {"/usr/local", R | W}});
    // With the listing: execute on each entry beside /usr/local, none on it;
    // the symlink gets no rule (its target has its own).
    const LandlockPlan plan = derived(toml);
    CHECK(rules(plan) == std::map<std::string, uint32_t>{{"/", R},
                                                         {"/usr", R},
                                                         {"/usr/local", R | W},
                                                         {"/usr/bin", R | X},
                                                         {"/usr/lib", R | X},
                                                         {"/usr/share", R | X},
                                                         {"/usr/README", R | X}});
    for (const auto& p : plan.paths) CHECK(p.listed == (p.access == (R | X)));
}

TEST_CASE("landlock: execute is split along the way to a deeper writable mount") {
    const LandlockPlan plan = derived(R"(
[[mount]]
type = "ro-bind"
source = "/usr"
[[mount]]
type = "bind"
source = "/srv/fonts"
dest = "/usr/local/share/fonts"
)");
    CHECK(rules(plan) == std::map<std::string, uint32_t>{{"/", R},
                                                         {"/usr", R},
                                                         {"/usr/local/share/fonts", R | W},
                                                         {"/usr/bin", R | X},
                                                         {"/usr/lib", R | X},
                                                         {"/usr/share", R | X},
                                                         {"/usr/README", R | X},
                                                         {"/usr/local/bin", R | X},
                                                         {"/usr/local/src", R | X},
                                                         {"/usr/local/share/man", R | X}});
}

TEST_CASE("landlock: every writable kind below an executable path is covered") {
    for (const char* entry :
         {"type = \"tmpfs\"\ndest = \"/usr/local\"", "type = \"bind\"\nsource = \"/srv/x\"\ndest = \"/usr/local\"",
          "type = \"dev-bind\"\nsource = \"/dev/dri\"\ndest = \"/usr/local\"", "type = \"proc\"\ndest = \"/usr/local\"",
          "type = \"dev\"\ndest = \"/usr/local\"", "type = \"mqueue\"\ndest = \"/usr/local\""}) {
        INFO(entry);
        const auto got =
            rules(derived(std::string("[[mount]]\ntype = \"ro-bind\"\nsource = \"/usr\"\n[[mount]]\n") + entry + "\n"));
        CHECK(got.at("/usr") == R);
        CHECK((got.at("/usr/local") & X) == 0);
        CHECK(got.at("/usr/bin") == (R | X));
    }
}

TEST_CASE("landlock: a writable mount named in execute stays executable, and splits nothing") {
    const auto got = rules(derived(R"(
[[mount]]
type = "ro-bind"
source = "/usr"
[[mount]]
type = "tmpfs"
dest = "/usr/local"
[landlock]
execute = ["/usr/local"]
)"));
    CHECK(got == std::map<std::string, uint32_t>{{"/", R}, {"/usr", R | X}, {"/usr/local", R | W | X}});
}

TEST_CASE("landlock: an execute path above a writable mount is split too") {
    const auto got = rules(derived(R"(
[[mount]]
type = "ro-bind"
source = "/usr"
dest = "/opt"
[[mount]]
type = "tmpfs"
dest = "/opt/local/src"
[landlock]
execute = ["/opt/local"]
)"));
    CHECK(got.at("/opt") == R);
    CHECK(got.at("/opt/local") == R);
    CHECK(got.at("/opt/local/bin") == (R | X));
    CHECK(got.at("/opt/local/share") == (R | X));
    CHECK(got.count("/opt/local/src") == 1);
    CHECK((got.at("/opt/local/src") & X) == 0);
    CHECK(got.at("/opt/bin") == (R | X));  // /opt itself lists /usr's entries
}

TEST_CASE("landlock: folders that cannot be listed, or lie on a tmpfs, get no execute beneath") {
    // /usr/local cannot be listed: nothing there is executable.
    const auto got = rules(derived(R"(
[[mount]]
type = "ro-bind"
source = "/usr"
[[mount]]
type = "tmpfs"
dest = "/usr/local/share/fonts"
)",
                                   fake_tree({{"/usr", {"bin/", "local/"}}})));
    CHECK(got == std::map<std::string, uint32_t>{
                     {"/", R}, {"/usr", R}, {"/usr/bin", R | X}, {"/usr/local/share/fonts", R | W}});
    // An execute path on a tmpfs with a tmpfs below: the lister is never asked.
    std::vector<std::string> asked;
    const auto tmp = rules(derived(R"(
[[mount]]
type = "tmpfs"
dest = "/work"
[[mount]]
type = "tmpfs"
dest = "/work/scratch"
[landlock]
execute = ["/work"]
)",
                                   fake_tree({}, &asked)));
    CHECK(tmp.at("/work") == (R | W));
    CHECK(asked.empty());
}

TEST_CASE("landlock: a layout needing too many listed rules is refused") {
    std::vector<std::string> many;
    for (size_t i = 0; i <= kMaxListedRules; ++i) many.push_back("f" + std::to_string(i));
    many.push_back("local/");
    try {
        derived(
            "[[mount]]\ntype = \"ro-bind\"\nsource = \"/usr\"\n[[mount]]\ntype = \"tmpfs\"\ndest = \"/usr/local\"\n",
            fake_tree({{"/usr", many}}));
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        CHECK_THAT(e.what(), Catch::Contains("beside the writable mounts under /usr"));
    }
}

TEST_CASE("landlock: the shipped profiles need no listing") {
    HostFacts host = test_host();
    host.xdg_runtime_dir = "/run/user/1000";  // the desktop pieces' private runtime folder
    for (const char* name : {"default", "cli", "browser", "pdf-viewer", "media-player", "untrusted-game"}) {
        INFO("profile " << name);
        SandboxPlan plan =
            build_plan(load_profile(resolve_profile(name, host, no_files()), host, no_files()), Overrides{}, host);
        const auto before = rules(plan.landlock);
        std::vector<std::string> asked;
        derive_landlock_rules(plan, load_profile(resolve_profile(name, host, no_files()), host, no_files()).landlock,
                              fake_tree({}, &asked));
        CHECK(asked.empty());
        CHECK(rules(plan.landlock) == before);
    }
}
