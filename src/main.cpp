// main.cpp — argv -> profile -> plan -> launch; sbx::Error -> exit status.
//
//   argv ──► cli ──► Options ─┐
//   profile TOML ──► Profile ─┼─► build_plan ─► finish_plan ─► SandboxPlan ─► prepare_host ─► run
//   HostFacts ────────────────┘                                      └─► --dry-run prints it
#include <cstdlib>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "cli/cli.hpp"
#include "core/audio.hpp"
#include "core/bwrap_args.hpp"
#include "core/file_arguments.hpp"
#include "core/plan_builder.hpp"
#include "core/plan_finish.hpp"
#include "core/profile.hpp"
#include "core/shared_folders.hpp"
#include "core/x11.hpp"
#include "desktop/desktop.hpp"
#include "log/log.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/seccomp.hpp"
#include "sys/cgroup_probe.hpp"
#include "sys/desktop_probe.hpp"
#include "sys/files.hpp"
#include "sys/host_facts.hpp"
#include "sys/host_scan.hpp"
#include "sys/syscalls.hpp"
#include "sys/wayland_client.hpp"

namespace {

int exit_status(const sbx::Error& e) { return e.kind() == sbx::ErrorKind::Usage ? 2 : 125; }

// A warning per bind whose source holds Unix sockets of the user's: a
// socket inside a bind is a door to whatever listens on it.
void report_bind_sockets(const sbx::core::SandboxPlan& plan, uint32_t uid) {
    for (const auto& op : plan.mounts) {
        if (op.source.empty() || !sbx::core::is_bind(op.kind)) continue;
        const std::string line = sbx::core::describe_bind_sockets(op, sbx::sys::scan_unix_sockets(op.source, uid));
        if (!line.empty()) spdlog::warn("{}", line);
    }
}

}  // namespace

int main(int argc, char** argv) {
    sbx::sys::ensure_standard_fds();
    sbx::log::init(false);
    try {
        // The command line first: --help and --version need no host facts
        // (and work in a deleted working directory).
        sbx::cli::Options options;
        if (int status = sbx::cli::parse(argc, argv, sbx::sys::current_dir, options); status >= 0) return status;
        const sbx::core::HostFacts host = sbx::sys::read_host_facts();
        if (options.verbose) sbx::log::init(true);
        if (options.desktop) {
            try {
                return sbx::desktop::run(*options.desktop, host);
            } catch (const sbx::Error& e) {
                // A refusal or bad input: 2; a file that could not be written: 1.
                spdlog::error("{}", e.what());
                return e.kind() == sbx::ErrorKind::Usage ? 2 : 1;
            }
        }
        if (options.list_profiles) return sbx::desktop::list_profiles(host);
        spdlog::debug("user {} (uid {}), home {}: from {}", host.user, host.uid, host.home, host.user_source);

        const auto reader = sbx::sys::profile_reader();
        const std::string path = options.profile.empty() ? std::string("builtin:default.toml")
                                                         : sbx::core::resolve_profile(options.profile, host, reader);
        // Without --profile: the compiled-in default as it is, no file
        // looked up (not the user's default.toml, nor default.local.toml).
        const sbx::core::Profile profile = sbx::core::load_profile(
            path, host, reader,
            options.profile.empty() ? sbx::core::FoundBy::Path : sbx::core::profile_found_by(options.profile));
        for (const auto& file : profile.files) spdlog::debug("profile file {}", file);
        // Every decision before the first side effect: --dry-run,
        // --print-bwrap-args and the launch all use this one final plan.
        // Each host path is resolved once: finish_plan's checks ask for the
        // same folders again and again, and so they also agree with each other.
        std::unordered_map<std::string, std::optional<std::string>> resolved;
        auto real_path = [&resolved](const std::string& host_path) {
            auto [it, fresh] = resolved.try_emplace(host_path);
            if (fresh) it->second = sbx::sys::real_path(host_path);
            return it->second;
        };
        // The cgroup limits are placed for a launch and --dry-run only: the
        // other modes print what does not depend on them (bwrap has no
        // cgroup limits), and a `required` limit must not make them fail.
        const bool place_cgroup = !options.print_bwrap_args && options.export_seccomp.empty();
        sbx::core::SandboxPlan built = sbx::core::build_plan(profile, options.overrides, host);
        // The desktop pieces look at the host's display and sound servers
        // (their sockets, the Xauthority file) only when a profile asks.
        if (profile.x11.enabled && profile.x11.enabled->value) {
            const std::set<unsigned> abstract = sbx::sys::abstract_x11_displays();
            sbx::core::add_x11(
                built, profile.x11, host,
                {[](const std::string& file) { return sbx::sys::read_small_file(file, sbx::core::kMaxXauthoritySize); },
                 sbx::sys::host_name(), [&abstract](unsigned n) { return abstract.count(n) > 0; },
                 sbx::sys::landlock_abi_version(), sbx::sys::something_at});
            for (const auto& line : built.x11.why) spdlog::debug("x11: {}", line);
        }
        sbx::core::add_audio(built, profile.audio, host, sbx::sys::something_at);
        for (const auto& line : built.audio.why) spdlog::debug("audio: {}", line);
        // The command's file arguments become binds here, so that
        // finish_plan checks them like any other bind.
        const auto files = sbx::core::choose_file_arg_mode(profile.file_arguments, options.overrides.file_arguments);
        sbx::core::add_file_arguments(built, files.mode, files.by, host.cwd, {real_path, sbx::sys::file_kind});
        const sbx::core::SandboxPlan plan = sbx::core::finish_plan(
            std::move(built), profile.landlock, host,
            {real_path, sbx::sys::list_dir, sbx::sys::can_create,
             [&host](const std::string& source) { return sbx::sys::scan_unix_sockets(source, host.uid); },
             place_cgroup ? sbx::sys::cgroup_queries() : sbx::core::CgroupQueries{},
             // Asked for a launch and --dry-run: bwrap cannot use the listener.
             place_cgroup ? sbx::core::WaylandProber(sbx::sys::probe_wayland) : sbx::core::WaylandProber{}});
        for (const auto& op : plan.mounts) {
            if (op.unsafe) spdlog::debug("unsafe bind allowed: {} -> {} ({})", op.source, op.dest, op.origin);
            if (!op.matched.empty()) spdlog::debug("glob {} matched {} ({})", op.matched, op.source, op.origin);
        }
        for (const auto& op : plan.skipped)
            spdlog::debug("{} {}: skipped ({})", op.glob ? "glob without a match" : "missing optional source",
                          op.source, op.origin);
        spdlog::debug("binds checked: none exposes the host's / /proc /dev /sys or sbx's own files unless unsafe");
        // Only when asked what will happen: a normal launch reads no folders.
        if (options.dry_run || options.verbose) report_bind_sockets(plan, host.uid);

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
        if (!plan.audio.warning.empty()) spdlog::warn("{}", plan.audio.warning);
        // Only a launch changes the host; the modes above run nothing.
        sbx::sandbox::prepare_host(plan);
        const int status = sbx::sandbox::run(plan);
        // The sandbox is over: leave without freeing the plan, the profile
        // and the rest block by block (~1,000 frees), which only delays the
        // exit the caller waits for. exit() still flushes stdio and the
        // logger writes each line at once (log::init); nothing else holds
        // buffered output or anything to clean up on the host.
        std::exit(status);
    } catch (const sbx::Error& e) {
        spdlog::error("{}", e.what());
        return exit_status(e);
    } catch (const std::exception& e) {
        spdlog::error("internal error: {}", e.what());
        return 125;
    }
}
