# fs.sh — escape attempts through the filesystem and /proc, from inside the
# default profile: every one must fail. Sourced by tests/integration/run.sh.

# ---------------------------------------------------------------------------
# Read-only means read-only
# ---------------------------------------------------------------------------
for path in /usr/bin/sbx-escape /etc/ld.so.cache /etc/passwd /bin/sbx-escape /newfile; do
    sp -- try-write "$path"
    check_eq "write to $path (read-only) fails with EROFS" EROFS "$OUT"
done
# /etc/passwd is a file the sandbox's own user made on the root tmpfs (it is
# theirs inside): only the read-only root stops chmod, so the error must be
# EROFS, not any failure. The control: a copy of it in writable /tmp changes
# mode, so the same chmod would have worked on a writable root.
run_sbx -- sh -c 'chmod 0777 /etc/passwd; echo chmod=$?; chown "$(id -u):$(id -g)" /etc/passwd; echo chown=$?
    stat -c %a /etc/passwd; cp /etc/passwd /tmp/p && chmod 0600 /tmp/p && stat -c control=%a /tmp/p'
check_eq "chmod/chown of the read-only root's /etc/passwd fail and change nothing (chmod works on a copy in /tmp)" \
    "chmod=1 chown=1 644 control=600" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
check_eq "chmod/chown of /etc/passwd fail with EROFS (the read-only root), not for another reason" \
    "chmod: changing permissions of '/etc/passwd': Read-only file system
chown: changing ownership of '/etc/passwd': Read-only file system" "$ERR"
# A device node: refused by Landlock (EACCES, no MAKE_CHAR right) or, where
# the kernel lacks Landlock, by the kernel (EPERM: CAP_MKNOD in the initial
# user namespace). The control: a FIFO at the same place is made, so the
# refusal is the device's, not a missing or read-only /tmp.
run_sbx -- sh -c 'mknod /tmp/null c 1 3 2>&1; echo rc=$?; [ -e /tmp/null ] && echo exists
    mknod /tmp/fifo p 2>&1 && [ -p /tmp/fifo ] && echo control=fifo'
check_match "mknod of a device fails with EACCES or EPERM (a FIFO in the same /tmp is made)" \
    "^mknod: /tmp/null: (Permission denied|Operation not permitted) rc=1 control=fifo$" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"

# ---------------------------------------------------------------------------
# /proc cannot lead out
# ---------------------------------------------------------------------------
run_sbx -- sh -c 'echo 100 >/proc/sys/kernel/ns_last_pid 2>&1; echo rc=$?'
check_match "a write to /proc/sys fails (read-only)" "Read-only file system.*rc=[12]" "$(tr '\n' ' ' <<<"$ERR $OUT")"
echo "sbx-escape-host-marker" >"$WORK/host-marker"
run_sbx -- sh -c "cat /proc/1/root$WORK/host-marker 2>&1; ls /proc/1/root/ 2>&1 | head -n 1"
check_true "/proc/1/root does not reach the host (marker unreadable)" "saw: $OUT" \
    eval '! grep -q sbx-escape-host-marker <<<"$OUT"'
check_match "/proc/1/root: refused with EACCES (init is not dumpable), not for another reason" \
    "^cat: /proc/1/root$WORK/host-marker: Permission denied" "$OUT"
run_sbx --ro-bind "$WORK/host-marker:/marker" -- sh -c 'cat /proc/self/root/marker'
check_eq "control: the marker, bound in, is read through /proc/self/root" sbx-escape-host-marker "$OUT"
run_sbx -- sh -c 'readlink /proc/1/exe 2>&1; echo x >>/proc/1/exe 2>&1; echo rc=$?'
check_match "init's /proc/1/exe can be neither read nor written (init is not dumpable)" \
    "Permission denied.*rc=[12]" "$(tr '\n' ' ' <<<"$ERR $OUT")"
exec 8<"$WORK"
run_sbx -- sh -c 'ls /proc/self/fd/ | tr "\n" " "; cat /proc/self/fd/8/host-marker 2>&1 | head -n 1'
exec 8<&-
# The control: the listing of /proc/self/fd is there (the command ran).
check_true "a directory fd inherited by sbx is not reachable through /proc/self/fd" "saw: $OUT" \
    eval '[[ $OUT == "0 1 2 "* ]] && ! grep -q sbx-escape-host-marker <<<"$OUT"'

# ---------------------------------------------------------------------------
# Signals do not cross the pid namespace
# ---------------------------------------------------------------------------
sleep 30 &
HOST_SLEEPER=$!
BG_PIDS+=("$HOST_SLEEPER")
run_sbx -- sh -c "kill -TERM $HOST_SLEEPER 2>&1; echo rc=\$?"
check_true "a host process of the same user cannot be signalled from inside" "kill said: $OUT" \
    kill -0 "$HOST_SLEEPER"
# ...because it is not there (ESRCH from the pid namespace), not because
# kill or the sandbox failed otherwise.
check_match "kill of a host pid from inside fails with ESRCH (the pid is not in the namespace)" \
    "kill: No such process.*rc=1$" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
kill "$HOST_SLEEPER" 2>/dev/null

# ---------------------------------------------------------------------------
# Symlinks planted in a writable bind cannot redirect a later mount or file
# ---------------------------------------------------------------------------
mkdir -p "$WORK/shared" "$WORK/victim"
# Run 1: the sandbox plants links in the folder it may write.
run_sbx --bind "$WORK/shared:/data" -- sh -c \
    "ln -s ../../oldroot$WORK/victim /data/rel && ln -s $WORK/victim /data/abs && ln -s /oldroot$WORK/victim /data/oldroot"
check_rc "setup: the sandbox can plant symlinks in its writable bind" 0
for link in rel abs oldroot; do
    # Run 2: a profile whose entries go through the planted link.
    P=$(profile "through-$link" <<PROFILE
include = ["default"]
[[mount]]
type = "bind"
source = "$WORK/shared"
dest = "/data"
[[mount]]
type = "file"
dest = "/data/$link/planted"
content = "owned"
[[mount]]
type = "tmpfs"
dest = "/data/$link/sub"
PROFILE
)
    run_sbx --profile "$P" -- true
    check_true "a file entry through a planted symlink ($link) writes nothing on the host" \
        "found: $(ls -A "$WORK/victim" 2>&1)" test -z "$(ls -A "$WORK/victim")"
    P=$(profile "onto-$link" <<PROFILE
include = ["default"]
[[mount]]
type = "bind"
source = "$WORK/shared"
dest = "/data"
[[mount]]
type = "tmpfs"
dest = "/data/$link"
PROFILE
)
    run_sbx --profile "$P" -- true
    check_rc "a mount onto a planted symlink ($link) is refused" 125
    check_match "a mount onto a planted symlink ($link): the error says why" "is a symlink; refusing" "$ERR"
done

# ---------------------------------------------------------------------------
# sbx's own folders stay read-only even inside a writable home
# ---------------------------------------------------------------------------
# A writable bind of the home is refused (tests/escape/launch.sh); given up
# with --unsafe, the read-only covers still hold.
rm -rf "$HOME/.config/sbx"
run_sbx --unsafe --bind "$HOME" -- sh -c "touch $HOME/.config/sbx/evil 2>&1; echo rc=\$?; touch $HOME/.local/share/sbx/evil 2>&1; echo rc=\$?"
check_match "with the home bound read-write, ~/.config/sbx and ~/.local/share/sbx are read-only" \
    "Read-only file system.*rc=1.*Read-only file system.*rc=1" "$(tr '\n' ' ' <<<"$OUT")"
check_eq "sbx's config folder, missing before, was created 0700 so it could be protected" 700 \
    "$(stat -c %a "$HOME/.config/sbx" 2>&1)"
run_sbx --unsafe --bind "$HOME" -- sh -c "touch $HOME/sbx-escape-ok && rm $HOME/sbx-escape-ok && echo writable"
check_eq "control: the rest of the bound home is writable" writable "$OUT"
