# seccomp.sh — the seccomp escape suite (issue 3): every filtered system
# call, tried from inside the default and the browser profile, must get the
# filter's answer; the same calls with `[seccomp] policy = "none"` must not,
# which proves each attack would be seen if the filter missed it. Also
# --dry-run, --export-seccomp (loaded by bwrap, and run here through a BPF
# interpreter for the i386/x32 parts and foreign ABIs), allow / deny / log /
# nested-userns, and TIOCSTI on a real terminal.
# Sourced by tests/integration/run.sh, which provides the TAP helpers.
#
# The calls and their arguments live in tests/probe/sbx-try-syscall.c: an
# unfiltered call fails harmlessly with its own errno (EFAULT, EINVAL...).

TRY_BIN="$(dirname "$PROBE")/sbx-try-syscall"
if [ ! -x "$TRY_BIN" ]; then
    not_ok "seccomp: the sbx-try-syscall helper is built next to the probe" "missing: $TRY_BIN"
    return 0
fi
SC_DIR=$WORK/seccomp
mkdir -p "$SC_DIR/bin" && cp "$TRY_BIN" "$SC_DIR/bin/sbx-try-syscall"
TRY=$SC_DIR/bin/sbx-try-syscall

# NAME=BLOCKED: the result the default policy must give.
SC_ATTACKS=(
    add_key=EPERM keyctl=EPERM request_key=EPERM
    init_module=EPERM finit_module=EPERM delete_module=EPERM kexec_load=EPERM kexec_file_load=EPERM
    bpf=EPERM perf_event_open=EPERM userfaultfd=EPERM
    io_uring_setup=ENOSYS io_uring_enter=ENOSYS io_uring_register=ENOSYS
    ptrace=EPERM ptrace-nopid=EPERM process_vm_readv=EPERM process_vm_writev=EPERM pidfd_getfd=EPERM
    personality=EPERM personality-highbits=EPERM
    acct=EPERM swapon=EPERM swapoff=EPERM reboot=EPERM
    settimeofday=EPERM clock_settime=EPERM clock_adjtime=EPERM adjtimex=EPERM
    syslog=EPERM vhangup=EPERM quotactl=EPERM nfsservctl=EPERM lookup_dcookie=EPERM uselib=EPERM _sysctl=EPERM
    iopl=EPERM ioperm=EPERM modify_ldt=EPERM name_to_handle_at=EPERM open_by_handle_at=EPERM
    move_pages=EPERM mbind=EPERM get_mempolicy=EPERM set_mempolicy=EPERM migrate_pages=EPERM
    mount=EPERM umount2=EPERM pivot_root=EPERM
    open_tree=ENOSYS move_mount=ENOSYS fsopen=ENOSYS fsconfig=ENOSYS fsmount=ENOSYS fspick=ENOSYS
    mount_setattr=ENOSYS clone3=ENOSYS
    unshare=EPERM unshare-invalid=EPERM clone=EPERM
    socket-packet=EAFNOSUPPORT socket-packet-highbits=EAFNOSUPPORT socket-alg=EAFNOSUPPORT
    socket-vsock=EAFNOSUPPORT socket-bluetooth=EAFNOSUPPORT socket-packet-raw=EAFNOSUPPORT
    ioctl-tiocsti=EPERM ioctl-tiocsti-highbits=EPERM ioctl-tioclinux=EPERM tiocsti-pty=EPERM
    ioctl-tiocsetd=EPERM ioctl-tiocsetd-highbits=EPERM ioctl-tiocexcl=EPERM ioctl-tiocexcl-highbits=EPERM
    ioctl-tiocnxcl=EPERM ioctl-tioccons=EPERM
    i386:add_key=EPERM i386:keyctl=EPERM i386:ptrace=EPERM i386:mount=EPERM i386:unshare=EPERM
    i386:personality=EPERM i386:socket-packet=EAFNOSUPPORT i386:socketcall-packet=EAFNOSUPPORT
    i386:ioctl-tiocsti=EPERM i386:ioctl-tiocsetd=EPERM i386:open_tree=ENOSYS i386:clone3=ENOSYS
    x32:add_key=EPERM x32:keyctl=EPERM x32:ptrace=EPERM x32:mount=EPERM x32:unshare=EPERM
    x32:socket-packet=EAFNOSUPPORT
)
# Calls the kernel refuses for want of a capability even unfiltered, with
# the same EPERM: only the BPF check below can see their rule.
SC_KERNEL_EPERM=" init_module finit_module delete_module kexec_load kexec_file_load acct swapon swapoff reboot "
SC_KERNEL_EPERM+=" syslog vhangup quotactl pivot_root ptrace "
# NAME=RESULT: harmless calls the default policy must let through.
SC_ALLOWED=(
    personality-query=OK personality-linux32=OK socket-unix=EINVAL socket-inet=EINVAL socket-inet6=EINVAL
    socket-netlink=EINVAL ioctl-tiocgwinsz=EBADF ioctl-tiocgetd=EBADF getcwd=OK getpid=OK
)
sc_names() { local kv; for kv in "$@"; do printf '%s ' "${kv%%=*}"; done; }

# sc_try [SBX-OPTIONS...] -- NAMES...: runs the helper inside; RES[NAME]=RESULT.
declare -A RES
sc_try() {
    local opts=() line
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    run_sbx "${opts[@]}" --ro-bind "$SC_DIR/bin:/sbx-try" -- /sbx-try/sbx-try-syscall "$@"
    RES=()
    while read -r line; do RES[${line%% *}]=${line#* }; done <<<"$OUT"
}
# sc_result NAME: the last run's result, or what the run did instead.
sc_result() { echo "${RES[$1]:-(none; exit status $RC)}"; }
# sc_profile NAME SETTING: the default profile with one [seccomp] SETTING.
sc_profile() { printf 'include = ["default"]\n[seccomp]\n%s\n' "$2" | profile "$1"; }

# What a blocked call may look like: the i386 ABI is absent on kernels
# without IA32 emulation (int $0x80 faults), which blocks it as well.
sc_blocked_ok() {  # NAME WANT GOT
    [ "$3" == "$2" ] && return 0
    [[ $1 == i386:* && $3 == ENOSYS-ABI ]]
}

ALL_ATTACKS=$(sc_names "${SC_ATTACKS[@]}")
# The calls that nested-userns = true lets through (CLONE_NEWUSER).
SC_NESTED_CALLS="unshare unshare-invalid clone i386:unshare x32:unshare"
ALL_ALLOWED=$(sc_names "${SC_ALLOWED[@]}")

# ---------------------------------------------------------------------------
# Every attack from inside the default and the browser profile
# ---------------------------------------------------------------------------
for sc_profile in default browser; do
    # shellcheck disable=SC2086
    sc_try --profile "$sc_profile" -- $ALL_ATTACKS $ALL_ALLOWED
    if [ "$RC" != 0 ]; then
        not_ok "$sc_profile profile: sbx-try-syscall runs inside (exit status 0)" "$(context)"
        continue
    fi
    for kv in "${SC_ATTACKS[@]}"; do
        name=${kv%%=*} want=${kv#*=} got=$(sc_result "${kv%%=*}")
        # The browser profile allows user namespaces, for the browsers' own
        # sandboxes (nested-userns = true; see sbx(1), SECURITY): its
        # unshare and clone of CLONE_NEWUSER must get through.
        if [ "$sc_profile" = browser ] && [[ " $SC_NESTED_CALLS " == *" $name "* ]]; then
            if [ "$got" != "$want" ] && [[ $got != "("* ]]; then
                ok "browser profile: $name is let through (nested-userns = true: $got)"
            else
                not_ok "browser profile: $name is let through (nested-userns = true)" "got: $got" "$(context)"
            fi
            continue
        fi
        if sc_blocked_ok "$name" "$want" "$got"; then
            ok "$sc_profile profile: $name is blocked ($got)"
        else
            not_ok "$sc_profile profile: $name is blocked ($want)" "got: $got" "$(context)"
        fi
    done
    for kv in "${SC_ALLOWED[@]}"; do
        check_eq "$sc_profile profile: $kv is let through" "${kv#*=}" "$(sc_result "${kv%%=*}")"
    done
done
[[ ${RES[i386:keyctl]:-} == ENOSYS-ABI ]] &&
    echo "# note: this kernel runs no i386 ABI (int \$0x80 faults); the i386 rules are checked in the BPF below"

# ---------------------------------------------------------------------------
# The control: the same calls with the filter off are not blocked
# ---------------------------------------------------------------------------
SC_NONE=$(profile sc-none <<'EOF'
# sbx-it: the default profile without its seccomp filter
include = ["default"]
[seccomp]
policy = "none"
EOF
)
# shellcheck disable=SC2086
sc_try --profile "$SC_NONE" -- $ALL_ATTACKS
for kv in "${SC_ATTACKS[@]}"; do
    name=${kv%%=*} want=${kv#*=} got=$(sc_result "${kv%%=*}")
    if [[ $got == "(none"* ]]; then
        not_ok "control, policy none: $name runs" "$(context)"
    elif [ "$got" = ENOSYS-ABI ]; then
        ok "control, policy none: $name: this kernel runs no i386 ABI; its rule is checked in the BPF"
    elif [ "$got" != "$want" ]; then
        ok "control, policy none: $name is not blocked ($got)"
    elif [[ $SC_KERNEL_EPERM == *" $name "* ]]; then
        ok "control, policy none: $name is refused by the kernel too ($got); its rule is checked in the BPF"
    else
        not_ok "control, policy none: $name is not blocked" "got the filter's answer without a filter: $got"
    fi
done

# ---------------------------------------------------------------------------
# --dry-run and --export-seccomp
# ---------------------------------------------------------------------------
run_sbx --dry-run -- true
check_match "--dry-run: counts the seccomp rules" $'(^|\n)seccomp +[0-9]+ rules, everything else allowed' "$OUT"
check_match "--dry-run: lists keyctl with its reason" $'\n  keyctl -> EPERM +# kernel keyrings' "$OUT"
check_match "--dry-run: lists TIOCSTI on the low 32 bits" $'\n  ioctl arg1&0xffffffff==0x5412 -> EPERM' "$OUT"
for sc_req in 0x5423:TIOCSETD 0x540c:TIOCEXCL 0x540d:TIOCNXCL 0x541d:TIOCCONS; do
    check_match "--dry-run: lists ${sc_req#*:} on the low 32 bits with its reason" \
        $'\n  ioctl arg1&0xffffffff=='"${sc_req%%:*}"' -> EPERM +# '"${sc_req#*:}"':' "$OUT"
done
check_match "--dry-run: lists clone3 -> ENOSYS" $'\n  clone3 -> ENOSYS' "$OUT"
run_sbx --profile "$SC_NONE" --dry-run -- true
check_match "--dry-run with policy none says so" $'(^|\n)seccomp +none' "$OUT"

BPF=$WORK/default.bpf
old_umask=$(umask)
umask 022
run_sbx --export-seccomp "$BPF" -- true
umask "$old_umask"
check_rc "--export-seccomp FILE exits 0" 0
bpf_size=$(stat -c %s "$BPF" 2>/dev/null || echo 0)
check_true "--export-seccomp: FILE is a non-empty array of 8-byte BPF instructions" "size: $bpf_size" \
    test "$bpf_size" -gt 0 -a $((bpf_size % 8)) -eq 0
check_eq "--export-seccomp: FILE is created 0644 (umask 022)" 644 "$(stat -c %a "$BPF" 2>/dev/null)"

# The exported filter, run over every call as the kernel would (both the
# native and the foreign ABIs, which this kernel may not run).
EVAL=$("$TRY" --eval-bpf "$BPF" $ALL_ATTACKS $ALL_ALLOWED i386:socketcall-connect badarch 2>&1)
declare -A EV=()
while read -r line; do EV[${line%% *}]=${line#* }; done <<<"$EVAL"
for kv in "${SC_ATTACKS[@]}"; do
    [ "${kv%%=*}" = tiocsti-pty ] && continue  # a libc sequence, covered by the ioctl-* entries
    check_eq "exported BPF: ${kv%%=*} -> ERRNO ${kv#*=}" "ERRNO:${kv#*=}" "${EV[${kv%%=*}]:-}"
done
for kv in "${SC_ALLOWED[@]}" i386:socketcall-connect=; do
    [ "${kv%%=*}" = getcwd ] && continue  # a libc call, not in the table
    check_eq "exported BPF: ${kv%%=*} -> ALLOW" ALLOW "${EV[${kv%%=*}]:-}"
done
check_eq "exported BPF: a call from an ABI not in the filter (arm) kills the process" KILL_PROCESS "${EV[badarch]:-}"

SC_ALLOW_KEYCTL=$(sc_profile sc-allow-keyctl 'allow = ["keyctl"]')
run_sbx --profile "$SC_ALLOW_KEYCTL" --export-seccomp "$WORK/allow-keyctl.bpf" -- true
check_eq "control: the BPF check sees a rule removed (allow = [\"keyctl\"] exports keyctl -> ALLOW)" \
    "keyctl ALLOW"$'\n'"add_key ERRNO:EPERM" "$("$TRY" --eval-bpf "$WORK/allow-keyctl.bpf" keyctl add_key)"

run_sbx --profile "$SC_NONE" --export-seccomp "$WORK/none.bpf" -- true
check_rc "--export-seccomp with policy none exits 2" 2
check_match "--export-seccomp with policy none: says there is no filter" 'policy is "none": there is no filter' "$ERR"

# bwrap --seccomp FD loads the exported file.
if bw_err=$(timeout 10 bwrap --ro-bind / / --unshare-user -- true 2>&1); then
    LAST_CMD="bwrap --ro-bind / / --unshare-user --seccomp 9 -- sbx-try-syscall keyctl getpid socket-packet 9<$BPF"
    OUT=$(timeout 10 bwrap --ro-bind / / --unshare-user --seccomp 9 -- "$TRY" keyctl getpid socket-packet 9<"$BPF" 2>&1)
    RC=$?
    check_eq "bwrap --seccomp FD accepts the exported filter and enforces it" \
        "keyctl EPERM"$'\n'"getpid OK"$'\n'"socket-packet EAFNOSUPPORT" "$OUT"
    OUT=$(timeout 10 bwrap --ro-bind / / --unshare-user -- "$TRY" keyctl 2>&1)
    check_eq "control: bwrap without the filter lets keyctl through" "keyctl EFAULT" "$OUT"
else
    skip "bwrap --seccomp FD enforces the exported filter" "bwrap cannot run here: $bw_err"
fi

# ---------------------------------------------------------------------------
# Profile adjustments
# ---------------------------------------------------------------------------
sc_try --profile "$SC_ALLOW_KEYCTL" -- keyctl add_key
check_eq "allow = [\"keyctl\"]: keyctl gets through" EFAULT "$(sc_result keyctl)"
check_eq "allow = [\"keyctl\"]: add_key is still blocked" EPERM "$(sc_result add_key)"

SC_DENY=$(sc_profile sc-deny 'deny = ["getcwd:EACCES"]')
sc_try --profile "$SC_DENY" -- getcwd getpid
check_eq "deny = [\"getcwd:EACCES\"]: getcwd fails with EACCES" EACCES "$(sc_result getcwd)"
check_eq "deny = [\"getcwd:EACCES\"]: getpid is unaffected" OK "$(sc_result getpid)"

SC_KILL=$(sc_profile sc-kill 'deny = ["getcwd:kill"]')
sc_try --profile "$SC_KILL" -- getpid getcwd
check_eq "deny = [\"getcwd:kill\"]: getcwd kills the process (SIGSYS)" KILLED:SIGSYS "$(sc_result getcwd)"
check_eq "deny = [\"getcwd:kill\"]: getpid is unaffected" OK "$(sc_result getpid)"

SC_LOG=$(sc_profile sc-log 'log = true')
sc_try --profile "$SC_LOG" -- keyctl socket-packet clone3
check_eq "log = true: keyctl is logged and let through" EFAULT "$(sc_result keyctl)"
check_eq "log = true: socket(AF_PACKET) is logged and let through" EINVAL "$(sc_result socket-packet)"
check_eq "log = true: clone3 is logged and let through" EINVAL "$(sc_result clone3)"

SC_NESTED=$(sc_profile sc-nested 'nested-userns = true')
sc_try --profile "$SC_NESTED" -- unshare clone3
check_eq "nested-userns = true: unshare(CLONE_NEWUSER) succeeds" OK "$(sc_result unshare)"
check_eq "nested-userns = true: clone3 is still ENOSYS" ENOSYS "$(sc_result clone3)"
run_sbx --profile "$SC_NESTED" -- unshare -U true
check_rc "nested-userns = true: unshare -U true exits 0" 0
run_sbx -- unshare -U true
check_rc "control, default profile: unshare -U fails (exit status 1)" 1
check_match "control, default profile: unshare -U is refused" "Operation not permitted" "$ERR"

SC_BAD=$(sc_profile sc-bad 'deny = ["nosuchcall"]')
run_sbx --profile "$SC_BAD" -- true
check_rc "an unknown system call name in a profile: exit status 2" 2
check_eq "an unknown system call name in a profile: the error names the entry" \
    "sbx: $SC_BAD:3:9: unknown system call \"nosuchcall\" in \`seccomp.deny\`" "$ERR"

# ---------------------------------------------------------------------------
# TIOCSTI on the inherited terminal: sbx under script(1) gets a real pty as
# its controlling terminal; with new-session = false and pty = "never" the
# target shares it.
# ---------------------------------------------------------------------------
SC_SAMETTY=$(profile sc-same-tty <<'EOF'
include = ["default"]
new-session = false
pty = "never"
EOF
)
SC_SAMETTY_NONE=$(profile sc-same-tty-none <<'EOF'
include = ["default"]
new-session = false
pty = "never"
[seccomp]
policy = "none"
EOF
)
sc_tty() {  # PROFILE: runs tiocsti-stdin under script; prints the result
    LAST_CMD="script -qec 'sbx --profile $1 ... sbx-try-syscall tiocsti-stdin' /dev/null"
    timeout -k 5 "$LIMIT" script -qec "$(printf '%q ' "$SBX" --profile "$1" --ro-bind "$SC_DIR/bin:/sbx-try" \
        -- /sbx-try/sbx-try-syscall tiocsti-stdin)" /dev/null </dev/null 2>&1 | tr -d '\r' |
        sed -n 's/.*tiocsti-stdin //p'
}
if command -v script >/dev/null; then
    tty_ctl=$(sc_tty "$SC_SAMETTY_NONE")
    if [ "$tty_ctl" = OK ]; then
        ok "control: without the filter, TIOCSTI on the shared controlling terminal works (OK)"
        check_eq "new-session = false: TIOCSTI on the inherited terminal is blocked" EPERM "$(sc_tty "$SC_SAMETTY")"
    elif [ -n "$tty_ctl" ]; then
        ok "control: the kernel refuses TIOCSTI itself ($tty_ctl; dev.tty.legacy_tiocsti = 0?)"
        check_eq "new-session = false: TIOCSTI on the inherited terminal is blocked" EPERM "$(sc_tty "$SC_SAMETTY")"
    else
        not_ok "control: sbx runs under script(1)" "no result from the helper"
    fi
    check_eq "default profile under a terminal: TIOCSTI on fd 0 is blocked" EPERM "$(sc_tty "$(profile sc-tty-default <<<'include = ["default"]')")"
else
    skip "TIOCSTI on the inherited terminal" "script(1) is not installed"
fi
