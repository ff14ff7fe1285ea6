# launch.sh — nothing a sandboxed program writes may change which profile,
# include or policy a later launch gets; binds that hand the sandbox the
# host wholesale are refused. Sourced by tests/integration/run.sh.
#
# A scratch home of its own: sbx's config and data folders are pointed at it
# with XDG_CONFIG_HOME and XDG_DATA_HOME. The victim is the next launch,
# `sbx --profile cli.toml` and `--profile browser.toml` started in the
# project folder; what it gets is compared through its --dry-run (which
# names every profile file read and prints the whole policy) with what it
# got before the attack. The attacks plant `hostname = "pwned"` and
# `[seccomp] policy = "none"` by every route we know.

LH=$WORK/launch-home         # the scratch home
LCFG=$LH/.config             # XDG_CONFIG_HOME
LDATA=$LH/.local/share       # XDG_DATA_HOME
LPROJ=$LH/proj               # where the victim launches
LAUNCH_ENV=(env XDG_CONFIG_HOME="$LCFG" XDG_DATA_HOME="$LDATA")
EVIL_PROFILE='hostname = "pwned"
[seccomp]
policy = "none"'

lsbx() { run_sbx_via "${LAUNCH_ENV[@]}" -- "$@"; }
reset_launch_home() {
    chmod -R u+rwX "$LH" 2>/dev/null
    rm -rf "$LH"
    mkdir -p "$LCFG/sbx/profiles" "$LDATA/sbx" "$LPROJ"
}
# victim PROFILE: the next launch's --dry-run, started in the project folder.
victim() {
    cd "$LPROJ" || return
    lsbx --profile "$1" --dry-run -- true
    cd "$WORK" || return
    echo "rc=$RC $OUT"
}
# in_dir DIR SBX-ARGS...: runs sbx with DIR as the working directory.
in_dir() {
    local dir=$1
    shift
    cd "$dir" || return
    lsbx "$@"
    cd "$WORK" || return
}

reset_launch_home
BASE_CLI=$(victim cli.toml)
BASE_BROWSER=$(victim browser.toml)
check_match "setup: the victim's dry run reads the built-in cli profile" \
    "^rc=0 profile +cli \(builtin:cli.toml, builtin:default.toml\)" "$BASE_CLI"
check_match "setup: the victim's dry run reads the built-in browser profile" \
    "^rc=0 profile +browser \(builtin:browser.toml, builtin:default.toml[,)]" "$BASE_BROWSER"

# Control: a profile that does reach the profile folder changes the next
# launch, and the comparison sees it.
printf '%s\n' "$EVIL_PROFILE" >"$LCFG/sbx/profiles/cli.toml"
check_match "control: a cli.toml in the profile folder is what the next launch gets" \
    "profile +cli \($LCFG/sbx/profiles/cli.toml\).*hostname +pwned.*seccomp +none" "$(victim cli.toml)"
reset_launch_home
# ... and so does a NAME.local.toml there, after the profile NAME wherever it
# is found by name (the attacks below plant those too).
printf '%s\n' "$EVIL_PROFILE" >"$LCFG/sbx/profiles/default.local.toml"
check_match "control: a default.local.toml in the profile folder is what the next launch of cli gets" \
    "profile +cli \(builtin:cli.toml, builtin:default.toml, $LCFG/sbx/profiles/default.local.toml\).*hostname +pwned.*seccomp +none" \
    "$(victim cli.toml)"
reset_launch_home

# ---------------------------------------------------------------------------
# 1. A profile in the working directory is not a profile name
# ---------------------------------------------------------------------------
in_dir "$LPROJ" --profile cli -- sh -c "
    printf '%s\n' '$EVIL_PROFILE' >evil.toml && cp evil.toml browser.toml && cp evil.toml default.toml &&
    ln evil.toml cli.toml && echo planted"
check_eq "setup: a program in cli plants browser.toml, default.toml and a hard-linked cli.toml in its folder" \
    planted "$OUT"
check_eq "a browser.toml planted in the working directory does not become --profile browser.toml" \
    "$BASE_BROWSER" "$(victim browser.toml)"
check_eq "a hard-linked cli.toml in the working directory does not become --profile cli.toml" \
    "$BASE_CLI" "$(victim cli.toml)"
rm "$LPROJ/evil.toml"
check_match "control: the same file named as a path (./cli.toml) is read" \
    "^rc=0 profile +cli \($LPROJ/cli.toml\)" "$(victim ./cli.toml)"
# A profile hard-linked into the profile folder from the project folder: a
# sandbox working there could change it in place. Refused, naming the file.
printf 'hostname = "linked"\n' >"$LPROJ/mine.toml"
ln "$LPROJ/mine.toml" "$LCFG/sbx/profiles/mine.toml"
check_match "a profile with a second hard link is refused" \
    "$LCFG/sbx/profiles/mine.toml: has 2 hard links" "$(lsbx --profile mine --dry-run; echo "$ERR")"
rm "$LPROJ/mine.toml"
check_match "control: the same file with one name is read" "^rc=0 profile +mine .*hostname +linked" "$(victim mine)"
reset_launch_home

# ---------------------------------------------------------------------------
# 2. sbx's folders, their ancestors and their contents are never writable
#    inside: renaming an ancestor or swapping it for a symlink is refused
#    with the launch that would allow it
# ---------------------------------------------------------------------------
# The attack, run by cli started in DIR: move the first folder it can on the
# way to the profile folder aside (or swap it for a symlink) and plant
# cli.toml, browser.toml and default.toml, and their .local.toml, where the
# next launch looks.
attack_script() {  # MODE (rename|symlink)
    cat <<EOF
for d in "$LCFG/sbx/profiles" "$LCFG/sbx" "$LCFG" "$LH"; do
    if mv "\$d" "\$d.old" 2>/dev/null; then
        if [ $1 = symlink ]; then mkdir -p "$LPROJ/fake" && ln -s "$LPROJ/fake" "\$d"; fi
        break
    fi
done
mkdir -p "$LCFG/sbx/profiles" 2>/dev/null
for f in cli browser default cli.local browser.local default.local; do
    printf '%s\n' '$EVIL_PROFILE' >"$LCFG/sbx/profiles/\$f.toml"
done 2>/dev/null
ls "$LCFG/sbx/profiles" 2>/dev/null | tr '\n' ' '
EOF
}
for mode in rename symlink; do
    for dir in "$LH" "$LCFG" "$LCFG/sbx" "$LCFG/sbx/profiles"; do
        in_dir "$dir" --profile cli -- sh -c "$(attack_script $mode)"
        check_rc "cli started in ${dir#"$WORK"/} (sbx's folder or an ancestor) is refused ($mode attack)" 2
        check_match "cli started in ${dir#"$WORK"/}: the error names the protected folder" \
            "it would let the sandbox change $LCFG/sbx \(sbx's own files\)" "$ERR"
        check_eq "after cli in ${dir#"$WORK"/} ($mode attack), --profile cli.toml is unchanged" \
            "$BASE_CLI" "$(victim cli.toml)"
        check_eq "after cli in ${dir#"$WORK"/} ($mode attack), --profile browser.toml is unchanged" \
            "$BASE_BROWSER" "$(victim browser.toml)"
        reset_launch_home
    done
done
# The same through the command line's bind, from cli and from browser.
for prof in cli browser; do
    in_dir "$LPROJ" --profile "$prof" --bind "$LH" -- sh -c "$(attack_script rename)"
    check_rc "$prof with --bind of the home holding sbx's config is refused" 2
    check_eq "after $prof --bind HOME, --profile cli.toml is unchanged" "$BASE_CLI" "$(victim cli.toml)"
    reset_launch_home
done
# Control: the attack works where the refusal is given up (--unsafe): the
# read-only cover of ~/.config/sbx does not stop a rename of ~/.config.
in_dir "$LPROJ" --profile cli --unsafe --bind "$LH" -- sh -c "$(attack_script rename)"
check_eq "control: with --unsafe the sandbox can rename ~/.config and plant profiles" \
    "browser.local.toml browser.toml cli.local.toml cli.toml default.local.toml default.toml " "$OUT"
check_ne "control: ... and the next launch is changed (what the refusal prevents)" "$BASE_CLI" "$(victim cli.toml)"
reset_launch_home

# browser: its only writable bind is its own home in the data folder; what
# it writes there, ~/.config/sbx/profiles included, is not sbx's config.
lsbx --profile browser -- sh -c "mkdir -p \$HOME/.config/sbx/profiles && printf '%s\n' '$EVIL_PROFILE' >\$HOME/.config/sbx/profiles/browser.toml && echo planted"
check_eq "setup: browser writes a browser.toml into the ~/.config/sbx/profiles it sees" planted "$OUT"
check_true "control: it landed in the browser's private home in the data folder" "not found" \
    test -f "$LDATA/sbx/browser/home/.config/sbx/profiles/browser.toml"
check_eq "after browser planted it, --profile browser.toml is unchanged" "$BASE_BROWSER" "$(victim browser.toml)"
reset_launch_home

# The state folders in the data folder are sbx's: a sandbox that may write
# next to one (cli started in ~/.local/share/sbx/browser, which lies inside
# the data folder and so was allowed) swaps the browser's home for a
# symbolic link, and the next browser launch bound whatever it leads to
# (~/.ssh, say) read-write as its home.
mkdir -p "$LDATA/sbx/browser/home" "$LH/secret"
echo key >"$LH/secret/id_rsa"
in_dir "$LDATA/sbx/browser" --profile cli -- sh -c "mv home home.old && ln -s $LH/secret home && echo planted"
check_eq "setup: cli started next to the browser's home swaps it for a symlink" planted "$OUT"
cd "$LPROJ" && lsbx --profile browser -- sh -c 'cat "$HOME/id_rsa"; echo x >"$HOME/pwned"'
cd "$WORK" || exit
check_rc "the next browser launch refuses a home that a symlink in the data folder leads elsewhere" 2
check_match "... naming the link's target" "browser.toml:[0-9]+:[0-9]+: .*$LH/secret" "$ERR"
check_true "... and wrote nothing there" "$LH/secret/pwned exists" test ! -e "$LH/secret/pwned"
rm "$LDATA/sbx/browser/home" && mv "$LDATA/sbx/browser/home.old" "$LDATA/sbx/browser/home"
cd "$LPROJ" && lsbx --profile browser -- sh -c 'echo x >"$HOME/mine" && echo wrote'
cd "$WORK" || exit
check_eq "control: with the real folder back, the browser writes its home" wrote "$OUT"
reset_launch_home

# A profile file given by path is a launch input too: no writable bind of
# the same launch may expose it (the sandbox would rewrite it for the next).
printf 'include = ["cli"]\n' >"$LPROJ/mine.toml"
in_dir "$LPROJ" --profile ./mine.toml -- true
check_rc "a profile whose writable bind exposes its own file is refused" 2
check_match "... naming the file" "it would let the sandbox change $LPROJ/mine.toml" "$ERR"
mkdir -p "$LH/other"
printf 'include = ["cli"]\n' >"$LH/other/mine.toml"
in_dir "$LPROJ" --profile "$LH/other/mine.toml" -- true
check_rc "control: the same profile kept outside the folder it binds runs" 0
reset_launch_home

# ---------------------------------------------------------------------------
# 3. A profile that cannot be read or trusted is an error, never a fall-through
# ---------------------------------------------------------------------------
printf 'hostname = "strict"\n' >"$LCFG/sbx/profiles/browser.toml"
chmod 0644 "$LCFG/sbx/profiles/browser.toml"
check_match "control: the user's browser.toml is read when it is in order" \
    "^rc=0 profile +browser \($LCFG/sbx/profiles/browser.toml\).*hostname +strict" "$(victim browser)"
chmod 000 "$LCFG/sbx/profiles/browser.toml"
victim browser >/dev/null
check_rc "an unreadable browser.toml is an error (no fall-through to the built-in)" 2
check_match "... naming the file and why" "^.*$LCFG/sbx/profiles/browser.toml: cannot read the profile: Permission denied" "$ERR"
chmod 0666 "$LCFG/sbx/profiles/browser.toml"
victim browser >/dev/null
check_rc "a world-writable browser.toml is refused" 2
check_match "... naming the file and why" "$LCFG/sbx/profiles/browser.toml: writable by its group or by others \(mode 0666\)" "$ERR"
chmod 0620 "$LCFG/sbx/profiles/browser.toml"
victim browser >/dev/null
check_rc "a group-writable browser.toml is refused" 2
rm -f "$LCFG/sbx/profiles/browser.toml"
mkdir "$LCFG/sbx/profiles/browser.toml"
victim browser >/dev/null
check_match "a folder named browser.toml is an error, not a fall-through" \
    "browser.toml: not a regular file" "$ERR"
rmdir "$LCFG/sbx/profiles/browser.toml"
# An include is held to the same rules.
printf 'include = ["base"]\n' >"$LCFG/sbx/profiles/top.toml"
printf 'hostname = "base"\n' >"$LCFG/sbx/profiles/base.toml"
chmod 0646 "$LCFG/sbx/profiles/base.toml"
victim top >/dev/null
check_match "a world-writable include is refused, at the include" \
    "top.toml:1:12: .*base.toml: writable by its group or by others" "$ERR"
chmod 0644 "$LCFG/sbx/profiles/base.toml"
check_match "control: the same include in order is read" \
    "^rc=0 profile +top \($LCFG/sbx/profiles/top.toml, $LCFG/sbx/profiles/base.toml\)" "$(victim top)"
# A symlink in the profile folder (a dotfiles repository) is followed: the
# file it reaches is checked and protected like the folder.
mkdir -p "$LH/dotfiles"
printf 'include = ["cli"]\nhostname = "dots"\n' >"$LH/dotfiles/dots.toml"
ln -s "$LH/dotfiles/dots.toml" "$LCFG/sbx/profiles/dots.toml"
check_match "a profile symlinked into the profile folder is read" \
    "^rc=0 profile +dots \($LCFG/sbx/profiles/dots.toml, builtin:cli.toml" "$(victim dots)"
in_dir "$LH/dotfiles" --profile dots -- true
check_rc "... and a launch whose writable bind exposes the file it reaches is refused" 2
chmod 0666 "$LH/dotfiles/dots.toml"
victim dots >/dev/null
check_match "... and the file it reaches must not be writable by others" "dots.toml: writable by its group" "$ERR"
chmod 0644 "$LH/dotfiles/dots.toml"
# A linked profile is protected from launches that do not read it, too:
# cli working in the dotfiles folder would otherwise rewrite browser.toml.
printf 'include = ["default"]\nhostname = "dots-browser"\n' >"$LH/dotfiles/browser.toml"
ln -s "$LH/dotfiles/browser.toml" "$LCFG/sbx/profiles/browser.toml"
LINKED_BROWSER=$(victim browser.toml)
check_match "setup: browser.toml is a symlink into the dotfiles folder" "hostname +dots-browser" "$LINKED_BROWSER"
in_dir "$LH/dotfiles" --profile cli -- sh -c "printf '%s\n' '$EVIL_PROFILE' >browser.toml"
check_rc "cli working in the folder a linked profile lives in is refused" 2
check_eq "... and --profile browser.toml is unchanged" "$LINKED_BROWSER" "$(victim browser.toml)"
reset_launch_home
# A profile folder that is itself a symlink (into a dotfiles repository).
mkdir -p "$LH/dotprofiles" && rmdir "$LCFG/sbx/profiles" && ln -s "$LH/dotprofiles" "$LCFG/sbx/profiles"
in_dir "$LH/dotprofiles" --profile cli -- sh -c "printf '%s\n' '$EVIL_PROFILE' >browser.toml"
check_rc "cli working in the folder the profile folder links to is refused" 2
check_eq "... and --profile browser.toml is unchanged" "$BASE_BROWSER" "$(victim browser.toml)"
reset_launch_home

# A chain of links: the profile folder links into a dotfiles folder, whose
# entry links on into a second repository. cli working in the dotfiles
# folder swapped the middle link for a folder of its own profiles: only the
# end of the chain was protected.
mkdir -p "$LH/dots" "$LH/work/profiles" && rmdir "$LCFG/sbx/profiles"
ln -s "$LH/work/profiles" "$LH/dots/profiles" && ln -s "$LH/dots/profiles" "$LCFG/sbx/profiles"
in_dir "$LH/dots" --profile cli -- sh -c "rm profiles && mkdir profiles && printf '%s\n' '$EVIL_PROFILE' >profiles/browser.toml && echo swapped"
check_rc "cli working in the folder holding the middle link of the profile folder's chain is refused" 2
check_match "... and --profile browser.toml is unchanged (the built-in one, as before)" \
    "^rc=0 profile +browser \(builtin:browser.toml, builtin:default.toml[,)].*hostname +sandbox" \
    "$(victim browser.toml | tr '\n' ' ')"
in_dir "$LH/work" --profile cli -- true
check_rc "control: ... as is cli working where the chain ends" 2
reset_launch_home
# The same for a profile file linked through two folders.
mkdir -p "$LH/dots" "$LH/work"
printf 'include = ["default"]\nhostname = "work-browser"\n' >"$LH/work/browser.toml"
ln -s "$LH/work/browser.toml" "$LH/dots/browser.toml" && ln -s "$LH/dots/browser.toml" "$LCFG/sbx/profiles/browser.toml"
in_dir "$LH/dots" --profile cli -- sh -c "rm browser.toml && printf '%s\n' '$EVIL_PROFILE' >browser.toml && echo swapped"
check_rc "cli working in the folder holding the middle link of a profile's chain is refused" 2
check_match "... and --profile browser.toml still reads the end of the chain" "hostname +work-browser" "$(victim browser.toml)"
reset_launch_home

# ---------------------------------------------------------------------------
# 4. Binds that expose the host wholesale are refused unless --unsafe
# ---------------------------------------------------------------------------
for pair in "/proc:/hostproc:host process" "/dev:/hostdev:host device" "/sys:/hostsys:kernel and device" \
    "/:/host:whole filesystem"; do
    IFS=: read -r src dst what <<<"$pair"
    run_sbx --ro-bind "$src:$dst" -- true
    check_rc "--ro-bind $src is refused" 2
    check_match "--ro-bind $src: the error says what it would expose" "binding the host's $src would expose .*$what" "$ERR"
done
mkdir -p "$WORK/fakeproc"
run_sbx --ro-bind "$WORK/fakeproc:/proc" -- true
check_rc "a bind over the sandbox's /proc is refused" 2
check_match "... saying why" "over the sandbox's own /proc" "$ERR"
run_sbx --ro-bind "$WORK/fakeproc:/dev" -- true
check_rc "a bind over the sandbox's /dev is refused" 2
P=$(profile proc-bind <<'PROFILE'
include = ["default"]
[[mount]]
type = "ro-bind"
source = "/proc"
dest = "/hostproc"
PROFILE
)
run_sbx --profile "$P" -- true
check_match "a profile's bind of /proc is refused at its entry, naming the key that allows it" \
    "proc-bind.toml:2:1: ro-bind /proc -> /hostproc: .*add \`unsafe = true\`" "$ERR"
printf 'unsafe = true\n' >>"$P"
run_sbx --profile "$P" -- sh -c 'test -r /hostproc/1/cmdline && echo exposed'
check_eq "control: with unsafe = true the host's /proc is bound (and the refusal was about something real)" \
    exposed "$OUT"
run_sbx --unsafe --ro-bind /dev:/hostdev -- sh -c 'test -c /hostdev/null && echo exposed'
check_eq "control: --unsafe binds the host's /dev" exposed "$OUT"
run_sbx --ro-bind "$WORK/fakeproc:/dev/fake" -- true
check_rc "control: a bind below /dev (a device, as dev-bind /dev/dri) is allowed" 0

# A writable /etc: the real reason, not "mkdir /etc/sbx: Permission denied".
run_sbx --bind /etc:/hostetc -- true
check_rc "a writable bind of /etc is refused" 2
check_match "... because of /etc/sbx" "it would let the sandbox change /etc/sbx" "$ERR"
if [ ! -e /etc/sbx ]; then
    run_sbx --unsafe --bind /etc:/hostetc -- sh -c 'test -r /hostetc/passwd && echo ran'
    check_eq "with --unsafe a writable /etc runs: a missing /etc/sbx the user cannot create needs no cover" ran "$OUT"
fi
run_sbx --unsafe --bind /:/host -- sh -c "test -r /host/etc/passwd && echo ran; touch /host$HOME/.config/sbx/x 2>&1"
check_match "with --unsafe a writable / runs, and sbx's config folder in it stays read-only" \
    "^ran.*Read-only file system" "$(tr '\n' ' ' <<<"$OUT")"

# Below /proc, /sys and /dev/pts: a part of the host's tree is still the
# host's. /proc/PID (a process's command line, its fds), a writable
# /sys/fs/cgroup (cgroup.kill of the user's whole session where systemd
# delegates it) and the host's devpts (every terminal of the user's: read
# what is typed there) were let through because only the exact paths were
# compared.
for pair in "bind:/proc/1:/hostpid1:host process" "ro-bind:/proc/self/fd:/hostfds:host process" \
    "bind:/sys/fs:/hostfs:kernel and device" "dev-bind:/dev/pts:/hostpts:terminal"; do
    IFS=: read -r kind src dst what <<<"$pair"
    P=$(profile below-host-tree <<PROFILE
include = ["default"]
[[mount]]
type = "$kind"
source = "$src"
dest = "$dst"
PROFILE
)
    run_sbx --profile "$P" -- true
    check_rc "$kind $src (below the host's tree) is refused" 2
    check_match "... saying what it exposes" "below-host-tree.toml:2:1: $kind .*$what" "$ERR"
done
# Controls: the refusals are about something real (the host's devpts
# inside: its ptmx, and a terminal of the user's if one is open), and a
# read-only bind below /sys (browsers read /sys/devices for the GPU) stays.
printf 'unsafe = true\n' >>"$P"
run_sbx --profile "$P" -- sh -c 'test -c /hostpts/ptmx && echo exposed'
check_eq "control: with unsafe = true the host's /dev/pts is bound" exposed "$OUT"
run_sbx --ro-bind /sys/devices:/sysdev -- sh -c 'test -d /sysdev/system && echo bound'
check_eq "control: a read-only bind below /sys is allowed" bound "$OUT"
run_sbx --ro-bind /proc/1:/hostpid1 --unsafe -- sh -c 'test -r /hostpid1/cmdline && echo exposed'
check_eq "control: --unsafe still binds below /proc" exposed "$OUT"

# ---------------------------------------------------------------------------
# 5. The launch that sets XDG_CONFIG_HOME is not the only launch
# ---------------------------------------------------------------------------
# A launch started with XDG_CONFIG_HOME (or XDG_DATA_HOME) elsewhere, from a
# shell that sets it, must still keep ~/.config/sbx out of reach: the next
# launch, from a desktop launcher or cron without the variable, reads its
# profiles there. (Dry runs only: the real home is shared with other tests.)
mkdir -p "$HOME/.config" "$HOME/.local/share"
in_dir "$LPROJ" --dry-run --bind "$HOME/.config:/c" -- true
check_rc "with XDG_CONFIG_HOME elsewhere, a writable bind of ~/.config is refused" 2
check_match "... because of ~/.config/sbx" "would let the sandbox change $HOME/.config/sbx" "$ERR"
in_dir "$LPROJ" --dry-run --bind "$HOME/.local/share:/d" -- true
check_rc "with XDG_DATA_HOME elsewhere, a writable bind of ~/.local/share is refused" 2
in_dir "$LPROJ" --dry-run --bind "$LCFG:/c" -- true
check_rc "control: ... and of \$XDG_CONFIG_HOME itself" 2

# A relative XDG_CONFIG_HOME is invalid (XDG base directory specification)
# and ignored: taken as it is, it made a profile name a path relative to the
# working directory, where a sandbox working there writes.
mkdir -p "$LPROJ/rel/sbx/profiles"
printf '%s\n' "$EVIL_PROFILE" >"$LPROJ/rel/sbx/profiles/evil.toml"
cd "$LPROJ" && run_sbx_via env XDG_CONFIG_HOME=rel -- --profile evil --dry-run -- true
cd "$WORK" || exit
check_rc "a relative XDG_CONFIG_HOME does not make the working directory a profile folder" 2
check_match "... the name is not found" "evil" "$ERR"
cd "$LPROJ" && run_sbx_via env XDG_CONFIG_HOME="$LPROJ/rel" -- --profile evil --dry-run -- true
cd "$WORK" || exit
check_match "control: the same folder given as an absolute XDG_CONFIG_HOME is read" "hostname +pwned" "$OUT"
reset_launch_home
