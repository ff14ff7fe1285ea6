# pty.sh — the sandbox's own terminal (by default whenever stdin, stdout or
# stderr is a terminal; --pty, `pty = "always"` even when none is): a
# pseudo-terminal inside the sandbox proxied to the outer terminal. What it
# protects the outer terminal from is tests/escape/terminal.sh. Every test drives sbx
# through a real outer pty made by tests/probe/sbx-pty-driver.c, which
# prints the command's output on stdout and its own lines ("mode: ...",
# "exit: N") on stderr. Sourced by tests/integration/run.sh.

DRIVER="$(dirname "$PROBE")/sbx-pty-driver"
# drive STEP... -- SBX-ARGS...: runs sbx on a new outer pty; sets OUT, ERR, RC.
drive() {
    local steps=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do steps+=("$1"); shift; done
    shift
    LAST_CMD="sbx-pty-driver ${steps[*]} -- sbx $*"
    timeout -k 5 "$LIMIT" "$DRIVER" -T 8 "${steps[@]}" -- "$SBX" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(tr -d '\r' <"$WORK/out") ERR=$(cat "$WORK/err")
}
# check_line DESC LINE TEXT: TEXT has LINE as one of its lines.
check_line() {
    if grep -qxF -- "$2" <<<"$3"; then ok "$1"
    else not_ok "$1" "expected the line: '$2'" "$(context)"; fi
}
modes() { grep '^mode:' <<<"$ERR" | tr '\n' '|'; }
COOKED="mode: icanon=1 echo=1 isig=1"
RAW="mode: icanon=0 echo=0 isig=0"

if [ ! -x "$DRIVER" ]; then
    not_ok "the pty driver is staged next to the probe" "missing: $DRIVER"
else
    drive mode expect:ready mode send:hello\\n expect:got:hello wait mode -- \
        --pty -- sh -c 'echo ready; read x; echo got:$x'
    check_line "--pty: typed input reaches the target" "got:hello" "$OUT"
    check_line "--pty: exit status 0 forwarded" "exit: 0" "$ERR"
    check_eq "--pty: the outer terminal is cooked before, raw while sbx runs, cooked again after exit" \
        "$COOKED|$RAW|$COOKED|" "$(modes)"

    drive expect:ready resize:33x101 sleep:300 send:\\n expect:size: wait -- \
        --pty -- sh -c 'echo "start:$(stty size)"; echo ready; read x; echo "size:$(stty size)"'
    check_line "--pty: the inner terminal starts with the outer one's size (24 80)" "start:24 80" "$OUT"
    check_line "--pty: a resize of the outer terminal is seen inside (33 101)" "size:33 101" "$OUT"

    drive expect:ready resize:40x120 expect:winch wait -- \
        --pty -- sh -c 'trap "echo winch:\$(stty size); exit 0" WINCH; echo ready; while :; do sleep 0.1; done'
    check_line "--pty: the target gets SIGWINCH from its own terminal on a resize" "winch:40 120" "$OUT"

    start=$(date +%s%N)
    drive expect:ready send:\\x03 wait mode -- --pty -- sh -c "echo ready; exec sleep 30 # $MARK-pty"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    check_line "--pty: Ctrl-C (0x03) interrupts sleep 30 inside: exit 130" "exit: 130" "$ERR"
    check_true "--pty: ... at once (took $ms ms)" "" test "$ms" -lt 5000
    check_match "--pty: ... and the outer terminal is restored" "$COOKED$" "$ERR"

    drive send:PS1=P:\\n expect:P: send:sleep\\x2030\\n sleep:300 send:\\x1a expect:Stopped \
        send:kill\\x20-9\\x20%1\\n sleep:200 send:\\n expect:Killed send:exit\\x205\\n wait mode -- --pty -- sh -i
    check_match "--pty: Ctrl-Z (0x1a) stops the foreground job of an interactive shell (job control)" \
        "Stopped.*sleep 30" "$OUT"
    check_line "--pty: ... and the shell goes on to exit 5" "exit: 5" "$ERR"

    # Stopped from elsewhere (kill -STOP) while it is the foreground job: the
    # shell gives the terminal its own mode back, as shells do; after `fg`
    # sbx makes it raw again and input flows.
    drive -j expect:ready signal:19 sleep:200 shell-mode mode fg sleep:300 mode send:later\\n expect:got:later \
        wait mode -- sh -c "echo ready; read x; echo got:\$x"
    check_eq "pty: stopped, the shell's mode back; after fg raw again; restored at the exit" \
        "$COOKED|$RAW|$COOKED|" "$(modes)"
    check_line "pty: ... and input reaches the target after fg" "got:later" "$OUT"

    drive expect:ready signal:15 wait mode -- --pty -- sh -c "echo ready; exec sleep 30 # $MARK-pty"
    check_line "--pty: sbx SIGTERMed: the target gets it (exit 143)" "exit: 143" "$ERR"
    check_match "--pty: ... and the outer terminal is restored" "$COOKED$" "$ERR"

    drive expect:ready signal:1 wait mode -- --pty -- sh -c "echo ready; exec sleep 30 # $MARK-pty"
    check_match "--pty: sbx SIGHUPed: exit 129, outer terminal restored" "exit: 129"$'\n'"$COOKED$" "$ERR"

    TOP=$(profile pty-timeout <<'EOF2'
include = ["default"]
[limits]
timeout = 1
EOF2
)
    drive expect:ready mode wait mode -- --pty --profile "$TOP" -- sh -c "echo ready; exec sleep 30 # $MARK-pty"
    check_eq "--pty with a timeout: raw while running, restored after the timeout" "$RAW|$COOKED|" "$(modes)"
    check_line "--pty with a timeout: exit 124" "exit: 124" "$ERR"
    # Printed after the restore, so the outer terminal's ONLCR adds the \r.
    check_true "--pty with a timeout: the message comes on the restored terminal (\\r\\n)" "" \
        grep -q $'^sbx: timed out after 1 s\r$' "$WORK/out"

    drive wait mode -- --pty -- /sbx-it-no-such-command
    check_line "--pty: a command that cannot be found: exit 127" "exit: 127" "$ERR"
    check_match "--pty: ... its error comes through the inner terminal" "sbx-it-no-such-command: No such file" "$OUT"
    check_match "--pty: ... and the outer terminal is restored" "$COOKED$" "$ERR"

    NODEV=$(usr_root | profile pty-nodev)
    drive wait mode -- --pty --profile "$NODEV" -- true
    check_line "--pty without /dev in the profile: setup fails (exit 125)" "exit: 125" "$ERR"
    check_match "... saying why" "open /dev/ptmx in the sandbox \(the pseudo-terminal that stands in for yours needs the profile's \[\[mount\]\] type = \"dev\" at /dev" "$OUT$ERR"
    check_match "... and the outer terminal is unchanged" "$COOKED$" "$ERR"
    drive wait -- --profile "$NODEV" -- true
    check_line "without /dev in the profile, on a terminal: setup fails rather than hand the terminal over (exit 125)" \
        "exit: 125" "$ERR"
    drive wait -- --no-pty --profile "$NODEV" -- true
    check_line "... and runs with --no-pty (exit 0)" "exit: 0" "$ERR"

    drive wait -- --pty -- sh -c 'seq 1 20000'
    check_eq "--pty: output written just before the exit is all delivered (20000 lines)" \
        "20000 20000" "$(grep -c '^[0-9]*$' <<<"$OUT") $(grep '^[0-9]*$' <<<"$OUT" | tail -n 1)"

    drive wait -- --pty -- sh -c 'tty; echo x >/dev/tty && echo ctty-ok'
    check_match "--pty: the target's terminal is the sandbox's own pty (/dev/pts/0)" "^/dev/pts/0"$'\n'"x"$'\n'"ctty-ok$" "$OUT"
    drive wait -- -- sh -c 'tty; echo x >/dev/tty && echo ctty-ok'
    check_match "on a terminal, without --pty too, the target's terminal is the sandbox's own pty" \
        "^/dev/pts/0"$'\n'"x"$'\n'"ctty-ok$" "$OUT"
    drive wait -- --no-pty -- sh -c 'tty; echo x >/dev/tty || echo no-ctty'
    check_match "control: with --no-pty, the target has no terminal of its own ('not a tty', /dev/tty fails)" \
        "^not a tty"$'\n'"(.*"$'\n'")?no-ctty$" "$OUT"

    INT=$(profile interactive <<'EOF2'
include = ["default"]
interactive = true
EOF2
)
    drive wait -- --profile "$INT" -- tty
    check_eq "interactive = true with a terminal on stdin: a pty inside" "/dev/pts/0" "$OUT"
    run_sbx --profile "$INT" -- tty
    check_eq "interactive = true with stdin not a terminal: no pty" "not a tty" "$OUT"
    STDIN_FILE=$WORK/pty-in
    printf 'line-one\n' >"$STDIN_FILE"
    run_sbx --pty -- cat
    unset STDIN_FILE
    check_rc "--pty with stdin from a file: end of input reaches the target as end-of-file (cat exits 0)" 0
    check_match "... and the line came through" "line-one" "$OUT"

    no_strays_within 2
    check_eq "pty: no process of the sandbox is left behind" "" "$STRAYS"
fi
