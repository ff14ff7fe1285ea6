// desktop_probe.cpp — see desktop_probe.hpp.
#include "sys/desktop_probe.hpp"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string_view>

#include "sys/unique_fd.hpp"

// As in sandbox/landlock.cpp: the headers may predate the running kernel.
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

namespace sbx::sys {

std::string host_name() {
    struct utsname name {};
    if (::uname(&name) != 0) return {};
    return name.nodename;
}

std::set<unsigned> abstract_x11_displays() {
    std::set<unsigned> out;
    std::ifstream file("/proc/net/unix");
    std::string line;
    constexpr std::string_view kPrefix = "@/tmp/.X11-unix/X";
    while (std::getline(file, line)) {
        const size_t at = line.rfind(' ');
        if (at == std::string::npos) continue;
        const std::string_view name = std::string_view(line).substr(at + 1);
        if (!name.starts_with(kPrefix) || name.size() == kPrefix.size() || name.size() > kPrefix.size() + 9) continue;
        unsigned number = 0;
        bool digits = true;
        for (char c : name.substr(kPrefix.size())) {
            if (c < '0' || c > '9') {
                digits = false;
                break;
            }
            number = number * 10 + static_cast<unsigned>(c - '0');
        }
        if (digits) out.insert(number);
    }
    return out;
}

int landlock_abi_version() {
    const long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi > 0 ? static_cast<int>(abi) : 0;
}

bool something_at(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace sbx::sys
