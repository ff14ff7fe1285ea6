# home.sh — who the user is and where the home is, for a uid that
# /etc/passwd does not list. The home decides what the working-directory
# check refuses and which folders a sandbox may not write, so sbx takes it
# from the user databases (NSS: LDAP, sssd, systemd-homed), never from a
# $HOME that whoever started sbx chose, and for a uid no database knows it
# accepts $HOME only as a directory of the uid's own. Sourced by
# tests/integration/run.sh.
#
# The uid: 4242 inside a user namespace of the test's own, mapped to the
# test user (so files of the test user are 4242's there), in a mount
# namespace whose /etc/nsswitch.conf says "passwd: files sbxtest": the test
# NSS module libnss_sbxtest.so.2 (tests/probe) knows uid $SBX_TEST_NSS_UID
# as "nss-only" with home $SBX_TEST_NSS_HOME. /etc/passwd is the host's,
# without 4242.

NSS_MODULE=$(dirname "$PROBE")/libnss_sbxtest.so.2
HH=$WORK/home-test
NSS_HOME=$HH/nss-home        # the home NSS gives uid 4242
DECOY=$HH/decoy              # the $HOME a caller hands sbx instead
mkdir -p "$NSS_HOME/project" "$DECOY" && printf 'passwd: files sbxtest\ngroup: files\n' >"$HH/nsswitch.conf"

# as_4242 ENV... : the wrapper (for run_sbx_via) that runs sbx as uid 4242
# with only the given environment (and PATH).
as_4242() {
    AS_4242=(unshare --user --map-root-user --mount sh -c
        'mount --bind "$0" /etc/nsswitch.conf && exec unshare --user --map-user=4242 --map-group=4242 -- "$@"'
        "$HH/nsswitch.conf" env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$(dirname "$NSS_MODULE")" "$@")
}
# The sandbox's view of who it is, and the launcher's: one line each.
WHO=(-- /bin/sh -c 'echo "HOME=$HOME USER=$USER uid=$(id -u)"')

if ! [ -r "$NSS_MODULE" ]; then
    skip "a uid only NSS knows" "the test NSS module $NSS_MODULE was not built"
elif ! unshare --user --map-root-user --mount -- unshare --user --map-user=4242 --map-group=4242 -- true 2>/dev/null; then
    skip "a uid only NSS knows" "cannot nest user namespaces with unshare --map-user (util-linux >= 2.36)"
else
    # Control: the set-up works, and the module is what makes the
    # difference. Without SBX_TEST_NSS_UID it knows no one: uid 4242 is then
    # in no database, and its own $HOME is the home (the last resort).
    as_4242 HOME="$DECOY" USER=decoy
    run_sbx_via "${AS_4242[@]}" -- "${WHO[@]}"
    check_eq "control: uid 4242 in no database gets its own \$HOME and \$USER" \
        "HOME=$DECOY USER=decoy uid=4242" "$OUT"

    if ldd "$SBX" 2>&1 | grep -q 'libc\.so'; then
        # 1. NSS, not $HOME: before the fix the sandbox's home was the decoy.
        as_4242 SBX_TEST_NSS_UID=4242 SBX_TEST_NSS_HOME="$NSS_HOME" HOME="$DECOY" USER=decoy
        run_sbx_via "${AS_4242[@]}" -- --verbose "${WHO[@]}"
        check_eq "a uid only NSS knows: the home and name are NSS's, not \$HOME's and \$USER's" \
            "HOME=$NSS_HOME USER=nss-only uid=4242" "$OUT"
        check_match "--verbose says the user came from NSS" "user nss-only \(uid 4242\), home $NSS_HOME: from NSS" "$ERR"

        # 2. What a wrong home costs: the cli profile binds the working
        # directory read-write unless it is the home (or above it, or one of
        # the shared folders). Given HOME=decoy, sbx used to bind the real
        # home whole: ~/.bashrc, ~/.ssh, sbx's own profiles.
        cd "$NSS_HOME" || bail "cd $NSS_HOME"
        run_sbx_via "${AS_4242[@]}" -- --profile cli -- true
        cd "$WORK" || bail "cd $WORK"
        check_rc "a uid only NSS knows, HOME=decoy: cli in the real home is refused" 2
        check_match "... because it is the home" "refusing to bind $NSS_HOME read-write as the working directory" "$ERR"
        # Control: the same launch in a project folder below it works.
        cd "$NSS_HOME/project" || bail "cd $NSS_HOME/project"
        run_sbx_via "${AS_4242[@]}" -- --profile cli -- /bin/sh -c 'pwd'
        cd "$WORK" || bail "cd $WORK"
        check_eq "control: cli in a project folder of the NSS home runs" "$NSS_HOME/project" "$OUT"
    else
        # A static sbx does not ask NSS (meson.build, SBX_USE_NSS): its C
        # library cannot load NSS modules safely.
        host_skip "a uid only NSS knows: the home and name are NSS's" "a static sbx does not ask NSS"
        host_skip "a uid only NSS knows, HOME=decoy: cli in the real home is refused" "a static sbx does not ask NSS"
    fi

    # 3. A uid no database knows, whose $HOME is not its own: refused, with
    # the remedy, instead of a home that is someone else's (or /).
    for bad in / /root "$WORK/../$(basename "$WORK")/home-test" relative; do
        as_4242 HOME="$bad" USER=decoy
        run_sbx_via "${AS_4242[@]}" -- "${WHO[@]}"
        check_rc "uid 4242 in no database, HOME=$bad: refused" 125
        check_match "... with one line that names the remedy" \
            "^sbx: uid 4242 is in neither /etc/passwd nor NSS, so sbx takes its home from \\\$HOME, and .*; set HOME to your home folder \(a directory you own\)$" \
            "$ERR"
    done
    # A $USER that would add lines to the sandbox's /etc/passwd is not a name.
    as_4242 HOME="$DECOY" USER=$'x\nroot::0:0::/:/bin/sh'
    run_sbx_via "${AS_4242[@]}" -- -- /bin/sh -c 'echo "USER=$USER"; grep -c "" /etc/passwd'
    check_eq "uid 4242 in no database, \$USER with a newline: the uid is the name" "USER=4242
3" "$OUT"
fi
