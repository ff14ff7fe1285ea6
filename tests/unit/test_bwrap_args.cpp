// to_bwrap_args: namespaces, identity, environment, every mount kind in
// order, fd placeholders for files and seccomp, what bwrap cannot express,
// and the JSON that `sbx --print-bwrap-args` prints.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/bwrap_args.hpp"

using namespace sbx::core;

namespace {

using Args = std::vector<std::string>;

SandboxPlan minimal_plan() {
    SandboxPlan plan;
    plan.uid = {1000, 1000};
    plan.gid = {1001, 1001};
    plan.argv = {"true"};
    plan.chdir = "/home/alice";
    plan.seccomp.enabled = false;
    plan.landlock.enabled = false;
    return plan;
}

MountOp op(MountKind kind, std::string source, std::string dest) {
    MountOp m;
    m.kind = kind;
    m.source = std::move(source);
    m.dest = std::move(dest);
    return m;
}

bool contains(const Args& args, const std::string& word) {
    return std::find(args.begin(), args.end(), word) != args.end();
}

// The words between the options before the first mount and the "--".
Args tail_from(const Args& args, const std::string& first) {
    auto it = std::find(args.begin(), args.end(), first);
    return Args(it, args.end());
}

}  // namespace

TEST_CASE("bwrap: every namespace of the default plan, the ids inside, the hostname") {
    SandboxPlan plan = minimal_plan();
    plan.hostname = "sandbox";
    const Args args = to_bwrap_args(plan).args;
    const Args head(args.begin(), args.begin() + 12);
    CHECK(head == Args{"--unshare-user", "--uid", "1000", "--gid", "1001", "--unshare-pid", "--unshare-ipc",
                       "--unshare-uts", "--unshare-net", "--unshare-cgroup", "--hostname", "sandbox"});
    CHECK(contains(args, "--die-with-parent"));
    CHECK(contains(args, "--new-session"));
}

TEST_CASE("bwrap: namespaces switched off are not unshared; no hostname without a UTS namespace") {
    SandboxPlan plan = minimal_plan();
    plan.ns = {false, false, false, false, false};
    plan.hostname = "sandbox";
    plan.new_session = false;
    plan.die_with_parent = false;
    plan.uid = {0, 1000};
    plan.gid = {0, 1001};
    const Args args = to_bwrap_args(plan).args;
    CHECK(Args(args.begin(), args.begin() + 5) == Args{"--unshare-user", "--uid", "0", "--gid", "0"});
    for (const char* word : {"--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--unshare-cgroup",
                             "--hostname", "--new-session", "--die-with-parent"})
        CHECK_FALSE(contains(args, word));
}

TEST_CASE("bwrap: the environment is cleared, then each variable set, split at the first '='") {
    SandboxPlan plan = minimal_plan();
    plan.env = {"PATH=/usr/bin:/bin", "EQ=a=b", "EMPTY="};
    const Args args = to_bwrap_args(plan).args;
    const Args env = tail_from(args, "--clearenv");
    CHECK(Args(env.begin(), env.begin() + 10) ==
          Args{"--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "EQ", "a=b", "--setenv", "EMPTY", ""});
}

TEST_CASE("bwrap: every mount kind, in the plan's order, then the read-only root, chdir and the command") {
    SandboxPlan plan = minimal_plan();
    MountOp tmp = op(MountKind::Tmpfs, "", "/tmp");
    tmp.mode = 01777;
    tmp.size = 1048576;
    MountOp home = op(MountKind::Tmpfs, "", "/home/alice");
    home.mode = 0700;
    MountOp dir = op(MountKind::Dir, "", "/run/x");
    dir.mode = 0750;
    MountOp passwd = op(MountKind::File, "", "/etc/passwd");
    passwd.mode = 0644;
    passwd.content = "root:x:0:0::/:/bin/sh\n";
    MountOp hostname = op(MountKind::File, "", "/etc/hostname");
    hostname.content = "sandbox\n";
    plan.mounts = {op(MountKind::RoBind, "/usr", "/usr"),
                   op(MountKind::Bind, "/home/alice/src", "/src"),
                   op(MountKind::DevBind, "/dev/dri", "/dev/dri"),
                   op(MountKind::Symlink, "usr/bin", "/bin"),
                   op(MountKind::Proc, "", "/proc"),
                   op(MountKind::Dev, "", "/dev"),
                   op(MountKind::Mqueue, "", "/dev/mqueue"),
                   tmp,
                   home,
                   dir,
                   passwd,
                   hostname};
    plan.argv = {"sh", "-c", "echo hi"};
    const BwrapCommand command = to_bwrap_args(plan);
    CHECK(tail_from(command.args, "--ro-bind") == Args{"--ro-bind",
                                                       "/usr",
                                                       "/usr",
                                                       "--bind",
                                                       "/home/alice/src",
                                                       "/src",
                                                       "--dev-bind",
                                                       "/dev/dri",
                                                       "/dev/dri",
                                                       "--symlink",
                                                       "usr/bin",
                                                       "/bin",
                                                       "--proc",
                                                       "/proc",
                                                       "--dev",
                                                       "/dev",
                                                       "--mqueue",
                                                       "/dev/mqueue",
                                                       "--perms",
                                                       "01777",
                                                       "--size",
                                                       "1048576",
                                                       "--tmpfs",
                                                       "/tmp",
                                                       "--perms",
                                                       "0700",
                                                       "--tmpfs",
                                                       "/home/alice",
                                                       "--perms",
                                                       "0750",
                                                       "--dir",
                                                       "/run/x",
                                                       "--perms",
                                                       "0644",
                                                       "--file",
                                                       "{FD0}",
                                                       "/etc/passwd",
                                                       "--perms",
                                                       "0755",
                                                       "--file",
                                                       "{FD1}",
                                                       "/etc/hostname",
                                                       "--remount-ro",
                                                       "/",
                                                       "--chdir",
                                                       "/home/alice",
                                                       "--",
                                                       "sh",
                                                       "-c",
                                                       "echo hi"});
    CHECK(command.file_contents == Args{"root:x:0:0::/:/bin/sh\n", "sandbox\n"});
    CHECK(bwrap_file_placeholder(1) == "{FD1}");
}

TEST_CASE("bwrap: seccomp is a descriptor placeholder; kept capabilities are added back") {
    SandboxPlan plan = minimal_plan();
    plan.seccomp.enabled = true;
    plan.keep_caps = {"CAP_CHOWN"};
    const BwrapCommand command = to_bwrap_args(plan);
    CHECK(command.seccomp);
    CHECK(tail_from(command.args, "--cap-add").at(1) == "CAP_CHOWN");
    CHECK(tail_from(command.args, "--seccomp").at(1) == kBwrapSeccompPlaceholder);
    CHECK_FALSE(to_bwrap_args(minimal_plan()).seccomp);
    CHECK_FALSE(contains(to_bwrap_args(minimal_plan()).args, "--seccomp"));
}

TEST_CASE("bwrap: what bwrap has no option for is listed, and only that") {
    CHECK(to_bwrap_args(minimal_plan()).not_expressible.empty());
    SandboxPlan plan = minimal_plan();
    plan.landlock.enabled = true;
    plan.rlimits = {{Rlimit::Nofile, 64}};
    plan.cgroup.pids = 10;
    plan.terminal.pty = true;
    plan.timeout = 5;
    CHECK(to_bwrap_args(plan).not_expressible == Args{"landlock", "rlimits", "cgroup", "pty", "timeout"});
}

TEST_CASE("bwrap: a command starting with '-' stays after the \"--\"") {
    SandboxPlan plan = minimal_plan();
    plan.argv = {"--weird", "x"};
    const Args args = to_bwrap_args(plan).args;
    CHECK(Args(args.end() - 3, args.end()) == Args{"--", "--weird", "x"});
}

TEST_CASE("bwrap: the JSON escapes quotes, backslashes and control characters") {
    BwrapCommand command;
    command.args = {"--setenv", "Q", "a\"b\\c\td", "--", "true"};
    command.file_contents = {"line1\nline2\x01"};
    command.seccomp = true;
    command.not_expressible = {"landlock"};
    CHECK(bwrap_command_json(command) ==
          "{\n"
          "  \"bwrap\": [\n"
          "    \"--setenv\",\n"
          "    \"Q\",\n"
          "    \"a\\\"b\\\\c\\td\",\n"
          "    \"--\",\n"
          "    \"true\"\n"
          "  ],\n"
          "  \"files\": [\n"
          "    \"line1\\nline2\\u0001\"\n"
          "  ],\n"
          "  \"seccomp\": true,\n"
          "  \"not_expressible\": [\n"
          "    \"landlock\"\n"
          "  ]\n"
          "}\n");
    CHECK(bwrap_command_json(BwrapCommand{}).find("\"files\": []") != std::string::npos);
}
