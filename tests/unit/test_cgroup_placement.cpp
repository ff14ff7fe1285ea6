// place_cgroup: where the sandbox's cgroup goes, decided against fake
// cgroup v2 hierarchies (every skip reason, the required-fails cases), and
// how finish_plan and describe() carry the decision.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "core/cgroup_placement.hpp"
#include "core/plan_finish.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

const std::string kHint =
    "; run under a systemd user session (systemd-run --user --scope -p Delegate=yes) or set [cgroup] required = false";

// A cgroup v2 hierarchy: where it is mounted, /proc/self/cgroup, the
// cgroup files' contents, and which paths the user may write.
struct FakeCgroups {
    std::set<std::string> mounts;
    std::map<std::string, std::string> files;
    std::set<std::string> writable;
    std::vector<std::string> asked;

    // `dir` delegated to the user (folder, cgroup.procs, subtree_control
    // writable) with these controllers available and enabled.
    void delegate(const std::string& dir, const std::string& controllers, const std::string& enabled = "",
                  const std::string& procs = "") {
        for (const char* file : {"", "/cgroup.procs", "/cgroup.subtree_control"}) writable.insert(dir + file);
        files[dir + "/cgroup.controllers"] = controllers + "\n";
        files[dir + "/cgroup.subtree_control"] = enabled + "\n";
        files[dir + "/cgroup.procs"] = procs;
    }

    CgroupQueries queries() {
        return {[this](const std::string& p) {
                    asked.push_back("statfs " + p);
                    return mounts.count(p) > 0;
                },
                [this](const std::string& p) -> std::optional<std::string> {
                    asked.push_back("read " + p);
                    auto it = files.find(p);
                    if (it == files.end()) return std::nullopt;
                    return it->second;
                },
                [this](const std::string& p) {
                    asked.push_back("access " + p);
                    return writable.count(p) > 0;
                }};
    }
};

const std::string kMount = "/sys/fs/cgroup";
const std::string kApp = kMount + "/user.slice/user-1000.slice/user@1000.service/app.slice";
const std::string kScope = kApp + "/run-r1.scope";

// A systemd user session: sbx runs in a scope below app.slice, whose
// controllers are delegated to its children; the scope has none enabled.
FakeCgroups session() {
    FakeCgroups host;
    host.mounts = {kMount};
    host.files["/proc/self/cgroup"] = "0::" + kScope.substr(kMount.size()) + "\n";
    host.delegate(kApp, "cpu memory pids", "cpu memory pids");
    host.delegate(kScope, "cpu memory pids", "", "4242\n");
    return host;
}

CgroupPlan pids(bool required = false) {
    CgroupPlan plan;
    plan.pids = 20;
    plan.required = required;
    return plan;
}

struct Placed {
    std::string parent;
    std::vector<std::string> enable;
    std::string skip_reason;
};

Placed place(CgroupPlan plan, FakeCgroups& host) {
    place_cgroup(plan, 1000, host.queries());
    return {plan.parent, plan.enable, plan.skip_reason};
}

// The Setup error of a required plan; fails the test when none is thrown.
std::string required_error(CgroupPlan plan, FakeCgroups& host) {
    try {
        place_cgroup(plan, 1000, host.queries());
    } catch (const Error& err) {
        CHECK(err.kind() == ErrorKind::Setup);
        return err.what();
    }
    FAIL_CHECK("no error was thrown");
    return "";
}

}  // namespace

TEST_CASE("place_cgroup: no limit, no question asked and nothing placed") {
    FakeCgroups host = session();
    CgroupPlan plan;
    plan.required = true;
    place_cgroup(plan, 1000, host.queries());
    CHECK(host.asked.empty());
    CHECK(plan.parent.empty());
    CHECK(plan.skip_reason.empty());
}

TEST_CASE("place_cgroup: a parent is chosen (own cgroup, its parent, the root)") {
    struct Case {
        const char* name;
        std::function<void(FakeCgroups&)> change;
        std::string parent;
        std::vector<std::string> enable;
    };
    const std::vector<Case> cases = {
        {"the scope cannot enable pids with sbx in it: app.slice, already delegating", [](FakeCgroups&) {}, kApp, {}},
        {"app.slice has none enabled yet and no process of its own: pids enabled there first",
         [](FakeCgroups& h) { h.delegate(kApp, "cpu memory pids", "memory"); },
         kApp,
         {"pids"}},
        {"our own cgroup already delegates pids to children: it is the parent",
         [](FakeCgroups& h) { h.delegate(kScope, "pids", "pids", "4242\n"); },
         kScope,
         {}},
        {"the hybrid layout: the unified hierarchy at /sys/fs/cgroup/unified",
         [](FakeCgroups& h) {
             h.mounts = {"/sys/fs/cgroup/unified"};
             h.files["/proc/self/cgroup"] = "1:name=systemd:/x\n0::/sbx-test/harness\n";
             h.delegate("/sys/fs/cgroup/unified/sbx-test", "pids", "pids");
         },
         "/sys/fs/cgroup/unified/sbx-test",
         {}},
        {"in the root cgroup: the root, exempt from the no-internal-process rule",
         [](FakeCgroups& h) {
             h.files["/proc/self/cgroup"] = "0::/\n";
             h.delegate(kMount, "cpu memory pids", "", "1\n2\n");
         },
         kMount,
         {"pids"}},
        {"one level below the root: the root is the parent, processes in it or not",
         [](FakeCgroups& h) {
             h.files["/proc/self/cgroup"] = "0::/work\n";
             h.delegate(kMount + "/work", "pids", "", "7\n");
             h.delegate(kMount, "pids", "", "1\n");
         },
         kMount,
         {"pids"}},
    };
    for (const auto& c : cases) {
        SECTION(c.name) {
            FakeCgroups host = session();
            c.change(host);
            const Placed placed = place(pids(), host);
            CHECK(placed.parent == c.parent);
            CHECK(placed.enable == c.enable);
            CHECK(placed.skip_reason.empty());
            // The same hierarchy places a required plan the same way.
            CgroupPlan required = pids(true);
            place_cgroup(required, 1000, host.queries());
            CHECK(required.parent == c.parent);
        }
    }
}

TEST_CASE("place_cgroup: every reason to skip, and the same reasons fail a required plan") {
    struct Case {
        const char* name;
        std::function<void(FakeCgroups&)> change;
        std::string reason;  // after "no delegated cgroup v2: "
        CgroupPlan plan = pids();
    };
    const std::string scope_busy =
        "cannot enable +pids in " + kScope + "/cgroup.subtree_control: sbx runs in " + kScope + " itself";
    const std::vector<Case> cases = {
        {"no cgroup2 file system at either mount point", [](FakeCgroups& h) { h.mounts.clear(); },
         "cgroup v2 is not mounted at /sys/fs/cgroup"},
        {"no 0:: line (a cgroup v1 host)",
         [](FakeCgroups& h) { h.files["/proc/self/cgroup"] = "4:memory:/x\n1:name=systemd:/x\n"; },
         "no cgroup v2 line (0::) in /proc/self/cgroup"},
        {"/proc/self/cgroup unreadable", [](FakeCgroups& h) { h.files.erase("/proc/self/cgroup"); },
         "no cgroup v2 line (0::) in /proc/self/cgroup"},
        {"a relative 0:: path", [](FakeCgroups& h) { h.files["/proc/self/cgroup"] = "0::x\n"; },
         "no cgroup v2 line (0::) in /proc/self/cgroup"},
        {"outside our cgroup namespace's root",
         [](FakeCgroups& h) { h.files["/proc/self/cgroup"] = "0::/../../user.slice\n"; },
         "our cgroup \"/../../user.slice\" (/proc/self/cgroup) is not a folder below /sys/fs/cgroup"},
        {"a removed cgroup", [](FakeCgroups& h) { h.files["/proc/self/cgroup"] = "0::/gone (deleted)\n"; },
         "our cgroup \"/gone (deleted)\" (/proc/self/cgroup) is not a folder below /sys/fs/cgroup"},
        {"nothing delegated: neither folder writable", [](FakeCgroups& h) { h.writable.clear(); },
         kScope + " is not writable by uid 1000; " + kApp + " is not writable by uid 1000"},
        {"cgroup.procs of the parent not writable (moving the sandbox in needs it)",
         [](FakeCgroups& h) { h.writable.erase(kApp + "/cgroup.procs"); },
         scope_busy + "; " + kApp + "/cgroup.procs is not writable by uid 1000"},
        {"cgroup.subtree_control of the parent not writable",
         [](FakeCgroups& h) { h.writable.erase(kApp + "/cgroup.subtree_control"); },
         scope_busy + "; " + kApp + "/cgroup.subtree_control is not writable by uid 1000"},
        {"the controller bound to cgroup v1 (hybrid layout)",
         [](FakeCgroups& h) {
             h.delegate(kApp, "hugetlb", "hugetlb");
             h.delegate(kScope, "", "", "4242\n");
         },
         "controller pids not available in " + kScope + " (cgroup.controllers: \"\"); controller pids not " +
             "available in " + kApp + " (cgroup.controllers: \"hugetlb\")"},
        {"several controllers missing, named together",
         [](FakeCgroups& h) {
             h.delegate(kApp, "pids", "pids");
             h.delegate(kScope, "pids", "", "4242\n");
         },
         "controller memory cpu not available in " + kScope + " (cgroup.controllers: \"pids\"); controller " +
             "memory cpu not available in " + kApp + " (cgroup.controllers: \"pids\")",
         [] {
             CgroupPlan p;
             p.memory = 1 << 20;
             p.pids = 5;
             p.cpus = 0.5;
             return p;
         }()},
        {"the parent must enable pids but has processes of its own",
         [](FakeCgroups& h) { h.delegate(kApp, "pids", "", "99\n"); },
         scope_busy + "; cannot enable +pids in " + kApp + "/cgroup.subtree_control: processes live in " + kApp +
             " itself"},
        {"the parent must enable pids and its cgroup.procs cannot be read",
         [](FakeCgroups& h) {
             h.delegate(kApp, "pids", "");
             h.files.erase(kApp + "/cgroup.procs");
         },
         scope_busy + "; cannot enable +pids in " + kApp + "/cgroup.subtree_control: " + kApp +
             "/cgroup.procs cannot be read"},
        {"in the root cgroup, not writable: no parent to try",
         [](FakeCgroups& h) { h.files["/proc/self/cgroup"] = "0::/\n"; }, kMount + " is not writable by uid 1000"},
    };
    for (const auto& c : cases) {
        SECTION(c.name) {
            FakeCgroups host = session();
            c.change(host);
            const Placed placed = place(c.plan, host);
            CHECK(placed.skip_reason == "no delegated cgroup v2: " + c.reason);
            CHECK(placed.parent.empty());
            CHECK(placed.enable.empty());
            CgroupPlan required = c.plan;
            required.required = true;
            CHECK(required_error(required, host) == "no delegated cgroup v2: " + c.reason + kHint);
        }
    }
}

TEST_CASE("place_cgroup: a plan placed again starts afresh") {
    FakeCgroups host = session();
    CgroupPlan plan = pids();
    plan.parent = "/stale";
    plan.enable = {"memory"};
    plan.skip_reason = "stale";
    place_cgroup(plan, 1000, host.queries());
    CHECK(plan.parent == kApp);
    CHECK(plan.enable.empty());
    CHECK(plan.skip_reason.empty());
}

TEST_CASE("finish_plan places the cgroup limits, and describe() shows the decision") {
    const HostFacts host = test::sample_host();
    auto finished = [&](const std::string& toml, FakeCgroups* cgroups) {
        const Profile profile = load_profile_text(toml, "/p/test.toml", host, test::no_files());
        HostQueries q;
        q.real_path = [](const std::string& p) -> std::optional<std::string> { return p; };
        q.list_dir = [](const std::string&) { return std::optional<std::vector<DirEntry>>{}; };
        if (cgroups) q.cgroup = cgroups->queries();
        return finish_plan(build_plan(profile, Overrides{}, host), profile.landlock, host, q);
    };
    FakeCgroups delegated = session();
    delegated.delegate(kApp, "cpu memory pids", "memory");
    SandboxPlan plan = finished("[cgroup]\npids = 20\nmemory = \"1M\"\n", &delegated);
    CHECK(plan.cgroup.parent == kApp);
    CHECK_THAT(describe(plan), Catch::Contains("cgroup      memory.max=1048576 pids.max=20 under " + kApp +
                                               " (a new sbx-PID; first +pids in its cgroup.subtree_control)\n"));

    FakeCgroups none = session();
    none.writable.clear();
    plan = finished("[cgroup]\npids = 20\n", &none);
    CHECK(plan.cgroup.parent.empty());
    CHECK_THAT(describe(plan), Catch::Contains("cgroup      pids.max=20 (not applied)\n"
                                               "cgroup limits skipped: no delegated cgroup v2: " +
                                               kScope + " is not writable by uid 1000; "));
    CHECK_THROWS_WITH(finished("[cgroup]\npids = 20\nrequired = true\n", &none),
                      Catch::StartsWith("no delegated cgroup v2: ") && Catch::EndsWith(kHint));

    // Without the cgroup queries (--print-bwrap-args) nothing is decided,
    // not even for a required limit, and describe() says the launch refuses it.
    plan = finished("[cgroup]\npids = 20\nrequired = true\n", nullptr);
    CHECK(plan.cgroup.parent.empty());
    CHECK(plan.cgroup.skip_reason.empty());
    CHECK_THAT(describe(plan), Catch::Contains("pids.max=20 (required) (not placed: the launch refuses it)"));
    // No limit: no cgroup line.
    CHECK_THAT(describe(finished("", &none)), !Catch::Contains("cgroup limits") && !Catch::Contains("cgroup      "));
}
