// security.hpp — the last steps before the target's execve, in the target
// process. Each one fails closed: if it cannot be done, the target does
// not run.
#pragma once

#include <string>
#include <vector>

namespace sbx::sandbox {

// Empties the bounding, ambient, permitted, effective and inheritable sets
// but for `keep` ("CAP_CHOWN", ...: capabilities inside the sandbox's user
// namespace, never on the host), which are raised in all five so that they
// survive execve for a non-root uid too. Then checks the result.
void drop_capabilities(const std::vector<std::string>& keep);

// PR_SET_NO_NEW_PRIVS, then checks it is set.
void set_no_new_privs();

}  // namespace sbx::sandbox
