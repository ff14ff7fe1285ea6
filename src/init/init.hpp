// init.hpp — supervision shared by the launcher (on the host) and the
// sandbox's PID 1: wait for one child, forward signals to it, reap every
// other child along the way (orphans reparented to PID 1 included).
#pragma once

#include <signal.h>
#include <sys/types.h>

namespace sbx::init {

// SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2 — forwarded to the target.
sigset_t forwarded_signals();

// Blocks the forwarded signals and SIGCHLD, so that none is lost between
// fork and supervise(); returns the previous mask for the target to restore.
sigset_t block_supervised_signals();

// Waits until `child` exits and returns its status as a shell reports it:
// the exit code, or 128+N when killed by signal N. Forwarded signals that
// arrive meanwhile are sent to `child`. When `forward_terminal_signals` is
// false, signals the kernel generated from the terminal (si_code SI_KERNEL:
// ^C, ^\) are not forwarded, because the target, in the same process group,
// already got them.
int supervise(pid_t child, bool forward_terminal_signals);

}  // namespace sbx::init
