// bwrap_args.cpp — SandboxPlan -> bubblewrap (0.8) argument list. Every
// mount op keeps its place in the order, so both tools build the same tree.
#include "core/bwrap_args.hpp"

#include <cstdio>

#include "core/text.hpp"

namespace sbx::core {
namespace {

void add(std::vector<std::string>& args, std::initializer_list<std::string> words) {
    args.insert(args.end(), words.begin(), words.end());
}

void add_namespaces(const SandboxPlan& plan, std::vector<std::string>& args) {
    // bwrap always makes a mount namespace; the user namespace is what makes
    // it rootless, so it is asked for explicitly, as sbx always does.
    add(args, {"--unshare-user", "--uid", std::to_string(plan.uid.inside), "--gid", std::to_string(plan.gid.inside)});
    if (plan.ns.pid) args.emplace_back("--unshare-pid");
    if (plan.ns.ipc) args.emplace_back("--unshare-ipc");
    if (plan.ns.uts) args.emplace_back("--unshare-uts");
    if (plan.ns.net) args.emplace_back("--unshare-net");
    if (plan.ns.cgroup) args.emplace_back("--unshare-cgroup");
    if (plan.ns.uts && !plan.hostname.empty()) add(args, {"--hostname", plan.hostname});
}

void add_process(const SandboxPlan& plan, BwrapCommand& command) {
    auto& args = command.args;
    if (plan.die_with_parent) args.emplace_back("--die-with-parent");
    if (plan.new_session) args.emplace_back("--new-session");
    args.emplace_back("--clearenv");
    for (const auto& kv : plan.env) {
        const size_t eq = kv.find('=');
        if (eq == std::string::npos) continue;  // the plan only holds NAME=value
        add(args, {"--setenv", kv.substr(0, eq), kv.substr(eq + 1)});
    }
    // Unprivileged bwrap drops every capability unless told otherwise, like sbx.
    for (const auto& cap : plan.keep_caps) add(args, {"--cap-add", cap});
    if (plan.seccomp.enabled) {
        add(args, {"--seccomp", kBwrapSeccompPlaceholder});
        command.seccomp = true;
    }
}

void add_mount(const MountOp& op, BwrapCommand& command) {
    // bwrap's --dev and --proc make these parts themselves.
    if (op.implied) return;
    auto& args = command.args;
    switch (op.kind) {
    case MountKind::Bind: add(args, {"--bind", op.source, op.dest}); break;
    case MountKind::RoBind: add(args, {"--ro-bind", op.source, op.dest}); break;
    case MountKind::DevBind: add(args, {"--dev-bind", op.source, op.dest}); break;
    case MountKind::Tmpfs:
        add(args, {"--perms", octal(op.mode)});
        if (op.size) add(args, {"--size", std::to_string(*op.size)});
        add(args, {"--tmpfs", op.dest});
        break;
    case MountKind::Proc: add(args, {"--proc", op.dest}); break;
    case MountKind::Dev: add(args, {"--dev", op.dest}); break;
    case MountKind::Mqueue: add(args, {"--mqueue", op.dest}); break;
    case MountKind::Dir: add(args, {"--perms", octal(op.mode), "--dir", op.dest}); break;
    case MountKind::Symlink: add(args, {"--symlink", op.source, op.dest}); break;
    case MountKind::File:
        add(args, {"--perms", octal(op.mode), "--file", bwrap_file_placeholder(command.file_contents.size()), op.dest});
        command.file_contents.push_back(op.content);
        break;
    case MountKind::DevNode:
    case MountKind::Devpts:
    case MountKind::RoCover: break;  // only ever implied (above)
    }
}

std::vector<std::string> not_expressible(const SandboxPlan& plan) {
    std::vector<std::string> out;
    if (plan.landlock.enabled) out.emplace_back("landlock");
    if (!plan.rlimits.empty()) out.emplace_back("rlimits");
    if (plan.cgroup.any()) out.emplace_back("cgroup");
    if (plan.terminal.pty) out.emplace_back("pty");
    if (plan.timeout > 0) out.emplace_back("timeout");
    if (!plan.helpers.empty()) out.emplace_back("helpers");  // xdg-dbus-proxy: bwrap starts none
    return out;
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string json_list(const std::vector<std::string>& items) {
    if (items.empty()) return "[]";
    std::string out = "[\n";
    for (size_t i = 0; i < items.size(); ++i)
        out += "    " + json_string(items[i]) + (i + 1 < items.size() ? ",\n" : "\n");
    return out + "  ]";
}

}  // namespace

std::string bwrap_file_placeholder(size_t index) { return "{FD" + std::to_string(index) + "}"; }

BwrapCommand to_bwrap_args(const SandboxPlan& plan) {
    BwrapCommand command;
    add_namespaces(plan, command.args);
    add_process(plan, command);
    for (const auto& op : plan.mounts) add_mount(op, command);
    // sbx remounts its finished root read-only; bwrap leaves it writable unless asked.
    add(command.args, {"--remount-ro", "/"});
    if (!plan.chdir.empty()) add(command.args, {"--chdir", plan.chdir});
    command.args.emplace_back("--");
    command.args.insert(command.args.end(), plan.argv.begin(), plan.argv.end());
    command.not_expressible = not_expressible(plan);
    // The x11 piece's cookie is a secret, never printed: its file is left
    // empty (a server with -auth then refuses bwrap's client), and said so.
    size_t file_index = 0;
    for (const auto& op : plan.mounts) {
        if (op.kind != MountKind::File) continue;
        if (!plan.x11.xauthority.empty() && op.dest == plan.x11.xauthority) {
            command.file_contents[file_index].clear();
            command.not_expressible.push_back("the x11 cookie in " + op.dest + " (a secret: left empty)");
        }
        ++file_index;
    }
    return command;
}

std::string bwrap_command_json(const BwrapCommand& command) {
    return "{\n  \"bwrap\": " + json_list(command.args) + ",\n  \"files\": " + json_list(command.file_contents) +
           ",\n  \"seccomp\": " + (command.seccomp ? "true" : "false") +
           ",\n  \"not_expressible\": " + json_list(command.not_expressible) + "\n}\n";
}

}  // namespace sbx::core
