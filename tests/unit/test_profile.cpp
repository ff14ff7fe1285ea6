// test_profile.cpp — TOML profiles (core/profile): every key, every error
// with its exact "file:line:col: message", includes, variables, lookup.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "core/builtin_profiles.hpp"
#include "core/plan_builder.hpp"
#include "core/profile.hpp"
#include "core/text.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

// The compiled-in profiles' names, as "not found" messages list them.
const std::string kNames = std::string(sbx::core::builtin_profile_names());

const std::string kFile = "/p/test.toml";

// The sample host with folders of its own, so that each variable's source shows.
HostFacts sample_host() {
    HostFacts host = test::sample_host();
    host.shell = "/bin/bash";
    host.cwd = "/work/proj";
    host.xdg_config_home = "/home/alice/.cfg";
    host.xdg_data_home = "/home/alice/.data";
    host.profile_dirs = {"/home/alice/.cfg/sbx/profiles", "/etc/sbx/profiles", "/usr/share/sbx/profiles"};
    return host;
}

using test::FakeFiles;
using test::usage_error;

Profile load(const std::string& text, FakeFiles fs = {}) {
    return load_profile_text(text, kFile, sample_host(), fs.reader());
}

std::string load_error(const std::string& text, FakeFiles fs = {}) {
    return usage_error([&] { load(text, fs); });
}

std::string loc(const SourceLoc& l) { return l.str(); }

}  // namespace

// ---------------------------------------------------------------- values

TEST_CASE("top-level keys, [user], [namespaces] and [env] are parsed with their locations") {
    Profile p = load(R"(hostname = "box"
chdir = "/srv"
command = ["/bin/bash", "-l"]
new-session = false

[user]
uid = "root"
gid = 1001

[namespaces]
net = false
pid = true
ipc = false
uts = true
cgroup = false

[env]
clear = false
keep = ["TERM", "LC_*"]
unset = ["OLDPWD"]

[env.set]
PATH = "/usr/bin"
GREETING = "hi $$USER ${USER}"
)");
    CHECK(p.name == "test");
    CHECK(p.path == kFile);
    CHECK(p.files == std::vector<std::string>{kFile});

    REQUIRE(p.hostname);
    CHECK(p.hostname->value == "box");
    CHECK(loc(p.hostname->loc) == "/p/test.toml:1:12");
    REQUIRE(p.chdir);
    CHECK(p.chdir->value == "/srv");
    REQUIRE(p.command);
    CHECK(p.command->value == std::vector<std::string>{"/bin/bash", "-l"});
    CHECK(loc(p.command->loc) == "/p/test.toml:3:11");
    REQUIRE(p.new_session);
    CHECK_FALSE(p.new_session->value);
    CHECK(loc(p.new_session->loc) == "/p/test.toml:4:15");

    REQUIRE(p.uid);
    CHECK(p.uid->value == Identity::Root);
    CHECK(loc(p.uid->loc) == "/p/test.toml:7:7");
    REQUIRE(p.gid);
    CHECK(p.gid->value == Identity::Self);  // 1001 is the host's gid

    REQUIRE(p.namespaces.net);
    CHECK_FALSE(p.namespaces.net->value);
    CHECK(loc(p.namespaces.net->loc) == "/p/test.toml:11:7");
    CHECK(p.namespaces.pid->value);
    CHECK_FALSE(p.namespaces.ipc->value);
    CHECK(p.namespaces.uts->value);
    CHECK_FALSE(p.namespaces.cgroup->value);

    REQUIRE(p.env.clear);
    CHECK_FALSE(p.env.clear->value);
    REQUIRE(p.env.keep.size() == 2);
    CHECK(p.env.keep[0].value == "TERM");
    CHECK(p.env.keep[1].value == "LC_*");
    CHECK(loc(p.env.keep[1].loc) == "/p/test.toml:19:17");
    REQUIRE(p.env.unset.size() == 1);
    CHECK(p.env.unset[0].value == "OLDPWD");
    REQUIRE(p.env.set.size() == 2);
    // Tables are not ordered by the TOML library; look values up by name.
    std::map<std::string, std::string> set;
    for (const auto& [name, value] : p.env.set) set[name] = value.value;
    CHECK(set["PATH"] == "/usr/bin");
    CHECK(set["GREETING"] == "hi $USER alice");
}

TEST_CASE("unset settings stay unset") {
    Profile p = load("");
    CHECK_FALSE(p.hostname);
    CHECK_FALSE(p.chdir);
    CHECK_FALSE(p.command);
    CHECK_FALSE(p.new_session);
    CHECK_FALSE(p.uid);
    CHECK_FALSE(p.gid);
    CHECK_FALSE(p.namespaces.net);
    CHECK_FALSE(p.env.clear);
    CHECK(p.mounts.empty());
}

TEST_CASE("[user] identities") {
    struct Case {
        std::string value;
        Identity expected;
    };
    const Case cases[] = {
        {"\"self\"", Identity::Self},
        {"\"root\"", Identity::Root},
        {"0", Identity::Root},
        {"1000", Identity::Self},
    };
    for (const Case& c : cases) {
        INFO("uid = " << c.value);
        Profile p = load("[user]\nuid = " + c.value + "\n");
        REQUIRE(p.uid);
        CHECK(p.uid->value == c.expected);
    }
}

TEST_CASE("every [[mount]] type is parsed") {
    Profile p = load(R"([[mount]]
type = "bind"
source = "/srv/a"
dest = "/a"
optional = true
create = true

[[mount]]
type = "ro-bind"
source = "/usr"

[[mount]]
type = "dev-bind"
source = "/dev/dri"
optional = true

[[mount]]
type = "tmpfs"
dest = "/tmp"
size = "64M"
mode = "1777"

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
mode = 0o700

[[mount]]
type = "symlink"
target = "usr/bin"
dest = "/bin"

[[mount]]
type = "file"
dest = "/etc/motd"
content = "hello ${USER}\n"
mode = "0600"

[[mount]]
type = "tmpfs"
dest = "/run"
size = 4096
)");
    REQUIRE(p.mounts.size() == 11);
    const FsEntry& bind = p.mounts[0];
    CHECK(bind.type == MountKind::Bind);
    CHECK(bind.source == "/srv/a");
    CHECK(bind.dest == "/a");
    CHECK(bind.optional);
    CHECK(bind.create);
    CHECK(loc(bind.loc) == "/p/test.toml:1:1");

    const FsEntry& ro = p.mounts[1];
    CHECK(ro.type == MountKind::RoBind);
    CHECK(ro.source == "/usr");
    CHECK(ro.dest == "/usr");  // defaults to the source
    CHECK_FALSE(ro.optional);
    CHECK_FALSE(ro.create);
    CHECK(loc(ro.loc) == "/p/test.toml:8:1");

    CHECK(p.mounts[2].type == MountKind::DevBind);
    CHECK(p.mounts[2].dest == "/dev/dri");
    CHECK(p.mounts[2].optional);

    const FsEntry& tmp = p.mounts[3];
    CHECK(tmp.type == MountKind::Tmpfs);
    CHECK(tmp.dest == "/tmp");
    CHECK(tmp.size == std::optional<uint64_t>(64u << 20));
    CHECK(tmp.mode == std::optional<uint32_t>(01777));

    CHECK(p.mounts[4].type == MountKind::Proc);
    CHECK(p.mounts[4].dest == "/proc");
    CHECK(p.mounts[5].type == MountKind::Dev);
    CHECK(p.mounts[6].type == MountKind::Mqueue);
    CHECK(p.mounts[6].dest == "/dev/mqueue");

    CHECK(p.mounts[7].type == MountKind::Dir);
    CHECK(p.mounts[7].mode == std::optional<uint32_t>(0700));
    CHECK_FALSE(p.mounts[7].size);

    const FsEntry& link = p.mounts[8];
    CHECK(link.type == MountKind::Symlink);
    CHECK(link.source == "usr/bin");  // the target, relative on purpose
    CHECK(link.dest == "/bin");

    const FsEntry& file = p.mounts[9];
    CHECK(file.type == MountKind::File);
    CHECK(file.content == "hello alice\n");
    CHECK(file.mode == std::optional<uint32_t>(0600));

    CHECK(p.mounts[10].size == std::optional<uint64_t>(4096));
    CHECK_FALSE(p.mounts[10].mode);
}

TEST_CASE("entry type names round-trip") {
    const char* names[] = {"bind", "ro-bind", "dev-bind", "tmpfs", "proc", "dev", "mqueue", "dir", "symlink", "file"};
    for (const char* name : names) {
        INFO(name);
        auto type = mount_kind_from_name(name);
        REQUIRE(type);
        CHECK(std::string(mount_kind_name(*type)) == name);
    }
    CHECK_FALSE(mount_kind_from_name("overlay"));
    CHECK_FALSE(mount_kind_from_name("Bind"));
}

TEST_CASE("rlimit names round-trip, and only the sizes take \"64M\"") {
    const char* names[] = {"nofile", "nproc", "as", "cpu", "fsize", "core", "stack", "memlock"};
    for (const char* name : names) {
        INFO(name);
        auto resource = rlimit_from_name(name);
        REQUIRE(resource);
        CHECK(std::string(rlimit_name(*resource)) == name);
    }
    CHECK_FALSE(rlimit_from_name("timeout"));
    CHECK_FALSE(rlimit_from_name("NOFILE"));
    const HostFacts host = test::sample_host();
    const Profile p = load_profile_text("[limits]\nas = \"64M\"\nnofile = 64\n", "/p/l.toml", host, test::no_files());
    REQUIRE(p.limits.rlimits.size() == 2);
    CHECK(p.limits.rlimits[0].first == "nofile");  // in the table's order
    CHECK(p.limits.rlimits[0].second.value == 64);
    CHECK(p.limits.rlimits[1].first == "as");
    CHECK(p.limits.rlimits[1].second.value == (uint64_t{64} << 20));
    CHECK_THROWS_AS(load_profile_text("[limits]\nnofile = \"64M\"\n", "/p/l.toml", host, test::no_files()), Error);
}

TEST_CASE("octal and quoted, the one copy of each") {
    CHECK(octal(0755) == "0755");
    CHECK(octal(01777) == "01777");
    CHECK(octal(0) == "00");
    CHECK(quoted("a b") == "\"a b\"");
    CHECK(quoted("a\nb") == "\"a\\nb\"");
}

// ---------------------------------------------------------------- errors

TEST_CASE("profile errors point at the offending key or value") {
    struct Case {
        std::string toml, message;
    };
    const std::string mount_keys =
        "type, source, dest, target, content, size, mode, optional, create, unsafe, workdir, shm-size";
    const Case cases[] = {
        // top level
        {"bogus = 1",
         "/p/test.toml:1:1: unknown key `bogus` (expected one of: include, hostname, chdir, command, "
         "new-session, interactive, pty, user, namespaces, env, mount, seccomp, capabilities, landlock, limits, "
         "cgroup, file-arguments, bind, ro-bind, dev-bind, tmpfs, dir, wayland, x11, audio, dbus)"},
        {"hostname = 5", "/p/test.toml:1:12: `hostname` must be a string"},
        {"\nchdir = true", "/p/test.toml:2:9: `chdir` must be a string"},
        {"new-session = \"yes\"", "/p/test.toml:1:15: `new-session` must be true or false"},
        {"command = []", "/p/test.toml:1:11: `command` must be a non-empty array of strings"},
        {"command = \"sh\"", "/p/test.toml:1:11: `command` must be a non-empty array of strings"},
        {"command = [\"a\", 1]", "/p/test.toml:1:17: `command` must be an array of strings"},
        {"include = \"default\"", "/p/test.toml:1:11: `include` must be an array of strings"},
        // [user]
        {"user = 5", "/p/test.toml:1:8: `user` must be a table"},
        {"[user]\nuid = \"nobody\"",
         "/p/test.toml:2:7: `user.uid` must be \"self\", \"root\", 0 or your own id (1000)"},
        {"[user]\ngid = 5", "/p/test.toml:2:7: `user.gid` must be \"self\", \"root\", 0 or your own id (1001)"},
        {"[user]\ngid = 1000", "/p/test.toml:2:7: `user.gid` must be \"self\", \"root\", 0 or your own id (1001)"},
        {"[user]\nuid = true", "/p/test.toml:2:7: `user.uid` must be \"self\", \"root\", 0 or your own id (1000)"},
        {"[user]\nname = \"x\"", "/p/test.toml:2:1: unknown key `name` in [user] (expected one of: uid, gid)"},
        // [namespaces]
        {"[namespaces]\nuser = false",
         "/p/test.toml:2:1: `namespaces.user` cannot be set: user and mount namespaces are always new"},
        {"[namespaces]\n  mount = false",
         "/p/test.toml:2:3: `namespaces.mount` cannot be set: user and mount namespaces are always new"},
        {"[namespaces]\nnet = \"no\"", "/p/test.toml:2:7: `namespaces.net` must be true or false"},
        {"[namespaces]\ntime = true",
         "/p/test.toml:2:1: unknown key `time` in [namespaces] (expected one of: net, pid, ipc, uts, cgroup)"},
        // [env]
        {"[env]\nclear = 1", "/p/test.toml:2:9: `env.clear` must be true or false"},
        {"[env]\nfoo = 1", "/p/test.toml:2:1: unknown key `foo` in [env] (expected one of: clear, keep, unset, set)"},
        {"[env]\nkeep = \"TERM\"", "/p/test.toml:2:8: `env.keep` must be an array of strings"},
        {"[env]\nkeep = [\"TERM\", \"1X\"]",
         "/p/test.toml:2:17: `env.keep` entries must be variable names (letters, digits and _, not starting with a "
         "digit), optionally ending in '*', not \"1X\""},
        {"[env]\nkeep = [\"*\"]",
         "/p/test.toml:2:9: `env.keep` entries must be variable names (letters, digits and _, not starting with a "
         "digit), optionally ending in '*', not \"*\""},
        {"[env]\nunset = [\"A*\"]",
         "/p/test.toml:2:10: `env.unset` entries must be variable names (letters, digits and _, not starting with a "
         "digit), not \"A*\""},
        {"[env]\nset = 1", "/p/test.toml:2:7: `env.set` must be a table"},
        {"[env.set]\n\"A-B\" = \"x\"",
         "/p/test.toml:2:1: `env.set` key \"A-B\" is not a variable name (letters, digits and _, not starting with a "
         "digit)"},
        {"[env.set]\nA = 1", "/p/test.toml:2:5: `env.set.A` must be a string"},
        // [[mount]]: shape and type
        {"mount = 1", "/p/test.toml:1:9: `mount` must be an array of tables, written [[mount]]"},
        {"mount = [1]", "/p/test.toml:1:10: `mount` must be an array of tables, written [[mount]]"},
        {"[mount]\ntype = \"bind\"", "/p/test.toml:1:1: `mount` must be an array of tables, written [[mount]]"},
        {"[[mount]]\nsource = \"/a\"", "/p/test.toml:1:1: `mount.type` is required"},
        {"[[mount]]\ntype = \"overlay\"",
         "/p/test.toml:2:8: `mount.type` must be one of: bind, ro-bind, dev-bind, tmpfs, proc, dev, mqueue, dir, "
         "symlink, file"},
        {"[[mount]]\ntype = 1",
         "/p/test.toml:2:8: `mount.type` must be one of: bind, ro-bind, dev-bind, tmpfs, proc, dev, mqueue, dir, "
         "symlink, file"},
        {"[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nbogus = 1",
         "/p/test.toml:4:1: unknown key `bogus` in [[mount]] (expected one of: " + mount_keys + ")"},
        // [[mount]]: keys not meaningful for the type
        {"[[mount]]\ntype = \"bind\"\nsource = \"/a\"\nsize = 5",
         "/p/test.toml:4:1: `mount.size` is not allowed for type \"bind\" (allowed: source, dest, optional, create, "
         "unsafe, workdir)"},
        {"[[mount]]\ntype = \"ro-bind\"\nsource = \"/a\"\ncontent = \"x\"",
         "/p/test.toml:4:1: `mount.content` is not allowed for type \"ro-bind\" (allowed: source, dest, optional, "
         "create, unsafe, workdir)"},
        {"[[mount]]\ntype = \"dev-bind\"\nsource = \"/dev/dri\"\ncreate = true",
         "/p/test.toml:4:1: `mount.create` is not allowed for type \"dev-bind\" (allowed: source, dest, optional, "
         "unsafe)"},
        {"[[mount]]\ntype = \"tmpfs\"\ndest = \"/tmp\"\noptional = true",
         "/p/test.toml:4:1: `mount.optional` is not allowed for type \"tmpfs\" (allowed: dest, size, mode)"},
        {"[[mount]]\ntype = \"proc\"\ndest = \"/proc\"\nmode = \"0755\"",
         "/p/test.toml:4:1: `mount.mode` is not allowed for type \"proc\" (allowed: dest)"},
        {"[[mount]]\ntype = \"dev\"\ndest = \"/dev\"\nsource = \"/dev\"",
         "/p/test.toml:4:1: `mount.source` is not allowed for type \"dev\" (allowed: dest, shm-size)"},
        {"[[mount]]\ntype = \"mqueue\"\ndest = \"/m\"\nsize = 1",
         "/p/test.toml:4:1: `mount.size` is not allowed for type \"mqueue\" (allowed: dest)"},
        {"[[mount]]\ntype = \"dir\"\ndest = \"/d\"\ntarget = \"x\"",
         "/p/test.toml:4:1: `mount.target` is not allowed for type \"dir\" (allowed: dest, mode)"},
        {"[[mount]]\ntype = \"symlink\"\ndest = \"/bin\"\nsource = \"/x\"",
         "/p/test.toml:4:1: `mount.source` is not allowed for type \"symlink\" (allowed: target, dest)"},
        {"[[mount]]\ntype = \"file\"\ndest = \"/f\"\nsize = 1",
         "/p/test.toml:4:1: `mount.size` is not allowed for type \"file\" (allowed: dest, content, mode)"},
        // [[mount]]: required keys, reported at the [[mount]] header
        {"[[mount]]\ntype = \"bind\"", "/p/test.toml:1:1: `mount.source` is required for type \"bind\""},
        {"[[mount]]\ntype = \"tmpfs\"", "/p/test.toml:1:1: `mount.dest` is required for type \"tmpfs\""},
        {"[[mount]]\ntype = \"symlink\"\ndest = \"/bin\"",
         "/p/test.toml:1:1: `mount.target` is required for type \"symlink\""},
        {"[[mount]]\ntype = \"symlink\"\ntarget = \"usr/bin\"",
         "/p/test.toml:1:1: `mount.dest` is required for type \"symlink\""},
        // [[mount]]: values
        {"[[mount]]\ntype = \"bind\"\nsource = \"rel/x\"",
         "/p/test.toml:3:10: `mount.source` must be an absolute path, not \"rel/x\""},
        {"[[mount]]\ntype = \"bind\"\nsource = \"/a\"\ndest = 5", "/p/test.toml:4:8: `mount.dest` must be a string"},
        {"[[mount]]\ntype = \"bind\"\nsource = \"/a\"\noptional = \"yes\"",
         "/p/test.toml:4:12: `mount.optional` must be true or false"},
        {"[[mount]]\ntype = \"bind\"\nsource = \"/a\"\ncreate = 1",
         "/p/test.toml:4:10: `mount.create` must be true or false"},
        {"[[mount]]\ntype = \"file\"\ndest = \"/f\"\ncontent = 5",
         "/p/test.toml:4:11: `mount.content` must be a string"},
        {"[[mount]]\ntype = \"symlink\"\ndest = \"/f\"\ntarget = []",
         "/p/test.toml:4:10: `mount.target` must be a string"},
        {"[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nsize = 0",
         "/p/test.toml:4:8: `mount.size` must be greater than 0"},
        {"[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nsize = -1",
         "/p/test.toml:4:8: `mount.size` must be greater than 0"},
        {"[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nsize = true",
         "/p/test.toml:4:8: `mount.size` must be an integer (bytes) or a string like \"64M\""},
        {"[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nsize = \"123bogus\"",
         "/p/test.toml:4:8: invalid size \"123bogus\": expected a number of bytes, optionally followed by K, M, G or "
         "T (e.g. \"64M\")"},
        {"[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nmode = 755",
         "/p/test.toml:4:8: `mount.mode` must be written in octal, like 0o755 or \"0755\""},
        {"[[mount]]\ntype = \"tmpfs\"\ndest = \"/t\"\nmode = 0o17777",
         "/p/test.toml:4:8: `mount.mode` must be at most 0o7777"},
        {"[[mount]]\ntype = \"dir\"\ndest = \"/t\"\nmode = \"0899\"",
         "/p/test.toml:4:8: invalid mode \"0899\": expected octal permission bits like \"0755\" (at most 07777)"},
        {"[[mount]]\ntype = \"file\"\ndest = \"/t\"\nmode = 1.5",
         "/p/test.toml:4:8: `mount.mode` must be an octal string like \"0755\" or an integer like 0o755"},
        // variables, at the value that uses them
        {"hostname = \"${NOPE}\"",
         "/p/test.toml:1:12: unknown variable ${NOPE} (known: HOME, USER, UID, GID, PWD, XDG_RUNTIME_DIR, "
         "XDG_CONFIG_HOME, XDG_DATA_HOME, PROFILE)"},
        {"chdir = \"${HOME\"", "/p/test.toml:1:9: unterminated \"${\" in \"${HOME\""},
        {"chdir = \"$HOME\"", "/p/test.toml:1:9: a lone \"$\" must be written \"$$\" (variables are written ${NAME})"},
        {"command = [\"sh\", \"${X}\"]",
         "/p/test.toml:1:18: unknown variable ${X} (known: HOME, USER, UID, GID, PWD, XDG_RUNTIME_DIR, "
         "XDG_CONFIG_HOME, XDG_DATA_HOME, PROFILE)"},
        {"[[mount]]\ntype = \"tmpfs\"\ndest = \"${TMP\"", "/p/test.toml:3:8: unterminated \"${\" in \"${TMP\""},
        {"[env.set]\nA = \"${B}\"",
         "/p/test.toml:2:5: unknown variable ${B} (known: HOME, USER, UID, GID, PWD, XDG_RUNTIME_DIR, "
         "XDG_CONFIG_HOME, XDG_DATA_HOME, PROFILE)"},
        {"[user]\nuid = \"${UID\"", "/p/test.toml:2:7: unterminated \"${\" in \"${UID\""},
    };
    for (const Case& c : cases) {
        INFO("profile:\n" << c.toml);
        CHECK(load_error(c.toml) == c.message);
    }
    // A required key is reported at the header of its own [[mount]], not the first one.
    CHECK(load_error("[[mount]]\ntype = \"proc\"\ndest = \"/proc\"\n\n[[mount]]\ntype = \"dev-bind\"\n") ==
          "/p/test.toml:5:1: `mount.source` is required for type \"dev-bind\"");
}

TEST_CASE("TOML syntax errors carry the parser's line and column") {
    std::string message = load_error("hostname = \"a\"\nchdir = \n");
    CHECK(message.rfind("/p/test.toml:2:9: error while parsing key-value pair", 0) == 0);
    CHECK(message.find('\n') == std::string::npos);

    message = load_error("hostname = \"a\"\nhostname = \"b\"\n");
    CHECK(message.rfind("/p/test.toml:2:", 0) == 0);
    CHECK(message.find("hostname") != std::string::npos);
}

// ---------------------------------------------------------------- variables

TEST_CASE("expand_variables") {
    const HostFacts host = sample_host();
    const SourceLoc at{"f.toml", 3, 4};
    struct Case {
        std::string in, out;
    };
    const Case cases[] = {
        {"${HOME}", "/home/alice"},
        {"${USER}", "alice"},
        {"${UID}", "1000"},
        {"${GID}", "1001"},
        {"${PWD}", "/work/proj"},
        {"${XDG_RUNTIME_DIR}", "/run/user/1000"},
        {"${XDG_CONFIG_HOME}", "/home/alice/.cfg"},
        {"${XDG_DATA_HOME}", "/home/alice/.data"},
        {"${PROFILE}", "browser"},
        {"${HOME}/x/${PROFILE}", "/home/alice/x/browser"},
        {"$$", "$"},
        {"a$$b", "a$b"},
        {"$${HOME}", "${HOME}"},
        {"$$$$", "$$"},
        {"no variables", "no variables"},
        {"", ""},
        {"}{", "}{"},
    };
    for (const Case& c : cases) {
        INFO("input: " << c.in);
        CHECK(expand_variables(c.in, host, "browser", at) == c.out);
    }

    struct Bad {
        std::string in, message;
    };
    const std::string known =
        "(known: HOME, USER, UID, GID, PWD, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, XDG_DATA_HOME, PROFILE)";
    const Bad bad[] = {
        {"${HOMER}", "f.toml:3:4: unknown variable ${HOMER} " + known},
        {"${home}", "f.toml:3:4: unknown variable ${home} " + known},
        {"${}", "f.toml:3:4: unknown variable ${} " + known},
        {"${HOME", "f.toml:3:4: unterminated \"${\" in \"${HOME\""},
        {"x${", "f.toml:3:4: unterminated \"${\" in \"x${\""},
        {"$", "f.toml:3:4: a lone \"$\" must be written \"$$\" (variables are written ${NAME})"},
        {"$HOME", "f.toml:3:4: a lone \"$\" must be written \"$$\" (variables are written ${NAME})"},
        {"$$$", "f.toml:3:4: a lone \"$\" must be written \"$$\" (variables are written ${NAME})"},
    };
    for (const Bad& b : bad) {
        INFO("input: " << b.in);
        CHECK(usage_error([&] { expand_variables(b.in, host, "browser", at); }) == b.message);
    }
}

// ---------------------------------------------------------------- sizes and modes

TEST_CASE("parse_size") {
    const SourceLoc at{"f.toml", 7, 8};
    struct Good {
        std::string in;
        uint64_t out;
    };
    const Good good[] = {
        {"4096", 4096},
        {"1", 1},
        {"512K", 512u << 10},
        {"64M", 64u << 20},
        {"1G", 1u << 30},
        {"2T", 2ull << 40},
        {"1KiB", 1024},
        {"3MiB", 3u << 20},
        {"2MB", 2u << 20},
        {"4k", 4096},
        {"10B", 10},
        {"18446744073709551615", UINT64_MAX},
        {"16777215T", 16777215ull << 40},
    };
    for (const Good& g : good) {
        INFO("input: " << g.in);
        CHECK(parse_size(g.in, at) == g.out);
    }

    const std::string expected = ": expected a number of bytes, optionally followed by K, M, G or T (e.g. \"64M\")";
    struct Bad {
        std::string in, message;
    };
    const Bad bad[] = {
        {"0", "f.toml:7:8: size \"0\" must be greater than 0"},
        {"0M", "f.toml:7:8: size \"0M\" must be greater than 0"},
        {"-1", "f.toml:7:8: invalid size \"-1\"" + expected},
        {"123bogus", "f.toml:7:8: invalid size \"123bogus\"" + expected},
        {"", "f.toml:7:8: invalid size \"\"" + expected},
        {"M", "f.toml:7:8: invalid size \"M\"" + expected},
        {" 1", "f.toml:7:8: invalid size \" 1\"" + expected},
        {"+1", "f.toml:7:8: invalid size \"+1\"" + expected},
        {"1Ki", "f.toml:7:8: invalid size \"1Ki\"" + expected},
        {"1X", "f.toml:7:8: invalid size \"1X\"" + expected},
        {"1.5G", "f.toml:7:8: invalid size \"1.5G\"" + expected},
        {"18446744073709551616", "f.toml:7:8: size \"18446744073709551616\" is too large"},
        {"16777216T", "f.toml:7:8: size \"16777216T\" is too large"},
    };
    for (const Bad& b : bad) {
        INFO("input: " << b.in);
        CHECK(usage_error([&] { parse_size(b.in, at); }) == b.message);
    }
    // Where zero is a valid value (rlimits), it may be written with a unit too.
    CHECK(parse_size("0", at, true) == 0);
    CHECK(parse_size("0M", at, true) == 0);
    CHECK(usage_error([&] { parse_size("-0", at, true); }) == "f.toml:7:8: invalid size \"-0\"" + expected);
}

TEST_CASE("tmpfs sizes as a share of the host's memory") {
    const SourceLoc at{"f.toml", 7, 8};
    CHECK(parse_size_percent("25%", at) == 25u);
    CHECK(parse_size_percent("1%", at) == 1u);
    CHECK(parse_size_percent("100%", at) == 100u);
    CHECK_FALSE(parse_size_percent("25", at));
    CHECK_FALSE(parse_size_percent("64M", at));
    for (const char* bad : {"%", "0%", "101%", "-5%", "2.5%", "x%", "25 %", "25%%", "99999999999%"}) {
        INFO("input: " << bad);
        CHECK(usage_error([&] { parse_size_percent(bad, at); }) ==
              std::string("f.toml:7:8: invalid size \"") + bad + "\": a share of the host's memory is 1% to 100%");
    }

    // In a profile: a tmpfs `size` and a dev `shm-size`, turned into whole pages of host.mem_total.
    HostFacts host = test::sample_host();  // 8 GiB
    const std::string toml = R"([[mount]]
type = "tmpfs"
dest = "/tmp"
size = "20%"
[[mount]]
type = "dev"
dest = "/dev"
shm-size = "10%"
[[mount]]
type = "tmpfs"
dest = "/t2"
size = "64M"
)";
    const SandboxPlan plan =
        build_plan(load_profile_text(toml, "/p/s.toml", host, test::no_files()), Overrides{}, host);
    std::map<std::string, uint64_t> sizes;
    for (const auto& op : plan.mounts)
        if (op.size) sizes[op.dest] = *op.size;
    const uint64_t mem = uint64_t{8} << 30;
    CHECK(sizes == std::map<std::string, uint64_t>{
                       {"/tmp", (mem / 100 * 20) & ~uint64_t{4095}},
                       {"/dev", (mem / 100 * 10) & ~uint64_t{4095}},
                       {"/t2", 64u << 20},
                   });
    CHECK_THAT(describe(plan), Catch::Contains("dev /dev shm-size 858992640") &&
                                   Catch::Contains("tmpfs /tmp mode 0755 size 1717985280"));
    // Unknown memory size: a share cannot be computed, and that is an error.
    host.mem_total = 0;
    CHECK(usage_error([&] {
              build_plan(load_profile_text(toml, "/p/s.toml", host, test::no_files()), Overrides{}, host);
          }) == "/p/s.toml:1:1: a size in % needs the host's memory size, which could not be read");
    CHECK_THAT(usage_error([&] {
                   load_profile_text("[[mount]]\ntype = \"dev\"\ndest = \"/dev\"\nshm-size = 0\n", "/p/s.toml", host,
                                     test::no_files());
               }),
               Catch::StartsWith("/p/s.toml:4:12: `mount.shm-size` must be greater than 0"));
}

TEST_CASE("a profile file's name with control characters is escaped in errors and origins") {
    const HostFacts host = sample_host();
    const std::string file = "/p/a\x1b[2J\nb.toml";
    CHECK(usage_error([&] { load_profile_text("bogus = 1\n", file, host, test::no_files()); }) ==
          "/p/a\\x1b[2J\\nb.toml:1:1: unknown key `bogus` (expected one of: " +
              usage_error([&] {
                  load_profile_text("bogus = 1\n", "/p/s.toml", host, test::no_files());
              }).substr(std::string("/p/s.toml:1:1: unknown key `bogus` (expected one of: ").size()));
    // A destination written twice in that file is still found (origins are
    // compared escaped on both sides).
    CHECK(usage_error([&] {
              build_plan(load_profile_text("[[mount]]\ntype = \"tmpfs\"\ndest = \"/x\"\n[[mount]]\ntype = "
                                           "\"tmpfs\"\ndest = \"/x\"\n",
                                           file, host, test::no_files()),
                         Overrides{}, host);
          }) == "/p/a\\x1b[2J\\nb.toml:4:1: duplicate destination /x (first at /p/a\\x1b[2J\\nb.toml:1:1)");
}

TEST_CASE("parse_mode") {
    const SourceLoc at{"f.toml", 2, 3};
    CHECK(parse_mode("0755", at) == 0755);
    CHECK(parse_mode("755", at) == 0755);
    CHECK(parse_mode("1777", at) == 01777);
    CHECK(parse_mode("0", at) == 0);
    CHECK(parse_mode("07777", at) == 07777);
    CHECK(parse_mode("0000644", at) == 0644);

    const char* bad[] = {"", "0800", "8", "17777", "abc", "-1", "0o755", " 755", "75 5"};
    for (const char* text : bad) {
        INFO("input: " << text);
        CHECK(usage_error([&] { parse_mode(text, at); }) ==
              std::string("f.toml:2:3: invalid mode \"") + text +
                  "\": expected octal permission bits like \"0755\" (at most 07777)");
    }
}

// ---------------------------------------------------------------- includes

TEST_CASE("includes: included settings come first, this file's go on top") {
    FakeFiles fs;
    fs.files["/p/base.toml"] = R"(hostname = "base"
command = ["/bin/base"]
[user]
uid = "root"
[namespaces]
net = true
[env]
clear = true
keep = ["A"]
unset = ["U1"]
[env.set]
X = "1"
[[mount]]
type = "tmpfs"
dest = "/base"
)";
    fs.files["/p/more.toml"] = R"(hostname = "more"
[[mount]]
type = "dir"
dest = "/more"
)";
    Profile p = load(R"(include = ["./base.toml", "./more.toml"]
hostname = "top"
[namespaces]
pid = false
[env]
keep = ["B"]
unset = ["U2"]
[env.set]
X = "2"
[[mount]]
type = "tmpfs"
dest = "/top"
)",
                     fs);
    CHECK(p.files == std::vector<std::string>{kFile, "/p/base.toml", "/p/more.toml"});
    CHECK(p.name == "test");

    // scalars: the last file that sets one wins, and remembers where
    REQUIRE(p.hostname);
    CHECK(p.hostname->value == "top");
    CHECK(loc(p.hostname->loc) == "/p/test.toml:2:12");
    REQUIRE(p.command);
    CHECK(p.command->value == std::vector<std::string>{"/bin/base"});
    CHECK(loc(p.command->loc) == "/p/base.toml:2:11");
    REQUIRE(p.uid);
    CHECK(p.uid->value == Identity::Root);
    CHECK(loc(p.uid->loc) == "/p/base.toml:4:7");
    REQUIRE(p.namespaces.net);
    CHECK(p.namespaces.net->value);
    REQUIRE(p.namespaces.pid);
    CHECK_FALSE(p.namespaces.pid->value);
    REQUIRE(p.env.clear);
    CHECK(loc(p.env.clear->loc) == "/p/base.toml:8:9");

    // lists concatenate, included ones first
    REQUIRE(p.mounts.size() == 3);
    CHECK(p.mounts[0].dest == "/base");
    CHECK(loc(p.mounts[0].loc) == "/p/base.toml:13:1");
    CHECK(p.mounts[1].dest == "/more");
    CHECK(p.mounts[2].dest == "/top");
    CHECK(loc(p.mounts[2].loc) == "/p/test.toml:10:1");
    REQUIRE(p.env.keep.size() == 2);
    CHECK(p.env.keep[0].value == "A");
    CHECK(p.env.keep[1].value == "B");
    REQUIRE(p.env.unset.size() == 2);
    CHECK(p.env.unset[0].value == "U1");
    CHECK(p.env.unset[1].value == "U2");

    // env.set merges by name, later wins
    REQUIRE(p.env.set.size() == 1);
    CHECK(p.env.set[0].first == "X");
    CHECK(p.env.set[0].second.value == "2");
    CHECK(loc(p.env.set[0].second.loc) == "/p/test.toml:9:5");
}

TEST_CASE("includes: a later include wins over an earlier one") {
    FakeFiles fs;
    fs.files["/p/one.toml"] = "hostname = \"one\"\n[env.set]\nA = \"1\"\nB = \"1\"\n";
    fs.files["/p/two.toml"] = "hostname = \"two\"\n[env.set]\nB = \"2\"\n";
    Profile p = load("include = [\"./one.toml\", \"./two.toml\"]\n", fs);
    REQUIRE(p.hostname);
    CHECK(p.hostname->value == "two");
    std::map<std::string, std::string> set;
    for (const auto& [name, value] : p.env.set) set[name] = value.value;
    CHECK(set == std::map<std::string, std::string>{{"A", "1"}, {"B", "2"}});
    CHECK(p.env.set.size() == 2);
}

TEST_CASE("includes: lookup by relative path, by name, and ${PROFILE} of the top-level file") {
    FakeFiles fs;
    fs.files["/p/lib/base.toml"] = "include = [\"../shared.toml\"]\nhostname = \"${PROFILE}\"\n";
    fs.files["/p/lib/../shared.toml"] = "chdir = \"/${PROFILE}\"\n";
    fs.files["/etc/sbx/profiles/named.toml"] = "[[mount]]\ntype = \"proc\"\ndest = \"/proc\"\n";
    Profile p = load_profile_text("include = [\"lib/base.toml\", \"named\", \"default\"]\n", "/p/mine.toml",
                                  sample_host(), fs.reader());
    CHECK(p.name == "mine");
    CHECK(p.files == std::vector<std::string>{"/p/mine.toml", "/p/lib/base.toml", "/p/lib/../shared.toml",
                                              "/etc/sbx/profiles/named.toml", "builtin:default.toml"});
    REQUIRE(p.chdir);
    CHECK(p.chdir->value == "/home/alice");  // default.toml's chdir = "${HOME}" comes last
    REQUIRE(p.hostname);
    CHECK(p.hostname->value == "sandbox");  // default's, read after lib/base.toml's "mine"
    REQUIRE(p.mounts.size() > 1);
    CHECK(p.mounts[0].type == MountKind::Proc);
    CHECK(loc(p.mounts[0].loc) == "/etc/sbx/profiles/named.toml:1:1");
}

TEST_CASE("includes: ${PROFILE} names the top-level profile inside included files") {
    FakeFiles fs;
    fs.files["/p/base.toml"] = "hostname = \"${PROFILE}-box\"\n";
    Profile p = load_profile_text("include = [\"./base.toml\"]\n", "/p/browser.toml", sample_host(), fs.reader());
    REQUIRE(p.hostname);
    CHECK(p.hostname->value == "browser-box");
}

TEST_CASE("includes: errors") {
    SECTION("an error inside an included file names that file") {
        FakeFiles fs;
        fs.files["/p/bad.toml"] = "\n\n  hostnme = \"x\"\n";
        CHECK(load_error("include = [\"./bad.toml\"]", fs) ==
              "/p/bad.toml:3:3: unknown key `hostnme` (expected one of: include, hostname, chdir, command, "
              "new-session, interactive, pty, user, namespaces, env, mount, seccomp, capabilities, landlock, limits, "
              "cgroup, file-arguments, bind, ro-bind, dev-bind, tmpfs, dir, wayland, x11, audio, dbus)");
    }
    SECTION("a missing include lists where it looked") {
        CHECK(load_error("\ninclude = [\"default\", \"nope\"]") ==
              "/p/test.toml:2:23: profile \"nope\" not found (looked in: /home/alice/.cfg/sbx/profiles/nope.toml, "
              "/etc/sbx/profiles/nope.toml, /usr/share/sbx/profiles/nope.toml, builtin profiles: " +
                  kNames + ")");
        CHECK(load_error("include = [\"x/y.toml\"]") ==
              "/p/test.toml:1:12: profile \"x/y.toml\" not found (looked in: /p/x/y.toml, builtin profiles: " + kNames +
                  ")");
        CHECK(load_error("include = [\"/abs/y.toml\"]") ==
              "/p/test.toml:1:12: profile \"/abs/y.toml\" not found (looked in: /abs/y.toml, builtin profiles: " +
                  kNames + ")");
        // "y.toml" is a name: the folder of the including file is not searched.
        FakeFiles fs;
        fs.files["/p/y.toml"] = "";
        CHECK(load_error("include = [\"y.toml\"]", fs) ==
              "/p/test.toml:1:12: profile \"y.toml\" not found (looked in: /home/alice/.cfg/sbx/profiles/y.toml, "
              "/etc/sbx/profiles/y.toml, /usr/share/sbx/profiles/y.toml, builtin profiles: " +
                  kNames +
                  "); a name is never looked up in the current folder: write \"./y.toml\" for a file there or next to "
                  "the "
                  "including profile");
    }
    SECTION("a loop is reported at the include that closes it") {
        FakeFiles fs;
        fs.files["/p/a.toml"] = "include = [\"./b.toml\"]\n";
        fs.files["/p/b.toml"] = "hostname = \"b\"\ninclude = [\"./a.toml\"]\n";
        CHECK(usage_error([&] { load_profile("/p/a.toml", sample_host(), fs.reader()); }) ==
              "/p/b.toml:2:12: include loop: /p/a.toml -> /p/b.toml -> /p/a.toml");
        fs.files["/p/self.toml"] = "include = [\"./self.toml\"]\n";
        CHECK(usage_error([&] { load_profile("/p/self.toml", sample_host(), fs.reader()); }) ==
              "/p/self.toml:1:12: include loop: /p/self.toml -> /p/self.toml");
    }
    SECTION("the same file twice, not nested, is no loop") {
        FakeFiles fs;
        fs.files["/p/m.toml"] = "[[mount]]\ntype = \"proc\"\ndest = \"/proc\"\n";
        Profile p = load("include = [\"./m.toml\", \"./m.toml\"]", fs);
        CHECK(p.mounts.size() == 2);
        CHECK(p.files == std::vector<std::string>{kFile, "/p/m.toml"});
    }
    SECTION("16 levels of includes are fine, 17 are not") {
        // /d/f0.toml includes f1.toml ... up to f<last>.toml, which includes nothing.
        auto chain = [](int last) {
            FakeFiles fs;
            for (int i = 0; i < last; ++i)
                fs.files["/d/f" + std::to_string(i) + ".toml"] =
                    "include = [\"./f" + std::to_string(i + 1) + ".toml\"]\n";
            fs.files["/d/f" + std::to_string(last) + ".toml"] = "hostname = \"deep\"\n";
            return fs;
        };
        FakeFiles ok = chain(16);
        Profile p = load_profile("/d/f0.toml", sample_host(), ok.reader());
        CHECK(p.files.size() == 17);
        REQUIRE(p.hostname);
        CHECK(p.hostname->value == "deep");

        FakeFiles deep = chain(17);
        CHECK(usage_error([&] { load_profile("/d/f0.toml", sample_host(), deep.reader()); }) ==
              "/d/f16.toml:1:12: include depth exceeds 16");
    }
}

// ---------------------------------------------------------------- lookup

TEST_CASE("resolve_profile: a NAME in the profile folders, then the builtins; a path only with a '/'") {
    const HostFacts host = sample_host();
    FakeFiles fs;
    auto resolve = [&](const std::string& spec) { return resolve_profile(spec, host, fs.reader()); };

    SECTION("names fall through to the compiled-in profiles") {
        CHECK(resolve("default") == "builtin:default.toml");
        CHECK(resolve("browser.toml") == "builtin:browser.toml");
        CHECK(resolve("cli") == "builtin:cli.toml");
    }
    SECTION("the first folder that has NAME.toml wins; NAME and NAME.toml are the same name") {
        fs.files["/usr/share/sbx/profiles/browser.toml"] = "";
        CHECK(resolve("browser") == "/usr/share/sbx/profiles/browser.toml");
        fs.files["/etc/sbx/profiles/browser.toml"] = "";
        CHECK(resolve("browser") == "/etc/sbx/profiles/browser.toml");
        CHECK(resolve("browser.toml") == "/etc/sbx/profiles/browser.toml");
        fs.files["/home/alice/.cfg/sbx/profiles/browser.toml"] = "";
        CHECK(resolve("browser") == "/home/alice/.cfg/sbx/profiles/browser.toml");
        CHECK(resolve("browser.toml") == "/home/alice/.cfg/sbx/profiles/browser.toml");
    }
    SECTION("a file without the suffix is no profile") {
        fs.files["/etc/sbx/profiles/mine"] = "";
        CHECK_THROWS_AS(resolve("mine"), Error);
        fs.files["/etc/sbx/profiles/mine.toml"] = "";
        CHECK(resolve("mine") == "/etc/sbx/profiles/mine.toml");
    }
    SECTION("the working directory is never searched for a name (issue 9)") {
        fs.files["/work/proj/browser.toml"] = "";  // planted by a sandbox or shipped by a repository
        fs.files["/work/proj/cli.toml"] = "";
        fs.files["/work/proj/default.toml"] = "";
        CHECK(resolve("browser.toml") == "builtin:browser.toml");
        CHECK(resolve("browser") == "builtin:browser.toml");
        CHECK(resolve("cli.toml") == "builtin:cli.toml");
        CHECK(resolve("default.toml") == "builtin:default.toml");
        for (const std::string& asked : fs.asked) CHECK_FALSE(asked.starts_with("/work/proj/"));
    }
    SECTION("only something with a '/' is a path, relative ones from the cwd") {
        fs.files["/etc/sbx/profiles/browser.toml"] = "";
        fs.files["/work/proj/browser.toml"] = "";
        CHECK(resolve("./browser.toml") == "/work/proj/browser.toml");
        CHECK(resolve("browser.toml") == "/etc/sbx/profiles/browser.toml");
        fs.files["/work/proj/sub/x.toml"] = "";
        CHECK(resolve("sub/x.toml") == "/work/proj/sub/x.toml");
        fs.files["/abs/p.toml"] = "";
        CHECK(resolve("/abs/p.toml") == "/abs/p.toml");
        fs.files["/work/proj/noext"] = "";
        CHECK(resolve("./noext") == "/work/proj/noext");
        // A path never falls back to a name.
        CHECK_THROWS_AS(resolve("./default.toml"), Error);
    }
    SECTION("not found: a usage error listing every place") {
        CHECK(usage_error([&] { resolve("nope"); }) ==
              "profile \"nope\" not found (looked in: /home/alice/.cfg/sbx/profiles/nope.toml, "
              "/etc/sbx/profiles/nope.toml, /usr/share/sbx/profiles/nope.toml, builtin profiles: " +
                  kNames + ")");
        CHECK(usage_error([&] { resolve("./nope.toml"); }) ==
              "profile \"./nope.toml\" not found (looked in: /work/proj/nope.toml, builtin profiles: " + kNames + ")");
        CHECK(usage_error([&] { resolve(""); }) == "the profile name is empty");
        CHECK_THROWS_AS(resolve(".toml"), Error);
        CHECK_THROWS_AS(resolve(".."), Error);
        // A NUL would cut the path short at open(2): nothing is even tried.
        fs.asked.clear();
        CHECK_THROWS_AS(resolve(std::string("x\0.toml", 7)), Error);
        CHECK_THROWS_AS(resolve(std::string("./x\0.toml", 9)), Error);
        CHECK(fs.asked.empty());
    }
}

// A ProfileReader over in-memory files with owners, modes and errors.
struct FakeStat {
    std::optional<std::string> text;
    int error = 0;
    bool regular = true;
    uint32_t owner = 1000;
    uint32_t mode = 0644;
};
ProfileReader stat_reader(const std::map<std::string, FakeStat>& files) {
    return [files](const std::string& path) {
        FileRead read;
        auto it = files.find(path);
        if (it == files.end()) {
            read.error = ENOENT;
            read.error_text = "No such file or directory";
            return read;
        }
        read.text = it->second.text;
        read.error = it->second.error;
        if (read.error != 0) read.error_text = "Permission denied";
        read.regular = it->second.regular;
        read.owner = it->second.owner;
        read.mode = it->second.mode;
        return read;
    };
}

TEST_CASE("profile_file_problem: the trust rule for every profile file read") {
    auto file = [](uint32_t owner, uint32_t mode) {
        FileRead f;
        f.text = "";
        f.owner = owner;
        f.mode = mode;
        return f;
    };
    CHECK_FALSE(profile_file_problem(file(1000, 0644), 1000));
    CHECK_FALSE(profile_file_problem(file(1000, 0600), 1000));
    CHECK_FALSE(profile_file_problem(file(0, 0644), 1000));  // root's, e.g. /etc/sbx/profiles
    CHECK_FALSE(profile_file_problem(file(1000, 0755), 1000));
    CHECK(profile_file_problem(file(1001, 0644), 1000) ==
          "owned by uid 1001, neither you (uid 1000) nor root: refusing a profile someone else can change");
    CHECK(profile_file_problem(file(1000, 0666), 1000) ==
          "writable by its group or by others (mode 0666): refusing a profile someone else can change (chmod go-w)");
    CHECK(profile_file_problem(file(1000, 0664), 1000));
    CHECK(profile_file_problem(file(1000, 0646), 1000));
    CHECK(profile_file_problem(file(0, 0666), 1000));
    FileRead linked = file(1000, 0644);
    linked.links = 2;
    CHECK(profile_file_problem(linked, 1000) ==
          "has 2 hard links: another name for it may lie where a sandbox can write; copy it instead");
    FileRead dir = file(1000, 0755);
    dir.regular = false;
    CHECK(profile_file_problem(dir, 1000) == "not a regular file");

    FileRead missing;
    missing.error = ENOENT;
    CHECK_FALSE(profile_file_problem(missing, 1000));
    missing.error = ENOTDIR;
    CHECK_FALSE(profile_file_problem(missing, 1000));
    for (int err : {EACCES, ELOOP, EIO, EISDIR, EPERM}) {
        FileRead unreadable;
        unreadable.error = err;
        unreadable.error_text = "why";
        CHECK(profile_file_problem(unreadable, 1000) == "cannot read the profile: why");
    }
}

TEST_CASE("a profile that cannot be read or trusted is an error, never a fall-through") {
    const HostFacts host = sample_host();
    const std::string mine = "/home/alice/.cfg/sbx/profiles/browser.toml";
    auto error_with = [&](const FakeStat& stat) {
        const ProfileReader read = stat_reader({{mine, stat}});
        return usage_error([&] { resolve_profile("browser", host, read); });
    };
    CHECK(error_with({std::nullopt, EACCES}) == mine + ": cannot read the profile: Permission denied");
    CHECK(error_with({"", 0, true, 1000, 0666}) ==
          mine +
              ": writable by its group or by others (mode 0666): refusing a profile someone else can change (chmod "
              "go-w)");
    CHECK(error_with({"", 0, true, 1234, 0644}) ==
          mine + ": owned by uid 1234, neither you (uid 1000) nor root: refusing a profile someone else can change");
    CHECK(error_with({std::nullopt, 0, false, 1000, 0755}) == mine + ": not a regular file");
    // In order, it is the profile.
    CHECK(resolve_profile("browser", host, stat_reader({{mine, {"", 0, true, 1000, 0600}}})) == mine);

    SECTION("load_profile checks the file it parses, and every include") {
        const ProfileReader read = stat_reader({
            {"/p/top.toml", {"include = [\"./inc.toml\"]\n"}},
            {"/p/inc.toml", {"hostname = \"x\"\n", 0, true, 1000, 0664}},
            {"/p/bad.toml", {"hostname = \"x\"\n", 0, true, 1000, 0606}},
            {"/p/named.toml", {"include = [\"base\"]\n"}},
            {"/etc/sbx/profiles/base.toml", {std::nullopt, EACCES}},
        });
        CHECK(usage_error([&] { load_profile("/p/bad.toml", host, read); }) ==
              "/p/bad.toml: writable by its group or by others (mode 0606): refusing a profile someone else can "
              "change (chmod go-w)");
        CHECK(usage_error([&] { load_profile("/p/top.toml", host, read); }) ==
              "/p/top.toml:1:12: /p/inc.toml: writable by its group or by others (mode 0664): refusing a profile "
              "someone else can change (chmod go-w)");
        // The shipped "base" is not reached: the unreadable one is an error.
        CHECK(usage_error([&] { load_profile("/p/named.toml", host, read); }) ==
              "/p/named.toml:1:12: /etc/sbx/profiles/base.toml: cannot read the profile: Permission denied");
    }
}

TEST_CASE("load_profile reads through the FileReader, builtins from memory") {
    FakeFiles fs;
    fs.files["/x/web.toml"] = "hostname = \"web\"\n";
    Profile p = load_profile("/x/web.toml", sample_host(), fs.reader());
    CHECK(p.name == "web");
    CHECK(p.path == "/x/web.toml");
    CHECK(fs.asked == std::vector<std::string>{"/x/web.toml"});

    CHECK(usage_error([&] { load_profile("/x/none.toml", sample_host(), fs.reader()); }) ==
          "/x/none.toml: cannot read the profile: No such file or directory");
    CHECK(usage_error([&] { load_profile("builtin:nope.toml", sample_host(), fs.reader()); }) ==
          "builtin:nope.toml: cannot read the profile");
}

TEST_CASE("the shipped profiles load") {
    const HostFacts host = sample_host();
    FakeFiles fs;  // empty: everything comes from the compiled-in text

    SECTION("default") {
        Profile p = load_profile(resolve_profile("default", host, fs.reader()), host, fs.reader());
        CHECK(p.name == "default");
        CHECK(p.files == std::vector<std::string>{"builtin:default.toml"});
        REQUIRE(p.hostname);
        CHECK(p.hostname->value == "sandbox");
        CHECK(loc(p.hostname->loc) == "builtin:default.toml:8:12");
        REQUIRE(p.chdir);
        CHECK(p.chdir->value == "/home/alice");
        REQUIRE(p.uid);
        CHECK(p.uid->value == Identity::Self);
        REQUIRE(p.namespaces.net);
        CHECK(p.namespaces.net->value);
        REQUIRE(p.env.clear);
        CHECK(p.env.clear->value);
        REQUIRE(p.mounts.size() == 18);
        CHECK(p.mounts.front().type == MountKind::RoBind);
        CHECK(p.mounts.front().dest == "/usr");
        CHECK(p.mounts.back().type == MountKind::Tmpfs);
        CHECK(p.mounts.back().dest == "/home/alice");
        CHECK(p.mounts.back().mode == std::optional<uint32_t>(0700));
        bool passwd_found = false;
        for (const FsEntry& e : p.mounts) {
            if (e.dest != "/etc/passwd") continue;
            passwd_found = true;
            CHECK(e.content.find("\nalice:x:1000:1001:alice:/home/alice:/bin/sh\n") != std::string::npos);
        }
        CHECK(passwd_found);
    }
    SECTION("cli") {
        Profile p = load_profile("builtin:cli.toml", host, fs.reader());
        CHECK(p.name == "cli");
        CHECK(p.files == std::vector<std::string>{"builtin:cli.toml", "builtin:default.toml"});
        REQUIRE(p.chdir);
        CHECK(p.chdir->value == "/work/proj");
        REQUIRE(p.mounts.size() == 20);
        CHECK(p.mounts[18].source == "/work/proj");
        CHECK(p.mounts[18].dest == "/work/proj");
    }
    SECTION("browser") {
        Profile p = load_profile("builtin:browser.toml", host, fs.reader());
        CHECK(p.name == "browser");
        REQUIRE(p.namespaces.net);
        CHECK_FALSE(p.namespaces.net->value);
        // The last entry for the home (default's tmpfs comes first): browser's own.
        const auto home =
            std::find_if(p.mounts.rbegin(), p.mounts.rend(), [](const FsEntry& e) { return e.dest == "/home/alice"; });
        REQUIRE(home != p.mounts.rend());
        CHECK(home->type == MountKind::Bind);
        CHECK(home->source == "/home/alice/.data/sbx/browser/home");
        CHECK(home->create);
        CHECK(home->loc.file == "builtin:browser.toml");
        CHECK(p.env.keep.size() == 7 + 1);  // MOZ_ENABLE_WAYLAND: the pieces set the rest
        CHECK(p.x11.enabled->value);
        CHECK(p.x11.optional->value);
        CHECK(p.audio.enabled->value);
    }
}
