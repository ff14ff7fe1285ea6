# exec.sh — where programs may run from (issue 9, item 5): a writable mount
# under a read-only bind is not executable, and [seccomp] strict-exec closes
# the memfd routes around landlock.execute. Each denial sits next to a
# control that shows the same attempt succeeding without the rule.
# Sourced by tests/integration/run.sh.

EX_HELPER="$(dirname "$PROBE")/sbx-landlock-helper"
EXH=$WORK/exh                   # the helper, bound read-only at /exh
mkdir -p "$EXH" "$WORK/ex-bind"
if ! cp "$EX_HELPER" "$EXH/h" 2>/dev/null; then
    not_ok "exec: the helper $EX_HELPER is built and staged" "missing: $EX_HELPER"
    return 0
fi
# exsh [SBX-OPTIONS...] -- SCRIPT: a shell inside, the helper at $H.
exsh() {
    local opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    run_sbx "${opts[@]}" --ro-bind "$EXH:/exh" -- /bin/sh -c "H=/exh/h; $1"
}
one_line() { tr '\n' ' ' <<<"$1" | sed 's/ $//'; }

if ! [[ $("$EX_HELPER" abi) =~ ^[0-9]+$ ]]; then
    # A kernel fact: no Landlock, nothing to test.
    host_skip "exec: writable mounts under read-only binds" "Landlock is not available on this kernel"
else
    # -----------------------------------------------------------------------
    # A writable mount below a read-only bind does not inherit its execute
    # right (Landlock rules apply to everything beneath their directory).
    # -----------------------------------------------------------------------
    exsh --tmpfs /usr/local -- '$H copy /usr/bin/true /usr/local/t && $H run /usr/local/t'
    check_eq "--tmpfs /usr/local (under the read-only /usr): a program copied there cannot run" \
        "ok EACCES" "$(one_line "$OUT")"
    P_EX_LOCAL=$(profile ex-local <<'EOF2'
include = ["default"]
[landlock]
execute = ["/usr/local"]
EOF2
)
    exsh --profile "$P_EX_LOCAL" --tmpfs /usr/local -- '$H copy /usr/bin/true /usr/local/t && $H run /usr/local/t'
    check_eq "control: with landlock.execute = [\"/usr/local\"] the same program runs" \
        "ok ran 0" "$(one_line "$OUT")"
    exsh --tmpfs /usr/local -- '$H run /usr/bin/true; $H run /bin/true'
    check_eq "--tmpfs /usr/local: programs of /usr/bin (next to it) still run" "ran 0 ran 0" "$(one_line "$OUT")"

    # A bind on an existing folder of /usr, and one on a tmpfs there.
    EX_DIR=""
    for d in /usr/local/src /usr/local/games /usr/local/share /usr/src /usr/games /usr/include; do
        [ -d "$d" ] && { EX_DIR=$d; break; }
    done
    if [ -z "$EX_DIR" ]; then
        not_ok "exec: an existing folder under /usr to bind over" "none of the candidates exists"
    else
        exsh --bind "$WORK/ex-bind:$EX_DIR" -- "rm -f $EX_DIR/t; \$H copy /usr/bin/true $EX_DIR/t && \$H run $EX_DIR/t"
        check_eq "a writable bind at $EX_DIR (under the read-only /usr): a program copied there cannot run" \
            "ok EACCES" "$(one_line "$OUT")"
        LAST_CMD="(host) $EX_HELPER run $WORK/ex-bind/t"
        check_eq "control: the copy in the bound host folder runs on the host" "ran 0" "$("$EX_HELPER" run "$WORK/ex-bind/t")"
        rm -f "$WORK/ex-bind/t"
    fi
    exsh --tmpfs /usr/local --bind "$WORK/ex-bind:/usr/local/x" -- '$H copy /usr/bin/true /usr/local/x/t && $H run /usr/local/x/t'
    check_eq "a writable bind at /usr/local/x on a tmpfs under /usr: a program copied there cannot run" \
        "ok EACCES" "$(one_line "$OUT")"
    rm -f "$WORK/ex-bind/t"

    # A read-only bind of the user's own folder: a symlink in it that points
    # at the writable mount below gets no rule of its own.
    mkdir -p "$WORK/ex-ro/w" && ln -sfn /ro/w "$WORK/ex-ro/link"
    exsh --ro-bind "$WORK/ex-ro:/ro" --tmpfs /ro/w -- '$H copy /usr/bin/true /ro/w/t && $H run /ro/link/t; $H run /ro/w/t'
    check_eq "a symlink in a read-only bind to the tmpfs below it gives no execute (EACCES both ways)" \
        "ok EACCES EACCES" "$(one_line "$OUT")"
    cp /usr/bin/true "$WORK/ex-ro/t2" && chmod 0755 "$WORK/ex-ro/t2"
    exsh --ro-bind "$WORK/ex-ro:/ro" --tmpfs /ro/w -- '$H run /ro/t2'
    check_eq "control: a program beside the tmpfs in that read-only bind runs" "ran 0" "$OUT"

    run_sbx --dry-run --tmpfs /usr/local -- true
    check_match "--dry-run: /usr keeps read only (a writable mount lies beneath it)" "(^|
)  /usr: read($|
)" "$OUT"
    check_match "--dry-run: /usr/bin, beside it, keeps read,execute" "(^|
)  /usr/bin: read,execute($|
)" "$OUT"
    run_sbx --dry-run -- true
    check_match "control: --dry-run without the tmpfs: /usr is read,execute" "(^|
)  /usr: read,execute($|
)" "$OUT"
fi

# ---------------------------------------------------------------------------
# [seccomp] strict-exec: no executable memfds, no execveat(AT_EMPTY_PATH).
# Landlock has no rule for a memfd, so without it a program written into one
# runs wherever landlock.execute says nothing may run.
# ---------------------------------------------------------------------------
EXEC_HELPER="$(dirname "$PROBE")/sbx-exec-helper"
if ! cp "$EXEC_HELPER" "$EXH/x" 2>/dev/null; then
    not_ok "exec: the helper $EXEC_HELPER is built and staged" "missing: $EXEC_HELPER"
    return 0
fi
X=/exh/x
ex() {
    local opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    run_sbx "${opts[@]}" --ro-bind "$EXH:/exh" -- "$X" "$@"
}
P_STRICT=$(profile ex-strict <<'EOF2'
include = ["default"]
[seccomp]
strict-exec = true
EOF2
)
LAST_CMD="(host) $EXEC_HELPER memfd-fexecve /usr/bin/true"
check_eq "host sanity: a copy of true in a memfd runs through fexecve" "ran 0" "$("$EXEC_HELPER" memfd-fexecve /usr/bin/true)"

ex -- memfd-fexecve /usr/bin/true
check_eq "control: the default profile lets a memfd copy of true run (fexecve): Landlock has no rule for memfds" \
    "ran 0" "$OUT"
ex --profile "$P_STRICT" -- memfd-fexecve /usr/bin/true
check_eq "strict-exec: memfd_create without MFD_NOEXEC_SEAL fails with EPERM" "memfd_create EPERM" "$OUT"
ex -- memfd-procexec /usr/bin/true
check_eq "control: the default profile runs a memfd through execve(/proc/self/fd/N)" "ran 0" "$OUT"
ex --profile "$P_STRICT" -- memfd-procexec /usr/bin/true
check_eq "strict-exec: no memfd for execve(/proc/self/fd/N) either" "memfd_create EPERM" "$OUT"
ex --profile "$P_STRICT" -- memfd-noexec
check_match "strict-exec: memfd_create(MFD_NOEXEC_SEAL) still works, and its mode has no x bit" "^ok 0[0246]{3}$" "$OUT"
ex --profile "$P_STRICT" -- sealed-procexec /usr/bin/true
check_eq "strict-exec: the memfds it allows cannot be executed (EACCES)" "exec EACCES" "$OUT"
ex -- fd-fexecve /usr/bin/true
check_eq "control: the default profile runs /usr/bin/true through execveat(AT_EMPTY_PATH)" "ran 0" "$OUT"
ex --profile "$P_STRICT" -- fd-fexecve /usr/bin/true
check_eq "strict-exec: execveat(AT_EMPTY_PATH) fails with EPERM, even for a program of /usr" "exec EPERM" "$OUT"
run_sbx --profile "$P_STRICT" -- /bin/sh -c '/usr/bin/true && echo ran'
check_eq "strict-exec: ordinary programs still run" "ran" "$OUT"
run_sbx --profile "$P_STRICT" --dry-run -- true
check_match "strict-exec: --dry-run shows the memfd_create rule" "memfd_create .*strict-exec" "$OUT"
check_match "strict-exec: --dry-run shows the execveat rule" "execveat .*strict-exec" "$OUT"
P_STRICT_NONE=$(profile ex-strict-none <<'EOF2'
include = ["default"]
[seccomp]
policy = "none"
strict-exec = true
EOF2
)
run_sbx --profile "$P_STRICT_NONE" -- true
check_rc "strict-exec with policy = \"none\": refused (exit 2)" 2
check_match "strict-exec with policy = \"none\": the error names the key's location" \
    "ex-strict-none.toml:4:15: .seccomp.strict-exec = true. needs a seccomp filter" "$ERR"
