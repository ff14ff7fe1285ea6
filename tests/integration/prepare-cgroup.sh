#!/bin/bash
# prepare-cgroup.sh — root-side set-up for the cgroup tests of the limits
# suite: a delegated cgroup v2 subtree for the unprivileged test user, as a
# systemd user session (user@UID.service) would give it.
#
#   prepare-cgroup.sh USER PID
#
# Creates (or reuses) BASE=<cgroup2 mount>/sbx-test owned by USER, enables
# in it the controllers sbx limits (pids, memory, cpu: those the hierarchy
# has), makes the leaf BASE/harness, moves PID (the test harness, before it
# drops privileges) into the leaf, and writes BASE to /run/sbx-test-cgroup.
# sbx, started from the leaf, then creates its cgroups in BASE. Idempotent.
# Prints what it did on stderr as "# prepare-cgroup: ..." lines. Without a
# cgroup v2 hierarchy it removes the marker and exits 0: the suite then
# tests the "no delegated cgroup" paths only.
set -u
say() { echo "# prepare-cgroup: $*" >&2; }

[ $# -eq 2 ] || { say "usage: $0 USER PID"; exit 2; }
user=$1 pid=$2
marker=/run/sbx-test-cgroup
[ "$(id -u)" -eq 0 ] || { say "must run as root"; exit 2; }

mount=""
for m in /sys/fs/cgroup /sys/fs/cgroup/unified; do
    if [ "$(stat -f -c %T "$m" 2>/dev/null)" = cgroup2fs ]; then mount=$m; break; fi
done
if [ -z "$mount" ]; then
    rm -f "$marker"
    say "no cgroup v2 hierarchy at /sys/fs/cgroup or /sys/fs/cgroup/unified; nothing delegated"
    exit 0
fi
base=$mount/sbx-test
have=" $(cat "$mount/cgroup.controllers") "
wanted=()
for c in pids memory cpu; do
    if [[ $have == *" $c "* ]]; then wanted+=("$c"); else say "controller $c not available in $mount (bound to cgroup v1?)"; fi
done

# Controllers flow from the top: the root may enable them with processes in
# it; BASE may because no process ever lives in it (only in its leaves).
enable() {  # DIR
    local c
    for c in "${wanted[@]}"; do
        grep -qw "$c" "$1/cgroup.subtree_control" && continue
        echo "+$c" >"$1/cgroup.subtree_control" && say "enabled $c in $1/cgroup.subtree_control" ||
            say "cannot enable $c in $1/cgroup.subtree_control"
    done
}
enable "$mount"
mkdir -p "$base/harness" || { say "cannot create $base/harness"; exit 1; }
enable "$base"
# Delegation as cgroup-v2.rst describes it: the directory and the files
# that move processes and hand out controllers belong to the user.
for d in "$base" "$base/harness"; do
    chown "$user:" "$d" "$d/cgroup.procs" "$d/cgroup.subtree_control" "$d/cgroup.threads" ||
        { say "cannot delegate $d to $user"; exit 1; }
done
echo "$pid" >"$base/harness/cgroup.procs" || { say "cannot move pid $pid into $base/harness"; exit 1; }
echo "$base" >"$marker"
say "delegated $base to $user (controllers: ${wanted[*]:-none}); pid $pid now in $base/harness; marker $marker"
