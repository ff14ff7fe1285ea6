# desktop-wayland.sh — the `wayland` piece (issue 11): the compositor's socket
# inside a private $XDG_RUNTIME_DIR, and the wp_security_context_v1 listener.
# Sourced by tests/integration/run.sh, which provides the TAP helpers.
#
# Servers started here, as the test user, on private sockets, and stopped:
# weston's headless backend (Debian 12's weston 10 has no security context)
# and tests/probe/sbx-fake-compositor (offers wp_security_context_manager_v1,
# logs what sbx sends, serves the listener, hides the manager from the
# clients that came through it).

WL_RT=$WORK/wl-rt                 # the host's XDG_RUNTIME_DIR for this suite
WL_NAME=wl-sbx-test-$$            # a socket name that is not wayland-0
mkdir -m 0700 "$WL_RT"
WL_PROFILE=$(profile wl <<'EOF2'
include = ["default", "wayland"]
EOF2
)
WL_PLAIN=$(profile wl-plain <<'EOF2'
include = ["default", "wayland"]
[wayland]
security-context = false
EOF2
)
# wl_run DISPLAY SBX-ARGS...: sbx with the suite's runtime folder and WAYLAND_DISPLAY.
wl_run() {
    local display=$1
    shift
    run_sbx_via env XDG_RUNTIME_DIR="$WL_RT" WAYLAND_DISPLAY="$display" -- "$@"
}
# wait_socket PATH: up to 10 s for a compositor's socket.
wait_socket() {
    local i
    for ((i = 0; i < 200; i++)); do [ -S "$1" ] && return 0; sleep 0.05; done
    return 1
}

WESTON_PID=""
if ! command -v weston >/dev/null || ! command -v wayland-info >/dev/null; then
    skip "wayland: weston and wayland-info are installed" "weston or wayland-info missing (./bootstrap installs them)"
else
    XDG_RUNTIME_DIR=$WL_RT weston --backend=headless-backend.so --socket="$WL_NAME" --idle-time=0 \
        >"$WORK/weston.log" 2>&1 </dev/null &
    WESTON_PID=$!
    BG_PIDS+=("$WESTON_PID")
    if ! wait_socket "$WL_RT/$WL_NAME"; then
        not_ok "wayland: weston's headless backend starts" "$(tail -5 "$WORK/weston.log")"
    else
        HOST_INFO=$(XDG_RUNTIME_DIR=$WL_RT WAYLAND_DISPLAY=$WL_NAME timeout 10 wayland-info 2>&1)
        check_match "control: wayland-info on the host lists weston's wl_compositor" "interface: 'wl_compositor'" \
            "$HOST_INFO"

        wl_run "$WL_NAME" --profile "$WL_PROFILE" -- wayland-info
        check_rc "wayland: wayland-info inside exits 0 with the piece" 0
        check_match "wayland: wayland-info inside lists the compositor's globals (a socket named $WL_NAME)" \
            "interface: 'wl_compositor'.*interface: 'xdg_wm_base'" "$(tr '\n' ' ' <<<"$OUT")"

        wl_run "$WL_NAME" -- wayland-info
        check_ne "wayland: without the piece, wayland-info inside fails" 0 "$RC"
        check_true "wayland: without the piece, no compositor global is listed" "it listed one" \
            eval '! [[ $OUT =~ wl_compositor ]]'

        wl_run "$WL_NAME" --profile "$WL_PROFILE" --dry-run
        check_match "wayland: --dry-run shows the private runtime folder" \
            "tmpfs $WL_RT mode 0700 size [0-9]+   # sbx: private XDG_RUNTIME_DIR for \[wayland\]" "$OUT"
        check_match "wayland: --dry-run shows the socket bound and why (weston 10 lacks the security context)" \
            "wayland     $WL_RT/$WL_NAME \(WAYLAND_DISPLAY=$WL_NAME\) -> $WL_RT/$WL_NAME: the compositor does not offer wp_security_context_manager_v1" \
            "$OUT"
        check_eq "wayland: --dry-run shows WAYLAND_DISPLAY, XDG_RUNTIME_DIR, XDG_SESSION_TYPE" \
            "  WAYLAND_DISPLAY=$WL_NAME|  XDG_RUNTIME_DIR=$WL_RT|  XDG_SESSION_TYPE=wayland" \
            "$(grep -E '^  (WAYLAND_DISPLAY|XDG_RUNTIME_DIR|XDG_SESSION_TYPE)=' <<<"$OUT" | sort | paste -sd'|')"

        # The private runtime folder: what the host keeps there stays out.
        echo secret >"$WL_RT/host-secret"
        check_true "control: the host's runtime folder holds host-secret and weston's lock" "$(ls -A "$WL_RT")" \
            test -e "$WL_RT/host-secret" -a -e "$WL_RT/$WL_NAME.lock"
        wl_run "$WL_NAME" --profile "$WL_PROFILE" -- sh -c 'ls -A "$XDG_RUNTIME_DIR"; stat -c %a:%u "$XDG_RUNTIME_DIR"'
        check_eq "wayland: the private runtime folder holds only the socket, 0700, the user's" \
            "$WL_NAME $(printf '700:%s' "$U")" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
        rm -f "$WL_RT/host-secret"

        # An absolute WAYLAND_DISPLAY is the socket's path (as libwayland reads it).
        run_sbx_via env -u XDG_RUNTIME_DIR WAYLAND_DISPLAY="$WL_RT/$WL_NAME" -- --profile "$WL_PROFILE" -- \
            sh -c 'echo "$WAYLAND_DISPLAY"; wayland-info | grep -c "interface: .wl_compositor."'
        check_eq "wayland: an absolute WAYLAND_DISPLAY is bound at that path and works" \
            "$WL_RT/$WL_NAME 1" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"

        wl_run no-such-socket --profile "$WL_PROFILE" -- true
        check_rc "wayland: a missing socket exits 2" 2
        check_match "wayland: a missing socket is one line naming the piece" \
            "^sbx: \[wayland\] at builtin:wayland.toml:[0-9]+:[0-9]+: no compositor socket at \"$WL_RT/no-such-socket\" \(WAYLAND_DISPLAY=no-such-socket\)$" \
            "$ERR"
        run_sbx_via env -u WAYLAND_DISPLAY XDG_RUNTIME_DIR="$WL_RT" -- --profile "$WL_PROFILE" --dry-run
        check_match "wayland: without WAYLAND_DISPLAY the piece is skipped, and --dry-run says so" \
            "wayland     skipped: WAYLAND_DISPLAY is not set" "$OUT"
        check_true "wayland: skipped, it adds no runtime folder" "$OUT" eval '! [[ $OUT =~ "private XDG_RUNTIME_DIR" ]]'
    fi
fi

# ---- wp_security_context_v1, against the fake compositor
FAKE=$(dirname "$PROBE")/sbx-fake-compositor
FAKE_LOG=$WORK/fake.log
if [ ! -x "$FAKE" ] || ! command -v wayland-info >/dev/null; then
    skip "wayland: the fake compositor is built" "sbx-fake-compositor missing (libwayland-dev not installed at build time)"
else
    "$FAKE" "$WL_RT/fake-1" "$FAKE_LOG" 2>"$WORK/fake.err" </dev/null &
    FAKE_PID=$!
    BG_PIDS+=("$FAKE_PID")
    if ! wait_line "$FAKE_LOG" '^ready$' 10 "$FAKE_PID"; then
        not_ok "wayland: the fake compositor starts" "$(cat "$WORK/fake.err")"
    else
        HOST_INFO=$(XDG_RUNTIME_DIR=$WL_RT WAYLAND_DISPLAY=fake-1 timeout 10 wayland-info 2>&1)
        check_match "control: the fake compositor shows wp_security_context_manager_v1 to a client of its own socket" \
            "interface: 'wp_security_context_manager_v1'" "$HOST_INFO"

        wl_run fake-1 --profile "$WL_PROFILE" --dry-run
        check_match "security context: --dry-run says the sandbox gets sbx's listener, not the socket" \
            "wayland     $WL_RT/fake-1 \(WAYLAND_DISPLAY=fake-1\) -> $WL_RT/fake-1: through a listener of sbx's own" \
            "$OUT"
        check_true "security context: --dry-run binds no compositor socket" "$OUT" \
            eval '! [[ $OUT =~ "ro-bind $WL_RT/fake-1" ]]'
        check_eq "security context: --dry-run registers nothing" "ready" "$(cat "$FAKE_LOG")"

        wl_run fake-1 --profile "$WL_PROFILE" -- wayland-info
        check_rc "security context: wayland-info inside exits 0" 0
        check_match "security context: the client inside reaches the compositor" "interface: 'wl_compositor'" "$OUT"
        check_true "security context: the client came through the listener (the compositor hides the manager from it)" \
            "it sees wp_security_context_manager_v1" eval '! [[ $OUT =~ wp_security_context_manager_v1 ]]'
        check_match "security context: the compositor got create_listener with engine sbx, app id wl, an instance id, a listening socket" \
            "commit engine=sbx app_id=wl instance_id=[0-9]+ listen_is_listening=1" "$(cat "$FAKE_LOG")"
        check_eq "security context: one client connected through the listener" 1 "$(grep -c '^client via listener$' "$FAKE_LOG")"
        check_true "security context: the listener is closed once the sandbox ended" "$(cat "$FAKE_LOG")" \
            wait_line "$FAKE_LOG" '^listener closed$' 5

        # The target never holds close_fd (nor the listening socket): its
        # fds are those of a sandbox without the piece.
        wl_run fake-1 --profile "$WL_PROFILE" -- ls /proc/self/fd
        WITH=$OUT
        run_sbx -- ls /proc/self/fd
        check_eq "security context: the target holds no descriptor of the listener" "$OUT" "$WITH"

        # SIGKILL of sbx: PID 1 dies with it, and with it close_fd's other end.
        before=$(grep -c '^listener closed$' "$FAKE_LOG")
        commits=$(grep -c '^commit ' "$FAKE_LOG")
        XDG_RUNTIME_DIR=$WL_RT WAYLAND_DISPLAY=fake-1 bg_sbx "$WORK/wl-kill.out" --profile "$WL_PROFILE" -- \
            sh -c 'echo started; exec sleep 60'
        if ! wait_line "$WORK/wl-kill.out" '^started$' 10 "$BG_PID"; then
            not_ok "security context: a long sandbox starts" "$(cat "$WORK/wl-kill.out.err")"
        else
            check_eq "control: its listener is registered and still open" "$((commits + 1)) $before" \
                "$(grep -c '^commit ' "$FAKE_LOG") $(grep -c '^listener closed$' "$FAKE_LOG")"
            kill -KILL "$BG_PID"
            wait "$BG_PID" 2>/dev/null
            check_true "security context: the listener is closed after SIGKILL of sbx" "$(cat "$FAKE_LOG")" \
                eval 'for i in $(seq 100); do [ "$(grep -c "^listener closed$" "$FAKE_LOG")" -gt "$before" ] && break; sleep 0.05; done; [ "$(grep -c "^listener closed$" "$FAKE_LOG")" -gt "$before" ]'
            check_true "security context: nothing of the sandbox outlives the SIGKILL" "strays: $(ps_of "${STRAYS:-}")" \
                no_strays_within 5
        fi

        # The compositor's own socket is nowhere inside: the socket there is
        # another file (device and inode) than the compositor's; the control
        # (security-context = false) shows the same file.
        HOST_ID=$(stat -c %d:%i "$WL_RT/fake-1")
        wl_run fake-1 --profile "$WL_PROFILE" -- stat -c %d:%i "$WL_RT/fake-1"
        check_ne "security context: the socket inside is not the compositor's" "$HOST_ID" "$OUT"
        check_match "security context: ... but a socket of its own" "^[0-9]+:[0-9]+$" "$OUT"
        wl_run fake-1 --profile "$WL_PLAIN" -- stat -c %d:%i "$WL_RT/fake-1"
        check_eq "control: with security-context = false the socket inside is the compositor's" "$HOST_ID" "$OUT"

        # security-context = false: the compositor's own socket, the manager visible.
        commits=$(grep -c '^commit ' "$FAKE_LOG")
        wl_run fake-1 --profile "$WL_PLAIN" -- wayland-info
        check_match "security-context = false: the compositor's socket is bound (the manager is listed inside)" \
            "interface: 'wp_security_context_manager_v1'" "$OUT"
        check_eq "security-context = false: no listener is registered" "$commits" "$(grep -c '^commit ' "$FAKE_LOG")"

        # A compositor that accepts but never answers (stopped) must not hang
        # sbx, whose signals are blocked while it waits.
        kill -STOP "$FAKE_PID"
        wl_run fake-1 --profile "$WL_PROFILE" -- true
        kill -CONT "$FAKE_PID"
        check_rc "security context: a compositor that does not answer fails the launch (125)" 125
        check_match "security context: ... after 5 s, saying so" \
            "^sbx: \[wayland\] at builtin:wayland.toml:[0-9:]+: cannot reach the compositor at $WL_RT/fake-1: wayland: list the compositor's globals: the compositor did not answer within 5 s$" \
            "$ERR"
    fi
    kill "$FAKE_PID" 2>/dev/null
    wait "$FAKE_PID" 2>/dev/null
    # Its socket file is left, with no one listening.
    wl_run fake-1 --profile "$WL_PROFILE" -- true
    check_rc "wayland: a socket no compositor listens on fails the launch (125)" 125
    check_match "wayland: ... saying so in one line" \
        "^sbx: \[wayland\] at builtin:wayland.toml:[0-9:]+: cannot reach the compositor at $WL_RT/fake-1: connect $WL_RT/fake-1: Connection refused$" \
        "$ERR"
fi
if [ -n "$WESTON_PID" ]; then
    kill "$WESTON_PID" 2>/dev/null
    wait "$WESTON_PID" 2>/dev/null
fi
# No socket left in $WORK: the suites after this one start sandboxes there
# (the cli profile refuses a working directory holding a socket of yours).
rm -rf "$WL_RT"
