// test_file_arguments.cpp — the command's file arguments turned into binds
// (core/file_arguments.hpp): what is bound, left alone, refused.
#include <map>

#include "core/file_arguments.hpp"
#include "core/path.hpp"
#include "core/plan_builder.hpp"
#include "support.hpp"

using namespace sbx;
using core::HostFileKind;

namespace {

// A host of files: path -> kind, and links: path as named -> real path.
struct FakeHost {
    std::map<std::string, HostFileKind> kinds;
    std::map<std::string, std::string> links;  // resolved path (symlinks followed)

    core::FileArgQueries queries() {
        return {[this](const std::string& path) -> std::optional<std::string> {
                    if (auto it = links.find(path); it != links.end()) return it->second;
                    auto it = kinds.find(core::fold_dots(path));
                    if (it == kinds.end() || it->second == HostFileKind::Missing) return std::nullopt;
                    return core::fold_dots(path);
                },
                [this](const std::string& path) {
                    if (links.count(path)) return HostFileKind::Symlink;
                    auto it = kinds.find(path);
                    return it == kinds.end() ? HostFileKind::Missing : it->second;
                }};
    }
};

core::SandboxPlan plan_for(std::vector<std::string> argv, const std::string& profile_text = "") {
    test::FakeFiles files;
    const auto host = test::sample_host();
    const core::Profile profile = core::load_profile_text(
        "[[mount]]\ntype = \"ro-bind\"\nsource = \"/usr\"\n"
        "[[mount]]\ntype = \"symlink\"\ntarget = \"usr/bin\"\ndest = \"/bin\"\n"
        "[[mount]]\ntype = \"tmpfs\"\ndest = \"/home/alice\"\n"
        "[[mount]]\ntype = \"bind\"\nsource = \"/home/alice/src\"\n" +
            profile_text,
        "/p.toml", host, files.reader());
    core::Overrides ov;
    ov.command = std::move(argv);
    return core::build_plan(profile, ov, host);
}

const core::MountOp* op_at(const core::SandboxPlan& plan, const std::string& dest) {
    for (const auto& op : plan.mounts)
        if (op.dest == dest) return &op;
    return nullptr;
}

}  // namespace

TEST_CASE("file:// URIs are decoded; anything else is not a local file URI", "[file-arguments]") {
    CHECK(core::file_uri_path("file:///home/alice/a%20b.pdf") == "/home/alice/a b.pdf");
    CHECK(core::file_uri_path("file://localhost/x") == "/x");
    CHECK(core::file_uri_path("FILE:///x%2fy") == "/x/y");
    CHECK(core::file_uri_path("file:///%E2%82%AC") == "/\xE2\x82\xAC");
    CHECK_FALSE(core::file_uri_path("file://otherhost/x"));
    CHECK_FALSE(core::file_uri_path("file:/x"));
    CHECK_FALSE(core::file_uri_path("file://"));
    CHECK_FALSE(core::file_uri_path("file:///x%2"));
    CHECK_FALSE(core::file_uri_path("file:///x%zz"));
    CHECK_FALSE(core::file_uri_path("file:///x%00y"));
    CHECK_FALSE(core::file_uri_path("file:///x?y=1"));
    CHECK_FALSE(core::file_uri_path("https://example.com/x"));
    CHECK_FALSE(core::file_uri_path("/plain/path"));
}

TEST_CASE("fold_dots folds . and .. lexically", "[file-arguments]") {
    CHECK(core::fold_dots("/a/./b/../c//d/") == "/a/c/d");
    CHECK(core::fold_dots("/../..") == "/");
    CHECK(core::fold_dots("/") == "/");
}

TEST_CASE("the mode: command line, else profile, else none", "[file-arguments]") {
    CHECK(core::choose_file_arg_mode(std::nullopt, std::nullopt).mode == core::FileArgMode::None);
    core::Located<std::string> ro{"read-only", SourceLoc{"/p.toml", 3, 1}};
    auto choice = core::choose_file_arg_mode(ro, std::nullopt);
    CHECK(choice.mode == core::FileArgMode::ReadOnly);
    CHECK(choice.by == "/p.toml:3:1");
    choice = core::choose_file_arg_mode(ro, std::string("read-write"));
    CHECK(choice.mode == core::FileArgMode::ReadWrite);
    CHECK(choice.by == "--file-arguments");
    core::Located<std::string> bad{"yes", SourceLoc{"/p.toml", 3, 1}};
    CHECK(test::usage_error([&] { core::choose_file_arg_mode(bad, std::nullopt); }) ==
          "/p.toml:3:1: `file-arguments` must be \"none\", \"read-only\" or \"read-write\", not \"yes\"");
}

TEST_CASE("a profile's file-arguments is parsed and checked", "[file-arguments]") {
    test::FakeFiles files;
    const auto host = test::sample_host();
    auto p = core::load_profile_text("file-arguments = \"read-write\"\n", "/p.toml", host, files.reader());
    REQUIRE(p.file_arguments);
    CHECK(p.file_arguments->value == "read-write");
    CHECK(test::usage_error([&] {
              core::load_profile_text("file-arguments = \"ro\"\n", "/p.toml", host, files.reader());
          }).starts_with("/p.toml:1:18: `file-arguments` must be"));
    CHECK(test::usage_error([&] {
              core::load_profile_text("file-arguments = true\n", "/p.toml", host, files.reader());
          }).starts_with("/p.toml:1:"));
}

TEST_CASE("a regular file named by the command becomes a bind of that file only", "[file-arguments]") {
    FakeHost host;
    host.kinds["/data/doc.pdf"] = HostFileKind::Regular;
    host.kinds["/data"] = HostFileKind::Directory;
    auto plan = plan_for({"evince", "/data/doc.pdf", "--page=2", "file:///data/doc%2Epdf", "missing.pdf"});
    core::add_file_arguments(plan, core::FileArgMode::ReadOnly, "--file-arguments", "/home/alice/src", host.queries());
    const core::MountOp* op = op_at(plan, "/data/doc.pdf");
    REQUIRE(op);
    CHECK(op->kind == core::MountKind::RoBind);
    CHECK(op->regular_file);  // checked again when bound
    CHECK(op->source == "/data/doc.pdf");
    CHECK(op->origin == "command line argument 1 (file-arguments = \"read-only\", --file-arguments)");
    CHECK_FALSE(op_at(plan, "/data"));
    // The URI names the same file: one bind; the URI is passed on as it is.
    CHECK(std::count_if(plan.mounts.begin(), plan.mounts.end(),
                        [](const auto& m) { return m.dest == "/data/doc.pdf"; }) == 1);
    CHECK(plan.argv ==
          std::vector<std::string>{"evince", "/data/doc.pdf", "--page=2", "file:///data/doc%2Epdf", "missing.pdf"});
    // Parents stay before children.
    for (size_t i = 1; i < plan.mounts.size(); ++i)
        CHECK(core::path_depth(plan.mounts[i - 1].dest) <= core::path_depth(plan.mounts[i].dest));

    auto rw = plan_for({"vim", "/data/doc.pdf"});
    core::add_file_arguments(rw, core::FileArgMode::ReadWrite, "x", "/", host.queries());
    REQUIRE(op_at(rw, "/data/doc.pdf"));
    CHECK(op_at(rw, "/data/doc.pdf")->kind == core::MountKind::Bind);

    auto none = plan_for({"vim", "/data/doc.pdf"});
    const size_t before = none.mounts.size();
    core::add_file_arguments(none, core::FileArgMode::None, "x", "/", host.queries());
    CHECK(none.mounts.size() == before);
    CHECK(none.file_arguments.empty());
}

TEST_CASE("a relative file argument is bound at its absolute path and passed as it", "[file-arguments]") {
    FakeHost host;
    host.kinds["/data/doc.pdf"] = HostFileKind::Regular;
    auto plan = plan_for({"evince", "../data/./doc.pdf"});
    core::add_file_arguments(plan, core::FileArgMode::ReadOnly, "x", "/srv", host.queries());
    REQUIRE(op_at(plan, "/data/doc.pdf"));
    CHECK(plan.argv[1] == "/data/doc.pdf");
}

TEST_CASE("directories, devices, /proc, /dev, /sys are left alone", "[file-arguments]") {
    FakeHost host;
    host.kinds["/data"] = HostFileKind::Directory;
    host.kinds["/data/fifo"] = HostFileKind::Other;
    host.kinds["/proc/self/environ"] = HostFileKind::Regular;
    host.kinds["/proc/1/environ"] = HostFileKind::Regular;
    host.kinds["/dev/sda"] = HostFileKind::Other;
    host.kinds["/sys/kernel/notes"] = HostFileKind::Regular;
    auto plan = plan_for(
        {"cat", "/data", "/data/fifo", "/proc/self/environ", "/proc/1/environ", "/dev/sda", "/sys/kernel/notes"});
    const size_t before = plan.mounts.size();
    core::add_file_arguments(plan, core::FileArgMode::ReadOnly, "x", "/", host.queries());
    CHECK(plan.mounts.size() == before);
    REQUIRE(plan.file_arguments.size() == 6);
    CHECK(plan.file_arguments[0] ==
          "command line argument 1 \"/data\": a directory: left alone (only a regular file is bound, never its "
          "folder)");
    CHECK(
        plan.file_arguments[1].ends_with("not a regular file: left alone (only a regular file is bound, never "
                                         "its folder)"));
    CHECK(plan.file_arguments[2].ends_with("inside, /proc/self/environ is the sandbox's own: left alone"));
    CHECK(plan.file_arguments[4].ends_with("inside, /dev/sda is the sandbox's own: left alone"));
}

TEST_CASE("a file already visible at its place is left alone; one under a symlink too", "[file-arguments]") {
    FakeHost host;
    host.kinds["/home/alice/src/main.c"] = HostFileKind::Regular;
    host.kinds["/usr/share/doc/x.txt"] = HostFileKind::Regular;
    host.kinds["/home/alice/notes.txt"] = HostFileKind::Regular;
    host.links["/bin/ls"] = "/usr/bin/ls";
    auto plan = plan_for({"vim", "main.c", "/usr/share/doc/x.txt", "/bin/ls", "/home/alice/notes.txt"});
    core::add_file_arguments(plan, core::FileArgMode::ReadOnly, "x", "/home/alice/src", host.queries());
    // The profile's writable bind of the working directory stays in charge.
    CHECK_FALSE(op_at(plan, "/home/alice/src/main.c"));
    CHECK_FALSE(op_at(plan, "/usr/share/doc/x.txt"));
    CHECK_FALSE(op_at(plan, "/bin/ls"));
    // Under a tmpfs: bound.
    REQUIRE(op_at(plan, "/home/alice/notes.txt"));
    CHECK(plan.argv[1] == "main.c");  // not bound: not rewritten either
    CHECK(plan.file_arguments[0].ends_with("already visible through bind /home/alice/src (/p.toml:11:1): left alone"));
    CHECK(plan.file_arguments[2].ends_with("inside, /bin is the profile's symbolic link: left alone"));
}

TEST_CASE("a file argument reached through a symbolic link is refused", "[file-arguments]") {
    FakeHost host;
    host.kinds["/home/alice/.ssh/id_rsa"] = HostFileKind::Regular;
    host.links["/home/alice/Downloads/doc.pdf"] = "/home/alice/.ssh/id_rsa";
    host.links["/home/alice/Downloads/dir/x"] = "/home/alice/.ssh/id_rsa";  // a link in the middle
    for (const char* arg : {"/home/alice/Downloads/doc.pdf", "/home/alice/Downloads/dir/x"}) {
        auto plan = plan_for({"evince", arg});
        CHECK(test::usage_error([&] {
                  core::add_file_arguments(plan, core::FileArgMode::ReadOnly, "x", "/", host.queries());
              }) == std::string("command line argument 1: \"") + arg +
                        "\" leads through a symbolic link to \"/home/alice/.ssh/id_rsa\"; a file argument is bound "
                        "only when named by its real path (a link in a shared folder must not hand the sandbox "
                        "another file): name \"/home/alice/.ssh/id_rsa\" instead");
    }
    // A link to a directory is no file argument (`ls /lib`): left alone.
    host.kinds["/usr/lib"] = HostFileKind::Directory;
    host.links["/lib"] = "/usr/lib";
    auto plan = plan_for({"ls", "/lib"});
    const size_t before = plan.mounts.size();
    core::add_file_arguments(plan, core::FileArgMode::ReadOnly, "x", "/", host.queries());
    CHECK(plan.mounts.size() == before);
}

TEST_CASE("a file argument with a newline in its name is refused", "[file-arguments]") {
    FakeHost host;
    host.kinds["/data/a\nb"] = HostFileKind::Regular;
    auto plan = plan_for({"cat", "/data/a\nb"});
    CHECK(test::usage_error([&] {
              core::add_file_arguments(plan, core::FileArgMode::ReadOnly, "x", "/", host.queries());
          }).starts_with("command line argument 1: \"/data/a\\nb\": "));
}

TEST_CASE("file arguments show in --dry-run", "[file-arguments]") {
    FakeHost host;
    host.kinds["/data/doc.pdf"] = HostFileKind::Regular;
    host.kinds["/data"] = HostFileKind::Directory;
    auto plan = plan_for({"evince", "/data/doc.pdf", "/data"});
    core::add_file_arguments(plan, core::FileArgMode::ReadOnly, "--file-arguments", "/", host.queries());
    const std::string text = core::describe(plan);
    CHECK(text.find("ro-bind /data/doc.pdf -> /data/doc.pdf   # command line argument 1 (file-arguments = "
                    "\"read-only\", --file-arguments)") != std::string::npos);
    CHECK(text.find("file arg    command line argument 1 \"/data/doc.pdf\": bound read-only\n") != std::string::npos);
    CHECK(text.find("file arg    command line argument 2 \"/data\": a directory") != std::string::npos);
}
