# desktop-install.sh — issue 11, desktop slice: the files named on the
# command line made visible inside (--file-arguments, `file-arguments`),
# and `sbx desktop install/remove/list` (wrapped desktop entries).

FA=$WORK/fa
mkdir -p "$FA/dir" "$FA/secret"
echo "the document" >"$FA/doc.txt"
echo "a sibling" >"$FA/sibling.txt"
echo "private key" >"$FA/secret/id"
ln -s "$FA/secret/id" "$FA/link.txt"
echo "spaced" >"$FA/a b.txt"

# A file outside every bind: readable with read-only file arguments, not
# without (the control), not writable, and its folder's other files stay out.
expect "file-args: without --file-arguments a file outside the binds is absent (control)" ENOENT \
    -- read "$FA/doc.txt"
expect "file-args: read-only: the named file is readable inside" "the document" \
    --file-arguments=read-only -- read "$FA/doc.txt"
expect "file-args: read-only: the named file is not writable" EROFS \
    --file-arguments=read-only -- try-write "$FA/doc.txt"
check_eq "file-args: read-only: the host's file is unchanged" "the document" "$(cat "$FA/doc.txt")"
run_sbx --file-arguments=read-only -- /bin/sh -c 'test -r "$0" && echo doc; cat "${0%/*}/sibling.txt" || echo nosibling' "$FA/doc.txt"
check_eq "file-args: only the file, not its folder: a sibling is absent" "doc
nosibling" "$OUT"
expect "file-args: read-write: the named file is writable" ok \
    --file-arguments=read-write -- try-write "$FA/doc.txt"
check_eq "file-args: read-write: the write reached the host's file" "written by sbx-probe" "$(cat "$FA/doc.txt")"
echo "the document" >"$FA/doc.txt"

# A relative argument is bound at its absolute path and passed as it.
run_sbx --file-arguments=read-only --dry-run -- cat "${FA#"$WORK"/}/doc.txt"
check_match "file-args: a relative argument is passed as its absolute path" "command     cat $FA/doc.txt" "$OUT"
# A file:// URI (percent-encoded) names the file; the URI is passed on as it is.
run_sbx --file-arguments=read-only -- /bin/sh -c 'cat "'"$FA"'/a b.txt"' "file://$FA/a%20b.txt"
check_eq "file-args: a file:// URI's file is readable inside" "spaced" "$OUT"

# A symbolic link (planted in a shared folder, say) is refused: the
# sandbox would get what it leads to.
run_sbx --file-arguments=read-only -- /bin/cat "$FA/link.txt"
check_rc "file-args: a symbolic link to a file is refused (exit 2)" 2
check_match "file-args: the refusal names the link's target" "leads through a symbolic link to \"$FA/secret/id\"" "$ERR"
check_true "file-args: nothing of the link's target was printed" "the target leaked" \
    test "${OUT/private key/}" = "$OUT"
# A directory is left alone (not bound), and --dry-run says so.
expect "file-args: a directory named on the command line is not bound" ENOENT \
    --file-arguments=read-only -- access "$FA/dir"
run_sbx --file-arguments=read-only --dry-run -- ls "$FA/dir" "$FA/doc.txt"
check_match "file-args: --dry-run shows the directory left alone" "file arg    command line argument 1 \"$FA/dir\": a directory: left alone" "$OUT"
check_match "file-args: --dry-run shows the file's bind and where the mode came from" "ro-bind $FA/doc.txt -> $FA/doc.txt   # command line argument 2 \(file-arguments = \"read-only\", --file-arguments\)" "$OUT"
# /proc/self/... names the sandbox's own /proc: never a host file.
expect "file-args: a /proc path names the sandbox's own /proc, not the host's" "sandbox" \
    --file-arguments=read-only -- read /proc/sys/kernel/hostname
# A name with a newline is refused (it would forge lines in --dry-run and logs).
nl_file="$FA/new
line"
echo x >"$nl_file"
run_sbx --file-arguments=read-only -- /bin/cat "$nl_file"
check_rc "file-args: a file name with a newline is refused (exit 2)" 2
# A profile file (a launch input): read-only it may be shown, writable never.
FA_PROFILE=$(profile fa-profile <<<'include = ["default"]')
expect "file-args: the profile file itself, read-only: readable" 'include = ["default"]' \
    --profile "$FA_PROFILE" --file-arguments=read-only -- read "$FA_PROFILE"
run_sbx --profile "$FA_PROFILE" --file-arguments=read-write -- /bin/true "$FA_PROFILE"
check_rc "file-args: the profile file itself, read-write: refused (exit 2)" 2
check_match "file-args: the refusal says it is sbx's own file" "sbx's own files" "$ERR"
# The profile key.
FA_RO=$(profile fa-ro <<<'include = ["default"]
file-arguments = "read-only"')
expect "file-args: file-arguments = \"read-only\" in a profile binds the file" "the document" \
    --profile "$FA_RO" -- read "$FA/doc.txt"
expect "file-args: --file-arguments=none overrides the profile" ENOENT \
    --profile "$FA_RO" --file-arguments=none -- read "$FA/doc.txt"

# ---------------------------------------------------------------------------
# sbx desktop install / list / remove, on a sample entry in a test
# XDG_DATA_DIRS: actions, field codes, localised names, D-Bus activation.
# ---------------------------------------------------------------------------
DK=$WORK/xdg
DK_ENV=(env XDG_DATA_HOME="$DK/data-home" XDG_DATA_DIRS="$DK/share:/nonexistent")
mkdir -p "$DK/share/applications"
DK_ORIG=$DK/share/applications/org.sbx.TestViewer.desktop
cat >"$DK_ORIG" <<'ENTRY'
# A sample entry for sbx's tests.
[Desktop Entry]
Type=Application
Name=Sbx Test Viewer
Name[de]=Sbx-Testbetrachter
GenericName=Viewer
Comment=Shows a file and whether its folder is visible
TryExec=/bin/sh
Exec=/bin/sh -c "cat \\"\\$0\\"; cat \\"\\${0%%/*}/sibling.txt\\" 2>/dev/null || echo nosibling" %f
DBusActivatable=true
Terminal=false
Categories=Utility;
Actions=count;

[Desktop Action count]
Name=Count
Name[de]=Zählen
Exec=/bin/sh -c "test -r \\"\\$0\\" && echo readable" %U
ENTRY
DK_TARGET=$DK/data-home/applications/org.sbx.TestViewer.desktop

# exec_line GROUP FILE: the entry's Exec in GROUP, split per the Desktop
# Entry Specification (string escapes, then quoting), %f/%F/%u/%U given the
# file, as a launcher would; runs it (bounded) and sets OUT, RC.
exec_line() {
    LAST_CMD="Exec of [$1] in $2 with %f=$3"
    OUT=$(timeout -k 5 "$LIMIT" python3 - "$1" "$2" "$3" <<'PY' 2>"$WORK/err"
import subprocess, sys
group, path, arg = sys.argv[1], sys.argv[2], sys.argv[3]
cur, exec_raw = None, None
for line in open(path, encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("["):
        cur = line[1:-1]
    elif cur == group and line.startswith("Exec="):
        exec_raw = line[5:]
s, i = "", 0
while i < len(exec_raw):
    c = exec_raw[i]
    if c == "\\":
        i += 1
        s += {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[exec_raw[i]]
    else:
        s += c
    i += 1
words, w, inword, i = [], "", False, 0
while i < len(s):
    c = s[i]
    if c == " ":
        if inword: words.append(w)
        w, inword = "", False
    elif c == '"':
        inword, i = True, i + 1
        while s[i] != '"':
            if s[i] == "\\": i += 1
            w += s[i]; i += 1
    else:
        w, inword = w + c, True
    i += 1
if inword: words.append(w)
argv = []
for word in words:
    if word in ("%f", "%F", "%u", "%U"):
        argv.append(arg)
    elif word in ("%i", "%c", "%k"):
        continue
    else:
        argv.append(word.replace("%%", "%"))
sys.exit(subprocess.run(argv, stdin=subprocess.DEVNULL).returncode)
PY
)
    RC=$? ERR=$(cat "$WORK/err")
}

run_sbx_via "${DK_ENV[@]}" -- desktop install org.sbx.TestViewer --profile default
check_rc "desktop: install exits 0" 0
check_true "desktop: install wrote the wrapper into \$XDG_DATA_HOME/applications" "no $DK_TARGET" test -f "$DK_TARGET"
if command -v desktop-file-validate >/dev/null; then
    # The sample itself passes (control): a failure below is the wrapper's.
    check_eq "desktop: the sample entry passes desktop-file-validate (control)" "" \
        "$(desktop-file-validate "$DK_ORIG" 2>&1 | grep -v 'hint:')"
    check_eq "desktop: the wrapper passes desktop-file-validate" "" \
        "$(desktop-file-validate "$DK_TARGET" 2>&1 | grep -v 'hint:')"
else
    skip "desktop: the wrapper passes desktop-file-validate" "desktop-file-validate is not installed (desktop-file-utils)"
fi
DK_TEXT=$(cat "$DK_TARGET")
check_match "desktop: every Name, localised too, says sandboxed" \
    "Name=Sbx Test Viewer \(sandboxed\).*Name\[de\]=Sbx-Testbetrachter \(sandboxed\)" "${DK_TEXT//$'\n'/ }"
check_eq "desktop: DBusActivatable is dropped (activation would bypass sbx)" "0" "$(grep -c DBusActivatable "$DK_TARGET" 2>&1)"
check_eq "desktop: the markers name the profile and the entry wrapped" \
    "X-Sbx-Profile=default X-Sbx-Original=$DK_ORIG" "$(grep '^X-Sbx-' "$DK_TARGET" | tr '\n' ' ' | sed 's/ $//')"
check_eq "desktop: both Exec lines go through this sbx with their field codes" "2" \
    "$(grep -c "^Exec=$SBX --profile default --file-arguments=read-only -- /bin/sh -c .* %[fU]\$" "$DK_TARGET")"

# The wrapper's Exec, run as a launcher would with %f = a file: the app runs
# in the sandbox, the file is readable there and its sibling is not.
exec_line "Desktop Entry" "$DK_TARGET" "$FA/doc.txt"
check_eq "desktop: the wrapper's Exec shows the file given for %f, not its sibling" "the document
nosibling" "$OUT"
exec_line "Desktop Entry" "$DK_ORIG" "$FA/doc.txt"
check_eq "desktop: the original's Exec, unsandboxed, sees the sibling (control)" "the document
a sibling" "$OUT"
exec_line "Desktop Action count" "$DK_TARGET" "$FA/doc.txt"
check_eq "desktop: the action's Exec runs through sbx too, %U's file readable" "readable" "$OUT"

run_sbx_via "${DK_ENV[@]}" -- desktop list
check_eq "desktop: list shows the wrapper, its profile and the original" \
    "org.sbx.TestViewer	default	$DK_ORIG" "$OUT"

run_sbx_via "${DK_ENV[@]}" -- desktop install no-such-app --profile default
check_rc "desktop: installing an entry that does not exist fails (exit 2)" 2
run_sbx_via "${DK_ENV[@]}" -- desktop install org.sbx.TestViewer --profile no-such-profile
check_rc "desktop: installing with a profile that does not exist fails (exit 2)" 2

run_sbx_via "${DK_ENV[@]}" -- desktop remove org.sbx.TestViewer
check_rc "desktop: remove exits 0" 0
check_true "desktop: remove removed the wrapper" "$DK_TARGET still there" test ! -e "$DK_TARGET"
check_true "desktop: the original entry is untouched" "$DK_ORIG gone" test -f "$DK_ORIG"

# An entry of the user's own at the same place: never removed, overwritten
# only with --force.
printf '[Desktop Entry]\nType=Application\nName=Mine\nExec=/bin/true\n' >"$DK_TARGET"
run_sbx_via "${DK_ENV[@]}" -- desktop remove org.sbx.TestViewer
check_rc "desktop: remove refuses an entry sbx did not write (exit 2)" 2
check_eq "desktop: ... and leaves it as it was" "Name=Mine" "$(grep -m1 '^Name=' "$DK_TARGET")"
run_sbx_via "${DK_ENV[@]}" -- desktop install org.sbx.TestViewer --profile default
check_rc "desktop: install refuses to write over an entry sbx did not write (exit 2)" 2
check_eq "desktop: ... and leaves it as it was" "Name=Mine" "$(grep -m1 '^Name=' "$DK_TARGET")"
run_sbx_via "${DK_ENV[@]}" -- desktop install org.sbx.TestViewer --profile default --force
check_rc "desktop: install --force writes over it" 0
check_eq "desktop: ... with the wrapper of the system's entry" "Name=Sbx Test Viewer (sandboxed)" \
    "$(grep -m1 '^Name=' "$DK_TARGET")"
run_sbx_via "${DK_ENV[@]}" -- desktop remove org.sbx.TestViewer
check_rc "desktop: the forced wrapper is sbx's and removable" 0

# A wrapper decides what a later start from the menu runs: no sandbox may
# write it. The attack: a writable bind of the folder (or an ancestor)
# rewrites Exec= so that the next start skips sbx.
run_sbx_via "${DK_ENV[@]}" -- desktop install org.sbx.TestViewer --profile default
check_rc "desktop: setup: the wrapper is installed again" 0
DK_WRAPPED=$(cat "$DK_TARGET")
DK_ATTACK='f=$0; sed "s|^Exec=.* -- |Exec=|" "$f" >"$f.new" && mv "$f.new" "$f" && echo rewritten'
for dk_src in "$DK/data-home/applications" "$DK/data-home"; do
    run_sbx_via "${DK_ENV[@]}" -- --bind "$dk_src" -- /bin/sh -c "$DK_ATTACK" "$DK_TARGET"
    check_rc "desktop: a writable bind of ${dk_src#"$WORK"/} (holding the wrappers) is refused" 2
    check_eq "desktop: ... and the wrapper still runs through sbx" "$DK_WRAPPED" "$(cat "$DK_TARGET")"
done
run_sbx_via "${DK_ENV[@]}" -- --ro-bind "$DK/data-home/applications" -- /bin/cat "$DK_TARGET"
check_eq "desktop: a read-only bind of the wrappers' folder is allowed (control)" "$DK_WRAPPED" "$OUT"
run_sbx_via "${DK_ENV[@]}" -- --unsafe --bind "$DK/data-home/applications" -- /bin/sh -c "$DK_ATTACK" "$DK_TARGET"
check_eq "desktop: control: with --unsafe the sandbox rewrites the wrapper (what the refusal prevents)" \
    "rewritten" "$OUT"
check_eq "desktop: control: ... and the wrapper no longer names sbx" "0" "$(grep -c "^Exec=$SBX" "$DK_TARGET")"
rm -f "$DK_TARGET"

# --list-profiles (for the completions): the profile folders' names, not
# NAME.local.toml, then the compiled-in ones.
mkdir -p "$WORK/lp/sbx/profiles"
printf 'include = ["default"]\n' >"$WORK/lp/sbx/profiles/mine.toml"
printf 'hostname = "x"\n' >"$WORK/lp/sbx/profiles/mine.local.toml"
chmod 0644 "$WORK/lp/sbx/profiles/"*.toml
run_sbx_via env XDG_CONFIG_HOME="$WORK/lp" -- --list-profiles
check_match "--list-profiles: the user's profiles, then the built-in ones" "^mine default cli browser( |$)" "$(echo $OUT)"
check_eq "--list-profiles: NAME.local.toml is no profile of its own" "" "$(grep -F .local <<<"$OUT")"

# More file arguments: a FIFO is no regular file (left alone; opening it
# inside would block on the host's reader otherwise); a path through ".."
# is bound at the folded path and passed as it.
mkfifo "$FA/fifo"
expect "file-args: a FIFO named on the command line is not bound" ENOENT \
    --file-arguments=read-only -- access "$FA/fifo"
run_sbx --file-arguments=read-only --dry-run -- cat "$FA/fifo"
check_match "file-args: --dry-run says the FIFO is left alone" "\"$FA/fifo\": not a regular file: left alone" "$OUT"
expect "file-args: a path through .. is bound and passed folded" "the document" \
    --file-arguments=read-only -- read "$FA/dir/../doc.txt"

# The desktop entries of the browsers the project targets (installed by
# ./bootstrap): their wrappers pass desktop-file-validate too.
for dk_app in firefox-esr chromium; do
    if [ ! -f "/usr/share/applications/$dk_app.desktop" ] || ! command -v desktop-file-validate >/dev/null; then
        skip "desktop: the wrapper of /usr/share/applications/$dk_app.desktop passes desktop-file-validate" \
            "$dk_app or desktop-file-utils is not installed (./bootstrap installs both)"
        continue
    fi
    run_sbx_via env -u XDG_DATA_DIRS XDG_DATA_HOME="$DK/real" -- desktop install "$dk_app.desktop" --profile browser
    check_eq "desktop: the wrapper of /usr/share/applications/$dk_app.desktop passes desktop-file-validate" "0 ok" \
        "$RC $(desktop-file-validate "$DK/real/applications/$dk_app.desktop" 2>&1 | grep -v 'hint:' || echo ok)"
done
