# desktop-x11.sh — the `x11` and `audio` pieces against servers this suite
# starts as the test user (Xvfb with -auth, PulseAudio), on private
# display numbers and socket paths, stopped at the end. Sourced by run.sh.

X11_DIR=$WORK/x11
mkdir -p "$X11_DIR" && chmod 0700 "$X11_DIR"
X11_PIDS=()
x11_stop() {
    local p
    for p in "${X11_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${X11_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    X11_PIDS=()
}

# A display number nobody uses: no socket file, no lock, no abstract socket.
x11_free_display() {
    local n
    for n in $(seq "$1" 400); do
        [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] && continue
        grep -q "@/tmp/.X11-unix/X$n\$" /proc/net/unix && continue
        echo "$n"
        return 0
    done
    return 1
}
x11_cookie() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# x11_start N [AUTHFILE]: Xvfb on :N, waits for its socket.
x11_start() {
    local n=$1 i
    if [ -n "${2:-}" ]; then
        Xvfb ":$n" -auth "$2" -nolisten tcp -screen 0 800x600x24 >"$X11_DIR/xvfb$n.log" 2>&1 &
    else
        Xvfb ":$n" -nolisten tcp -screen 0 800x600x24 >"$X11_DIR/xvfb$n.log" 2>&1 &
    fi
    X11_PIDS+=($!)
    for ((i = 0; i < 100; i++)); do
        [ -S "/tmp/.X11-unix/X$n" ] && grep -q "@/tmp/.X11-unix/X$n\$" /proc/net/unix && return 0
        sleep 0.05
    done
    return 1
}

x11_suite() {
    local a b c cookie_a cookie_b p_x11 p_x11_net p_plain i
    if ! command -v Xvfb >/dev/null || ! command -v xauth >/dev/null || ! command -v xdpyinfo >/dev/null; then
        skip "x11 piece" "Xvfb, xauth or xdpyinfo not installed (./bootstrap installs them)"
        return
    fi
    a=$(x11_free_display 140) && b=$(x11_free_display $((a + 1))) && c=$(x11_free_display $((b + 1))) || {
        not_ok "x11: three free display numbers"
        return
    }
    cookie_a=$(x11_cookie) cookie_b=$(x11_cookie)
    # Each server's own -auth file, and the user's Xauthority holding both
    # cookies and one of another host's.
    xauth -q -f "$X11_DIR/server-a" add ":$a" MIT-MAGIC-COOKIE-1 "$cookie_a" 2>/dev/null
    xauth -q -f "$X11_DIR/server-b" add ":$b" MIT-MAGIC-COOKIE-1 "$cookie_b" 2>/dev/null
    xauth -q -f "$X11_DIR/Xauthority" add ":$a" MIT-MAGIC-COOKIE-1 "$cookie_a" 2>/dev/null
    xauth -q -f "$X11_DIR/Xauthority" add ":$b" MIT-MAGIC-COOKIE-1 "$cookie_b" 2>/dev/null
    xauth -q -f "$X11_DIR/Xauthority" add "otherhost/unix:$a" MIT-MAGIC-COOKIE-1 "$(x11_cookie)" 2>/dev/null
    xauth -q -f "$X11_DIR/wrong" add ":$a" MIT-MAGIC-COOKIE-1 "$(x11_cookie)" 2>/dev/null
    if ! x11_start "$a" "$X11_DIR/server-a" || ! x11_start "$b" "$X11_DIR/server-b" || ! x11_start "$c"; then
        not_ok "x11: Xvfb :$a, :$b and :$c start" "$(cat "$X11_DIR"/xvfb*.log)"
        x11_stop
        return
    fi
    local XENV=(env DISPLAY=":$a" XAUTHORITY="$X11_DIR/Xauthority")
    # Controls on the host: the cookie is enforced, the right one works.
    check_true "x11 control: on the host, xdpyinfo with the cookie reaches :$a" "" \
        bash -c '"$@" >/dev/null 2>&1' _ "${XENV[@]}" xdpyinfo
    check_true "x11 control: on the host, a wrong cookie is refused by :$a (the cookie matters)" "" \
        bash -c '! env DISPLAY=":$1" XAUTHORITY="$2" xdpyinfo >/dev/null 2>&1' _ "$a" "$X11_DIR/wrong"

    # The browser's shape (the host network) and the default (its own).
    p_x11=$(profile x11-shared <<EOF
include = ["default", "x11"]
[namespaces]
net = false
EOF
)
    p_x11_net=$(profile x11-own-net <<EOF
include = ["default", "x11"]
EOF
)
    p_plain=$(profile x11-none <<EOF
include = ["default"]
[namespaces]
net = false
[env]
keep = ["DISPLAY", "XAUTHORITY"]
EOF
)
    run_sbx_via "${XENV[@]}" -- --dry-run --profile "$p_x11" -- true
    check_match "x11 --dry-run: the display, its socket and the file the cookie comes from" \
        "x11 +DISPLAY=:$a on the host: socket /tmp/.X11-unix/X$a -> /tmp/.X11-unix/X[0-9]+, DISPLAY=:[0-9]+ inside; cookie from $X11_DIR/Xauthority \(16 bytes, not shown\) -> /run/sbx/Xauthority" "$OUT"
    check_true "x11 --dry-run: never the cookie" "the cookie's hex is in the output" \
        bash -c '! grep -qi "$1" <<<"$2$3"' _ "$cookie_a" "$OUT" "$ERR"
    check_match "x11 --dry-run: Landlock's abstract-socket scope stays on" \
        "landlock +best effort, scoped \(abstract unix sockets, signals\)" "$OUT"

    run_sbx_via "${XENV[@]}" -- --profile "$p_x11" -- xdpyinfo
    check_match "x11: an Xlib client (xdpyinfo) works inside, host network, scope on" "vendor string: +The X.Org" "$OUT"
    run_sbx_via "${XENV[@]}" -- --profile "$p_x11" -- xwininfo -root
    check_match "x11: an xcb client (xwininfo) works inside" "Window id: 0x[0-9a-f]+ \(the root window\)" "$OUT"
    run_sbx_via "${XENV[@]}" -- --profile "$p_x11_net" -- xdpyinfo
    check_match "x11: xdpyinfo works in a sandbox with its own network namespace too" "vendor string: +The X.Org" "$OUT"
    # The scope is on while the client works: the display's abstract socket
    # is refused inside, and reachable on the host (control).
    local abstract='import socket,sys
s=socket.socket(socket.AF_UNIX)
try:
    s.connect("\0/tmp/.X11-unix/X"+sys.argv[1]); print("connected")
except OSError as e: print(e.strerror)'
    check_eq "x11 control: on the host the display's abstract socket accepts a connect" "connected" \
        "$(python3 -c "$abstract" "$a" 2>&1)"
    run_sbx_via "${XENV[@]}" -- --profile "$p_x11" -- python3 -c "$abstract" "$a"
    check_eq "x11: inside, the display's abstract socket is refused (Landlock scope in force)" \
        "Operation not permitted" "$OUT"

    # The issue's report: the shipped browser profile (the host network,
    # Landlock scopes on) could not open the display.
    run_sbx_via "${XENV[@]}" -- --profile browser -- xdpyinfo
    check_match "x11: xdpyinfo works in the shipped browser profile" "vendor string: +The X.Org" "$OUT"

    run_sbx_via "${XENV[@]}" -- --profile "$p_plain" -- xdpyinfo
    check_true "x11: without the piece (DISPLAY kept, nothing bound) a client cannot connect" \
        "expected 'unable to open display'" bash -c '[ "$1" != 0 ] && [[ $2 == *"unable to open display"* ]]' _ "$RC" "$ERR"

    run_sbx_via "${XENV[@]}" -- --profile "$p_x11" -- sh -c 'ls -A /tmp/.X11-unix; echo "DISPLAY=$DISPLAY"'
    check_match "x11: only the display's own socket is inside, not :$b's" "^X([0-9]+)
DISPLAY=:\\1\$" "$OUT"
    run_sbx_via "${XENV[@]}" -- --profile "$p_x11" -- env DISPLAY=":$b" xdpyinfo
    check_true "x11: the second display :$b cannot be reached from inside" "" \
        bash -c '[ "$1" != 0 ] && [[ $2 == *"unable to open display"* ]]' _ "$RC" "$ERR"

    run_sbx_via "${XENV[@]}" -- --profile "$p_x11" -- sh -c 'xauth -i list; stat -c "%a %u" "$XAUTHORITY"; echo "$XAUTHORITY"'
    check_match "x11: the Xauthority inside holds exactly one entry, FamilyWild, with :$a's cookie, 0600, the user's" \
        "^#ffff##:[0-9]+ +MIT-MAGIC-COOKIE-1 +$cookie_a
600 $U
/run/sbx/Xauthority\$" "$OUT"
    run_sbx_via "${XENV[@]}" -- --profile "$p_x11" -- sh -c \
        "test -e '$X11_DIR/Xauthority' && echo visible; test -e '$HOME/.Xauthority' && echo home; echo done"
    check_eq "x11: the real Xauthority is not visible inside" "done" "$OUT"
    check_true "x11 control: the real Xauthority exists on the host" "" test -s "$X11_DIR/Xauthority"

    run_sbx_via env DISPLAY=":$a" XAUTHORITY="$X11_DIR/wrong" -- --profile "$p_x11" -- xdpyinfo
    check_true "x11: with a wrong cookie on the host, the client inside is refused" "" \
        bash -c '[ "$1" != 0 ] && [[ $2 == *"unable to open display"* ]]' _ "$RC" "$ERR"

    run_sbx_via env DISPLAY=":$c" XAUTHORITY="$X11_DIR/none" -- --profile "$p_x11" -- sh -c \
        'xdpyinfo | grep -m1 "^name of display"; echo "XAUTHORITY=${XAUTHORITY-unset}"'
    check_match "x11: a display without a cookie (Xvfb without -auth) works without an Xauthority" \
        "^name of display: +:[0-9]+
XAUTHORITY=unset\$" "$OUT"

    run_sbx_via env -u DISPLAY -- --profile "$p_x11" -- true
    check_match "x11: no DISPLAY is a profile error naming the piece (exit 2)" \
        "^2 .*x11.toml:[0-9]+:[0-9]+: the x11 piece needs \\\$DISPLAY" "$RC $ERR"
    run_sbx_via env DISPLAY="localhost:$a" -- --profile "$p_x11" -- true
    check_match "x11: a TCP display is refused with the reason (exit 2)" "^2 .*a TCP display" "$RC $ERR"

    x11_firefox "$a"
    x11_stop
}

# Firefox ESR in a window on display :$1, a page of one colour, the root
# window's screenshot read on the host.
x11_firefox() {
    local a=$1 pid i colour=""
    if ! command -v firefox-esr >/dev/null || ! command -v xwd >/dev/null; then
        skip "x11: Firefox ESR in a window" "firefox-esr or xwd not installed (./bootstrap installs them)"
        return
    fi
    mkdir -p "$X11_DIR/page"
    printf '%s\n' '<!doctype html><html><body style="margin:0;background:#1fa04b;height:100vh"></body></html>' \
        >"$X11_DIR/page/index.html"
    # The shipped browser profile, as a user runs it: its x11 piece with the
    # host's network (so the display is renumbered and Landlock's scope
    # refuses the abstract socket), Firefox's own sandbox (nested user
    # namespaces), and the page given on the command line bound read-only
    # (file-arguments).
    # A persistent home of its own (XDG_DATA_HOME), as desktop-apps.sh does:
    # the test user's real one holds whatever earlier runs left there.
    mkdir -p "$X11_DIR/data"
    XDG_DATA_HOME="$X11_DIR/data" DISPLAY=":$a" XAUTHORITY="$X11_DIR/Xauthority" \
        bg_sbx "$X11_DIR/ff.out" --profile browser -- firefox-esr \
        --new-instance --no-remote --width 800 --height 600 "$X11_DIR/page/index.html"
    pid=$BG_PID
    # Up to a minute: a loaded machine (a parallel build) slows Firefox's start.
    for ((i = 0; i < 120; i++)); do
        sleep 0.5
        kill -0 "$pid" 2>/dev/null || break
        DISPLAY=":$a" XAUTHORITY="$X11_DIR/Xauthority" xwd -root -silent >"$X11_DIR/root.xwd" 2>/dev/null || continue
        colour=$(python3 "$TESTS_DIR/integration/xwd_pixel.py" "$X11_DIR/root.xwd" 400 400 2>&1)
        [ "$colour" = "1fa04b" ] && break
    done
    check_eq "x11: Firefox ESR shows a page in a window: the root window's pixel is the page's colour" \
        "1fa04b" "$colour"
    [ "$colour" = "1fa04b" ] || diag "$(tail -c 1500 "$X11_DIR/ff.out.err")"
    # SBX_IT_SCREENSHOT=FILE.png keeps the screenshot (for a person to look at).
    [ -n "${SBX_IT_SCREENSHOT:-}" ] &&
        python3 "$TESTS_DIR/integration/xwd_pixel.py" "$X11_DIR/root.xwd" 0 0 "$SBX_IT_SCREENSHOT" >/dev/null
    kill -TERM "$pid" 2>/dev/null
    wait_exit "$pid" 10
}

# PulseAudio started by the test with its runtime folder in a private
# XDG_RUNTIME_DIR: `pactl info` inside with `audio`, not without.
audio_suite() {
    local rt=$WORK/audio-rt cfg=$WORK/audio-cfg pid i p_audio p_none sum
    if ! command -v pulseaudio >/dev/null || ! command -v pactl >/dev/null; then
        skip "audio piece" "pulseaudio or pactl not installed (./bootstrap installs them)"
        return
    fi
    mkdir -p -m 0700 "$rt" "$rt/pulse" "$cfg" "$cfg/pulse"
    head -c 256 /dev/urandom >"$cfg/pulse/cookie"
    env XDG_RUNTIME_DIR="$rt" XDG_CONFIG_HOME="$cfg" HOME="$WORK" pulseaudio --daemonize=no --exit-idle-time=-1 -n \
        --use-pid-file=no --disallow-exit \
        -L "module-native-protocol-unix socket=$rt/pulse/native auth-cookie=$cfg/pulse/cookie auth-anonymous=0" \
        -L "module-null-sink sink_name=sbx_it_sink" >"$WORK/pulse.log" 2>&1 &
    pid=$!
    for ((i = 0; i < 100; i++)); do [ -S "$rt/pulse/native" ] && break; sleep 0.05; done
    local AENV=(env -u PULSE_SERVER -u PULSE_COOKIE XDG_RUNTIME_DIR="$rt" XDG_CONFIG_HOME="$cfg")
    check_true "audio control: on the host, pactl reaches the test's PulseAudio" "$(tail -5 "$WORK/pulse.log")" \
        bash -c '"$@" >/dev/null' _ "${AENV[@]}" PULSE_SERVER="unix:$rt/pulse/native" pactl info
    p_audio=$(profile audio-on <<EOF
include = ["default", "audio"]
EOF
)
    p_none=$(profile audio-off <<EOF
include = ["default"]
[env]
keep = ["PULSE_SERVER", "XDG_RUNTIME_DIR"]
EOF
)
    run_sbx_via "${AENV[@]}" -- --dry-run --profile "$p_audio" -- true
    check_match "audio --dry-run: the Pulse socket and cookie bound, the missing PipeWire socket skipped" \
        "PulseAudio socket $rt/pulse/native bound at the same path
  PulseAudio cookie $cfg/pulse/cookie bound read-only at /run/sbx/pulse-cookie
  no PipeWire socket at $rt/pipewire-0: skipped" "$OUT"
    run_sbx_via "${AENV[@]}" -- --profile "$p_audio" -- sh -c \
        'pactl info | grep "^Server String"; pactl list short sinks | cut -f2; echo "$PULSE_COOKIE"; sha256sum <"$PULSE_COOKIE"'
    sum=$(sha256sum <"$cfg/pulse/cookie")
    check_eq "audio: pactl inside reaches the test's PulseAudio (its null sink), with the cookie at PULSE_COOKIE" \
        "Server String: unix:$rt/pulse/native
sbx_it_sink
/run/sbx/pulse-cookie
$sum" "$OUT"
    run_sbx_via "${AENV[@]}" PULSE_SERVER="unix:$rt/pulse/native" -- --profile "$p_none" -- pactl info
    check_true "audio: without the piece (PULSE_SERVER kept, nothing bound) pactl cannot connect" "" \
        bash -c '[ "$1" != 0 ] && [[ $2 == *"Connection failure"* ]]' _ "$RC" "$ERR"
    # The cookie's effect cannot be shown here: PulseAudio lets in a client
    # of its own uid (SCM_CREDENTIALS) without one, and the sandbox's
    # processes are the user's uid outside. The test above shows that the
    # cookie is passed, byte for byte.
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    run_sbx_via "${AENV[@]}" -- --profile "$p_audio" -- true
    check_match "audio: with no server at all, a warning and the sandbox still runs" \
        "^0 .*audio: no PulseAudio socket \\($rt/pulse/native\\) and no PipeWire socket .* the sandbox runs without sound" \
        "$RC $ERR"
}

x11_suite
audio_suite
