#!/bin/bash
# run.sh — integration tests of sbx, run against the real binary as an
# unprivileged user. Emits TAP on stdout.
#
#   run.sh SBX PROBE        (absolute paths of the built sbx and sbx-probe)
#
# As root, the script creates (or reuses) the system user "sbx-test", copies
# both binaries into a fresh world-readable directory and runs itself again as
# that user (setpriv): a sandbox test that passes only as root proves nothing.
#
# Environment: SBX_MUST_WORK=1 or CI=... turn "no unprivileged user
# namespaces", and every skip not justified by a kernel or host fact (see
# skip and host_skip), into a failure (after bubblewrap's BWRAP_MUST_WORK).
# SBX_LONG=1 (tests/run --long) runs the long variants: 1,000 killed
# launches in the robustness suite instead of 200.
#
# Every test asserts one concrete value, observed from inside the sandbox via
# sbx-probe (bound read-only at /probe) or from the host, and every test can
# fail: where a negative result could also come from a broken test, a sanity
# check of the same observation on the host (or with the isolation switched
# off) runs next to it.
set -u

TEST_USER=sbx-test
LIMIT=20            # seconds for any one sbx run

bail() { echo "Bail out! $*"; exit 1; }

[ $# -eq 2 ] || bail "usage: $0 SBX PROBE"
SBX=$1 PROBE=$2
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ -x "$SBX" ] || bail "sbx binary not found or not executable: $SBX"
[ -x "$PROBE" ] || bail "probe binary not found or not executable: $PROBE"

# ---------------------------------------------------------------------------
# As root: drop to the unprivileged test user and run again.
# ---------------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
    [ -z "${SBX_IT_DROPPED:-}" ] || bail "still root after dropping privileges; refusing to test as root"
    if ! id -u "$TEST_USER" >/dev/null 2>&1; then
        useradd --system --create-home --shell /bin/bash "$TEST_USER" >&2 ||
            bail "cannot create the test user $TEST_USER"
    fi
    home=$(getent passwd "$TEST_USER" | cut -d: -f6)
    if [ ! -d "$home" ]; then
        mkdir -p "$home" && chown "$TEST_USER:" "$home" && chmod 0700 "$home" ||
            bail "cannot create $home"
    fi
    # The build tree may not be readable by the test user: stage copies.
    stage=$(mktemp -d "${TMPDIR:-/tmp}/sbx-it-stage.XXXXXX") || bail "mktemp failed"
    trap 'rm -rf "$stage"' EXIT
    chmod 0755 "$stage"
    # The whole tests/ folder: the suites and helpers are sourced from it.
    # Helper programs built beside the probe (tests/probe/*) come along, so a
    # suite finds them as "$(dirname "$PROBE")/NAME".
    for helper in "$(dirname "$PROBE")"/*; do
        case $helper in *sbx-unit | *.p) continue ;; esac
        [ -f "$helper" ] && [ -x "$helper" ] && cp "$helper" "$stage/"
    done
    # sbx execs its resident supervisor from beside its own binary.
    for helper in sbx-supervise sbx-init; do
        [ -x "$(dirname "$SBX")/$helper" ] && cp "$(dirname "$SBX")/$helper" "$stage/"
    done
    cp "$SBX" "$stage/sbx" && cp "$PROBE" "$stage/sbx-probe" &&
        cp -r "$TESTS_DIR" "$stage/tests" ||
        bail "cannot stage the binaries and tests in $stage"
    chmod -R a+rX "$stage"
    passthrough=()
    for v in SBX_MUST_WORK CI TERM SBX_SUITES SBX_LONG SBX_IT_SCREENSHOT; do
        [ -n "${!v+set}" ] && passthrough+=("$v=${!v}")
    done
    # A delegated cgroup v2 subtree for the cgroup tests, where the host can give one.
    bash "$TESTS_DIR/integration/prepare-cgroup.sh" "$TEST_USER" "$$" || true
    cd / || bail "cd /"
    setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups --reset-env \
        env PATH="$PATH" HOME="$home" SBX_IT_DROPPED=1 "${passthrough[@]}" \
        bash "$stage/tests/integration/run.sh" "$stage/sbx" "$stage/sbx-probe"
    exit $?
fi

# ---------------------------------------------------------------------------
# Unprivileged from here on.
# ---------------------------------------------------------------------------
if ! userns_err=$(unshare -Ur true 2>&1); then
    reason="unprivileged user namespaces unavailable: ${userns_err:-unshare -Ur failed}"
    if [ "${SBX_MUST_WORK:-0}" = 1 ] || [ -n "${CI:-}" ]; then
        bail "$reason"
    fi
    echo "1..0 # SKIP $reason"
    exit 0
fi

# Leftover processes are found by parentage (see strays below): this shell
# runs as a child subreaper, so a process that outlives its launcher is
# re-parented to it instead of to the host's init, where the processes of
# every other test run of the same user end up too.
if [ -z "${SBX_IT_SUBREAPER:-}" ]; then
    export SBX_IT_SUBREAPER=1
    exec "$PROBE" subreaper bash "${BASH_SOURCE[0]}" "$SBX" "$PROBE"
fi

U=$(id -u) G=$(id -g)
: "${HOME:=$(getent passwd "$U" | cut -d: -f6)}"
export HOME

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sbx-it.XXXXXX") || bail "mktemp failed"
PDIR=$WORK/probe                # bound read-only at /probe inside
mkdir "$PDIR" && cp "$PROBE" "$PDIR/sbx-probe" || bail "cannot copy the probe to $PDIR"
cd "$WORK" || bail "cd $WORK"
MARK="sbx-it-mark-$$-$RANDOM"   # tags sandbox processes (marked_pids)
SHM_KEY=$(( 0x5b000000 + ($$ % 65536) * 256 + RANDOM % 256 ))

BG_PIDS=()
cleanup() {
    local p
    for p in "${BG_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    # Sandbox processes that outlived their launcher (a bug the tests look
    # for) were re-parented to this shell: end them by pid.
    for p in $(strays); do kill -KILL "$p" 2>/dev/null; done
    "$PROBE" shm-remove "$SHM_KEY" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------------------
# TAP helpers
# ---------------------------------------------------------------------------
NUM=0 FAILED=0
LAST_CMD="" OUT="" ERR="" RC=""

diag() {
    local line
    while IFS= read -r line; do printf '# %s\n' "$line"; done <<<"$*"
}
ok() { NUM=$((NUM + 1)); echo "ok $NUM - $1"; }
not_ok() {
    NUM=$((NUM + 1)) FAILED=$((FAILED + 1))
    echo "not ok $NUM - $1"
    shift
    local d
    for d in "$@"; do diag "$d"; done
}
# skip DESC REASON: a test that could not run here. Under SBX_MUST_WORK=1
# (or CI=...; .ci/run sets it) that is a failure: CI runs every test.
# host_skip DESC REASON: a skip that a fact of the kernel or the host
# justifies (a comment at each call says which fact); it stays a skip under
# SBX_MUST_WORK=1, and the closing summaries list it with its reason.
skip() {
    if [ "${SBX_MUST_WORK:-0}" = 1 ] || [ -n "${CI:-}" ]; then
        not_ok "$1" "skipped, and SBX_MUST_WORK=1 turns a skip into a failure unless a kernel or host fact justifies it (host_skip): $2"
    else
        NUM=$((NUM + 1))
        echo "ok $NUM - $1 # SKIP $2"
    fi
}
host_skip() { NUM=$((NUM + 1)); echo "ok $NUM - $1 # SKIP $2"; }
# What the last sbx run did, for a failure's diagnostics.
context() {
    printf 'command: %s\nexit status: %s\nstdout: %s\nstderr: %s' \
        "$LAST_CMD" "$RC" "$(head -c 1500 <<<"$OUT")" "$(head -c 1500 <<<"$ERR")"
}
check_eq() {  # DESC EXPECTED ACTUAL
    if [ "$2" == "$3" ]; then ok "$1"
    else not_ok "$1" "expected: '$2'" "got:      '$3'" "$(context)"; fi
}
check_ne() {  # DESC UNWANTED ACTUAL
    if [ "$2" != "$3" ]; then ok "$1"
    else not_ok "$1" "expected anything but: '$2'" "$(context)"; fi
}
check_match() {  # DESC EXTENDED-REGEX ACTUAL
    if [[ $3 =~ $2 ]]; then ok "$1"
    else not_ok "$1" "expected to match: /$2/" "got: '$3'" "$(context)"; fi
}
check_true() {  # DESC EXPLANATION COMMAND... (passes when COMMAND succeeds)
    local desc=$1 why=$2
    shift 2
    if "$@"; then ok "$desc"
    else not_ok "$desc" "$why" "$(context)"; fi
}

# ---------------------------------------------------------------------------
# Running sbx
# ---------------------------------------------------------------------------
# run_sbx ARGS...: runs sbx (bounded), sets OUT, ERR, RC, LAST_CMD.
# Standard input is /dev/null, or $STDIN_FILE.
run_sbx() { run_sbx_via -- "$@"; }
# run_sbx_via WRAPPER... -- ARGS...: the same, sbx started through WRAPPER
# (env, unshare, ...).
run_sbx_via() {
    local wrap=()
    while [ "$1" != -- ]; do wrap+=("$1"); shift; done
    shift
    LAST_CMD="${wrap[*]:+${wrap[*]} }sbx $*"
    timeout -k 5 "$LIMIT" "${wrap[@]}" "$SBX" "$@" >"$WORK/out" 2>"$WORK/err" <"${STDIN_FILE:-/dev/null}"
    RC=$?
    OUT=$(cat "$WORK/out") ERR=$(cat "$WORK/err")
}
# sp [SBX-OPTIONS...] -- PROBE-ARGS...: runs the probe inside the sandbox.
sp() {
    local opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    run_sbx "${opts[@]}" --ro-bind "$PDIR:/probe" -- /probe/sbx-probe "$@"
}
# expect DESC EXPECTED [SBX-OPTIONS... --] PROBE-ARGS...
expect() {
    local desc=$1 want=$2
    shift 2
    case " $* " in *" -- "*) sp "$@" ;; *) sp -- "$@" ;; esac
    check_eq "$desc" "$want" "$OUT"
}
# check_opts DESC OPTIONS WANTED...: every WANTED is in the comma list.
check_opts() {
    local desc=$1 have=",$2," w missing=""
    shift 2
    for w in "$@"; do [[ $have == *",$w,"* ]] || missing+=" $w"; done
    if [ -z "$missing" ]; then ok "$desc"
    else not_ok "$desc" "missing mount options:$missing" "$(context)"; fi
}
# profile NAME: writes $WORK/NAME.toml from stdin, prints its path.
profile() { cat >"$WORK/$1.toml"; echo "$WORK/$1.toml"; }
# usr_root: the [[mount]] entries of a minimal root for profiles that do
# not include the default one: the host's /usr read-only, and /bin, /lib
# and /lib64 as links into it.
usr_root() {
    cat <<'EOF'
[[mount]]
type = "ro-bind"
source = "/usr"
[[mount]]
type = "symlink"
target = "usr/bin"
dest = "/bin"
[[mount]]
type = "symlink"
target = "usr/lib"
dest = "/lib"
[[mount]]
type = "symlink"
target = "usr/lib64"
dest = "/lib64"
EOF
}
# check_rc DESC EXPECTED: the last run's exit status.
check_rc() {
    if [ "$RC" == "$2" ]; then ok "$1"
    else not_ok "$1" "expected exit status $2, got $RC" "$(context)"; fi
}

DEFAULT_SIGNALS=()
env --default-signal true 2>/dev/null && DEFAULT_SIGNALS=(env --default-signal)
# bg_sbx OUTFILE SBX-ARGS...: starts sbx in the background (BG_PID).
bg_sbx() {
    local f=$1
    shift
    LAST_CMD="sbx $* &"
    # An async command of a non-interactive shell starts with SIGINT and
    # SIGQUIT ignored; give sbx the default dispositions a terminal would.
    "${DEFAULT_SIGNALS[@]}" "$SBX" "$@" >"$f" 2>"$f.err" </dev/null &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
}
# wait_line FILE REGEX SECONDS [PID]: waits until FILE has a matching line
# (gives up early once PID, the process writing FILE, has exited).
wait_line() {
    local i
    for ((i = 0; i < $3 * 20; i++)); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then
            grep -Eq -- "$2" "$1" 2>/dev/null
            return
        fi
        sleep 0.05
    done
    return 1
}
# wait_exit PID SECONDS: RC = its exit status, or 124 after killing it.
wait_exit() {
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$1" 2>/dev/null; then
        kill -KILL "$1" 2>/dev/null
        wait "$1" 2>/dev/null
        RC=124
    else
        wait "$1" 2>/dev/null
        RC=$?
    fi
}
# ---------------------------------------------------------------------------
# Processes, found exactly: by parentage from a known pid, or as strays
# re-parented to this subreaper shell; never by matching command lines (a
# marker given to sbx is in sbx's own argv as well as in its target's).
# ---------------------------------------------------------------------------
# proc_stat PID: PS_STATE and PS_PPID of PID (/proc/PID/stat); false if gone.
proc_stat() {
    local s
    { read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
    s=${s##*) }   # after the last ')': comm may hold spaces and parentheses
    PS_STATE=${s%% *}
    s=${s#* }
    PS_PPID=${s%% *}
}
# alive PID: PID exists and is not a zombie (an exited child not yet reaped).
alive() { proc_stat "$1" && [ "$PS_STATE" != Z ]; }
# children_of PID: its live children, space-separated.
children_of() {
    local f p out=""
    for f in /proc/[0-9]*/stat; do
        p=${f#/proc/} p=${p%/stat}
        proc_stat "$p" && [ "$PS_PPID" = "$1" ] && [ "$PS_STATE" != Z ] && out+=" $p"
    done
    echo "${out# }"
}
# strays: live children of this shell that are none of its own jobs, i.e.
# processes re-parented to it: what a sandbox left behind once its launcher
# was gone. (Run as $(strays): that subshell is not counted.)
strays() {
    local p out="" own
    own=" $(jobs -p | tr '\n' ' ') $BASHPID "
    for p in $(children_of $$); do [[ $own == *" $p "* ]] || out+=" $p"; done
    echo "${out# }"
}
# no_strays_within SECONDS: true once no stray is left (the kernel ends a
# pid namespace's processes asynchronously after its init died); else the
# survivors are in STRAYS.
no_strays_within() {
    local i
    for ((i = 0; i <= $1 * 20; i++)); do
        STRAYS=$(strays)
        [ -z "$STRAYS" ] && return 0
        sleep 0.05
    done
    return 1
}
# gone_within SECONDS PID...: true once none of the PIDs is alive.
gone_within() {
    local secs=$1 i p live
    shift
    for ((i = 0; i <= secs * 20; i++)); do
        live=""
        for p in "$@"; do alive "$p" && live+=" $p"; done
        [ -z "$live" ] && return 0
        sleep 0.05
    done
    SURVIVORS=$live
    return 1
}
# comm_within SECONDS PID NAME: true once PID's name (comm) is NAME; COMM is
# its last name seen.
comm_within() {
    local i
    for ((i = 0; i <= $1 * 20; i++)); do
        COMM=$({ cat "/proc/$2/comm"; } 2>/dev/null)
        [ "$COMM" = "$3" ] && return 0
        sleep 0.05
    done
    return 1
}
# marked_pids MARKER: sandboxed processes (in a pid namespace other than this
# shell's) with MARKER as one of their arguments, compared whole: not sbx
# (whose argv holds its target's arguments), not this harness.
marked_pids() {
    local f p a out=""
    local -a argv
    for f in /proc/[0-9]*/cmdline; do
        p=${f#/proc/} p=${p%/cmdline}
        [[ /proc/$p/ns/pid -ef /proc/$$/ns/pid || ! -e /proc/$p/ns/pid ]] && continue
        mapfile -d '' -t argv 2>/dev/null <"$f" || continue
        for a in "${argv[@]:1}"; do
            if [ "$a" = "$1" ]; then out+=" $p"; break; fi
        done
    done
    echo "${out# }"
}
ps_of() { [ -n "$1" ] && ps -o pid,ppid,stat,args -p "${1// /,}" 2>/dev/null; }

echo "# sbx: $SBX ($("$SBX" --version 2>&1 | head -n 1))"
echo "# running as $(id -un) (uid $U, gid $G), HOME=$HOME, kernel $(uname -r)"

# ---------------------------------------------------------------------------
# The suites: every tests/integration/suites/*.sh and tests/escape/*.sh, in
# name order, sourced into this shell so they share the helpers above.
# SBX_SUITES="core seccomp" runs only the suites with those base names.
# ---------------------------------------------------------------------------
for suite in "$TESTS_DIR"/integration/suites/*.sh "$TESTS_DIR"/escape/*.sh; do
    [ -f "$suite" ] || continue
    name=$(basename "$suite" .sh)
    if [ -n "${SBX_SUITES:-}" ] && [[ " $SBX_SUITES " != *" $name "* ]]; then continue; fi
    echo "# suite: $name"
    # shellcheck source=/dev/null
    source "$suite"
done

echo "1..$NUM"
[ "$FAILED" -eq 0 ]
