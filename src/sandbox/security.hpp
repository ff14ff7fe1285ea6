// security.hpp — the last steps before the target's execve, in the target
// process. Each one fails closed: if it cannot be done, the target does
// not run.
#pragma once

namespace sbx::sandbox {

// Empties the bounding, ambient, permitted, effective and inheritable sets,
// then checks that they are empty.
void drop_all_capabilities();

// PR_SET_NO_NEW_PRIVS, then checks it is set.
void set_no_new_privs();

}  // namespace sbx::sandbox
