// The `dbus` piece and helper processes in the core: bus names and rules
// checked (invalid inputs first), the proxy's command line, the socket bind
// and the covers of the real sockets, the instance folder's record.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "core/dbus.hpp"
#include "core/helpers.hpp"
#include "core/plan_builder.hpp"
#include "core/plan_finish.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

HostFacts dbus_host() {
    HostFacts host = test::sample_host();
    host.pid = 4242;
    host.env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/run/user/1000/bus";
    return host;
}

SandboxPlan planned(const std::string& toml, const HostFacts& host = dbus_host()) {
    const Profile profile = load_profile_text(toml, "/p/test.toml", host, test::no_files());
    return build_plan(profile, Overrides{}, host);
}

// finish_plan on a host where `existing` paths (and their ancestors) exist.
SandboxPlan finished(const std::string& toml, const std::set<std::string>& existing,
                     const HostFacts& host = dbus_host()) {
    const Profile profile = load_profile_text(toml, "/p/test.toml", host, test::no_files());
    HostQueries q;
    q.real_path = [&existing](const std::string& p) -> std::optional<std::string> {
        if (p == "/") return p;
        for (const auto& e : existing)
            if (e == p || e.starts_with(p + "/")) return p;
        return std::nullopt;
    };
    q.list_dir = [](const std::string&) { return std::optional<std::vector<DirEntry>>(std::vector<DirEntry>{}); };
    return finish_plan(build_plan(profile, Overrides{}, host), profile.landlock, host, q);
}

std::string error_of(const std::string& toml, const HostFacts& host = dbus_host()) {
    return test::usage_error([&] { planned(toml, host); });
}

const MountOp* at(const SandboxPlan& plan, const std::string& dest) {
    const MountOp* found = nullptr;
    for (const auto& op : plan.mounts)
        if (op.dest == dest) found = &op;  // the last one is on top
    return found;
}

}  // namespace

TEST_CASE("bus names: well-known names and wildcards only") {
    for (const char* good : {"org.example.App", "org.example.App-2", "org.example._x", "a.b"})
        CHECK(valid_bus_name(good, false, nullptr));
    CHECK(valid_bus_name("org.example.*", true, nullptr));
    struct Bad {
        const char* name;
        const char* why;
    };
    for (const Bad& bad : std::initializer_list<Bad>{
             {"", "may not be empty"},
             {"org", "at least 2 elements"},
             {"--help", "may not start with '-'"},
             {"-org.example", "may not start with '-'"},
             {"org..example", "empty element"},
             {"org.example.", "empty element"},
             {".org.example", "empty element"},
             {"org.9example", "starting with a digit"},
             {":1.42", "unique name"},
             {"org.example.App=x", "may hold only"},
             {"org.exa mple", "may hold only"},
             {"org.*.App", "may hold only"},
             {"*", "may hold only"},
         }) {
        INFO(bad.name);
        std::string why;
        CHECK_FALSE(valid_bus_name(bad.name, true, &why));
        CHECK_THAT(why, Catch::Contains(bad.why));
    }
    CHECK_FALSE(valid_bus_name("org.example.*", false, nullptr));
    CHECK_FALSE(valid_bus_name(std::string(256, 'a'), false, nullptr));
}

TEST_CASE("bus rules: NAME=[METHOD][@PATH]") {
    for (const char* good : {"org.example.App=*", "org.example.App=org.example.Iface.Method",
                             "org.example.App=org.example.Iface.*", "org.example.App=*@/org/example/*",
                             "org.example.*=@/", "org.example.App=org.example.Iface.Get@/org/example/Obj"})
        CHECK(valid_bus_rule(good, nullptr));
    for (const char* bad :
         {"org.example.App", "org.example.App=", "--x=*", "org.example.App=Method",
          "org.example.App=org.example.Iface.9x", "org.example.App=*@org/example", "org.example.App=*@/org//x",
          "org.example.App=*@/org/ex-ample", "org.example.App=org.ex-ample.Iface.M"}) {
        INFO(bad);
        CHECK_FALSE(valid_bus_rule(bad, nullptr));
    }
}

TEST_CASE("D-Bus addresses: the unix:path= sockets") {
    CHECK(unix_socket_paths("unix:path=/run/user/1000/bus") == std::vector<std::string>{"/run/user/1000/bus"});
    CHECK(unix_socket_paths("unix:abstract=/tmp/dbus-x,guid=1;unix:path=/tmp/a%20b,guid=2") ==
          std::vector<std::string>{"/tmp/a b"});
    CHECK(unix_socket_paths("unix:abstract=/tmp/dbus-x").empty());
    CHECK(unix_socket_paths("tcp:host=localhost,port=1").empty());
    CHECK(unix_socket_paths("unix:path=relative").empty());
}

TEST_CASE("[dbus]: the proxy's command line, the socket inside, the environment") {
    const SandboxPlan plan = finished(R"(
[dbus]
session = true
talk = ["org.example.Talk"]
see = ["org.example.See.*"]
own = ["org.example.Own"]
call = ["org.example.Call=org.example.Iface.Get@/org/example/*"]
broadcast = ["org.example.Call=@/org/example/*"]
)",
                                      {"/run/user/1000/bus"});
    REQUIRE(plan.helpers.size() == 1);
    CHECK(plan.helpers[0].argv ==
          std::vector<std::string>{"xdg-dbus-proxy", "--fd=3", "unix:path=/run/user/1000/bus",
                                   "/run/user/1000/sbx/4242/bus", "--filter", "--see=org.example.See.*",
                                   "--talk=org.example.Talk", "--own=org.example.Own",
                                   "--call=org.example.Call=org.example.Iface.Get@/org/example/*",
                                   "--broadcast=org.example.Call=@/org/example/*"});
    CHECK(plan.helpers[0].package == "xdg-dbus-proxy");
    CHECK(plan.instance.dir == "/run/user/1000/sbx/4242");
    const MountOp* bus = at(plan, "/run/user/1000/bus");
    REQUIRE(bus != nullptr);
    CHECK(bus->kind == MountKind::RoBind);
    CHECK(bus->source == "/run/user/1000/sbx/4242/bus");
    CHECK(std::count(plan.env.begin(), plan.env.end(), "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus") == 1);
    CHECK(describe(plan).find("xdg-dbus-proxy --fd=3 unix:path=/run/user/1000/bus") != std::string::npos);
}

TEST_CASE("[dbus] off: no helper, no folder; the real sockets covered where a bind shows them") {
    const std::string binds_runtime = R"(
[[mount]]
type = "bind"
source = "/run/user/1000"
[[mount]]
type = "ro-bind"
source = "/run"
dest = "/hostrun"
)";
    SandboxPlan plan =
        finished(binds_runtime, {"/run/user/1000/bus", "/run/user/1000/sbx", "/run/dbus/system_bus_socket"});
    CHECK(plan.helpers.empty());
    CHECK_FALSE(plan.instance.any());
    for (const char* dest : {"/run/user/1000/bus", "/hostrun/user/1000/bus", "/hostrun/dbus/system_bus_socket"}) {
        INFO(dest);
        const MountOp* cover = at(plan, dest);
        REQUIRE(cover != nullptr);
        CHECK(cover->kind == MountKind::RoBind);
        CHECK(cover->source == "/dev/null");
    }
    for (const char* dest : {"/run/user/1000/sbx", "/hostrun/user/1000/sbx"}) {
        INFO(dest);
        const MountOp* cover = at(plan, dest);
        REQUIRE(cover != nullptr);
        CHECK(cover->kind == MountKind::Tmpfs);
    }
    CHECK(plan.instance.root == "/run/user/1000/sbx");
    // A cover over a socket that does not exist would create it on the
    // host: none. The folder of instance folders is covered all the same
    // (a later sandbox would make it), and the launch creates it first.
    plan = finished(binds_runtime, {"/run/user/1000/x"});
    CHECK(at(plan, "/run/user/1000/bus") == nullptr);
    REQUIRE(at(plan, "/run/user/1000/sbx") != nullptr);
    CHECK(at(plan, "/run/user/1000/sbx")->kind == MountKind::Tmpfs);
    CHECK(plan.instance.root == "/run/user/1000/sbx");
    CHECK_FALSE(plan.instance.any());
    // Without a runtime folder on the host, nothing to cover or create.
    plan = finished("[[mount]]\ntype = \"ro-bind\"\nsource = \"/run\"\n", {"/run/other"});
    CHECK(at(plan, "/run/user/1000/sbx") == nullptr);
    CHECK(plan.instance.root.empty());
    // Nothing binds them: nothing to cover.
    plan = finished("", {"/run/user/1000/bus"});
    CHECK(std::none_of(plan.mounts.begin(), plan.mounts.end(),
                       [](const MountOp& op) { return op.source == "/dev/null"; }));
}

TEST_CASE("[dbus] on with all of $XDG_RUNTIME_DIR bound: the proxy's socket is what is at bus") {
    const SandboxPlan plan = finished(R"(
[dbus]
session = true
[[mount]]
type = "bind"
source = "/run/user/1000"
)",
                                      {"/run/user/1000/bus"});
    const MountOp* bus = at(plan, "/run/user/1000/bus");
    REQUIRE(bus != nullptr);
    CHECK(bus->source == "/run/user/1000/sbx/4242/bus");
    const MountOp* folders = at(plan, "/run/user/1000/sbx");
    REQUIRE(folders != nullptr);
    CHECK(folders->kind == MountKind::Tmpfs);
    // The binds come before what is stacked on them.
    const auto index = [&](const MountOp* op) { return op - plan.mounts.data(); };
    CHECK(index(at(plan, "/run/user/1000")) < index(bus));
}

TEST_CASE("[dbus]: no mount point made on the host through a profile's bind") {
    const std::string toml = R"(
[dbus]
session = true
[[mount]]
type = "bind"
source = "/run/user/1000"
)";
    HostFacts host = dbus_host();
    host.env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/tmp/dbus-elsewhere";
    const std::string message = test::usage_error([&] {
        finished(toml, {"/run/user/1000/x", "/tmp/dbus-elsewhere"}, host);
    });
    CHECK_THAT(message, Catch::StartsWith("/p/test.toml:4:1: the bind /run/user/1000 -> /run/user/1000 shows "
                                          "/run/user/1000/bus, where the D-Bus proxy's socket goes, and "
                                          "/run/user/1000/bus does not exist"));
    // Something there already (the usual bus): its place is taken by the proxy's socket.
    CHECK_NOTHROW(finished(toml, {"/run/user/1000/bus", "/tmp/dbus-elsewhere"}, host));
    // A tmpfs over the place makes the mount point in the sandbox's memory.
    CHECK_NOTHROW(
        finished("[dbus]\nsession = true\n[[mount]]\ntype = \"bind\"\nsource = \"/run/user\"\n"
                 "[[mount]]\ntype = \"tmpfs\"\ndest = \"/run/user/1000\"\n",
                 {"/run/user/1000/x"}, host));
}

TEST_CASE("[dbus]: the system bus only when asked, at its usual place") {
    HostFacts host = dbus_host();
    host.env["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=/tmp/system";
    SandboxPlan plan = planned("[dbus]\nsession = true\n", host);
    REQUIRE(plan.dbus.buses.size() == 1);
    CHECK(std::none_of(plan.env.begin(), plan.env.end(),
                       [](const std::string& kv) { return kv.starts_with("DBUS_SYSTEM_BUS_ADDRESS="); }));
    plan = planned("[dbus]\nsystem = true\nsystem-talk = [\"org.freedesktop.login1\"]\n", host);
    REQUIRE(plan.dbus.buses.size() == 1);
    CHECK(plan.dbus.buses[0].bus == "system");
    CHECK(plan.dbus.buses[0].address == "unix:path=/tmp/system");
    CHECK(plan.dbus.buses[0].dest == "/run/dbus/system_bus_socket");
    CHECK(plan.dbus.buses[0].rules == std::vector<std::string>{"--talk=org.freedesktop.login1"});
    CHECK(std::count(plan.env.begin(), plan.env.end(),
                     "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket") == 1);
    // Its real socket is covered either way.
    CHECK(std::count(plan.dbus.raw_sockets.begin(), plan.dbus.raw_sockets.end(), "/tmp/system") == 1);
}

TEST_CASE("[dbus]: invalid input is an error at its place") {
    CHECK(error_of("[dbus]\nsession = true\ntalk = [\"--help\"]\n") ==
          "/p/test.toml:3:9: dbus talk entry \"--help\": a bus name may not start with '-'");
    CHECK_THAT(error_of("[dbus]\nsession = true\ncall = [\"org.example.App\"]\n"),
               Catch::StartsWith("/p/test.toml:3:9: dbus call entry \"org.example.App\": a rule is NAME=RULE"));
    CHECK_THAT(error_of("[dbus]\ntalk = [\"org.example.App\"]\n"),
               Catch::Contains("2:9: dbus rules without `session = true`"));
    CHECK_THAT(error_of("[dbus]\nsystem-see = [\"x\"]\n"), Catch::StartsWith("/p/test.toml:2:15: dbus see entry"));
    CHECK_THAT(test::usage_error(
                   [] { load_profile_text("[dbus]\nsesion = true\n", "/p/test.toml", dbus_host(), test::no_files()); }),
               Catch::StartsWith("/p/test.toml:2:1: unknown key `sesion` in [dbus]"));
    CHECK_THAT(test::usage_error([] {
                   load_profile_text("[dbus]\ntalk = \"org.example.App\"\n", "/p/test.toml", dbus_host(),
                                     test::no_files());
               }),
               Catch::StartsWith("/p/test.toml:2:8:"));
    HostFacts host = dbus_host();
    for (const char* address : {"-unix:path=/x", "tcp:host=x,port=1", "unix:path=/a b", "unix:path=/a\n"}) {
        INFO(address);
        host.env["DBUS_SESSION_BUS_ADDRESS"] = address;
        CHECK_THAT(error_of("[dbus]\nsession = true\n", host),
                   Catch::StartsWith("/p/test.toml:2:11: DBUS_SESSION_BUS_ADDRESS"));
    }
    // Unset: the standard place under $XDG_RUNTIME_DIR.
    host.env.erase("DBUS_SESSION_BUS_ADDRESS");
    CHECK(planned("[dbus]\nsession = true\n", host).dbus.buses.at(0).address == "unix:path=/run/user/1000/bus");
}

TEST_CASE("instance folders: names, records, stale ones") {
    CHECK(instance_plan("/run/user/1000", 77).dir == "/run/user/1000/sbx/77");
    for (const char* good : {"1", "4242", "4194304"}) CHECK(is_instance_name(good));
    for (const char* bad : {"", "0", "01", "4194305", "12a", "-1", "..", "a", "99999999999999999999999"}) {
        INFO(bad);
        CHECK_FALSE(is_instance_name(bad));
    }
    const auto record = parse_instance_record(instance_record(42, 123456));
    REQUIRE(record);
    CHECK(record->pid == 42);
    CHECK(record->start_time == 123456);
    for (const char* bad : {"", "42", "42 \n", "42 12", " 12\n", "0 12\n", "42 x\n", "42 12 13\n"}) {
        INFO(bad);
        CHECK_FALSE(parse_instance_record(bad));
    }
    std::string stat = "42 (a b) c) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 123456 1000 200";
    CHECK(stat_start_time(stat) == 123456u);
    CHECK_FALSE(stat_start_time("42 (x) S 1 2"));
    CHECK_FALSE(stat_start_time("garbage"));
    CHECK_FALSE(instance_is_stale(*record, stat));
    CHECK(instance_is_stale(*record, std::nullopt));
    CHECK(instance_is_stale(*record, std::string("42 (x) S 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 999 1 1")));
}
