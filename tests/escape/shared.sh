# shared.sh — what a sandbox shares with the rest of the user's session
# (issue 9, part 4 and item 5): the cli profile's working directory may not
# be a folder full of other programs' sockets; sockets inside binds are
# reported; tmpfs mounts are bounded; and the user's other processes can
# still ptrace the sandbox (a limit, stated in sbx(1)); the command cannot
# take over the sandbox's PID 1.
# Sourced by tests/integration/run.sh.

SH_HELPER="$(dirname "$PROBE")/sbx-exec-helper"
SHH=$WORK/shh                   # the helper, bound read-only at /shh
mkdir -p "$SHH" "$WORK/proj" "$WORK/socks"
if ! cp "$SH_HELPER" "$SHH/x" 2>/dev/null; then
    not_ok "shared: the helper $SH_HELPER is built and staged" "missing: $SH_HELPER"
    return 0
fi
# in_dir DIR SBX-ARGS...: run_sbx started with DIR as its working directory.
in_dir() {
    local dir=$1
    shift
    pushd "$dir" >/dev/null || return
    run_sbx "$@"
    popd >/dev/null || return
}

# ---------------------------------------------------------------------------
# cli: the working directory is a project folder, never /tmp, ~ or /run
# ---------------------------------------------------------------------------
# The attack: a "tmux server" listening in /tmp, the cli profile started in
# /tmp. Landlock does not check connect() on a socket file.
SOCK_TMP=$(mktemp -u /tmp/sbx-it-tmux.XXXXXX)
bg_sbx_out=$WORK/ulisten.out
"$SH_HELPER" ulisten "$SOCK_TMP" 20 >"$bg_sbx_out" 2>&1 &
LISTENER=$!
BG_PIDS+=("$LISTENER")
if ! wait_line "$bg_sbx_out" '^listening' 5 "$LISTENER"; then
    not_ok "shared: a host listener on $SOCK_TMP" "$(cat "$bg_sbx_out")"
else
    LAST_CMD="(host) $SH_HELPER uconnect $SOCK_TMP"
    check_eq "host sanity: the listener in /tmp accepts connections" ok "$("$SH_HELPER" uconnect "$SOCK_TMP")"
    in_dir /tmp --profile cli --ro-bind "$SHH:/shh" -- /shh/x uconnect "$SOCK_TMP"
    check_rc "cli started in /tmp: refused with exit 2" 2
    check_eq "cli started in /tmp: nothing ran, so nothing connected to the socket" "" "$OUT"
    check_match "cli started in /tmp: one line that says why and what to do" \
        "^sbx: cli: refusing to bind /tmp read-write as the working directory: it holds other programs' sockets \(tmux, ssh-agent, X11.*\); cd into a project folder, or bind /tmp explicitly with --bind /tmp if you mean it$" \
        "$ERR"
    # The explicit bind stays allowed, and is the door the refusal keeps shut.
    in_dir /tmp --profile cli --bind /tmp --ro-bind "$SHH:/shh" -- /shh/x uconnect "$SOCK_TMP"
    check_eq "control: cli with an explicit --bind /tmp runs, and reaches the socket (Landlock cannot stop it)" \
        ok "$OUT"
    in_dir /tmp --profile cli --bind /tmp --dry-run -- true
    check_match "--dry-run: the explicit bind of /tmp is reported with the user's sockets in it" \
        "sbx: bind /tmp -> /tmp: [0-9]+ (or more )?Unix sockets? of yours inside \(.*: the sandbox can connect to whatever listens on them" \
        "$ERR"
fi
kill "$LISTENER" 2>/dev/null
rm -f "$SOCK_TMP"

in_dir "$HOME" --profile cli -- true
check_rc "cli started in the home folder ($HOME): refused with exit 2" 2
check_match "cli started in the home folder: the error names it" \
    "^sbx: cli: refusing to bind $HOME read-write as the working directory" "$ERR"
in_dir /var --profile cli -- true
check_rc "cli started in /var (holds /var/tmp): refused with exit 2" 2
check_match "cli started in /var: the error names the shared folder inside" "it contains /var/tmp, which holds" "$ERR"
in_dir "$WORK/proj" --profile cli --ro-bind "$PDIR:/probe" -- /probe/sbx-probe cwd
check_eq "control: cli started in a project folder runs there" "$WORK/proj" "$OUT"

# The attack: cli started in a project folder that holds a socket of the
# user's below a subfolder (`tmux -S run/tmux.sock`, an ssh ControlPath, a
# folder such as /tmp/tmux-UID itself): the shared-folder list does not
# name it, and the socket report runs only with --dry-run or --verbose, so
# the sandbox reached the server (tmux runs commands for whoever connects).
mkdir -p "$WORK/proj2/run"
"$SH_HELPER" ulisten "$WORK/proj2/run/tmux.sock" 20 >"$WORK/ulisten3.out" 2>&1 &
LISTENER=$!
BG_PIDS+=("$LISTENER")
if wait_line "$WORK/ulisten3.out" '^listening' 5 "$LISTENER"; then
    LAST_CMD="(host) $SH_HELPER uconnect $WORK/proj2/run/tmux.sock"
    check_eq "host sanity: the listener in the project's subfolder accepts connections" ok \
        "$("$SH_HELPER" uconnect "$WORK/proj2/run/tmux.sock")"
    in_dir "$WORK/proj2" --profile cli --ro-bind "$SHH:/shh" -- /shh/x uconnect "$WORK/proj2/run/tmux.sock"
    check_rc "cli started in a folder holding a socket of the user's (below a subfolder): refused with exit 2" 2
    check_eq "... nothing ran, so nothing connected to the socket" "" "$OUT"
    check_match "... one line naming the socket and what to do" \
        "^sbx: cli: refusing to bind $WORK/proj2 read-write as the working directory: it holds 1 Unix socket of yours \($WORK/proj2/run/tmux.sock\).*--bind $WORK/proj2 if you mean it$" \
        "$ERR"
    in_dir "$WORK/proj2/run" --profile cli -- true
    check_rc "cli started in the socket's own folder (as /tmp/tmux-UID): refused" 2
    in_dir "$WORK/proj2" --profile cli --bind "$WORK/proj2" --ro-bind "$SHH:/shh" -- \
        /shh/x uconnect "$WORK/proj2/run/tmux.sock"
    check_eq "control: with an explicit --bind of the folder the sandbox reaches the socket" ok "$OUT"
else
    not_ok "shared: a host listener in $WORK/proj2/run" "$(cat "$WORK/ulisten3.out")"
fi
kill "$LISTENER" 2>/dev/null
rm -f "$WORK/proj2/run/tmux.sock"  # the next suites may start cli in a folder above it

# ---------------------------------------------------------------------------
# The socket report: --dry-run and --verbose name sockets inside binds
# ---------------------------------------------------------------------------
"$SH_HELPER" ulisten "$WORK/socks/agent.sock" 20 >"$WORK/ulisten2.out" 2>&1 &
LISTENER=$!
BG_PIDS+=("$LISTENER")
mkdir -p "$WORK/socks/deep/er"
if wait_line "$WORK/ulisten2.out" '^listening' 5 "$LISTENER"; then
    run_sbx --dry-run --bind "$WORK/socks:/s" -- true
    check_match "--dry-run: a bind holding a socket of the user's is reported, with its path" \
        "^sbx: bind $WORK/socks -> /s: 1 Unix socket of yours inside \($WORK/socks/agent.sock\)" "$ERR"
    run_sbx --verbose --ro-bind "$WORK/socks:/s" -- true
    check_match "--verbose: a read-only bind is reported too (connect() needs no write access to the mount)" \
        "bind $WORK/socks -> /s: 1 Unix socket of yours inside" "$ERR"
    run_sbx --ro-bind "$WORK/socks:/s" -- true
    check_eq "a plain launch scans nothing and says nothing" "" "$ERR"
    run_sbx --dry-run --bind "$WORK/proj:/p" -- true
    check_eq "control: a bind without sockets is not reported" "" "$(grep -i 'socket' <<<"$ERR")"
else
    not_ok "shared: a host listener in $WORK/socks" "$(cat "$WORK/ulisten2.out")"
fi
kill "$LISTENER" 2>/dev/null

# ---------------------------------------------------------------------------
# tmpfs sizes: the shipped profiles bound /tmp, the home and /dev/shm
# ---------------------------------------------------------------------------
MEM_KB=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
WANT20=$(( (MEM_KB * 1024 / 100 * 20) & ~4095 ))
WANT10=$(( (MEM_KB * 1024 / 100 * 10) & ~4095 ))
run_sbx --dry-run -- true
check_match "--dry-run of the default profile: /tmp is 20% of the memory ($WANT20 bytes)" \
    "tmpfs /tmp mode 01777 size $WANT20 " "$OUT"
check_match "--dry-run of the default profile: the home is 20% of the memory" \
    "tmpfs $HOME mode 0700 size $WANT20 " "$OUT"
check_match "--dry-run of the default profile: /dev/shm is 10% of the memory ($WANT10 bytes)" \
    "dev /dev shm-size $WANT10 " "$OUT"

P_SMALL=$(profile sh-small <<'EOF2'
include = ["default"]
[[mount]]
type = "tmpfs"
dest = "/tmp"
mode = "1777"
size = "1M"
[[mount]]
type = "tmpfs"
dest = "${HOME}"
mode = "0700"
size = "1M"
[[mount]]
type = "dev"
dest = "/dev"
shm-size = "1M"
EOF2
)
for dir in /tmp /dev/shm '$HOME'; do
    run_sbx --profile "$P_SMALL" -- /bin/sh -c "dd if=/dev/zero of=$dir/f bs=64k count=32 2>&1; echo rc=\$?"
    check_match "a 1M size bound on $dir: writing 2M fails with ENOSPC" "No space left on device.*rc=1$" \
        "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
    run_sbx -- /bin/sh -c "dd if=/dev/zero of=$dir/f bs=64k count=32 2>/dev/null; echo rc=\$?"
    check_eq "control: the default profile lets 2M be written to $dir" "rc=0" "$OUT"
done

# /dev itself is a tmpfs the sandbox may write (bubblewrap's is too). It
# had the kernel's default size, half of the memory, beside the bounded
# ones: the sandbox filled RAM through /dev/f. It holds only device nodes,
# links and mount points, so 1 MiB is plenty.
run_sbx -- /bin/sh -c 'dd if=/dev/zero of=/dev/f bs=64k count=32 2>&1; echo rc=$?'
check_match "/dev (the tmpfs itself) is bounded: writing 2M there fails with ENOSPC" \
    "No space left on device.*rc=1$" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
run_sbx -- /bin/sh -c 'dd if=/dev/zero of=/dev/f bs=64k count=8 2>/dev/null && echo rc=$? && ls /dev/null /dev/pts/ptmx'
check_eq "control: 512K fit in /dev, and its nodes and devpts are there" "rc=0
/dev/null
/dev/pts/ptmx" "$OUT"

# ---------------------------------------------------------------------------
# ptrace: the target cannot attach to PID 1; the user's host processes can
# (they own the user namespace). What sbx(1) SECURITY says.
# ---------------------------------------------------------------------------
P_PTRACE=$(profile sh-ptrace <<'EOF2'
include = ["default"]
[seccomp]
allow = ["ptrace"]
EOF2
)
run_sbx --profile "$P_PTRACE" --ro-bind "$SHH:/shh" -- /shh/x ptrace child
check_eq "control: with ptrace allowed, the target can attach to a child of its own" ok "$OUT"
run_sbx --profile "$P_PTRACE" --ro-bind "$SHH:/shh" -- /shh/x ptrace 1
check_eq "the target cannot attach to the sandbox's PID 1 (not dumpable, no capability)" EPERM "$OUT"
F=$WORK/ptrace-bg.out
bg_sbx "$F" --ro-bind "$PDIR:/probe" -- /probe/sbx-probe await 20 "$MARK-ptrace"
TARGET=""
for _ in $(seq 100); do
    TARGET=$(marked_pids "$MARK-ptrace" | awk '{print $NF}')
    [ -n "$TARGET" ] && [ "$(ps -o comm= -p "$TARGET")" = sbx-probe ] && break
    TARGET=""
    sleep 0.05
done
YAMA=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
if [ -z "$TARGET" ]; then
    not_ok "shared: the sandboxed probe to attach to is running" "$(cat "$F" "$F.err")"
elif [ "$YAMA" -ge 3 ]; then
    # A host fact: Yama forbids every ptrace, the control cannot run.
    host_skip "the user's host processes can ptrace the sandbox's PID 1" "Yama ptrace_scope is $YAMA (no ptrace at all)"
else
    INIT=$(ps -o ppid= -p "$TARGET" | tr -d ' ')
    LAST_CMD="(host) $SH_HELPER ptrace $INIT  # sbx-init of the sandbox, $(ps -o comm= -p "$INIT")"
    check_eq "limit: a host process of the same user can attach to the sandbox's PID 1, non-dumpable as it is" \
        ok "$("$SH_HELPER" ptrace "$INIT")"
fi
kill -KILL "$BG_PID" 2>/dev/null

# ---------------------------------------------------------------------------
# The target against the sandbox's PID 1 (attacker review, 2026-11-29): the
# command starts while PID 1 is still exec'ing sbx-init, and an exec makes
# a process dumpable until it says otherwise. A target of the same uid that
# opened /proc/1/mem read-write in that window could run code in PID 1,
# which has no seccomp filter, no no_new_privs and no Landlock. With Landlock
# on, its ptrace rule stopped it; with Landlock off (a kernel without it, the
# default min-abi 0) it worked now and then (1 launch in 6 with the old sbx).
# PID 1 now keeps one capability the target lacks (CAP_KILL), and the
# kernel never lets a process open the memory of one with more.
# ---------------------------------------------------------------------------
P_NOLL=$(profile noll <<'EOF2'
include = ["default"]
[landlock]
enabled = false
EOF2
)
opened=0
for i in 1 2 3 4 5 6 7 8; do
    run_sbx --profile "$P_NOLL" --ro-bind "$PDIR:/probe" -- /probe/sbx-probe proc-mem 1 150
    case $OUT in opened*) opened=$((opened + 1)) ;; esac
done
check_eq "Landlock off: the command never opens /proc/1/mem read-write while PID 1 execs sbx-init (8 launches, 150 ms each)" \
    0 "$opened"
run_sbx --profile "$P_NOLL" --ro-bind "$PDIR:/probe" -- /probe/sbx-probe proc-mem self 10
check_match "control: the same probe opens its own /proc/self/mem read-write" "^opened after" "$OUT"
# The command may start while PID 1 is still between its clone and the exec
# of sbx-init (with the capabilities it builds the sandbox with): wait for
# the exec before reading what init keeps.
AFTER_INIT_EXEC='i=0; until [ "$(cat /proc/1/comm)" = sbx-init ] || [ $i -ge 500 ]; do i=$((i+1)); done'
run_sbx --profile "$P_NOLL" -- sh -c "$AFTER_INIT_EXEC; grep ^CapPrm: /proc/1/status /proc/self/status"
check_match "sbx-init holds CAP_KILL in the sandbox's namespace (and nothing else), the command nothing" \
    $'^/proc/1/status:CapPrm:\t0000000000000020\n/proc/self/status:CapPrm:\t0000000000000000$' "$OUT"
# A profile that lets the command keep CAP_KILL: init keeps another one
# (the lowest the command does not have), so the command's set is still no
# superset of init's.
P_KK=$(profile keepkill <<'EOF2'
include = ["default"]
[landlock]
enabled = false
[capabilities]
keep = ["CAP_KILL"]
EOF2
)
opened=0
for i in 1 2 3 4; do
    run_sbx --profile "$P_KK" --ro-bind "$PDIR:/probe" -- /probe/sbx-probe proc-mem 1 150
    case $OUT in opened*) opened=$((opened + 1)) ;; esac
done
check_eq "the command keeping CAP_KILL, Landlock off: still never opens /proc/1/mem (4 launches)" 0 "$opened"
run_sbx --profile "$P_KK" -- sh -c "$AFTER_INIT_EXEC; grep ^CapPrm: /proc/1/status /proc/self/status"
check_match "... init then keeps CAP_CHOWN, the command CAP_KILL" \
    $'^/proc/1/status:CapPrm:\t0000000000000001\n/proc/self/status:CapPrm:\t0000000000000020$' "$OUT"
