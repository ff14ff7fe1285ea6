# limits.sh — [limits] rlimits and the wall-clock timeout, [cgroup] limits in
# a delegated cgroup v2 (or the exact "no delegated cgroup" behaviour).
# Sourced by tests/integration/run.sh, which provides the TAP helpers.

# ---------------------------------------------------------------------------
# rlimits: soft = hard = the value, set in the target before exec
# ---------------------------------------------------------------------------
RL=$(profile rlimits <<'EOF2'
include = ["default"]
[limits]
nofile = 64
core = 0
fsize = "64K"
stack = "4M"
EOF2
)
run_sbx --profile "$RL" -- sh -c 'ulimit -Sn; ulimit -Hn; ulimit -c; ulimit -s'
check_eq "[limits] nofile = 64: soft and hard limit 64; core = 0; stack = 4M (4096 KiB)" \
    "64 64 0 4096" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
run_sbx -- sh -c 'ulimit -Hn'
check_ne "control: without [limits], the hard nofile limit is not 64" "64" "$OUT"
run_sbx --profile "$RL" -- sh -c 'head -c 200000 /dev/zero >/tmp/big; echo "rc=$?"; wc -c </tmp/big'
check_match "[limits] fsize = 64K: writing 200000 bytes stops at 65536" "65536$" "$OUT"

NP=$(profile nproc <<'EOF2'
include = ["default"]
[limits]
nproc = 10
EOF2
)
# dash gives up at the first failed fork; what the pid namespace holds dies
# with the sandbox.
STORM='for i in $(seq 40); do sleep 3 & echo started; done'
run_sbx --profile "$NP" -- sh -c "$STORM"
n=$(grep -c '^started$' <<<"$OUT")
check_true "[limits] nproc = 10: a fork storm of 40 is cut short (started: ${n:-?})" "fewer than 10 children expected" \
    test "${n:-99}" -lt 10
run_sbx -- sh -c "$STORM"
check_eq "control: without nproc, the same storm starts all 40" "40" "$(grep -c '^started$' <<<"$OUT")"

BIG=$(profile rlimit-big <<'EOF2'
include = ["default"]
[limits]
nofile = 1099511627776
EOF2
)
run_sbx --profile "$BIG" -- true
check_rc "an rlimit above the caller's hard limit: exit 125, nothing run" 125
check_match "the error names the limit and the value" "^sbx: setrlimit nofile = 1099511627776: " "$ERR"

# ---------------------------------------------------------------------------
# timeout: SIGTERM to the target, SIGKILL kill-after seconds later; exit 124
# ---------------------------------------------------------------------------
TO=$(profile timeout <<'EOF2'
include = ["default"]
[limits]
timeout = 1
kill-after = 1
EOF2
)
start=$(date +%s%N)
run_sbx --profile "$TO" -- sh -c "exec sleep 30 # $MARK-to1"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check_rc "[limits] timeout = 1: sleep 30 ends with exit status 124" 124
check_true "[limits] timeout = 1: sbx returned within 2.5 s (took $ms ms)" "too slow or too fast" \
    test "$ms" -ge 900 -a "$ms" -lt 2500
check_eq "timeout: one line on stderr" "sbx: timed out after 1 s" "$ERR"

run_sbx --profile "$TO" -- sh -c 'trap "echo got-term; exit 0" TERM; sleep 30 & wait'
check_eq "timeout: the target gets SIGTERM first (its trap runs)" "got-term" "$OUT"
check_rc "timeout: exit 124 even when the target exits 0 on SIGTERM" 124

start=$(date +%s%N)
run_sbx --profile "$TO" -- sh -c "trap '' TERM; sleep 30 # $MARK-to2"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check_rc "timeout: a target that ignores SIGTERM is killed after kill-after: exit 124" 124
check_true "timeout: ... after about timeout + kill-after = 2 s (took $ms ms)" "expected 1.9-3.5 s" \
    test "$ms" -ge 1900 -a "$ms" -lt 3500
no_strays_within 2
check_eq "timeout: no process of the sandbox is left behind" "" "$STRAYS"

run_sbx --profile "$TO" -- sh -c 'exit 3'
check_rc "control: a target that ends before the timeout exits with its own status (3)" 3
check_eq "control: and sbx prints nothing" "" "$ERR"

# ---------------------------------------------------------------------------
# cgroup v2
# ---------------------------------------------------------------------------
CG_REQ=$(profile cgroup-required <<'EOF2'
include = ["default"]
[cgroup]
pids = 20
required = true
EOF2
)
CG_OPT=$(profile cgroup-optional <<'EOF2'
include = ["default"]
[cgroup]
pids = 20
EOF2
)
# The delegated subtree tests/integration/prepare-cgroup.sh made (as root),
# when we run inside it and it has the pids controller.
CG_BASE=$(cat /run/sbx-test-cgroup 2>/dev/null)
CG_OWN=$(sed -n 's/^0:://p' /proc/self/cgroup)
CG_MOUNT=""
for m in /sys/fs/cgroup /sys/fs/cgroup/unified; do
    [ "$(stat -f -c %T "$m" 2>/dev/null)" = cgroup2fs ] && { CG_MOUNT=$m; break; }
done
CG_DELEGATED=""
if [ -n "$CG_BASE" ] && [ "$CG_MOUNT$CG_OWN" = "$CG_BASE/harness" ] &&
    grep -qw pids "$CG_BASE/cgroup.subtree_control" 2>/dev/null; then
    CG_DELEGATED=1
fi

if [ -z "$CG_DELEGATED" ]; then
    diag "no delegated cgroup v2 with pids here (marker: ${CG_BASE:-none}, own cgroup: ${CG_MOUNT:-no v2 mount}$CG_OWN)"
    rm -f "$WORK/ran"
    run_sbx --profile "$CG_REQ" -- sh -c "touch /tmp/x; echo ran"
    check_rc "[cgroup] required = true without a delegated cgroup: exit 125" 125
    check_eq "... and the target never ran" "" "$OUT"
    launch_err=$ERR
    check_match "... with one line saying why and what to do" \
        "^sbx: no delegated cgroup v2: [^;]+(; [^;]+)?; run under a systemd user session \(systemd-run --user --scope -p Delegate=yes\) or set \[cgroup\] required = false$" \
        "$ERR"
    if [ -z "$CG_BASE" ] && [ -n "$CG_MOUNT" ]; then
        check_match "... naming the cgroup that is not writable by uid $U" \
            "^sbx: no delegated cgroup v2: /sys/fs/cgroup[^ ]* is not writable by uid $U" "$ERR"
    fi
    run_sbx --profile "$CG_OPT" -- echo ran
    check_rc "[cgroup] without required: the sandbox runs anyway (exit 0)" 0
    check_eq "... the target ran" "ran" "$OUT"
    check_match "... after one warning line" "^sbx: cgroup limits skipped: no delegated cgroup v2: [^"$'\n'"]*$" "$ERR"
    # --dry-run shows the decision the launch then takes (issue 10): the
    # cgroup is placed in the plan, not probed at launch.
    warned=$(sed -n 's/^sbx: cgroup limits skipped: //p' <<<"$ERR")
    run_sbx --dry-run --profile "$CG_OPT" -- echo ran
    check_rc "[cgroup] --dry-run without a delegated cgroup: exit 0" 0
    planned=$(sed -n 's/^cgroup limits skipped: //p' <<<"$OUT")
    check_match "... it shows that the limits will be skipped, and why" "^no delegated cgroup v2: " "$planned"
    check_eq "... the very reason the launch then warns of" "$warned" "$planned"
    run_sbx --dry-run --profile "$CG_REQ" -- true
    check_rc "[cgroup] --dry-run with required = true fails like the launch: exit 125" 125
    check_eq "... with the launch's error line" "$launch_err" "$ERR"
    run_sbx --print-bwrap-args --profile "$CG_REQ" -- true
    check_rc "control: --print-bwrap-args (no cgroup limits in bwrap) still prints the command: exit 0" 0
    check_match "... naming cgroup among what bwrap cannot express" '"cgroup"' "$OUT"
    # A host fact: the host delegates no cgroup v2 (a cgroup v1 host).
    host_skip "[cgroup] pids = 20 bounds a fork storm" "no delegated cgroup v2 with the pids controller here"
else
    STORM='for i in $(seq 200); do sleep 5 & echo started; done'
    run_sbx --profile "$CG_REQ" -- sh -c "$STORM"
    n=$(grep -c '^started$' <<<"$OUT")
    check_true "[cgroup] pids = 20: a fork storm of 200 is cut short (started: ${n:-?})" "fewer than 20 expected" \
        test "${n:-999}" -lt 20
    run_sbx -- sh -c "$STORM"
    check_eq "control: without [cgroup], the same storm starts all 200" "200" "$(grep -c '^started$' <<<"$OUT")"
    run_sbx --dry-run --profile "$CG_REQ" -- true
    planned=$(sed -n 's/^cgroup  *pids.max=20 (required) under \(.*\) (a new sbx-PID.*)$/\1/p' <<<"$OUT")
    check_eq "[cgroup] --dry-run names the delegated cgroup the sandbox's goes under" "$CG_BASE" "$planned"
    bg_sbx "$WORK/cg.out" --profile "$CG_REQ" -- sh -c "echo up; exec sleep 30 # $MARK-cg"
    if wait_line "$WORK/cg.out" '^up$' 10 "$BG_PID"; then
        check_true "... and the launch creates sbx-<pid> there" "" test -d "${planned:-/nonexistent}/sbx-$BG_PID"
        procs=$(cat "$CG_BASE/sbx-$BG_PID/cgroup.procs" 2>/dev/null | wc -l)
        check_true "the sandbox runs in $CG_BASE/sbx-<pid> (init and target: $procs processes)" "" test "$procs" -ge 2
        check_eq "... whose pids.max is 20" "20" "$(cat "$CG_BASE/sbx-$BG_PID/pids.max" 2>/dev/null)"
        check_true "... and the launcher itself is not in it" "" \
            eval "! grep -qx $BG_PID '$CG_BASE/sbx-$BG_PID/cgroup.procs'"
    else
        not_ok "the sandbox in a cgroup started" "$(cat "$WORK/cg.out.err")"
    fi
    kill -TERM "$BG_PID"
    wait_exit "$BG_PID" 10
    check_true "after the sandbox exits, its cgroup is removed" "" test ! -e "$CG_BASE/sbx-$BG_PID"
fi
