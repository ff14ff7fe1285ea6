// support.hpp — what the unit tests of the core share: a sample host (Alice,
// uid 1000, with the usual XDG folders) and in-memory profile files. A test
// that needs another host changes the copy it gets.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/host.hpp"
#include "core/profile.hpp"

namespace sbx::test {

inline core::HostFacts sample_host() {
    core::HostFacts host;
    host.uid = 1000;
    host.gid = 1001;
    host.user = "alice";
    host.home = "/home/alice";
    host.cwd = "/home/alice/src";
    host.xdg_runtime_dir = "/run/user/1000";
    host.xdg_config_home = "/home/alice/.config";
    host.xdg_data_home = "/home/alice/.local/share";
    host.mem_total = uint64_t{8} << 30;  // 8 GiB: tmpfs sizes written "N%"
    return host;
}

// A FileReader over an in-memory set of files that records what was asked for.
struct FakeFiles {
    std::map<std::string, std::string> files;
    std::vector<std::string> asked;

    core::FileReader reader() {
        return [this](const std::string& path) -> std::optional<std::string> {
            asked.push_back(path);
            auto it = files.find(path);
            if (it == files.end()) return std::nullopt;
            return it->second;
        };
    }
};

// The message of the Usage error `run` throws; fails the test when it throws none.
template <class F>
std::string usage_error(F run) {
    try {
        run();
    } catch (const Error& err) {
        CHECK(err.kind() == ErrorKind::Usage);
        return err.what();
    }
    FAIL_CHECK("no error was thrown");
    return "";
}

inline core::FileReader no_files() {
    return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

}  // namespace sbx::test
