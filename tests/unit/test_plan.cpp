// Plan building: ordering, normalisation, rejected destinations, identity,
// environment assembly, command-line overrides, source checks, describe().
#include <catch2/catch.hpp>

#include <map>

#include "core/plan_builder.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

// The sample host, with an environment to filter.
HostFacts test_host() {
    HostFacts host = test::sample_host();
    host.env = {{"TERM", "xterm"}, {"LC_ALL", "C.UTF-8"}, {"SECRET", "s3cret"}, {"PATH", "/host/bin"}};
    return host;
}

using test::FakeFiles;
using test::no_files;

SandboxPlan plan_of(const std::string& toml, const Overrides& ov = {}) {
    const HostFacts host = test_host();
    return build_plan(load_profile_text(toml, "/p/test.toml", host, no_files()), ov, host);
}

std::string usage_error_of(const std::string& toml, const Overrides& ov = {}) {
    try {
        plan_of(toml, ov);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        return e.what();
    }
    return "(no error)";
}

std::vector<std::string> dests(const SandboxPlan& plan) {
    std::vector<std::string> out;
    for (const auto& op : plan.mounts) out.push_back(op.dest);
    return out;
}

FsEntry cli_entry(MountKind type, std::string source, std::string dest) {
    FsEntry e;
    e.type = type;
    e.source = std::move(source);
    e.dest = std::move(dest);
    e.loc = SourceLoc{"command line --bind"};
    return e;
}

}  // namespace

TEST_CASE("an empty profile gives the safe defaults") {
    const SandboxPlan plan = plan_of("");
    CHECK(plan.ns.net);
    CHECK(plan.ns.pid);
    CHECK(plan.ns.ipc);
    CHECK(plan.ns.uts);
    CHECK(plan.ns.cgroup);
    CHECK(plan.uid.inside == 1000);
    CHECK(plan.uid.outside == 1000);
    CHECK(plan.gid.inside == 1001);
    CHECK(plan.gid.outside == 1001);
    CHECK(plan.mounts.empty());
    CHECK(plan.chdir == "/");
    CHECK(plan.argv == std::vector<std::string>{"/bin/sh"});
    CHECK(plan.new_session);
    CHECK(plan.die_with_parent);
    CHECK(plan.env.empty());  // clear by default, nothing kept
    CHECK(plan.profile_name == "test");
}

TEST_CASE("uid and gid root map to the caller's ids") {
    const SandboxPlan plan = plan_of("[user]\nuid = \"root\"\ngid = 0\n");
    CHECK(plan.uid.inside == 0);
    CHECK(plan.uid.outside == 1000);
    CHECK(plan.gid.inside == 0);
    CHECK(plan.gid.outside == 1001);
}

TEST_CASE("mounts are applied parents first, stable for equal depth") {
    const SandboxPlan plan = plan_of(R"(
[[mount]]
type = "tmpfs"
dest = "/a/b/c"
[[mount]]
type = "tmpfs"
dest = "/a"
[[mount]]
type = "dir"
dest = "/z/y"
[[mount]]
type = "tmpfs"
dest = "/a/b"
[[mount]]
type = "tmpfs"
dest = "/b"
)");
    CHECK(dests(plan) == std::vector<std::string>{"/a", "/b", "/z/y", "/a/b", "/a/b/c"});
}

TEST_CASE("destinations are normalised") {
    const SandboxPlan plan = plan_of(R"(
[[mount]]
type = "tmpfs"
dest = "//x/./y//"
)");
    REQUIRE(plan.mounts.size() == 1);
    CHECK(plan.mounts[0].dest == "/x/y");
}

TEST_CASE("bad destinations are rejected with their location") {
    struct Case {
        const char* dest;
        const char* expect;
    };
    const Case cases[] = {
        {"relative/path", "/p/test.toml:"},
        {"/a/../b", "/p/test.toml:"},
        {"..", "/p/test.toml:"},
        {"", "/p/test.toml:"},
    };
    for (const auto& c : cases) {
        INFO("dest = " << c.dest);
        const std::string err = usage_error_of(std::string("[[mount]]\ntype = \"tmpfs\"\ndest = \"") + c.dest + "\"\n");
        CHECK(err.rfind(c.expect, 0) == 0);
        CHECK(err.find("destination") != std::string::npos);
    }
}

TEST_CASE("nothing may be mounted over the sandbox root") {
    CHECK_THAT(usage_error_of("[[mount]]\ntype = \"tmpfs\"\ndest = \"/\"\n"),
               Catch::Contains("/p/test.toml:1:1") && Catch::Contains("sandbox root"));
    CHECK_THAT(usage_error_of("[[mount]]\ntype = \"bind\"\nsource = \"/\"\n"), Catch::Contains("sandbox root"));
}

TEST_CASE("proc needs a pid namespace, mqueue an ipc namespace, hostname uts") {
    CHECK_THAT(usage_error_of("[namespaces]\npid = false\n[[mount]]\ntype = \"proc\"\ndest = \"/proc\"\n"),
               Catch::Contains("namespaces.pid"));
    CHECK_THAT(usage_error_of("[namespaces]\nipc = false\n[[mount]]\ntype = \"mqueue\"\ndest = \"/m\"\n"),
               Catch::Contains("namespaces.ipc"));
    CHECK_THAT(usage_error_of("hostname = \"x\"\n[namespaces]\nuts = false\n"),
               Catch::StartsWith("/p/test.toml:1:") && Catch::Contains("uts"));
}

TEST_CASE("environment: keep, set, unset, then the command line") {
    Overrides ov;
    ov.setenv = {{"EXTRA", "1"}, {"TERM", "dumb"}};
    ov.unsetenv = {"LC_ALL"};
    const SandboxPlan plan = plan_of(R"(
[env]
keep = ["TERM", "LC_*", "PATH"]
unset = ["PATH"]
[env.set]
HOME = "${HOME}"
)",
                                     ov);
    std::map<std::string, std::string> env;
    for (const auto& kv : plan.env) env[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    CHECK(env == std::map<std::string, std::string>{{"TERM", "dumb"}, {"HOME", "/home/alice"}, {"EXTRA", "1"}});
    CHECK(env.count("SECRET") == 0);
}

TEST_CASE("env.clear = false passes the whole host environment") {
    const SandboxPlan plan = plan_of("[env]\nclear = false\n");
    CHECK(std::find(plan.env.begin(), plan.env.end(), "SECRET=s3cret") != plan.env.end());
    CHECK(plan.env.size() == 4);
}

TEST_CASE("command-line overrides win over the profile") {
    Overrides ov;
    ov.chdir = "/work/./x/";
    ov.hostname = "box";
    ov.share_net = true;
    ov.command = {"make", "-j2"};
    ov.mounts.push_back(cli_entry(MountKind::Bind, "/home/alice/src", "/src"));
    ov.mounts.push_back(cli_entry(MountKind::Tmpfs, "", "/tmp"));
    const SandboxPlan plan = plan_of(R"(
hostname = "sandbox"
chdir = "/"
command = ["/bin/sh"]
[[mount]]
type = "tmpfs"
dest = "/tmp"
mode = "1777"
)",
                                     ov);
    CHECK_FALSE(plan.ns.net);
    CHECK(plan.hostname == "box");
    CHECK(plan.chdir == "/work/x");
    CHECK(plan.argv == std::vector<std::string>{"make", "-j2"});
    // The command line's /tmp replaces the profile's; same depth keeps command-line order.
    REQUIRE(plan.mounts.size() == 2);
    CHECK(plan.mounts[0].dest == "/src");
    CHECK(plan.mounts[0].kind == MountKind::Bind);
    CHECK(plan.mounts[0].source == "/home/alice/src");
    CHECK(plan.mounts[1].dest == "/tmp");
    CHECK(plan.mounts[1].kind == MountKind::Tmpfs);
    CHECK(plan.mounts[1].mode == 0755);
    CHECK(plan.mounts[1].origin == "command line --bind");
}

TEST_CASE("--hostname without a uts namespace is refused") {
    Overrides ov;
    ov.hostname = "box";
    CHECK_THAT(usage_error_of("[namespaces]\nuts = false\n", ov), Catch::Contains("--hostname"));
}

TEST_CASE("check_sources: missing optional binds are skipped, missing required ones fail") {
    SandboxPlan plan = plan_of(R"(
[[mount]]
type = "ro-bind"
source = "/there"
[[mount]]
type = "ro-bind"
source = "/gone"
optional = true
[[mount]]
type = "bind"
source = "/made"
create = true
)");
    auto resolve = [](const std::string& p) -> std::optional<std::string> {
        if (p == "/there") return "/real/there";
        return std::nullopt;
    };
    check_sources(plan, resolve);
    CHECK(dests(plan) == std::vector<std::string>{"/there", "/made"});
    CHECK(plan.mounts[0].source == "/real/there");  // resolved on the host, dest unchanged
    CHECK(plan.mounts[1].source == "/made");
    REQUIRE(plan.skipped.size() == 1);
    CHECK(plan.skipped[0].source == "/gone");

    SandboxPlan bad = plan_of("\n[[mount]]\ntype = \"bind\"\nsource = \"/nowhere\"\n");
    try {
        check_sources(bad, resolve);
        FAIL("a missing source was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        CHECK_THAT(std::string(e.what()), Catch::StartsWith("/p/test.toml:2:1: bind source /nowhere: No such file"));
    }
    // Control characters in a path are escaped (a newline is refused earlier,
    // by the path check): the message stays one line, no escape sequence
    // reaches the terminal.
    SandboxPlan odd = plan_of("\n[[mount]]\ntype = \"bind\"\nsource = \"/no\\rwhere\\u001b[2J\"\ndest = \"/x\"\n");
    try {
        check_sources(odd, resolve);
        FAIL("a missing source was accepted");
    } catch (const Error& e) {
        CHECK_THAT(std::string(e.what()),
                   Catch::StartsWith("/p/test.toml:2:1: bind source /no\\x0dwhere\\x1b[2J: No such file"));
    }
}

TEST_CASE("describe shows every part of the plan") {
    Overrides ov;
    ov.command = {"echo", "it's"};
    SandboxPlan plan = plan_of(R"(
hostname = "sandbox"
[namespaces]
cgroup = false
[[mount]]
type = "ro-bind"
source = "/usr"
[[mount]]
type = "symlink"
target = "usr/bin"
dest = "/bin"
[[mount]]
type = "ro-bind"
source = "/gone"
optional = true
)",
                               ov);
    check_sources(plan, [](const std::string& p) -> std::optional<std::string> {
        if (p == "/usr") return p;
        return std::nullopt;
    });
    const std::string text = describe(plan);
    CHECK_THAT(text, Catch::Contains("namespaces  user mount pid ipc uts net\n"));
    CHECK_THAT(text, Catch::Contains("shared      cgroup (host's)"));
    CHECK_THAT(text, Catch::Contains("uid_map     1000 1000 1"));
    CHECK_THAT(text, Catch::Contains("gid_map     1001 1001 1 (setgroups deny)"));
    CHECK_THAT(text, Catch::Contains("hostname    sandbox"));
    CHECK_THAT(text, Catch::Contains("1. ro-bind /usr -> /usr"));
    CHECK_THAT(text, Catch::Contains("2. symlink /bin -> usr/bin"));
    CHECK_THAT(text, Catch::Contains("ro-bind /gone -> /gone (optional): source missing, skipped"));
    CHECK_THAT(text, Catch::Contains("command     echo 'it'\\''s'"));
}

TEST_CASE("the shipped profiles build into plans") {
    const HostFacts host = test_host();
    for (const char* name : {"default", "cli", "browser", "pdf-viewer", "media-player", "untrusted-game"}) {
        INFO("profile " << name);
        const std::string path = resolve_profile(name, host, no_files());
        const SandboxPlan plan = build_plan(load_profile(path, host, no_files()), Overrides{}, host);
        CHECK(plan.profile_name == name);
        CHECK_FALSE(plan.mounts.empty());
        CHECK(plan.mounts.front().dest == "/usr");
    }
}

TEST_CASE("a destination written twice in one file is an error naming both places") {
    CHECK(usage_error_of("[[mount]]\ntype = \"tmpfs\"\ndest = \"/x\"\n[[mount]]\ntype = \"dir\"\ndest = \"/x/\"\n") ==
          "/p/test.toml:4:1: duplicate destination /x (first at /p/test.toml:1:1)");
}

TEST_CASE("an including profile replaces an included entry for the same destination") {
    const HostFacts host = test_host();
    const std::map<std::string, std::string> files = {
        {"/p/base.toml",
         "[[mount]]\ntype = \"tmpfs\"\ndest = \"/home/alice\"\n[[mount]]\ntype = \"tmpfs\"\ndest = \"/tmp\"\n"},
    };
    FileReader read = [&](const std::string& path) -> std::optional<std::string> {
        auto it = files.find(path);
        if (it == files.end()) return std::nullopt;
        return it->second;
    };
    const Profile profile = load_profile_text(
        "include = [\"./base.toml\"]\n[[mount]]\ntype = \"bind\"\nsource = \"/data/home\"\ndest = \"/home/alice\"\n",
        "/p/top.toml", host, read);
    const SandboxPlan plan = build_plan(profile, Overrides{}, host);
    REQUIRE(plan.mounts.size() == 2);
    CHECK(plan.mounts[0].dest == "/tmp");
    CHECK(plan.mounts[1].dest == "/home/alice");
    CHECK(plan.mounts[1].kind == MountKind::Bind);
    CHECK(plan.mounts[1].source == "/data/home");
}

TEST_CASE("hardening settings reach the plan") {
    const SandboxPlan plan = plan_of(R"(
interactive = true
[capabilities]
keep = ["CAP_CHOWN", "dac_override", "CAP_CHOWN"]
[limits]
nofile = 64
as = "1G"
core = 0
fsize = "0K"
timeout = 30
kill-after = 2
[cgroup]
memory = "512M"
pids = 100
cpus = 0.5
)");
    CHECK(plan.keep_caps == std::vector<std::string>{"CAP_CHOWN", "CAP_DAC_OVERRIDE"});
    REQUIRE(plan.rlimits.size() == 4);
    CHECK(plan.rlimits[0].resource == Rlimit::Nofile);
    CHECK(plan.rlimits[0].value == 64);
    CHECK(plan.rlimits[1].resource == Rlimit::As);
    CHECK(plan.rlimits[1].value == (uint64_t{1} << 30));
    CHECK(plan.rlimits[2].resource == Rlimit::Fsize);  // a size written as a string may be 0 too
    CHECK(plan.rlimits[2].value == 0);
    CHECK(plan.rlimits[3].resource == Rlimit::Core);
    CHECK(plan.rlimits[3].value == 0);
    CHECK(plan.timeout == 30);
    CHECK(plan.kill_after == 2);
    CHECK(plan.cgroup.memory == (uint64_t{512} << 20));
    CHECK(plan.cgroup.pids == 100);
    CHECK(plan.cgroup.cpus == 0.5);
    CHECK_FALSE(plan.terminal.pty);  // interactive, but no terminal at hand
    CHECK(plan.protected_paths ==
          std::vector<std::string>{"/home/alice/.config/sbx", "/home/alice/.local/share/sbx", "/etc/sbx"});
}

namespace {

using Fds = std::array<bool, 3>;

TerminalPlan terminal_of(const std::string& toml, Fds ttys, std::optional<PtyMode> option = std::nullopt) {
    HostFacts host = test_host();
    host.stdio_is_tty = ttys;
    Overrides ov;
    ov.pty = option;
    return build_plan(load_profile_text(toml, "/p/test.toml", host, no_files()), ov, host).terminal;
}

}  // namespace

TEST_CASE("terminal: a pty whenever stdin, stdout or stderr is a terminal, on exactly those fds") {
    struct Case {
        Fds ttys;
        bool pty;
        Fds on_pty;
        int outer, output_fd;
        bool raw, echo, opost, keeps_opost;
    };
    const Case cases[] = {
        {{false, false, false}, false, {false, false, false}, -1, -1, false, true, true, false},
        {{true, true, true}, true, {true, true, true}, 0, 1, true, true, true, false},
        // echo hi | sbx -- cat: the pipe stays a pipe, the output is proxied, not processed twice
        {{false, true, true}, true, {false, true, true}, 1, 1, false, false, false, false},
        // sbx -- cmd >file 2>&1: typed input inside, its echo back to the terminal, which
        // keeps its own output processing (others may write there)
        {{true, false, false}, true, {true, false, false}, 0, 0, true, true, false, true},
        {{false, false, true}, true, {false, false, true}, 2, 2, false, false, false, false},
        // sbx -- cmd | grep: grep writes to the raw terminal too
        {{true, false, true}, true, {true, false, true}, 0, 2, true, true, false, true},
    };
    for (const auto& c : cases) {
        INFO("ttys " << c.ttys[0] << c.ttys[1] << c.ttys[2]);
        for (const char* toml : {"", "pty = \"auto\"\n", "interactive = true\n"}) {
            INFO("profile: " << toml);
            const TerminalPlan t = terminal_of(toml, c.ttys);
            CHECK(t.pty == c.pty);
            CHECK(t.on_pty == c.on_pty);
            CHECK(t.caller_tty == c.ttys);
            CHECK(t.outer == c.outer);
            CHECK(t.output_fd == c.output_fd);
            CHECK(t.raw_outer == c.raw);
            if (t.pty) CHECK(t.echo == c.echo);
            if (t.pty) CHECK(t.opost == c.opost);
            CHECK(t.raw_keeps_opost == c.keeps_opost);
        }
    }
}

TEST_CASE("terminal: --pty and pty = \"always\" put all three fds on a pty, even without a terminal") {
    for (const Fds ttys : {Fds{false, false, false}, Fds{false, true, false}, Fds{true, true, true}}) {
        for (const auto& t : {terminal_of("", ttys, PtyMode::Always), terminal_of("pty = \"always\"\n", ttys)}) {
            CHECK(t.pty);
            CHECK(t.on_pty == Fds{true, true, true});
            CHECK(t.output_fd == 1);
            CHECK(t.raw_outer == ttys[0]);
            CHECK(t.echo == ttys[0]);  // `echo hi | sbx --pty -- cat` prints hi once
        }
    }
    const TerminalPlan none = terminal_of("", {false, false, false}, PtyMode::Always);
    CHECK(none.outer == -1);
    CHECK(none.opost);  // no terminal outside does the processing
    CHECK(none.why.find("--pty") != std::string::npos);
}

TEST_CASE("terminal: --no-pty and pty = \"never\" hand the terminal over, and say what that risks") {
    const TerminalPlan by_option = terminal_of("pty = \"always\"\n", {true, true, true}, PtyMode::Never);
    CHECK_FALSE(by_option.pty);
    CHECK(by_option.on_pty == Fds{false, false, false});
    CHECK(by_option.why.find("--no-pty") != std::string::npos);
    CHECK(by_option.why.find("holds the caller's terminal on stdin, stdout, stderr") != std::string::npos);
    CHECK(by_option.why.find("background") != std::string::npos);
    const TerminalPlan by_profile = terminal_of("\npty = \"never\"\n", {false, true, false});
    CHECK_FALSE(by_profile.pty);
    CHECK(by_profile.why.find("pty = \"never\" at /p/test.toml:2:7") != std::string::npos);
    // The command line wins over the profile both ways.
    CHECK(terminal_of("pty = \"never\"\n", {false, false, false}, PtyMode::Always).pty);
    CHECK(terminal_of("pty = \"never\"\n", {true, false, false}, PtyMode::Auto).pty);
}

TEST_CASE("terminal: the decision is in --dry-run") {
    HostFacts host = test_host();
    host.stdio_is_tty = {true, true, false};
    const SandboxPlan plan = build_plan(load_profile_text("", "/p/test.toml", host, no_files()), Overrides{}, host);
    CHECK_THAT(describe(plan),
               Catch::Contains("terminal    a new pseudo-terminal inside, proxied by sbx, as the target's stdin, "
                               "stdout (the default, pty = \"auto\"; the caller's terminal: stdin, stdout)\n"));
    CHECK_THAT(describe(plan_of("")),
               Catch::Contains("terminal    none: no terminal on stdin, stdout or stderr (the default"));
}

TEST_CASE("bad hardening values are refused at their location") {
    CHECK(usage_error_of("[capabilities]\nkeep = [\"CAP_NOPE\"]\n") ==
          "/p/test.toml:2:9: unknown capability \"CAP_NOPE\" (see capabilities(7))");
    CHECK(usage_error_of("[capabilities]\nkeep = [\"CAP_\\nNOPE\\u0001\"]\n") ==
          "/p/test.toml:2:9: unknown capability \"CAP_\\nNOPE\\x01\" (see capabilities(7))");
    CHECK_THAT(usage_error_of("[limits]\nnofile = -1\n"),
               Catch::StartsWith("/p/test.toml:2:10: `limits.nofile` must be"));
    CHECK_THAT(usage_error_of("[limits]\nas = \"12bogus\"\n"), Catch::StartsWith("/p/test.toml:2:6: invalid size"));
    CHECK_THAT(usage_error_of("[cgroup]\ncpus = 0\n"), Catch::StartsWith("/p/test.toml:2:8: `cgroup.cpus` must be"));
    CHECK_THAT(usage_error_of("[seccomp]\npolicy = \"strict\"\n"),
               Catch::StartsWith("/p/test.toml:2:10: `seccomp.policy` must be"));
    CHECK_THAT(usage_error_of("[landlock]\nmin-abi = \"7\"\n"),
               Catch::StartsWith("/p/test.toml:2:11: `landlock.min-abi` must be"));
    CHECK_THAT(usage_error_of("[limits]\nbogus = 1\n"),
               Catch::StartsWith("/p/test.toml:2:1: unknown key `bogus` in [limits]"));
}

TEST_CASE("sbx's own folders stay read-only where a writable bind exposes them") {
    SandboxPlan plan = plan_of(R"(
[[mount]]
type = "bind"
source = "/home/alice"
[[mount]]
type = "ro-bind"
source = "/home/alice/.local"
dest = "/ro"
[[mount]]
type = "bind"
source = "/home/alice/.local/share/sbx/browser/home"
dest = "/home/alice/inner"
)");
    // ~/.config/sbx does not exist yet; ~/.local/share/sbx does.
    auto resolve = [](const std::string& p) -> std::optional<std::string> {
        if (p.starts_with("/home/alice/.config/sbx")) return std::nullopt;
        return p;
    };
    check_sources(plan, resolve);
    protect_own_folders(plan, resolve);
    std::vector<std::string> covers;
    for (const auto& op : plan.mounts)
        if (op.origin == "sbx: its own folder stays read-only") {
            CHECK(op.kind == MountKind::RoBind);
            CHECK(op.create);
            CHECK(op.source == op.dest);
            covers.push_back(op.dest);
        }
    // Only the writable bind of the home exposes them; the ro-bind and the
    // bind of a folder below sbx's own do not.
    CHECK(covers == std::vector<std::string>{"/home/alice/.config/sbx", "/home/alice/.local/share/sbx"});
    // Parents first: the covers come after the home they lie in.
    CHECK(plan.mounts.front().dest == "/ro");
    CHECK(plan.mounts.back().dest == "/home/alice/.local/share/sbx");
}

TEST_CASE("a bind at another destination moves the cover with it") {
    Overrides ov;
    ov.mounts.push_back(cli_entry(MountKind::Bind, "/home/alice", "/h"));
    SandboxPlan plan = plan_of("", ov);
    auto same = [](const std::string& p) -> std::optional<std::string> { return p; };
    check_sources(plan, same);
    protect_own_folders(plan, same);
    REQUIRE(plan.mounts.size() == 3);
    CHECK(plan.mounts[1].source == "/home/alice/.config/sbx");
    CHECK(plan.mounts[1].dest == "/h/.config/sbx");
    CHECK(plan.mounts[2].dest == "/h/.local/share/sbx");
}

TEST_CASE("a profile included along two paths is no duplicate") {
    const HostFacts host = test_host();
    const std::string path = resolve_profile("cli", host, no_files());
    // cli includes default; including both reads default twice.
    const Profile profile = load_profile_text("include = [\"default\", \"cli\"]\n", "/p/both.toml", host, no_files());
    const SandboxPlan plan = build_plan(profile, Overrides{}, host);
    CHECK(std::count_if(plan.mounts.begin(), plan.mounts.end(), [](const MountOp& m) { return m.dest == "/usr"; }) ==
          1);
    CHECK(path == "builtin:cli.toml");
}

// ---------------------------------------------------------------- issue 9: binds that steer or expose

namespace {

// The Usage error check_exposure throws for `plan`, or "(allowed)".
std::string exposure_error(
    const SandboxPlan& plan,
    const SourceResolver& resolve = [](const std::string& p) -> std::optional<std::string> { return p; }) {
    try {
        check_exposure(plan, resolve);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        return e.what();
    }
    return "(allowed)";
}

SandboxPlan plan_with(MountKind type, const std::string& source, const std::string& dest, bool unsafe = false) {
    Overrides ov;
    ov.mounts.push_back(cli_entry(type, source, dest));
    ov.mounts.back().unsafe = unsafe;
    return plan_of("", ov);
}

}  // namespace

TEST_CASE("the plan knows which host paths decide a later launch") {
    HostFacts host = test_host();
    host.profile_links = {"/home/alice/dots/web.toml"};
    FakeFiles fs;
    fs.files["/p/base.toml"] = "";
    const SandboxPlan plan =
        build_plan(load_profile_text("include = [\"./base.toml\", \"default\"]\n", "/p/top.toml", host, fs.reader()),
                   Overrides{}, host);
    CHECK(plan.launch_inputs == std::vector<std::string>{"/home/alice/.config/sbx", "/etc/sbx",
                                                         "/home/alice/.config/sbx/profiles",
                                                         "/home/alice/.local/share/applications",
                                                         "/home/alice/dots/web.toml", "/p/top.toml", "/p/base.toml"});
    // A profile the symlinks of the profile folder lead to is protected
    // even when this launch does not read it.
    Overrides ov;
    ov.mounts.push_back(cli_entry(MountKind::Bind, "/home/alice/dots", "/w"));
    const SandboxPlan dots = build_plan(load_profile_text("", "/p/top.toml", host, fs.reader()), ov, host);
    CHECK_THROWS_WITH(check_exposure(dots, [](const std::string& p) -> std::optional<std::string> { return p; }),
                      Catch::Contains("change /home/alice/dots/web.toml"));
    // ...and so is a profile folder that is a symlink itself.
    auto linked_dir = [](const std::string& p) -> std::optional<std::string> {
        if (p.starts_with("/home/alice/.config/sbx/profiles"))
            return "/home/alice/dots/profiles" + p.substr(std::string("/home/alice/.config/sbx/profiles").size());
        return p;
    };
    HostFacts plain = test_host();
    const SandboxPlan dir = build_plan(load_profile_text("", "/p/top.toml", plain, fs.reader()), ov, plain);
    CHECK_THROWS_WITH(check_exposure(dir, linked_dir), Catch::Contains("change /home/alice/dots/profiles"));
}

TEST_CASE("check_exposure: the host's /, /proc, /dev and /sys are never bound without unsafe") {
    for (const auto& [source, what] : std::vector<std::pair<std::string, std::string>>{
             {"/", "the host's whole filesystem"},
             {"/proc", "every host process's command line, environment and open files"},
             {"/dev", "every host device node"},
             {"/sys", "the host's kernel and device settings"}}) {
        for (MountKind type : {MountKind::RoBind, MountKind::Bind, MountKind::DevBind}) {
            const SandboxPlan plan = plan_with(type, source, "/host");
            CHECK(exposure_error(plan) == "command line --bind: " + std::string(mount_kind_name(type)) + " " + source +
                                              " -> /host: binding the host's " + source + " would expose " + what +
                                              " (--unsafe allows it anyway)");
            CHECK(exposure_error(plan_with(type, source, "/host", true)) == "(allowed)");
        }
    }
    // A symlink to /proc is /proc.
    auto through_link = [](const std::string& p) -> std::optional<std::string> {
        if (p == "/home/alice/p") return "/proc";
        return p;
    };
    CHECK_THAT(exposure_error(plan_with(MountKind::RoBind, "/home/alice/p", "/x"), through_link),
               Catch::Contains("binding the host's /proc would expose"));
    // Below them is fine: a device, a read-only sysfs folder.
    CHECK(exposure_error(plan_with(MountKind::DevBind, "/dev/dri", "/dev/dri")) == "(allowed)");
    CHECK(exposure_error(plan_with(MountKind::RoBind, "/sys/fs/cgroup", "/cg")) == "(allowed)");
    CHECK(exposure_error(plan_with(MountKind::RoBind, "/dev/null", "/dev/null2")) == "(allowed)");
    CHECK(exposure_error(plan_with(MountKind::RoBind, "/sys/devices", "/sys/devices")) == "(allowed)");
    CHECK(exposure_error(plan_with(MountKind::DevBind, "/dev/ptsx", "/x")) == "(allowed)");
    CHECK(exposure_error(plan_with(MountKind::RoBind, "/procfs", "/x")) == "(allowed)");
}

TEST_CASE("check_exposure: a part of the host's /proc, /dev/pts or a writable part of /sys is still the host's") {
    for (MountKind type : {MountKind::RoBind, MountKind::Bind, MountKind::DevBind}) {
        for (const std::string source : {"/proc/1", "/proc/4215/fd", "/proc/sys"})
            CHECK_THAT(exposure_error(plan_with(type, source, "/x")),
                       Catch::Contains("binding the host's " + source + " would expose a host process's"));
        for (const std::string source : {"/dev/pts", "/dev/pts/3"})
            CHECK_THAT(exposure_error(plan_with(type, source, "/x")), Catch::Contains("would expose your terminals"));
        CHECK(exposure_error(plan_with(type, "/proc/1", "/x", true)) == "(allowed)");
        CHECK(exposure_error(plan_with(type, "/dev/pts", "/x", true)) == "(allowed)");
    }
    for (MountKind type : {MountKind::Bind, MountKind::DevBind}) {
        CHECK_THAT(exposure_error(plan_with(type, "/sys/fs/cgroup", "/cg")),
                   Catch::Contains("binding the host's /sys/fs/cgroup would expose the host's kernel"));
        CHECK(exposure_error(plan_with(type, "/sys/fs/cgroup", "/cg", true)) == "(allowed)");
    }
    // Through a symbolic link (the real path is compared).
    auto through_link = [](const std::string& p) -> std::optional<std::string> {
        if (p == "/home/alice/t") return "/dev/pts/0";
        return p;
    };
    CHECK_THAT(exposure_error(plan_with(MountKind::DevBind, "/home/alice/t", "/x"), through_link),
               Catch::Contains("binding the host's /dev/pts/0 would expose your terminals"));
}

TEST_CASE("check_exposure: no bind over the sandbox's own /proc or /dev") {
    CHECK(exposure_error(plan_with(MountKind::RoBind, "/data", "/proc")) ==
          "command line --bind: ro-bind /data -> /proc: a bind over the sandbox's own /proc replaces what sbx mounts "
          "there and can expose the host's (--unsafe allows it anyway)");
    CHECK_THAT(exposure_error(plan_with(MountKind::RoBind, "/data", "/proc/sys")),
               Catch::Contains("over the sandbox's own /proc"));
    CHECK_THAT(exposure_error(plan_with(MountKind::Bind, "/data", "/dev")),
               Catch::Contains("over the sandbox's own /dev"));
    CHECK(exposure_error(plan_with(MountKind::RoBind, "/data", "/dev", true)) == "(allowed)");
    CHECK(exposure_error(plan_with(MountKind::RoBind, "/data", "/dev/shm")) == "(allowed)");
    CHECK(exposure_error(plan_with(MountKind::RoBind, "/data", "/procfs")) == "(allowed)");
}

TEST_CASE("check_exposure: no writable bind of sbx's folders, their ancestors or their contents") {
    const std::string config_error =
        "it would let the sandbox change /home/alice/.config/sbx (sbx's own files), and so what a later launch runs";
    for (const std::string source : {"/home/alice", "/home/alice/.config", "/home/alice/.config/sbx",
                                     "/home/alice/.config/sbx/profiles", "/home", "/home/alice/.config/sbx/x/y"}) {
        CHECK_THAT(exposure_error(plan_with(MountKind::Bind, source, "/w")), Catch::Contains(config_error));
        CHECK_THAT(exposure_error(plan_with(MountKind::DevBind, source, "/w")), Catch::Contains(config_error));
        // Read-only is fine, and so is a writable one given up as unsafe.
        CHECK(exposure_error(plan_with(MountKind::RoBind, source, "/w")) == "(allowed)");
        CHECK(exposure_error(plan_with(MountKind::Bind, source, "/w", true)) == "(allowed)");
    }
    // The data folder and its ancestors, but not what lies in it (per-sandbox state).
    CHECK_THAT(exposure_error(plan_with(MountKind::Bind, "/home/alice/.local", "/w")),
               Catch::Contains("change /home/alice/.local/share/sbx (sbx's own files)"));
    CHECK_THAT(exposure_error(plan_with(MountKind::Bind, "/home/alice/.local/share/sbx", "/w")),
               Catch::Contains("change /home/alice/.local/share/sbx"));
    CHECK(exposure_error(plan_with(MountKind::Bind, "/home/alice/.local/share/sbx/browser/home", "/w")) == "(allowed)");
    // /etc/sbx: a writable /etc is refused for it, with the real reason.
    CHECK(exposure_error(plan_with(MountKind::Bind, "/etc", "/w")) ==
          "command line --bind: bind /etc -> /w: writable, it would let the sandbox change /etc/sbx (sbx's own "
          "files), and so what a later launch runs (--unsafe allows it anyway)");
    // Elsewhere is fine.
    CHECK(exposure_error(plan_with(MountKind::Bind, "/home/alice/src", "/w")) == "(allowed)");
    CHECK(exposure_error(plan_with(MountKind::Bind, "/home/alice/.configs", "/w")) == "(allowed)");
    // Compared as real paths: a folder that is really ~/.config through a symlink.
    auto linked = [](const std::string& p) -> std::optional<std::string> {
        if (p == "/data/cfg") return "/home/alice/.config";
        return p;
    };
    CHECK_THAT(exposure_error(plan_with(MountKind::Bind, "/data/cfg", "/w"), linked), Catch::Contains(config_error));
    // ...and a ~/.config that is a symlink into a dotfiles folder moves the protection there.
    auto dotfiles = [](const std::string& p) -> std::optional<std::string> {
        if (p.starts_with("/home/alice/.config")) return "/home/alice/dots/config" + p.substr(19);
        return p;
    };
    CHECK_THAT(exposure_error(plan_with(MountKind::Bind, "/home/alice/dots", "/w"), dotfiles),
               Catch::Contains("change /home/alice/dots/config/sbx"));
}

TEST_CASE("check_exposure: with XDG_CONFIG_HOME or XDG_DATA_HOME elsewhere the default folders stay protected") {
    HostFacts host = test_host();
    host.xdg_config_home = "/work/cfg";
    host.xdg_data_home = "/work/data";
    Overrides ov;
    ov.mounts.push_back(cli_entry(MountKind::Bind, "/home/alice/.config", "/w"));
    const SandboxPlan config = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK_THAT(exposure_error(config), Catch::Contains("change /home/alice/.config/sbx"));
    ov.mounts.back().source = "/home/alice/.local";
    const SandboxPlan data = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK_THAT(exposure_error(data), Catch::Contains("change /home/alice/.local/share/sbx"));
    // The ones set are protected as before.
    ov.mounts.back().source = "/work";
    const SandboxPlan set = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK_THAT(exposure_error(set), Catch::Contains("change /work/cfg/sbx"));
    // A profile folder in the default place is a launch input, not just a
    // protected folder: a bind inside it is refused too.
    ov.mounts.back().source = "/home/alice/.config/sbx/profiles";
    const SandboxPlan inside = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK_THAT(exposure_error(inside), Catch::Contains("change /home/alice/.config/sbx"));
    ov.mounts.back().source = "/home/alice/.local/share/sbx/browser/home";
    const SandboxPlan state = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK(exposure_error(state) == "(allowed)");
}

TEST_CASE("check_exposure: every profile folder is a launch input, DATADIR's too (a --prefix ~/.local install)") {
    HostFacts host = test_host();
    host.profile_dirs = {"/home/alice/.config/sbx/profiles", "/etc/sbx/profiles",
                         "/home/alice/.local/share/sbx/profiles"};
    Overrides ov;
    ov.mounts.push_back(cli_entry(MountKind::Bind, "/home/alice/.local/share/sbx/profiles", "/w"));
    const SandboxPlan plan = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK(std::count(plan.launch_inputs.begin(), plan.launch_inputs.end(), "/home/alice/.config/sbx/profiles") == 1);
    CHECK_THAT(exposure_error(plan), Catch::Contains("change /home/alice/.local/share/sbx/profiles"));
    ov.mounts.back().source = "/home/alice/.local/share/sbx/profiles/x";
    const SandboxPlan inside = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK_THAT(exposure_error(inside), Catch::Contains("change /home/alice/.local/share/sbx/profiles"));
    // The rest of the data folder is still the sandboxes' state.
    ov.mounts.back().source = "/home/alice/.local/share/sbx/browser/home";
    const SandboxPlan state = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK(exposure_error(state) == "(allowed)");
}

TEST_CASE("check_exposure: the middle link of a chain is protected by its folder") {
    HostFacts host = test_host();
    // ~/.config/sbx/profiles -> ~/dots/profiles -> ~/work/profiles, as sys
    // reports it: the middle link's location.
    host.profile_links = {"/home/alice/dots/profiles"};
    auto chain = [](const std::string& p) -> std::optional<std::string> {
        for (const std::string from : {"/home/alice/.config/sbx/profiles", "/home/alice/dots/profiles"})
            if (p == from || p.starts_with(from + "/")) return "/home/alice/work/profiles" + p.substr(from.size());
        return p;
    };
    Overrides ov;
    ov.mounts.push_back(cli_entry(MountKind::Bind, "/home/alice/dots", "/w"));
    const SandboxPlan dots = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK_THAT(exposure_error(dots, chain), Catch::Contains("change /home/alice/dots/profiles"));
    ov.mounts.back().source = "/home/alice/work";
    const SandboxPlan work = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK_THAT(exposure_error(work, chain), Catch::Contains("change /home/alice/work/profiles"));
    // A sibling of the middle link is fine (only the link's own folder and
    // its ancestors hold it).
    ov.mounts.back().source = "/home/alice/dots/vim";
    const SandboxPlan vim = build_plan(load_profile_text("", "/p/top.toml", host, no_files()), ov, host);
    CHECK(exposure_error(vim, chain) == "(allowed)");
}

TEST_CASE("check_sources: a symbolic link inside sbx's data folder is refused, not followed") {
    auto planted = [](const std::string& p) -> std::optional<std::string> {
        if (p == "/home/alice/.local/share/sbx/browser/home") return "/home/alice/.ssh";
        return p;
    };
    SandboxPlan plan = plan_with(MountKind::Bind, "/home/alice/.local/share/sbx/browser/home", "/home/alice");
    CHECK_THROWS_WITH(check_sources(plan, planted),
                      "command line --bind: bind /home/alice/.local/share/sbx/browser/home -> /home/alice: a symbolic "
                      "link inside sbx's own folder /home/alice/.local/share/sbx leads it to /home/alice/.ssh (planted "
                      "by a sandbox that could write there?) (--unsafe allows it anyway)");
    // Control: the real folder is taken.
    SandboxPlan real = plan_with(MountKind::Bind, "/home/alice/.local/share/sbx/browser/home", "/home/alice");
    CHECK_NOTHROW(check_sources(real, [](const std::string& p) -> std::optional<std::string> { return p; }));
    CHECK(real.mounts.back().source == "/home/alice/.local/share/sbx/browser/home");
    // A data folder reached through a symlinked ~/.local is fine: only links below it count.
    auto dotfiles = [](const std::string& p) -> std::optional<std::string> {
        if (p.starts_with("/home/alice/.local")) return "/dots/local" + p.substr(18);
        return p;
    };
    SandboxPlan linked = plan_with(MountKind::Bind, "/home/alice/.local/share/sbx/browser/home", "/home/alice");
    CHECK_NOTHROW(check_sources(linked, dotfiles));
    CHECK(linked.mounts.back().source == "/dots/local/share/sbx/browser/home");
    // The config folder is the user's: a profile folder linked into a dotfiles repository is followed.
    auto config = [](const std::string& p) -> std::optional<std::string> {
        if (p == "/home/alice/.config/sbx/profiles") return "/dots/profiles";
        return p;
    };
    SandboxPlan profiles = plan_with(MountKind::RoBind, "/home/alice/.config/sbx/profiles", "/p");
    CHECK_NOTHROW(check_sources(profiles, config));
    // unsafe gives it up.
    SandboxPlan given_up = plan_with(MountKind::Bind, "/home/alice/.local/share/sbx/browser/home", "/h", true);
    CHECK_NOTHROW(check_sources(given_up, planted));
}

TEST_CASE("check_exposure: a profile file read is protected like sbx's folders") {
    const HostFacts host = test_host();
    const std::string profile = "[[mount]]\ntype = \"bind\"\nsource = \"/p\"\ndest = \"/w\"\n";
    const SandboxPlan plan = build_plan(load_profile_text(profile, "/p/mine.toml", host, no_files()), {}, host);
    CHECK(exposure_error(plan) ==
          "/p/mine.toml:1:1: bind /p -> /w: writable, it would let the sandbox change /p/mine.toml (sbx's own files), "
          "and so what a later launch runs (add `unsafe = true` to the entry to allow it anyway)");
    // The same bind from a profile kept elsewhere, or read-only, is fine.
    CHECK(exposure_error(build_plan(load_profile_text(profile, "/q/mine.toml", host, no_files()), {}, host)) ==
          "(allowed)");
    const SandboxPlan unsafe =
        build_plan(load_profile_text(profile + "unsafe = true\n", "/p/mine.toml", host, no_files()), {}, host);
    CHECK(unsafe.mounts.back().unsafe);
    CHECK(exposure_error(unsafe) == "(allowed)");
    // A profile reached through a symlink is protected where it really is.
    auto linked = [](const std::string& p) -> std::optional<std::string> {
        if (p == "/q/mine.toml") return "/dots/mine.toml";
        return p;
    };
    const std::string dots = "[[mount]]\ntype = \"bind\"\nsource = \"/dots\"\ndest = \"/w\"\n";
    CHECK_THAT(exposure_error(build_plan(load_profile_text(dots, "/q/mine.toml", host, no_files()), {}, host), linked),
               Catch::Contains("change /dots/mine.toml"));
}

TEST_CASE("check_exposure: cli started in the home is refused, saying what to do") {
    HostFacts host = test_host();
    host.cwd = "/home/alice";
    const SandboxPlan plan = build_plan(load_profile("builtin:cli.toml", host, no_files()), Overrides{}, host);
    CHECK_THAT(exposure_error(plan),
               Catch::Matches("builtin:cli\\.toml:[0-9:]+: bind /home/alice -> /home/alice: writable, it would let "
                              "the sandbox change /home/alice/\\.config/sbx \\(sbx's own files\\), and so what a "
                              "later launch runs \\(a compiled-in profile's entry: start sbx elsewhere, or use a copy "
                              "of the profile with `unsafe = true` on the entry\\)"));
    host.cwd = "/home/alice/src";
    CHECK(exposure_error(build_plan(load_profile("builtin:cli.toml", host, no_files()), Overrides{}, host)) ==
          "(allowed)");
}

TEST_CASE("`unsafe` is a key of bind entries only") {
    CHECK_THAT(usage_error_of("[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nunsafe = true\n"),
               Catch::StartsWith("/p/test.toml:4:1: `mount.unsafe` is not allowed for type \"tmpfs\""));
    CHECK_THAT(usage_error_of("[[mount]]\ntype = \"bind\"\nsource = \"/x\"\nunsafe = \"yes\"\n"),
               Catch::StartsWith("/p/test.toml:4:10: `mount.unsafe` must be true or false"));
    const SandboxPlan plan =
        plan_of("[[mount]]\ntype = \"dev-bind\"\nsource = \"/dev\"\ndest = \"/hd\"\nunsafe = true\n");
    REQUIRE(plan.mounts.size() == 1);
    CHECK(plan.mounts[0].unsafe);
    CHECK_THAT(describe(plan), Catch::Contains("dev-bind /dev -> /hd (unsafe: sbx's refusals given up)"));
}

TEST_CASE("protect_own_folders: a missing folder the user cannot create needs no cover") {
    Overrides ov;
    ov.mounts.push_back(cli_entry(MountKind::Bind, "/", "/host"));
    ov.mounts.back().unsafe = true;
    SandboxPlan plan = plan_of("", ov);
    auto resolve = [](const std::string& p) -> std::optional<std::string> {
        if (p.starts_with("/etc/sbx") || p.starts_with("/home/alice/.config/sbx")) return std::nullopt;
        return p;
    };
    auto can_create = [](const std::string& p) { return !p.starts_with("/etc/"); };
    check_sources(plan, resolve);
    protect_own_folders(plan, resolve, can_create);
    std::vector<std::string> covers;
    for (const auto& op : plan.mounts)
        if (op.origin == "sbx: its own folder stays read-only") covers.push_back(op.dest);
    // ~/.config/sbx is missing too but the user could create it: covered.
    CHECK(covers == std::vector<std::string>{"/host/home/alice/.config/sbx", "/host/home/alice/.local/share/sbx"});
}
