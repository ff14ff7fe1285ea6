# desktop-apps.sh — the app profiles (issue 11) with real programs: Firefox
# ESR and Chromium in browser.toml, headless, with their own sandboxes
# working inside sbx's; the network, gpu and fonts-themes pieces; the
# offline profiles (pdf-viewer, media-player, untrusted-game).
#
# The browsers' persistent home goes to $WORK/data (XDG_DATA_HOME), so that
# each run starts from a fresh browser profile and the test user's real
# home must not change at all. Each browser run is bounded (BROWSER_LIMIT).

APPS=$WORK/apps
APPS_PAGE=$APPS/page        # bound read-only: the page the browsers show
APPS_SHOTS=$APPS/shots      # bound read-write: their screenshots
APPS_DATA=$APPS/data        # XDG_DATA_HOME: the browsers' persistent home
APPS_COLOUR=12ab34
BROWSER_LIMIT=40
mkdir -p "$APPS_PAGE" "$APPS_SHOTS" "$APPS_DATA"
printf '<!DOCTYPE html><html><body style="margin:0;background:#%s"></body></html>\n' "$APPS_COLOUR" \
    >"$APPS_PAGE/page.html"
APPS_URL=file://$APPS_PAGE/page.html
PNG_PIXEL=(/usr/bin/python3 "$TESTS_DIR/integration/png_pixel.py")

# run_browser ARGS...: sbx --profile browser, the page and the shots bound,
# the persistent home in $APPS_DATA; bounded by BROWSER_LIMIT.
run_browser() {
    local saved=$LIMIT
    LIMIT=$BROWSER_LIMIT
    run_sbx_via env XDG_DATA_HOME="$APPS_DATA" -- --profile browser --ro-bind "$APPS_PAGE" --bind "$APPS_SHOTS" "$@"
    LIMIT=$saved
}
# bg_browser OUT ARGS...: the same, in the background (BG_PID).
bg_browser() {
    local f=$1
    shift
    LAST_CMD="sbx --profile browser $* &"
    XDG_DATA_HOME="$APPS_DATA" "${DEFAULT_SIGNALS[@]}" "$SBX" --profile browser --ro-bind "$APPS_PAGE" \
        --bind "$APPS_SHOTS" "$@" >"$f" 2>"$f.err" </dev/null &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
}
# descendants PID: every live process below PID, found by parentage (one
# pass over /proc: a browser has many processes).
descendants() {
    local f p queue=("$1") out=()
    local -A kids=()
    for f in /proc/[0-9]*/stat; do
        p=${f#/proc/} p=${p%/stat}
        proc_stat "$p" && [ "$PS_STATE" != Z ] && kids[$PS_PPID]+=" $p"
    done
    while [ ${#queue[@]} -gt 0 ]; do
        p=${queue[0]} queue=("${queue[@]:1}")
        for f in ${kids[$p]:-}; do
            out+=("$f") queue+=("$f")
        done
    done
    echo "${out[*]}"
}
# argv_of PID: its command line, arguments separated by spaces.
argv_of() { { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null; }
# filters_of PID: how many seccomp filters it runs under (Seccomp_filters).
filters_of() { awk '/^Seccomp_filters:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
userns_of() { readlink "/proc/$1/ns/user" 2>/dev/null; }
# sandboxed_children ROOT MAIN-REGEX CHILD-REGEX SECONDS WANT: compares
# each process below ROOT whose argv matches CHILD-REGEX with the browser's
# main process (argv matching MAIN-REGEX, and no --type= or -contentproc):
# SANDBOXED lists those in a user namespace of their own under more seccomp
# filters than the main process, PLAIN the others. Waits up to SECONDS for
# children to appear and then, a child being sandboxed only once it has
# started, for the state WANT ("sandboxed": every child sandboxed;
# "plain": none, five times in a row). False if no child appeared in time.
sandboxed_children() {
    local root=$1 main_re=$2 child_re=$3 secs=$4 want=$5 i p a main kids settled=0
    SANDBOXED="" PLAIN="" MAIN_INFO=""
    for ((i = 0; i <= secs * 10; i++)); do
        main="" kids=""
        for p in $(descendants "$root"); do
            a=$(argv_of "$p")
            if [[ $a =~ $child_re ]]; then
                kids+=" $p"
            elif [ -z "$main" ] && [[ $a =~ $main_re && $a != *" --type="* && $a != *" -contentproc "* ]]; then
                main=$p
            fi
        done
        if [ -n "$main" ] && [ -n "$kids" ]; then
            SANDBOXED="" PLAIN=""
            MAIN_INFO="main $main: $(userns_of "$main"), $(filters_of "$main") filters"
            for p in $kids; do
                alive "$p" || continue
                if [ "$(userns_of "$p")" != "$(userns_of "$main")" ] &&
                    [ "$(filters_of "$p")" -gt "$(filters_of "$main")" ]; then
                    SANDBOXED+=" $p"
                else
                    PLAIN+=" $p($(userns_of "$p"), $(filters_of "$p") filters)"
                fi
            done
            SANDBOXED=${SANDBOXED# } PLAIN=${PLAIN# }
            [ "$want" = sandboxed ] && [ -n "$SANDBOXED" ] && [ -z "$PLAIN" ] && return 0
            [ "$want" = plain ] && [ -n "$PLAIN" ] && [ -z "$SANDBOXED" ] && ((++settled >= 5)) && return 0
        fi
        sleep 0.1
    done
    [ -n "$main" ] && [ -n "$kids" ]
}
# verdict WANT: "yes" when the last sandboxed_children found WANT, else
# what it found.
verdict() {
    if { [ "$1" = sandboxed ] && [ -n "$SANDBOXED" ] && [ -z "$PLAIN" ]; } ||
        { [ "$1" = plain ] && [ -n "$PLAIN" ] && [ -z "$SANDBOXED" ]; }; then
        echo yes
    else
        echo "$MAIN_INFO; sandboxed: ${SANDBOXED:-none}; not sandboxed: ${PLAIN:-none}"
    fi
}
# stop_bg: ends the background sbx (SIGTERM, forwarded to the browser;
# SIGKILL after 3 s: the sandbox dies with sbx) and waits until none of
# the browser's processes is left.
stop_bg() {
    local left
    left=$(descendants "$BG_PID")
    kill -TERM "$BG_PID" 2>/dev/null
    wait_exit "$BG_PID" 3
    # shellcheck disable=SC2086
    gone_within 5 $left || not_ok "the browser's processes end with sbx" "left: $SURVIVORS"
}
# home_state: every path of the test user's real home with its type, size,
# mode and modification time (the browsers' home is in $APPS_DATA).
home_state() { find "$HOME" -xdev -printf '%p %y %s %m %T@\n' 2>/dev/null | sort; }

# ~/Downloads is bound read-write, created when missing: created here, so
# that the snapshot below sees no change the profile is meant to make.
mkdir -p "$HOME/Downloads"
HOME_BEFORE=$(home_state)

# ---------------------------------------------------------------------------
# Firefox ESR
# ---------------------------------------------------------------------------
if ! command -v firefox-esr >/dev/null; then
    skip "Firefox in browser.toml" "firefox-esr is not installed (./bootstrap installs it)"
else
    run_browser -- firefox-esr --headless --no-remote --window-size=96,96 \
        --screenshot "$APPS_SHOTS/firefox.png" "$APPS_URL"
    check_rc "Firefox in browser.toml: headless --screenshot exits 0" 0
    check_eq "Firefox in browser.toml: the screenshot shows the page's colour" "96x96 $APPS_COLOUR" \
        "$("${PNG_PIXEL[@]}" "$APPS_SHOTS/firefox.png" 2>&1)"
    # (~/.config/mozilla since Firefox 140, ~/.mozilla before.)
    check_eq "Firefox in browser.toml: its profile is in the sandbox's persistent home" yes \
        "$(cd "$APPS_DATA/sbx/browser/home" 2>/dev/null && { [ -d .config/mozilla ] || [ -d .mozilla ]; } && echo yes ||
            ls -A "$APPS_DATA/sbx/browser/home" 2>&1)"

    # Its web content processes (-isForBrowser) each in a user namespace
    # of their own under a seccomp filter of Firefox's stacked on sbx's.
    # Failed before browser.toml allowed nested user namespaces (clone()
    # failure: EPERM; content in the main process's namespace).
    bg_browser "$APPS/ff.out" -- firefox-esr --headless --no-remote --window-size=96,96 "$APPS_URL"
    sandboxed_children "$BG_PID" '(^|/)firefox-esr ' ' -contentproc .*-isForBrowser' 20 sandboxed
    check_eq "Firefox in browser.toml: its content processes are sandboxed (own user namespace, own seccomp filter)" \
        yes "$(verdict sandboxed)"
    stop_bg
    # Control: the same check sees Firefox's content sandbox switched off.
    bg_browser "$APPS/ff0.out" --setenv MOZ_DISABLE_CONTENT_SANDBOX=1 -- \
        firefox-esr --headless --no-remote --window-size=96,96 "$APPS_URL"
    sandboxed_children "$BG_PID" '(^|/)firefox-esr ' ' -contentproc .*-isForBrowser' 20 plain
    check_eq "control: with MOZ_DISABLE_CONTENT_SANDBOX=1 the same check finds its content processes unsandboxed" \
        yes "$(verdict plain)"
    stop_bg
fi

# ---------------------------------------------------------------------------
# Chromium, without --no-sandbox
# ---------------------------------------------------------------------------
if ! command -v chromium >/dev/null; then
    skip "Chromium in browser.toml" "chromium is not installed (./bootstrap installs it)"
else
    # Failed before browser.toml allowed nested user namespaces: "No
    # usable sandbox!", exit status 1, no screenshot.
    run_browser -- chromium --headless --window-size=96,96 --screenshot="$APPS_SHOTS/chromium.png" "$APPS_URL"
    check_rc "Chromium in browser.toml, its sandbox on: headless --screenshot exits 0" 0
    check_eq "Chromium in browser.toml: the screenshot shows the page's colour" "96x96 $APPS_COLOUR" \
        "$("${PNG_PIXEL[@]}" "$APPS_SHOTS/chromium.png" 2>&1)"

    bg_browser "$APPS/ch.out" -- chromium --headless --window-size=96,96 "$APPS_URL"
    sandboxed_children "$BG_PID" '(^|/)chromium ' ' --type=renderer ' 20 sandboxed
    check_eq "Chromium in browser.toml: its renderers are sandboxed (own user namespace, own seccomp filter)" \
        yes "$(verdict sandboxed)"
    stop_bg
    # Control: with --no-sandbox the same check finds the renderers plain.
    bg_browser "$APPS/ch0.out" -- chromium --headless --no-sandbox --window-size=96,96 "$APPS_URL"
    sandboxed_children "$BG_PID" '(^|/)chromium ' ' --type=renderer ' 20 plain
    check_eq "control: with --no-sandbox the same check finds Chromium's renderers unsandboxed" \
        yes "$(verdict plain)"
    stop_bg
fi

# Nothing the browsers did reached the real home (their own home is in
# $APPS_DATA, which the Firefox test above saw written).
HOME_AFTER=$(home_state)
check_eq "the browsers wrote nothing to the real home" "" \
    "$(diff <(echo "$HOME_BEFORE") <(echo "$HOME_AFTER") | head -n 20)"

# Of the real home, only ~/Downloads: a file written there is on the host;
# one written elsewhere in the home lands in the persistent home.
APPS_MARK=sbx-apps-$$-$RANDOM
run_browser -- /bin/sh -c "echo d >~/Downloads/$APPS_MARK && echo h >~/$APPS_MARK"
check_rc "browser.toml: writing to ~/Downloads and ~ inside succeeds" 0
check_eq "browser.toml: ~/Downloads is the real one" "d" "$(cat "$HOME/Downloads/$APPS_MARK" 2>&1)"
check_eq "browser.toml: the rest of ~ is the persistent home, not the real one" "h, absent" \
    "$(cat "$APPS_DATA/sbx/browser/home/$APPS_MARK" 2>&1), $([ -e "$HOME/$APPS_MARK" ] && echo present || echo absent)"
rm -f "$HOME/Downloads/$APPS_MARK" "$HOME/$APPS_MARK"
# A private /dev/shm: a file the host has there is not seen inside.
APPS_SHM=/dev/shm/$APPS_MARK
if : >"$APPS_SHM" 2>/dev/null; then
    run_browser -- /bin/sh -c "ls -d /dev/shm && ! test -e $APPS_SHM"
    check_rc "browser.toml: /dev/shm is the sandbox's own (the host's $APPS_SHM is not there)" 0
    rm -f "$APPS_SHM"
else
    host_skip "browser.toml: /dev/shm is the sandbox's own" "the host's /dev/shm is not writable here"  # host fact
fi

# ---------------------------------------------------------------------------
# The pieces
# ---------------------------------------------------------------------------
# network: the host's network namespace, its resolver file; the offline
# profiles get one of their own (compared by the namespace's inode).
HOST_NET=$(readlink /proc/self/ns/net)
run_browser -- /bin/sh -c 'readlink /proc/self/ns/net; cat /etc/resolv.conf >/dev/null && echo resolv'
check_eq "network piece (browser.toml): the host's network, /etc/resolv.conf readable" "$HOST_NET
resolv" "$OUT"
for p in pdf-viewer media-player untrusted-game; do
    run_sbx --profile "$p" -- /bin/sh -c 'readlink /proc/self/ns/net'
    check_match "$p.toml: a network of its own" '^net:\[[0-9]+\]$' "$OUT"
    check_ne "$p.toml: not the host's network" "$HOST_NET" "$OUT"
done

# gpu: the render nodes the host has, and never its primary nodes.
HOST_RENDER=$(cd /dev/dri 2>/dev/null && ls -d renderD12[89] renderD13[01] 2>/dev/null | tr '\n' ' ')
if [ -n "$HOST_RENDER" ]; then
    run_sbx --profile untrusted-game -- /bin/sh -c 'cd /dev/dri && ls | tr "\n" " "'
    check_eq "gpu piece: the host's render nodes, and only those, are in /dev/dri" "$HOST_RENDER" "$OUT"
else
    # Host fact: this machine (a VM, a server) has no GPU render node.
    host_skip "gpu piece: the host's render nodes are in /dev/dri" "the host has no /dev/dri/renderD* node"
fi
run_sbx --profile untrusted-game --dry-run
# The glob: each node it matched (bound), or the pattern without a match (skipped).
check_match "gpu piece: --dry-run lists the render nodes, bound or skipped" \
    'dev-bind /dev/dri/renderD([0-9]+ -> /dev/dri/renderD[0-9]+ \(optional\).*\(matches|\* -> /dev/dri/renderD\* \(optional\): no match, skipped)' "$OUT"
if [ -e /sys/dev/char/1:3 ]; then
    # libdrm's walk: /sys/dev/char/MAJOR:MINOR into /sys/devices, read-only.
    run_sbx --profile untrusted-game -- /bin/sh -c 'cat /sys/dev/char/1:3/uevent | grep DEVNAME; touch /sys/devices/x 2>&1 || :'
    check_match "gpu piece: /sys/dev/char leads into /sys/devices, read-only" '^DEVNAME=null
touch: .*(Read-only file system|Permission denied)' "$OUT"
else
    host_skip "gpu piece: /sys/dev/char" "the host's /sys has no /sys/dev/char/1:3"  # host fact
fi

# fonts-themes: fontconfig reads the host's configuration and finds the
# host's fonts inside; without the piece (the default profile: no
# /etc/fonts) it runs on its built-in fallback and says so.
if command -v fc-list >/dev/null && [ -n "$(fc-list 2>/dev/null)" ]; then
    run_sbx --profile pdf-viewer -- fc-list
    check_eq "fonts-themes piece: fc-list inside lists as many fonts as on the host" \
        "$(fc-list 2>/dev/null | grep -c .)" "$(grep -c . <<<"$OUT")"
    check_eq "fonts-themes piece: fontconfig finds its configuration inside" "exit 0, no error" \
        "exit $RC, $(grep -i 'fontconfig error' <<<"$ERR" || echo no error)"
    run_sbx -- fc-list
    check_match "control: without the piece fontconfig finds no configuration" \
        'Fontconfig error: Cannot load default config file' "$ERR"
else
    skip "fonts-themes piece: fc-list lists fonts" "fc-list, or any font, is missing on the host"
fi

# untrusted-game: no home; nothing written there reaches the host.
run_sbx --profile untrusted-game -- /bin/sh -c "ls -A ~ | tr '\n' ' '; echo x >~/$APPS_MARK && cat ~/$APPS_MARK"
check_eq "untrusted-game.toml: an empty, writable private home" "x" "$OUT"
check_true "untrusted-game.toml: a file written in its home is not in the real one" \
    "$HOME/$APPS_MARK exists" [ ! -e "$HOME/$APPS_MARK" ]
