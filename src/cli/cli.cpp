// cli.cpp — the command line. The first word that is not an option is the
// command, and everything after it is the command's; after "--" even words
// starting with '-' are the command's (a command named "--x" is a command).
#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <memory>
#include <tuple>

#include "config.h"
#include "core/path.hpp"

namespace sbx::cli {
namespace {

// CLI11 (2.1) lists positionals in the usage line, and COMMAND is not one
// (prefix_command() hands the rest over): "Usage: sbx [OPTIONS] [COMMAND [ARG...]]".
class Formatter : public CLI::Formatter {
public:
    std::string make_usage(const CLI::App* app, std::string name) const override {
        std::string usage = CLI::Formatter::make_usage(app, std::move(name));
        while (!usage.empty() && usage.back() == '\n') usage.pop_back();
        return usage + " [COMMAND [ARG...]]\n";
    }
};

// `sbx desktop ...`: its own small command line, with one subcommand per action.
int parse_desktop(int argc, char** argv, Options& options) {
    CLI::App app{"Put sandboxed copies of applications' desktop entries in your menu (see sbx(1), DESKTOP).",
                 "sbx desktop"};
    app.require_subcommand(1);
    app.fallthrough();  // -v after the action too
    app.add_flag("-v,--verbose", options.verbose, "Log where entries are looked for and what is written");
    DesktopOptions desktop;
    auto* install = app.add_subcommand(
        "install",
        "Write a copy of APP's desktop entry into $XDG_DATA_HOME/applications with every Exec= run through sbx");
    install->add_option("APP", desktop.app, "Desktop file id (firefox-esr or firefox-esr.desktop)")->required();
    install->add_option("-p,--profile", desktop.profile, "The profile the wrapper runs APP in (NAME or PATH)")
        ->required()
        ->type_name("NAME|PATH");
    install->add_flag("--force", desktop.force, "Write over an entry of that id that sbx did not write");
    auto* remove = app.add_subcommand("remove", "Remove the wrapper sbx wrote for APP (and nothing else)");
    remove->add_option("APP", desktop.app, "Desktop file id")->required();
    app.add_subcommand("list", "List the wrappers sbx wrote: id, profile, the entry wrapped");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            std::cout << app.help("", CLI::AppFormatMode::All);
            return 0;
        }
        std::cerr << "sbx desktop: " << core::printable(e.what()) << " (see sbx desktop --help)\n";
        return 2;
    }
    desktop.action = app.get_subcommands().front()->get_name();
    options.desktop = desktop;
    return -1;
}

}  // namespace

int parse(int argc, char** argv, const std::function<std::string()>& cwd, Options& options) {
    // "desktop" as the first word is the desktop subcommand; a program of
    // that name runs as `sbx -- desktop`.
    if (argc >= 2 && std::string_view(argv[1]) == "desktop") return parse_desktop(argc - 1, argv + 1, options);
    CLI::App app{"Run COMMAND in a rootless sandbox described by a TOML profile (see sbx(1), sbx.toml(5)).", "sbx"};
    app.prefix_command();  // stop at the first positional: it and the rest are COMMAND [ARG...]
    app.set_version_flag("--version", std::string("sbx ") + SBX_VERSION);
    app.formatter(std::make_shared<Formatter>());
    app.get_formatter()->column_width(28);
    app.footer(
        "The first word that is not an option starts COMMAND [ARG...]; after \"--\" every word does.\n"
        "Without COMMAND the profile's `command` runs, else /bin/sh.\n"
        "`sbx desktop install|remove|list` wraps desktop entries (sbx desktop --help).\n"
        "Exit status: the command's; 128+N if killed by signal N; 2 bad usage or profile;\n"
        "124 [limits] timeout expired; 125 sandbox setup failed; 126 command not executable;\n"
        "127 command not found.");

    auto& ov = options.overrides;
    app.add_option(
           "-p,--profile", options.profile,
           std::string("Profile NAME (\"x\" or \"x.toml\": looked up in ~/.config/sbx/profiles,\n"
                       "/etc/sbx/profiles, ") +
               SBX_DATADIR +
               "/sbx/profiles, then the built-in ones; never in the\n"
               "current directory) or PATH (anything with a '/', e.g. ./x.toml) (default: the built-in default)")
        ->type_name("NAME|PATH");
    // Repeatable options take one value per occurrence (so that
    // `--setenv A=1 firefox` leaves firefox as the command) and are handled
    // the moment they are parsed, so mounts keep their command-line order.
    auto add_repeatable = [&app](const char* name, const char* type_name, const char* help,
                                 std::function<void(const std::string&)> take) {
        app.add_option_function<std::string>(name, std::move(take), help)
            ->type_name(type_name)
            ->trigger_on_parse()
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    };
    for (auto [name, type, help] : {
             std::tuple{"--bind", core::MountKind::Bind, "Bind host SRC read-write at DST (default SRC)"},
             std::tuple{"--ro-bind", core::MountKind::RoBind, "Bind host SRC read-only at DST"},
         }) {
        add_repeatable(name, "SRC[:DST]", help, [&ov, &cwd, name = name, type = type](const std::string& value) {
            const bool relative = !value.empty() && value.front() != '/';
            ov.mounts.push_back(core::parse_bind_option(type, name, value, relative ? cwd() : std::string("/")));
        });
    }
    add_repeatable("--tmpfs", "DST", "A fresh tmpfs at DST", [&ov](const std::string& dest) {
        core::FsEntry entry;
        entry.type = core::MountKind::Tmpfs;
        entry.dest = dest;
        entry.loc = SourceLoc{"command line --tmpfs"};
        ov.mounts.push_back(entry);
    });
    add_repeatable("--setenv", "NAME=VALUE", "Set NAME=VALUE in the target's environment",
                   [&ov](const std::string& kv) {
                       auto eq = kv.find('=');
                       if (eq == std::string::npos || eq == 0)
                           throw CLI::ValidationError("--setenv", "expects NAME=VALUE, got " + core::quoted(kv));
                       ov.setenv.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
                   });
    add_repeatable("--unsetenv", "NAME", "Remove NAME from the target's environment",
                   [&ov](const std::string& name) { ov.unsetenv.push_back(name); });
    app.add_option_function<std::string>(
           "--chdir", [&ov](const std::string& dir) { ov.chdir = dir; }, "Working directory inside the sandbox")
        ->type_name("DIR");
    app.add_option_function<std::string>(
           "--hostname", [&ov](const std::string& name) { ov.hostname = name; }, "Hostname inside the sandbox")
        ->type_name("NAME");
    app.add_option_function<std::string>(
           "--file-arguments", [&ov](const std::string& mode) { ov.file_arguments = mode; },
           "Bind the regular files the command's arguments name (paths, file:// URIs) at the same path:\n"
           "none, read-only or read-write (default: the profile's `file-arguments`, else none)")
        ->type_name("MODE")
        ->check(CLI::IsMember({"none", "read-only", "read-write"}));
    app.add_flag("--share-net", ov.share_net, "Use the host's network (no network namespace)");
    bool unsafe = false;
    app.add_flag("--unsafe", unsafe,
                 "Allow the command line's binds that sbx refuses: the host's / /proc /dev /sys, binds over\n"
                 "/proc or /dev, writable binds exposing sbx's own folders or profiles (see sbx(1) SECURITY)");
    app.add_flag("--list-profiles", options.list_profiles,
                 "Print the profile names --profile finds (profile folders, then built-in), one a line");
    app.add_flag("-v,--verbose", options.verbose, "Log every setup step to stderr");
    app.add_flag("--dry-run", options.dry_run, "Print what the sandbox will be and run nothing");
    app.add_flag("--print-bwrap-args", options.print_bwrap_args,
                 "Print the bubblewrap command (JSON) that builds the same sandbox; run nothing");
    // The default (pty = "auto"): a pty whenever stdin, stdout or stderr is
    // a terminal, so the target never holds the caller's terminal.
    auto* pty = app.add_flag_callback(
        "--pty", [&ov] { ov.pty = core::PtyMode::Always; },
        "Run COMMAND on a new pseudo-terminal inside the sandbox, proxied by sbx, even when no terminal is at hand");
    auto* no_pty = app.add_flag_callback(
        "--no-pty", [&ov] { ov.pty = core::PtyMode::Never; },
        "Give COMMAND the caller's terminal itself, not a proxied one (the risk: see sbx(1), SECURITY)");
    pty->excludes(no_pty);
    app.add_option("--export-seccomp", options.export_seccomp,
                   "Write the profile's compiled seccomp filter (BPF, as bwrap --seccomp reads) to FILE; run nothing")
        ->type_name("FILE");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::CallForVersion& e) {
        std::cout << e.what() << "\n";
        return 0;
    } catch (const sbx::Error& e) {
        std::cerr << "sbx: " << e.what() << "\n";
        return 2;
    } catch (const CLI::ParseError& e) {
        // CLI11's messages quote the arguments: escaped like every other error.
        std::cerr << "sbx: " << core::printable(e.what()) << " (see sbx --help)\n";
        return 2;
    }
    // After parsing: --unsafe applies to every bind of the command line,
    // written before or after it.
    if (unsafe)
        for (core::FsEntry& entry : ov.mounts) entry.unsafe = true;
    ov.command = app.remaining();
    if (!ov.command.empty()) {
        const std::string& first = ov.command.front();
        // CLI11 hands the "--" separator on with the words after it.
        if (first == "--") {
            ov.command.erase(ov.command.begin());
        } else if (first.size() > 1 && first[0] == '-') {
            // prefix_command() also stops at an unknown option; a typo such
            // as --ro-bnd must not be run as a command.
            std::cerr << "sbx: unknown option " << core::printable(first)
                      << " (see sbx --help; put a command starting with '-' after --)\n";
            return 2;
        }
    }
    return -1;
}

}  // namespace sbx::cli
