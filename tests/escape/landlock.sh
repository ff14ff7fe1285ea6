# landlock.sh — Landlock as defense in depth (issue 3): attacks that only
# Landlock stops, each next to a weakened-profile control that shows the same
# attempt succeeding without it. Sourced by tests/integration/run.sh.
#
# Landlock is what denies here, not the mounts: the binds and tmpfs mounts
# used are writable and not noexec (the `enabled = false` controls run the
# very same program), the abstract socket listener is reachable from the
# host and from a sandbox without scopes, the signalled process is killable
# with `scoped = false`.

LL_HELPER="$(dirname "$PROBE")/sbx-landlock-helper"
LLH=$WORK/llh                   # the helper, bound read-only at /llh
LLDATA=$WORK/lldata             # a host folder bound read-write at /data
mkdir -p "$LLH" "$LLDATA"
if ! cp "$LL_HELPER" "$LLH/sbx-landlock-helper" 2>/dev/null; then
    not_ok "landlock: the helper $LL_HELPER is built and staged" "missing: $LL_HELPER"
    return 0
fi
LL=/llh/sbx-landlock-helper
# ll [SBX-OPTIONS...] -- HELPER-ARGS...: the helper inside the sandbox.
ll() {
    local opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    run_sbx "${opts[@]}" --ro-bind "$LLH:/llh" -- "$LL" "$@"
}
# llsh [SBX-OPTIONS...] -- SCRIPT: a shell inside, with $LL set.
llsh() {
    local opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    run_sbx "${opts[@]}" --ro-bind "$LLH:/llh" -- /bin/sh -c "LL=$LL; $1"
}

LL_ABI=$("$LL_HELPER" abi)
echo "# landlock: host ABI $LL_ABI"

# ---------------------------------------------------------------------------
# min-abi: fail closed above what the kernel has, run at or below it
# ---------------------------------------------------------------------------
P_ABI99=$(profile ll-abi99 <<'EOF'
include = ["default"]
[landlock]
min-abi = 99
EOF
)
ll --profile "$P_ABI99" -- abi
check_rc "landlock.min-abi = 99: sbx fails closed with exit 125" 125
check_eq "landlock.min-abi = 99: the target never ran" "" "$OUT"
if [[ $LL_ABI =~ ^[0-9]+$ ]]; then
    check_match "landlock.min-abi = 99: the error names the ABI found and the one required" \
        "Landlock ABI is $LL_ABI, but the profile requires ABI 99 or later \(landlock.min-abi\)" "$ERR"
else
    check_match "landlock.min-abi = 99: the error says Landlock is not available" \
        "Landlock is not available.*requires ABI 99" "$ERR"
fi
check_match "landlock.min-abi = 99: the error says how to enable Landlock" \
    "CONFIG_SECURITY_LANDLOCK.*lsm=" "$ERR"

if ! [[ $LL_ABI =~ ^[0-9]+$ ]]; then
    # A kernel fact: no Landlock, nothing to test.
    host_skip "landlock: the remaining tests" "Landlock is not available on this kernel ($LL_ABI)"
    return 0
fi

P_ABI1=$(profile ll-abi1 <<'EOF'
include = ["default"]
[landlock]
min-abi = 1
EOF
)
ll --profile "$P_ABI1" -- abi
check_rc "landlock.min-abi = 1: the target runs (exit 0)" 0
check_eq "landlock.min-abi = 1: the target runs and sees the kernel's ABI" "$LL_ABI" "$OUT"
printf 'include = ["default"]\n[landlock]\nmin-abi = %s\n' "$LL_ABI" >"$WORK/ll-abi-exact.toml"
ll --profile "$WORK/ll-abi-exact.toml" -- abi
check_rc "landlock.min-abi = the kernel's ABI ($LL_ABI): the target runs" 0

LL_SCOPES="abstract unix sockets, signals"
[ "$LL_ABI" -ge 6 ] || LL_SCOPES="none \(ABI < 6\)"
run_sbx --verbose -- true
check_match "--verbose logs the ABI found and the scopes applied" \
    "landlock: ABI $LL_ABI; every filesystem right it knows is handled \(0x[0-9a-f]+\).*scopes: $LL_SCOPES" "$ERR"
check_match "--verbose logs each rule (/usr read,execute)" "landlock: allow /usr read,execute \(0x" "$ERR"

run_sbx --dry-run
check_match "--dry-run shows Landlock on, best effort and scoped" \
    "landlock    best effort, scoped \(abstract unix sockets, signals\)" "$OUT"
check_match "--dry-run shows /usr read+execute" "  /usr: read,execute" "$OUT"
check_match "--dry-run shows /tmp read+write, no execute" "  /tmp: read,write($|
)" "$OUT"

# ---------------------------------------------------------------------------
# Execute: only read-only binds and landlock.execute
# ---------------------------------------------------------------------------
P_DATA=$(profile ll-data <<EOF
include = ["default"]
[[mount]]
type = "bind"
source = "$LLDATA"
dest = "/data"
EOF
)
P_DATA_OFF=$(profile ll-data-off <<EOF
include = ["./ll-data.toml"]
[landlock]
enabled = false
EOF
)
P_DATA_EXEC=$(profile ll-data-exec <<EOF
include = ["./ll-data.toml"]
[landlock]
execute = ["/data"]
EOF
)
cp /usr/bin/true "$LLDATA/true" && chmod 0755 "$LLDATA/true"
LAST_CMD="(host) $LL_HELPER run $LLDATA/true"
OUT=$("$LL_HELPER" run "$LLDATA/true")
check_eq "host sanity: the copy of true in the /data folder runs on the host" "ran 0" "$OUT"

ll --profile "$P_DATA" -- run /data/true
check_eq "a program in a writable bind (/data) without landlock.execute: execve fails with EACCES" EACCES "$OUT"
ll --profile "$P_DATA_OFF" -- run /data/true
check_eq "control: with [landlock] enabled = false the same program runs" "ran 0" "$OUT"
ll --profile "$P_DATA_EXEC" -- run /data/true
check_eq "control: with landlock.execute = [\"/data\"] the same program runs" "ran 0" "$OUT"

llsh -- '$LL copy /usr/bin/true /tmp/t && $LL run /tmp/t'
check_eq "default profile: a program copied into /tmp cannot be executed (EACCES)" "ok EACCES" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
llsh -- '$LL copy /usr/bin/true "$HOME/t" && $LL run "$HOME/t"'
check_eq "default profile: a program copied into the home tmpfs cannot be executed (EACCES)" "ok EACCES" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
llsh --profile "$P_DATA_OFF" -- '$LL copy /usr/bin/true /tmp/t && $LL run /tmp/t'
check_eq "control: without Landlock the copy in /tmp runs" "ok ran 0" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
ll -- run /usr/bin/true
check_eq "default profile: programs of the read-only /usr still run" "ran 0" "$OUT"

# The cli profile lets `make` run what it builds in the working directory.
cp /usr/bin/true "$WORK/ll-cli-true" && chmod 0755 "$WORK/ll-cli-true"
ll --profile cli -- run "$WORK/ll-cli-true"
check_eq "cli profile: a program in the working directory runs (landlock.execute = [\"\${PWD}\"])" "ran 0" "$OUT"
llsh --profile cli -- '$LL copy /usr/bin/true /tmp/t && $LL run /tmp/t'
check_eq "cli profile: a program copied into /tmp still cannot be executed" "ok EACCES" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"

# ---------------------------------------------------------------------------
# What Landlock must not break: writes in writable mounts, device ioctls
# ---------------------------------------------------------------------------
ll --profile "$P_DATA" -- fs-ops /data
check_eq "/data (bind): create, write, truncate, rename across dirs, fifo, socket, symlink, remove all work" ok "$OUT"
check_true "/data (bind): the writes reached the host folder and were cleaned up" "leftovers in $LLDATA" \
    test ! -e "$LLDATA/ll-a"
ll -- fs-ops /tmp
check_eq "/tmp (tmpfs): every write operation works under Landlock" ok "$OUT"
ll -- fs-ops "$HOME"
check_eq "home (tmpfs): every write operation works under Landlock" ok "$OUT"
ll --profile "$P_DATA" -- fs-ops /usr
check_eq "control: /usr (ro-bind) refuses the first write (EROFS)" "mkdir EROFS" "$OUT"
LAST_CMD="(host) $LL_HELPER ioctl-tcgets /dev/null"
check_eq "host sanity: TCGETS on /dev/null is ENOTTY" ENOTTY "$("$LL_HELPER" ioctl-tcgets /dev/null)"
ll -- ioctl-tcgets /dev/null
check_eq "device ioctls under /dev reach the driver (ENOTTY, not EACCES)" ENOTTY "$OUT"

# ---------------------------------------------------------------------------
# Scopes (ABI 6): abstract unix sockets and signals out of the sandbox
# ---------------------------------------------------------------------------
if [ "$LL_ABI" -lt 6 ]; then
    # A kernel fact: scopes came with Landlock ABI 6 (Linux 6.12).
    host_skip "landlock scopes: abstract unix sockets and signals" "Landlock ABI $LL_ABI < 6"
    return 0
fi

P_UNSCOPED=$(profile ll-unscoped <<'EOF'
include = ["default"]
[landlock]
scoped = false
EOF
)
SOCK_NAME="sbx-it-ll-$MARK"
"$LL_HELPER" ulisten "$SOCK_NAME" 15 >"$WORK/ll-listen.out" 2>&1 &
LL_LISTENER=$!
BG_PIDS+=("$LL_LISTENER")
if ! wait_line "$WORK/ll-listen.out" '^listening$' 5 "$LL_LISTENER"; then
    not_ok "host: an abstract unix socket listener starts" "$(cat "$WORK/ll-listen.out")"
else
    LAST_CMD="(host) $LL_HELPER uconnect $SOCK_NAME"
    check_eq "host sanity: connecting to the abstract socket @$SOCK_NAME works" ok "$("$LL_HELPER" uconnect "$SOCK_NAME")"
    wait_line "$WORK/ll-listen.out" '^accepted 1$' 3
    ll --share-net -- uconnect "$SOCK_NAME"
    check_eq "--share-net: connecting to a host abstract unix socket is refused by the Landlock scope (EPERM)" EPERM "$OUT"
    sleep 0.2
    check_eq "the refused connect never reached the listener (still 1 accepted)" "accepted 1" \
        "$(grep '^accepted' "$WORK/ll-listen.out" | tail -n 1)"
    ll --share-net --profile "$P_UNSCOPED" -- uconnect "$SOCK_NAME"
    check_eq "control: with [landlock] scoped = false the same connect works" ok "$OUT"
    wait_line "$WORK/ll-listen.out" '^accepted 2$' 3
    check_eq "control: the listener accepted it (2 accepted)" "accepted 2" \
        "$(grep '^accepted' "$WORK/ll-listen.out" | tail -n 1)"
    ll -- uconnect "$SOCK_NAME"
    check_eq "without --share-net the host's abstract socket is not there at all (ECONNREFUSED)" ECONNREFUSED "$OUT"
fi
kill "$LL_LISTENER" 2>/dev/null
wait "$LL_LISTENER" 2>/dev/null

# Signals: with a pid namespace host processes are not even visible, so this
# profile shares the host's pid namespace (and so has no /proc mount).
LL_NOPID_BODY=$(cat <<EOF
hostname = "sandbox"
chdir = "/"
[namespaces]
pid = false
[env.set]
PATH = "/usr/bin:/bin"
$(usr_root)
[[mount]]
type = "dev"
dest = "/dev"
[[mount]]
type = "tmpfs"
dest = "/tmp"
EOF
)
P_NOPID=$(profile ll-nopid <<<"$LL_NOPID_BODY")
P_NOPID_UNSCOPED=$(profile ll-nopid-unscoped <<EOF
$LL_NOPID_BODY
[landlock]
scoped = false
EOF
)
"$PROBE" sleep 30 "$MARK" >/dev/null 2>&1 &
LL_VICTIM=$!
BG_PIDS+=("$LL_VICTIM")
ll --profile "$P_NOPID" -- kill "$LL_VICTIM" 15
check_eq "pid = false: SIGTERM to a host process of the same user is refused by the Landlock scope (EPERM)" EPERM "$OUT"
sleep 0.2
check_true "the host process survived the refused SIGTERM" "pid $LL_VICTIM is gone" kill -0 "$LL_VICTIM"
ll --profile "$P_NOPID" -- kill "$LL_VICTIM" 0
check_eq "pid = false: even probing a host pid with signal 0 is refused (EPERM)" EPERM "$OUT"
ll --profile "$P_NOPID_UNSCOPED" -- kill "$LL_VICTIM" 15
check_eq "control: with [landlock] scoped = false the same SIGTERM is delivered" ok "$OUT"
check_true "control: the host process died of it" "pid $LL_VICTIM still alive" gone_within 5 "$LL_VICTIM"
wait "$LL_VICTIM" 2>/dev/null
