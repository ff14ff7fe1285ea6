// finish_plan: the one pure step between build_plan and the launch, run
// against a fake host (a map of real paths, a fake lister).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "core/bwrap_args.hpp"
#include "core/plan_finish.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

// A host where `links` maps a path prefix to where it really leads and
// `existing` lists the real paths that exist (with all their ancestors).
struct FakeHost {
    std::map<std::string, std::string> links;
    std::set<std::string> existing;
    std::vector<std::string> listed;

    std::string follow(const std::string& path) const {
        for (const auto& [from, to] : links)
            if (path == from || path.starts_with(from + "/")) return to + path.substr(from.size());
        return path;
    }
    bool exists(const std::string& real) const {
        if (real == "/") return true;
        return std::any_of(existing.begin(), existing.end(),
                           [&](const std::string& e) { return e == real || e.starts_with(real + "/"); });
    }
    HostQueries queries() {
        HostQueries q;
        q.real_path = [this](const std::string& p) -> std::optional<std::string> {
            const std::string real = follow(p);
            if (!exists(real)) return std::nullopt;
            return real;
        };
        q.list_dir = [this](const std::string& dir) -> std::optional<std::vector<DirEntry>> {
            listed.push_back(dir);
            return std::vector<DirEntry>{{"bin", true, false}};
        };
        return q;
    }
};

SandboxPlan finished(const std::string& toml, FakeHost& fake) {
    const HostFacts host = test::sample_host();
    const Profile profile = load_profile_text(toml, "/p/test.toml", host, test::no_files());
    return finish_plan(build_plan(profile, Overrides{}, host), profile.landlock, host, fake.queries());
}

const MountOp* mount_at(const SandboxPlan& plan, const std::string& dest) {
    for (const auto& op : plan.mounts)
        if (op.dest == dest) return &op;
    return nullptr;
}

bool has_rule(const SandboxPlan& plan, const std::string& path) {
    return std::any_of(plan.landlock.paths.begin(), plan.landlock.paths.end(),
                       [&](const LandlockPath& p) { return p.path == path; });
}

}  // namespace

TEST_CASE("finish_plan: sources become real paths; a missing `create` one the path that will be created") {
    FakeHost fake;
    fake.links = {{"/home/alice/data", "/srv/alice-data"}, {"/home/alice/link", "/srv/linked"}};
    fake.existing = {"/srv/alice-data", "/srv/linked/x"};
    const SandboxPlan plan = finished(R"(
[[mount]]
type = "bind"
source = "/home/alice/data/state/new"
dest = "/state"
create = true
[[mount]]
type = "ro-bind"
source = "/home/alice/link/x"
dest = "/x"
)",
                                      fake);
    REQUIRE(mount_at(plan, "/state") != nullptr);
    // The symlinked ancestor resolved, the missing rest kept: exactly what
    // prepare_host creates and the mount opens without following symlinks.
    CHECK(mount_at(plan, "/state")->source == "/srv/alice-data/state/new");
    CHECK(mount_at(plan, "/state")->create);
    REQUIRE(mount_at(plan, "/x") != nullptr);
    CHECK(mount_at(plan, "/x")->source == "/srv/linked/x");
}

TEST_CASE("finish_plan: a missing source that is neither `create` nor optional fails; optional ones are skipped") {
    FakeHost fake;
    fake.existing = {"/srv"};
    CHECK_THROWS_WITH(finished("[[mount]]\ntype = \"bind\"\nsource = \"/srv/none\"\n", fake),
                      Catch::Contains("/srv/none: No such file or directory"));
    const SandboxPlan plan = finished(R"(
[[mount]]
type = "bind"
source = "/srv/none"
optional = true
[landlock]
execute = ["/srv/none"]
)",
                                      fake);
    CHECK(mount_at(plan, "/srv/none") == nullptr);
    REQUIRE(plan.skipped.size() == 1);
    // The Landlock rules come from the final mounts: none for the skipped bind.
    CHECK_FALSE(has_rule(plan, "/srv/none"));
}

TEST_CASE("finish_plan: a refused bind is refused before a missing source is reported") {
    FakeHost fake;  // nothing exists
    CHECK_THROWS_WITH(finished(R"(
[[mount]]
type = "bind"
source = "/srv/missing"
[[mount]]
type = "ro-bind"
source = "/proc"
dest = "/hostproc"
)",
                               fake),
                      Catch::Contains("binding the host's /proc"));
}

TEST_CASE("finish_plan: the exposure checks run again on the real paths (a symlink to /sys)") {
    FakeHost fake;
    fake.links = {{"/home/alice/sys", "/sys"}};
    fake.existing = {"/sys/kernel"};
    CHECK_THROWS_WITH(finished("[[mount]]\ntype = \"ro-bind\"\nsource = \"/home/alice/sys\"\ndest = \"/s\"\n", fake),
                      Catch::Contains("binding the host's /sys"));
    // Control: the same bind through a link to an ordinary folder is fine.
    fake.links = {{"/home/alice/sys", "/srv/s"}};
    fake.existing = {"/srv/s"};
    CHECK(mount_at(finished("[[mount]]\ntype = \"ro-bind\"\nsource = \"/home/alice/sys\"\ndest = \"/s\"\n", fake), "/s")
              ->source == "/srv/s");
}

TEST_CASE("finish_plan: sbx's own folders are covered, and the covers get no Landlock rule of their own") {
    FakeHost fake;
    fake.existing = {"/home/alice/.config/sbx", "/home/alice/.local/share/sbx", "/usr/bin"};
    const SandboxPlan plan = finished(R"(
[[mount]]
type = "bind"
source = "/home/alice"
unsafe = true
[[mount]]
type = "ro-bind"
source = "/usr"
[[mount]]
type = "tmpfs"
dest = "/usr/local"
)",
                                      fake);
    const MountOp* cover = mount_at(plan, "/home/alice/.config/sbx");
    REQUIRE(cover != nullptr);
    CHECK(cover->kind == MountKind::RoBind);
    CHECK(cover->create);
    CHECK(mount_at(plan, "/home/alice/.local/share/sbx") != nullptr);
    // A read-only cover made a rule would grant execute in sbx's folders.
    CHECK_FALSE(has_rule(plan, "/home/alice/.config/sbx"));
    CHECK(has_rule(plan, "/home/alice"));
    // The lister was asked (execute beside the tmpfs under the /usr bind).
    CHECK(std::find(fake.listed.begin(), fake.listed.end(), "/usr") != fake.listed.end());
    CHECK(has_rule(plan, "/usr/bin"));
}

TEST_CASE("finish_plan: a missing own folder the user cannot create gets no cover") {
    FakeHost fake;
    fake.existing = {"/etc/passwd", "/home/alice/.config/sbx", "/home/alice/.local/share/sbx"};
    HostQueries q = fake.queries();
    q.can_create = [](const std::string& p) { return p != "/etc/sbx"; };
    const HostFacts host = test::sample_host();
    const Profile profile = load_profile_text("[[mount]]\ntype = \"bind\"\nsource = \"/etc\"\nunsafe = true\n",
                                              "/p/test.toml", host, test::no_files());
    SandboxPlan plan = finish_plan(build_plan(profile, Overrides{}, host), profile.landlock, host, q);
    CHECK(mount_at(plan, "/etc/sbx") == nullptr);
    // Control: when it could be created, it is covered.
    q.can_create = [](const std::string&) { return true; };
    plan = finish_plan(build_plan(profile, Overrides{}, host), profile.landlock, host, q);
    REQUIRE(mount_at(plan, "/etc/sbx") != nullptr);
    CHECK(mount_at(plan, "/etc/sbx")->create);
}

TEST_CASE("finish_plan: a dev and a proc op are followed by every mount they are made of") {
    FakeHost fake;
    fake.existing = {"/usr/bin"};
    const SandboxPlan plan = finished(R"(
[[mount]]
type = "proc"
dest = "/proc"
[[mount]]
type = "dev"
dest = "/dev"
shm-size = 4096
[[mount]]
type = "tmpfs"
dest = "/tmp"
)",
                                      fake);
    std::vector<std::string> listed;
    for (const auto& op : plan.mounts) listed.push_back(std::string(mount_kind_name(op.kind)) + " " + op.dest);
    const std::vector<std::string> want{
        "proc /proc",           "ro-cover /proc/sys",    "ro-cover /proc/sysrq-trigger",
        "ro-cover /proc/irq",   "ro-cover /proc/bus",    "dev /dev",
        "dev-node /dev/null",   "dev-node /dev/zero",    "dev-node /dev/full",
        "dev-node /dev/random", "dev-node /dev/urandom", "dev-node /dev/tty",
        "devpts /dev/pts",      "tmpfs /dev/shm",        "symlink /dev/ptmx",
        "symlink /dev/fd",      "symlink /dev/stdin",    "symlink /dev/stdout",
        "symlink /dev/stderr",  "symlink /dev/core",     "tmpfs /tmp",
    };
    CHECK(listed == want);
    const MountOp* shm = mount_at(plan, "/dev/shm");
    REQUIRE(shm != nullptr);
    CHECK(shm->mode == 01777);
    CHECK(shm->size == std::optional<uint64_t>(4096));
    CHECK(mount_at(plan, "/dev/null")->source == "/dev/null");
    CHECK(mount_at(plan, "/dev/ptmx")->source == "pts/ptmx");
    CHECK(mount_at(plan, "/proc/sys")->optional);
    for (const auto& op : plan.mounts) {
        INFO(op.dest);
        CHECK(op.implied == (op.dest != "/proc" && op.dest != "/dev" && op.dest != "/tmp"));
    }
    // The parts get no Landlock rule of their own: /dev's covers them.
    CHECK_FALSE(has_rule(plan, "/dev/shm"));
    CHECK(has_rule(plan, "/dev"));
    // bwrap's --dev and --proc make the parts themselves.
    const std::vector<std::string> args = to_bwrap_args(plan).args;
    CHECK(std::count(args.begin(), args.end(), "--dev") == 1);
    CHECK(std::count(args.begin(), args.end(), "--proc") == 1);
    CHECK(std::find(args.begin(), args.end(), "/dev/shm") == args.end());
    CHECK(std::find(args.begin(), args.end(), "/proc/sys") == args.end());
    // And --dry-run shows them.
    const std::string text = describe(plan);
    CHECK(text.find("dev-node /dev/null -> /dev/null") != std::string::npos);
    CHECK(text.find("ro-cover /proc/sys (if the kernel has it)") != std::string::npos);
}

TEST_CASE("the kinds only sbx adds cannot be asked for by a profile") {
    for (const char* name : {"dev-node", "devpts", "ro-cover"}) {
        INFO(name);
        CHECK_FALSE(mount_kind_from_name(name));
        CHECK_THROWS_WITH(load_profile_text(std::string("[[mount]]\ntype = \"") + name + "\"\ndest = \"/x\"\n",
                                            "/p/t.toml", test::sample_host(), test::no_files()),
                          Catch::Contains("mount.type") && !Catch::Contains("dev-node"));
    }
}
