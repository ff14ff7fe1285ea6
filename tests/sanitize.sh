#!/usr/bin/env bash
# tests/sanitize.sh — sbx and its unit tests built with AddressSanitizer and
# UndefinedBehaviorSanitizer (clang, in their own build directory, which
# tests/fuzz/run-fuzz.sh shares: see tests/sanitized-build.sh), then:
#   1. the unit tests (sbx-unit, sanitized);
#   2. the core integration suite (SBX_SUITES=core tests/integration/run.sh)
#      against the sanitized sbx, with LeakSanitizer off.
# Any sanitizer report fails the test that triggered it (halt_on_error).
# Prints each part's output, then "N passed, N failed" as its last line
# (unit test cases plus integration tests; a build failure counts as one
# failure). Run it as root, like tests/run: the integration harness drops to
# the unprivileged user itself.
#
# Environment:
#   SBX_SANITIZE_BUILD_DIR  the sanitized build (default: build-sanitize)
#   SBX_BUILD_DIR           the normal build, for sbx-probe and the other
#                           static helpers, which cannot be sanitized
#                           (-static and -fsanitize=address exclude each
#                           other) (default: build)
#   SBX_SANITIZE_SUITES     integration suites to run (default: core)
set -uo pipefail
cd "$(dirname "$0")/.."
san=${SBX_SANITIZE_BUILD_DIR:-build-sanitize}
build=${SBX_BUILD_DIR:-build}
suites=${SBX_SANITIZE_SUITES:-core}

give_up() {
  echo "sanitize: $*"
  echo "0 passed, 1 failed"
  exit 1
}

# --- build -------------------------------------------------------------------
SBX_SANITIZE_BUILD_DIR=$san bash tests/sanitized-build.sh sbx sbx-supervise sbx-init tests/sbx-unit ||
  give_up "the sanitized build failed"
[ -f "$build/build.ninja" ] || give_up "no normal build in $build for sbx-probe; run ./bootstrap first"
log=$(meson compile -C "$build" 2>&1) || { echo "$log" | tail -n 40; give_up "the normal build in $build failed"; }

# Stop at the first report, with a stack; the exit status says it failed.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

passed=0
failed=0

# --- unit tests ----------------------------------------------------------------
echo "== unit tests (ASan + UBSan)"
unit_out=$("$san/tests/sbx-unit" 2>&1)
unit_rc=$?
echo "$unit_out" | tail -n 40
if [[ $unit_out =~ All\ tests\ passed\ \(([0-9]+)\ assertions?\ in\ ([0-9]+)\ test\ cases?\) ]]; then
  passed=$((passed + BASH_REMATCH[2]))
elif [[ $unit_out =~ test\ cases:\ +([0-9]+)\ \|\ +([0-9]+)\ passed\ \|\ +([0-9]+)\ failed ]]; then
  passed=$((passed + BASH_REMATCH[2]))
  failed=$((failed + BASH_REMATCH[3]))
elif [[ $unit_out =~ test\ cases:\ +([0-9]+)\ \|\ +([0-9]+)\ failed ]]; then
  failed=$((failed + BASH_REMATCH[2]))
else
  echo "sanitize: could not read the unit test summary (exit $unit_rc; a sanitizer report?)"
  failed=$((failed + 1))
fi
[ "$unit_rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=$((failed + 1))

# --- integration tests -----------------------------------------------------
# The harness passes only a few variables through to the unprivileged user,
# so the sanitizer options travel in a wrapper that it runs as sbx. The
# harness copies every program beside the probe next to the staged sbx: the
# sanitized binary goes there as sbx-sanitized, next to the normal helpers.
# (sbx-supervise, exec'd with an empty environment, runs with the default
# sanitizer options: LeakSanitizer on, which a small C program passes.)
echo "== integration tests: $suites (sanitized sbx)"
bin=$(realpath "$san")/it-bin
rm -rf "$bin" && mkdir -p "$bin" || give_up "cannot create $bin"
for helper in "$build"/tests/*; do
  case $helper in *sbx-unit | *.p) continue ;; esac
  [ -f "$helper" ] && [ -x "$helper" ] && cp "$helper" "$bin/"
done
cp "$san/sbx" "$bin/sbx-sanitized" || give_up "cannot copy the sanitized sbx"
# sbx looks for its resident supervisor beside its own binary.
cp "$san/sbx-supervise" "$san/sbx-init" "$bin/" || give_up "cannot copy the sanitized supervisors"
# Perl, not sh: a shell complains on its own stderr when started in a
# deleted working directory, which a test of sbx's own message there reads.
cat >"$bin/sbx" <<EOF
#!/usr/bin/perl
# sbx built with ASan and UBSan (tests/sanitize.sh), with its options.
\$ENV{ASAN_OPTIONS} = '$ASAN_OPTIONS';
\$ENV{UBSAN_OPTIONS} = '$UBSAN_OPTIONS';
(my \$sbx = \$0) =~ s{[^/]*\$}{sbx-sanitized};
exec { \$sbx } \$sbx, @ARGV or die "sbx wrapper: exec \$sbx: \$!\n";
EOF
chmod 0755 "$bin"/* "$bin"
[ -x "$bin/sbx-probe" ] || give_up "no sbx-probe in $build/tests"

tap=$(SBX_SUITES="$suites" bash tests/integration/run.sh "$bin/sbx" "$bin/sbx-probe" 2>&1)
tap_rc=$?
echo "$tap"
ok=$(grep -cE '^ok ' <<<"$tap")
not_ok=$(grep -cE '^not ok ' <<<"$tap")
planned=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' <<<"$tap" | head -n 1)
passed=$((passed + ok))
failed=$((failed + not_ok))
if [ -z "$planned" ] || [ "$planned" -eq 0 ] || [ $((ok + not_ok)) -ne "$planned" ]; then
  echo "sanitize: the integration suite planned ${planned:-no} tests and reported $((ok + not_ok))"
  failed=$((failed + 1))
fi
[ "$tap_rc" -eq 0 ] || [ "$not_ok" -gt 0 ] || failed=$((failed + 1))
# A sanitizer report names itself; say so even when a test let it pass.
if reports=$(grep -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' <<<"$tap"); then
  echo "sanitize: sanitizer reports in the integration run:"
  echo "$reports" | head -n 20
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
