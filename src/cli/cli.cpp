// cli.cpp — the command line. The first word that is not an option is the
// command, and everything after it is the command's; after "--" even words
// starting with '-' are the command's (a command named "--x" is a command).
#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "config.h"

namespace sbx::cli {

int parse(int argc, char** argv, const std::string& cwd, Options& options) {
    CLI::App app{"Run COMMAND in a rootless sandbox described by a TOML profile (see sbx(1), sbx.toml(5)).", "sbx"};
    app.prefix_command();  // stop at the first positional: it and the rest are COMMAND [ARG...]
    app.set_version_flag("--version", std::string("sbx ") + SBX_VERSION);
    app.get_formatter()->column_width(28);

    auto& ov = options.overrides;
    app.add_option("-p,--profile", options.profile, "Profile name or path (default: the built-in default)")
        ->type_name("NAME|PATH");
    // Mount options keep their command-line order among each other, so each
    // is handled the moment it is parsed.
    auto add_mount_option = [&](const char* name, core::EntryType type, const char* type_name, const char* help) {
        app.add_option_function<std::string>(
               name,
               [&ov, name, type, &cwd](const std::string& value) {
                   if (type == core::EntryType::Tmpfs) {
                       core::FsEntry entry;
                       entry.type = type;
                       entry.dest = value;
                       entry.loc = SourceLoc{std::string("command line ") + name};
                       ov.mounts.push_back(entry);
                   } else {
                       ov.mounts.push_back(core::parse_bind_option(type, name, value, cwd));
                   }
               },
               help)
            ->type_name(type_name)
            ->trigger_on_parse()
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    };
    add_mount_option("--bind", core::EntryType::Bind, "SRC[:DST]", "Bind host SRC read-write at DST (default SRC)");
    add_mount_option("--ro-bind", core::EntryType::RoBind, "SRC[:DST]", "Bind host SRC read-only at DST");
    add_mount_option("--tmpfs", core::EntryType::Tmpfs, "DST", "A fresh tmpfs at DST");
    app.add_option_function<std::vector<std::string>>(
           "--setenv",
           [&ov](const std::vector<std::string>& values) {
               for (const auto& kv : values) {
                   auto eq = kv.find('=');
                   if (eq == std::string::npos || eq == 0)
                       throw CLI::ValidationError("--setenv", "expects NAME=VALUE, got \"" + kv + "\"");
                   ov.setenv.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
               }
           },
           "Set NAME=VALUE in the target's environment")
        ->type_name("NAME=VALUE");
    app.add_option("--unsetenv", ov.unsetenv, "Remove NAME from the target's environment")->type_name("NAME");
    app.add_option_function<std::string>(
           "--chdir", [&ov](const std::string& dir) { ov.chdir = dir; }, "Working directory inside the sandbox")
        ->type_name("DIR");
    app.add_option_function<std::string>(
           "--hostname", [&ov](const std::string& name) { ov.hostname = name; }, "Hostname inside the sandbox")
        ->type_name("NAME");
    app.add_flag("--share-net", ov.share_net, "Use the host's network (no network namespace)");
    app.add_flag("-v,--verbose", options.verbose, "Log every setup step to stderr");
    app.add_flag("--dry-run", options.dry_run, "Print what the sandbox will be and run nothing");

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
        std::cerr << "sbx: " << e.what() << " (see sbx --help)\n";
        return 2;
    }
    ov.command = app.remaining();
    // CLI11 hands the "--" separator on with the words after it.
    if (!ov.command.empty() && ov.command.front() == "--") ov.command.erase(ov.command.begin());
    return -1;
}

}  // namespace sbx::cli
