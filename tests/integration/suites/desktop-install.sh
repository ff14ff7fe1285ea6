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
