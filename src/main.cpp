// main.cpp — argv -> profile -> plan -> launch; sbx::Error -> exit status.
//
//   argv ──► cli ──► Options ─┐
//   profile TOML ──► Profile ─┼─► build_plan ──► SandboxPlan ──► sandbox::run
//   HostFacts ────────────────┘                   └─► --dry-run prints it
#include <algorithm>
#include <iostream>

#include "cli/cli.hpp"
#include "core/bwrap_args.hpp"
#include "core/plan_builder.hpp"
#include "core/profile.hpp"
#include "core/shared_folders.hpp"
#include "log/log.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/seccomp.hpp"
#include "sys/host_facts.hpp"
#include "sys/host_scan.hpp"
#include "sys/syscalls.hpp"

namespace {

int exit_status(const sbx::Error& e) { return e.kind() == sbx::ErrorKind::Usage ? 2 : 125; }

// A warning per bind whose source holds Unix sockets of the user's: a
// socket inside a bind is a door to whatever listens on it.
void report_bind_sockets(const sbx::core::SandboxPlan& plan, uint32_t uid) {
    for (const auto& op : plan.mounts) {
        if (op.source.empty() || op.kind == sbx::core::MountKind::Symlink) continue;
        if (op.kind != sbx::core::MountKind::Bind && op.kind != sbx::core::MountKind::RoBind &&
            op.kind != sbx::core::MountKind::DevBind)
            continue;
        const std::string line = sbx::core::describe_bind_sockets(op, sbx::sys::scan_unix_sockets(op.source, uid));
        if (!line.empty()) spdlog::warn("{}", line);
    }
}

}  // namespace

int main(int argc, char** argv) {
    sbx::log::init(false);
    try {
        const sbx::core::HostFacts host = sbx::sys::read_host_facts();
        sbx::cli::Options options;
        if (int status = sbx::cli::parse(argc, argv, host.cwd, options); status >= 0) return status;
        if (options.verbose) sbx::log::init(true);

        const auto reader = sbx::sys::profile_reader();
        const std::string path = options.profile.empty() ? std::string("builtin:default.toml")
                                                         : sbx::core::resolve_profile(options.profile, host, reader);
        const sbx::core::Profile profile = sbx::core::load_profile(path, host, reader);
        for (const auto& file : profile.files) spdlog::debug("profile file {}", file);
        sbx::core::SandboxPlan plan = sbx::core::build_plan(profile, options.overrides, host);
        // The working-directory check first: for `cli` started in a folder of
        // sockets (or the home folder) its error says what to do instead.
        const bool has_workdir =
            std::any_of(plan.mounts.begin(), plan.mounts.end(), [](const auto& op) { return op.workdir; });
        const auto shared =
            has_workdir ? sbx::core::shared_folders(host, sbx::sys::real_path) : std::vector<sbx::core::SharedFolder>{};
        if (has_workdir) sbx::core::check_workdir_binds(plan, shared);
        // Before anything is created on the host for the plan...
        sbx::core::check_exposure(plan, sbx::sys::real_path);
        // Only a launch may create folders on the host; the modes that print
        // or export something run nothing and change nothing.
        const bool launches = !options.dry_run && !options.print_bwrap_args && options.export_seccomp.empty();
        if (launches) sbx::sandbox::create_missing_sources(plan);
        sbx::core::check_sources(plan, sbx::sys::real_path);
        // ...and again on the real paths check_sources put in the plan: those
        // are what is mounted (opened with RESOLVE_NO_SYMLINKS), so a symlink
        // swapped in between the two resolutions cannot slip through.
        sbx::core::check_exposure(plan, sbx::sys::real_path);
        for (const auto& op : plan.mounts)
            if (op.unsafe) spdlog::debug("unsafe bind allowed: {} -> {} ({})", op.source, op.dest, op.origin);
        spdlog::debug("binds checked: none exposes the host's / /proc /dev /sys or sbx's own files unless unsafe");
        if (has_workdir) sbx::core::check_workdir_binds(plan, shared);  // again, on the real paths
        // A project folder holding one of the user's sockets (a tmux -S
        // socket in a subfolder): the only scan a normal launch makes.
        if (has_workdir)
            sbx::core::check_workdir_sockets(
                plan, [&](const std::string& source) { return sbx::sys::scan_unix_sockets(source, host.uid); });
        sbx::core::derive_landlock_rules(plan, profile.landlock, sbx::sys::list_dir);
        sbx::core::protect_own_folders(plan, sbx::sys::real_path, sbx::sys::can_create);
        // Only when asked what will happen: a normal launch reads no folders.
        if (options.dry_run || options.verbose) report_bind_sockets(plan, host.uid);
        if (launches) sbx::sandbox::create_missing_sources(plan);

        if (options.print_bwrap_args) {
            std::cout << sbx::core::bwrap_command_json(sbx::core::to_bwrap_args(plan));
            return 0;
        }
        if (!options.export_seccomp.empty()) {
            sbx::sandbox::export_seccomp(plan.seccomp, options.export_seccomp);
            return 0;
        }
        if (options.dry_run) {
            std::cout << sbx::core::describe(plan);
            return 0;
        }
        return sbx::sandbox::run(plan);
    } catch (const sbx::Error& e) {
        spdlog::error("{}", e.what());
        return exit_status(e);
    } catch (const std::exception& e) {
        spdlog::error("internal error: {}", e.what());
        return 125;
    }
}
