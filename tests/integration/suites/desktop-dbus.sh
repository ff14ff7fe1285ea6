# desktop-dbus.sh — the `dbus` piece (issue 11): the session bus reached only
# through xdg-dbus-proxy, with the profile's rules; the real bus socket out
# of reach even when a profile binds all of $XDG_RUNTIME_DIR; the proxy a
# helper process that is ready before the target and gone with the sandbox,
# also when sbx is SIGKILLed; a missing proxy named by its package.
#
# The test starts its own dbus-daemon on a private socket at the place a
# desktop has it ($XDG_RUNTIME_DIR/bus), and a small service
# (helpers/dbus-service.py, standard library only) owning three names.
# SBX_DBUS_SBX=/path/to/sbx runs the escape checks against another sbx
# (main's, to see them fail there).

DB_RT=$WORK/dbus-rt
DB_PROFILES=$WORK/dbus-profiles
DB_SERVICE=$TESTS_DIR/integration/helpers/dbus-service.py
mkdir -p -m 0700 "$DB_RT" && mkdir -p "$DB_PROFILES"
DB_ADDRESS=unix:path=$DB_RT/bus
DB_MISSING=""
for tool in dbus-daemon dbus-send xdg-dbus-proxy python3; do
    command -v "$tool" >/dev/null || DB_MISSING+=" $tool"
done

db_stop() {
    [ -n "${DB_SERVICE_PID:-}" ] && kill "$DB_SERVICE_PID" 2>/dev/null
    [ -n "${DB_DAEMON_PID:-}" ] && kill "$DB_DAEMON_PID" 2>/dev/null
    wait "${DB_SERVICE_PID:-}" "${DB_DAEMON_PID:-}" 2>/dev/null
}

db_start() {
    dbus-daemon --session --nofork --address="$DB_ADDRESS" --print-address >"$WORK/dbus-daemon.out" \
        2>"$WORK/dbus-daemon.err" &
    DB_DAEMON_PID=$!
    BG_PIDS+=("$DB_DAEMON_PID")
    wait_line "$WORK/dbus-daemon.out" "^unix:" 5 "$DB_DAEMON_PID" || return 1
    python3 "$DB_SERVICE" "$DB_ADDRESS" org.sbxtest.Allowed org.sbxtest.Hidden org.sbxtest.Seen \
        >"$WORK/dbus-service.out" 2>&1 &
    DB_SERVICE_PID=$!
    BG_PIDS+=("$DB_SERVICE_PID")
    wait_line "$WORK/dbus-service.out" "^ready" 5 "$DB_SERVICE_PID"
}

# db_sbx ARGS...: sbx with the test's bus and runtime folder.
db_sbx() { run_sbx_via env XDG_RUNTIME_DIR="$DB_RT" DBUS_SESSION_BUS_ADDRESS="$DB_ADDRESS" -- "$@"; }
# A ping of NAME inside, through the bus at the address the sandbox is given.
db_ping() { echo "dbus-send --session --print-reply --dest=$1 /x org.freedesktop.DBus.Peer.Ping"; }
db_list='dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames'

db_profile() {  # NAME EXTRA-TOML
    cat >"$DB_PROFILES/$1.toml" <<EOF
include = ["default.toml", "dbus.toml"]
[dbus]
talk = ["org.sbxtest.Allowed"]
see = ["org.sbxtest.Seen"]
$2
EOF
    echo "$DB_PROFILES/$1.toml"
}

if [ -n "$DB_MISSING" ]; then
    skip "desktop-dbus" "missing:$DB_MISSING (./bootstrap installs them)"
elif ! db_start; then
    not_ok "desktop-dbus: a private dbus-daemon and the test service start" \
        "$(cat "$WORK/dbus-daemon.err" "$WORK/dbus-service.out" 2>/dev/null)"
    db_stop
else
    P_DBUS=$(db_profile dbus "")
    P_DBUS_RT=$(db_profile dbus-rt "[[mount]]
type = \"bind\"
source = \"$DB_RT\"")
    P_OFF_RT=$(profile dbus-off-rt <<EOF
include = ["default.toml"]
[[mount]]
type = "bind"
source = "$DB_RT"
EOF
)

    # The control: the service answers on the real bus, for every name.
    DBUS_SESSION_BUS_ADDRESS=$DB_ADDRESS $(db_ping org.sbxtest.Hidden) >"$WORK/db-host" 2>&1
    check_match "dbus: control: the test service answers a ping on the real bus (host)" "method return" \
        "$(cat "$WORK/db-host")"

    db_sbx --profile "$P_DBUS" --dry-run -- true
    check_match "dbus: --dry-run shows the proxy's whole command line" \
        "xdg-dbus-proxy --fd=3 unix:path=$DB_RT/bus $DB_RT/sbx/[0-9]+/bus --filter --see=org.sbxtest.Seen --talk=org.sbxtest.Allowed" \
        "$OUT"
    check_match "dbus: --dry-run shows the proxy's socket bound at \$XDG_RUNTIME_DIR/bus" \
        "ro-bind $DB_RT/sbx/[0-9]+/bus -> $DB_RT/bus +# sbx: the session bus through xdg-dbus-proxy" "$OUT"

    db_sbx --verbose --profile "$P_DBUS" -- true
    check_match "dbus: --verbose shows the proxy's command line and when it is ready" \
        "start helper D-Bus proxy \(session bus\): xdg-dbus-proxy --fd=3 unix:path=$DB_RT/bus .*helper xdg-dbus-proxy is ready" \
        "$(tr '\n' ' ' <<<"$ERR")"

    db_sbx --profile "$P_DBUS" -- sh -c "echo \$DBUS_SESSION_BUS_ADDRESS; $(db_ping org.sbxtest.Allowed)"
    check_match "dbus: a name on \`talk\` answers through the proxy" \
        "^unix:path=$DB_RT/bus
method return .* reply_serial=" "$OUT"

    db_sbx --profile "$P_DBUS" -- sh -c "$(db_ping org.sbxtest.Hidden) 2>&1; echo rc=\$?"
    check_match "dbus: a name off the lists is refused" "Error org.freedesktop.DBus.Error.ServiceUnknown.*
rc=1$" "$OUT"

    db_sbx --profile "$P_DBUS" -- sh -c "$(db_ping org.sbxtest.Seen) 2>&1; echo rc=\$?"
    check_match "dbus: a name on \`see\` only cannot be called" "Error .*
rc=1$" "$OUT"

    db_sbx --profile "$P_DBUS" -- sh -c "$db_list"
    names=$(grep -o '"org\.sbxtest\.[A-Za-z]*"' <<<"$OUT" | sort | tr '\n' ' ')
    check_eq "dbus: ListNames shows only the names of \`see\` and \`talk\`" \
        '"org.sbxtest.Allowed" "org.sbxtest.Seen" ' "$names"
    DBUS_SESSION_BUS_ADDRESS=$DB_ADDRESS $db_list >"$WORK/db-host" 2>&1
    check_match "dbus: control: ListNames on the real bus shows the hidden name too" \
        '"org.sbxtest.Hidden"' "$(cat "$WORK/db-host")"

    check_eq "dbus: the instance folder is removed when the sandbox ends" "" "$(ls -A "$DB_RT/sbx" 2>&1)"
    check_eq "dbus: control: the folder of instance folders is 0700" "700" "$(stat -c %a "$DB_RT/sbx")"
    no_strays_within 2
    check_eq "dbus: no helper outlives a sandbox that exited" "" "$STRAYS"

    # The escape checks: a profile that binds all of $XDG_RUNTIME_DIR.
    DB_ESCAPE_SBX=${SBX_DBUS_SBX:-$SBX}
    raw="DBUS_SESSION_BUS_ADDRESS=unix:path=$DB_RT/bus $(db_ping org.sbxtest.Hidden)"
    SBX=$DB_ESCAPE_SBX db_sbx --profile "$P_OFF_RT" -- sh -c "$raw 2>&1; echo rc=\$?"
    check_match "dbus escape: dbus off, \$XDG_RUNTIME_DIR bound: the real bus socket does not answer" \
        "rc=1$" "$OUT"
    touch "$DB_RT/visible"
    SBX=$DB_ESCAPE_SBX db_sbx --profile "$P_OFF_RT" -- ls -A "$DB_RT"
    check_eq "dbus: control: with dbus off and \$XDG_RUNTIME_DIR bound, the rest of it is there" \
        "visible" "$(grep -x visible <<<"$OUT")"
    rm "$DB_RT/visible"
    SBX=$DB_ESCAPE_SBX db_sbx --profile "$P_DBUS_RT" -- sh -c "$raw 2>&1; echo rc=\$?; ls -A $DB_RT/sbx"
    check_match "dbus escape: dbus on, \$XDG_RUNTIME_DIR bound: \$XDG_RUNTIME_DIR/bus is the filtered proxy" \
        "ServiceUnknown.*
rc=1$" "$OUT"
    SBX=$DB_ESCAPE_SBX db_sbx --profile "$P_DBUS_RT" -- sh -c "ls -A $DB_RT/sbx | wc -l"
    check_eq "dbus escape: \$XDG_RUNTIME_DIR bound: the sandboxes' folders (other proxies) are hidden" "0" "$OUT"

    # SIGKILL of sbx: the proxy goes with the sandbox.
    DB_KILL_ENV=(env XDG_RUNTIME_DIR="$DB_RT" DBUS_SESSION_BUS_ADDRESS="$DB_ADDRESS")
    "${DB_KILL_ENV[@]}" "$SBX" --profile "$P_DBUS" -- sh -c 'echo started; exec sleep 30' \
        >"$WORK/db-kill" 2>"$WORK/db-kill.err" </dev/null &
    DB_SBX=$!
    BG_PIDS+=("$DB_SBX")
    proxy=""
    if wait_line "$WORK/db-kill" "^started" 10 "$DB_SBX"; then
        for p in $(children_of "$DB_SBX"); do
            [ "$(cat "/proc/$p/comm" 2>/dev/null)" = xdg-dbus-proxy ] && proxy=$p
        done
    fi
    check_true "dbus: control: while the sandbox runs, the proxy is sbx's child and alive" \
        "no live xdg-dbus-proxy child of sbx ($(cat "$WORK/db-kill.err"))" \
        test -n "$proxy" -a -d "/proc/$proxy"
    folder=$DB_RT/sbx/$DB_SBX
    check_true "dbus: control: while the sandbox runs, its instance folder exists" "$folder missing" \
        test -d "$folder"
    kill -KILL "$DB_SBX"
    wait "$DB_SBX" 2>/dev/null
    if [ -n "$proxy" ] && gone_within 3 "$proxy"; then
        ok "dbus: no xdg-dbus-proxy outlives the sandbox when sbx is SIGKILLed"
    else
        not_ok "dbus: no xdg-dbus-proxy outlives the sandbox when sbx is SIGKILLed" "$(ps_of "$proxy")"
    fi
    no_strays_within 3
    check_eq "dbus: nothing of a SIGKILLed sandbox is left running" "" "$STRAYS"
    check_true "dbus: control: a SIGKILLed sbx leaves its folder behind" "$folder is gone" test -d "$folder"
    db_sbx --profile "$P_DBUS" -- true
    check_true "dbus: the next launch removes the folder of the SIGKILLed sandbox" "$folder is still there" \
        test ! -e "$folder"
    mkdir -m 0700 "$DB_RT/sbx/1"
    db_sbx --profile "$P_DBUS" -- true
    check_true "dbus: the next launch keeps a folder whose process is alive (pid 1, no record)" \
        "$DB_RT/sbx/1 was removed" test -d "$DB_RT/sbx/1"
    rmdir "$DB_RT/sbx/1"

    # The proxy's --fd pipe alone: the sandbox's PID 1 killed while sbx is
    # stopped (so neither its pidfd kill nor PR_SET_PDEATHSIG can act).
    "${DB_KILL_ENV[@]}" "$SBX" --profile "$P_DBUS" -- sh -c 'echo started; exec sleep 30' \
        >"$WORK/db-fd" 2>"$WORK/db-fd.err" </dev/null &
    DB_SBX=$!
    BG_PIDS+=("$DB_SBX")
    proxy="" init=""
    if wait_line "$WORK/db-fd" "^started" 10 "$DB_SBX"; then
        for p in $(children_of "$DB_SBX"); do
            case "$(cat "/proc/$p/comm" 2>/dev/null)" in
            xdg-dbus-proxy) proxy=$p ;;
            sbx-init) init=$p ;;
            esac
        done
    fi
    check_true "dbus: control: the proxy and the sandbox's PID 1 run" "proxy '$proxy', init '$init'" \
        test -n "$proxy" -a -n "$init"
    kill -STOP "$DB_SBX"
    kill -KILL "$init" 2>/dev/null
    if [ -n "$proxy" ] && gone_within 3 "$proxy"; then
        ok "dbus: the proxy exits when the sandbox's PID 1 is gone (its --fd pipe), sbx stopped"
    else
        not_ok "dbus: the proxy exits when the sandbox's PID 1 is gone (its --fd pipe), sbx stopped" "$(ps_of "$proxy")"
    fi
    kill -CONT "$DB_SBX"
    wait_exit "$DB_SBX" 5
    check_eq "dbus: ... and sbx then reports PID 1's death (128+9)" "137" "$RC"

    # A sandbox given all of $XDG_RUNTIME_DIR, started before the folder of
    # instance folders exists, does not see the proxy of a sandbox started
    # after it (the launch makes the folder first, and covers it).
    rm -rf "$DB_RT/sbx"
    "${DB_KILL_ENV[@]}" "$SBX" --profile "$P_OFF_RT" -- sh -c \
        "echo started; while [ ! -e $DB_RT/go ]; do sleep 0.05; done; ls -A $DB_RT/sbx | wc -l" \
        >"$WORK/db-a" 2>"$WORK/db-a.err" </dev/null &
    DB_A=$!
    BG_PIDS+=("$DB_A")
    wait_line "$WORK/db-a" "^started" 10 "$DB_A"
    "${DB_KILL_ENV[@]}" "$SBX" --profile "$P_DBUS" -- sh -c 'echo started; exec sleep 20' \
        >"$WORK/db-b" 2>&1 </dev/null &
    DB_B=$!
    BG_PIDS+=("$DB_B")
    wait_line "$WORK/db-b" "^started" 10 "$DB_B"
    check_true "dbus: control: the later sandbox's proxy socket is there on the host" \
        "no socket $DB_RT/sbx/$DB_B/bus" test -S "$DB_RT/sbx/$DB_B/bus"
    touch "$DB_RT/go"
    wait_exit "$DB_A" 10
    check_eq "dbus escape: \$XDG_RUNTIME_DIR bound: a proxy started later stays hidden" "started
0" "$(cat "$WORK/db-a")"
    kill "$DB_B"
    wait_exit "$DB_B" 5
    rm -f "$DB_RT/go"

    # A planted symlink is never followed.
    mv "$DB_RT/sbx" "$DB_RT/sbx.real"
    ln -s "$WORK" "$DB_RT/sbx"
    db_sbx --profile "$P_DBUS" -- echo ran
    check_match "dbus: a symlink planted at \$XDG_RUNTIME_DIR/sbx is refused" "^125 .*sbx/?.*(symlink|Not a directory|Too many levels)" \
        "$RC $ERR"
    rm "$DB_RT/sbx" && mv "$DB_RT/sbx.real" "$DB_RT/sbx"

    # The proxy missing: one line naming the package; nothing starts.
    run_sbx_via env XDG_RUNTIME_DIR="$DB_RT" DBUS_SESSION_BUS_ADDRESS="$DB_ADDRESS" PATH=/nonexistent -- \
        --profile "$P_DBUS" -- /bin/echo ran
    check_match "dbus: without xdg-dbus-proxy: exit 125 and the package to install, nothing run" \
        "^125 <> sbx: xdg-dbus-proxy \(D-Bus proxy \(session bus\)\) is not installed: .*install the Debian package xdg-dbus-proxy$" \
        "$RC <$OUT> $ERR"
    check_eq "dbus: without xdg-dbus-proxy: no instance folder made" "" "$(ls -A "$DB_RT/sbx")"

    # A proxy that fails before it is ready: its stderr, then one line
    # naming it; the command never runs, the folder is removed.
    mkdir -p "$WORK/fake-proxy"
    printf '#!/bin/sh\necho "fake proxy: cannot serve" >&2\nexit 3\n' >"$WORK/fake-proxy/xdg-dbus-proxy"
    chmod +x "$WORK/fake-proxy/xdg-dbus-proxy"
    run_sbx_via env XDG_RUNTIME_DIR="$DB_RT" DBUS_SESSION_BUS_ADDRESS="$DB_ADDRESS" PATH="$WORK/fake-proxy:$PATH" -- \
        --profile "$P_DBUS" -- /bin/echo ran
    check_match "dbus: a proxy that exits before it is ready: its stderr, then exit 125 naming it, nothing run" \
        "^125 <> fake proxy: cannot serve
sbx: xdg-dbus-proxy \(D-Bus proxy \(session bus\)\) exited with status 3 before it was ready$" "$RC <$OUT> $ERR"
    check_eq "dbus: a proxy that failed leaves no instance folder" "" "$(ls -A "$DB_RT/sbx")"

    # The system bus: only with `system = true`, its own rules, at its place.
    DB_SYS=$WORK/dbus-sys
    mkdir -p "$DB_SYS"
    dbus-daemon --session --nofork --address="unix:path=$DB_SYS/socket" --print-address \
        >"$WORK/dbus-sys.out" 2>/dev/null &
    DB_SYS_PID=$!
    BG_PIDS+=("$DB_SYS_PID")
    wait_line "$WORK/dbus-sys.out" "^unix:" 5 "$DB_SYS_PID"
    python3 "$DB_SERVICE" "unix:path=$DB_SYS/socket" org.sbxtest.System org.sbxtest.SystemHidden \
        >"$WORK/dbus-sys-service.out" 2>&1 &
    DB_SYS_SERVICE=$!
    BG_PIDS+=("$DB_SYS_SERVICE")
    wait_line "$WORK/dbus-sys-service.out" "^ready" 5 "$DB_SYS_SERVICE"
    P_SYS=$(profile dbus-system <<'EOF'
include = ["default.toml"]
[dbus]
system = true
system-talk = ["org.sbxtest.System"]
EOF
)
    sys_ping() { echo "dbus-send --system --print-reply --dest=$1 /x org.freedesktop.DBus.Peer.Ping 2>&1; echo rc=\$?"; }
    run_sbx_via env XDG_RUNTIME_DIR="$DB_RT" DBUS_SYSTEM_BUS_ADDRESS="unix:path=$DB_SYS/socket" -- \
        --profile "$P_SYS" -- sh -c "echo \$DBUS_SYSTEM_BUS_ADDRESS; $(sys_ping org.sbxtest.System); $(sys_ping org.sbxtest.SystemHidden)"
    check_match "dbus: system = true: the system bus through the proxy, only its talk name answers" \
        "^unix:path=/run/dbus/system_bus_socket
method return .*
rc=0
Error org.freedesktop.DBus.Error.ServiceUnknown.*
rc=1$" "$OUT"
    run_sbx_via env XDG_RUNTIME_DIR="$DB_RT" DBUS_SYSTEM_BUS_ADDRESS="unix:path=$DB_SYS/socket" -- \
        --profile "$P_DBUS" -- sh -c "echo \${DBUS_SYSTEM_BUS_ADDRESS:-unset}; test -e /run/dbus/system_bus_socket && echo present || echo absent"
    check_eq "dbus: the system bus is off unless asked (no address, no socket)" "unset
absent" "$OUT"
    kill "$DB_SYS_SERVICE" "$DB_SYS_PID" 2>/dev/null

    # Abstract-socket buses: unreachable from a new network namespace and,
    # with the host's network, through Landlock's abstract-socket scope.
    DB_ABSTRACT="unix:abstract=/sbx-test/dbus-$$-$RANDOM"
    dbus-daemon --session --nofork --address="$DB_ABSTRACT" --print-address >"$WORK/dbus-abs.out" 2>/dev/null &
    DB_ABS_PID=$!
    BG_PIDS+=("$DB_ABS_PID")
    wait_line "$WORK/dbus-abs.out" "^unix:abstract" 5 "$DB_ABS_PID"
    abs_list="DBUS_SESSION_BUS_ADDRESS=$DB_ABSTRACT $db_list >/dev/null 2>&1; echo rc=\$?"
    P_HOSTNET=$(profile dbus-hostnet <<'EOF'
include = ["default.toml"]
[namespaces]
net = false
EOF
)
    P_HOSTNET_UNSCOPED=$(profile dbus-hostnet-unscoped <<'EOF'
include = ["default.toml"]
[namespaces]
net = false
[landlock]
scoped = false
EOF
)
    run_sbx -- sh -c "$abs_list"
    check_eq "dbus: an abstract-socket bus is unreachable from a new network namespace" "rc=1" "$OUT"
    run_sbx --profile "$P_HOSTNET_UNSCOPED" -- sh -c "$abs_list"
    check_eq "dbus: control: with the host's network and no Landlock scope, the abstract bus answers" "rc=0" "$OUT"
    DB_LL_ABI=$("$(dirname "$PROBE")/sbx-landlock-helper" abi 2>/dev/null)
    if [[ $DB_LL_ABI =~ ^[0-9]+$ ]] && [ "$DB_LL_ABI" -ge 6 ]; then
        run_sbx --profile "$P_HOSTNET" -- sh -c "$abs_list"
        check_eq "dbus: with the host's network, Landlock's scope keeps the abstract bus out of reach" "rc=1" "$OUT"
    else
        # A kernel fact: Landlock's scopes need ABI 6 (Linux 6.12).
        host_skip "dbus: with the host's network, Landlock's scope keeps the abstract bus out of reach" \
            "Landlock ABI ${DB_LL_ABI:-none} < 6"
    fi
    kill "$DB_ABS_PID" 2>/dev/null

    # Names that could become options, or are not names, are refused.
    P_BAD=$(profile dbus-bad <<'EOF'
include = ["default.toml", "dbus.toml"]
[dbus]
talk = ["--help"]
EOF
)
    db_sbx --profile "$P_BAD" -- true
    check_match "dbus: a name that would be an option is a profile error (exit 2)" \
        "^2 sbx: .*dbus-bad.toml:3:9: dbus talk entry \"--help\": " "$RC $ERR"
    db_stop
fi
