# plan.sh — `--dry-run` lists every mount the launch makes (issue 10): the
# mount list of the dry-run, as destination and read-only flag, equals the
# mount table seen from inside the same sandbox (/proc/self/mountinfo).

PLAN_RW=$WORK/plan-rw
mkdir -p "$PLAN_RW"
PLAN_ARGS=(--bind "$PLAN_RW:/mnt/rw" --ro-bind "$PLAN_RW:/mnt/ro" --tmpfs /mnt/t)

# "DEST ro|rw" per mount op of a --dry-run (the last op at a destination is
# the one on top); dir, symlink and file ops make no mount. The bind
# destinations go to stderr. (The ro-covers of /proc are checked against
# the host's /proc: the test's sandbox mounts proc at /proc.)
planned_mounts() {
    awk '
        /^mounts/ { in_mounts = 1; next }
        in_mounts && !/^  / { in_mounts = 0 }
        in_mounts && $1 ~ /^[0-9]+\.$/ {
            kind = $2
            if (kind == "bind" || kind == "ro-bind" || kind == "dev-bind" || kind == "dev-node") dest = $5
            else if (kind == "tmpfs" || kind == "proc" || kind == "dev" || kind == "mqueue" || kind == "devpts" || kind == "ro-cover") dest = $3
            else next
            # A cover the kernel has nothing for is skipped, as the plan says.
            if (kind == "ro-cover" && /\(if the kernel has it\)/ && system("test -e " dest) != 0) next
            flag[dest] = (kind == "ro-bind" || kind == "ro-cover") ? "ro" : "rw"
            if (kind ~ /bind$/) print dest > "/dev/stderr"   # binds may bring the host submounts beneath
        }
        END { for (d in flag) print d, flag[d] }' | sort
}

# "MOUNTPOINT ro|rw" per mount point of a mountinfo (the last one on top),
# leaving out "/" and the host's submounts that a recursive bind brings.
seen_mounts() {  # MOUNTINFO BIND-DESTS
    awk -v binds="$2" '
        BEGIN { n = split(binds, b, "\n") }
        {
            point = $5
            split($6, opts, ",")
            flag[point] = opts[1]
        }
        END {
            for (p in flag) {
                if (p == "/") continue
                under = 0
                for (i = 1; i <= n; i++) if (b[i] != "" && index(p, b[i] "/") == 1) under = 1
                if (!under) print p, flag[p]
            }
        }' <<<"$1" | sort
}

run_sbx --dry-run "${PLAN_ARGS[@]}" -- true
check_rc "plan: --dry-run exits 0" 0
PLANNED=$(planned_mounts <<<"$OUT" 2>"$WORK/plan-binds")
BIND_DESTS=$(cat "$WORK/plan-binds")
run_sbx "${PLAN_ARGS[@]}" -- cat /proc/self/mountinfo
check_rc "plan: the same sandbox launched prints its mountinfo" 0
SEEN=$(seen_mounts "$OUT" "$BIND_DESTS")

# Controls: both lists hold what this test is about, so that an empty or
# broken parse cannot make them equal.
for want in "/dev/null rw" "/dev/pts rw" "/dev/shm rw" "/proc rw" "/mnt/ro ro" "/mnt/rw rw" "/mnt/t rw"; do
    check_true "plan: the launch mounted $want" "not in mountinfo: $SEEN" grep -qxF "$want" <<<"$SEEN"
done
if [ -e /proc/sys ]; then
    check_true "plan: the launch covered /proc/sys read-only" "not in mountinfo: $SEEN" grep -qxF "/proc/sys ro" <<<"$SEEN"
fi
check_eq "plan: --dry-run lists every mount the launch makes, with its read-only flag" "$PLANNED" "$SEEN"

# A `create` source below a symbolic link: the dry-run names the real path
# the launch creates and mounts (it used to print the path as written, and
# only the launch resolved it, after creating it).
mkdir -p "$WORK/plan-real"
ln -s "$WORK/plan-real" "$WORK/plan-link"
P=$(profile plan-create <<EOF
include = ["default"]
[[mount]]
type = "bind"
source = "$WORK/plan-link/new/sub"
dest = "/mnt/created"
create = true
EOF
)
run_sbx --dry-run --profile "$P" -- true
check_match "plan: --dry-run shows a missing create source as the real path that will be created" \
    "bind $WORK/plan-real/new/sub -> /mnt/created \\(source created if missing\\)" "$OUT"
check_true "plan: --dry-run created nothing" "$WORK/plan-real/new exists" test ! -e "$WORK/plan-real/new"
sp --profile "$P" -- try-write /mnt/created/f
check_eq "plan: the launch created it there, and the bind works" ok "$OUT"
check_true "plan: ... the file is in the real folder" "no $WORK/plan-real/new/sub/f" test -e "$WORK/plan-real/new/sub/f"

# A missing `create` source that is a dangling symbolic link (planted, say,
# by a sandbox that could write its parent): the creation follows no link,
# so the launch fails and nothing appears where the link points.
mkdir -p "$WORK/plan-d" "$WORK/plan-outside"
ln -s "$WORK/plan-outside/x" "$WORK/plan-d/link"
P=$(profile plan-dangling <<EOF
include = ["default"]
[[mount]]
type = "bind"
source = "$WORK/plan-d/link"
dest = "/mnt/created"
create = true
EOF
)
run_sbx --profile "$P" -- true
check_rc "plan: a create source that is a dangling symlink: the launch fails (125)" 125
check_match "plan: ... with one line naming it" "^sbx: mkdir $WORK/plan-d/link[^"$'\n'"]*$" "$ERR"
check_true "plan: ... and nothing was created where it points" "$WORK/plan-outside/x exists" \
    test ! -e "$WORK/plan-outside/x"
