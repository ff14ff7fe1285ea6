// The shipped app profiles (browser, pdf-viewer, media-player,
// untrusted-game) and the pieces they include (network, gpu, fonts-themes):
// their plans have the shape their comments and sbx.toml(5) promise,
// checked on a fake host through finish_plan, as a launch would see them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "core/plan_finish.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

// A host where exactly the paths in `existing` (and their ancestors) exist.
HostQueries host_with(const std::set<std::string>& existing) {
    HostQueries q;
    q.real_path = [existing](const std::string& p) -> std::optional<std::string> {
        const bool there = p == "/" || std::any_of(existing.begin(), existing.end(), [&](const std::string& e) {
                               return e == p || e.starts_with(p + "/");
                           });
        if (!there) return std::nullopt;
        return p;
    };
    // A folder lists the existing paths right below it (the gpu piece's
    // render nodes are a glob).
    q.list_dir = [existing](const std::string& dir) -> std::optional<std::vector<DirEntry>> {
        std::vector<DirEntry> entries;
        for (const std::string& path : existing)
            if (path.size() > dir.size() + 1 && path.starts_with(dir + "/") &&
                path.find('/', dir.size() + 1) == std::string::npos)
                entries.push_back({path.substr(dir.size() + 1), false, false});
        return entries;
    };
    return q;
}

// The host of a typical desktop: Alice's home with a Downloads folder and
// fonts of her own, the CA store, one GPU (Intel or AMD), no NVIDIA.
const std::set<std::string> kDesktop = {
    "/usr/bin/sh",
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/nsswitch.conf",
    "/etc/ssl/certs",
    "/etc/fonts/fonts.conf",
    "/var/cache/fontconfig/x.cache-9",
    "/home/alice/.local/share/fonts/a.ttf",
    "/home/alice/.config/gtk-3.0/settings.ini",
    "/home/alice/Downloads",
    "/home/alice/Music",
    "/home/alice/.local/share/sbx/browser/home",
    "/dev/dri/renderD128",
    "/dev/dri/card0",
    "/sys/dev/char/226:128",
    "/sys/devices/pci0000:00/0000:00:02.0/drm/renderD128",
    "/sys/bus/pci/devices",
    "/sys/class/drm/renderD128",
};

SandboxPlan shipped(const std::string& name, const std::set<std::string>& existing = kDesktop) {
    const HostFacts host = test::sample_host();
    const Profile profile = load_profile(resolve_profile(name, host, test::no_files()), host, test::no_files());
    return finish_plan(build_plan(profile, Overrides{}, host), profile.landlock, host, host_with(existing));
}

const MountOp* at(const SandboxPlan& plan, const std::string& dest) {
    for (const auto& op : plan.mounts)
        if (op.dest == dest) return &op;
    return nullptr;
}

bool skipped(const SandboxPlan& plan, const std::string& dest) {
    return std::any_of(plan.skipped.begin(), plan.skipped.end(), [&](const MountOp& op) { return op.dest == dest; });
}

// The filter's rule against clone(CLONE_NEWUSER): present unless the
// profile allows nested user namespaces.
bool denies_nested_userns(const SandboxPlan& plan) {
    return std::any_of(plan.seccomp.rules.begin(), plan.seccomp.rules.end(), [](const SeccompRule& r) {
        return (r.syscall == "clone" || r.syscall == "unshare") && !r.conditions.empty();
    });
}

// Nothing of the user's real home is writable inside but `allowed`.
void check_home_writes(const SandboxPlan& plan, const std::set<std::string>& allowed) {
    for (const auto& op : plan.mounts) {
        if (op.kind != MountKind::Bind && op.kind != MountKind::DevBind) continue;
        if (!op.source.starts_with("/home/alice")) continue;
        INFO("writable bind " << op.source << " -> " << op.dest);
        CHECK((allowed.count(op.source) == 1 || op.source.starts_with("/home/alice/.local/share/sbx/")));
    }
}

const std::vector<std::string> kApps = {"browser", "pdf-viewer", "media-player", "untrusted-game"};

}  // namespace

TEST_CASE("app profiles: each builds on a desktop host and on an empty one") {
    for (const auto& name : kApps) {
        INFO("profile " << name);
        const SandboxPlan plan = shipped(name);
        CHECK(plan.profile_name == name);
        REQUIRE(at(plan, "/usr") != nullptr);
        CHECK(plan.landlock.enabled);
        CHECK(plan.landlock.scoped);
        // A host with none of the optional files still builds (each of
        // them is optional): only the browser's `create` folders are new.
        const SandboxPlan bare = shipped(name, {"/usr/bin/sh", "/home/alice"});
        CHECK(at(bare, "/dev/dri/renderD128") == nullptr);
    }
}

TEST_CASE("network piece: the host's network, the resolver files and the CA store read-only") {
    const SandboxPlan plan = shipped("browser");
    CHECK_FALSE(plan.ns.net);
    for (const char* path : {"/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/ssl"}) {
        INFO(path);
        REQUIRE(at(plan, path) != nullptr);
        CHECK(at(plan, path)->kind == MountKind::RoBind);
    }
    CHECK(skipped(plan, "/etc/gai.conf"));  // optional, absent on this host
    for (const char* name : {"pdf-viewer", "media-player", "untrusted-game"}) {
        INFO(name);
        const SandboxPlan offline = shipped(name);
        CHECK(offline.ns.net);
        CHECK(at(offline, "/etc/resolv.conf") == nullptr);
    }
}

TEST_CASE("gpu piece: render nodes present are bound as devices, primary nodes never; sysfs read-only") {
    for (const char* name : {"browser", "media-player", "untrusted-game"}) {
        INFO(name);
        const SandboxPlan plan = shipped(name);
        const MountOp* render = at(plan, "/dev/dri/renderD128");
        REQUIRE(render != nullptr);
        CHECK(render->kind == MountKind::DevBind);
        CHECK(render->source == "/dev/dri/renderD128");
        CHECK(at(plan, "/dev/dri/card0") == nullptr);
        CHECK(at(plan, "/dev/dri/renderD129") == nullptr);  // the glob binds only what exists
        CHECK(skipped(plan, "/dev/nvidiactl"));
        for (const char* sys : {"/sys/dev/char", "/sys/devices", "/sys/bus/pci", "/sys/class/drm"}) {
            INFO(sys);
            REQUIRE(at(plan, sys) != nullptr);
            CHECK(at(plan, sys)->kind == MountKind::RoBind);
        }
    }
    // The NVIDIA driver's nodes, when the host has them.
    std::set<std::string> nvidia = kDesktop;
    nvidia.insert({"/dev/nvidiactl", "/dev/nvidia0", "/dev/nvidia-uvm"});
    const SandboxPlan plan = shipped("untrusted-game", nvidia);
    for (const char* node : {"/dev/nvidiactl", "/dev/nvidia0", "/dev/nvidia-uvm"}) {
        INFO(node);
        REQUIRE(at(plan, node) != nullptr);
        CHECK(at(plan, node)->kind == MountKind::DevBind);
    }
    // A viewer of documents from anywhere gets no GPU.
    CHECK(at(shipped("pdf-viewer"), "/dev/dri/renderD128") == nullptr);
    CHECK(at(shipped("pdf-viewer"), "/sys/devices") == nullptr);
}

TEST_CASE("fonts-themes piece: fonts, caches and settings read-only, the user's over the sandbox's home") {
    for (const auto& name : kApps) {
        INFO(name);
        const SandboxPlan plan = shipped(name);
        for (const char* path :
             {"/etc/fonts", "/var/cache/fontconfig", "/home/alice/.local/share/fonts", "/home/alice/.config/gtk-3.0"}) {
            INFO(path);
            const MountOp* op = at(plan, path);
            REQUIRE(op != nullptr);
            CHECK(op->kind == MountKind::RoBind);
        }
        // Mounted after the home it lands in, so that the home does not hide it.
        const auto index = [&](const std::string& dest) {
            return std::find_if(plan.mounts.begin(), plan.mounts.end(),
                                [&](const MountOp& op) { return op.dest == dest; }) -
                   plan.mounts.begin();
        };
        CHECK(index("/home/alice") < index("/home/alice/.local/share/fonts"));
        CHECK(skipped(plan, "/home/alice/.fonts"));
    }
}

TEST_CASE("browser: a persistent home of its own, only ~/Downloads shared, private /dev/shm, nested userns") {
    const SandboxPlan plan = shipped("browser");
    const MountOp* home = at(plan, "/home/alice");
    REQUIRE(home != nullptr);
    CHECK(home->kind == MountKind::Bind);
    CHECK(home->source == "/home/alice/.local/share/sbx/browser/home");
    CHECK(home->create);
    const MountOp* downloads = at(plan, "/home/alice/Downloads");
    REQUIRE(downloads != nullptr);
    CHECK(downloads->kind == MountKind::Bind);
    CHECK(downloads->source == "/home/alice/Downloads");
    CHECK(downloads->create);
    check_home_writes(plan, {"/home/alice/Downloads"});
    const MountOp* shm = at(plan, "/dev/shm");
    REQUIRE(shm != nullptr);
    CHECK(shm->kind == MountKind::Tmpfs);
    // The browsers' own sandboxes need user namespaces; the other
    // profiles keep them denied.
    CHECK_FALSE(denies_nested_userns(plan));
    for (const char* name : {"default", "pdf-viewer", "media-player", "untrusted-game"}) {
        INFO(name);
        CHECK(denies_nested_userns(shipped(name)));
    }
}

TEST_CASE("pdf-viewer, media-player, untrusted-game: a private empty home, the media folders read-only") {
    for (const char* name : {"pdf-viewer", "media-player", "untrusted-game"}) {
        INFO(name);
        const SandboxPlan plan = shipped(name);
        const MountOp* home = at(plan, "/home/alice");
        REQUIRE(home != nullptr);
        CHECK(home->kind == MountKind::Tmpfs);
        check_home_writes(plan, {});
        CHECK(at(plan, "/home/alice/Downloads") == nullptr);
    }
    const SandboxPlan media = shipped("media-player");
    REQUIRE(at(media, "/home/alice/Music") != nullptr);
    CHECK(at(media, "/home/alice/Music")->kind == MountKind::RoBind);
    CHECK(skipped(media, "/home/alice/Videos"));
    CHECK(at(shipped("untrusted-game"), "/home/alice/Music") == nullptr);
}

TEST_CASE("--dry-run says when the sandbox can make user namespaces") {
    const std::string line = "user namespaces can be created inside";
    CHECK_THAT(describe(shipped("browser")), Catch::Contains(line));
    for (const char* name : {"default", "pdf-viewer", "media-player", "untrusted-game"}) {
        INFO(name);
        CHECK_THAT(describe(shipped(name)), !Catch::Contains(line));
    }
    // The same through `allow`, and with the filter only logging.
    const HostFacts host = test::sample_host();
    for (const char* toml : {"[seccomp]\nallow = [\"unshare\"]\n", "[seccomp]\nlog = true\n"}) {
        INFO(toml);
        const Profile profile = load_profile_text(toml, "/p/test.toml", host, test::no_files());
        CHECK_THAT(describe(build_plan(profile, Overrides{}, host)), Catch::Contains(line));
    }
    const Profile denied =
        load_profile_text("[seccomp]\nnested-userns = false\n", "/p/test.toml", host, test::no_files());
    CHECK_THAT(describe(build_plan(denied, Overrides{}, host)), !Catch::Contains(line));
}

TEST_CASE("fonts-themes piece: read from $XDG_DATA_HOME and $XDG_CONFIG_HOME, shown where programs inside look") {
    HostFacts host = test::sample_host();
    host.xdg_data_home = "/data/alice";
    host.xdg_config_home = "/cfg/alice";
    const Profile profile =
        load_profile(resolve_profile("untrusted-game", host, test::no_files()), host, test::no_files());
    const SandboxPlan plan = finish_plan(build_plan(profile, Overrides{}, host), profile.landlock, host,
                                         host_with({"/usr/bin/sh", "/data/alice/fonts/a.ttf", "/cfg/alice/gtk-3.0"}));
    const MountOp* fonts = at(plan, "/home/alice/.local/share/fonts");
    REQUIRE(fonts != nullptr);
    CHECK(fonts->source == "/data/alice/fonts");
    CHECK(fonts->kind == MountKind::RoBind);
    const MountOp* gtk = at(plan, "/home/alice/.config/gtk-3.0");
    REQUIRE(gtk != nullptr);
    CHECK(gtk->source == "/cfg/alice/gtk-3.0");
    CHECK(at(plan, "/data/alice/fonts") == nullptr);
}
