// The [wayland] piece and the private $XDG_RUNTIME_DIR (core/wayland,
// core/runtime_dir): what build_plan and finish_plan decide for a host.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/plan_finish.hpp"
#include "core/runtime_dir.hpp"
#include "core/wayland.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

const char* kPiece = "[wayland]\nenabled = true\n";

HostFacts wayland_host(const std::string& display = "wayland-1") {
    HostFacts host = test::sample_host();
    if (!display.empty()) host.env["WAYLAND_DISPLAY"] = display;
    return host;
}

SandboxPlan built(const std::string& toml, const HostFacts& host) {
    const Profile profile = load_profile_text(toml, "/p/app.toml", host, test::no_files());
    return build_plan(profile, Overrides{}, host);
}

// finish_plan on a host where every path exists, with `probe` as the compositor.
SandboxPlan finished(const std::string& toml, const HostFacts& host, WaylandProber probe,
                     std::vector<std::string> missing = {}) {
    const Profile profile = load_profile_text(toml, "/p/app.toml", host, test::no_files());
    HostQueries q;
    q.real_path = [missing](const std::string& p) -> std::optional<std::string> {
        if (std::find(missing.begin(), missing.end(), p) != missing.end()) return std::nullopt;
        return p;
    };
    q.list_dir = [](const std::string&) -> std::optional<std::vector<DirEntry>> { return std::vector<DirEntry>{}; };
    q.wayland = std::move(probe);
    return finish_plan(build_plan(profile, Overrides{}, host), profile.landlock, host, q);
}

std::vector<const MountOp*> mounts_at(const SandboxPlan& plan, const std::string& dest) {
    std::vector<const MountOp*> out;
    for (const auto& op : plan.mounts)
        if (op.dest == dest) out.push_back(&op);
    return out;
}

size_t index_of(const SandboxPlan& plan, const std::string& dest) {
    for (size_t i = 0; i < plan.mounts.size(); ++i)
        if (plan.mounts[i].dest == dest) return i;
    return plan.mounts.size();
}

bool has_env(const SandboxPlan& plan, const std::string& kv) {
    return std::find(plan.env.begin(), plan.env.end(), kv) != plan.env.end();
}

WaylandProbe offers(bool security_context) { return WaylandProbe{"", security_context}; }

}  // namespace

TEST_CASE("private runtime dir: a 0700 tmpfs at the host's path, added once") {
    const HostFacts host = test::sample_host();
    SandboxPlan plan = built("", host);
    CHECK(ensure_private_runtime_dir(plan, host, "test") == "/run/user/1000");
    CHECK(ensure_private_runtime_dir(plan, host, "again") == "/run/user/1000");
    const auto ops = mounts_at(plan, "/run/user/1000");
    REQUIRE(ops.size() == 1);
    CHECK(ops[0]->kind == MountKind::Tmpfs);
    CHECK(ops[0]->mode == 0700);
    CHECK(ops[0]->size == kRuntimeDirSize);
    CHECK(ops[0]->origin.find("for test") != std::string::npos);
    CHECK(has_private_runtime_dir(plan, "/run/user/1000"));
    CHECK(std::count_if(plan.env.begin(), plan.env.end(),
                        [](const std::string& kv) { return kv.starts_with("XDG_RUNTIME_DIR="); }) == 1);
    CHECK(has_env(plan, "XDG_RUNTIME_DIR=/run/user/1000"));
}

TEST_CASE("private runtime dir: a profile's own mount there is kept") {
    const HostFacts host = test::sample_host();
    SandboxPlan plan = built("[[mount]]\ntype = \"bind\"\nsource = \"/run/user/1000\"\n", host);
    ensure_private_runtime_dir(plan, host, "test");
    const auto ops = mounts_at(plan, "/run/user/1000");
    REQUIRE(ops.size() == 1);
    CHECK(ops[0]->kind == MountKind::Bind);
    CHECK_FALSE(has_private_runtime_dir(plan, "/run/user/1000"));
    CHECK(has_env(plan, "XDG_RUNTIME_DIR=/run/user/1000"));
}

TEST_CASE("private runtime dir: after a profile's mount of a parent folder") {
    const HostFacts host = test::sample_host();
    SandboxPlan plan = built("[[mount]]\ntype = \"tmpfs\"\ndest = \"/run\"\n", host);
    ensure_private_runtime_dir(plan, host, "test");
    CHECK(index_of(plan, "/run") < index_of(plan, "/run/user/1000"));
}

TEST_CASE("private runtime dir: a runtime folder that is no absolute path is refused") {
    for (const char* bad : {"", "relative/dir", "/", "/run/../tmp"}) {
        HostFacts host = test::sample_host();
        host.xdg_runtime_dir = bad;
        SandboxPlan plan = built("", host);
        CHECK(test::usage_error([&] {
                  ensure_private_runtime_dir(plan, host, "[wayland]");
              }).find("[wayland]: XDG_RUNTIME_DIR") != std::string::npos);
    }
}

TEST_CASE("wayland: off by default, and nothing added") {
    const SandboxPlan plan = built("", wayland_host());
    CHECK_FALSE(plan.wayland.enabled);
    CHECK(mounts_at(plan, "/run/user/1000").empty());
    CHECK_FALSE(has_env(plan, "WAYLAND_DISPLAY=wayland-1"));
}

TEST_CASE("wayland: any socket name is bound at the same path, with its variables") {
    const SandboxPlan plan = built(kPiece, wayland_host("my-compositor"));
    REQUIRE(plan.wayland.enabled);
    CHECK(plan.wayland.socket == "/run/user/1000/my-compositor");
    CHECK(plan.wayland.dest == plan.wayland.socket);
    CHECK(plan.wayland.app_id == "app");
    const auto ops = mounts_at(plan, "/run/user/1000/my-compositor");
    REQUIRE(ops.size() == 1);
    CHECK(ops[0]->kind == MountKind::RoBind);
    CHECK(ops[0]->source == "/run/user/1000/my-compositor");
    CHECK(index_of(plan, "/run/user/1000") < index_of(plan, "/run/user/1000/my-compositor"));
    CHECK(has_env(plan, "WAYLAND_DISPLAY=my-compositor"));
    CHECK(has_env(plan, "XDG_RUNTIME_DIR=/run/user/1000"));
    CHECK(has_env(plan, "XDG_SESSION_TYPE=wayland"));
}

TEST_CASE("wayland: an absolute WAYLAND_DISPLAY is the socket's path") {
    const SandboxPlan plan = built(kPiece, wayland_host("/tmp/wl/sock"));
    CHECK(plan.wayland.socket == "/tmp/wl/sock");
    CHECK(mounts_at(plan, "/tmp/wl/sock").size() == 1);
    CHECK(has_env(plan, "WAYLAND_DISPLAY=/tmp/wl/sock"));
}

TEST_CASE("wayland: without WAYLAND_DISPLAY the piece is skipped, and says so") {
    for (const char* display : {"", "unset"}) {
        HostFacts host = wayland_host(display);
        if (std::string(display) == "unset") host.env.erase("WAYLAND_DISPLAY");
        const SandboxPlan plan = built(kPiece, host);
        CHECK_FALSE(plan.wayland.enabled);
        CHECK(plan.wayland.why.find("WAYLAND_DISPLAY is not set") != std::string::npos);
        CHECK(mounts_at(plan, "/run/user/1000").empty());
    }
}

TEST_CASE("wayland: a WAYLAND_DISPLAY that leaves the runtime folder is refused") {
    for (const char* bad : {"../1001/wayland-0", "a/../../x", ".", "/a/../b", "x\ny"}) {
        const std::string message = test::usage_error([&] { built(kPiece, wayland_host(bad)); });
        CHECK(message.find("[wayland] at /p/app.toml:2:11: WAYLAND_DISPLAY") != std::string::npos);
    }
}

TEST_CASE("wayland: enabled must be a boolean, unknown keys are refused") {
    const HostFacts host = wayland_host();
    CHECK(test::usage_error([&] { built("[wayland]\nenabled = \"yes\"\n", host); }).starts_with("/p/app.toml:2:"));
    CHECK(test::usage_error([&] { built("[wayland]\nsocket = \"x\"\n", host); }).find("socket") != std::string::npos);
    CHECK(test::usage_error([&] { built("[wayland]\nsecurity-context = 1\n", host); }).starts_with("/p/app.toml:2:"));
}

TEST_CASE("wayland: a missing socket is an error naming the piece") {
    const std::string message = test::usage_error([&] {
        finished(kPiece, wayland_host(), [](const std::string&) { return offers(true); }, {"/run/user/1000/wayland-1"});
    });
    CHECK(message.find("[wayland] at /p/app.toml:2:11: no compositor socket at \"/run/user/1000/wayland-1\"") !=
          std::string::npos);
}

TEST_CASE("wayland: a compositor with wp_security_context_v1 gets sbx's listener instead of a bind") {
    std::vector<std::string> asked;
    const SandboxPlan plan = finished(kPiece, wayland_host(), [&](const std::string& socket) {
        asked.push_back(socket);
        return offers(true);
    });
    CHECK(asked == std::vector<std::string>{"/run/user/1000/wayland-1"});
    CHECK(plan.wayland.security_context);
    CHECK(plan.wayland.dest == "/run/user/1000/wayland-1");
    CHECK(mounts_at(plan, "/run/user/1000/wayland-1").empty());
    CHECK(mounts_at(plan, "/run/user/1000").size() == 1);
    CHECK(plan.wayland.why.find("\"app\"") != std::string::npos);
    CHECK(describe(plan).find("wayland     /run/user/1000/wayland-1") != std::string::npos);
}

TEST_CASE("wayland: with a security context, an absolute WAYLAND_DISPLAY moves into the runtime folder") {
    const SandboxPlan plan =
        finished(kPiece, wayland_host("/tmp/wl/sock"), [](const std::string&) { return offers(true); });
    CHECK(plan.wayland.security_context);
    CHECK(plan.wayland.dest == "/run/user/1000/sock");
    CHECK(has_env(plan, "WAYLAND_DISPLAY=sock"));
    CHECK(mounts_at(plan, "/tmp/wl/sock").empty());
}

TEST_CASE("wayland: the compositor's socket stays bound when the security context cannot be had") {
    SECTION("the compositor lacks the global") {
        const SandboxPlan plan = finished(kPiece, wayland_host(), [](const std::string&) { return offers(false); });
        CHECK_FALSE(plan.wayland.security_context);
        CHECK(plan.wayland.why.find("does not offer wp_security_context_manager_v1") != std::string::npos);
        CHECK(mounts_at(plan, "/run/user/1000/wayland-1").size() == 1);
    }
    SECTION("security-context = false: the compositor is not even asked") {
        bool asked = false;
        const SandboxPlan plan =
            finished(std::string(kPiece) + "security-context = false\n", wayland_host(), [&](const std::string&) {
                asked = true;
                return offers(true);
            });
        CHECK_FALSE(asked);
        CHECK_FALSE(plan.wayland.security_context);
        CHECK(plan.wayland.why.starts_with("security-context = false"));
        CHECK(mounts_at(plan, "/run/user/1000/wayland-1").size() == 1);
    }
    SECTION("the profile mounts the runtime folder itself") {
        const SandboxPlan plan =
            finished(std::string(kPiece) + "[[mount]]\ntype = \"tmpfs\"\ndest = \"/run/user/1000\"\n", wayland_host(),
                     [](const std::string&) { return offers(true); });
        CHECK_FALSE(plan.wayland.security_context);
        CHECK(plan.wayland.why.find("the profile mounts /run/user/1000 itself") != std::string::npos);
        CHECK(mounts_at(plan, "/run/user/1000/wayland-1").size() == 1);
    }
}

TEST_CASE("wayland: a profile's own mount at the socket's path is kept, and no listener goes there") {
    const std::string toml = std::string(kPiece) +
                             "[[mount]]\ntype = \"ro-bind\"\nsource = \"/run/user/1000/wayland-0\"\n"
                             "dest = \"/run/user/1000/wayland-1\"\n";
    bool asked = false;
    const SandboxPlan plan = finished(toml, wayland_host(), [&](const std::string&) {
        asked = true;
        return offers(true);
    });
    const auto ops = mounts_at(plan, "/run/user/1000/wayland-1");
    REQUIRE(ops.size() == 1);
    CHECK(ops[0]->source == "/run/user/1000/wayland-0");
    CHECK_FALSE(asked);
    CHECK_FALSE(plan.wayland.security_context);
    CHECK(plan.wayland.why.find("the profile mounts /run/user/1000/wayland-1 itself (/p/app.toml:3:1)") !=
          std::string::npos);
}

TEST_CASE("wayland: a compositor that cannot be reached fails the launch") {
    try {
        finished(kPiece, wayland_host(), [](const std::string&) { return WaylandProbe{"Connection refused", false}; });
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Setup);
        CHECK(std::string(e.what()).find(
                  "cannot reach the compositor at /run/user/1000/wayland-1: Connection refused") != std::string::npos);
    }
}
