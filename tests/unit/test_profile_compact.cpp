// test_profile_compact.cpp — the compact mount lists (`ro-bind = [...]`,
// `bind`, `dev-bind`, `tmpfs`, `dir`): what each element becomes, the order
// of a file's entries, the same plan as the [[mount]] form, and every bad
// shape with its exact "file:line:col: message".
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/plan_builder.hpp"
#include "core/profile.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;
using sbx::test::usage_error;

namespace {

const std::string kFile = "/p/c.toml";

Profile load(const std::string& text) { return load_profile_text(text, kFile, test::sample_host(), test::no_files()); }

std::string load_error(const std::string& text) {
    return usage_error([&] { load(text); });
}

std::string plan_error(const std::string& text) {
    return usage_error([&] { build_plan(load(text), Overrides{}, test::sample_host()); });
}

// Everything of an op but its origin.
std::string op_text(const MountOp& op) {
    return std::string(mount_kind_name(op.kind)) + " " + op.source + " -> " + op.dest + " mode " +
           std::to_string(op.mode) + " size " + (op.size ? std::to_string(*op.size) : "-") +
           (op.optional ? " optional" : "") + (op.create ? " create" : "") + (op.unsafe ? " unsafe" : "") +
           (op.workdir ? " workdir" : "") + (op.glob ? " glob" : "") + " [" + op.content + "]";
}

std::vector<std::string> plan_ops(const std::string& text) {
    std::vector<std::string> out;
    for (const MountOp& op : build_plan(load(text), Overrides{}, test::sample_host()).mounts)
        out.push_back(op_text(op));
    return out;
}

}  // namespace

TEST_CASE("compact lists: each element is an entry of the list's type, located where it is written") {
    const Profile p = load(R"(ro-bind = ["/etc/fonts", "?/etc/machine-id",
           { source = "${HOME}/docs", dest = "/docs", optional = true }]
bind = [{ source = "${XDG_DATA_HOME}/sbx/${PROFILE}/home", dest = "${HOME}", create = true }, "/srv/x"]
dev-bind = ["?/dev/dri"]
tmpfs = ["/run/a", { dest = "/run/b", size = "1M", mode = "0700" }]
dir = ["/mnt", { dest = "/opt/x", mode = 0o711 }]
)");
    REQUIRE(p.mounts.size() == 10);
    struct Want {
        MountKind type;
        const char* source;
        const char* dest;
        bool optional;
        const char* loc;
    };
    const Want want[] = {
        {MountKind::RoBind, "/etc/fonts", "/etc/fonts", false, "/p/c.toml:1:12"},
        {MountKind::RoBind, "/etc/machine-id", "/etc/machine-id", true, "/p/c.toml:1:26"},
        {MountKind::RoBind, "/home/alice/docs", "/docs", true, "/p/c.toml:2:12"},
        {MountKind::Bind, "/home/alice/.local/share/sbx/c/home", "/home/alice", false, "/p/c.toml:3:9"},
        {MountKind::Bind, "/srv/x", "/srv/x", false, "/p/c.toml:3:95"},
        {MountKind::DevBind, "/dev/dri", "/dev/dri", true, "/p/c.toml:4:13"},
        {MountKind::Tmpfs, "", "/run/a", false, "/p/c.toml:5:10"},
        {MountKind::Tmpfs, "", "/run/b", false, "/p/c.toml:5:20"},
        {MountKind::Dir, "", "/mnt", false, "/p/c.toml:6:8"},
        {MountKind::Dir, "", "/opt/x", false, "/p/c.toml:6:16"},
    };
    for (size_t i = 0; i < p.mounts.size(); ++i) {
        const FsEntry& e = p.mounts[i];
        INFO("entry " << i);
        CHECK(e.type == want[i].type);
        CHECK(e.source == want[i].source);
        CHECK(e.dest == want[i].dest);
        CHECK(e.optional == want[i].optional);
        CHECK(e.loc.str() == want[i].loc);
        CHECK_FALSE(e.glob);
    }
    CHECK(p.mounts[3].create);
    CHECK(p.mounts[7].size == uint64_t{1} << 20);
    CHECK(p.mounts[7].mode == 0700u);
    CHECK(p.mounts[9].mode == 0711u);
    // Control: an element without `?` is not optional, one with it is.
    CHECK_FALSE(p.mounts[0].optional);
}

TEST_CASE("compact lists: a file's entries keep the order written, [[mount]] tables included") {
    // The keys of a TOML table come back sorted by name, not as written:
    // the order is taken from the positions.
    const Profile p = load(R"(tmpfs = ["/z"]
ro-bind = ["/b", "/a"]
bind = ["/c"]

[[mount]]
type = "dir"
dest = "/m"

[env]
clear = true

[[mount]]
type = "tmpfs"
dest = "/n"
)");
    std::vector<std::string> dests;
    for (const FsEntry& e : p.mounts) dests.push_back(e.dest);
    CHECK(dests == std::vector<std::string>{"/z", "/b", "/a", "/c", "/m", "/n"});
}

TEST_CASE("compact lists: included files' entries come first, as with [[mount]]") {
    test::FakeFiles fs;
    fs.files["/p/base.toml"] = "ro-bind = [\"/base\"]\n[[mount]]\ntype = \"dir\"\ndest = \"/base-dir\"\n";
    const Profile p = load_profile_text("ro-bind = [\"/top\"]\ninclude = [\"./base.toml\"]\n", kFile,
                                        test::sample_host(), fs.reader());
    std::vector<std::string> dests;
    for (const FsEntry& e : p.mounts) dests.push_back(e.dest);
    CHECK(dests == std::vector<std::string>{"/base", "/base-dir", "/top"});
}

TEST_CASE("compact lists: the same plan as the [[mount]] entries they stand for") {
    const std::string tables = R"(
[[mount]]
type = "ro-bind"
source = "/usr"
[[mount]]
type = "ro-bind"
source = "/etc/fonts"
optional = true
[[mount]]
type = "bind"
source = "${XDG_DATA_HOME}/sbx/${PROFILE}/home"
dest = "${HOME}"
create = true
[[mount]]
type = "dev-bind"
source = "/dev/dri"
optional = true
unsafe = true
[[mount]]
type = "tmpfs"
dest = "/tmp"
size = "20%"
mode = "1777"
[[mount]]
type = "dir"
dest = "/mnt"
)";
    const std::string compact = R"(
ro-bind = ["/usr", "?/etc/fonts"]
bind = [{ source = "${XDG_DATA_HOME}/sbx/${PROFILE}/home", dest = "${HOME}", create = true }]
dev-bind = [{ source = "/dev/dri", optional = true, unsafe = true }]
tmpfs = [{ dest = "/tmp", size = "20%", mode = "1777" }]
dir = ["/mnt"]
)";
    const auto a = plan_ops(tables);
    CHECK(a.size() == 6);
    CHECK(a == plan_ops(compact));
    // Control: the comparison sees a difference.
    CHECK(a != plan_ops("ro-bind = [\"/usr\", \"/etc/fonts\"]" + compact.substr(compact.find("\nbind = "))));
}

TEST_CASE("compact lists: bad shapes") {
    struct Case {
        const char* text;
        const char* error;
    };
    const Case cases[] = {
        {"ro-bind = \"/etc/fonts\"",
         "/p/c.toml:1:11: `ro-bind` must be an array of paths and inline tables, like ro-bind = [\"/etc/fonts\", "
         "\"?/etc/machine-id\"]"},
        {"tmpfs = { dest = \"/x\" }",
         "/p/c.toml:1:9: `tmpfs` must be an array of paths and inline tables, like tmpfs = [\"/run/x\"]"},
        {"bind = [1]",
         "/p/c.toml:1:9: `bind` entries must be paths (strings) or inline tables, like bind = [\"/etc/fonts\", "
         "\"?/etc/machine-id\"] or [{ source = \"...\" }]"},
        {"dir = [[\"/x\"]]",
         "/p/c.toml:1:8: `dir` entries must be paths (strings) or inline tables, like dir = [\"/run/x\"] or [{ "
         "dest = \"...\" }]"},
        {"ro-bind = [\"?\"]", "/p/c.toml:1:12: `ro-bind` entry \"?\" names no path: write \"?/path\""},
        {"ro-bind = [\"etc/fonts\"]", "/p/c.toml:1:12: a `ro-bind` entry must be an absolute path, not \"etc/fonts\""},
        {"ro-bind = [\"?\?/x\"]", "/p/c.toml:1:12: a `ro-bind` entry must be an absolute path, not \"?/x\""},
        {"ro-bind = [\"\"]", "/p/c.toml:1:12: a `ro-bind` entry must be an absolute path, not \"\""},
        {"dev-bind = [\"${NOPE}/x\"]",
         "/p/c.toml:1:13: unknown variable ${NOPE} (known: HOME, USER, UID, GID, PWD, XDG_RUNTIME_DIR, "
         "XDG_CONFIG_HOME, XDG_DATA_HOME, PROFILE)"},
        {"tmpfs = [\"?/x\"]",
         "/p/c.toml:1:10: a leading `?` (skip when missing) is for the sources of bind, ro-bind and dev-bind; a "
         "`tmpfs` entry names a path inside the sandbox"},
        {"ro-bind = [{ source = \"/x\", size = \"1M\" }]",
         "/p/c.toml:1:29: unknown key `size` in a `ro-bind` entry (expected one of: source, dest, optional, "
         "create, unsafe, workdir)"},
        {"dev-bind = [{ source = \"/x\", create = true }]",
         "/p/c.toml:1:30: unknown key `create` in a `dev-bind` entry (expected one of: source, dest, optional, "
         "unsafe)"},
        {"bind = [{ sorce = \"/x\" }]",
         "/p/c.toml:1:11: unknown key `sorce` in a `bind` entry (expected one of: source, dest, optional, create, "
         "unsafe, workdir)"},
        {"bind = [{ type = \"ro-bind\", source = \"/x\" }]",
         "/p/c.toml:1:11: a `bind` entry needs no `type`: the list gives it"},
        {"bind = [{ dest = \"/x\" }]", "/p/c.toml:1:9: `bind.source` is required"},
        {"tmpfs = [{ size = \"1M\" }]", "/p/c.toml:1:10: `tmpfs.dest` is required"},
        {"bind = [{ source = 1 }]", "/p/c.toml:1:20: `bind.source` must be a string"},
        {"bind = [{ source = \"/x\", optional = \"yes\" }]", "/p/c.toml:1:37: `bind.optional` must be true or false"},
        {"ro-bind = [{ source = \"?/x\" }]",
         "/p/c.toml:1:23: `ro-bind.source` must be an absolute path, not \"?/x\" (in a table, write `optional = "
         "true`)"},
        {"tmpfs = [{ dest = \"/x\", mode = 755 }]",
         "/p/c.toml:1:32: `tmpfs.mode` must be written in octal, like 0o755 or \"0755\""},
        {"tmpfs = [{ dest = \"/x\", size = 0 }]", "/p/c.toml:1:32: `tmpfs.size` must be greater than 0"},
        {"ro-bind = [\"/a\"]\nro-bind = [\"/b\"]",
         "/p/c.toml:2:11: error while parsing key-value pair: cannot redefine existing array 'ro-bind'"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        CHECK(load_error(c.text) == c.error);
    }
    // Control: the same shapes written correctly load.
    CHECK(load("ro-bind = [\"/etc/fonts\", \"?/x\", { source = \"/x\", dest = \"/y\" }]").mounts.size() == 3);
    CHECK(load("ro-bind = []").mounts.empty());
}

TEST_CASE("compact lists: destinations are checked by the plan, duplicates within a file refused") {
    CHECK(plan_error("tmpfs = [\"run/x\"]") == "/p/c.toml:1:10: destination \"run/x\": is not an absolute path");
    CHECK(plan_error("dir = [\"/a/../b\"]") == "/p/c.toml:1:8: destination \"/a/../b\": contains a \"..\" component");
    CHECK(plan_error("ro-bind = [\"/etc/fonts\", \"?/etc/fonts\"]") ==
          "/p/c.toml:1:26: duplicate destination /etc/fonts (first at /p/c.toml:1:12)");
    CHECK(plan_error("ro-bind = [\"/x\"]\n[[mount]]\ntype = \"tmpfs\"\ndest = \"/x\"\n") ==
          "/p/c.toml:2:1: duplicate destination /x (first at /p/c.toml:1:12)");
    // Control: different destinations plan.
    CHECK(plan_ops("ro-bind = [\"/etc/fonts\", { source = \"/etc/fonts\", dest = \"/f\" }]").size() == 2);
}

TEST_CASE("compact lists: a top-level key written under a [table] is refused with a hint") {
    const std::string hint =
        "; `ro-bind` is a top-level key: write it above the first [table] of the file (TOML puts every key after a "
        "[table] header into that table)";
    CHECK(load_error("[env]\nclear = true\nro-bind = [\"/etc/fonts\"]\n") ==
          "/p/c.toml:3:1: unknown key `ro-bind` in [env] (expected one of: clear, keep, unset, set)" + hint);
    CHECK(load_error("[[mount]]\ntype = \"dir\"\ndest = \"/x\"\nro-bind = [\"/etc/fonts\"]\n") ==
          "/p/c.toml:4:1: unknown key `ro-bind` in [[mount]] (expected one of: type, source, dest, target, content, "
          "size, mode, optional, create, unsafe, workdir, shm-size)" +
              hint);
    CHECK(load_error("[namespaces]\nnet = true\nhostname = \"x\"\n") ==
          "/p/c.toml:3:1: unknown key `hostname` in [namespaces] (expected one of: net, pid, ipc, uts, cgroup); "
          "`hostname` is a top-level key: write it above the first [table] of the file (TOML puts every key after "
          "a [table] header into that table)");
    // [env.set] takes any variable name: `bind` is one, but not with an array.
    CHECK(load_error("[env.set]\nbind = [\"/x\"]\n") ==
          "/p/c.toml:2:8: `env.set.bind` must be a string; `bind` is a top-level key: write it above the first "
          "[table] of the file (TOML puts every key after a [table] header into that table)");
    // Controls: an unknown key that is no top-level key gets no hint, and a
    // variable named like a top-level key is still a variable.
    CHECK(load_error("[env]\nro-bnd = 1\n") ==
          "/p/c.toml:2:1: unknown key `ro-bnd` in [env] (expected one of: clear, keep, unset, set)");
    CHECK(load("[env.set]\nbind = \"x\"\n").env.set.at(0).second.value == "x");
}
