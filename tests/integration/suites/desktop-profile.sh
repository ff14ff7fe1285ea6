# desktop-profile.sh — the profile format of issue 11: compact mount lists,
# glob bind sources, NAME.local.toml, and a user profile extending the
# shipped one of its name. Sourced by tests/integration/run.sh.
#
# sbx's config folder is a scratch one (XDG_CONFIG_HOME), so that nothing
# here touches the test user's real profiles.

DPR=$WORK/desktop-profile
DPR_CFG=$DPR/config # XDG_CONFIG_HOME
DPR_PROFILES=$DPR_CFG/sbx/profiles
mkdir -p "$DPR/glob" "$DPR/secret" "$DPR/proj" "$DPR_PROFILES"
dsbx() { run_sbx_via env XDG_CONFIG_HOME="$DPR_CFG" -- "$@"; }

# ---------------------------------------------------------------------------
# 1. Compact mount lists
# ---------------------------------------------------------------------------
echo "the key" >"$DPR/secret/key"
P=$(profile dpr-compact <<EOF
include = ["default"]
ro-bind = ["?$DPR/missing", { source = "$DPR/secret", dest = "/srv/s" }]
tmpfs = [{ dest = "/scratch", size = "1M" }]
dir = ["/mnt/empty"]
EOF
)
dsbx --profile "$P" -- sh -c 'cat /srv/s/key; echo x >/scratch/f && cat /scratch/f; test -d /mnt/empty && echo dir
    test -e '"$DPR/missing"' || echo no-missing; echo y >/srv/s/new 2>/dev/null || echo read-only'
check_eq "compact lists: an inline-table ro-bind, a sized tmpfs, a dir, a skipped optional path" \
    "the key
x
dir
no-missing
read-only" "$OUT"
dsbx --profile "$P" --dry-run -- true
check_match "compact lists: --dry-run shows each entry with its own line and column" \
    "ro-bind $DPR/secret -> /srv/s   # $P:2:[0-9]+" "$OUT"
check_match "compact lists: the optional path is skipped, at its place" \
    "-  ro-bind $DPR/missing -> $DPR/missing \(optional\): source missing, skipped   # $P:2:12" "$OUT"

P=$(profile dpr-misplaced <<EOF
include = ["default"]
[env]
clear = true
ro-bind = ["/etc/fonts"]
EOF
)
dsbx --profile "$P" -- true
check_rc "compact lists: ro-bind written under [env] is refused (exit 2)" 2
check_match "compact lists: ... with an error saying it is a top-level key" \
    "^sbx: $P:4:1: unknown key \`ro-bind\` in \[env\] .*; \`ro-bind\` is a top-level key: write it above the first \[table\]" \
    "$ERR"
check_eq "compact lists: ... on one line" 1 "$(wc -l <<<"$ERR")"

# ---------------------------------------------------------------------------
# 2. Glob sources
# ---------------------------------------------------------------------------
for f in a1 a2 b1 .a-hidden; do echo "$f" >"$DPR/glob/$f"; done
# What a sandbox that could write in the folder would plant: a link to a
# secret of the user's, named so that the glob matches it.
ln -s "$DPR/secret" "$DPR/glob/a-link"
check_eq "glob: setup: the folder holds the matches, a non-match, a hidden file and a planted link" \
    ".a-hidden a-link a1 a2 b1 the key" "$(cd "$DPR/glob" && ls -A | tr '\n' ' ' && cat a-link/key)"
P=$(profile dpr-glob <<EOF
include = ["default"]
ro-bind = ["$DPR/glob/a*", "?$DPR/glob/zz*"]
EOF
)
dsbx --profile "$P" -- sh -c "ls -A '$DPR/glob' | tr '\n' ' '; cat '$DPR/glob/a1' '$DPR/glob/a2'"
check_eq "glob: each match is bound at its own path, nothing else of the folder" "a1 a2 a1
a2" "$OUT"
dsbx --profile "$P" -- sh -c "cat '$DPR/glob/a-link/key' 2>/dev/null || echo unreadable"
check_eq "glob: a planted symbolic link is not matched: its target stays out" "unreadable" "$OUT"
dsbx --profile "$P" --dry-run -- true
check_match "glob: --dry-run names each match with its pattern and origin" \
    "ro-bind $DPR/glob/a1 -> $DPR/glob/a1 \(matches $DPR/glob/a\*\)   # $P:2:12" "$OUT"
check_match "glob: --dry-run shows the optional glob without a match as skipped" \
    "-  ro-bind $DPR/glob/zz\* -> $DPR/glob/zz\* \(optional\): no match, skipped" "$OUT"

P=$(profile dpr-glob-none <<EOF
include = ["default"]
dev-bind = ["$DPR/glob/zz*"]
EOF
)
dsbx --profile "$P" -- true
check_rc "glob: a glob without a match, not optional, is refused (exit 2)" 2
check_match "glob: ... naming the entry and how to skip it" \
    "^sbx: $P:2:13: bind source $DPR/glob/zz\*: no match \(write it \"\?$DPR/glob/zz\*\"" "$ERR"

# ---------------------------------------------------------------------------
# 3. NAME.local.toml, and a profile extending the shipped one of its name
# ---------------------------------------------------------------------------
printf 'hostname = "adjusted"\nro-bind = ["%s"]\n' "$DPR/secret" >"$DPR_PROFILES/default.local.toml"
dsbx --profile default -- sh -c "hostname; cat '$DPR/secret/key'"
check_eq "local: default.local.toml is merged after --profile default" "adjusted
the key" "$OUT"
dsbx -- hostname
check_eq "local: ... but not after the compiled-in default that plain sbx uses as it is" sandbox "$OUT"
cd "$DPR/proj" && dsbx --profile cli --dry-run -- true
cd "$WORK" || bail "cd $WORK"
check_match "local: ... and after default where cli includes it by name, listed as a profile file" \
    "^profile +cli \(builtin:cli.toml, builtin:default.toml, $DPR_PROFILES/default.local.toml\)" "$OUT"
check_match "local: ... a launch input, never writable" "never writable .* $DPR_PROFILES/default.local.toml" "$OUT"
printf 'include = ["default"]\nhostname = "by-path"\n' >"$DPR/proj/default.toml"
printf 'hostname = "planted"\n' >"$DPR/proj/default.local.toml"
dsbx --profile "$DPR/proj/default.toml" --dry-run -- true
check_match "local: never after a profile given by path (only after what it includes by name)" \
    "^profile +default \($DPR/proj/default.toml, builtin:default.toml, $DPR_PROFILES/default.local.toml\).*hostname +by-path" \
    "$(tr '\n' ' ' <<<"$OUT")"
cd "$DPR/proj" && dsbx --profile default --dry-run -- true
cd "$WORK" || bail "cd $WORK"
check_match "local: in a folder holding a default.local.toml, the user's local is still the one read" \
    "hostname +adjusted" "$OUT"
check_true "local: ... and the one in the working directory is not" "the planted local was read" \
    test "${OUT#*planted}" = "$OUT"
chmod 0666 "$DPR_PROFILES/default.local.toml"
dsbx --profile default -- true
check_rc "local: a local file others can write is refused (exit 2)" 2
check_match "local: ... naming it" "^sbx: $DPR_PROFILES/default.local.toml: writable by its group or by others" "$ERR"
rm "$DPR_PROFILES/default.local.toml"
dsbx --profile default -- hostname
check_eq "local: control: without it, the shipped hostname" sandbox "$OUT"

# A user's cli.toml that extends the shipped cli by including its own name
# (an include loop before issue 11).
printf 'include = ["cli"]\nhostname = "extended"\n' >"$DPR_PROFILES/cli.toml"
printf '[env.set]\nFROM_LOCAL = "yes"\n' >"$DPR_PROFILES/cli.local.toml"
cd "$DPR/proj" && dsbx --profile cli -- sh -c 'hostname; echo "$FROM_LOCAL"; pwd'
cd "$WORK" || bail "cd $WORK"
check_eq "extend: a user's cli.toml including \"cli\" runs on the shipped cli, with its local" "rc=0 extended
yes
$DPR/proj" "rc=$RC $OUT"
cd "$DPR/proj" && dsbx --profile cli --dry-run -- true
cd "$WORK" || bail "cd $WORK"
check_match "extend: the files read: the user's cli.toml, the shipped cli and default, then the local" \
    "^profile +cli \($DPR_PROFILES/cli.toml, builtin:cli.toml, builtin:default.toml, $DPR_PROFILES/cli.local.toml\)" \
    "$OUT"
rm -f "$DPR_PROFILES/cli.toml" "$DPR_PROFILES/cli.local.toml" "$DPR/proj/default.toml" "$DPR/proj/default.local.toml"
