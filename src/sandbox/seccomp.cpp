// seccomp.cpp — placeholder until the libseccomp compiler lands.
#include "sandbox/seccomp.hpp"

#include "core/error.hpp"

namespace sbx::sandbox {

void install_seccomp(const core::SeccompPlan&) {}

void export_seccomp(const core::SeccompPlan&, const std::string&) {
    throw Error(ErrorKind::Usage, "--export-seccomp is not implemented yet");
}

}  // namespace sbx::sandbox
