# terminal.sh — the target never holds the user's terminal (issue 9, part 3).
# The user's terminal is a real pty that tests/probe/sbx-pty-driver
# allocates; the driver plays the login shell (-j: it leads the session and
# runs sbx as a job in the foreground; -b: as `sbx ... &`). A sandboxed
# program tries what a hostile one would: read what is typed at the shell
# once sbx is in the background, leave the terminal raw with echo off, take
# it exclusively (TIOCEXCL), swap its line discipline for N_NULL (TIOCSETD),
# type into it (TIOCSTI). Afterwards the driver compares the terminal's state
# (termios flags, line discipline, exclusive mode, a new open) with the one
# before and checks that what is typed next reaches it, the shell.
# Run against an sbx without the default pty (before issue 9) these fail.
# Sourced by tests/integration/run.sh.

TT_DRIVER="$(dirname "$PROBE")/sbx-pty-driver"
TT_TRY="$(dirname "$PROBE")/sbx-try-syscall"
if [ ! -x "$TT_DRIVER" ] || [ ! -x "$TT_TRY" ]; then
    not_ok "terminal: the pty driver and sbx-try-syscall are staged next to the probe" "missing: $TT_DRIVER $TT_TRY"
    return 0
fi
TT_DIR=$WORK/terminal
mkdir -p "$TT_DIR/bin" && cp "$TT_TRY" "$TT_DIR/bin/sbx-try-syscall"

# tt_drive DRIVER-ARGS... -- COMMAND...: runs COMMAND on a new terminal; sets
# OUT (the terminal's output, \r removed), ERR (the driver's lines), RC.
tt_drive() {
    local args=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
    shift
    LAST_CMD="sbx-pty-driver ${args[*]} -- $*"
    timeout -k 5 "$LIMIT" "$TT_DRIVER" -T 8 "${args[@]}" -- "$@" >"$WORK/tt-out" 2>"$WORK/tt-err"
    RC=$?
    OUT=$(tr -d '\r' <"$WORK/tt-out") ERR=$(cat "$WORK/tt-err")
}
# tt_state N: the Nth "state:" line of the last run.
tt_state() { grep '^state:' <<<"$ERR" | sed -n "${1}p"; }
tt_line() {  # DESC LINE TEXT: TEXT has LINE as one of its lines
    if grep -qxF -- "$2" <<<"$3"; then ok "$1"
    else not_ok "$1" "expected the line: '$2'" "$(context)"; fi
}
TT_ATTACKS="tty-raw tty-excl tty-setd-null tiocsti-stdin"

# ---------------------------------------------------------------------------
# A program that damages the terminal it was given, sbx in the foreground
# ---------------------------------------------------------------------------
# shellcheck disable=SC2086
tt_drive -j state wait state send:typed-after\\n shell-read:typed-after -- \
    "$SBX" --ro-bind "$TT_DIR/bin:/t" -- /t/sbx-try-syscall $TT_ATTACKS
tt_line "terminal: the target may set its own terminal raw (tty-raw OK: it is the sandbox's pty)" "tty-raw OK" "$OUT"
tt_line "terminal: TIOCEXCL is refused (EPERM)" "tty-excl EPERM" "$OUT"
tt_line "terminal: TIOCSETD N_NULL is refused (EPERM)" "tty-setd-null EPERM" "$OUT"
tt_line "terminal: TIOCSTI is refused (EPERM)" "tiocsti-stdin EPERM" "$OUT"
tt_line "terminal: sbx exits 0" "exit: 0" "$ERR"
check_match "terminal: the state is read before and after" "^state: .*ldisc=0 excl=0 reopen=OK$" "$(tt_state 1)"
check_eq "terminal: after the sandbox, the user's terminal has the same termios, line discipline, exclusive mode, and opens" \
    "$(tt_state 1)" "$(tt_state 2)"
tt_line "terminal: what is typed after sbx exits reaches the shell" "shell: got typed-after" "$ERR"

# The same program given the terminal itself (--no-pty): the control that
# shows the observation works, and the risk sbx(1) states for --no-pty. The
# filter still refuses TIOCEXCL and TIOCSETD, so only the mode sticks.
# shellcheck disable=SC2086
tt_drive -j state wait state send:typed-after\\n shell-read:typed-after -- \
    "$SBX" --verbose --no-pty --ro-bind "$TT_DIR/bin:/t" -- /t/sbx-try-syscall $TT_ATTACKS
tt_line "control, --no-pty: the target sets the user's terminal raw (tty-raw OK)" "tty-raw OK" "$OUT"
check_match "control, --no-pty: ... the state is read after" "^state: .*reopen=OK$" "$(tt_state 2)"
check_ne "control, --no-pty: ... and the raw mode survives the sandbox (state differs)" "$(tt_state 1)" "$(tt_state 2)"
tt_line "--no-pty: TIOCEXCL on the user's terminal is still refused" "tty-excl EPERM" "$OUT"
tt_line "--no-pty: TIOCSETD on the user's terminal is still refused" "tty-setd-null EPERM" "$OUT"
check_match "--no-pty: --verbose says what the target can do with the terminal" \
    "terminal: none \(--no-pty\): the target holds the caller's terminal on stdin, stdout, stderr, so it can read what is typed there while sbx is in the background" \
    "$OUT"

# ---------------------------------------------------------------------------
# What is typed at the shell while sbx runs in the background
# ---------------------------------------------------------------------------
TT_READER='echo ready; read x; echo "got:$x"'
# Started in the background (`sbx ... &`): sbx leaves the terminal alone (no
# raw mode, no reads) until it is in the foreground; the target runs, its
# output comes through, and it waits for input that comes only after `fg`.
tt_drive -b state expect:ready send:secret\\n sleep:300 shell-read:secret fg send:later\\n expect:got:later \
    wait state -- "$SBX" -- sh -c "$TT_READER"
tt_line "terminal: typed while sbx runs in the background, a line reaches the shell" "shell: got secret" "$ERR"
check_eq "terminal: ... and none of it the sandbox (the target's only line is got:later)" "got:later" \
    "$(grep '^got:' <<<"$OUT")"
tt_line "terminal: once in the foreground (fg), sbx passes what is typed to the target" "got:later" "$OUT"
tt_line "terminal: ... and exits 0" "exit: 0" "$ERR"
check_eq "terminal: ... leaving the terminal as it was" "$(tt_state 1)" "$(tt_state 2)"

# A sandbox in the background that never reads its input runs to its end
# instead of stopping for the terminal (SIGTTOU), and leaves it as it was.
tt_drive -b state expect:bg-done wait state -- "$SBX" -- sh -c 'sleep 0.2; echo bg-done'
tt_line "terminal: sbx in the background, its target not reading, runs to the end (exit 0)" "exit: 0" "$ERR"
check_eq "terminal: ... and leaves the terminal as it was" "$(tt_state 1)" "$(tt_state 2)"

# Sent to the background while it runs (^Z and bg, as a shell does it): the
# shell takes the foreground back, and what is typed is the shell's. The
# driver reads it only after 300 ms, time enough for a target that holds the
# terminal to take it first.
tt_drive -j expect:ready bg send:secret\\n sleep:300 shell-read:secret fg send:later\\n expect:got:later wait -- \
    "$SBX" -- sh -c "$TT_READER"
tt_line "terminal: sbx moved to the background: what is typed reaches the shell" "shell: got secret" "$ERR"
check_eq "terminal: ... and none of it the sandbox (the target's only line is got:later)" "got:later" \
    "$(grep '^got:' <<<"$OUT")"
tt_line "terminal: back in the foreground, sbx passes input to the target again" "got:later" "$OUT"

# ---------------------------------------------------------------------------
# Piped input and what the target sees
# ---------------------------------------------------------------------------
tt_drive -j wait -- sh -c "echo hi | $(printf '%q' "$SBX") -- sh -c 'cat; test -t 0 || echo stdin:pipe; test -t 1 && echo stdout:tty'"
check_eq "terminal: echo hi | sbx -- cat on a terminal prints hi once; stdin stays a pipe, stdout is a terminal" \
    "hi"$'\n'"stdin:pipe"$'\n'"stdout:tty" "$(grep -v '^exit:' <<<"$OUT")"
tt_drive -j wait -- sh -c "$(printf '%q' "$SBX") -- sh -c 'sleep 0.3; echo a; echo b; echo c >&2' | cat"
check_true "terminal: sbx -- cmd | cat: cat's lines on the terminal still end in \r\n (no staircase), and so do the target's" \
    "expected a\r\nb\r\nc\r\n in any order of lines" \
    eval 'grep -q $'"'"'^a\r$'"'"' "$WORK/tt-out" && grep -q $'"'"'^b\r$'"'"' "$WORK/tt-out" && grep -q $'"'"'^c\r$'"'"' "$WORK/tt-out" && ! grep -q $'"'"'\r\r'"'"' "$WORK/tt-out"'
tt_drive -j wait -- sh -c "echo hi | $(printf '%q' "$SBX") --pty -- sh -c 'cat; test -t 0 && echo stdin:tty'"
check_eq "terminal: echo hi | sbx --pty -- cat on a terminal prints hi once (stdin a terminal inside)" \
    "hi"$'\n'"stdin:tty" "$OUT"
STDIN_FILE=$TT_DIR/hi
echo hi >"$STDIN_FILE"
run_sbx --pty -- sh -c 'cat; test -t 0 && echo stdin:tty'
unset STDIN_FILE
check_eq "terminal: echo hi | sbx --pty -- cat without any terminal prints hi once" "hi"$'\n'"stdin:tty" \
    "$(tr -d '\r' <<<"$OUT")"
run_sbx -- sh -c 'test -t 0 || test -t 1 || test -t 2 || echo no-tty'
check_eq "terminal: no terminal outside, none inside (no pty by default)" "no-tty" "$OUT"

# ---------------------------------------------------------------------------
# The decision is in --dry-run
# ---------------------------------------------------------------------------
tt_drive -j wait -- "$SBX" --dry-run -- true
check_match "--dry-run on a terminal: a pty in place of the three, and why" \
    "(^|"$'\n'")terminal    a new pseudo-terminal inside, proxied by sbx, as the target's stdin, stdout, stderr \(the default, pty = \"auto\"; the caller's terminal: stdin, stdout, stderr\)"$'\n' "$OUT"
tt_drive -j wait -- "$SBX" --no-pty --dry-run -- true
check_match "--dry-run --no-pty on a terminal: none, with the risk" \
    "(^|"$'\n'")terminal    none \(--no-pty\): the target holds the caller's terminal on stdin, stdout, stderr, so it can read" "$OUT"
run_sbx --dry-run -- true
check_match "--dry-run without a terminal: none needed" \
    "(^|"$'\n'")terminal    none: no terminal on stdin, stdout or stderr \(the default, pty = \"auto\"\)"$'\n' "$OUT"
