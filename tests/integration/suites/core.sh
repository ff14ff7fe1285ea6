# core.sh — the core launcher (issue 2): identity, namespaces, root filesystem,
# environment, descriptors, exit statuses and signals, profiles and errors.
# Sourced by tests/integration/run.sh, which provides the TAP helpers.

# ---------------------------------------------------------------------------
# The main job and the command line
# ---------------------------------------------------------------------------
run_sbx -- sh -c 'id; ls /'
check_rc "default profile: sh -c 'id; ls /' exits 0" 0
check_match "default profile: id reports the caller's uid" "^uid=$U\(" "$OUT"
LS_ROOT=$(sed 1d <<<"$OUT" | tr '\n' ' ')
for d in usr bin etc proc dev tmp; do
    [[ " $LS_ROOT" == *" $d "* ]] || { not_ok "default profile: / lists $d" "ls /: $LS_ROOT" "$(context)"; continue; }
    ok "default profile: / lists $d"
done
check_true "default profile: the host's /var, /root, /boot and /srv are not in /" "ls /: $LS_ROOT" \
    eval '! [[ " $LS_ROOT" =~ " "(var|root|boot|srv)" " ]]'

run_sbx --version
check_rc "--version exits 0" 0
run_sbx --sbx-it-no-such-option -- true
check_rc "an unknown option exits 2" 2
run_sbx --help
check_match "--help: the usage line shows COMMAND" "Usage: sbx \[OPTIONS\] \[COMMAND \[ARG\.\.\.\]\]" "$OUT"
# In a deleted working directory: --help and --version need no host facts;
# a launch fails with one clear line. The control: the same launch works
# once the directory exists.
mkdir "$WORK/gone"
run_in_gone() {
    LAST_CMD="(cwd deleted) sbx $*"
    (cd "$WORK/gone" && rmdir "$WORK/gone" && exec timeout -k 5 "$LIMIT" "$SBX" "$@") \
        >"$WORK/out" 2>"$WORK/err" </dev/null
    RC=$?
    OUT=$(cat "$WORK/out") ERR=$(cat "$WORK/err")
    mkdir -p "$WORK/gone"
}
run_in_gone --help
check_rc "deleted working directory: --help exits 0" 0
check_match "deleted working directory: --help prints the usage" "^Usage: sbx " "$(sed -n 2p <<<"$OUT")"
run_in_gone --version
check_match "deleted working directory: --version prints the version" "^sbx [0-9]+\.[0-9]+" "$OUT"
check_rc "deleted working directory: --version exits 0" 0
run_in_gone -- true
check_rc "deleted working directory: a launch exits 125" 125
check_match "deleted working directory: a launch says so in one line" \
    "^sbx: the current directory cannot be read \(getcwd: No such file or directory\).*cd to an existing directory" "$ERR"
check_eq "deleted working directory: the error is one line" 1 "$(wc -l <<<"$ERR")"
run_sbx_via sh -c 'cd "$0" && exec "$@"' "$WORK/gone" -- -- true
check_rc "control: the same launch in an existing directory exits 0" 0
# A setup error naming a path with an escape sequence and a carriage return
# (a mount point sbx cannot make in the read-only /usr): the path is escaped,
# nothing raw reaches the terminal. The control: the same error for a plain
# name, so the step does fail there.
run_sbx --tmpfs "/usr/sbx-it-plain" -- true
check_match "control: a tmpfs under read-only /usr fails with EROFS" \
    "^sbx: create mount point /usr/sbx-it-plain: Read-only file system$" "$ERR"
run_sbx --tmpfs "/usr/sbx-it"$'\e'"[2J"$'\r'"x" -- true
check_eq "a setup error escapes the path's control characters" \
    'sbx: create mount point /usr/sbx-it\x1b[2J\x0dx: Read-only file system' "$ERR"
run_sbx --setenv "A"$'\e'"[2J" -- true
check_eq "a command-line error escapes the option's value" \
    'sbx: --setenv: expects NAME=VALUE, got "A\x1b[2J" (see sbx --help)' "$ERR"
run_sbx "--sbx-it"$'\e'"[2J" -- true
check_eq "an unknown option is escaped in its error" \
    "sbx: unknown option --sbx-it\\x1b[2J (see sbx --help; put a command starting with '-' after --)" "$ERR"
run_sbx --ro-bind "$PDIR:/probe" /probe/sbx-probe hostname --hostname sbx-it-x
check_eq "the first non-option word ends option parsing (later words are the command's)" sandbox "$OUT"
run_sbx -- -sbx-it-dash
check_match "after --, a word starting with - is the command" \
    "^sbx: -sbx-it-dash: No such file or directory$" "$ERR"
printf 'echo "default shell: $0"; exit 3\n' >"$WORK/stdin.sh"
STDIN_FILE=$WORK/stdin.sh run_sbx
check_eq "with no command, the profile's command (/bin/sh) runs" "default shell: /bin/sh" "$OUT"
check_rc "with no command: the shell's exit status (3) is forwarded" 3

# ---------------------------------------------------------------------------
# User namespace and identity
# ---------------------------------------------------------------------------
sp -- ids
check_match "ids: inside, you are yourself (uid, gid, euid, egid)" "^uid=$U gid=$G euid=$U egid=$G groups=" "$OUT"
expect "uid_map is a single line mapping your uid to itself" "$U $U 1" uidmap
expect "gid_map is a single line mapping your gid to itself" "$G $G 1" gidmap
expect "setgroups is deny" "deny" setgroups

cat >"$WORK/as-root.toml" <<'EOF'
# sbx-it: the default profile, but root inside
include = ["default"]
[user]
uid = "root"
gid = "root"
EOF
expect "[user] uid/gid = \"root\": uid_map maps 0 to your uid" "0 $U 1" \
    --profile "$WORK/as-root.toml" -- uidmap

# A kernel that refuses user namespaces: a user namespace of our own whose
# limit for nested ones is 0 makes clone(CLONE_NEWUSER) fail as it would on
# a host with user.max_user_namespaces = 0.
LAST_CMD="unshare -Ur: max_user_namespaces=0; sbx -- true"
ERR=$(timeout -k 5 "$LIMIT" unshare -Ur sh -c \
    'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" -- true' "$SBX" 2>&1 >/dev/null)
RC=$?
check_rc "no user namespaces to be had: sbx exits 125 without running the target" 125
check_match "no user namespaces to be had: the error says which setting to check" \
    "^sbx: cannot create the sandbox's namespaces .*/proc/sys/user/max_user_namespaces" "$ERR"

# ---------------------------------------------------------------------------
# Privileges
# ---------------------------------------------------------------------------
for f in CapEff CapPrm CapInh CapBnd CapAmb; do
    expect "$f is empty" 0000000000000000 status-field "$f"
done
expect "NoNewPrivs is 1" 1 status-field NoNewPrivs
expect "mount(2) of a tmpfs fails with EPERM" EPERM try-mount
expect "the target is a session leader (new-session)" leader sid

# ---------------------------------------------------------------------------
# PID namespace and init
# ---------------------------------------------------------------------------
sp -- comm 1
# sbx names its init "sbx-init" (PR_SET_NAME); the plain binary name would
# also do. Anything else (sh, the probe, bwrap) means PID 1 is not sbx's.
check_match "PID 1 is sbx's init (/proc/1/comm is sbx-init)" '^sbx(-init)?$' "$OUT"
sp -- ls-pids
PIDS=$OUT
check_true "only the sandbox's processes are visible in /proc (PID 1, the target)" \
    "visible pids: '$PIDS'; expected 1 and at most two more, all below 10" \
    eval '[[ $PIDS =~ ^1( [0-9]+){1,2}$ ]] && [ "$(tr " " "\n" <<<"$PIDS" | sort -n | tail -n 1)" -lt 10 ]'
if [ "$$" -gt 10 ]; then
    expect "the host's process $$ (this script) is not visible" ENOENT access "/proc/$$"
else
    # A host fact: a pid this small could also be a sandbox pid.
    host_skip "the host's process $$ (this script) is not visible" "pid $$ is too small to tell"
fi

sp -- zombies 200
check_eq "200 orphaned zombies are all reaped by init" 0 "$OUT"

# ---------------------------------------------------------------------------
# Mount namespace and root filesystem
# ---------------------------------------------------------------------------
PLANTED=$(mktemp "${TMPDIR:-/tmp}/sbx-it-planted.XXXXXX")
check_true "sanity: the planted file exists on the host" "$PLANTED missing" test -e "$PLANTED"
expect "a file planted in the host's /tmp is invisible" ENOENT access "$PLANTED"
rm -f "$PLANTED"

expect "/ is read-only (EROFS)" EROFS try-write /sbx-it-file
expect "/usr is read-only (EROFS)" EROFS try-write /usr/sbx-it-file
expect "/etc/passwd (a file entry) is read-only (EROFS)" EROFS try-write /etc/passwd
expect "/tmp is writable" ok try-write /tmp/sbx-it-file
expect "\$HOME is writable" ok try-write "$HOME/sbx-it-file"
check_true "writes to the sandbox's \$HOME do not reach the host's" \
    "$HOME/sbx-it-file exists on the host" test ! -e "$HOME/sbx-it-file"
expect "the working directory defaults to \$HOME" "$HOME" cwd
expect "--chdir sets the working directory" /tmp --chdir /tmp -- cwd

RW=$WORK/rw
mkdir "$RW"
expect "--bind: a host directory is writable inside" ok --bind "$RW" -- try-write "$RW/from-inside"
check_eq "--bind: the write is visible on the host" "written by sbx-probe" \
    "$(cat "$RW/from-inside" 2>&1)"
check_eq "--bind: the file belongs to the caller on the host" "$U" "$(stat -c %u "$RW/from-inside" 2>&1)"
expect "--bind SRC:DST: writable at DST" ok --bind "$RW:/mnt/rw" -- try-write /mnt/rw/at-dst
check_true "--bind SRC:DST: the write lands in SRC on the host" "$RW/at-dst missing" test -f "$RW/at-dst"

RO=$WORK/ro
mkdir "$RO"
echo hello >"$RO/existing"
expect "--ro-bind: a host directory is readable inside" hello --ro-bind "$RO" -- read "$RO/existing"
expect "--ro-bind: a host directory is not writable inside (EROFS)" EROFS \
    --ro-bind "$RO" -- try-write "$RO/from-inside"
check_true "--ro-bind: nothing was written on the host" "$RO/from-inside exists" test ! -e "$RO/from-inside"
expect "--tmpfs: a fresh writable tmpfs" ok --tmpfs /opt/scratch -- try-write /opt/scratch/f

sp -- mount-opts /
check_opts "the root is mounted ro" "$OUT" ro
sp -- mount-opts /usr
check_opts "/usr is mounted ro,nosuid,nodev" "$OUT" ro nosuid nodev
sp --bind "$RW" -- mount-opts "$RW"
check_opts "--bind is mounted rw,nosuid,nodev" "$OUT" rw nosuid nodev
sp --ro-bind "$RO" -- mount-opts "$RO"
check_opts "--ro-bind is mounted ro,nosuid,nodev" "$OUT" ro nosuid nodev

DEV_MISSING=""
for d in null zero full random urandom tty ptmx pts shm fd stdin stdout stderr; do
    sp -- access "/dev/$d"
    [ "$OUT" = exists ] || DEV_MISSING+=" /dev/$d($OUT)"
done
check_eq "/dev has null zero full random urandom tty ptmx pts shm fd stdin stdout stderr" "" "$DEV_MISSING"
expect "/dev/null is writable" ok try-write /dev/null
for d in kmsg loop-control; do
    if [ -e "/dev/$d" ]; then
        expect "the host's /dev/$d is not in the sandbox's /dev" ENOENT access "/dev/$d"
    else
        # A host fact: nothing to hide.
        host_skip "the host's /dev/$d is not in the sandbox's /dev" "no /dev/$d on this host"
    fi
done

run_sbx --tmpfs /usr/sbx-it-cannot-create -- true
check_rc "a failing setup step (mount point under the read-only /usr) exits 125" 125
check_match "a failing setup step: one 'sbx: ' error line naming the path" \
    "^sbx: [^"$'\n'"]*/usr/sbx-it-cannot-create[^"$'\n'"]*$" "$ERR"

CLIDIR=$WORK/cli-cwd
mkdir "$CLIDIR"
cd "$CLIDIR" || bail "cd $CLIDIR"
expect "--profile cli: the working directory is the caller's cwd" "$CLIDIR" --profile cli -- cwd
expect "--profile cli: the cwd is writable inside" ok --profile cli -- try-write "$CLIDIR/cli-file"
cd "$WORK" || bail "cd $WORK"
check_true "--profile cli: the write is visible on the host" "$CLIDIR/cli-file missing" test -f "$CLIDIR/cli-file"

MOUNTS_BEFORE=$(cat /proc/self/mountinfo)
sp --bind "$RW" --tmpfs /opt/t -- exit 0
MOUNTS_AFTER=$(cat /proc/self/mountinfo)
check_eq "no new mount appears on the host after a run" "" \
    "$(diff <(echo "$MOUNTS_BEFORE") <(echo "$MOUNTS_AFTER"))"

# ---------------------------------------------------------------------------
# Network, IPC and UTS namespaces
# ---------------------------------------------------------------------------
expect "only the loopback interface exists" lo ifaces
expect "lo is up" up ifflags lo

LISTEN_OUT=$WORK/listen.out
"$PROBE" listen 127.0.0.1 0 30 >"$LISTEN_OUT" 2>&1 &
LISTENER=$!
BG_PIDS+=("$LISTENER")
if wait_line "$LISTEN_OUT" '^listening [0-9]+$' 10 "$LISTENER"; then
    PORT=$(awk '/^listening/ {print $2}' "$LISTEN_OUT")
    check_eq "sanity: the host listener on 127.0.0.1:$PORT is reachable from the host" ok \
        "$("$PROBE" connect 127.0.0.1 "$PORT")"
    expect "a host loopback listener is unreachable from inside (ECONNREFUSED)" ECONNREFUSED \
        connect 127.0.0.1 "$PORT"
    expect "--share-net: the host loopback listener is reachable" ok --share-net -- connect 127.0.0.1 "$PORT"
else
    not_ok "host loopback listener could not be started" "$(cat "$LISTEN_OUT")"
fi
kill "$LISTENER" 2>/dev/null
wait "$LISTENER" 2>/dev/null

SHM_ID=$("$PROBE" shm-create "$SHM_KEY")
check_match "sanity: a SysV shm segment created on the host (key $SHM_KEY)" '^[0-9]+$' "$SHM_ID"
check_eq "sanity: the segment is found on the host" present "$("$PROBE" shm-find "$SHM_KEY")"
expect "the host's SysV shm segment is invisible inside" absent shm-find "$SHM_KEY"
"$PROBE" shm-remove "$SHM_KEY" >/dev/null

HOST_NAME=$(uname -n)
sp -- hostname
check_eq "the hostname is the profile's (sandbox)" sandbox "$OUT"
check_ne "the hostname differs from the host's ($HOST_NAME)" "$HOST_NAME" "$OUT"
expect "--hostname sets the hostname" sbx-it-host --hostname sbx-it-host -- hostname

# ---------------------------------------------------------------------------
# Environment and descriptors
# ---------------------------------------------------------------------------
SBX_IT_SECRET=leaked expect "a variable not on the allow-list is absent" "<unset>" getenv SBX_IT_SECRET
TERM=sbx-it-term expect "an allow-listed variable (TERM) is passed" sbx-it-term getenv TERM
LC_SBXIT=yes expect "an allow-listed prefix (LC_*) is passed" yes getenv LC_SBXIT
expect "PATH is the profile's" "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin" getenv PATH
expect "--setenv sets a variable" "b=c" --setenv SBX_IT_A=b=c -- getenv SBX_IT_A
expect "--unsetenv removes a variable" "<unset>" --unsetenv HOME -- getenv HOME

sp -- environ
WANT_ENV=$( { printf '%s\n' HOME LOGNAME PATH SHELL USER
             compgen -e | grep -E '^(TERM|COLORTERM|NO_COLOR|LANG|LANGUAGE|LC_.*|TZ)$'; } | LC_ALL=C sort -u | tr '\n' ' ')
check_eq "the environment is exactly the profile's variables plus the kept host ones" \
    "$WANT_ENV" "$(tr ' ' '\n' <<<"$OUT" | LC_ALL=C sort -u | tr '\n' ' ')"

# Who you are comes from /etc/passwd, which sbx reads itself: your entry
# there wins over $HOME and $USER; a uid it does not list is looked up in
# NSS (tests/escape/home.sh), and a uid no database knows gets $USER and
# $HOME, when $HOME is a directory of its own. Such a uid is made here with
# a user namespace around sbx (unshare --map-user), in which the test
# user's files are the uid's.
ME=$(id -un) PW_HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
HOME=/tmp/sbx-it-elsewhere USER=sbx-it-other run_sbx -- sh -c 'echo "$HOME $USER"; id -un'
check_eq "your /etc/passwd entry names you and your home, whatever \$HOME and \$USER say" \
    "$PW_HOME $ME"$'\n'"$ME" "$OUT"
GHOST_ID=4242
if getent passwd "$GHOST_ID" >/dev/null; then
    # A host fact: the host's password database lists the uid.
    host_skip "a uid /etc/passwd does not list gets \$HOME and \$USER" "uid $GHOST_ID is in the password database here"
elif ! unshare -U --map-user="$GHOST_ID" --map-group="$GHOST_ID" true 2>/dev/null; then
    # A host fact: the host's unshare(1) (util-linux < 2.38) cannot map the uid.
    host_skip "a uid /etc/passwd does not list gets \$HOME and \$USER" "unshare --map-user cannot make uid $GHOST_ID here"
else
    mkdir -p "$WORK/ghost-home"
    HOME=$WORK/ghost-home USER=sbx-it-ghost run_sbx_via unshare -U --map-user="$GHOST_ID" --map-group="$GHOST_ID" \
        -- -- sh -c 'echo "$HOME $USER"; id -un; pwd'
    check_eq "a uid /etc/passwd does not list gets \$HOME and \$USER (its name and home inside)" \
        "$WORK/ghost-home sbx-it-ghost"$'\n'"sbx-it-ghost"$'\n'"$WORK/ghost-home" "$OUT"
fi

check_eq "sanity: fd 7 is open in a probe started on the host with 7</etc/hostname" open \
    "$("$PROBE" fd-open 7 7</etc/hostname)"
sp -- fd-open 7 7</etc/hostname
check_eq "an fd inherited by the launcher (7) is not open inside" closed "$OUT"
sp -- fds 7</etc/hostname 9</etc/hostname
check_eq "only fds 0 1 2 are open in the target" "0 1 2" "$OUT"

# ---------------------------------------------------------------------------
# Exit statuses and signals
# ---------------------------------------------------------------------------
for n in 0 1 42; do
    sp -- exit "$n"
    check_rc "exit status $n is forwarded" "$n"
done
for s in 9 15; do
    sp -- kill-self "$s"
    check_rc "death by signal $s is forwarded as $((128 + s))" $((128 + s))
done
# The launcher supervises a sandbox itself until its setup is over and
# then hands it over to sbx-supervise; both ways the status comes through.
# (Whether a short one is over before the hand-over depends on the machine's
# speed, so it is measured by bench/run, not asserted here.)
run_sbx -- sh -c 'exit 42'
check_rc "a short sandbox: the launcher forwards its status (42)" 42
run_sbx --verbose -- sh -c 'sleep 0.3; exit 43'
check_rc "a sandbox running past its setup: sbx-supervise forwards its status (43)" 43
check_eq "... after the launcher handed it over" 1 "$(grep -c 'exec sbx-supervise' <<<"$ERR")"
run_sbx -- sh -c 'sleep 0.3; kill -TERM $$'
check_rc "a sandbox running past its setup: sbx-supervise forwards death by signal 15 as 143" 143

# The small supervisors are a required part of the install: an sbx that
# finds neither in libexec nor beside itself starts nothing (no silent
# fallback that no test would run).
LONELY=$WORK/lonely
mkdir "$LONELY" && cp "$SBX" "$LONELY/sbx"
# (The sanitized suite's sbx is a wrapper that runs sbx-sanitized beside it.)
[ -e "$(dirname "$SBX")/sbx-sanitized" ] && cp "$(dirname "$SBX")/sbx-sanitized" "$LONELY/"
lonely_sbx() {
    LAST_CMD="$LONELY/sbx $*"
    OUT=$("$LONELY/sbx" "$@" 2>"$WORK/err" </dev/null)
    RC=$? ERR=$(cat "$WORK/err")
}
if [ -e /usr/local/libexec/sbx/sbx-supervise ] || [ -e /usr/libexec/sbx/sbx-supervise ]; then
    # A host fact: an installed copy would be found first.
    host_skip "an sbx without its supervisors refuses to start" "sbx is installed in libexec on this host"
else
    lonely_sbx -- sh -c 'echo started'
    check_rc "an sbx without sbx-supervise beside it or in libexec exits 125" 125
    check_match "... saying what is missing" "^sbx: cannot find sbx-supervise \\(tried .*\\): sbx is not completely installed$" "$ERR"
    check_eq "... and starts nothing" "" "$OUT"
    cp "$(dirname "$SBX")/sbx-supervise" "$(dirname "$SBX")/sbx-init" "$LONELY/"
    lonely_sbx -- sh -c 'echo started'
    check_eq "control: with both beside it, the same copy runs the command" "started" "$OUT"
fi

# The sandbox's first process is a fork: what it does to itself (it makes
# itself non-dumpable) does not reach the launcher, which stays an ordinary
# process of the user's (a launcher proxying a pty stays sbx itself).
F=$WORK/dumpable.out
bg_sbx "$F" --pty -- sh -c 'echo ready; exec sleep 30'
if wait_line "$F" '^ready' 10 "$BG_PID"; then
    INIT=$(children_of "$BG_PID")
    # The kernel gives a non-dumpable process's /proc/PID files to root.
    check_eq "the launcher is still dumpable while its sandbox runs (/proc/PID/status is its user's)" \
        "$(id -u)" "$(stat -c %u "/proc/$BG_PID/status")"
    check_eq "control: the sandbox's PID 1 is not dumpable (its /proc/PID/status is root's)" \
        "0" "$(stat -c %u "/proc/${INIT:-none}/status" 2>&1)"
else
    not_ok "the launcher is still dumpable while its sandbox runs" "the sandbox did not start" "$(cat "$F.err")"
fi
kill -KILL "$BG_PID" 2>/dev/null
wait "$BG_PID" 2>/dev/null

EXE=$WORK/noexec
mkdir "$EXE"
printf '#!/bin/sh\necho hi\n' >"$EXE/script"
chmod 0644 "$EXE/script"
run_sbx --ro-bind "$EXE" -- "$EXE/script"
check_rc "a command that is not executable exits 126" 126
run_sbx -- sbx-it-no-such-command
check_rc "an unknown command exits 127" 127
check_match "an unknown command: 'sbx: CMD: No such file or directory'" \
    "^sbx: sbx-it-no-such-command: No such file or directory$" "$ERR"

# "exec means success": sbx learns that the command could not be run from
# the sandbox itself (a frame on the handshake socket), never by guessing
# from an exit status, so a command that exits 127 or 125 on its own is
# just a command with that status.
run_sbx -- sh -c 'exit 127'
check_rc "a command that exits 127 by itself: status 127" 127
check_eq "... and sbx reports nothing (no 'not found' guessed from the status)" "" "$ERR"
run_sbx -- sh -c 'exit 125'
check_rc "a command that exits 125 by itself: status 125" 125
check_eq "... and sbx reports no setup failure" "" "$ERR"

# Found by the attacker review of the new process model (each failed on
# its first version):
# - sbx started in a pid namespace whose /proc is the outer one's still
#   writes its own child's id maps (not those of whoever has that pid there);
LAST_CMD="unshare --user --map-current-user --pid --fork sbx -- echo ok"
OUT=$(unshare --user --map-current-user --pid --fork "$SBX" -- echo ok 2>"$WORK/err" </dev/null)
RC=$? ERR=$(cat "$WORK/err")
check_eq "in a pid namespace without its own /proc, sbx runs its command" "ok" "$OUT"
OUT=$(unshare --user --map-current-user --pid --fork --mount-proc "$SBX" -- echo ok 2>"$WORK/err" </dev/null)
check_eq "control: with its own /proc too" "ok" "$OUT"
# - with stdin, stdout and stderr closed, nothing sbx opens takes their
#   place (its log lines went into the handshake socket);
LAST_CMD="sbx --verbose -- true <&- >&- 2>&-"
"$SBX" --verbose -- true <&- >&- 2>&-
check_rc "with fds 0-2 closed, sbx --verbose -- true exits 0" 0
# - the failed command is reported even when the profile denies sendmsg;
P_NOSEND=$(profile nosendmsg <<'EOF2'
include = ["default"]
[seccomp]
deny = ["sendmsg", "sendmmsg"]
EOF2
)
run_sbx --profile "$P_NOSEND" -- sbx-it-no-such-command
check_rc "seccomp denying sendmsg: an unknown command still exits 127" 127
check_match "... and is still reported" "^sbx: sbx-it-no-such-command: No such file or directory$" "$ERR"
# - a working directory with control characters is escaped in the error.
run_sbx --chdir "$(printf '/no\033[31mRED')" -- true
check_match "a missing working directory with an escape sequence: escaped in the one-line error" \
    '^sbx: chdir /no\\x1b\[31mRED: No such file or directory$' "$ERR"

# signal_test SIG: sends SIG to sbx once the target (trap-signal) is ready;
# the target must get it (prints "got ...", exits 42) and sbx must survive
# it to forward that status.
signal_test() {
    local sig=$1 num got f=$WORK/sig-$1.out
    num=$(kill -l "$sig")
    if [ "$sig" = TERM ]; then got="got TERM"; else got="got signal $num"; fi
    bg_sbx "$f" --ro-bind "$PDIR:/probe" -- /probe/sbx-probe trap-signal "$num" 15
    if wait_line "$f" '^ready$' 10 "$BG_PID"; then
        kill -s "$sig" "$BG_PID"
        wait_exit "$BG_PID" 10
    else
        wait_exit "$BG_PID" 1
    fi
    OUT=$(cat "$f") ERR=$(cat "$f.err")
    check_eq "SIG$sig sent to sbx reaches the target (it prints '$got')" "ready"$'\n'"$got" "$OUT"
    check_rc "SIG$sig sent to sbx: sbx survives and forwards the target's status (42)" 42
}
for sig in TERM INT HUP QUIT USR1 USR2; do signal_test "$sig"; done

F=$WORK/kill.out
bg_sbx "$F" --ro-bind "$PDIR:/probe" -- /probe/sbx-probe await 30 "$MARK-kill"
if wait_line "$F" '^ready$' 10 "$BG_PID"; then
    # Found by parentage: sbx -> init -> target (sbx and init become
    # sbx-supervise and sbx-init; the marker is in sbx's argv too).
    INIT=$(children_of "$BG_PID")
    TARGET=$(children_of "${INIT:-none}")
    BEFORE="$TARGET $INIT"
    check_match "sanity: the sandbox's processes are visible (target and init, a child of sbx)" \
        "^[0-9]+ [0-9]+\$" "$BEFORE"
    check_eq "sanity: init's child is the sandboxed process that carries the marker" \
        "${TARGET:-none}" "$(marked_pids "$MARK-kill")"
    # A sandbox still running after its setup is watched by
    # the small supervisors: the launcher has exec'd sbx-supervise, and PID 1
    # sbx-init (what keeps sbx's resident memory below bubblewrap's).
    comm_within 5 "$BG_PID" sbx-supervise
    check_eq "once the setup is over the launcher has become sbx-supervise" "sbx-supervise" "$COMM"
    comm_within 5 "${INIT:-none}" sbx-init
    check_eq "the sandbox's PID 1 is sbx-init" "sbx-init" "$COMM"
    kill -KILL "$BG_PID"
    wait "$BG_PID" 2>/dev/null
    # shellcheck disable=SC2086
    if gone_within 5 $BEFORE && no_strays_within 5; then
        ok "SIGKILL to sbx leaves no sandbox process behind"
    else
        not_ok "SIGKILL to sbx leaves no sandbox process behind" \
            "still alive 5 s later: ${SURVIVORS:-} ${STRAYS:-}" \
            "$(ps_of "${SURVIVORS:-} ${STRAYS:-}")"
    fi
else
    wait_exit "$BG_PID" 1
    OUT=$(cat "$F") ERR=$(cat "$F.err")
    not_ok "SIGKILL to sbx leaves no sandbox process behind" "the target never became ready" "$(context)"
fi

START=$SECONDS
run_sbx --ro-bind "$PDIR:/probe" -- sh -c "/probe/sbx-probe sleep 30 $MARK-left & exit 7"
ELAPSED=$((SECONDS - START))
check_rc "a target that leaves a background process behind: its status (7) is forwarded" 7
check_true "...and sbx returns promptly, without waiting for the leftover (took ${ELAPSED}s)" \
    "sbx took ${ELAPSED}s" test "$ELAPSED" -lt 10
# Whatever outlives sbx is re-parented to this (subreaper) shell.
no_strays_within 2
check_eq "no sandbox process is left behind after a run" "" "$STRAYS$(marked_pids "$MARK-left")"

# ---------------------------------------------------------------------------
# --dry-run and error reporting
# ---------------------------------------------------------------------------
DRY=$WORK/dry
mkdir "$DRY"
run_sbx --dry-run --bind "$DRY" -- sh -c "echo x > $DRY/created"
check_rc "--dry-run exits 0" 0
check_true "--dry-run prints the plan (mentions the bind and the command)" \
    "the bind source $DRY or the command is missing from the output" \
    eval '[[ "$OUT" == *"$DRY"* && "$OUT" == *"echo x"* ]]'
check_true "--dry-run runs nothing (the command did not create its file)" \
    "$DRY/created exists" test ! -e "$DRY/created"

MISSING=$WORK/sbx-it-missing-source
run_sbx --bind "$MISSING" -- true
check_true "a missing bind source: the run fails with exit status 2 or 125 (got $RC)" \
    "exit status $RC" eval '[ "$RC" = 2 ] || [ "$RC" = 125 ]'
check_match "a missing bind source: the error names the path" "^sbx: .*$MISSING" "$ERR"
check_true "a missing bind source is not created on the host" "$MISSING exists" test ! -e "$MISSING"

cat >"$WORK/bad-syntax.toml" <<'EOF'
# sbx-it: a syntax error on line 3
hostname = "x"
chdir = = "/"
EOF
run_sbx --profile "$WORK/bad-syntax.toml" -- true
check_rc "a profile with a syntax error exits 2" 2
check_match "a profile with a syntax error: 'sbx: FILE:LINE:COL: ...' at line 3" \
    "^sbx: [^ ]*bad-syntax\.toml:3:[0-9]+: " "$ERR"

cat >"$WORK/unknown-key.toml" <<'EOF'
# sbx-it: an unknown key on line 4
hostname = "x"
[namespaces]
bogus = true
EOF
run_sbx --profile "$WORK/unknown-key.toml" -- true
check_rc "a profile with an unknown key exits 2" 2
check_match "a profile with an unknown key: 'sbx: FILE:4:COL: ...' naming the key" \
    "^sbx: [^ ]*unknown-key\.toml:4:[0-9]+: .*bogus" "$ERR"

P=$(profile custom <<'EOF'
# sbx-it: include, a scalar override and the profile's command
include = ["default"]
hostname = "sbx-it-profile"
command = ["/probe/sbx-probe", "hostname"]
EOF
)
run_sbx --profile "$P" --ro-bind "$PDIR:/probe"
check_eq "a profile's command runs when none is given; its hostname overrides the included one" \
    sbx-it-profile "$OUT"

P=$(profile unknown-var <<'EOF'
chdir = "${SBX_IT_NO_SUCH_VARIABLE}"
EOF
)
run_sbx --profile "$P" -- true
check_rc "a profile with an unknown \${VARIABLE} exits 2" 2
check_match "a profile with an unknown \${VARIABLE}: 'sbx: FILE:1:COL: ...'" \
    "^sbx: [^ ]*unknown-var\.toml:1:[0-9]+: " "$ERR"

profile loop-b >/dev/null <<'EOF'
include = ["./loop-a.toml"]
EOF
P=$(profile loop-a <<'EOF'
include = ["./loop-b.toml"]
EOF
)
run_sbx --profile "$P" -- true
check_rc "an include loop exits 2" 2

run_sbx --profile sbx-it-no-such-profile -- true
check_rc "an unknown profile name exits 2" 2
check_match "an unknown profile name: the error names it" "^sbx: .*sbx-it-no-such-profile" "$ERR"

P=$(profile create <<EOF
include = ["default"]
[[mount]]
type = "bind"
source = "$WORK/created/sub"
dest = "/mnt/created"
create = true
[[mount]]
type = "bind"
source = "$WORK/sbx-it-optional-missing"
dest = "/mnt/optional"
optional = true
EOF
)
sp --profile "$P" -- try-write /mnt/created/f
check_eq "create = true: a missing bind source is created, and the bind works" ok "$OUT"
check_eq "create = true: the created source is a 0700 directory owned by the caller" "700 $U" \
    "$(stat -c '%a %u' "$WORK/created/sub" 2>&1)"
check_true "optional = true: a missing source is skipped, not created" \
    "$WORK/sbx-it-optional-missing exists" test ! -e "$WORK/sbx-it-optional-missing"
