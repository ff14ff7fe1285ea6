// The `workdir` check (a project folder, never a folder other programs keep
// sockets in) and the text of the socket report.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "core/plan_builder.hpp"
#include "core/shared_folders.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

// The host of support.hpp, whose /home is a symlink to /usr/home and whose
// /tmp/link points at /tmp.
std::optional<std::string> resolve(const std::string& path) {
    if (path == "/tmp/link") return "/tmp";
    if (path.starts_with("/home/")) return "/usr" + path;
    if (path == "/home") return "/usr/home";
    return path;
}

SandboxPlan cli_plan(const std::string& cwd, const Overrides& overrides = {}) {
    HostFacts host = test::sample_host();
    host.cwd = cwd;
    SandboxPlan plan = build_plan(load_profile(resolve_profile("cli", host, test::no_files()), host, test::no_files()),
                                  overrides, host);
    check_sources(plan, resolve);
    return plan;
}

std::string workdir_error(const SandboxPlan& plan) {
    try {
        check_workdir_binds(plan, shared_folders(test::sample_host(), resolve));
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("workdir: the shared folders, under both spellings") {
    const auto shared = shared_folders(test::sample_host(), resolve);
    std::map<std::string, bool> got;
    for (const auto& folder : shared) got[folder.path] = folder.whole_tree;
    CHECK(got == std::map<std::string, bool>{{"/", false},
                                             {"/tmp", false},
                                             {"/var/tmp", false},
                                             {"/dev/shm", false},
                                             {"/run", true},
                                             {"/home/alice", false},
                                             {"/usr/home/alice", false},
                                             {"/run/user/1000", true}});
}

TEST_CASE("workdir: cli refuses /, ~, /tmp, the runtime folder and their ancestors") {
    for (const char* cwd :
         {"/tmp", "/var/tmp", "/dev/shm", "/run", "/run/user", "/run/user/1000", "/home", "/home/alice", "/var", "/dev",
          "/tmp/link", "/usr", "/run/user/1000/gnupg", "/run/lock/x"}) {
        INFO(cwd);
        CHECK_THAT(workdir_error(cli_plan(cwd)), Catch::StartsWith("cli: refusing to bind /") &&
                                                     Catch::Contains("as the working directory") &&
                                                     Catch::Contains("cd into a project folder"));
    }
    // One line, naming the real path and the way out.
    const std::string tmp = workdir_error(cli_plan("/tmp/link"));
    CHECK(tmp.find('\n') == std::string::npos);
    CHECK_THAT(tmp, Catch::StartsWith("cli: refusing to bind /tmp read-write as the working directory: it holds") &&
                        Catch::Contains("tmux, ssh-agent, X11") && Catch::Contains("--bind /tmp if you mean it"));
    CHECK_THAT(workdir_error(cli_plan("/home")), Catch::Contains("it contains /usr/home/alice, which holds"));
    CHECK_THAT(workdir_error(cli_plan("/run/user/1000/gnupg")), Catch::Contains("it lies in /run, which holds"));
}

TEST_CASE("workdir: project folders, even under /tmp or ~, are fine") {
    for (const char* cwd : {"/home/alice/src", "/tmp/build", "/srv/project", "/var/tmp/x"}) {
        INFO(cwd);
        CHECK(workdir_error(cli_plan(cwd)) == "(no error)");
    }
}

TEST_CASE("workdir: an explicit --bind of the same folder replaces the profile's entry and is allowed") {
    Overrides overrides;
    FsEntry bind;
    bind.type = MountKind::Bind;
    bind.source = "/tmp";
    bind.dest = "/tmp";
    bind.loc = SourceLoc{"command line"};
    overrides.mounts.push_back(bind);
    CHECK(workdir_error(cli_plan("/tmp", overrides)) == "(no error)");
    // A plain bind in a profile is never checked.
    CHECK(workdir_error(cli_plan("/home/alice/src")) == "(no error)");
}

TEST_CASE("workdir: the key is a boolean of bind and ro-bind entries only") {
    const HostFacts host = test::sample_host();
    auto error_of = [&](const std::string& toml) -> std::string {
        try {
            load_profile_text(toml, "/p/w.toml", host, test::no_files());
        } catch (const Error& e) {
            return e.what();
        }
        return "(no error)";
    };
    CHECK(error_of("[[mount]]\ntype = \"ro-bind\"\nsource = \"/a\"\nworkdir = true\n") == "(no error)");
    CHECK_THAT(error_of("[[mount]]\ntype = \"bind\"\nsource = \"/a\"\nworkdir = \"yes\"\n"),
               Catch::StartsWith("/p/w.toml:4:11: `mount.workdir` must be true or false"));
    CHECK_THAT(error_of("[[mount]]\ntype = \"tmpfs\"\ndest = \"/a\"\nworkdir = true\n"),
               Catch::StartsWith("/p/w.toml:4:1: `mount.workdir` is not allowed for type \"tmpfs\""));
    CHECK_THAT(error_of("[[mount]]\ntype = \"dev-bind\"\nsource = \"/a\"\nworkdir = true\n"),
               Catch::StartsWith("/p/w.toml:4:1: `mount.workdir` is not allowed for type \"dev-bind\""));
}

TEST_CASE("socket report: one line per bind with a few paths and the count") {
    MountOp op;
    op.kind = MountKind::Bind;
    op.source = "/tmp";
    op.dest = "/tmp";
    CHECK(describe_bind_sockets(op, SocketScan{}) == "");
    SocketScan one{{"/tmp/tmux-1000/default"}, 1, false};
    CHECK(describe_bind_sockets(op, one) ==
          "bind /tmp -> /tmp: 1 Unix socket of yours inside (/tmp/tmux-1000/default): the sandbox can connect to "
          "whatever listens on them (Landlock does not check connect())");
    SocketScan many{{"/tmp/a", "/tmp/b", "/tmp/c\n"}, 7, true};
    const std::string line = describe_bind_sockets(op, many);
    CHECK_THAT(line, Catch::StartsWith("bind /tmp -> /tmp: 7 or more Unix sockets of yours inside (/tmp/a, /tmp/b, "
                                       "/tmp/c\\n, ...)"));
    CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("workdir: a folder holding a socket of the user's is refused, naming it") {
    const SandboxPlan plan = cli_plan("/usr/home/alice/proj");
    std::vector<std::string> scanned;
    auto one_socket = [&](const std::string& path) {
        scanned.push_back(path);
        SocketScan scan;
        scan.samples = {path + "/run/tmux.sock"};
        scan.count = 1;
        return scan;
    };
    try {
        check_workdir_sockets(plan, one_socket);
        FAIL("not refused");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        CHECK(std::string(e.what()) ==
              "cli: refusing to bind /usr/home/alice/proj read-write as the working directory: it holds 1 Unix socket "
              "of yours (/usr/home/alice/proj/run/tmux.sock) that the sandbox could connect to (Landlock does not "
              "check connect(); tmux runs commands for whoever connects) (builtin:cli.toml:15:9); cd into a project "
              "folder, or bind /usr/home/alice/proj explicitly with --bind /usr/home/alice/proj if you mean it");
    }
    // Only the workdir bind is scanned: /usr, /etc/ssl and the rest are not.
    CHECK(scanned == std::vector<std::string>{"/usr/home/alice/proj"});
    // Many, and a scan cut short: counted as found, samples and "or more".
    auto many = [](const std::string& path) {
        SocketScan scan;
        scan.samples = {path + "/a", path + "/b", path + "/c"};
        scan.count = 7;
        scan.incomplete = true;
        return scan;
    };
    CHECK_THROWS_WITH(check_workdir_sockets(plan, many),
                      Catch::Contains("it holds 7 or more Unix sockets of yours (/usr/home/alice/proj/a, "
                                      "/usr/home/alice/proj/b, /usr/home/alice/proj/c, ...)"));
    // None found: allowed.
    CHECK_NOTHROW(check_workdir_sockets(plan, [](const std::string&) { return SocketScan{}; }));
    // A plan without a workdir bind scans nothing.
    Overrides ov;
    FsEntry bind;
    bind.type = MountKind::Bind;
    bind.source = bind.dest = "/usr/home/alice/proj";
    bind.loc = SourceLoc{"command line"};
    ov.mounts.push_back(bind);
    CHECK_NOTHROW(check_workdir_sockets(cli_plan("/usr/home/alice/proj", ov), many));
}
