#!/usr/bin/env bash
# run-fuzz.sh [SECONDS] — builds the profile fuzzer (clang, libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer, in the sanitized build
# that tests/sanitize.sh shares: tests/sanitized-build.sh), replays the seed
# corpus (the shipped profiles and tests/fuzz/corpus, a corpus minimised
# from longer runs) and then fuzzes for SECONDS (default 60) more.
#
# Exits 0 when the run found nothing, 1 on any finding (a crash, a sanitizer
# report, an exception other than sbx::Error, an input slower than the
# per-input timeout, a leak, running out of memory) or when the build fails.
# The last line is a one-line summary starting "fuzz: PASS" or "fuzz: FAIL".
#
# Environment:
#   SBX_FUZZ_BUILD_DIR  build directory (default: SBX_SANITIZE_BUILD_DIR, else
#                       build-sanitize in the source tree)
#   SBX_FUZZ_ARGS       extra libFuzzer arguments (e.g. "-jobs=4 -workers=4")
# A finding is saved as SBX_FUZZ_BUILD_DIR/artifacts/crash-* (or timeout-*,
# oom-*, leak-*); replay it with: SBX_FUZZ_BUILD_DIR/tests/fuzz/fuzz_profile FILE
# To grow the seed corpus after a long run (tests/fuzz/corpus stays small:
# only inputs that add coverage are kept):
#   FUZZER -merge=1 tests/fuzz/corpus SBX_FUZZ_BUILD_DIR/fuzz-corpus
set -uo pipefail
cd "$(dirname "$0")/../.."
src=$PWD

seconds=${1:-60}
build=${SBX_FUZZ_BUILD_DIR:-${SBX_SANITIZE_BUILD_DIR:-$src/build-sanitize}}
fuzzer=$build/tests/fuzz/fuzz_profile

fail() {
  echo "fuzz: FAIL - $*"
  exit 1
}

[[ $seconds =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || fail "usage: $0 [SECONDS]"

# --- build (warnings are not errors here: this build looks for crashes) ----
SBX_SANITIZE_BUILD_DIR=$build bash tests/sanitized-build.sh tests/fuzz/fuzz_profile ||
  fail "the fuzz target did not build"

# --- corpus: the shipped profiles and the hand-made seeds ------------------
# libFuzzer adds what it finds to the first corpus folder: a scratch one in
# the build, so that the source tree stays as it is.
corpus=$build/fuzz-corpus
artifacts=$build/artifacts
mkdir -p "$corpus" "$artifacts" || fail "cannot create $corpus"
rm -f "$artifacts"/*
cp profiles/*.toml tests/fuzz/corpus/* "$corpus/" || fail "cannot copy the seed corpus"

# --- run --------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
log=$build/fuzz.log
# -timeout: seconds per input; -rss_limit_mb: memory per process.
# shellcheck disable=SC2086  # SBX_FUZZ_ARGS is a list of arguments
"$fuzzer" "$corpus" \
  -dict=tests/fuzz/profile.dict \
  -max_len=65536 \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -max_total_time="$seconds" \
  -print_final_stats=1 \
  -artifact_prefix="$artifacts/" \
  ${SBX_FUZZ_ARGS:-} >"$log" 2>&1
rc=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
features=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
findings=$(find "$artifacts" -type f | wc -l)
summary="${runs:-?} inputs in ${seconds} s (${speed:-?} exec/s), coverage ${cov:-?} edges / ${features:-?} features, corpus ${corp:-?}, ${findings} finding(s)"

if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ] || [ -z "$runs" ]; then
  # The report: what libFuzzer and the sanitizers said about the finding.
  grep -vE '^#[0-9]+ +(NEW|REDUCE|pulse|INITED|RELOAD)' "$log" | tail -n 60
  ls -l "$artifacts"
  fail "$summary (libFuzzer exit status $rc; log: $log)"
fi
echo "fuzz: PASS - $summary"
